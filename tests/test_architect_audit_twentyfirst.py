"""Findings of the architect audit, round 21, on Lambda's environments kept warm.

- M2: the burst default compared the start alone with the latency target while the cold-start rule and its warning
  weigh the cold request (start and work): between the two, one answer assumed no environment warm and warned that
  the bill leaves them out, and a slower start gave a cheaper bill.
- L1: the free tier does not apply to a function with provisioned concurrency (https://aws.amazon.com/lambda/pricing/).
- L2: ``runtime.provisioned_concurrency: 0`` given on purpose is a choice, not an input to check.
- L4: an hour of an hourly profile with no load keeps no environment warm.
"""

from __future__ import annotations

import math
from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import LambdaSizing
from tests.cost.test_lambda_warm_for_cost import bill, lambda_entry

HOUR_S = 730 / 24 * 3600
BURST: dict[str, Any] = {
    "name": "report-api",
    "runtime": {"avg_duration_ms": 250, "max_duration_s": 3, "memory_mb": 2048, "startup_s": 0.7},
    # a burst a minute, counted as 96 a day (bursts closer than 15 minutes find the last one's environments): 263 cold
    # requests each, (300 − 23) a second for 0.95 s, more than the 1% of the month's requests a p99 lets be slower (a
    # burst an hour's fit in it, and keep no environment warm: tests/test_cold_requests_against_p99.py)
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 60_000_000,
        "peak_rps": 300,
        "latency_slo_ms": 800,
        "bursts_per_day": 1440,
    },
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
}


def burst(
    ruleset: Ruleset, runtime: dict[str, Any] | None = None, traffic: dict[str, Any] | None = None, **sections: Any
) -> Decision:
    raw = {
        **BURST,
        "runtime": {**BURST["runtime"], **(runtime or {})},
        "traffic": {**BURST["traffic"], **(traffic or {})},
        **sections,
    }
    return decide(parse_workload(raw), ruleset, advice=False)


def warm(decision: Decision) -> int | None:
    sizing = lambda_entry(decision).sizing
    assert isinstance(sizing, LambdaSizing)
    return sizing.provisioned_concurrency


def left_out(decision: Decision) -> list[str]:
    return [warning for warning in decision.warnings if "leaves out provisioned concurrency" in warning]


def test_a_cold_request_past_the_target_keeps_environments_warm_and_is_not_warned_of_as_left_out(
    ruleset: Ruleset,
) -> None:
    # a 0.7 s start and 250 ms of work: 950 ms on a new environment, past the 800 ms target, though the start is within
    decision = burst(ruleset)
    kept = warm(decision)
    assert kept is not None
    assert kept > 0
    [said] = [text for text in decision.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "0.7 s of start and 250 ms of work" in said
    assert not left_out(decision)
    # within the target (0.5 s and 250 ms): none kept, none warned of
    within = burst(ruleset, {"startup_s": 0.5})
    assert warm(within) is None
    assert not left_out(within)


def test_past_the_target_the_bill_grows_with_the_start(ruleset: Ruleset) -> None:
    """Past the target, more of the burst is kept warm as the start grows: the bill grows with it, never less. (Where
    the cold request first passes the target, the average's environments kept warm run their work at the provisioned
    rate, below the on-demand one: the bill there is lower than with none, as keeping them warm costs less.)"""
    totals, kept = [], []
    startup = 0.68
    while startup < 1.2:
        decision = burst(ruleset, {"startup_s": startup})
        totals.append(bill(decision).total_usd)
        kept.append(warm(decision) or 0)
        startup *= 1.03
    assert all(count > 0 for count in kept)
    assert kept == sorted(kept)
    assert totals == sorted(totals)


def test_no_free_tier_for_a_function_with_environments_kept_warm(ruleset: Ruleset) -> None:
    free = {"free_tier": True}
    kept = bill(burst(ruleset, preferences=free))
    items = [line.item for line in kept.lines]
    assert "Lambda requests (no free tier with provisioned concurrency)" in items
    assert not [item for item in items if "free" in item and "no free tier" not in item]
    # none kept warm (given 0): the free tier covers the requests and the duration
    cold = bill(burst(ruleset, {"provisioned_concurrency": 0}, preferences=free))
    cold_items = [line.item for line in cold.lines]
    assert "Lambda requests after 1M free" in cold_items
    assert any(item.startswith("Lambda duration (2048 MB, arm64) after 400,000 GB-s free") for item in cold_items)


def test_none_given_on_purpose_is_not_an_input_to_check(ruleset: Ruleset) -> None:
    decision = burst(ruleset, {"startup_s": 3, "provisioned_concurrency": 0})
    assert warm(decision) is None
    assert not left_out(decision)
    assert not decision.summary.startswith("Check before acting")


def test_an_hour_with_no_load_keeps_no_environment_warm(ruleset: Ruleset) -> None:
    profile = [0] * 8 + [1] * 8 + [10] + [1] * 7  # nothing at night, the burst at 16:00
    decision = burst(ruleset, {"startup_s": 3}, {"hourly_profile": profile})
    kept = warm(decision)
    assert kept is not None
    [line] = [line for line in bill(decision).lines if line.item.startswith("Lambda provisioned concurrency")]
    [said] = [text for text in decision.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "each hour by its load" in said
    assert "all month" not in said  # kept by the hour, not all month (focused audit of this stop: both were said)
    quiet = math.ceil(kept / 10 - 1e-9)
    assert line.quantity == math.fsum([kept * HOUR_S * 2, *[quiet * HOUR_S * 2] * 15])  # 2 GB environments


FANOUT: dict[str, Any] = {
    "name": "fanout-worker",
    "runtime": {"max_duration_s": 20, "avg_duration_ms": 5000, "memory_mb": 1024},
    "traffic": {"pattern": "event", "requests_per_month": 300_000, "peak_rps": 1000, "protocols": ["queue"]},
    "preferences": {"optimize_for": "cost"},
}
SCALING_RULES = ("traffic.burst-beyond-lambda-scaling", "traffic.burst-beyond-container-scaling")


def test_a_queues_burst_waits_in_the_queue_on_every_target(ruleset: Ruleset) -> None:
    """A fan-out of 1,000 messages a second, 5 s each, on a queue: the answer cited "requests over the rate are
    throttled" for Lambda (architect round 21, L4), though an SQS event source mapping leaves the backlog in the queue,
    as containers scaling out do. Neither scaling-rate rule weighs a queue's burst; both weigh a client's."""
    decision = decide(parse_workload(FANOUT), ruleset, advice=False)
    fired = {reason.rule for item in decision.ranking for reason in item.reasons}
    assert not fired & set(SCALING_RULES)
    assert "throttled" not in decision.summary
    clients = {**FANOUT, "traffic": {**FANOUT["traffic"], "protocols": ["http"]}}
    fired = {
        reason.rule
        for item in decide(parse_workload(clients), ruleset, advice=False).ranking
        for reason in item.reasons
    }
    assert set(SCALING_RULES) <= fired
