"""Evaluating compiled rules against one workload: which targets are excluded, and each target's weighted score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.rules.model import Rule, Ruleset


@dataclass(frozen=True, slots=True)
class Fired:
    """A rule whose condition held, with its explanation and, for score rules, the weighted points per target."""

    rule: Rule
    message: str
    impacts: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every rule that fired for one workload, split into exclusions and score changes per target."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scores: Mapping[str, float]
    reasons: Mapping[str, tuple[tuple[Fired, float], ...]]
    fired: tuple[Fired, ...]


def evaluate(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Evaluation:
    """Run every rule once; weight score impacts by the category weights of ``optimize_for``."""
    weights = ruleset.weights[optimize_for]
    target_ids = ruleset.target_ids
    exclusions: dict[str, list[Fired]] = {target: [] for target in target_ids}
    reasons: dict[str, list[tuple[Fired, float]]] = {target: [] for target in target_ids}
    fired_all: list[Fired] = []
    for rule in ruleset.rules:
        if not rule.condition.predicate(context):  # the predicate itself: this loop runs every rule per decision
            continue
        message = rule.explain(context)
        if rule.effect == "exclude":
            fired = Fired(rule, message, {})
            for target in rule.targets:
                exclusions[target].append(fired)
        else:
            weight = weights[rule.category]
            impacts = {target: round(points * weight, 1) for target, points in rule.impacts.items()}
            fired = Fired(rule, message, impacts)
            for target, points in impacts.items():
                if points != 0:
                    reasons[target].append((fired, points))
        fired_all.append(fired)
    scores = {
        target: round(ruleset.base_score + sum(points for _, points in reasons[target]), 1) for target in target_ids
    }
    return Evaluation(
        exclusions={target: tuple(items) for target, items in exclusions.items() if items},
        scores=scores,
        reasons={
            target: tuple(sorted(items, key=lambda item: (-abs(item[1]), item[0].rule.id)))
            for target, items in reasons.items()
        },
        fired=tuple(fired_all),
    )
