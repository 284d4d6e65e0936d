"""Runs of a job on instances the cluster starts for them pull the image on each new node through the NAT gateways
(decider/cost/network.py ``node_pulls``), as Fargate's tasks do on every run: the bill's instance-hours hold each run's
node up for the run and the scale-in lag after it, and while runs are further apart than that each starts a node that
does not have the image (architect audit 37, F1)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

#: An hourly ETL of 20-minute runs with a 5 GB image, behind two NAT gateways (architect audit 37, F1).
ETL: dict[str, Any] = {
    "runtime": {
        "max_duration_s": 1800,
        "avg_duration_ms": 1_200_000,
        "memory_mb": 16384,
        "vcpu": 4,
        "artifact_mb": 5000,
    },
    "traffic": {"pattern": "scheduled", "requests_per_month": 730},
    "network": {"nat_gateways": 2, "logs_gb_per_month": 20},
    "team": {"current_platform": "ec2"},
    "preferences": {"region": "eu-west-3", "optimize_for": "cost"},
}
INSTANCE_TARGETS = ("ecs-ec2", "ecs-managed-instances")


def decided(ruleset: Ruleset, raw: dict[str, Any]) -> Decision:
    return decide(parse_workload(raw), ruleset, advice=False)


def pulls(decision: Decision, target: str) -> list[Any]:
    [entry] = [item for item in decision.ranking if item.target == target]
    assert entry.monthly_cost is not None
    return [line for line in entry.monthly_cost.lines if "image pulls" in line.item]


def with_runs(runs: int, **runtime: Any) -> dict[str, Any]:
    return {**ETL, "runtime": {**ETL["runtime"], **runtime}, "traffic": {**ETL["traffic"], "requests_per_month": runs}}


def test_an_hourly_job_on_nodes_scaled_in_between_its_runs_pulls_its_image_each_run(ruleset: Ruleset) -> None:
    decision = decided(ruleset, ETL)
    gb = 730 * 5000 / 1024  # 3,564.45 GB, as Fargate's tasks pull
    for target in (*INSTANCE_TARGETS, "ecs-fargate"):
        [line] = pulls(decision, target)
        assert line.quantity == pytest.approx(gb)
        assert line.unit_price_usd == 0.05  # eu-west-3's NAT gateway data processing, per GB
        assert line.usd == pytest.approx(178.2227, abs=1e-4)
    [line] = pulls(decision, "ecs-managed-instances")
    assert (
        line.item
        == "NAT gateway data processed (image pulls, 5000 MB a run on a new node; none through ECR VPC endpoints)"
    )
    totals = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost}
    assert totals["ecs-managed-instances"] == pytest.approx(385.50, abs=0.01)  # $207.28 before the pulls
    assert totals["ecs-ec2"] == pytest.approx(372.64, abs=0.01)
    # With the pulls on every target, Fargate is the cheapest, and cost first picks it
    assert decision.recommendation == "ecs-fargate"
    assert min(totals, key=totals.__getitem__) == "ecs-fargate"


def test_runs_that_keep_one_node_up_all_month_pull_nothing_on_it(ruleset: Ruleset) -> None:
    """A node is up for a run and 15 minutes after it: 60-second runs keep one up all month from 730 × 3,600 ÷ 960 =
    2,737.5 runs a month; below that each run starts a node of its own."""
    short = {"avg_duration_ms": 60_000, "max_duration_s": 120}
    [line] = pulls(decided(ruleset, with_runs(2600, **short)), "ecs-ec2")
    assert line.quantity == pytest.approx(2600 * 5000 / 1024)
    assert not pulls(decided(ruleset, with_runs(2800, **short)), "ecs-ec2")
    assert pulls(decided(ruleset, with_runs(2800, **short)), "ecs-fargate")  # Fargate keeps no image between tasks


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"network": {"nat_gateways": 0}}, "no NAT gateway: pulls reach ECR some other way"),
        ({"runtime": {**ETL["runtime"], "long_running": True}}, "a process kept up keeps its node and the image"),
    ],
)
def test_no_node_pulls_without_a_nat_gateway_or_with_a_node_kept_up(
    ruleset: Ruleset, change: dict[str, Any], why: str
) -> None:
    decision = decided(ruleset, {**ETL, **change})
    for target in INSTANCE_TARGETS:
        assert not pulls(decision, target), why


def test_pods_on_an_existing_clusters_nodes_pull_nothing(ruleset: Ruleset) -> None:
    """On the team's EKS cluster the copies share its general nodes, which stay up between the runs."""
    on_eks = {**ETL, "team": {"current_platform": "eks"}}
    [eks] = [entry for entry in decided(ruleset, on_eks).ranking if entry.target == "eks"]
    assert eks.sizing is not None
    assert getattr(eks.sizing, "shared_nodes", False)
    assert not pulls(decided(ruleset, on_eks), "eks")


def test_a_book_without_network_prices_shows_the_node_pulls_at_zero_and_says_so(ruleset: Ruleset) -> None:
    book = ruleset.pricing["eu-west-3"]
    bare = book.model_copy(update={"network": None, "missing": {**book.missing, "network": "not sourced"}})
    without = dataclasses.replace(ruleset, pricing={**ruleset.pricing, "eu-west-3": bare})
    [line] = pulls(decided(without, ETL), "ecs-ec2")
    assert line.item.endswith(": no price in this region")
    assert (line.quantity, line.usd) == (pytest.approx(730 * 5000 / 1024), 0.0)


def test_runs_of_a_batch_start_at_random_and_pull_by_the_chance_no_node_is_up(ruleset: Ruleset) -> None:
    """A batch's runs start at random: a run finds no node up when none started within a node's time up (the run and
    the 15-minute scale-in lag) before it, e^(−runs an hour × hours up), so the pulls fall smoothly as runs come closer
    (audit of the stop's changes, F3: the schedule's step was applied to a batch, $599.13 at 1,250 runs and $294.09 at
    1,251)."""

    def batch(runs: int) -> dict[str, Any]:
        raw = with_runs(runs)
        return {**raw, "traffic": {**raw["traffic"], "pattern": "batch"}}

    up_h = (1 + 1200 + 900) / 3600  # the start assumed (1 s), the 20-minute run and the 15-minute lag
    for runs in (1250, 1251):
        [line] = pulls(decided(ruleset, batch(runs)), "ecs-managed-instances")
        cold = math.exp(-runs * up_h / 730)
        assert line.quantity == pytest.approx(runs * 5000 / 1024 * cold, rel=1e-6)
        assert f"{cold:.0%} of runs that start a new node" in line.item
    totals = [
        next(entry for entry in decided(ruleset, batch(runs)).ranking if entry.target == "ecs-managed-instances")
        for runs in (1250, 1251)
    ]
    before, after = (entry.monthly_cost.total_usd for entry in totals if entry.monthly_cost is not None)
    assert abs(after - before) < 0.01 * before  # 0.08% more runs: no step
