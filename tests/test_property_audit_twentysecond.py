"""Findings of the property audit, round 22: shares of Lambda's cold starts that jumped where a burst appears.

- F1 (High): with ``runtime.provisioned_concurrency`` given at or below the average load's executions, the share
  held (``derived.lambda_warm_share``) was the share of the average while the peak was at it, and the share of the
  burst past the average (none) once the peak passed it by 3%: Lambda lost up to 11 points, and the answer flipped,
  with no bill moving. decider/cold_share.py fades one into the other over a peak up to ``BURST_FADE`` past the
  average.
- F2 (High): a function called a few times an hour, bursting, kept none of its cold-start points once its peak
  passed the average, though nearly every request starts cold after idling: the burst's share to keep warm ignored
  the idle cold starts the same function had at the average (``steady_need``). It is now never less than those.

(F3, EKS's node rules on EKS on Fargate: tests/test_architect_audit_twentyfifth.py.)
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cold_budget import steady_need
from decider.decision import Decision
from decider.facts import derive

#: One environment kept warm for one execution in flight on average (1 request a second of 1 s), a 16 s start.
WARM_AT_AVERAGE: dict[str, Any] = {
    "runtime": {
        "avg_duration_ms": 1000,
        "max_duration_s": 2,
        "startup_s": 16,
        "memory_mb": 512,
        "provisioned_concurrency": 1,
    },
    "traffic": {"pattern": "steady", "requests_per_month": 2_628_000, "peak_rps": 1},
}
#: 3,000 requests a month, spiky, a 2 s start against a 500 ms p99: nearly every request starts cold.
RARE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 100, "startup_s": 2},
    "traffic": {"pattern": "spiky", "requests_per_month": 3000, "peak_rps": 0.00114, "latency_slo_ms": 500},
}


def scores(raw: dict[str, Any], ruleset: Ruleset) -> Decision:
    return decide(parse_workload(raw), ruleset, advice=False)


def with_peak(raw: dict[str, Any], peak: float) -> dict[str, Any]:
    return {**raw, "traffic": {**raw["traffic"], "peak_rps": peak}}


def lambda_score(decision: Decision) -> float:
    return next(entry.score for entry in decision.ranking if entry.target == "lambda")


@pytest.mark.parametrize(("raw", "average"), [(WARM_AT_AVERAGE, 1.0), (RARE, 3000 / (730 * 3600))])
def test_a_peak_passing_the_average_moves_no_score_by_three_points(
    ruleset: Ruleset, raw: dict[str, Any], average: float
) -> None:
    """3% steps of the peak from just under the average to twice it: no bill moves, so no score may move by 3 points
    or more a step (the advice's promise)."""
    decisions = [scores(with_peak(raw, average * 0.97 * 1.03**step), ruleset) for step in range(26)]
    for before, after in itertools.pairwise(decisions):
        bills = {entry.target: entry.monthly_cost for entry in before.ranking}
        for entry in after.ranking:
            old = next(item for item in before.ranking if item.target == entry.target)
            if bills[entry.target] is not None and entry.monthly_cost is not None:
                moved = abs(entry.monthly_cost.total_usd - bills[entry.target].total_usd)  # type: ignore[union-attr]
                if moved >= 0.1 * bills[entry.target].total_usd:  # type: ignore[union-attr]
                    continue
            assert abs(entry.score - old.score) < 3.0, (entry.target, old.score, entry.score)
    # the auditor's pair (at the average, and 3% past it) keeps its answer
    assert decisions[1].recommendation == decisions[2].recommendation


def test_the_warm_share_fades_from_the_average_to_the_burst(ruleset: Ruleset) -> None:
    """At the average the one environment holds all of it; a quarter past it (the fade's end), none of the burst."""
    model = ruleset.cost_model
    shares = [
        derive(parse_workload(with_peak(WARM_AT_AVERAGE, peak)).workload, model).lambda_warm_share
        for peak in (1.0, 1.03, 1.125, 1.25, 2.0)
    ]
    assert shares[0] == 1.0
    assert shares[1] == pytest.approx(1 - 0.03 / 0.25)
    assert shares[2] == pytest.approx(0.5)
    assert shares[3] == shares[4] == 0.0


def test_a_rare_bursting_function_keeps_its_idle_cold_starts(ruleset: Ruleset) -> None:
    """Past the average, the share to keep warm is at least the idle share the same function has at it."""
    model = ruleset.cost_model
    idle = steady_need(3000, None)
    assert idle > 0.9  # called every 15 minutes or less often: nearly every request finds no environment
    for peak in (0.00114, 0.001176, 0.0114):
        facts = derive(parse_workload(with_peak(RARE, peak)).workload, model)
        assert facts.lambda_cold_past_p99 >= idle - 1e-9, peak
    cold = [
        reason.impact
        for entry in scores(with_peak(RARE, 0.001176), ruleset).ranking
        if entry.target == "lambda"
        for reason in entry.reasons
        if reason.rule == "traffic.cold-start-vs-slo"
    ]
    assert cold
    assert cold[0] < -5.0
