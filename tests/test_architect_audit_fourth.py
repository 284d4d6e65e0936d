"""Defects a fourth architect's audit of 30 more workload shapes found, each kept fixed here:

- a run of a job is billed from its start (Fargate bills from the image pull), and runs that overlap are sized so;
- a burst beyond what the ECS scheduler launches counts against containers as a burst beyond Lambda's scaling
  counts against Lambda;
- Lambda's concurrency quota is warned of only where Lambda is ranked;
- API Gateway's 30 s timeout is "near or past" at 29 s, not "beyond" it;
- a pinned instance family the price book does not price is said to be unpriced, not to keep the work from running;
- requests held open (server-sent events) are a load balancer's active connections;
- the ADR gives the cheapest option's bill as a reason for it, and lower-cases a reason's first word in a sentence.
"""

from __future__ import annotations

from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import RankedTarget
from decider.render.adr import to_adr


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def line(decision: Decision, target: str, starts: str) -> Any:
    bill = entry(decision, target).monthly_cost
    assert bill is not None
    [found] = [item for item in bill.lines if item.item.startswith(starts)]
    return found


CRON: dict[str, Any] = {
    "runtime": {"max_duration_s": 50, "avg_duration_ms": 50_000, "memory_mb": 512, "startup_s": 40},
    "traffic": {"pattern": "scheduled", "requests_per_month": 43_800, "protocols": ["schedule"]},
}


def test_a_run_of_a_job_is_billed_from_its_start(ruleset: Ruleset) -> None:
    """A run a minute: 40 s to start and 50 s of work is 90 s billed (43,800 × 90 s = 1,095 task-hours), and two runs
    are in flight at once; with a 1 s start each run is billed the one-minute minimum."""
    slow = decided(ruleset, CRON)
    assert line(slow, "ecs-fargate", "Fargate tasks").quantity == 1095
    assert getattr(entry(slow, "ecs-fargate").sizing, "max_copies", None) == 2
    quick = decided(ruleset, {**CRON, "runtime": {**CRON["runtime"], "startup_s": 1}})
    assert line(quick, "ecs-fargate", "Fargate tasks").quantity == 730
    assert getattr(entry(quick, "ecs-fargate").sizing, "max_copies", None) == 1


#: No latency target: copies follow the load and the bursts wait for scaling (with a target, the containers keep the
#: peak's copies up instead, and nothing is launched in a burst: tests/test_burst_copies.py).
FLASH_SALE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 80, "max_duration_s": 3, "memory_mb": 512},
    "traffic": {"pattern": "spiky", "peak_rps": 100_000, "requests_per_month": 50_000_000},
}


def test_a_burst_beyond_the_scheduler_counts_against_containers_as_lambdas_against_lambda(ruleset: Ruleset) -> None:
    decision = decided(ruleset, FLASH_SALE)
    lambda_burst = [
        r.impact for r in entry(decision, "lambda").reasons if r.rule == "traffic.burst-beyond-lambda-scaling"
    ]
    for target in ("ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"):
        [reason] = [r for r in entry(decision, target).reasons if r.rule == "traffic.burst-beyond-container-scaling"]
        assert reason.impact == lambda_burst[0]  # both fully past their ramps, the same weight
        assert "11,429 container copies" in reason.message
    small = decided(ruleset, {**FLASH_SALE, "traffic": {**FLASH_SALE["traffic"], "peak_rps": 100}})
    assert not any(r.rule == "traffic.burst-beyond-container-scaling" for r in entry(small, "ecs-fargate").reasons)
    # A steady load as large keeps most of its copies up and grows into the rest: no burst to reach
    steady = decided(ruleset, {**FLASH_SALE, "traffic": {**FLASH_SALE["traffic"], "pattern": "steady"}})
    assert not any(r.rule == "traffic.burst-beyond-container-scaling" for r in entry(steady, "ecs-fargate").reasons)


SSE: dict[str, Any] = {
    "runtime": {
        "long_running": True,
        "memory_mb": 1024,
        "vcpu": 0.5,
        "max_duration_s": 3600,
        "avg_duration_ms": 600_000,
        "concurrency_per_copy": 2000,
    },
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 50_000_000,
        "peak_rps": 30,
        "protocols": ["http"],
        "front_door": "alb",
    },
}


def test_streams_held_open_are_active_connections_and_no_lambda_quota_is_warned_of(ruleset: Ruleset) -> None:
    """50M streams a month of 600 s each: about 11,400 open on average, 3,000 to an ALB capacity unit."""
    decision = decided(ruleset, SSE)
    assert "lambda" not in [item.target for item in decision.ranking]  # a long-running listener: Lambda is out
    assert not any("concurrent executions" in warning for warning in decision.warnings)
    units = line(decision, "ecs-fargate", "Application Load Balancer capacity units")
    expected = 50_000_000 * 600 / (730 * 3600) / 3000 * 730
    assert abs(units.quantity - expected) < 1


def test_a_request_near_api_gateways_timeout_is_priced_behind_a_function_url(ruleset: Ruleset) -> None:
    """29 s requests (30 s with the default 1 s start when cold) would end at the HTTP API's 30 s timeout: with no
    door named decider prices the function URL, and its bill has no API Gateway request charge."""
    decision = decided(ruleset, {"runtime": {"max_duration_s": 29, "avg_duration_ms": 250}})
    lambda_ = entry(decision, "lambda")
    assert lambda_.sizing is not None
    assert lambda_.sizing.front_door == "lambda-function-url"
    assert lambda_.monthly_cost is not None
    assert not any("API Gateway" in item.item for item in lambda_.monthly_cost.lines)
    assert not any(reason.category == "limits" for reason in lambda_.reasons)


def test_a_pinned_family_the_book_does_not_price_is_unpriced_not_unrunnable(ruleset: Ruleset) -> None:
    decision = decided(
        ruleset,
        {
            "runtime": {"avg_duration_ms": 50, "memory_mb": 2048, "vcpu": 1, "concurrency_per_copy": 10},
            "traffic": {"pattern": "steady", "requests_per_month": 100_000_000},
            "control": {"instance_types": ["c8g"]},
        },
    )
    assert not any("holds one copy as described" in warning for warning in decision.warnings)
    assert decision.ranking[0].no_price == (
        "no price in this region: the us-east-1 price book does not price c8g (nearest priced: c7g), the only "
        "instance types control.instance_types allows, so no type is left to size a copy on"
    )


def test_the_adr_gives_the_cheapest_options_bill_as_a_reason_for_it(ruleset: Ruleset) -> None:
    # A 500 ms target, with the bursts said to wait for scaling (one copy kept up, given) and for cold starts (no
    # Lambda environment kept warm, given: the cold-start rule weighs the share of the burst the target needs warm)
    runtime = {**FLASH_SALE["runtime"], "min_copies": 1, "provisioned_concurrency": 0}
    traffic = {**FLASH_SALE["traffic"], "latency_slo_ms": 500}
    parsed = parse_workload({"runtime": runtime, "traffic": traffic})
    decision = decide(parsed, ruleset)
    assert decision.recommendation == "ecs-fargate"
    record = to_adr(decision, parsed.workload, date="2026-12-04")
    cheapest = entry(decision, "ecs-fargate").monthly_cost
    assert cheapest is not None
    assert f"* Good, because it is the cheapest option, about ${cheapest.total_usd:,.2f} a month" in record
    assert "* Neutral: it costs" not in record
    assert "because a cold start (1 s)" in record
    assert "because A " not in record
