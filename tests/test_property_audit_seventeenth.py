"""What the seventeenth property audit found, kept true: Lambda's environments assumed for a burst and capped at the
most ``runtime.provisioned_concurrency`` takes (10,000) weigh the cold starts by the share of the burst those
environments hold, as the same count given does, not by the share the assumption wanted (97% wanted, 19% held: the
assumed answer recommended Lambda at 45.3, the given one Fargate, with every bill the same).
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.facts import derive

CAPPED: dict[str, Any] = {
    "name": "capped-environments",
    "runtime": {"memory_mb": 1024, "avg_duration_ms": 1000, "max_duration_s": 3, "startup_s": 30},
    "traffic": {
        "pattern": "spiky",
        "protocols": ["http"],
        "requests_per_month": 20_000_000,
        "peak_rps": 50_000,
        "latency_slo_ms": 800,
    },
}
GIVEN = {**CAPPED, "runtime": {**CAPPED["runtime"], "provisioned_concurrency": 10_000}}


def test_capped_environments_assumed_weigh_as_the_same_count_given(ruleset: Ruleset) -> None:
    assumed, given = parse_workload(CAPPED), parse_workload(GIVEN)
    assert assumed.workload.runtime.provisioned_concurrency == 10_000
    model = ruleset.cost_model
    assert model is not None
    held = derive(given.workload, model).lambda_warm_share
    assert derive(assumed.workload, model).lambda_warm_share == held
    average = 20_000_000 / (730 * 3600)
    assert held == (10_000 - average) / (50_000 - average)  # one second of work each: in flight = the rate
    first, second = decide(assumed, ruleset, advice=False), decide(given, ruleset, advice=False)
    assert first.recommendation == second.recommendation
    assert [(item.target, item.score) for item in first.ranking] == [
        (item.target, item.score) for item in second.ranking
    ]
    [said] = [text for text in first.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "capped at 10,000, the most runtime.provisioned_concurrency takes, which hold 19% of the burst" in said


def test_environments_below_the_cap_keep_the_share_before_rounding(ruleset: Ruleset) -> None:
    """Uncapped, the share weighed is the one wanted before rounding up to whole environments (no step)."""
    smaller = {**CAPPED, "traffic": {**CAPPED["traffic"], "peak_rps": 5_000}}
    parsed = parse_workload(smaller)
    model = ruleset.cost_model
    assert model is not None
    share = derive(parsed.workload, model).lambda_warm_share
    assert share == 1 - 0.8 / 31  # a 30 s start and 1 s of work against the 800 ms target


def test_capped_environments_for_a_peak_under_the_average_hold_a_share_of_the_average(ruleset: Ruleset) -> None:
    """A named peak below the average rate leaves no burst over the average: the capped environments are said as a
    share of the average's executions (a division by the burst's height of 0 was a crash)."""
    flat = {
        **CAPPED,
        "runtime": {**CAPPED["runtime"], "avg_duration_ms": 10_000, "max_duration_s": 20},
        "traffic": {**CAPPED["traffic"], "requests_per_month": 2000 * 730 * 3600, "peak_rps": 1000},
    }
    decision = decide(parse_workload(flat), ruleset, advice=False)
    [said] = [text for text in decision.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "capped at 10,000, the most runtime.provisioned_concurrency takes, which hold 50% of the burst" in said
