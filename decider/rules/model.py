"""The compiled rule set: targets, rules and their weights, as immutable objects a decision reads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from decider.numbers import show
from decider.pricing.book import CostModel, PriceBook
from decider.rules.conditions import Condition

CATEGORIES = ("limits", "traffic", "control", "team", "cost")
EFFECTS = ("exclude", "score")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


PLATFORMS = ("lambda", "ecs", "eks")
COST_MODELS = ("lambda", "fargate", "instances")


@dataclass(frozen=True)
class TargetCost:
    """How the cost model prices a target (``cost:`` in targets.yaml)."""

    model: str
    """lambda (requests and GB-seconds), fargate (task size × hours) or instances (EC2 instances copies pack onto)."""
    instances: str = "EC2 instances"
    """How the target's instances are named on the bill."""
    management_fee: bool = False
    control_plane: bool = False


@dataclass(frozen=True)
class Target:
    """A place a workload can run."""

    id: str
    name: str
    family: str
    simplicity: int
    docs: str
    description: str = ""
    platform: str = ""
    """What a team runs it on (``team.current_platform``): lambda, ecs or eks."""
    cost: TargetCost | None = None
    """How the cost model prices it; None when it cannot (the target then has no bill)."""


@dataclass(frozen=True)
class Rule:
    """One compiled rule; ``impacts`` holds the score effect per target, ``targets`` the excluded ones."""

    id: str
    category: str
    effect: str
    targets: tuple[str, ...]
    impacts: Mapping[str, float]
    condition: Condition
    because: str
    source: str
    file: str
    fix: str | None = None
    uncertain: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def explain(self, context: Mapping[str, Any]) -> str:
        return render_template(self.because, context)

    def to_dict(self) -> dict[str, Any]:
        """The rule as data: what `rules show` and the API print."""
        data: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "effect": self.effect,
            "targets": list(self.targets),
        }
        if self.effect == "score":
            data["impacts"] = dict(self.impacts)
        data.update({"when": self.raw.get("when"), "because": self.because, "source": self.source, "file": self.file})
        if self.fix:
            data["fix"] = self.fix
        if self.uncertain:
            data["uncertain"] = self.uncertain
        return data


@dataclass(frozen=True)
class Ruleset:
    """Everything a decision needs from rules/: targets, compiled rules, category weights, version and digest."""

    version: str
    digest: str
    targets: tuple[Target, ...]
    rules: tuple[Rule, ...]
    weights: Mapping[str, Mapping[str, float]]
    base_score: float
    sources: tuple[str, ...]
    pricing: Mapping[str, PriceBook] = field(default_factory=dict)
    """Price books by region, from ``<shipped rules>/pricing/<region>.yaml``; empty when that directory is absent."""
    cost_model: CostModel | None = None
    """The cost model's parameters (``pricing/model.yaml``); None when the pricing directory is absent."""

    @cached_property
    def target_ids(self) -> tuple[str, ...]:
        # Read on every decision; computed once per ruleset (cached_property bypasses the frozen __setattr__).
        return tuple(target.id for target in self.targets)

    def on_platform(self, platform: str) -> tuple[str, ...]:
        """The ids of the targets that run on ``platform`` (lambda, ecs, eks), simplest first."""
        return tuple(target.id for target in self.targets if target.platform == platform)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


def render_template(text: str, context: Mapping[str, Any]) -> str:
    """Fill ``{path}`` placeholders with values from a decision's context (no expressions, no attribute access)."""
    return PLACEHOLDER.sub(lambda match: show(context[match.group(1)]), text)
