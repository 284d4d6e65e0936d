"""Which rules put one target ahead of another: the one definition of "which rules decided it", read by the summary,
Slack, the review and the ADR (decider/decision.py ``Decision.leads_over``, decider/explain.py ``leads``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any


def leads(
    ahead: Iterable[tuple[str, float]],
    behind: Iterable[tuple[str, float]],
    relative: Collection[str] = (),
    shared: Mapping[str, str] | None = None,
) -> tuple[tuple[float, str], ...]:
    """The rules that put one target ahead of another, biggest lead first: ``(lead, rule id)`` pairs.

    ``ahead`` and ``behind`` are each target's (rule id, points) reasons. A rule's lead is its points for the target
    ahead minus its points for the one behind, so a rule that only lowers the one behind counts too; a rule that
    lowers the target ahead is no reason for it, even when it lowers the other more. The ``relative`` criteria are
    the exception: their points measure each target against the best one (the bills' criterion: 0 for the cheapest),
    so lowering the target ahead less is a lead, being cheaper. Rules that carry one criterion between them
    (``shared``: a rule's id → the id of the rule it shares it with, a rule's ``shares_with``) count as one, said by
    whichever of them moved more points: a criterion that gives both targets the same is no lead (architect audit
    38, F3: EKS was said to lead ECS on EC2 by 2.4 points from the job start-up both pay, each through its own rule).
    """
    shared = shared or {}
    totals: dict[str, float] = {}
    own: dict[str, float] = {}  # each criterion's points for the target ahead
    moved: dict[str, dict[str, float]] = {}  # each criterion's rules, with the points each moved
    for rules, sign in ((ahead, 1.0), (behind, -1.0)):
        for rule, points in rules:
            key = shared.get(rule, rule)
            totals[key] = totals.get(key, 0.0) + sign * points
            if sign > 0:
                own[key] = own.get(key, 0.0) + points
            parts = moved.setdefault(key, {})
            parts[rule] = parts.get(rule, 0.0) + abs(points)
    against = {key for key, points in own.items() if points < 0 and key not in relative}
    found = [
        (round(lead, 1), max(moved[key], key=lambda rule: (moved[key][rule], rule)))
        for key, lead in totals.items()
        if round(lead, 1) > 0 and key not in against
    ]
    return tuple(sorted(found, key=lambda item: (-item[0], item[1])))


def shared(fired: Iterable[Any]) -> dict[str, str]:
    """The rules ``fired`` (decider/firing.py ``Fired``) that carry one criterion with another (``shares_with``), by
    id: they count as one."""
    return {item.id: item.rule.shares_with for item in fired if item.rule is not None and item.rule.shares_with}
