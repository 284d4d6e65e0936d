"""The compiled rule set: targets, rules and their weights, as immutable objects a decision reads."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from decider.numbers import show
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.builders import Predicate
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


MODE_PRICES = ("on-demand", "spot", "nodes", "lambda-managed-instances", "eks-auto-mode", "eks-fargate")
"""How decider/cost/modes.py prices a capacity mode (``price:`` of a mode in targets.yaml)."""


@dataclass(frozen=True)
class Mode:
    """A capacity mode of a target (``modes:`` in targets.yaml): one way to buy or run its capacity, such as Lambda
    on demand or on Managed Instances, EKS node groups, Auto Mode or Fargate, ECS tasks on Spot."""

    id: str
    name: str
    price: str
    """How the cost model prices it (MODE_PRICES)."""
    hands_on: int = 0
    """How much of the capacity the team runs itself: 0 when AWS runs it all, higher for more host control. Breaks
    near-ties between modes for ``optimize_for: simplicity`` (lower) and ``control`` (higher)."""


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
    runs_as: tuple[str, ...] = ()
    """The names infrastructure code gives this target (an ECS launch type or capacity provider, ``function``,
    ``kubernetes``): how the review knows where a workload runs now without a target id in code."""
    modes: tuple[Mode, ...] = ()
    """Its capacity modes, the default first; none for a target with one way to run."""

    def mode(self, mode_id: str) -> Mode | None:
        return next((mode for mode in self.modes if mode.id == mode_id), None)


@dataclass(frozen=True, slots=True)
class Grade:
    """A score rule's ramp (``ramp:`` in YAML): its points count in full at ``full``, not at all at ``zero``, and in
    proportion between, so a small change of a continuous quantity moves the score a little, never a step."""

    field: str
    zero: float
    full: float

    def factor(self, context: Mapping[str, Any]) -> float:
        value = context.get(self.field)
        if value is None or isinstance(value, bool):
            return 0.0
        share = (float(value) - self.zero) / (self.full - self.zero)
        return 1.0 if share >= 1.0 else 0.0 if share <= 0.0 else share


@dataclass(frozen=True, slots=True)
class Headroom:
    """An exclusion's margin (``headroom:`` in YAML): a workload within ``margin`` (a share) of the limit stays
    eligible but loses up to ``points`` on a ramp, reaching them all at the limit."""

    field: str
    limit: float
    points: float
    margin: float = 0.2

    def factor(self, context: Mapping[str, Any]) -> float:
        value = context.get(self.field)
        if value is None or isinstance(value, bool) or self.limit <= 0:
            return 0.0
        start = self.limit * (1.0 - self.margin)
        share = (float(value) - start) / (self.limit - start)
        return 1.0 if share >= 1.0 else 0.0 if share <= 0.0 else share


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
    ramps: tuple[Grade, ...] = ()
    """A score rule's ramps on continuous quantities (their factors multiply); none for a rule on enums and flags,
    which counts in full."""
    proxy_for: str | None = None
    """``cost`` for a rule that stands in for the bill: it scores only targets that have no computed bill."""
    headroom: Headroom | None = None
    """An exclusion's margin below its limit, scored on a ramp."""
    mode: str | None = None
    """For an exclusion: the capacity mode of its targets it keeps out (the target stays eligible in its other
    modes); None when it keeps the targets out altogether."""
    in_modes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For a score rule: targets whose points count only when the target runs in one of the listed capacity modes
    (the mode its bill chose, or its default one without a bill); the other targets' points always count."""
    check_before_acting: bool = False
    """For a score rule on a limit the recommended configuration meets as it stands (an ALB's 1 MB body to Lambda):
    when it takes points from the recommended target, its message is said among the warnings too
    (decider/rule_checks.py), not only as points."""
    shares_with: str | None = None
    """A score rule that carries one criterion with another (its targets split between the two): their points for two
    targets compare as one rule's, so neither is a lead where the criterion gives both the same (decider/leads.py)."""

    def explain(self, context: Mapping[str, Any]) -> str:
        """The rule's message for this context, as a sentence: a message that opens with a value ("{traffic.pattern}
        work runs as tasks …") starts with a capital letter like any other."""
        text = render_template(self.because, context)
        return text[:1].upper() + text[1:] if self.because.startswith("{") else text

    def grade(self, context: Mapping[str, Any]) -> float:
        """The share of the rule's points that counts for this context: the product of its ramps (1 without)."""
        factor = 1.0
        for ramp in self.ramps:
            factor *= ramp.factor(context)
        return factor

    def to_dict(self) -> dict[str, Any]:
        """The rule as data: what `rules show` and the API print."""
        data: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "effect": self.effect,
            "targets": list(self.targets),
        }
        if self.mode is not None:
            data["mode"] = self.mode
        if self.effect == "score":
            data["impacts"] = dict(self.impacts)
        data.update({"when": self.raw.get("when"), "because": self.because, "source": self.source, "file": self.file})
        if self.fix:
            data["fix"] = self.fix
        if self.uncertain:
            data["uncertain"] = self.uncertain
        for key in ("ramp", "proxy_for", "headroom", "in_modes", "check_before_acting", "shares_with"):  # as written
            if key in self.raw:
                data[key] = self.raw[key]
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
    def pricing_digest(self) -> str:
        """sha256 of the price books and cost model as loaded (``digest`` covers the rules only): a reload that changes
        only a price changes it. Computed when first read (the API's health and reload answers), not on every load."""
        body = {
            "books": {region: book.digest for region, book in sorted(self.pricing.items())},  # each book's own
            "cost_model": self.cost_model.model_dump(mode="json") if self.cost_model is not None else None,
        }
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
        return "sha256:" + hashlib.sha256(encoded).hexdigest()

    @cached_property
    def target_ids(self) -> tuple[str, ...]:
        # Read on every decision; computed once per ruleset (cached_property bypasses the frozen __setattr__).
        return tuple(target.id for target in self.targets)

    @cached_property
    def default_modes(self) -> Mapping[str, str | None]:
        """Each target's default (first) capacity mode by id; None for a target with one way to run."""
        return {target.id: target.modes[0].id if target.modes else None for target in self.targets}

    @cached_property
    def weighted(self) -> Mapping[str, tuple[Mapping[str, float], ...]]:
        """Per ``optimize_for``, each rule's impacts times its category weight (in rule order), compiled once per
        rule set: a rule without ramps scores exactly these on every decision."""
        return {
            goal: tuple(
                {target: round(points * weights[rule.category], 1) for target, points in rule.impacts.items()}
                for rule in self.rules
            )
            for goal, weights in self.weights.items()
        }

    @cached_property
    def firing_order(self) -> tuple[tuple[Predicate, ...], tuple[Headroom | None, ...], tuple[Rule, ...]]:
        """Each rule's predicate and headroom, and the rule, in rule order, as columns: what firing the rules reads
        first, looked up once per rule set rather than once per rule and decision."""
        return (
            tuple(rule.condition.predicate for rule in self.rules),
            tuple(rule.headroom for rule in self.rules),
            self.rules,
        )

    def on_platform(self, platform: str) -> tuple[str, ...]:
        """The ids of the targets that run on ``platform`` (lambda, ecs, eks), simplest first."""
        return tuple(target.id for target in self.targets if target.platform == platform)

    def running_as(self, name: str | None, platform: str | None = None) -> str | None:
        """The target infrastructure code names ``name`` (targets.yaml ``runs_as``); without a name, the platform's
        only target when it has just one (lambda, eks); None when neither says."""
        if name is not None:
            for target in self.targets:
                if name in target.runs_as:
                    return target.id
        on = self.on_platform(platform) if platform else ()
        return on[0] if len(on) == 1 else None

    def platform_of(self, target_id: str) -> str:
        return self.target(target_id).platform

    def target(self, target_id: str) -> Target:
        return self.by_id[target_id]  # KeyError for an id no target has

    @cached_property
    def by_id(self) -> Mapping[str, Target]:
        """Each target by id (the first of an id, as a scan would find it): read several times a target on every
        decision, built once per rule set."""
        found: dict[str, Target] = {}
        for target in self.targets:
            found.setdefault(target.id, target)
        return found

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


def render_template(text: str, context: Mapping[str, Any]) -> str:
    """Fill ``{path}`` placeholders with values from a decision's context (no expressions, no attribute access)."""
    parts = _split(text)
    if len(parts) == 1:
        return text
    said = [parts[0]]
    for index in range(1, len(parts), 2):
        said.append(show(context[parts[index]]))
        said.append(parts[index + 1])
    return "".join(said)


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    """A template split once into its text and the paths between (text, path, text, ..., text): rendering it is then
    a lookup per placeholder, not a regular expression's pass over the text (messages are rendered on every
    decision, and a rule set has a few hundred templates)."""
    return tuple(PLACEHOLDER.split(text))
