"""What a twelfth architect's review found, kept true:

- a queue worker's copies at peak, which the rules quote (the container burst rule, bin-packing), are the copies its
  bills are sized for: at the queue worker's utilisation, not a listener's.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.decision import FargateSizing
from decider.facts import derive

BUSY_QUEUE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 5000, "max_duration_s": 10, "memory_mb": 2048},
    "traffic": {"pattern": "event", "requests_per_month": 50_000_000, "protocols": ["queue"]},
    "preferences": {"region": "eu-west-3"},
}


def test_a_queue_workers_copies_at_peak_are_those_its_bills_are_sized_for(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(BUSY_QUEUE), ruleset, advice=False)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    assert isinstance(fargate.sizing, FargateSizing)
    assert ruleset.cost_model is not None
    assert fargate.sizing.utilisation_target == ruleset.cost_model.queue_worker_utilisation
    peak = fargate.sizing.max_copies
    # a queue's burst waits in its queue: no scaling-rate rule weighs it, on either side (rules/traffic.yaml)
    assert not [reason for reason in fargate.reasons if reason.rule == "traffic.burst-beyond-container-scaling"]
    assert f"needs {peak:,} container copies at peak" in decision.warnings[0]
    # A listener with the same load keeps its own utilisation, in the rules as in the bills.
    listener = parse_workload({**BUSY_QUEUE, "traffic": {**BUSY_QUEUE["traffic"], "protocols": ["http"]}}).workload
    queue = parse_workload(BUSY_QUEUE).workload
    facts = derive(queue, ruleset.cost_model)
    assert facts.copies_at_peak == peak
    assert derive(listener, ruleset.cost_model).copies_at_peak < facts.copies_at_peak
    assert derive(listener, ruleset.cost_model).copies_at_peak == derive(listener).copies_at_peak


SPIKY_API: dict[str, Any] = {
    "runtime": {"max_duration_s": 3, "avg_duration_ms": 1000, "memory_mb": 8192},
    "traffic": {"pattern": "spiky", "requests_per_month": 150_000_000, "protocols": ["http"]},
}


def _lambda_points(raw: dict[str, Any], ruleset: Ruleset, rule: str) -> float:
    decision = decide(parse_workload(raw), ruleset, advice=False)
    [entry] = [entry for entry in decision.ranking if entry.target == "lambda"]
    return sum(reason.impact for reason in entry.reasons if reason.rule == rule)


def test_spiky_traffic_favours_lambda_only_while_the_work_has_idle_time(ruleset: Ruleset) -> None:
    # "Bills nothing while idle" is a reason only where there is idle time: the points ramp down with the duty cycle
    # (full at 35% in flight or less, none from 60%), as the event rules do.
    rule = next(rule for rule in ruleset.rules if rule.id == "traffic.spiky-favours-lambda")
    fast = {"runtime.startup_s": 1.0}
    assert rule.grade({**fast, "derived.duty_cycle": 0.2}) == 1
    assert rule.grade({**fast, "derived.duty_cycle": 0.475}) == 0.5
    assert rule.grade({**fast, "derived.duty_cycle": 0.6}) == 0
    quiet = {**SPIKY_API, "traffic": {**SPIKY_API["traffic"], "requests_per_month": 100_000}}
    assert _lambda_points(quiet, ruleset, "traffic.spiky-favours-lambda") > 10  # full points, under the scale factor
    assert _lambda_points(SPIKY_API, ruleset, "traffic.spiky-favours-lambda") == 0
    busy = decide(parse_workload(SPIKY_API), ruleset, advice=False)
    bills = {entry.target: entry.monthly_cost.total_usd for entry in busy.ranking if entry.monthly_cost is not None}
    assert bills["ecs-fargate"] < bills["lambda"]
    assert busy.recommendation == "ecs-fargate"


def test_the_container_burst_rule_does_not_lift_fargate_over_lambda(ruleset: Ruleset) -> None:
    # traffic.spiky-favours-fargate ranks the container engines among themselves: it gives Fargate nothing Lambda
    # lacks, so a Lambda bill a few dollars lower is not outvoted by it.
    rule = next(rule for rule in ruleset.rules if rule.id == "traffic.spiky-favours-fargate")
    assert rule.impacts.get("ecs-fargate", 0) == rule.impacts.get("lambda", 0) == 0
    assert all(points < 0 for target, points in rule.impacts.items() if target not in ("lambda", "ecs-fargate"))
    raw = {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 1000, "memory_mb": 512, "startup_s": 1},
        "traffic": {"pattern": "spiky", "requests_per_month": 3_000_000, "protocols": ["http"]},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    bills = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost is not None}
    assert bills["lambda"] < bills["ecs-fargate"]
    assert decision.recommendation == "lambda"
