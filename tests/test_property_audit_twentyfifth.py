"""Property audit, round 25: a peak decider assumed keeps nothing up for bursts, where the same peak given does; the
answer now says so, with what the peak given would keep (F5)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.decision import FargateSizing
from decider.errors import WorkloadError

#: A spiky service with a p99 target and no peak: decider assumes 10× the average rate, 1,177 requests a second.
SPIKY: dict[str, Any] = {
    "name": "spiky-no-peak",
    "traffic": {"pattern": "spiky", "requests_per_month": 309_300_000, "latency_slo_ms": 209.1},
}


def note(assumptions: tuple[str, ...] | list[str]) -> list[str]:
    return [text for text in assumptions if text.startswith("traffic.peak_rps was assumed")]


def fargate_min_copies(decision: Any) -> int:
    (entry,) = [entry for entry in decision.ranking if entry.target == "ecs-fargate"]
    assert isinstance(entry.sizing, FargateSizing)
    return int(entry.sizing.min_copies)


def test_an_assumed_peak_says_what_the_same_peak_given_would_keep_up(ruleset: Ruleset) -> None:
    assumed = decide(parse_workload(SPIKY), ruleset, advice=False)
    (said,) = note(assumed.assumptions)
    assert "(1,177 a second), so nothing is kept up for bursts" in said
    assert fargate_min_copies(assumed) == 2  # today: the busy listener's two copies, nothing for bursts
    # written in, the same peak keeps the copies the note names
    given = {
        **SPIKY,
        "traffic": {**SPIKY["traffic"], "peak_rps": dict(parse_workload(SPIKY).defaults)["traffic.peak_rps"]},
    }
    named = decide(parse_workload(given), ruleset, advice=False)
    copies = fargate_min_copies(named)
    assert copies > 2
    assert f"would keep {copies:,} container copies up (runtime.min_copies)" in said
    assert not note(named.assumptions)


def test_nothing_is_said_where_a_peak_given_would_keep_nothing_either(ruleset: Ruleset) -> None:
    no_target = {**SPIKY, "traffic": {"pattern": "spiky", "requests_per_month": 309_300_000}}
    assert not note(decide(parse_workload(no_target), ruleset, advice=False).assumptions)
    kept = {**SPIKY, "runtime": {"min_copies": 4, "provisioned_concurrency": 0}}
    assert not note(decide(parse_workload(kept), ruleset, advice=False).assumptions)


def test_a_list_given_as_one_word_is_told_the_one_item_list(ruleset: Ruleset) -> None:
    """`protocols: http` (for `[http]`): the error says how the list of one is written (F8)."""
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"traffic": {"protocols": "http"}})
    (problem,) = raised.value.problems
    assert problem.location == "traffic.protocols"
    assert problem.message.endswith('a list of one is written [http] in YAML, ["http"] in JSON')
    # a long text is not echoed back as a list
    with pytest.raises(WorkloadError) as long:
        parse_workload({"traffic": {"protocols": "h" * 500}})
    assert "a list of one" not in long.value.problems[0].message


def test_the_search_tries_the_assumed_peak_given_as_it_is(ruleset: Ruleset) -> None:
    """Where a peak given would keep capacity up, the answer says whether giving the assumed peak changes it, and the
    change holds when applied."""
    decision = decide(parse_workload(SPIKY), ruleset)
    peak = dict(parse_workload(SPIKY).defaults)["traffic.peak_rps"]
    (same,) = [c for c in decision.counterfactuals if c.change == {"traffic.peak_rps": peak}]
    assert "traffic.peak_rps" in decision.decisive_assumptions
    assert same.recommendation != decision.recommendation
    assert same.message.startswith("This answer assumes a peak of 1,177 requests a second (traffic.peak_rps was not")
    assert same.recommendation is not None
    assert same.message.endswith(f"given as it is, {ruleset.target(same.recommendation).name} would be recommended.")
    given = {**SPIKY, "traffic": {**SPIKY["traffic"], "peak_rps": peak}}
    assert decide(parse_workload(given), ruleset, advice=False).recommendation == same.recommendation
