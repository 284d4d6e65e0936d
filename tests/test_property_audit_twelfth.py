"""What a twelfth property audit found, kept true:

- a limit's fix that the engine tried and that left the target kept out by another limit (one that holds only once
  the fix is made) is said as needed, not as what would let the target in, with the rules that kept it out then.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload

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
