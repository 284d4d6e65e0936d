"""Cost crossings as a user would find them: each target sized anew for the volume, not today's sizing held.

``break_even`` (decider/cost/breakeven.py) solves where two bills cross with today's sizing held: exact, and what the
cost chart draws. A user who reruns decider at that volume gets bills sized for it (another instance type, more
copies a node, another capacity mode), and the crossing can lie elsewhere: a container that packs two copies a node
at twice today's traffic gets cheaper than Lambda at half the volume the held sizing says, and a crossing can vanish
(two targets whose bills move alike). So before a crossing is said in words, the engine prices the workload with
only ``traffic.requests_per_month`` changed, as a rerun would, and finds the volume where the cheaper of the two
targets changes:

1. just past the held crossing (×1.2 away from today's volume, to two figures, as the counterfactual search tries
   it); failing that, four times past it;
2. if neither has the other target cheaper, the crossing is not said;
3. the bracket's near end: the volumes already priced for other crossings first (a trial prices every target),
   then volumes from just short of the held crossing back towards today's, 1.5 times apart;
4. if the bracket holds the held crossing and the order changes 1% either side of it, it is said there;
5. else the bracket is narrowed until its ends are within 1% of each other (``narrow``): first where a straight
   line through its ends' bill gaps crosses zero and 1% on from there, then halving it in log volume; the volume
   said is the near end at which the other target is cheaper;
6. past the volume found, 1.2, 2 and 5 times further out (and at the volumes priced already), the other target must
   stay cheaper, as "becomes cheaper" says; the farthest volume where it does is said ("checked to ~64M"). Where the
   first target is cheaper again, the crossing is a band (``band_end``), its far end narrowed as in 5 and said too,
   when the other target is cheaper inside it as well (``INSIDE``); else it is not said;
7. close past the volume found (``CLOSE_PAST``: 2%, 5% and 10%, up to a band's end) and at the volume a sentence
   rounds it to, the other target must be cheaper too, and a band must be as wide as that first step (``settle``);
   where not, the crossing is sought once more past that volume (a step of an instance bill just past it), and if
   the order turns back again the crossing is not said (bills that take turns being cheaper).

A trial prices only the targets of the crossings checked (``totals`` in decider/ranking.py: their bills as a ranking
bills them, nothing scored), sharing the decision's plan memo (decider/cost/memo.py); a decision says at most
``MAX_SAID`` crossings, so the work is bounded. The result is each crossing's ``resized_requests_per_month``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from decider.advice import MAX_CROSSINGS, apply
from decider.cost.breakeven import approx_toward, band_said, distance, said, threshold_said
from decider.cost.memo import PlanMemo
from decider.decision import BreakEven
from decider.errors import DeciderError
from decider.ranking import mode_totals
from decider.ranking import totals as priced_totals
from decider.rules.model import Ruleset
from decider.workload import ParsedWorkload, Workload, resolve_defaults

#: Crossings said in words per decision, nearest today's volume first (those the search tries as a change of
#: answer): the rest stay in ``break_even`` unsaid.
MAX_SAID = MAX_CROSSINGS
#: Past the held crossing, the first and second volumes tried (× away from today's volume).
JUST_PAST, FAR_PAST = 1.2, 4.0
#: Either side of the held crossing, the volumes that confirm it (×).
EDGE = 1.01
#: Back from the held crossing towards today's volume, the step between volumes tried for the bracket's near end (×).
STEP = 1.5
#: Past the volume found, the volumes that check the other target stays cheaper (× further from today's): where it
#: does not, the crossing is a band and its far end is sought too (``band_end``).
LADDER = (1.2, 2.0, 5.0)
#: Just past the volume found, where the other target must be cheaper too (× further from today's), and at the volume
#: a sentence rounds it to (``settle``): bills that climb a node at a time can run within a few percent of each other
#: and cross back and forth (a sawtooth), so the order one volume shows may not hold a step further.
CLOSE_PAST = (1.02, 1.05, 1.1)
#: Across a band said, where the other target must be cheaper too (shares of the way, in log volume): a band's
#: sentence is checked at the volumes it names and at these (``settle``).
ACROSS = (1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6)
#: Times a crossing is sought (``settle``): once, and once more past a volume where the first target is cheaper again.
SETTLE_TRIES = 2
#: Inside a band, where the other target must be cheaper too: these shares of the way across it, in log volume.
INSIDE = (1 / 3, 2 / 3)
#: Else the bracket's ends are narrowed until within this ratio.
WITHIN = 1.01
#: After a volume tried where the bills' straight line crosses, the next is this ratio from it: within ``WITHIN``.
CLOSE = WITHIN**0.99


#: What a rerun at another volume gives: the targets' totals, or their totals per mode.
Found = TypeVar("Found")


class Totals(Generic[Found]):
    """What a rerun prices with the volume changed (``Found``: the targets' totals, or their totals per mode; None when
    the changed workload cannot be priced); each volume priced once, and every volume priced so far kept (``seen``): a
    trial prices every target checked, so one crossing's trials bracket the next one's."""

    def __init__(self, price: Callable[[float], Found | None]) -> None:
        self.price = price
        self.seen: dict[float, Found | None] = {}

    def __call__(self, volume: float) -> Found | None:
        if volume not in self.seen:
            self.seen[volume] = self.price(volume)
        return self.seen[volume]


def totals_at(
    parsed: ParsedWorkload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str]
) -> Totals[dict[str, float]]:
    """``Totals`` of ``targets`` for the workload as given, its monthly volume changed (decider/advice.py's
    ``apply``)."""
    return rerun(parsed, ruleset, memo, targets, priced_totals)


def rerun(
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    memo: PlanMemo,
    targets: frozenset[str],
    price: Callable[[Workload, Ruleset, PlanMemo, frozenset[str]], Found],
) -> Totals[Found]:
    """``Totals`` of what ``price`` (decider/ranking.py ``totals`` or ``mode_totals``) gives for the workload as given,
    its monthly volume changed and its defaults resolved anew."""

    def at(volume: float) -> Found | None:
        try:
            given = parsed.given or parsed.workload
            workload = resolve_defaults(apply(given, {"traffic.requests_per_month": volume}), record=False).workload
            return price(workload, ruleset, memo, targets)
        except (DeciderError, ValueError, ArithmeticError):
            return None

    return Totals(at)


class ModeCheck:
    """Whether a sentence about another capacity mode (decider/cost/modes.py ``mode_sentences``: "With Lambda Managed
    Instances, AWS Lambda stays cheaper than Amazon ECS on AWS Fargate up to ~40M requests a month") holds when tried:
    the workload priced with only its volume changed, each target sized for it, at the volumes the sentence speaks of
    between the crossing now and the one it moves to (``between``), the mode's total below the other target's in its
    own chosen mode at each. The mode's bill comes from curves held at today's sizing, which a rerun at a volume far
    from today's can price another way (another instance type, the other target in another mode)."""

    def __init__(self, parsed: ParsedWorkload, ruleset: Ruleset, memo: PlanMemo) -> None:
        every = frozenset(target.id for target in ruleset.targets)
        self.totals = rerun(parsed, ruleset, memo, every, mode_totals)

    def __call__(self, side: str, mode: str, other: str, moved: float, crossing: float) -> bool:
        """Whether ``side`` in ``mode`` is cheaper than ``other`` between ``crossing`` (where the bills of the modes
        chosen cross) and ``moved`` (where the sentence says ``side`` in ``mode`` crosses ``other``); for a sentence
        that ``side`` "becomes cheaper above" ``moved`` (``moved`` below ``crossing``), past ``crossing`` too, up the
        ladder the break-even sentences are tried on (``LADDER``): "above" has no end, and a rerun far past it can
        find ``other`` in another mode, cheaper again."""
        past = tuple(crossing * step for step in LADDER[:2]) if moved < crossing else ()
        for volume in (*between(crossing, moved), *past):
            found = self.totals(volume)
            if found is None or mode not in found.get(side, {}) or "" not in found.get(other, {}):
                return False
            if not found[side][mode] < found[other][""] - 0.005:
                return False
        return True


def between(crossing: float, moved: float) -> tuple[float, ...]:
    """The volumes a mode sentence is tried at: halfway from ``crossing`` to ``moved`` in log volume, and just short
    of ``moved`` (a twentieth)."""
    return (math.sqrt(crossing * moved), moved / 1.05 if moved > crossing else moved * 1.05)


def resized(point: BreakEven, today: float, totals: Totals[dict[str, float]]) -> float | None:
    """Where the cheaper of ``point``'s two targets changes, coming from today's volume towards the held crossing,
    with every target sized for the volume; None when it does not change within four times past the held crossing."""
    up = point.requests_per_month >= today
    cheaper_now, other = (point.versus, point.target) if up else (point.target, point.versus)

    def other_cheaper(volume: float) -> bool:
        found = totals(volume)
        return (
            found is not None
            and other in found
            and cheaper_now in found
            and found[other] < found[cheaper_now] - 0.005  # a cent apart: bills are said to the cent
        )

    def away(factor: float) -> float:
        """The held crossing moved ``factor`` times further from today's volume (below 1: towards it)."""
        return point.requests_per_month * (factor if up else 1.0 / factor)

    def ahead(volume: float) -> bool:
        """Whether ``volume`` lies past today's, on the held crossing's side."""
        return volume > today if up else volume < today

    if other_cheaper(today):
        # The other target is cheaper already (a nearer crossing of the same pair lies between): "above X it becomes
        # cheaper" would not be a change from today's answer, so it is not said.
        return None
    # To two figures, as the search tries a crossing (decider/advice.py): the same workload, priced once.
    just_past = float(f"{away(JUST_PAST):.2g}")
    far = next(
        (volume for volume in (just_past, away(FAR_PAST)) if said(volume, today) and other_cheaper(volume)), None
    )
    if far is None:
        return None
    # The near end: from just short of the held crossing back towards today's volume, STEP apart, the first volume
    # where the other target is not cheaper (today's when none is). Volumes priced for other crossings narrow the
    # bracket first: the nearest to today where the other target is cheaper, the nearest below it where it is not.
    start, probe = max(today, 1.0), away(1.0 / JUST_PAST) if far == just_past else point.requests_per_month

    def nearer(volume: float, than: float) -> bool:
        return volume < than if up else volume > than

    for volume in sorted(totals.seen, reverse=not up):  # from today's side outwards
        if ahead(volume) and nearer(volume, far) and other_cheaper(volume):
            far = volume
            break
    for volume in sorted(totals.seen, reverse=up):  # from the far side inwards
        if ahead(volume) and nearer(volume, far) and not other_cheaper(volume):
            start = volume
            break
    if not nearer(probe, far):
        probe = far / STEP if up else far * STEP
    while ahead(probe) and nearer(start, probe):
        if not other_cheaper(probe):
            start = probe
            break
        far = probe
        probe = probe / STEP if up else probe * STEP
    # The held crossing is where a rerun finds it when the bracket holds it and the order changes 1% either side.
    past, short = away(EDGE), away(1.0 / EDGE)
    held_inside = ahead(short) and (start < short < past < far if up else far < past < short < start)
    if held_inside and other_cheaper(past) and not other_cheaper(short):
        return past
    return narrow(start, far, other_cheaper, lambda volume: _gap(totals.seen.get(volume), cheaper_now, other))


def settle(
    point: BreakEven, found: float, today: float, totals: Totals[dict[str, float]]
) -> tuple[float, tuple[float, float | None]] | None:
    """Where ``point``'s crossing is said (``found``, a ``resized`` volume, or one past it) with how far the claim holds
    (``band_end``). The other target must be cheaper just past the volume said too (``CLOSE_PAST``, up to where a band
    ends) and at the volumes a sentence rounds it and its "checked to" to (``approx_toward``). Where it is not, within
    ``CLOSE_PAST`` of the crossing, the first target is cheaper again a step past it (a bill that adds an instance a
    time), and the crossing is sought past that volume once more (``SETTLE_TRIES``): found again and holding, it is
    said there. Else None, and no threshold is said: two bills whose order turns back twice, or far past the
    crossing, climb at nearly the same rate, one a step at a time, and cross back and forth over a wide range
    (between ECS on EC2 and Fargate near 400M requests, eight times in 120M), where no "becomes cheaper" is true. A
    band narrower than the first step is a turn back too; a band is said only where its sentence holds at the volumes
    it names and across it (``_band_holds``)."""
    up = point.requests_per_month >= today
    cheaper_now, other = (point.versus, point.target) if up else (point.target, point.versus)

    def gap(volume: float) -> float | None:
        return _gap(totals(volume), cheaper_now, other)

    def other_cheaper(volume: float) -> bool:
        return (gap(volume) or 0.0) > 0.005

    def past(volume: float, than: float) -> bool:
        return distance(volume, found) > distance(than, found)

    for _ in range(SETTLE_TRIES):
        end = band_end(point, found, today, totals)
        if end is None:
            return None
        close = [found * factor if up else found / factor for factor in CLOSE_PAST]
        last = close[-1]
        near = threshold_said(found, end[0], today)[1]  # the volume said, and how far it says the claim was checked
        worded = {near, approx_toward(end[0], found, near)[1]}  # checked wherever they are: the sentence says them
        close = [volume for volume in close if not past(volume, end[0]) and said(volume, today)]
        checks = sorted({*worded, *close} - {found}, key=lambda volume: distance(volume, found))
        turned = next((volume for volume in checks if not other_cheaper(volume)), None)
        if turned is None and end[1] is not None and distance(end[0], found) < math.log(CLOSE_PAST[0]):
            turned = end[1]  # a band narrower than the first step past it: the first target cheaper again there
        if turned is None and end[1] is not None:
            return (found, end) if _band_holds(found, end[0], end[1], today, gap) else None
        if turned is None:
            return found, end
        if past(turned, last):
            return None  # a turn back far from the crossing (where the claim was checked to): no step just past it
        further = (found * factor if up else found / factor for factor in (*CLOSE_PAST, *LADDER))
        beyond = next(
            (
                volume
                for volume in sorted(further, key=lambda volume: distance(volume, found))
                if past(volume, turned) and said(volume, today) and other_cheaper(volume)
            ),
            None,
        )
        if beyond is None:
            return None
        found = narrow(turned, beyond, other_cheaper, gap)
    return None


def _band_holds(found: float, until: float, again: float, today: float, gap: Callable[[float], float | None]) -> bool:
    """Whether a band's sentence holds at the volumes it names, rounded as it says them (``band_said``): the other
    target cheaper at both ends and across it (``ACROSS``, in log volume), the first cheaper again where it says so."""
    (_, near), (_, far), (_, back) = band_said(found, until, again, today)
    across = [near * (far / near) ** share for share in ACROSS]
    return all((gap(volume) or 0.0) > 0.005 for volume in (near, far, *across)) and (gap(back) or 0.0) < -0.005


def band_end(
    point: BreakEven, found: float, today: float, totals: Totals[dict[str, float]]
) -> tuple[float, float | None] | None:
    """How far past ``found`` (a ``resized`` volume) the other target of ``point`` stays cheaper, further from today's
    volume: (the farthest volume checked where it is, None) when it is cheaper at every volume checked, as "becomes
    cheaper" says; (the last volume where it is, the first where it is not) when the first target is cheaper again
    there: a band, not a threshold (a capacity mode or an instance type that prices some volumes only well); None for
    a band the other target is not cheaper all over at the volumes a third and two thirds of the way across it (in log
    volume): bills that cross back and forth there, which no band sentence says truly. Checked are the volumes
    already priced past ``found`` and ``LADDER`` times past it, within the range crossings are said in, nearest first,
    up to the first where either target has no bill."""
    up = point.requests_per_month >= today
    cheaper_now, other = (point.versus, point.target) if up else (point.target, point.versus)

    def gap(volume: float) -> float | None:
        return _gap(totals(volume), cheaper_now, other)

    def past(volume: float) -> bool:
        return volume > found if up else volume < found

    ladder = {found * factor if up else found / factor for factor in LADDER}
    checks = sorted(
        (volume for volume in {*totals.seen, *ladder} if past(volume) and said(volume, today)),
        key=lambda volume: distance(volume, found),
    )
    checked, back = found, None
    for volume in checks:
        lead = gap(volume)  # how much more the target cheaper today costs there (positive: the other is cheaper)
        if lead is None:
            break
        if lead > 0.005:
            checked = volume
        elif lead < -0.005:
            back = volume
            break
    if back is None:
        return checked, None
    # The bracket [back, checked]: the other target not cheaper at ``back``, cheaper at ``checked``, narrowed to
    # within 1%: its ends are the last volume found where the other target is still cheaper (the band said is one
    # it is cheaper all over) and the first where it is not (where the first is cheaper again).
    again, still = bracket(back, checked, lambda volume: (gap(volume) or 0.0) > 0.005, gap)
    if (gap(again) or 0.0) >= -0.005:
        # Where the two bills run level past the band (both on a flat floor), "cheaper again" is said from the first
        # volume the first target is cheaper by a cent, narrowed the same way between there and ``back``.
        again = bracket(
            again, back, lambda volume: (gap(volume) or 0.0) < -0.005, lambda volume: -(gap(volume) or 0.0)
        )[1]
    # A band is said as one the other target is cheaper all over: where bills that climb a node at a time cross
    # back and forth inside it, the volumes between its ends say so, and the crossing is not said (``resize``).
    span = still / found
    if any((gap(found * span**share) or 0.0) <= 0.005 for share in INSIDE):
        return None
    return still, again


def narrow(
    start: float, far: float, other_cheaper: Callable[[float], bool], gap: Callable[[float], float | None]
) -> float:
    """``bracket``'s end where ``other_cheaper`` holds."""
    return bracket(start, far, other_cheaper, gap)[1]


def bracket(
    start: float, far: float, other_cheaper: Callable[[float], bool], gap: Callable[[float], float | None]
) -> tuple[float, float]:
    """The bracket [``start``, ``far``] (the other target not cheaper at ``start``, cheaper at ``far``) narrowed to
    ``WITHIN``, returned as (its end where the other target is not cheaper, its end where it is). The bills are
    nearly straight in the volume between their steps, so the volume tried first is where a straight line through
    the two ends' bill gaps (``gap``: None when an end is not priced yet) crosses zero, then the volume ``WITHIN``
    from it towards the other end, which closes the bracket when the line was right; then halfway in log volume, and
    again."""
    step, last = 0, start
    while abs(math.log(far / start)) > math.log(WITHIN):
        middle = math.sqrt(start * far)
        if step % 3 == 0:
            low, high = gap(start), gap(far)
            if low is not None and high is not None and high > 0 >= low:
                middle = start + (far - start) * -low / (high - low)
        elif step % 3 == 1:
            other_end = far if last == start else start  # from the end the last volume tried moved
            middle = last * CLOSE if other_end > last else last / CLOSE
        if not (min(start, far) < middle < max(start, far)):
            middle = math.sqrt(start * far)
        if other_cheaper(middle):
            far = middle
        else:
            start = middle
        last, step = middle, step + 1
    return start, far


def _gap(found: dict[str, float] | None, cheaper_now: str, other: str) -> float | None:
    """How much more ``cheaper_now`` costs than ``other`` in totals already priced (None when not priced)."""
    if found is None or cheaper_now not in found or other not in found:
        return None
    return found[cheaper_now] - found[other]


def resize(
    points: Sequence[BreakEven], today: float, totals_of: Callable[[frozenset[str]], Totals[dict[str, float]]]
) -> tuple[BreakEven, ...]:
    """``points`` with ``resized_requests_per_month`` found for the ``MAX_SAID`` crossings nearest today's volume
    within the range said in words (the others keep None: they are not said). ``totals_of`` gives the ``Totals`` of
    the targets of the crossings checked."""
    near = sorted(
        (index for index, point in enumerate(points) if said(point.requests_per_month, today)),
        key=lambda index: distance(points[index].requests_per_month, today),
    )[:MAX_SAID]
    totals = totals_of(frozenset(target for index in near for target in (points[index].target, points[index].versus)))
    found = {index: resized(points[index], today, totals) for index in near}
    settled = {
        index: settle(points[index], volume, today, totals) for index, volume in found.items() if volume is not None
    }
    said_at = {index: where for index, where in settled.items() if where is not None}
    return tuple(
        point.model_copy(
            update={
                "resized_requests_per_month": said_at[index][0],
                "resized_until_requests_per_month": said_at[index][1][0],
                "resized_again_requests_per_month": said_at[index][1][1],
            }
        )
        if index in said_at
        else point
        for index, point in enumerate(points)
    )
