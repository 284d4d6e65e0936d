"""Folding the rules that fired (decider/firing.py) into scores: which targets are excluded, and each target's weighted
score.

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
from dataclasses import dataclass
from itertools import chain
from typing import Any

from decider.firing import Fired, Firing, Quiet, fire
from decider.rules.model import Ruleset

__all__ = ["Evaluation", "Fired", "Firing", "Quiet", "evaluate", "fire", "fold"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every criterion that fired for one workload, split into exclusions and score changes per target."""

    exclusions: Mapping[str, tuple[Fired, ...]]
    scores: Mapping[str, float]
    reasons: Mapping[str, tuple[tuple[Fired, float], ...]]
    fired: tuple[Fired, ...]
    scale: float = 1.0
    """The factor that keeps every score within 0–100 (1 when no sum leaves the range)."""


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
    scaled by one factor when a sum would leave 0–100. ``priced`` are the targets with a computed bill: the
    ``computed`` criteria (from the bills) score them, and rules that stand in for cost score only the eligible
    targets without one (all of them when no target has a bill). ``modes`` are the capacity
    modes the bills chose (else a target's default): a rule's points limited to some modes (``in_modes``) count only
    in those; ``shares`` (decider/cost/modes.py ``Choice.shares``) count them in part near the bill where the choice
    of mode switches. Without ``explain`` only the scores are kept, the same as the reasons add up to."""
    excluded = firing.exclusions
    # Cost is scored by the bills for every target that has one, and by the rules that stand in for cost (their points
    # for the others dropped) for a target that has none: no price in the region's book, or no instance type in its
    # catalogue that holds one copy. One target losing its bill at the edge of the catalogue then moves that target's
    # score alone, not every other's.
    billed = frozenset(target for target in ruleset.target_ids if target in priced and target not in excluded)
    unbilled = (
        frozenset(target for target in ruleset.target_ids if target not in excluded and target not in billed)
        if billed
        else frozenset()
    )
    fired: list[Fired] = []
    chosen, defaults = modes or {}, ruleset.default_modes
    for item in chain(firing.scored, computed):
        rule = item.rule
        outside: Collection[str] = ()
        if rule is not None:
            if billed and rule.proxy_for == "cost":
                if _for_excluded(item.impacts, excluded):
                    continue  # its favoured targets, as the rule gives them, are all out: no reason for the rest
                if not unbilled:
                    continue  # every eligible target has a bill: a proxy scores none of them, and no excluded one
                proxied = {target: points for target, points in item.impacts.items() if target in unbilled}
                if not any(proxied.values()):
                    continue
                item = item.scoring(proxied)
            limited = rule.in_modes
            if limited:
                outside = _outside(defaults, limited, chosen)
                if shares is not None:
                    item, outside = _in_part(item, limited, shares, outside, excluded)
        if outside or (excluded and not excluded.keys().isdisjoint(item.impacts)):
            if _for_excluded(item.impacts, excluded):
                continue  # a rule about excluded targets (what they do well) is no reason between the others
            impacts = {
                target: points
                for target, points in item.impacts.items()
                if target not in excluded and target not in outside
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


def _for_excluded(impacts: Mapping[str, float], excluded: Collection[str]) -> bool:
    """Whether every target a rule favours (gives points to) is excluded: then it scores no target."""
    favoured = [target for target, points in impacts.items() if points > 0]
    return bool(favoured) and all(target in excluded for target in favoured)


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


def _outside(
    defaults: Mapping[str, str | None], limited: Mapping[str, tuple[str, ...]], modes: Mapping[str, str]
) -> tuple[str, ...]:
    """The targets whose points a rule limits to some capacity modes (``in_modes``) that run in none of them: in the
    mode their bill chose, or without a bill in their default (first) mode (``defaults``)."""
    outside = []
    for target, allowed in limited.items():
        mode = modes.get(target)
        if mode is None:
            mode = defaults[target]
        if mode not in allowed:
            outside.append(target)
    return tuple(outside)


def _in_part(
    item: Fired,
    limited: Mapping[str, tuple[str, ...]],
    shares: Callable[[str], Mapping[str, float]],
    outside: Collection[str],
    excluded: Collection[str] = (),
) -> tuple[Fired, tuple[str, ...]]:
    """``item`` with each mode-limited target's points times the share of its allowed modes (to a tenth, as ramps
    round), and the targets left with none. An ``excluded`` target's points are left as they are: ``fold`` drops
    them, and a share keeps their sign, so they would not tell it otherwise (and its shares are not computed)."""
    scaled = dict(item.impacts)
    none: list[str] = []
    for target, allowed in limited.items():
        if target not in scaled or target in excluded:
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
