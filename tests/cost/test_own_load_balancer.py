"""A workload that gets a load balancer of its own on a cluster the team runs already (``network.own_load_balancer``:
a Kubernetes Service of type LoadBalancer) is billed that load balancer's hours; one that joins the cluster's shared
load balancer is billed them at $0. The review sets the field from the manifests it reads."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.review import review_imported
from decider.sources import apply_usage, find_workloads
from tests.conftest import REPO_ROOT

ON_EKS: dict[str, Any] = {
    "name": "orders-api",
    "runtime": {"memory_mb": 1024, "avg_duration_ms": 100},
    "traffic": {"pattern": "steady", "requests_per_month": 5_000_000},
    "team": {"current_platform": "eks", "kubernetes_experience": "expert"},
}


def balancer_lines(decision: Any, target: str) -> dict[str, tuple[float, float, float]]:
    (entry,) = [item for item in decision.ranking if item.target == target]
    assert entry.monthly_cost is not None
    return {
        line.item: (line.quantity, line.unit_price_usd, line.usd)
        for line in entry.monthly_cost.lines
        if "Load Balancer" in line.item
    }


def with_network(raw: dict[str, Any], **network: Any) -> dict[str, Any]:
    return {**raw, "network": network}


@pytest.mark.parametrize("platform", ["eks", "ecs"])
def test_an_own_load_balancer_is_billed_on_the_existing_cluster(ruleset: Ruleset, platform: str) -> None:
    raw = {**ON_EKS, "team": {**ON_EKS["team"], "current_platform": platform}}
    target = "eks" if platform == "eks" else "ecs-fargate"
    shared = decide(parse_workload(raw), ruleset, advice=False)
    own = decide(parse_workload(with_network(raw, own_load_balancer=True)), ruleset, advice=False)
    hours_shared = balancer_lines(shared, target)[
        "Application Load Balancer hours (existing cluster's, shared: already paid)"
    ]
    assert hours_shared[2] == 0.0
    book = ruleset.pricing["us-east-1"]
    assert book.load_balancers is not None
    quantity, unit, amount = balancer_lines(own, target)["Application Load Balancer hours"]
    assert (quantity, unit) == (730, book.load_balancers.alb_hour.usd)
    assert amount == pytest.approx(730 * book.load_balancers.alb_hour.usd, abs=0.01)
    (entry_shared,) = [item for item in shared.ranking if item.target == target]
    (entry_own,) = [item for item in own.ranking if item.target == target]
    assert entry_shared.monthly_cost is not None
    assert entry_own.monthly_cost is not None
    assert entry_own.monthly_cost.total_usd == pytest.approx(entry_shared.monthly_cost.total_usd + amount, abs=0.02)
    note = next(text for text in own.assumptions if text.startswith("team.current_platform"))
    assert "the workload's own load balancer (network.own_load_balancer) is billed in full" in note
    assert "shared load balancer already exist" not in note


def test_an_own_load_balancer_changes_nothing_on_a_new_cluster(ruleset: Ruleset) -> None:
    new = {**ON_EKS, "team": {**ON_EKS["team"], "new_cluster": True}}
    plain = decide(parse_workload(new), ruleset, advice=False)
    own = decide(parse_workload(with_network(new, own_load_balancer=True)), ruleset, advice=False)
    assert [item.monthly_cost for item in plain.ranking] == [item.monthly_cost for item in own.ranking]


def test_a_service_of_type_load_balancer_gives_its_workload_its_own(ruleset: Ruleset) -> None:
    routes = REPO_ROOT / "tests" / "fixtures" / "kubernetes-routes"
    found = {workload.name: workload for workload in find_workloads([str(routes)]).workloads}
    api, storefront = found["api"], found["storefront"]  # a LoadBalancer Service; an Ingress to a ClusterIP one
    assert api.raw["network"] == {"own_load_balancer": True}
    assert any("is of type LoadBalancer: it gets a load balancer of its own" in note for note in api.assumptions)
    # The Ingress is of class alb with no IngressGroup and routes to the storefront alone: its ALB is the storefront's
    assert storefront.raw["network"] == {"own_load_balancer": True}
    assert any(
        "Ingress storefront (" in note and "routes to this workload alone" in note for note in storefront.assumptions
    )
    usage = {"api": {"traffic": {"requests_per_month": 300000}, "team": {"current_platform": "eks"}}}
    apply_usage([api], usage, "usage.yaml")
    [entry] = review_imported([api], ruleset).workloads
    assert "Application Load Balancer hours" in balancer_lines(entry.decision, "eks")


@pytest.mark.parametrize(
    "traffic",
    [{"protocols": ["queue"]}, {"pattern": "steady", "requests_per_month": 5_000_000, "front_door": "none"}],
)
def test_an_own_load_balancer_with_no_door_in_front_is_not_said_to_be_billed(
    ruleset: Ruleset, traffic: dict[str, Any]
) -> None:
    """Queue work, or work behind no front door, has no load balancer on any target: the note says the flag adds
    nothing, not that a load balancer is billed in full (property audit, round 31, F1)."""
    raw = {**ON_EKS, "traffic": traffic, "network": {"own_load_balancer": True}}
    decision = decide(parse_workload(raw), ruleset)
    [note] = [text for text in decision.assumptions if text.startswith("team.current_platform is eks")]
    assert "billed in full" not in note
    assert "network.own_load_balancer is true, but no load balancer is in front of this work" in note
    assert balancer_lines(decision, "eks") == {}  # and none is billed
