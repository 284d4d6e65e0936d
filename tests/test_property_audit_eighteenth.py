"""What the eighteenth property audit found, kept true.

- F2: copying an assumed ``traffic.peak_rps`` back in as given keeps copies up for bursts (7,193 here) where the
  assumed peak keeps none: a peak decider guessed from the pattern is no ground for capacity kept warm all month, a
  peak named is. docs/workload.md now lists it with the other exceptions to "assumed values copied in as given decide
  alike"; this test holds the two sides to what the docs say.
- F1: a named peak below the average rate kept the average's executions warm for "the burst" and weighed cold starts
  no burst has (tests/test_property_audit_seventeenth.py, ``test_a_named_peak_under_the_average_...``).
- F4: a flat hourly profile's sizing differed from no profile's (tests/cost/test_profile.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decider import Ruleset, decide, parse_workload

GUESSED: dict[str, Any] = {
    "name": "peak-assumed",
    "runtime": {"avg_duration_ms": 1350, "memory_mb": 1024, "startup_s": 0.5},
    "traffic": {"pattern": "spiky", "protocols": ["http"], "requests_per_month": 1e9, "latency_slo_ms": 4000},
}


def test_an_assumed_peak_keeps_nothing_up_for_bursts_and_the_same_peak_named_does(ruleset: Ruleset) -> None:
    guessed = parse_workload(GUESSED)
    peak = guessed.workload.traffic.peak_rps
    assert peak is not None
    assert guessed.workload.runtime.min_copies is None
    assert not [text for text in guessed.assumptions if "kept" in text and "for the bursts" in text]
    named = parse_workload({**GUESSED, "traffic": {**GUESSED["traffic"], "peak_rps": peak}})
    assert named.workload.runtime.min_copies is not None
    assert named.workload.runtime.min_copies > 1000
    [said] = [text for text in named.assumptions if text.startswith("runtime.min_copies not given")]
    assert "keeps copies up for its bursts" in said
    # the bills follow: the named peak's containers pay for the copies kept up
    first, second = decide(guessed, ruleset, advice=False), decide(named, ruleset, advice=False)
    bills = [{entry.target: entry.monthly_cost for entry in decision.ranking} for decision in (first, second)]
    fargate = [bill["ecs-fargate"] for bill in bills]
    assert fargate[0] is not None
    assert fargate[1] is not None
    assert fargate[1].total_usd > 5 * fargate[0].total_usd


def test_the_docs_list_a_named_peak_among_the_exceptions() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "workload.md").read_text(encoding="utf-8")
    start = text.index("copied in as given")
    paragraph = " ".join(text[start : text.index("**Hourly profile.**", start)].split())
    assert "with four exceptions" in paragraph
    assert "`runtime.vcpu` assumed" in paragraph  # the fourth: a vCPU given sizes Lambda's memory too
    assert "a `traffic.peak_rps` assumed (from the pattern) keeps no copies or environments up for bursts" in paragraph
