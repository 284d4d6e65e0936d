"""What the seventeenth property audit found, kept true: Lambda's environments assumed for a burst and capped at the
most ``runtime.provisioned_concurrency`` takes (10,000) weigh the cold starts by the share of the burst those
environments hold, as the same count given does, not by the share the assumption wanted (97% wanted, 19% held: the
assumed answer recommended Lambda at 45.3, the given one Fargate, with every bill the same). What they leave cold of
the share needed is weighed (tests/test_cold_requests_against_p99.py).
"""

from __future__ import annotations

import math
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
    # the rule on the target weighs what they leave cold of the share it needs: the share whose cold requests, each
    # 31 s against the 800 ms target, pass what the p99 absorbs (24 bursts a day of 1.5M cold requests each against
    # 1% of 20M a month)
    need = 1 - 0.01 * 20_000_000 / 730 / ((50_000 - average) * 31)
    for parsed in (assumed, given):
        assert derive(parsed.workload, model).lambda_cold_past_p99 == need - held
    first, second = decide(assumed, ruleset, advice=False), decide(given, ruleset, advice=False)
    assert first.recommendation == second.recommendation
    assert [(item.target, item.score) for item in first.ranking] == [
        (item.target, item.score) for item in second.ranking
    ]
    [said] = [text for text in first.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "capped at 10,000, the most runtime.provisioned_concurrency takes, which hold 19% of the burst" in said


def test_environments_below_the_cap_keep_the_share_before_rounding(ruleset: Ruleset) -> None:
    """Uncapped, the share held is the one wanted before rounding up to whole environments (no step): the share the
    target needs, none of it left cold for the rule on the target."""
    smaller = {**CAPPED, "traffic": {**CAPPED["traffic"], "peak_rps": 5_000, "requests_per_month": 2_000_000_000}}
    parsed = parse_workload(smaller)
    model = ruleset.cost_model
    assert model is not None
    rate = 2_000_000_000 / (730 * 3600)
    # a 30 s start and 1 s of work, past the 800 ms target every time, and 24 bursts a day of (5,000 − 761) × 31 s
    # cold requests each against the 1% of 2B a month a p99 lets be slower
    budget = 1 - 0.01 * 2_000_000_000 / 730 / ((5_000 - rate) * 31)
    facts = derive(parsed.workload, model)
    assert facts.lambda_warm_share == budget
    assert facts.lambda_cold_past_p99 == 0.0
    wanted = rate + budget * (5_000 - rate)
    assert parsed.workload.runtime.provisioned_concurrency == math.ceil(wanted)


def test_a_named_peak_under_the_average_keeps_nothing_up_for_bursts(ruleset: Ruleset) -> None:
    """A named peak below the average rate leaves no burst over the average: no environment starts cold and no request
    waits past what the average keeps warm, so nothing is kept for bursts and no bursts a day are taken (the capped
    sentence once divided by the burst's height of 0 here)."""
    flat = {
        **CAPPED,
        "runtime": {**CAPPED["runtime"], "avg_duration_ms": 10_000, "max_duration_s": 20},
        "traffic": {**CAPPED["traffic"], "requests_per_month": 2000 * 730 * 3600, "peak_rps": 1000},
    }
    decision = decide(parse_workload(flat), ruleset, advice=False)
    assert not [text for text in decision.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert not [text for text in decision.assumptions if text.startswith("traffic.bursts_per_day")]
    assert not [text for text in decision.assumptions if text.startswith("runtime.min_copies not given: assumed")]
