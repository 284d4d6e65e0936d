"""Firing rules and folding their points: which targets are excluded, and each target's weighted score.

A score is ``base_score`` plus the points of every criterion that fired for the target: the rule files' score rules
and the criteria computed from the bills (decider/cost/bill.py). ``fold`` is the only place a score is summed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from decider.rules.model import Rule, Ruleset


@dataclass(frozen=True, slots=True)
class Fired:
    """A criterion that held: a rule whose condition held, or one computed from the bills (``rule`` is then None),
    with its explanation and, for score criteria, the weighted points per target."""

    id: str
    category: str
    source: str
    message: str
    impacts: Mapping[str, float]
    rule: Rule | None = None


@dataclass(frozen=True, slots=True)
class Firing:
    """The rules that held for one workload: exclusions per target, and the score rules in rule-id order."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scored: tuple[Fired, ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every criterion that fired for one workload, split into exclusions and score changes per target."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scores: Mapping[str, float]
    reasons: Mapping[str, tuple[tuple[Fired, float], ...]]
    fired: tuple[Fired, ...]


def fire(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Firing:
    """Run every rule once; weight score impacts by the category weights of ``optimize_for``."""
    weights = ruleset.weights[optimize_for]
    exclusions: dict[str, list[Fired]] = {}
    scored: list[Fired] = []
    for rule in ruleset.rules:
        if not rule.condition.predicate(context):  # the predicate itself: this loop runs every rule per decision
            continue
        message = rule.explain(context)
        if rule.effect == "exclude":
            fired = Fired(rule.id, rule.category, rule.source, message, {}, rule)
            for target in rule.targets:
                exclusions.setdefault(target, []).append(fired)
        else:
            weight = weights[rule.category]
            impacts = {target: round(points * weight, 1) for target, points in rule.impacts.items()}
            scored.append(Fired(rule.id, rule.category, rule.source, message, impacts, rule))
    return Firing(
        exclusions={target: tuple(exclusions[target]) for target in ruleset.target_ids if target in exclusions},
        scored=tuple(scored),
    )


def fold(ruleset: Ruleset, firing: Firing, computed: Iterable[Fired] = ()) -> Evaluation:
    """Each target's score: the base score plus the points of every fired criterion, in firing order."""
    fired = (*firing.scored, *computed)
    reasons: dict[str, list[tuple[Fired, float]]] = {target: [] for target in ruleset.target_ids}
    for item in fired:
        for target, points in item.impacts.items():
            if points != 0:
                reasons.setdefault(target, []).append((item, points))
    return Evaluation(
        exclusions=firing.exclusions,
        scores={
            target: round(ruleset.base_score + sum(points for _, points in reasons[target]), 1)
            for target in ruleset.target_ids
        },
        reasons={
            target: tuple(sorted(items, key=lambda item: (-abs(item[1]), item[0].id)))
            for target, items in reasons.items()
        },
        fired=fired,
    )


def evaluate(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Evaluation:
    """The rules alone, folded: what a decision without price books scores."""
    return fold(ruleset, fire(ruleset, context, optimize_for))
