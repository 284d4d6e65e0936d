"""``decide``: the single orchestration point from a parsed workload to a Decision. No I/O."""

from __future__ import annotations

from decider import explain
from decider.cost.quote import quote
from decider.decision import Decision, RulesetInfo
from decider.facts import derive
from decider.rules.fields import context as build_context
from decider.rules.model import Ruleset
from decider.scoring import fire, fold
from decider.workload import ParsedWorkload


def decide(parsed: ParsedWorkload, ruleset: Ruleset) -> Decision:
    """Rank every target for one workload; every exclusion and point of score is traced to a rule."""
    workload = parsed.workload
    facts = derive(workload)
    context = build_context(workload, facts)
    firing = fire(ruleset, context, workload.preferences.optimize_for)
    priced = quote(workload, facts, ruleset, firing)
    evaluation = fold(ruleset, firing, (priced.cost,) if priced is not None and priced.cost is not None else ())

    eligible = [target for target in ruleset.targets if target.id not in evaluation.exclusions]
    eligible.sort(key=lambda target: (-evaluation.scores[target.id], target.simplicity, target.id))
    order = [target.id for target in eligible]
    costs: dict[str, float] = priced.totals if priced is not None else {}
    break_even = priced.break_even(order) if priced is not None else []

    # Nested parts go in as plain dicts: Decision validates the whole tree in one call, several times faster than
    # building each Reason on its own.
    ranking = tuple(
        {
            "target": target.id,
            "name": target.name,
            "score": evaluation.scores[target.id],
            "monthly_cost": priced.bills.get(target.id) if priced is not None else None,
            "sizing": priced.plans[target.id].sizing if priced is not None and target.id in priced.plans else None,
            "reasons": tuple(
                {
                    "rule": fired.id,
                    "category": fired.category,
                    "impact": points,
                    "message": fired.message,
                    "source": fired.source,
                }
                for fired, points in evaluation.reasons[target.id]
            ),
        }
        for target in eligible
    )
    excluded = tuple(
        {
            "target": target.id,
            "name": target.name,
            "reasons": tuple(
                {
                    "rule": fired.id,
                    "category": fired.category,
                    "message": fired.message,
                    "source": fired.source,
                }
                for fired in evaluation.exclusions[target.id]
            ),
        }
        for target in ruleset.targets
        if target.id in evaluation.exclusions
    )
    return Decision(
        name=workload.name,
        recommendation=order[0] if order else None,
        summary=explain.summary(ruleset, evaluation, order, costs),
        ranking=ranking,
        excluded=excluded,
        what_would_change=(
            *explain.what_would_change(ruleset, evaluation, order, context),
            *(priced.sentences(ruleset, break_even) if priced is not None else ()),
        ),
        break_even=tuple(break_even),
        assumptions=parsed.assumptions,
        ruleset=RulesetInfo(version=ruleset.version, digest=ruleset.digest),
        pricing=priced.pricing if priced is not None else None,
    )
