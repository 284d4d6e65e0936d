"""Defects a fifth architect's audit of 38 more workload shapes found, each kept fixed here:

- API Gateway's integration timeout, on a front door the user names, binds every target behind it (containers
  through a VPC link) and is warned of for all of them, with the REST API's own 29 s that a quota request can raise;
  it is no longer a point against Lambda alone;
- "Fargate absorbs bursts best" is a reason where a client waits through the burst, not for a queue consumer,
  whose bursts wait in the queue;
- a GPU asked for on Arm, which decider's catalogue does not hold, is said to be the catalogue's gap, not the
  workload's;
- rules that stand in for per-invocation billing (duty cycle, steady volume, low volume) do not score Lambda where it
  is priced on Managed Instances, which bill instance-hours;
- Lambda's bill, where its cold start misses the latency target, is said to leave out the provisioned concurrency
  that meeting it would need, with what that adds (each region's book prices it).
"""

from __future__ import annotations

from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import RankedTarget
from tests.test_proxy_rules import without


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def fired(decision: Decision) -> set[str]:
    return {reason.rule for item in decision.ranking for reason in item.reasons}


def report(door: str | None, seconds: float) -> dict[str, Any]:
    traffic: dict[str, Any] = {"pattern": "spiky", "requests_per_month": 100_000, "protocols": ["http"]}
    if door is not None:
        traffic["front_door"] = door
    return {"runtime": {"max_duration_s": seconds, "avg_duration_ms": 8000, "memory_mb": 2048}, "traffic": traffic}


def test_a_named_http_apis_timeout_is_warned_of_for_every_target_not_counted_against_lambda(
    ruleset: Ruleset,
) -> None:
    decision = decided(ruleset, report("http-api", 45))
    assert not [reason.rule for reason in entry(decision, "lambda").reasons if reason.category == "limits"]
    [warning] = [warning for warning in decision.warnings if "integration timeout" in warning]
    assert warning.startswith("Requests take up to 45 s, near or past the 30 s integration timeout of the API Gateway")
    assert "which cannot be raised" in warning
    assert "containers (through a VPC link) as well as Lambda" in warning
    # Every container target is billed behind that same HTTP API
    for target in ("ecs-fargate", "ecs-ec2"):
        bill = entry(decision, target).monthly_cost
        assert bill is not None
        assert any(line.item.startswith("API Gateway HTTP API requests") for line in bill.lines), target


def test_a_named_rest_api_says_its_own_29_s_and_that_a_quota_request_raises_it(ruleset: Ruleset) -> None:
    decision = decided(ruleset, report("rest-api", 45))
    [warning] = [warning for warning in decision.warnings if "integration timeout" in warning]
    assert "the 29 s integration timeout" in warning
    assert "raisable by a quota request for a Regional or private REST API" in warning
    assert "HTTP API" not in warning


def test_no_timeout_warning_well_within_the_limit_or_behind_a_door_without_it(ruleset: Ruleset) -> None:
    for door, seconds in (("http-api", 20), ("alb", 45), ("function-url", 45), (None, 45)):
        decision = decided(ruleset, report(door, seconds))
        assert not any("integration timeout" in warning for warning in decision.warnings), (door, seconds)


def test_with_no_door_named_lambda_near_the_http_apis_timeout_is_priced_behind_a_function_url(
    ruleset: Ruleset,
) -> None:
    decision = decided(ruleset, report(None, 29))
    lam = entry(decision, "lambda")
    assert lam.sizing is not None
    assert lam.sizing.front_door == "lambda-function-url"
    assert not [reason.rule for reason in lam.reasons if reason.category == "limits"]
    assert not any("integration timeout" in warning for warning in decision.warnings)


def test_fargates_burst_reason_is_for_clients_waiting_not_for_a_queue_consumer(ruleset: Ruleset) -> None:
    worker = {
        "runtime": {"max_duration_s": 1200, "avg_duration_ms": 600_000, "memory_mb": 8192, "vcpu": 4,
                    "os": "windows", "long_running": True},
        "traffic": {"pattern": "event", "requests_per_month": 20_000, "protocols": ["queue"]},
        "preferences": {"optimize_for": "cost", "spot_ok": True},
    }  # fmt: skip
    assert "traffic.spiky-favours-fargate" not in fired(decided(ruleset, worker))
    api = {"traffic": {"pattern": "spiky", "requests_per_month": 1_000_000, "protocols": ["http"]}}
    assert "traffic.spiky-favours-fargate" in fired(decided(ruleset, api))


