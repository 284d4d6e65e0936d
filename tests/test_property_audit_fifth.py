"""Violations a fifth property audit found, each kept fixed here:

- a warning that one figure is below another printed them rounded until they no longer were (a peak of 0.0001 a
  second "below" an average shown as 0; an SLO of 36.51 ms "shorter" than a request shown as 36.5 ms);
- an excluded target's fix was stated with changes that had no part in the answer it named.
"""

from __future__ import annotations

import pytest

from decider import Ruleset, decide, parse_workload
from decider.numbers import apart


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (0.0001, 0.00038051750380517503, ("0.0001", "0.000381")),
        (36.51, 36.54, ("36.51", "36.54")),
        (36.541, 36.544, ("36.541", "36.544")),
        (1000.2, 1000.4, ("1,000.2", "1,000.4")),
        (2.0, 2.0, ("2", "2")),
    ],
)
def test_two_different_figures_are_never_printed_alike(first: float, second: float, expected: tuple[str, str]) -> None:
    assert apart(first, second) == expected


def test_the_peak_below_average_warning_prints_an_average_above_the_peak(ruleset: Ruleset) -> None:
    parsed = parse_workload({"traffic": {"pattern": "batch", "requests_per_month": 1000, "peak_rps": 0.0001}})
    (warning,) = [text for text in decide(parsed, ruleset, advice=False).warnings if "below the average" in text]
    assert "traffic.peak_rps (0.0001 a second)" in warning
    assert "gives (0.000381 a second over a 730-hour month)" in warning


def test_the_slo_warning_quotes_both_figures_as_given(ruleset: Ruleset) -> None:
    parsed = parse_workload({"runtime": {"avg_duration_ms": 36.54}, "traffic": {"latency_slo_ms": 36.51}})
    (warning,) = [text for text in decide(parsed, ruleset, advice=False).warnings if "shorter than a typical" in text]
    assert "traffic.latency_slo_ms (36.51 ms)" in warning
    assert "(runtime.avg_duration_ms, 36.54 ms)" in warning


@pytest.mark.parametrize(
    "raw",
    [
        {"runtime": {"max_duration_s": 1034.409, "memory_mb": 38884}},
        {"runtime": {"gpu": 4}, "control": {"host_networking": True}, "preferences": {"optimize_for": "control"}},
    ],
)
def test_an_excluded_targets_fix_is_said_only_when_a_target_it_lets_in_is_recommended(
    ruleset: Ruleset, raw: dict[str, object]
) -> None:
    """A fix that moves the answer to a target eligible already credits the wrong change: a smaller copy re-prices
    every target; the sentence would say the let-in target moved it."""
    decision = decide(parse_workload(raw), ruleset)
    excluded = {entry.target for entry in decision.excluded}
    assert excluded, "the workload keeps targets out"
    fixes = [item for item in decision.counterfactuals if item.kind == "exclusion"]
    assert all(item.recommendation in excluded for item in fixes)
    assert not any("no longer excluded" in text and "Fargate would" in text for text in decision.what_would_change)
