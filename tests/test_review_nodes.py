"""A Kubernetes workload's cost now on the managed node groups the files reviewed define: priced on the instance
types they list (and Spot when they run Spot), not on decider's cheapest type (decider/review_nodes.py; architect
audit, round 36, F1: "cost now" 8–18% low on c7g types while the node group runs m7g.large)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider import Ruleset
from decider.review import ReviewedWorkload, review_imported
from decider.sources import apply_usage, find_workloads

CLUSTER = """provider "aws" {
  region = "us-east-1"
}

resource "aws_eks_cluster" "orders" {
  name     = "orders"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

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

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: api
          image: example/{name}:1
          ports: [{{containerPort: 8080}}]
          resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}
"""


def reviewed(tmp_path: Path, ruleset: Ruleset, group: str) -> dict[str, ReviewedWorkload]:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(CLUSTER % group, encoding="utf-8")
    for name in ("api", "web"):
        (tmp_path / "infra" / f"{name}.yaml").write_text(DEPLOYMENT.format(name=name), encoding="utf-8")
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
    ("capacity", "said", "dearer"), [("ON_DEMAND", "m7g.large:", True), ("SPOT", "m7g.large, Spot:", False)]
)
def test_the_cost_now_is_the_node_groups_types(
    tmp_path: Path, ruleset: Ruleset, capacity: str, said: str, dearer: bool
) -> None:
    group = f'instance_types = ["m7g.large"]\n  capacity_type  = "{capacity}"'
    api = reviewed(tmp_path, ruleset, group)["api"]
    assert (api.current_target, api.current_mode) == ("eks", "managed-node-group")
    assert eks_nodes(api) != "m7g.large"  # decider's own choice for EKS is another, cheaper type
    [note] = [text for text in api.decision.assumptions if "priced on the instance types its node groups list" in text]
    assert f"({said} aws_eks_node_group.general (" in note
    # The cost now is the node groups' mode billed on m7g.large (the workload as given, with those types), with this
    # review's share of the control plane: what the note says; more than decider's choice of type on demand, less on
    # Spot (decider's choice does not assume interruptions are fine)
    choice = float(note.rsplit("where decider's choice of type costs $", 1)[1].replace(",", ""))
    assert api.monthly_cost_now_usd is not None
    assert (api.monthly_cost_now_usd > choice) is dearer
    assert f"${api.monthly_cost_now_usd:,.2f}, where" in note


def test_node_groups_that_list_no_types_leave_decider_s_choice(tmp_path: Path, ruleset: Ruleset) -> None:
    api = reviewed(tmp_path, ruleset, "")["api"]
    assert api.current_mode == "managed-node-group"
    assert not [text for text in api.decision.assumptions if "its node groups list" in text]
    [eks] = [entry for entry in api.decision.ranking if entry.target == "eks"]
    assert eks.sizing is not None
    [groups] = [option for option in eks.sizing.modes if option.mode == "managed-node-group"]
    assert api.monthly_cost_now_usd == groups.monthly_usd
