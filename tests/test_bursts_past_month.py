"""Bursts whose requests, as decider's burst models count them, pass the month's requests are warned of, whichever
model sized something from them (architect audit, round 26, H1).

A ticket drop of 1M requests a month with 4 bursts a day to 3,000 a second kept 1,286 Fargate copies and 890 Lambda
environments all month, sized from bursts of about 543,000 requests each (66M a month), and the warning that the
inputs disagree fired only with ``provisioned_concurrency: 0``: the environments decider assumed silenced it. A form
handler of 2,000 requests a day, whose 24 bursts a day decider assumed, was said to miss "as many a month as the
month's requests" when its bursts held 87 times the month. Now the warning counts a burst as the largest of the
models in play (Lambda's throttled share, the environments kept for bursts, the copies kept for bursts,
decider/burst_checks.py) and names what was sized from it; bursts decider assumed say it in their assumption.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.cold_budget import counted_bursts

TINY_MONTH: dict[str, Any] = {
    "name": "ticket-drop-tiny-month",
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 300, "memory_mb": 1024, "startup_s": 2},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 1_000_000,
        "peak_rps": 3000,
        "protocols": ["http"],
        "latency_slo_ms": 1000,
        "bursts_per_day": 4,
    },
}
FORM_HANDLER: dict[str, Any] = {
    "name": "marketing-form-handler",
    "runtime": {"max_duration_s": 3, "avg_duration_ms": 400, "memory_mb": 256, "startup_s": 0.7},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 60_000,
        "peak_rps": 40,
        "payload_mb": 0.05,
        "protocols": ["http"],
        "latency_slo_ms": 1000,
    },
    "preferences": {"optimize_for": "cost", "free_tier": True},
}


def disagreeing(raw: dict[str, Any], ruleset: Ruleset) -> list[str]:
    return [text for text in decide(parse_workload(raw), ruleset, advice=False).warnings if "inputs disagree" in text]


def test_the_capacity_assumed_for_bursts_does_not_silence_the_warning(ruleset: Ruleset) -> None:
    [said] = disagreeing(TINY_MONTH, ruleset)
    # the copies' model: 3,000 a second through the 181 s (180 s and the 2 s start, less the 1 s target)
    each = 3000 * 181
    assert f"send about {each:,} requests a burst in the first 181 s" in said
    assert f"about {round(each * counted_bursts(4)):,} a month" in said
    assert "(traffic.bursts_per_day, given)" in said
    assert "traffic.requests_per_month (1,000,000, given)" in said
    parsed = parse_workload(TINY_MONTH)
    copies, environments = parsed.workload.runtime.min_copies, parsed.workload.runtime.provisioned_concurrency
    assert copies is not None
    assert environments is not None
    assert f"the {environments} Lambda environments kept warm for them (runtime.provisioned_concurrency)" in said
    assert f"the {copies:,} container copies kept up for them (runtime.min_copies)" in said


def test_bursts_decider_assumed_are_said_in_their_assumption(ruleset: Ruleset) -> None:
    """24 bursts a day are decider's figure, not an input that disagrees: the assumption says that bursts this long,
    this often, would hold more than the month, and says to give the bursts a day."""
    assert disagreeing(FORM_HANDLER, ruleset) == []
    parsed = parse_workload(FORM_HANDLER)
    [assumption] = [line for line in parsed.assumptions if line.startswith("traffic.bursts_per_day not given")]
    assert "more than the month's requests (bursts this long, this often, hold more than the month has)" in assumption
    assert assumption.endswith("give traffic.bursts_per_day")


def test_bursts_the_month_holds_are_not_warned_of(ruleset: Ruleset) -> None:
    roomy = {**TINY_MONTH, "traffic": {**TINY_MONTH["traffic"], "requests_per_month": 200_000_000}}
    assert parse_workload(roomy).workload.runtime.min_copies  # copies are still kept up for the bursts
    assert disagreeing(roomy, ruleset) == []
    steady = {**TINY_MONTH, "traffic": {**TINY_MONTH["traffic"], "pattern": "steady", "bursts_per_day": None}}
    assert disagreeing(steady, ruleset) == []
