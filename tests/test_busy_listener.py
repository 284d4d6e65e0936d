"""A listener busy at every moment keeps a copy per Availability Zone (architect audit 23, F4).

A spiky API at 500 requests a second ran on one Fargate copy: only steady and diurnal services kept two, so one
copy's replacement, or its zone's outage, failed the requests arriving meanwhile, and that is at every moment for a
busy service. AWS recommends deploying across Availability Zones (Well-Architected REL10-BP01,
https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_fault_isolation_multiaz_region_system.html)
and registering targets in every zone a load balancer uses. rules/pricing/model.yaml ``busy_listener_in_flight``: a
listener with a request in flight on average, or more, keeps ``always_on_min_copies``; below it one copy stays.
"""

from __future__ import annotations

import itertools
from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.decision import Decision, FargateSizing, InstanceSizing, RankedTarget

#: 500 requests a second on average of 80 ms: 40 in flight, all of them fit in one copy of 80 at 70%.
BUSY: dict[str, Any] = {
    "name": "busy-spiky-api",
    "runtime": {"avg_duration_ms": 80, "max_duration_s": 2, "memory_mb": 1024, "concurrency_per_copy": 80},
    "traffic": {"pattern": "spiky", "requests_per_month": 1_314_000_000, "peak_rps": 1200, "protocols": ["http"]},
}


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def with_requests(requests: float) -> dict[str, Any]:
    return {**BUSY, "traffic": {**BUSY["traffic"], "requests_per_month": requests, "peak_rps": requests / 1_095_000}}


def test_a_busy_spiky_api_keeps_a_copy_per_zone(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(BUSY), ruleset, advice=False)
    fargate = entry(decision, "ecs-fargate").sizing
    assert isinstance(fargate, FargateSizing)
    assert (fargate.min_copies, fargate.desired_copies) == (2, 2)  # the average load alone fits one copy
    for target in ("ecs-ec2", "ecs-managed-instances"):
        sizing = entry(decision, target).sizing
        assert isinstance(sizing, InstanceSizing)
        assert (sizing.min_copies, sizing.min_instances) == (2, 2)  # the two copies on nodes in two zones
    [said] = [text for text in decision.assumptions if text.startswith("runtime.min_copies not given")]
    assert "keep 2 copies up whatever the load" in said
    assert "a listener with 40 requests in flight on average, 1 or more" in said


def test_a_listener_idle_most_of_the_time_keeps_one_copy(ruleset: Ruleset) -> None:
    """0.4 requests in flight on average: one copy, as before."""
    decision = decide(parse_workload(with_requests(13_140_000)), ruleset, advice=False)
    fargate = entry(decision, "ecs-fargate").sizing
    ec2 = entry(decision, "ecs-ec2").sizing
    assert isinstance(fargate, FargateSizing)
    assert isinstance(ec2, InstanceSizing)
    assert fargate.min_copies == 1
    assert (ec2.min_copies, ec2.min_instances) == (1, 1)
    [said] = [text for text in decision.assumptions if text.startswith("runtime.min_copies not given")]
    assert "serving_min_copies" in said


def test_a_busy_queue_worker_keeps_one_warm_copy(ruleset: Ruleset) -> None:
    """A queue's messages wait in the queue while a copy is replaced: no client waits, so one warm copy stays."""
    raw = {
        "runtime": {"avg_duration_ms": 800, "max_duration_s": 30, "memory_mb": 1024},
        "traffic": {"pattern": "event", "requests_per_month": 200_000_000, "protocols": ["queue"]},
    }
    sizing = entry(decide(parse_workload(raw), ruleset, advice=False), "ecs-fargate").sizing
    assert isinstance(sizing, FargateSizing)
    assert sizing.min_copies == 1


def test_the_second_copy_moves_a_bill_not_a_score_alone(ruleset: Ruleset) -> None:
    """Across the line (1 request in flight on average) in 3% steps: a score moves by more than 3 points only where
    a bill moves by 10% or more, the smoothness the advice promises."""
    volumes = [25_000_000 * 1.03**step for step in range(20)]
    steps = [decide(parse_workload(with_requests(volume)), ruleset, advice=False) for volume in volumes]
    kept = [entry(decision, "ecs-fargate").sizing.min_copies for decision in steps]  # type: ignore[union-attr]
    assert kept[0] == 1
    assert kept[-1] == 2
    for before, after in itertools.pairwise(steps):
        bills = {
            item.target: (item.monthly_cost.total_usd, entry(after, item.target).monthly_cost.total_usd)  # type: ignore[union-attr]
            for item in before.ranking
            if item.monthly_cost is not None
        }
        moved = any(abs(new - old) >= 0.1 * old for old, new in bills.values())
        for item in before.ranking:
            if abs(entry(after, item.target).score - item.score) > 3.0:
                assert moved, (item.target, item.score, entry(after, item.target).score)


def test_a_cost_model_without_the_line_keeps_one_copy(ruleset: Ruleset) -> None:
    model = ruleset.cost_model
    assert model is not None
    assert model.busy_listener(1.0)
    assert not model.busy_listener(0.99)
    assert not model.model_copy(update={"busy_listener_in_flight": None}).busy_listener(1e9)
