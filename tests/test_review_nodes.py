"""A Kubernetes workload's cost now on the managed node groups the files reviewed define is priced on decider's
choice of type, and says so when the node groups list other types or another purchase option (decider/review_nodes.py;
architect audit, round 36, F1: "cost now" priced on c7g types while the node group runs m7g.large, unsaid). Pricing
the listed types as they run was tried and taken back: shared nodes billed whole, on-demand groups priced at Spot
rates, the cheapest of several listed types (audit of round 35's latest changes, F1, F2, F5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider import Ruleset
from decider.review import ReviewedWorkload, review_imported
from decider.sources import apply_usage, find_workloads
from tests.manifests import EKS_CLUSTER, deployment

CLUSTER = (
    EKS_CLUSTER
    + """
resource "aws_eks_node_group" "general" {
  cluster_name   = aws_eks_cluster.orders.name
  node_role_arn  = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids     = ["subnet-1", "subnet-2"]
  %s
  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 4
  }
}
"""
)


def reviewed(tmp_path: Path, ruleset: Ruleset, group: str) -> dict[str, ReviewedWorkload]:
    (tmp_path / "infra").mkdir(parents=True)
    (tmp_path / "infra" / "main.tf").write_text(CLUSTER % group, encoding="utf-8")
    for name in ("api", "web"):
        (tmp_path / "infra" / f"{name}.yaml").write_text(deployment(name, cpu="500m", memory="1Gi"), encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    usage = {name: {"traffic": {"requests_per_month": 30_000_000, "peak_rps": 40}} for name in ("api", "web")}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    return {item.name: item for item in review_imported(discovery.workloads, ruleset).workloads}


def eks_nodes(item: ReviewedWorkload) -> str:
    [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
    assert eks.sizing is not None
    assert eks.sizing.kind == "instances"
    return eks.sizing.instance_type


@pytest.mark.parametrize(
    ("group", "said"),
    [
        ('instance_types = ["m7g.large"]\n  capacity_type  = "ON_DEMAND"', "its node groups list m7g.large ("),
        (
            'instance_types = ["m7g.large", "m6g.large"]\n  capacity_type  = "SPOT"',
            "list m7g.large, m6g.large (Spot) (",
        ),
    ],
)
def test_the_cost_now_says_it_is_priced_on_another_type_than_the_node_groups(
    tmp_path: Path, ruleset: Ruleset, group: str, said: str
) -> None:
    api = reviewed(tmp_path, ruleset, group)["api"]
    assert (api.current_target, api.current_mode) == ("eks", "managed-node-group")
    priced = eks_nodes(api)
    assert priced not in ("m7g.large", "m6g.large")  # decider's own choice for EKS is another, cheaper type
    [note] = [text for text in api.decision.assumptions if "its node groups list" in text]
    assert said in note
    assert f"the cost now is priced on {priced}, decider's choice of type for EKS managed node groups" in note
    assert api.monthly_cost_now_usd is not None
    assert "Cost now: " in api.why  # the verdict says it too
    # and the cost now is that mode's bill as decider prices it, unchanged
    [eks] = [entry for entry in api.decision.ranking if entry.target == "eks"]
    assert eks.sizing is not None
    [groups] = [option for option in eks.sizing.modes if option.mode == "managed-node-group"]
    assert api.monthly_cost_now_usd == groups.monthly_usd


def test_node_groups_of_the_type_priced_or_listing_none_say_nothing_more(tmp_path: Path, ruleset: Ruleset) -> None:
    api = reviewed(tmp_path, ruleset, "")["api"]
    assert api.current_mode == "managed-node-group"
    assert not [text for text in api.decision.assumptions if "its node groups list" in text]
    priced = eks_nodes(api)
    again = reviewed(tmp_path / "again", ruleset, f'instance_types = ["{priced}"]')["api"]
    assert eks_nodes(again) == priced
    assert not [text for text in again.decision.assumptions if "its node groups list" in text]
