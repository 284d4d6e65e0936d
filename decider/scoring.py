"""Firing rules and folding their points: which targets are excluded, and each target's weighted score.

A score is ``base_score`` plus the points of every criterion that fired for the target: the rule files' score rules
and the criteria computed from the bills (decider/cost/quote.py). ``fold`` is the only place a score is summed:

    score = base_score + s × Σ points,   s = min(1, (100 − base_score) / highest sum, base_score / |lowest sum|)

over the eligible targets, so every score lies in 0–100 and each reason's points (already multiplied by ``s``) add
up to the score exactly. ``s`` is one factor for the whole decision: it never changes the order. A rule marked
``proxy_for: cost`` scores nothing when every eligible target has a computed bill (the bills are the cost
criterion), and every eligible target alike when some have none (a price the region's book lacks), when the
criteria computed from the bills are left out: cost is scored one way for all the targets compared. No criterion
scores an excluded target.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from decider.cost.compiled import Compiled
from decider.headroom_said import near_limit
from decider.rules.model import Headroom, Rule, Ruleset


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

    def scoring(self, impacts: Mapping[str, float]) -> Fired:
        """The same criterion scoring only ``impacts`` (the targets it may still score)."""
        return Fired(self.id, self.category, self.source, self.message, impacts, self.rule)


@dataclass(frozen=True, slots=True)
class Firing:
    """The rules that held for one workload: exclusions per target, and the score rules in rule-id order."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scored: tuple[Fired, ...]
    mode_exclusions: Mapping[tuple[str, str], tuple[Fired, ...]] = field(default_factory=dict)
    """The exclusions of one capacity mode, by (target, mode): the target stays eligible in its other modes."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every criterion that fired for one workload, split into exclusions and score changes per target."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scores: Mapping[str, float]
    reasons: Mapping[str, tuple[tuple[Fired, float], ...]]
    fired: tuple[Fired, ...]
    scale: float = 1.0
    """The factor that keeps every score within 0–100 (1 when no sum leaves the range)."""


def fire(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str, *, explain: bool = True) -> Firing:
    """Run every rule once; weight score impacts by the category weights of ``optimize_for``. Without ``explain``
    (a ranking nobody reads, such as the advice search's) the messages are left empty (``Quiet``)."""
    if not explain:
        return Quiet().fire(ruleset, context, optimize_for)
    weights, plain = ruleset.weights[optimize_for], _silent(ruleset, optimize_for)
    names = {target.id: target.name for target in ruleset.targets}
    outcomes = [
        _outcome(rule, predicate(context), headroom, context, weights[rule.category], unread, explain=True, names=names)
        for predicate, headroom, rule, unread in zip(*ruleset.firing_order, plain, strict=True)
    ]
    return _firing(ruleset, outcomes)


def _outcome(
    rule: Rule,
    held: bool,
    headroom: Headroom | None,
    context: Mapping[str, Any],
    weight: float,
    unread: Fired,
    *,
    explain: bool,
    names: Mapping[str, str] | None = None,
) -> Fired | None:
    """One rule's outcome, as both firings compute it: None, an exclusion, a score, or an exclusion's headroom
    criterion. ``held`` is its condition's value, ``unread`` the rule as it fires unread (``_silent``: no message,
    the goal's weighted points); with ``explain`` the outcome carries the rule's message (targets named by
    ``names``)."""
    if not held:
        return None if headroom is None else _near_limit(rule, context, weight, explain, names or {})
    impacts = unread.impacts  # shared, never changed: fold() builds new mappings when it drops targets
    if rule.effect == "score" and rule.ramps:
        factor = weight * rule.grade(context)
        if not factor:
            return None
        impacts = {target: round(points * factor, 1) for target, points in rule.impacts.items()}
    elif not explain:
        return unread
    return Fired(rule.id, rule.category, rule.source, rule.explain(context) if explain else "", impacts, rule)


def _firing(ruleset: Ruleset, outcomes: Iterable[Fired | None]) -> Firing:
    """Each rule's outcome (in rule order: None, an exclusion, a score, or an exclusion's headroom criterion) sorted
    into exclusions per target (and by mode rules, after its own, of one every mode of which they keep out),
    exclusions per capacity mode, and the criteria that score."""
    exclusions: dict[str, list[Fired]] = {}
    modes: dict[tuple[str, str], list[Fired]] = {}
    scored: list[Fired] = []
    for rule, outcome in zip(ruleset.rules, outcomes, strict=True):
        if outcome is None:
            continue
        if rule.effect == "score" or outcome.impacts:  # a score, or the headroom criterion of an exclusion
            scored.append(outcome)
        elif rule.mode is None:
            for target in rule.targets:
                exclusions.setdefault(target, []).append(outcome)
        else:
            for target in rule.targets:
                modes.setdefault((target, rule.mode), []).append(outcome)
    for each in ruleset.targets:  # every mode kept out: the target is, by those rules too
        if each.modes and all(kept_out := [modes.get((each.id, mode.id)) for mode in each.modes]):
            exclusions.setdefault(each.id, []).extend(fired for found in kept_out if found for fired in found)
    return Firing(
        exclusions={target: tuple(exclusions[target]) for target in ruleset.target_ids if target in exclusions},
        scored=tuple(scored),
        mode_exclusions={key: tuple(found) for key, found in modes.items()},
    )


@dataclass(slots=True)
class Quiet:
    """Rankings nobody reads, one after another within one decision (the advice search's trials, the review's
    evidence): the last one's context and each rule's outcome, so the next fires only the rules that read a value
    that changed. A trial changes a field or two, and the facts derived from them; most rules read none of those.
    The firing is the one every rule evaluated anew gives, which is ``fire(..., explain=False)`` (a fresh ``Quiet``;
    tests/test_scoring.py compares them). When no rule's outcome changed, it is the last firing itself, the same
    object: a ranking can tell that its rules scored as the last one's did without comparing them again."""

    ruleset: Ruleset | None = None
    goal: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    outcomes: list[Fired | None] = field(default_factory=list)
    held: list[bool] = field(default_factory=list)
    """Each rule's condition as last evaluated: a rule only the goal's weights make stale holds as it did."""
    firing: Firing | None = None

    def fire(self, ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Firing:
        """``fire(ruleset, context, optimize_for, explain=False)``, from the rules whose inputs changed."""
        predicates, headrooms, rules = ruleset.firing_order
        if self.ruleset is ruleset:
            readers, last = _readers(ruleset), self.context
            stale: set[int] = set()
            for path, readers_of_path in readers.items():  # only the paths some rule reads
                value, old = context.get(path, _UNSET), last.get(path, _UNSET)
                if old is not value and (old != value or type(old) is not type(value)):
                    stale.update(readers_of_path)
            reweighed = set(readers[WEIGHTS]).difference(stale) if optimize_for != self.goal else set()
            indices: Iterable[int] = sorted(stale | reweighed)
        else:
            self.outcomes, self.held, reweighed = [None] * len(rules), [False] * len(rules), set()
            indices = range(len(rules))
        weights, silent, outcomes = ruleset.weights[optimize_for], _silent(ruleset, optimize_for), self.outcomes
        same, conditions = self.ruleset is ruleset and self.firing is not None, self.held
        self.ruleset = None  # until every outcome is up to date: a rule that raises leaves nothing half-kept
        for index in indices:  # each rule's outcome unread: no message, a criterion built once where it can be
            rule = rules[index]
            held = conditions[index] = conditions[index] if index in reweighed else predicates[index](context)
            weight = weights[rule.category]
            outcome = _outcome(rule, held, headrooms[index], context, weight, silent[index], explain=False)
            if same:
                old = outcomes[index]
                same = old is outcome or (
                    old is not None and outcome is not None and old.id == outcome.id and old.impacts == outcome.impacts
                )
            outcomes[index] = outcome
        self.ruleset, self.goal, self.context = ruleset, optimize_for, context
        if not same or self.firing is None:
            self.firing = _firing(ruleset, outcomes)
        return self.firing


_UNSET = object()
#: The key of ``_readers`` under which the rules whose outcome the goal's category weights scale are listed.
WEIGHTS = "(weights)"
_READERS: Compiled[Mapping[str, tuple[int, ...]]] = Compiled(limit=64)


def _readers(ruleset: Ruleset) -> Mapping[str, tuple[int, ...]]:
    """Per context path, the rules (by index) whose outcome reads it: their condition's fields, their ramps' and
    headroom's fields; under ``WEIGHTS``, every rule that scores (its points are weighted by the goal's weights)."""

    def build() -> Mapping[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {WEIGHTS: []}
        for index, rule in enumerate(ruleset.rules):
            paths = {*rule.condition.fields, *(ramp.field for ramp in rule.ramps)}
            if rule.headroom is not None:
                paths.add(rule.headroom.field)
            if rule.effect == "score" or rule.headroom is not None:
                paths.add(WEIGHTS)
            for path in paths:
                found.setdefault(path, []).append(index)
        return {path: tuple(indices) for path, indices in found.items()}

    return _READERS.get(id(ruleset), ruleset, build)


#: Per rule set and ``optimize_for``: each rule as a criterion without its message, for rankings nobody reads.
_SILENT: Compiled[tuple[Fired, ...]] = Compiled(limit=64)


def _silent(ruleset: Ruleset, optimize_for: str) -> tuple[Fired, ...]:
    """Each rule, in rule order, as the criterion it is when it fires unread: no message, and for a score rule the
    weighted points it scores on every decision (a rule with ramps grades them, and is built anew when it fires)."""

    def build() -> tuple[Fired, ...]:
        return tuple(
            Fired(rule.id, rule.category, rule.source, "", compiled if rule.effect == "score" else {}, rule)
            for rule, compiled in zip(ruleset.rules, ruleset.weighted[optimize_for], strict=True)
        )

    return _SILENT.get((id(ruleset), optimize_for), ruleset, build)


def _near_limit(
    rule: Rule, context: Mapping[str, Any], weight: float, explain: bool = True, names: Mapping[str, str] | None = None
) -> Fired | None:
    """The headroom criterion of an exclusion that did not fire: points lost on a ramp near the limit (``names``)."""
    headroom = rule.headroom
    assert headroom is not None  # noqa: S101 - only called for rules with headroom
    factor = headroom.factor(context)
    if factor <= 0:
        return None
    whose = " and ".join((names or {}).get(target, target) for target in rule.targets)
    value = float(context[headroom.field])
    message = near_limit(headroom.field, value, headroom.limit, whose, rule.id) if explain else ""
    points = round(-headroom.points * factor * weight, 1)
    impacts = dict.fromkeys(rule.targets, points)
    return Fired(f"{rule.id}.headroom", rule.category, rule.source, message, impacts, rule)


def fold(
    ruleset: Ruleset,
    firing: Firing,
    computed: Iterable[Fired] = (),
    priced: Collection[str] = (),
    *,
    explain: bool = True,
    modes: Mapping[str, str] | None = None,
    shares: Callable[[str], Mapping[str, float]] | None = None,
) -> Evaluation:
    """Each eligible target's score: the base score plus the points of every fired criterion, in firing order, all
    scaled by one factor when a sum would leave 0–100. ``priced`` are the targets with a computed bill: when every
    eligible target has one, rules that stand in for cost score none; when only some have, those rules score every
    eligible target alike and the ``computed`` criteria (from the bills) are left out. ``modes`` are the capacity
    modes the bills chose (else a target's default): a rule's points limited to some modes (``in_modes``) count only
    in those; ``shares`` (decider/cost/modes.py ``Choice.shares``) count them in part near the bill where the choice
    of mode switches. Without ``explain`` only the scores are kept, the same as the reasons add up to."""
    excluded = firing.exclusions
    # Cost is scored one way for all: by the bills when each has one (the cost proxies dropped), else by the proxies
    # (a criterion from some bills would treat the unbilled as cheapest; proxies for the unbilled alone, the reverse).
    billed = [target for target in ruleset.target_ids if target in priced and target not in excluded]
    every = len(billed) == len(ruleset.target_ids) - len(excluded)
    priced = billed if billed and every else ()
    if billed and not every:
        computed = ()
    fired: list[Fired] = []
    for item in (*firing.scored, *computed):
        rule = item.rule
        proxy = rule is not None and rule.proxy_for == "cost"
        outside: Collection[str] = ()
        if rule is not None and rule.in_modes:
            outside = _outside(ruleset, rule.in_modes, modes or {})
            if shares is not None:
                item, outside = _in_part(item, rule.in_modes, shares, outside)
        if (proxy and priced) or outside or (excluded and not excluded.keys().isdisjoint(item.impacts)):
            favoured = [target for target, points in item.impacts.items() if points > 0]
            if favoured and all(target in excluded for target in favoured):
                continue  # a rule about excluded targets (what they do well) is no reason between the others
            impacts = {
                target: points
                for target, points in item.impacts.items()
                if target not in excluded and not (proxy and target in priced) and target not in outside
            }
            if len(impacts) != len(item.impacts):
                if not any(impacts.values()):
                    continue
                item = item.scoring(impacts)
        fired.append(item)
    totals = {target: 0.0 for target in ruleset.target_ids if target not in excluded}
    for item in fired:
        for target, points in item.impacts.items():
            totals[target] += points
    base = ruleset.base_score
    scale = 1.0
    high, low = max(totals.values(), default=0.0), min(totals.values(), default=0.0)
    if high > 100.0 - base:
        scale = (100.0 - base) / high
    if low < -base:
        scale = min(scale, base / -low)
    if not explain:  # the same sums as the reasons below add up to, in the same order, with no reasons kept
        sums = dict.fromkeys(ruleset.target_ids, 0.0)
        if scale == 1.0:
            sums.update(totals)
        else:
            for item in fired:
                for target, points in item.impacts.items():
                    sums[target] += round(points * scale, 1)
        return Evaluation(
            exclusions=excluded,
            scores={target: min(100.0, max(0.0, round(base + total, 1))) for target, total in sums.items()},
            reasons=dict.fromkeys(ruleset.target_ids, ()),
            fired=tuple(fired),
            scale=scale,
        )
    reasons: dict[str, list[tuple[Fired, float]]] = {target: [] for target in ruleset.target_ids}
    for item in fired:
        for target, points in item.impacts.items():
            shown = round(points * scale, 1) if scale != 1.0 else points
            if shown != 0:
                reasons[target].append((item, shown))
    if scale != 1.0:
        for items in reasons.values():
            _add_up(items, base)
    return Evaluation(
        exclusions=excluded,
        scores={
            target: min(100.0, max(0.0, round(base + sum(points for _, points in reasons[target]), 1)))
            for target in ruleset.target_ids
        },
        reasons={target: tuple(sorted(items, key=_display_order)) for target, items in reasons.items()},
        fired=tuple(fired),
        scale=scale,
    )


def _add_up(items: list[tuple[Fired, float]], base: float) -> None:
    """Scaled reasons, each rounded to a tenth, can add up to a tenth or two past the range's end (−50.1 from a base
    of 50): the largest reason takes the difference, so the reasons still add up to the score exactly."""
    total = round(sum(points for _, points in items), 1)
    over = round(base + total - 100.0, 1) if base + total > 100.0 else round(base + total, 1) if base + total < 0 else 0
    if not over or not items:
        return
    largest = max(range(len(items)), key=lambda index: abs(items[index][1]))
    fired, points = items[largest]
    items[largest] = (fired, round(points - over, 1))


def _outside(ruleset: Ruleset, limited: Mapping[str, tuple[str, ...]], modes: Mapping[str, str]) -> tuple[str, ...]:
    """The targets whose points a rule limits to some capacity modes (``in_modes``) that run in none of them: in the
    mode their bill chose, or without a bill in their default (first) mode."""
    outside = []
    for target, allowed in limited.items():
        mode = modes.get(target)
        if mode is None:
            listed = ruleset.target(target).modes
            mode = listed[0].id if listed else None
        if mode not in allowed:
            outside.append(target)
    return tuple(outside)


def _in_part(
    item: Fired,
    limited: Mapping[str, tuple[str, ...]],
    shares: Callable[[str], Mapping[str, float]],
    outside: Collection[str],
) -> tuple[Fired, tuple[str, ...]]:
    """``item`` with each mode-limited target's points times the share of its allowed modes (to a tenth, as ramps
    round), and the targets left with none."""
    scaled = dict(item.impacts)
    none: list[str] = []
    for target, allowed in limited.items():
        if target not in scaled:
            continue
        share = shares(target)
        part = sum(share.get(mode, 0.0) for mode in allowed) if share else (0.0 if target in outside else 1.0)
        points = round(scaled[target] * part, 1)
        if points:
            scaled[target] = points
        else:
            none.append(target)
    if scaled == item.impacts:
        return item, tuple(none)
    return item.scoring(scaled), tuple(none)


def _display_order(item: tuple[Fired, float]) -> tuple[float, str]:
    return (-abs(item[1]), item[0].id)  # reasons as shown: the most points first, then by rule id


def evaluate(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Evaluation:
    """The rules alone, folded: what a decision without price books scores."""
    return fold(ruleset, fire(ruleset, context, optimize_for))
