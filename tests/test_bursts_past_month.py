"""Bursts whose requests, as AWS Lambda's burst model counts them, pass the month's requests are warned of whatever
was worked out from them (architect audit, round 26, H1).

A ticket drop of 1M requests a month with 24 bursts a day to 3,000 a second was warned that its inputs disagree only
with ``provisioned_concurrency: 0``: the environments decider assumed for the bursts left Lambda throttling none, and
silenced the warning while they were sized from the same bursts. A form handler of 2,000 requests a day, whose 24
bursts a day decider assumed, was said to miss "as many a month as the month's requests" when the containers' model
of its bursts held 87 times the month. Now the warning also counts the bursts the environments kept were worked out
from (decider/burst_checks.py), and the containers' model, which takes a burst to last as long as scaling out (an
upper bound of its slow requests), says in its assumption when that passes the month.
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
        "bursts_per_day": 24,
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


def test_the_environments_assumed_for_bursts_do_not_silence_the_warning(ruleset: Ruleset) -> None:
    parsed = parse_workload(TINY_MONTH)
    environments = parsed.workload.runtime.provisioned_concurrency
    assert environments is not None
    assert environments > 500  # kept warm for the bursts: Lambda then throttles none
    [said] = disagreeing(TINY_MONTH, ruleset)
    each = 6900  # 3,000 a second through the 2.3 s cold request and the climb after it
    assert f"send about {each:,} requests a burst while AWS Lambda's environments catch up" in said
    assert f"about {round(each * counted_bursts(24)):,} a month" in said
    assert "(traffic.bursts_per_day, given)" in said
    assert "traffic.requests_per_month (1,000,000, given)" in said
    assert f"the {environments} environments kept warm (runtime.provisioned_concurrency) is worked out" in said
    none_kept = {**TINY_MONTH, "runtime": {**TINY_MONTH["runtime"], "provisioned_concurrency": 0}}
    [throttled] = disagreeing(none_kept, ruleset)
    assert "the share of requests Lambda throttles is worked out from the bursts as given" in throttled


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
    assert parse_workload(roomy).workload.runtime.provisioned_concurrency  # still kept warm for the bursts
    assert disagreeing(roomy, ruleset) == []
    fewer = {**TINY_MONTH, "traffic": {**TINY_MONTH["traffic"], "bursts_per_day": 4}}  # 839,500 a month: they fit
    assert disagreeing(fewer, ruleset) == []
    steady = {**TINY_MONTH, "traffic": {**TINY_MONTH["traffic"], "pattern": "steady", "bursts_per_day": None}}
    assert disagreeing(steady, ruleset) == []
