"""Findings of the architect audit, round 23, on a burst's cold starts against Lambda's concurrency.

- F2: a flash sale climbing from 20 to 2,000 requests a second (60 ms of work, a 0.8 s start) was said to keep "120 in
  flight at peak, within the 1,000 default concurrency quota", while the same answer counted 1,703 cold requests a
  burst: an environment is busy through its start and the request, so the burst's first second holds about 1,700
  environments at once (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html), past the quota and past
  the 1,000 new environments Lambda adds every 10 s (https://docs.aws.amazon.com/lambda/latest/dg/scaling-
  behavior.html). The sizing says how many a burst holds while its requests start cold, and a warning says when they
  pass the quota or the scaling rate. Not the concurrency rules' points: that count grows by a whole start per request
  a second past what the warm environments serve, and scored it moved Lambda 10 points for a 3% higher peak with no
  bill moving (property audit 19, F1).
- F7: the decision record's context left out the latency target, the start and the typical request, which decided
  the environments kept warm.

(F1, the share kept warm for bursts: tests/test_cold_requests_against_p99.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import LambdaSizing, RankedTarget
from decider.facts import derive
from decider.render.adr import to_adr

FLASH_SALE: dict[str, Any] = {
    "name": "flash-sale-api",
    "runtime": {"avg_duration_ms": 60, "max_duration_s": 2, "memory_mb": 512, "startup_s": 0.8},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 52_560_000,
        "peak_rps": 2000,
        "protocols": ["http"],
        "latency_slo_ms": 150,
        "bursts_per_day": 2,
    },
    "preferences": {"optimize_for": "cost"},
}
CONCURRENCY_RULES = ("traffic.lambda-concurrency-quota", "traffic.burst-beyond-lambda-scaling")


def with_changes(**sections: dict[str, Any]) -> dict[str, Any]:
    return {**FLASH_SALE, **{name: {**FLASH_SALE.get(name, {}), **values} for name, values in sections.items()}}


def lambda_entry(decision: Decision) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == "lambda")


def burst_warnings(decision: Decision) -> list[str]:
    return [warning for warning in decision.warnings if "of AWS Lambda's environments at once" in warning]


def test_a_smaller_burst_within_the_quota_and_the_scaling_rate_is_not_warned_of(ruleset: Ruleset) -> None:
    """At 1,000 a second the burst holds 844 at once: within the quota, and fewer new ones than 1,000."""
    decision = decide(parse_workload(with_changes(traffic={"peak_rps": 1000})), ruleset, advice=False)
    sizing = lambda_entry(decision).sizing
    assert isinstance(sizing, LambdaSizing)
    assert sizing.burst_concurrency == 844  # 1.2 + (1,000 − 20) × 0.86, rounded up
    assert not burst_warnings(decision)


def fired(decision: Decision) -> set[str]:
    return {reason.rule for reason in lambda_entry(decision).reasons}


def test_a_burst_holds_an_environment_for_each_request_while_it_starts_cold(ruleset: Ruleset) -> None:
    parsed = parse_workload(FLASH_SALE)
    model = ruleset.cost_model
    assert model is not None
    facts = derive(parsed.workload, model)
    average = 52_560_000 / (730 * 3600)  # 20 a second
    warm = average * 0.06  # the average's environments, 1.2
    at_once = warm + (2000 - warm / 0.06) * (0.8 + 0.06)
    assert facts.lambda_burst_concurrency == pytest.approx(at_once)  # 1,704
    assert facts.peak_concurrency == pytest.approx(120)
    assert facts.lambda_scale_up_s == pytest.approx((120 - warm) / 1000 * 10)  # to the peak's in flight, as scored
    decision = decide(parsed, ruleset, advice=False)
    sizing = lambda_entry(decision).sizing
    assert isinstance(sizing, LambdaSizing)
    assert (sizing.peak_concurrency, sizing.burst_concurrency) == (120, 1704)
    assert not sizing.within_default_quota
    [warning] = burst_warnings(decision)
    assert warning.startswith("A burst to traffic.peak_rps 2,000 holds about 1,704 of AWS Lambda's environments")
    assert "past the account's default quota of 1,000 concurrent executions and the new environments" in warning
    # The count at once is warned of, not scored; the requests the burst has throttled past the new environments
    # (1,704 asked for in its first 0.86 s, 1,086 there), as a share of the month's, are scored
    # (tests/test_lambda_throttled.py)
    assert "traffic.lambda-concurrency-quota" not in fired(decision)
    month = (at_once - warm - (1000 + 100 * 0.86)) * 2 * 730 / 24 / 52_560_000
    assert facts.lambda_throttled_percent == pytest.approx(100 * month)
    points = [reason.impact for reason in lambda_entry(decision).reasons if reason.rule == CONCURRENCY_RULES[1]]
    assert points == [pytest.approx(-6 * 100 * month / 6, abs=0.06)]


def test_environments_kept_warm_serve_the_burst_without_new_ones(ruleset: Ruleset) -> None:
    """Provisioned concurrency at the peak's 120 holds the burst warm: no environment starts cold, nothing to climb."""
    decision = decide(parse_workload(with_changes(runtime={"provisioned_concurrency": 120})), ruleset, advice=False)
    sizing = lambda_entry(decision).sizing
    assert isinstance(sizing, LambdaSizing)
    assert sizing.burst_concurrency is None
    assert sizing.within_default_quota
    assert not burst_warnings(decision)


def test_a_queues_burst_and_steady_traffic_count_the_peak_alone(ruleset: Ruleset) -> None:
    """A queue's burst waits in its queue; steady traffic has no burst: their peak is the work in flight."""
    model = ruleset.cost_model
    assert model is not None
    for changes in ({"protocols": ["queue"]}, {"pattern": "steady"}):
        facts = derive(parse_workload(with_changes(traffic=changes)).workload, model)
        assert facts.lambda_burst_concurrency == facts.peak_concurrency, changes


def test_the_decision_record_states_the_target_the_start_and_the_bursts(ruleset: Ruleset) -> None:
    parsed = parse_workload(FLASH_SALE)
    record = to_adr(decide(parsed, ruleset, advice=False), parsed.workload, date="2026-12-06")
    [context] = [line for line in record.splitlines() if "It is described as follows" in line]
    assert "a typical one 60 ms, and a new copy starts in 0.8 s" in context
    assert "at its peak 2,000 requests a second, in 2 bursts a day;" in context
    assert "its p99 latency target is 150 ms" in context
    no_target = parse_workload(with_changes(traffic={"latency_slo_ms": None}))
    record = to_adr(decide(no_target, ruleset, advice=False), no_target.workload, date="2026-12-06")
    assert "latency target" not in next(line for line in record.splitlines() if "described as follows" in line)
