"""Defects a ninth architect's audit of 73 more workload shapes found, each kept fixed here:

- a start past the 10 s Lambda gives the Init phase runs inside the invocation, so a unit of work landing on a new
  environment takes its start and its run: past 900 s together, Lambda on demand cannot run it (a job's run after an
  idle spell always starts cold);
- spiky traffic favours Lambda only while a new environment starts quickly, and a request that waits a start and
  its work past API Gateway's integration timeout counts against Lambda behind it.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import InstanceSizing, LambdaSizing, RankedTarget


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=False)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def lambda_modes(decision: Decision) -> dict[str, tuple[str, ...]]:
    sizing = entry(decision, "lambda").sizing
    assert isinstance(sizing, LambdaSizing | InstanceSizing)  # on demand, or on Managed Instances' instances
    return {option.mode: option.excluded_by for option in sizing.modes}


DAILY_JOB: dict[str, Any] = {
    "runtime": {"max_duration_s": 600, "memory_mb": 3008, "startup_s": 400},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30},
    "preferences": {"optimize_for": "cost"},
}


def test_a_cold_run_past_fifteen_minutes_keeps_lambda_on_demand_out(ruleset: Ruleset) -> None:
    decision = decided(ruleset, DAILY_JOB)
    assert decision.recommendation != "lambda"
    assert lambda_modes(decision)["on-demand"] == ("modes.lambda-on-demand-cold-run-past-15-minutes",)
    rules = {rule.id: rule for rule in ruleset.rules}
    message = rules["modes.lambda-on-demand-cold-run-past-15-minutes"].explain(
        {"runtime.startup_s": 400, "runtime.max_duration_s": 600, "derived.lambda_cold_run_s": 1000}
    )
    assert "takes 1000 s, past the 15 minutes (900 s)" in message or "takes 1,000 s, past the 15 minutes" in message


def test_a_start_within_the_init_phase_or_a_run_that_fits_leaves_lambda_on_demand_in(ruleset: Ruleset) -> None:
    # 10 s of init happen in the Init phase, outside the invocation: 890 s + 10 s start is a 890 s invocation.
    within_init = {**DAILY_JOB, "runtime": {**DAILY_JOB["runtime"], "max_duration_s": 890, "startup_s": 10}}
    # 300 s of init inside the invocation and 600 s of work: 900 s, exactly Lambda's limit.
    at_the_limit = {**DAILY_JOB, "runtime": {**DAILY_JOB["runtime"], "startup_s": 300}}
    for workload in (within_init, at_the_limit):
        assert lambda_modes(decided(ruleset, workload))["on-demand"] == ()


def test_the_scheduled_job_rule_no_longer_says_a_cold_run_fits(ruleset: Ruleset) -> None:
    """The job's run fits on Lambda Managed Instances (init up to 15 minutes, outside the invocation), where the
    on-demand rule's 'finishes within Lambda's 15 minutes' would not be said for an on-demand run."""
    decision = decided(ruleset, DAILY_JOB)
    fired = {reason.rule for item in decision.ranking for reason in item.reasons}
    assert "traffic.scheduled-jobs-fit-lambda" not in fired


SPRING_API: dict[str, Any] = {
    "runtime": {"max_duration_s": 5, "avg_duration_ms": 300, "memory_mb": 2048, "startup_s": 30},
    "traffic": {"pattern": "spiky", "requests_per_month": 2_000_000},
    "team": {"current_platform": "lambda"},
}


def test_a_thirty_second_start_does_not_win_on_spiky_traffic_behind_any_door(ruleset: Ruleset) -> None:
    """A 35 s cold request is past the HTTP API's 30 s: decider prices the function URL instead, and the start itself
    (a caller waits it whole on every cold request, whatever the door) is what counts against Lambda."""
    decision = decided(ruleset, SPRING_API)
    assert decision.recommendation == "ecs-fargate"
    lambda_ = entry(decision, "lambda")
    assert lambda_.sizing is not None
    assert lambda_.sizing.front_door == "lambda-function-url"
    reasons = {reason.rule: reason for reason in lambda_.reasons}
    assert "traffic.spiky-favours-lambda" not in reasons  # no points for scaling per request at a 30 s start
    cold = reasons["limits.lambda-cold-wait-past-15s"]
    assert cold.impact < reasons["limits.lambda-init-past-10s"].impact < 0  # both in full at a 30 s start: 10 and 8
    assert cold.message.startswith("Every request that lands on a new environment waits the whole 30 s start")
    assert "(35 s in all at the longest)" in cold.message
    # The caller waits whatever the door, an internal one too; the reason claims no timeout of a door not there
    for door in ("function-url", "alb", "none", "rest-api"):
        named = decided(ruleset, {**SPRING_API, "traffic": {**SPRING_API["traffic"], "front_door": door}})
        assert named.recommendation == "ecs-fargate", door
        (wait,) = [r.message for r in entry(named, "lambda").reasons if r.rule == "limits.lambda-cold-wait-past-15s"]
        assert "its callers wait that long in every burst" in wait, door
        assert "fails wherever a default timeout stands in front (an HTTP API's 30 s integration timeout" in wait
        assert "whichever door" not in wait


def test_the_spiky_bonus_shrinks_with_the_start(ruleset: Ruleset) -> None:
    points = {}
    for startup in (1, 3, 6.5, 10):
        workload = {**SPRING_API, "runtime": {**SPRING_API["runtime"], "startup_s": startup}}
        reasons = {reason.rule: reason.impact for reason in entry(decided(ruleset, workload), "lambda").reasons}
        points[startup] = reasons.get("traffic.spiky-favours-lambda", 0.0)
    assert points[1] == points[3] > 0
    assert 0 < points[6.5] < points[3]
    assert points[10] == 0


def test_a_queue_consumers_slow_start_delays_events_without_losing_the_event_points(ruleset: Ruleset) -> None:
    consumer: dict[str, Any] = {
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 200, "memory_mb": 1024, "startup_s": 12},
        "traffic": {"pattern": "event", "requests_per_month": 3_000_000, "protocols": ["queue"]},
    }
    reasons = {reason.rule: reason.impact for reason in entry(decided(ruleset, consumer), "lambda").reasons}
    assert reasons["traffic.events-favour-lambda"] > 0
    slower = {**consumer, "runtime": {**consumer["runtime"], "startup_s": 25}}
    reasons = {reason.rule: reason.impact for reason in entry(decided(ruleset, slower), "lambda").reasons}
    assert "limits.lambda-cold-wait-past-15s" not in reasons  # no client waits on a queue's events
    assert reasons["limits.lambda-init-past-10s"] < 0


def test_a_quick_start_is_not_counted_and_a_function_url_is_not_warned_of(ruleset: Ruleset) -> None:
    quick = {**SPRING_API, "runtime": {**SPRING_API["runtime"], "startup_s": 2}}
    lambda_ = entry(decided(ruleset, quick), "lambda")
    assert not [reason.rule for reason in lambda_.reasons if reason.category == "limits"]
    assert lambda_.sizing is not None
    assert lambda_.sizing.front_door == "api-gateway-http-api"
    url = {**SPRING_API, "traffic": {**SPRING_API["traffic"], "front_door": "function-url"}}
    decision = decided(ruleset, url)
    assert not [warning for warning in decision.warnings if "lands on a new AWS Lambda environment" in warning]


def test_a_named_api_gateway_warns_of_lambdas_cold_requests_past_its_timeout(ruleset: Ruleset) -> None:
    named = {**SPRING_API, "traffic": {**SPRING_API["traffic"], "front_door": "http-api"}}
    (warning,) = [item for item in decided(ruleset, named).warnings if "lands on a new AWS Lambda" in item]
    assert "waits its 30 s start and up to 5 s of work, 35 s, near or past the 30 s integration timeout" in warning
    windows = {**named, "runtime": {**named["runtime"], "os": "windows"}}  # Lambda kept out: nothing to warn of
    assert not [item for item in decided(ruleset, windows).warnings if "lands on a new AWS Lambda" in item]


def test_a_service_speaking_tcp_beside_http_is_warned_its_bill_has_no_network_load_balancer(ruleset: Ruleset) -> None:
    service: dict[str, Any] = {
        "runtime": {"max_duration_s": 1, "avg_duration_ms": 50, "memory_mb": 1024, "long_running": True},
        "traffic": {"pattern": "steady", "requests_per_month": 20_000_000, "protocols": ["http", "udp"]},
    }
    decision = decided(ruleset, service)
    (warning,) = [item for item in decision.warnings if "UDP beside HTTP" in item]
    assert "needs a Network Load Balancer beside it" in warning
    items = [line.item for line in entry(decision, "ecs-fargate").monthly_cost.lines]  # type: ignore[union-attr]
    assert any(item.startswith("Application Load Balancer hours") for item in items)
    alone = {**service, "traffic": {**service["traffic"], "protocols": ["udp"]}}
    assert not [item for item in decided(ruleset, alone).warnings if "beside HTTP" in item]


def test_udp_counts_four_hundred_new_flows_to_a_network_load_balancer_capacity_unit(ruleset: Ruleset) -> None:
    """2 billion datagrams a month: 2e9 ÷ 2,628,000 s = 761 new flows a second; ÷ 400 a unit (UDP) = 1.903 units
    × 730 hours = 1,388.9 NLCU-hours × $0.006 = $8.33 (TCP's 800 a unit would give $4.17)."""
    udp: dict[str, Any] = {
        "runtime": {"max_duration_s": 1, "avg_duration_ms": 20, "memory_mb": 2048, "long_running": True},
        "traffic": {
            "pattern": "steady",
            "requests_per_month": 2_000_000_000,
            "protocols": ["udp"],
            "payload_mb": 0.0005,
        },
    }
    lines = entry(decided(ruleset, udp), "ecs-fargate").monthly_cost.lines  # type: ignore[union-attr]
    (units,) = [line for line in lines if line.item.startswith("Network Load Balancer capacity units")]
    assert round(units.quantity, 1) == 1388.9
    assert units.usd == 8.3333


def test_near_the_api_timeout_lambda_is_priced_behind_a_function_url_in_either_mode(ruleset: Ruleset) -> None:
    """28.5 s of work: Lambda Managed Instances (busy) and Lambda on demand (quiet) both get a function URL, which
    the 30 s timeout does not bind, and no point for a door decider chose; below 27 s (with the start), the HTTP
    API, with its request charge in the bill."""
    busy: dict[str, Any] = {
        "runtime": {"max_duration_s": 28.5, "avg_duration_ms": 200, "memory_mb": 2048, "startup_s": 1},
        "traffic": {"pattern": "steady", "requests_per_month": 200_000_000},
    }
    quiet = {**busy, "traffic": {**busy["traffic"], "requests_per_month": 2_000_000}}
    for workload, mode in ((busy, "managed-instances"), (quiet, "on-demand")):
        lambda_ = entry(decided(ruleset, workload), "lambda")
        assert lambda_.sizing is not None
        assert (lambda_.sizing.mode, lambda_.sizing.front_door) == (mode, "lambda-function-url")
        assert not [reason.rule for reason in lambda_.reasons if reason.category == "limits"], mode
        short = {**workload, "runtime": {**workload["runtime"], "max_duration_s": 25}}
        lambda_ = entry(decided(ruleset, short), "lambda")
        assert lambda_.sizing is not None
        assert lambda_.sizing.front_door == "api-gateway-http-api"
        assert lambda_.monthly_cost is not None
        assert any(line.item.startswith("API Gateway HTTP API requests") for line in lambda_.monthly_cost.lines)


def test_lambda_managed_instances_keep_the_http_api_whatever_the_start(ruleset: Ruleset) -> None:
    """20 s of work after a 10 s start: on demand a cold request takes 30 s (a function URL); on Lambda Managed
    Instances an environment starts before it takes requests, so 20 s fits the HTTP API, whose charge stays billed."""
    slow: dict[str, Any] = {
        "runtime": {"max_duration_s": 20, "avg_duration_ms": 200, "memory_mb": 2048, "startup_s": 10},
        "traffic": {"pattern": "steady", "requests_per_month": 200_000_000},
    }
    managed = entry(decided(ruleset, slow), "lambda")
    assert managed.sizing is not None
    assert (managed.sizing.mode, managed.sizing.front_door) == ("managed-instances", "api-gateway-http-api")
    assert managed.monthly_cost is not None
    assert any(line.item.startswith("API Gateway HTTP API requests") for line in managed.monthly_cost.lines)
    quick = {**slow, "runtime": {**slow["runtime"], "startup_s": 1}}
    assert entry(decided(ruleset, quick), "lambda").monthly_cost == managed.monthly_cost  # the start is not billed
    quiet = {**slow, "traffic": {**slow["traffic"], "requests_per_month": 2_000_000}}
    on_demand = entry(decided(ruleset, quiet), "lambda")
    assert on_demand.sizing is not None
    assert (on_demand.sizing.mode, on_demand.sizing.front_door) == ("on-demand", "lambda-function-url")


@pytest.mark.parametrize(("seconds", "share"), [(15, 0), (22.5, 0.5), (30, 1), (40, 1)])
def test_a_start_counts_in_full_from_the_30_seconds_doors_wait(ruleset: Ruleset, seconds: float, share: float) -> None:
    """A cold request waits the start: from 30 s, past an HTTP API's and CloudFront's default timeouts, all the
    points."""
    rule = ruleset.rule("limits.lambda-cold-wait-past-15s")
    assert rule is not None
    # with no environment kept warm for bursts (derived.lambda_warm_share 0): every cold start counts
    assert rule.grade({"runtime.startup_s": seconds, "derived.lambda_warm_share": 0.0}) == pytest.approx(share)
    # with all of a burst kept warm, none does
    assert rule.grade({"runtime.startup_s": seconds, "derived.lambda_warm_share": 1.0}) == 0.0


def test_the_doors_timeout_is_scored_on_the_start_so_a_long_request_is_not(ruleset: Ruleset) -> None:
    """Two minutes of work wait as long on every target: only the start counts, and none of it below 15 s."""
    report = {**SPRING_API, "runtime": {"max_duration_s": 120, "avg_duration_ms": 20_000, "memory_mb": 1024}}
    reasons = {reason.rule: reason.impact for reason in entry(decided(ruleset, report), "lambda").reasons}
    assert "limits.lambda-cold-wait-past-15s" not in reasons
    slow = {**report, "runtime": {**report["runtime"], "startup_s": 22.5}}
    reasons = {reason.rule: reason.impact for reason in entry(decided(ruleset, slow), "lambda").reasons}
    assert reasons["limits.lambda-cold-wait-past-15s"] == pytest.approx(-5, abs=0.3)  # half of 10 points


def test_the_summary_does_not_give_a_rule_making_an_excluded_targets_case_as_the_winners_reason(
    ruleset: Ruleset,
) -> None:
    """control.gpu-managed-instances scores EKS +3 and ECS Managed Instances +12, saying "the convenient way is ECS
    Managed Instances": with Managed Instances kept out (the Kubernetes API), it is no reason EKS wins."""
    gpu: dict[str, Any] = {
        "runtime": {"max_duration_s": 2, "avg_duration_ms": 500, "memory_mb": 16384, "vcpu": 4, "gpu": 1},
        "traffic": {"pattern": "steady", "requests_per_month": 2_000_000},
        "control": {"kubernetes_api": True},
        "team": {"current_platform": "eks"},
    }
    decision = decided(ruleset, gpu)
    assert decision.recommendation == "eks"
    assert "ecs-managed-instances" in {item.target for item in decision.excluded}
    assert "control.gpu-managed-instances" in {reason.rule for reason in entry(decision, "eks").reasons}
    because = decision.summary.split("It wins because", 1)[1].split(". ", 1)[0]
    assert "Managed Instances" not in because
    assert "Kubernetes APIs" in because
