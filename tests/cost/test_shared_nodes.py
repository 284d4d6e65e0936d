"""On a team's existing EKS cluster, a service's pods go on nodes that are already there: the bill is their share of
the nodes (copy-hours ÷ copies per instance), with no node of their own, no minimum and no node kept up after a run.
A new cluster (team.new_cluster) and ECS, whose cluster may run on Fargate alone, keep nodes of their own."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.decision import InstanceSizing, RankedTarget

API: dict[str, Any] = {
    "runtime": {
        "max_duration_s": 2,
        "avg_duration_ms": 80,
        "memory_mb": 512,
        "vcpu": 0.25,
        "long_running": True,
        "concurrency_per_copy": 20,
        "architecture": "arm64",  # EKS on Fargate takes x86 only: EKS runs on nodes
    },
    "traffic": {"pattern": "diurnal", "requests_per_month": 5_000_000, "protocols": ["http"]},
    "preferences": {"optimize_for": "control"},  # node groups over Auto Mode (control favours host control)
}


def _target(ruleset: Ruleset, raw: dict[str, Any], target: str) -> RankedTarget:
    decision = decide(parse_workload(raw), ruleset, advice=False)
    return next(entry for entry in decision.ranking if entry.target == target)


def _with_team(**team: Any) -> dict[str, Any]:
    return {**API, "team": {"kubernetes_experience": "expert", "ops_capacity": "high", **team}}


def test_pods_on_an_existing_cluster_pay_their_share_of_its_nodes(ruleset: Ruleset) -> None:
    eks = _target(ruleset, _with_team(current_platform="eks"), "eks")
    sizing = eks.sizing
    assert isinstance(sizing, InstanceSizing)
    assert sizing.mode == "managed-node-group"
    assert sizing.shared_nodes
    assert sizing.min_instances == 0
    assert eks.monthly_cost is not None
    nodes = next(line for line in eks.monthly_cost.lines if line.item.startswith("EKS nodes"))
    assert "share of the existing cluster's nodes" in nodes.item
    # Two copies kept up all month, their share of a node: copy-hours ÷ copies per instance.
    assert nodes.quantity == pytest.approx(sizing.desired_copies * 730 / sizing.copies_per_instance, rel=1e-3)


def test_a_new_cluster_and_ecs_keep_nodes_of_their_own(ruleset: Ruleset) -> None:
    shared = _target(ruleset, _with_team(current_platform="eks"), "eks")
    own = _target(ruleset, _with_team(current_platform="eks", new_cluster=True), "eks")
    assert isinstance(own.sizing, InstanceSizing)
    assert not own.sizing.shared_nodes
    assert own.sizing.min_instances >= 1
    assert shared.monthly_cost is not None
    assert own.monthly_cost is not None
    assert shared.monthly_cost.total_usd < own.monthly_cost.total_usd
    for target in ("ecs-ec2", "ecs-managed-instances"):  # an ECS cluster may have no instances to share
        on_ecs = _target(ruleset, _with_team(current_platform="ecs"), target)
        assert isinstance(on_ecs.sizing, InstanceSizing)
        assert not on_ecs.sizing.shared_nodes
        assert on_ecs.sizing.min_instances >= 1


@pytest.mark.parametrize("volume", [1_000_000, 5_000_000, 50_000_000, 500_000_000])
def test_a_share_of_nodes_never_falls_as_traffic_rises_and_never_exceeds_nodes_of_its_own(
    ruleset: Ruleset, volume: int
) -> None:
    def bill(volume: float, **team: Any) -> float:
        raw = _with_team(**team)
        raw["traffic"] = {**raw["traffic"], "requests_per_month": volume}
        entry = _target(ruleset, raw, "eks")
        assert entry.monthly_cost is not None
        return entry.monthly_cost.total_usd

    shared = bill(volume, current_platform="eks")
    assert shared <= bill(volume * 1.5, current_platform="eks")
    assert shared <= bill(volume, current_platform="eks", new_cluster=True)


def test_a_scheduled_job_on_an_existing_cluster_pays_only_while_it_runs(ruleset: Ruleset) -> None:
    job = {
        "runtime": {"max_duration_s": 600, "memory_mb": 1024, "vcpu": 0.5, "architecture": "arm64"},
        "traffic": {"pattern": "scheduled", "requests_per_month": 30, "protocols": ["schedule"]},
        "preferences": {"optimize_for": "control"},
    }
    shared = _target(ruleset, {**job, "team": {"current_platform": "eks", "kubernetes_experience": "expert"}}, "eks")
    assert shared.monthly_cost is not None
    nodes = next(line for line in shared.monthly_cost.lines if line.item.startswith("EKS nodes"))
    sizing = shared.sizing
    assert isinstance(sizing, InstanceSizing)
    # 30 runs of 10 minutes (and the 1 s start assumed): 30 × 601 s = 5.008 copy-hours a month, as a share of a node;
    # no node lingers after a run.
    assert nodes.quantity == pytest.approx(30 * 601 / 3600 / sizing.copies_per_instance, rel=1e-3)
