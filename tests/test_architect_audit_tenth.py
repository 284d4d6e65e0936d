"""What a tenth architect's review found, kept true:

- events that clients deliver over HTTP (webhooks) wait in no queue: they are scored as requests are (the start
  ramps their points down, API Gateway's 30 s timeout counts start and work), not as a queue's events, whose points
  stay whole;
- with Lambda on demand kept out by a cold run past 15 minutes and Lambda Managed Instances by bursts, Lambda is
  excluded, not ranked without a bill (tests/test_property_audit_seventh.py has the invariant).
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

#: A webhook receiver starting in 25 s: a cold request waits 25 s of start and up to 10 s of work.
WEBHOOK: dict[str, Any] = {
    "runtime": {"max_duration_s": 10, "avg_duration_ms": 2000, "memory_mb": 1024, "startup_s": 25},
    "traffic": {"pattern": "event", "requests_per_month": 1_300_000, "protocols": ["http"]},
}
#: The receiver answering in half a second on average: work is in flight a quarter of the time, so the event rules'
#: duty-cycle ramp counts in full. A team that knows some Kubernetes keeps EKS's sum within what the 0–100 range
#: holds, so the points read are the rules' own, not scaled.
QUIET_WEBHOOK: dict[str, Any] = {
    **WEBHOOK,
    "runtime": {**WEBHOOK["runtime"], "avg_duration_ms": 500},
    "team": {"kubernetes_experience": "some"},
}


def lambda_rules(decision: Decision) -> dict[str, float]:
    [lam] = [entry for entry in decision.ranking if entry.target == "lambda"]
    return {reason.rule: reason.impact for reason in lam.reasons}


def with_traffic(raw: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**raw, "traffic": {**raw["traffic"], **fields}}


def test_a_slow_starting_webhook_meets_the_doors_timeouts_as_spiky_requests_do(ruleset: Ruleset) -> None:
    event = decide(parse_workload(WEBHOOK), ruleset, advice=False)
    spiky = decide(parse_workload(with_traffic(WEBHOOK, pattern="spiky")), ruleset, advice=False)
    rules = lambda_rules(event)
    assert rules["limits.lambda-cold-wait-past-15s"] == -6.7  # two thirds of -10: 25 s on the 15-30 s ramp
    assert "traffic.events-favour-lambda" not in rules  # no queue holds a webhook
    assert "traffic.client-events-favour-lambda" not in rules  # a 25 s start: the points have ramped away
    assert event.recommendation == spiky.recommendation == "ecs-fargate"
    scores = {entry.target: entry.score for entry in event.ranking}
    assert scores == {entry.target: entry.score for entry in spiky.ranking}  # the pattern's label alone moves nothing


@pytest.mark.parametrize(("startup_s", "points"), [(1, 12), (3, 12), (6.5, 6), (9.9, 0.2)])
def test_a_webhooks_points_ramp_down_with_its_start(ruleset: Ruleset, startup_s: float, points: float) -> None:
    raw = {**QUIET_WEBHOOK, "runtime": {**QUIET_WEBHOOK["runtime"], "startup_s": startup_s}}
    rules = lambda_rules(decide(parse_workload(raw), ruleset, advice=False))
    assert rules.get("traffic.client-events-favour-lambda") == pytest.approx(points, abs=0.05)


def test_a_queues_events_keep_their_points_whatever_the_start(ruleset: Ruleset) -> None:
    queue = {
        **QUIET_WEBHOOK,
        "runtime": {**QUIET_WEBHOOK["runtime"], "startup_s": 8},
        "traffic": {"pattern": "event", "requests_per_month": 1_300_000, "protocols": ["queue"]},
    }
    rules = lambda_rules(decide(parse_workload(queue), ruleset, advice=False))
    assert rules["traffic.events-favour-lambda"] == 12
    assert "traffic.client-events-favour-lambda" not in rules
    assert "limits.lambda-init-past-10s" not in rules  # an 8 s start: within the Init phase's 10 s


def test_a_fast_webhook_goes_to_lambda_with_the_reason_said(ruleset: Ruleset) -> None:
    raw = {**QUIET_WEBHOOK, "runtime": {**QUIET_WEBHOOK["runtime"], "startup_s": 1}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert decision.recommendation == "lambda"
    [lam] = decision.ranking[:1]
    [reason] = [reason for reason in lam.reasons if reason.rule == "traffic.client-events-favour-lambda"]
    assert reason.message.startswith("Events that clients send and wait on (webhooks, callbacks) suit what scales")
    assert "(here in 1 s)" in reason.message


EVENT_RULES = ("traffic.events-favour-lambda", "traffic.client-events-favour-lambda")


@pytest.mark.parametrize(("duty_cycle", "share"), [(0.05, 1), (0.35, 1), (0.475, 0.5), (0.6, 0), (0.99, 0)])
def test_the_event_rules_points_ramp_down_with_the_duty_cycle(
    ruleset: Ruleset, duty_cycle: float, share: float
) -> None:
    """Billing nothing while idle is worth something only while the work has idle time: full points at 35% in flight
    or less, none from 60%, as traffic.high-duty-cycle's range."""
    for rule_id in EVENT_RULES:
        rule = ruleset.rule(rule_id)
        assert rule is not None
        assert rule.grade({"derived.duty_cycle": duty_cycle, "runtime.startup_s": 1}) == pytest.approx(share), rule_id


def test_a_webhooks_start_and_duty_cycle_ramps_multiply(ruleset: Ruleset) -> None:
    rule = ruleset.rule("traffic.client-events-favour-lambda")
    assert rule is not None
    assert rule.grade({"derived.duty_cycle": 0.475, "runtime.startup_s": 6.5}) == pytest.approx(0.25)


def test_an_always_busy_event_stream_is_ranked_as_the_same_work_arriving_steadily(ruleset: Ruleset) -> None:
    """10M messages a month at 300 ms keep a copy busy all month: Lambda bills about three times one Fargate task
    taking 4 at once, and no event points outweigh that bill any more."""
    busy: dict[str, Any] = {
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 300, "memory_mb": 1024, "concurrency_per_copy": 4},
        "traffic": {"pattern": "event", "requests_per_month": 10_000_000, "protocols": ["queue"]},
    }
    event = decide(parse_workload(busy), ruleset, advice=False)
    steady = decide(parse_workload(with_traffic(busy, pattern="steady")), ruleset, advice=False)
    assert not set(EVENT_RULES) & set(lambda_rules(event))
    assert event.recommendation == steady.recommendation == "ecs-fargate"
    assert {entry.target: entry.score for entry in event.ranking} == {
        entry.target: entry.score for entry in steady.ranking
    }
    bills = {entry.target: entry.monthly_cost.total_usd for entry in event.ranking if entry.monthly_cost}
    assert bills["ecs-fargate"] < bills["lambda"]


def test_an_event_streams_reason_says_how_busy_it_is(ruleset: Ruleset) -> None:
    """500,000 messages a month at 1 s: in flight 19% of the time."""
    quiet: dict[str, Any] = {
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 1000, "memory_mb": 1024},
        "traffic": {"pattern": "event", "requests_per_month": 500_000, "protocols": ["queue"]},
    }
    [lam] = [
        entry for entry in decide(parse_workload(quiet), ruleset, advice=False).ranking if entry.target == "lambda"
    ]
    [reason] = [reason for reason in lam.reasons if reason.rule == "traffic.events-favour-lambda"]
    assert "(here it is in flight 19% of the time)" in reason.message
