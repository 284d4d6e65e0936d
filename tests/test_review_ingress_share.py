"""An Ingress's own Application Load Balancer shared by several workloads (decider/sources/kubernetes_ingress.py) is
made by the files as they make the workloads: its hours are split between their EKS bills, as a shared cluster's
control plane is (decider/review_cluster.py ``share_balancer``), stay behind in the review's totals while any of them
stays, and are left out of a consider's saving and of a diff's costs like the control plane's share (audit of round
35's changes, F5: on a cluster the files define, the ALB was said to exist already and billed to no one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.review import Review, ReviewedWorkload, review_imported
from decider.review_diff import own_cost
from decider.rules.model import Ruleset
from decider.sources import apply_usage, find_workloads
from tests.manifests import EKS_CLUSTER
from tests.sources.test_ingress_balancers import app, ingress
from tests.test_review_defined_cluster import eks_lines

#: An Application Load Balancer's hours in us-east-1, a month: $0.0225 an hour × 730 (rules/pricing/us-east-1.yaml).
ALB_MONTH = 0.0225 * 730
#: What the existing cluster's shared load balancer says on an EKS bill, which the Ingress's share replaces.
CLUSTER_BALANCER = "Application Load Balancer hours (existing cluster's, shared: already paid)"


def review_of(root: Path, ruleset: Ruleset, usage: dict[str, dict[str, object]]) -> Review:
    discovery = find_workloads([str(root)])
    apply_usage(discovery.workloads, usage, "usage.yaml")
    return review_imported(discovery.workloads, ruleset)


def balancer_share(item: ReviewedWorkload) -> tuple[str, float]:
    [found] = [(text, usd) for text, usd in eks_lines(item).items() if text.startswith("Application Load Balancer $")]
    return found


def traffic(requests: int, peak: int) -> dict[str, object]:
    return {"traffic": {"requests_per_month": requests, "peak_rps": peak}}


@pytest.mark.parametrize("defined", [False, True], ids=["existing-cluster", "defined-cluster"])
def test_two_workloads_behind_one_alb_ingress_split_its_hours(tmp_path: Path, ruleset: Ruleset, defined: bool) -> None:
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    if defined:
        (tmp_path / "main.tf").write_text(EKS_CLUSTER)
    review = review_of(tmp_path, ruleset, {name: traffic(2_000_000, 20) for name in ("shop", "cart")})
    for item in review.workloads:
        text, usd = balancer_share(item)
        assert usd == pytest.approx(ALB_MONTH / 2)  # $8.2125 each, $16.425 between them
        assert text.startswith("Application Load Balancer $16.43 a month of Ingress front (")
        assert text.endswith("its hours split between 2 workloads in this review: $8.21")
        assert CLUSTER_BALANCER not in eks_lines(item)  # no longer said to exist already
        [note] = [text for text in item.decision.assumptions if text.startswith("team.current_platform is eks")]
        assert "its shared load balancer already exists" not in note
        assert "whose hours ($16.43 a month) are split between the 2 workloads it routes to" in note
        [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
        assert eks.monthly_cost is not None
        assert eks.monthly_cost.total_usd == pytest.approx(sum(eks_lines(item).values()), abs=0.01)
        # both are told to consider Lambda: each saving leaves both shares out and says when they are saved
        assert item.verdict == "consider"
        assert "and its $8.21 share of the load balancer of Ingress front (" in item.why
        assert "which is saved only if the other workload in this review behind it moves off it too" in item.why
        assert "as the review's summary then counts them" in item.why
        # a diff compares costs without the shares: the Ingress costs that whatever the change adds or removes
        assert item.monthly_cost_now_usd is not None
        assert own_cost(item) == pytest.approx(item.monthly_cost_now_usd - 36.5 - ALB_MONTH / 2, abs=0.01)
    # every workload behind the Ingress is told to move: the summary counts its hours saved with the cluster
    after = sum(item.monthly_cost_recommended_usd or 0.0 for item in review.workloads)
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(after, abs=0.01)


def test_the_ingress_share_stays_behind_while_a_workload_behind_it_stays(tmp_path: Path, ruleset: Ruleset) -> None:
    """shop is busy enough to keep EKS, cart is told to consider Lambda: cart's share of the load balancer (and of the
    control plane) is still paid after following the verdicts."""
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    review = review_of(tmp_path, ruleset, {"shop": traffic(900_000_000, 900), "cart": traffic(2_000_000, 20)})
    verdicts = {item.name: item.verdict for item in review.workloads}
    assert verdicts["cart"] == "consider"
    assert verdicts["shop"] == "keep"
    cart = next(item for item in review.workloads if item.name == "cart")
    kept = next(item for item in review.workloads if item.name == "shop")
    assert cart.monthly_cost_recommended_usd is not None
    assert kept.monthly_cost_now_usd is not None
    left_behind = 36.5 + ALB_MONTH / 2
    expected = cart.monthly_cost_recommended_usd + kept.monthly_cost_now_usd + left_behind
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(expected, abs=0.02)


def test_a_usage_file_giving_one_its_own_load_balancer_leaves_the_other_paying_the_ingress_whole(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    (tmp_path / "app.yaml").write_text(app("shop") + "---\n" + app("cart") + ingress("front", ["shop", "cart"]))
    usage = {"shop": traffic(2_000_000, 20), "cart": traffic(2_000_000, 20)}
    usage["shop"]["network"] = {"own_load_balancer": True}
    review = review_of(tmp_path, ruleset, usage)
    by_name = {item.name: item for item in review.workloads}
    assert eks_lines(by_name["shop"])["Application Load Balancer hours"] == pytest.approx(ALB_MONTH)
    text, usd = balancer_share(by_name["cart"])
    assert usd == pytest.approx(ALB_MONTH)
    assert text.endswith("its hours billed to the one workload in this review behind it: $16.43")
