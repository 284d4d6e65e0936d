"""What a twelfth property audit found, kept true:

- a day's swing in an hourly profile is no burst over the warm copies: the burst is measured against the busiest
  hour's average load, whose copies the bills keep up in that hour;
- a service that answers clients with runtime.min_copies 0 is warned of: scaled to zero, it starts no copy on a
  request, and its load balancer answers 503 until scaling starts one;
- a limit's fix that the engine tried and that left the target kept out by another limit (one that holds only once
  the fix is made) is said as needed, not as what would let the target in, with the rules that kept it out then.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.facts import derive

COLD_LONG_EVENTS: dict[str, Any] = {
    "runtime": {"max_duration_s": 1000, "startup_s": 12},
    "traffic": {"pattern": "event", "protocols": ["queue"]},
}


def test_a_fix_that_is_not_enough_is_said_so(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(COLD_LONG_EVENTS), ruleset)
    (sentence,) = [text for text in decision.what_would_change if text.startswith("AWS Lambda is kept out by")]
    assert "this would be needed to let it in: runtime.max_duration_s ≤ 900 (now 1,000)" in sentence
    assert "would let it in" not in sentence
    assert sentence.endswith(
        "Tried: with runtime.max_duration_s 900 it is still kept out by "
        "modes.lambda-on-demand-cold-run-past-15-minutes and modes.lambda-managed-instances-bursts."
    )
    # What the sentence says, applied: Lambda is kept out at 900 s, by those two rules
    applied = decide(parse_workload({**COLD_LONG_EVENTS, "runtime": {"max_duration_s": 900, "startup_s": 12}}), ruleset)
    (lambda_out,) = [item for item in applied.excluded if item.target == "lambda"]
    assert {reason.rule for reason in lambda_out.reasons} == {
        "modes.lambda-on-demand-cold-run-past-15-minutes",
        "modes.lambda-managed-instances-bursts",
    }


def test_a_fix_that_is_enough_still_says_it_lets_the_target_in(ruleset: Ruleset) -> None:
    quick = {**COLD_LONG_EVENTS, "runtime": {"max_duration_s": 1000, "startup_s": 1}}
    decision = decide(parse_workload(quick), ruleset)
    (sentence,) = [text for text in decision.what_would_change if text.startswith("AWS Lambda is kept out by")]
    assert "this would let it in: runtime.max_duration_s ≤ 900 (now 1,000)" in sentence
    assert "still kept out" not in sentence
    applied = decide(parse_workload({**quick, "runtime": {"max_duration_s": 900, "startup_s": 1}}), ruleset)
    assert "lambda" in [entry.target for entry in applied.ranking]


OFFICE_HOURS: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 200, "memory_mb": 1024},
    "traffic": {"pattern": "spiky", "requests_per_month": 10_000_000, "hourly_profile": [0] * 9 + [1] * 4 + [0] * 11},
}


def burst_points(decision: Decision, target: str) -> float:
    entry = next(ranked for ranked in decision.ranking if ranked.target == target)
    return sum(reason.impact for reason in entry.reasons if reason.rule == "traffic.burst-over-warm-copies")


def test_a_days_swing_in_an_hourly_profile_is_no_burst(ruleset: Ruleset) -> None:
    """The bills keep the busiest hour's copies up in that hour: the burst is measured against them, so a service
    busy four hours a day has the burst of the same service with no profile (the pattern's ×10 within an hour)."""
    flat = {
        **OFFICE_HOURS,
        "traffic": {key: value for key, value in OFFICE_HOURS["traffic"].items() if key != "hourly_profile"},
    }
    profiled, plain = (derive(parse_workload(raw).workload) for raw in (OFFICE_HOURS, flat))
    assert profiled.container_burst == pytest.approx(plain.container_burst)
    assert plain.container_burst == pytest.approx(10.0)
    decision = decide(parse_workload(OFFICE_HOURS), ruleset, advice=False)
    assert burst_points(decision, "ecs-fargate") == burst_points(
        decide(parse_workload(flat), ruleset, advice=False), "ecs-fargate"
    )
    assert burst_points(decision, "ecs-fargate") == pytest.approx(-6 * (10 - 4) / (32 - 4), abs=0.05)
    # A burst above the busiest hour still counts: a peak 40 times that hour's average
    steep = {**OFFICE_HOURS, "traffic": {**OFFICE_HOURS["traffic"], "peak_rps": 40 * 10_000_000 / 2_628_000 * 6}}
    assert derive(parse_workload(steep).workload).container_burst == pytest.approx(40.0, rel=1e-3)
    assert burst_points(decide(parse_workload(steep), ruleset, advice=False), "ecs-fargate") == -6


def test_a_client_facing_service_scaled_to_zero_is_warned_of(ruleset: Ruleset) -> None:
    idle: dict[str, Any] = {
        "runtime": {"avg_duration_ms": 200, "memory_mb": 1024, "min_copies": 0},
        "traffic": {"pattern": "spiky", "requests_per_month": 30_000},
    }
    decision = decide(parse_workload(idle), ruleset, advice=False)
    (warning,) = [text for text in decision.warnings if text.startswith("runtime.min_copies is 0")]
    assert "the load balancer answers 503 until the scaling alarm has started one" in warning
    assert decision.summary.startswith(f"Check before acting: {warning}")
    # One copy kept, or a queue's consumer (its messages wait in the queue): nothing to warn of
    for runtime, protocols in (({**idle["runtime"], "min_copies": 1}, ["http"]), (idle["runtime"], ["queue"])):
        quiet = {"runtime": runtime, "traffic": {**idle["traffic"], "protocols": protocols}}
        warnings = decide(parse_workload(quiet), ruleset, advice=False).warnings
        assert not any(text.startswith("runtime.min_copies is 0") for text in warnings)