#: Called about once every four minutes: environments go idle between requests and most requests start cold, far
#: more than the 1% a p99 target lets be slower (a busy function's cold starts fit in it:
#: tests/test_cold_requests_against_p99.py).
JAVA_API: dict[str, Any] = {
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 60, "memory_mb": 2048, "startup_s": 8},
    "traffic": {"pattern": "diurnal", "requests_per_month": 10_000, "protocols": ["http"], "latency_slo_ms": 200},
}


def test_lambdas_bill_is_said_to_leave_out_the_provisioned_concurrency_a_latency_target_needs(
    ruleset: Ruleset,
) -> None:
    decision = decided(ruleset, JAVA_API)
    assert decision.recommendation == "lambda"
    [warning] = [warning for warning in decision.warnings if "provisioned concurrency" in warning]
    # One environment (under one execution in flight at peak) of 2 GB all month: 2 × 730 × 3,600 GB-s × $0.0000033334
    assert "1 environment of 2,048 MB kept warm all month, add about $17.52 a month" in warning
    assert "(arm64, $0.0000033334 per GB-second)" in warning
    lam, fargate = entry(decision, "lambda"), entry(decision, "ecs-fargate")
    assert lam.monthly_cost is not None
    assert fargate.monthly_cost is not None
    assert f"for at most about ${lam.monthly_cost.total_usd + 17.52:.2f}" in warning
    assert f"against Amazon ECS on AWS Fargate's ${fargate.monthly_cost.total_usd:.2f}" in warning


def test_no_provisioned_concurrency_warning_when_a_cold_start_meets_the_target(ruleset: Ruleset) -> None:
    relaxed = {**JAVA_API, "traffic": {**JAVA_API["traffic"], "latency_slo_ms": 20_000}}
    assert not any("provisioned concurrency" in warning for warning in decided(ruleset, relaxed).warnings)


def test_every_regions_book_prices_provisioned_concurrency_for_both_architectures(ruleset: Ruleset) -> None:
    for region, book in ruleset.pricing.items():
        prices = book.lambda_.provisioned_concurrency
        assert prices is not None, region
        assert set(prices) == {"x86_64", "arm64"}, region
        assert prices["arm64"].usd < prices["x86_64"].usd, region


def test_the_warning_spans_the_average_loads_environments_to_the_peaks(ruleset: Ruleset) -> None:
    """An API called about once every four minutes (most requests start cold) with a peak of 30 requests a second:
    under 1 in flight on average (1 environment) and 6 at the peak; each 1 GB environment kept warm all month is
    730 × 3,600 × $0.0000033334 = $8.76. With none kept warm (diurnal: spiky traffic's bill keeps the bursts'
    environments warm and says so; none given on purpose, ``provisioned_concurrency: 0``, is not warned of)."""
    checkout = {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 200, "memory_mb": 1024, "startup_s": 1},
        "traffic": {"pattern": "diurnal", "requests_per_month": 10_000, "peak_rps": 30, "protocols": ["http"],
                    "latency_slo_ms": 300},
    }  # fmt: skip
    decision = decided(ruleset, checkout)
    [warning] = [warning for warning in decision.warnings if "provisioned concurrency" in warning]
    assert "1 for the executions in flight on average to 6 for those at peak" in warning
    assert "add about $8.76 to $52.56 a month" in warning


def test_per_invocation_billing_rules_do_not_score_lambda_on_managed_instances(ruleset: Ruleset) -> None:
    """With a book that has no Fargate prices, Fargate has no bill and the rules that stand in for cost score it
    alone; Lambda is priced on Managed Instances (instance-hours), which per-invocation billing rules do not describe,
    and is billed: no such rule scores it, nor ECS on EC2, billed too."""
    api = {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 80, "memory_mb": 2048, "vcpu": 1,
                    "architecture": "arm64", "startup_s": 2},
        "traffic": {"pattern": "steady", "requests_per_month": 150_000_000, "protocols": ["http"],
                    "latency_slo_ms": 400},
        "team": {"ops_capacity": "medium"},
        "preferences": {"optimize_for": "cost", "region": "eu-west-1"},
    }  # fmt: skip
    decision = decided(without(ruleset, "eu-west-1", "fargate"), api)
    lam = entry(decision, "lambda")
    bill = lam.monthly_cost
    assert bill is not None
    assert any(line.item.startswith("Lambda Managed Instances") for line in bill.lines)
    per_invocation = {"traffic.high-duty-cycle", "traffic.steady-favours-containers", "traffic.low-duty-cycle"}
    assert not per_invocation & {reason.rule for reason in lam.reasons}
    assert not per_invocation & {reason.rule for reason in entry(decision, "ecs-ec2").reasons}
    # Fargate, without a bill, is scored by them: a steady, busy service favours containers
    assert entry(decision, "ecs-fargate").monthly_cost is None
    assert "traffic.high-duty-cycle" in {reason.rule for reason in entry(decision, "ecs-fargate").reasons}
