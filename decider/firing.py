"""Firing rules: each rule's condition evaluated on a decision's context, and the rules that held sorted into
exclusions per target, exclusions per capacity mode and the criteria that score (decider/scoring.py folds them).

A rule set is compiled once per ``optimize_for`` into a ``Plan``: each rule's predicate, the criterion it is when it
fires unread (no message, the goal's weighted points), whether that is its whole outcome when it holds (no ramp grades
it), and where its outcome goes. Firing is then a predicate call per rule, and a lookup for each that held. A reload
is a new rule set, compiled anew.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from decider.cost.compiled import Compiled
from decider.headroom_said import near_limit
from decider.rules.builders import Predicate
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


#: Where a rule's outcome goes when it held and scores nothing: (is a score rule, targets it keeps out, or the
#: (target, mode) pairs it keeps out when it is about one capacity mode).
Sort = tuple[bool, tuple[str, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class Plan:
    """A rule set compiled for one ``optimize_for``; every column is in rule order."""

    rules: tuple[Rule, ...]
    predicates: tuple[Predicate, ...]
    sorts: tuple[Sort, ...]
    modal: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """Each target with capacity modes and the (target, mode) keys of its modes, in targets order."""
    target_ids: tuple[str, ...]
    names: Mapping[str, str]
    paths: tuple[str, ...]
    """Every context path some rule's outcome reads (its condition, ramps and headroom)."""
    readers: tuple[tuple[int, ...], ...]
    """Per path of ``paths``, the rules (by index) whose outcome reads it."""
    weighed: frozenset[int]
    """The rules whose outcome the goal's category weights scale: every score rule and headroom."""
    read: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    """The values of ``paths`` in a context, as a tuple."""
    entries: tuple[tuple[Predicate, Headroom | None, Fired, bool, bool, float], ...]
    """Per rule, what firing reads of it at once: its predicate; its headroom; the criterion it is when it fires
    unread (no message, a score rule's points weighted for the goal); whether that is its whole outcome when it
    holds (no ramp grades it); whether it scores; its category's weight for the goal."""
    near: tuple[int, ...]
    """The rules with a headroom: each has an outcome when its condition does not hold."""
    excluding: tuple[int, ...]
    """The rules that keep a target or a capacity mode out (every rule but the score rules)."""
    excluding_paths: tuple[str, ...]
    """Every context path the conditions of ``excluding`` read, sorted (``kept_out`` reads no other)."""


_PLANS: Compiled[Plan] = Compiled(limit=64)


def plan(ruleset: Ruleset, optimize_for: str) -> Plan:
    """The rule set compiled for ``optimize_for``, once per rule set and goal."""
    return _PLANS.get((id(ruleset), optimize_for), ruleset, lambda: _compile(ruleset, optimize_for))


def _compile(ruleset: Ruleset, optimize_for: str) -> Plan:
    rules, weights = ruleset.rules, ruleset.weights[optimize_for]
    found: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        read_by = {*rule.condition.fields, *(ramp.field for ramp in rule.ramps)}
        if rule.headroom is not None:
            read_by.add(rule.headroom.field)
        for path in sorted(read_by):
            found.setdefault(path, []).append(index)
    paths = tuple(found)
    excluding = sorted({path for rule in rules if rule.effect != "score" for path in rule.condition.fields})
    silent = tuple(
        Fired(rule.id, rule.category, rule.source, "", compiled if rule.effect == "score" else {}, rule)
        for rule, compiled in zip(rules, ruleset.weighted[optimize_for], strict=True)
    )
    plain = tuple(not (rule.effect == "score" and rule.ramps) for rule in rules)
    return Plan(
        rules=rules,
        predicates=tuple(rule.condition.predicate for rule in rules),
        sorts=tuple(
            (
                rule.effect == "score",
                rule.targets if rule.mode is None else (),
                () if rule.mode is None else tuple((target, rule.mode) for target in rule.targets),
            )
            for rule in rules
        ),
        modal=tuple(
            (each.id, tuple((each.id, mode.id) for mode in each.modes)) for each in ruleset.targets if each.modes
        ),
        target_ids=ruleset.target_ids,
        names={target.id: target.name for target in ruleset.targets},
        paths=paths,
        readers=tuple(tuple(found[path]) for path in paths),
        weighed=frozenset(
            index for index, rule in enumerate(rules) if rule.effect == "score" or rule.headroom is not None
        ),
        read=_reader(paths),
        entries=tuple(
            (rule.condition.predicate, rule.headroom, unread, flat, rule.effect == "score", weights[rule.category])
            for rule, unread, flat in zip(rules, silent, plain, strict=True)
        ),
        near=tuple(index for index, rule in enumerate(rules) if rule.headroom is not None),
        excluding=tuple(index for index, rule in enumerate(rules) if rule.effect != "score"),
        excluding_paths=tuple(excluding),
    )


