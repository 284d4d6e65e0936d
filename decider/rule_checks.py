"""Limits the recommended target meets as configured, said before acting: a score rule marked
``check_before_acting`` (rules/limits.yaml: bodies past what the front door or a synchronous Lambda invocation
carries) that takes points from the recommendation is a change to make before the answer works as recommended,
not only a reason it scores lower (decider/engine.py adds these to the warnings)."""

from __future__ import annotations

from decider.ranking import Ranked
from decider.rules.model import Ruleset


def limits_on_the_winner(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The messages of the rules marked ``check_before_acting`` that take points from the recommended target, each
    with its rule id, in rule order."""
    if not ranked.order:
        return ()
    winner = ranked.order[0]
    name = ruleset.target(winner).name
    return tuple(
        f"{fired.message.rstrip('.')} ({fired.id}): {name} is recommended with this limit against it; plan for it "
        "before acting."
        for fired, points in ranked.evaluation.reasons.get(winner, ())
        if fired.rule is not None and fired.rule.check_before_acting and points < 0
    )