def _reader(paths: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of ``paths`` in a context, as a tuple (itemgetter of one key gives the value, not a tuple)."""
    if len(paths) > 1:
        return operator.itemgetter(*paths)
    return lambda context: tuple(context[path] for path in paths)


def fire(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str, *, explain: bool = True) -> Firing:
    """Run every rule once; weight score impacts by the category weights of ``optimize_for``. Without ``explain``
    (a ranking nobody reads, such as the advice search's) the messages are left empty (``Quiet``)."""
    if not explain:
        return Quiet().fire(ruleset, context, optimize_for)
    compiled = plan(ruleset, optimize_for)
    return _firing(compiled, _every(compiled, context, explain=True)[1])


def kept_out(ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Firing:
    """The exclusions alone of ``fire(ruleset, context, optimize_for, explain=False)`` (per target and per capacity
    mode, the same criteria in the same order) and no score: for pricing the eligible targets without ranking them
    (decider/ranking.py ``totals``), only the rules that keep something out are evaluated."""
    compiled = plan(ruleset, optimize_for)
    outcomes: list[Fired | None] = [None] * len(compiled.entries)
    entries = compiled.entries
    for index in compiled.excluding:
        predicate, _, unread, _, _, _ = entries[index]
        if predicate(context):
            outcomes[index] = unread  # a rule that keeps out fires unread as itself: no message, no points
    return _firing(compiled, outcomes)


def _every(compiled: Plan, context: Mapping[str, Any], *, explain: bool) -> tuple[list[bool], list[Fired | None]]:
    """Every rule's condition and outcome, in rule order: the conditions all evaluated first, then an outcome built
    for each rule that held (with its message when ``explain``) and each headroom of one that did not."""
    held = [predicate(context) for predicate in compiled.predicates]
    outcomes: list[Fired | None] = [None] * len(held)
    entries, names = compiled.entries, compiled.names
    for index in compress(range(len(held)), held):
        _, headroom, unread, plain, _, weight = entries[index]
        rule = unread.rule
        assert rule is not None  # noqa: S101 - every compiled criterion has its rule
        if plain and explain:
            outcomes[index] = Fired(
                unread.id, unread.category, unread.source, rule.explain(context), unread.impacts, rule
            )
        elif plain:
            outcomes[index] = unread
        else:
            outcomes[index] = _outcome(rule, True, headroom, context, weight, unread, explain=explain, names=names)
    for index in compiled.near:
        if not held[index]:
            _, _, unread, _, _, weight = entries[index]
            assert unread.rule is not None  # noqa: S101 - every compiled criterion has its rule
            outcomes[index] = _near_limit(unread.rule, context, weight, explain, names)
    return held, outcomes


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
    criterion. ``held`` is its condition's value, ``unread`` the rule as it fires unread (``Plan.entries``: no
    message, the goal's weighted points); with ``explain`` the outcome carries the rule's message (targets named by
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


def _firing(compiled: Plan, outcomes: list[Fired | None]) -> Firing:
    """Each rule's outcome (in rule order: None, an exclusion, a score, or an exclusion's headroom criterion) sorted
    into exclusions per target (and by mode rules, after its own, of one every mode of which they keep out),
    exclusions per capacity mode, and the criteria that score."""
    exclusions: dict[str, list[Fired]] = {}
    modes: dict[tuple[str, str], list[Fired]] = {}
    scored: list[Fired] = []
    # compress: only the rules that have an outcome (a Fired is always true)
    for (score, targets, keys), outcome in compress(zip(compiled.sorts, outcomes, strict=True), outcomes):
        assert outcome is not None  # noqa: S101 - compress keeps only outcomes
        if score or outcome.impacts:  # a score, or the headroom criterion of an exclusion
            scored.append(outcome)
        elif keys:
            for key in keys:
                modes.setdefault(key, []).append(outcome)
        else:
            for target in targets:
                exclusions.setdefault(target, []).append(outcome)
    if modes:  # every mode kept out: the target is, by those rules too
        for target, mode_keys in compiled.modal:
            if all(kept_out := [modes.get(key) for key in mode_keys]):
                exclusions.setdefault(target, []).extend(fired for found in kept_out if found for fired in found)
    return Firing(
        exclusions={target: tuple(exclusions[target]) for target in compiled.target_ids if target in exclusions}
        if exclusions
        else {},
        scored=tuple(scored),
        mode_exclusions={key: tuple(found) for key, found in modes.items()},
    )


@dataclass(slots=True)
class Quiet:
    """Rankings nobody reads within one decision (the advice search's trials, the review's evidence), each a change
    or two away from one workload: that workload's context and each rule's outcome (the reference: the first firing,
    or the one ``pin`` makes), so each ranking fires only the rules that read a value that differs from it. A trial
    changes a field or two, and the facts derived from them; most rules read none of those, and none the trial before
    it changed. The firing is the one every rule evaluated anew gives, which is ``fire(..., explain=False)`` (a fresh
    ``Quiet``; tests/test_scoring.py compares them). When no rule's outcome differs from the reference's, it is the
    reference's firing itself, the same object (``firing``): a ranking can tell that its rules scored as another's
    did without comparing them again."""

    ruleset: Ruleset | None = None
    goal: str = ""
    outcomes: list[Fired | None] = field(default_factory=list)
    held: list[bool] = field(default_factory=list)
    """Each rule's condition in the reference: a rule only the goal's weights make stale holds as it did."""
    firing: Firing | None = None
    values: tuple[Any, ...] = ()
    """The values of the paths the rules read (``Plan.paths``) in the reference."""
    types: tuple[type, ...] = ()
    """Their types: 1 and 1.0 and True are equal values a rule may still read apart."""

    def pin(self, ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Firing:
        """Make ``context`` (and ``optimize_for``) the reference, every rule fired anew; its firing."""
        compiled = plan(ruleset, optimize_for)
        values = _values(compiled, context)
        self.ruleset = None  # until every outcome is up to date: a rule that raises leaves nothing half-kept
        self.held, self.outcomes = _every(compiled, context, explain=False)
        self.firing = _firing(compiled, self.outcomes)
        self.ruleset, self.goal, self.values, self.types = ruleset, optimize_for, values, tuple(map(type, values))
        return self.firing

    def fire(self, ruleset: Ruleset, context: Mapping[str, Any], optimize_for: str) -> Firing:
        """``fire(ruleset, context, optimize_for, explain=False)``, from the rules whose inputs differ from the
        reference's; the first firing of a rule set is its reference."""
        if self.ruleset is not ruleset or self.firing is None:
            return self.pin(ruleset, context, optimize_for)
        compiled = plan(ruleset, optimize_for)
        return self._against(compiled, context, optimize_for, _values(compiled, context), self.firing)

    def _against(
        self,
        compiled: Plan,
        context: Mapping[str, Any],
        optimize_for: str,
        values: tuple[Any, ...],
        reference: Firing,
    ) -> Firing:
        """The firing of ``context``: only the rules that read a value that differs from the reference's are
        evaluated again (and, for another goal, those its weights scale are weighed again); ``reference`` itself
        when no outcome differs. The reference is left as it is."""
        stale: set[int] = set()
        # The readers of each path whose value differs, or has its value as another type; compared in C
        types = map(type, values)
        unchanged = map(operator.and_, map(operator.eq, values, self.values), map(operator.is_, types, self.types))
        for readers in compress(compiled.readers, map(operator.not_, unchanged)):
            stale.update(readers)
        reweighed = compiled.weighed.difference(stale) if optimize_for != self.goal else frozenset()
        if not stale and not reweighed:
            return reference
        entries, kept, conditions = compiled.entries, self.outcomes, self.held
        outcomes = kept.copy()
        same, scores_only = True, True
        for index in sorted(stale.union(reweighed)) if reweighed else sorted(stale):
            predicate, headroom, unread, plain, score, weight = entries[index]
            held = conditions[index] if index in reweighed else predicate(context)
            outcome: Fired | None
            if held and plain:  # unread: no message, a criterion built once where it can be
                outcome = unread
            elif not held and headroom is None:
                outcome = None
            else:
                rule = unread.rule
                assert rule is not None  # noqa: S101 - every compiled criterion has its rule
                outcome = _outcome(rule, held, headroom, context, weight, unread, explain=False)
            old = kept[index]
            if old is not outcome and (
                old is None or outcome is None or old.id != outcome.id or old.impacts != outcome.impacts
            ):
                same = False
                scores_only = scores_only and score
            outcomes[index] = outcome
        if not scores_only:
            return _firing(compiled, outcomes)
        if not same:  # only score rules' outcomes changed: the exclusions are the reference's
            return Firing(reference.exclusions, _scored(compiled, outcomes), reference.mode_exclusions)
        return reference


def _scored(compiled: Plan, outcomes: list[Fired | None]) -> tuple[Fired, ...]:
    """The criteria that score, in rule order: ``_firing``'s ``scored`` alone."""
    found: list[Fired] = []
    for (score, _, _), outcome in compress(zip(compiled.sorts, outcomes, strict=True), outcomes):
        if outcome is not None and (score or outcome.impacts):
            found.append(outcome)
    return tuple(found)


_UNSET = object()


def _values(compiled: Plan, context: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values of the paths the rules read, a path missing from ``context`` as a marker no value equals."""
    try:
        return compiled.read(context)
    except KeyError:
        return tuple(context.get(path, _UNSET) for path in compiled.paths)


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
