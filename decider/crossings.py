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
3. the bracket's near end: the volumes already priced for other crossings first (a trial can price every target),
   then volumes from just short of the held crossing back towards today's, 1.5 times apart;
4. if the bracket holds the held crossing and the order changes 1% either side of it, it is said there;
5. else the bracket is narrowed until its ends are within 1% of each other (``narrow``): first where a straight
   line through its ends' bill gaps crosses zero and 1% on from there, then halving it in log volume; the volume
   said is the near end at which the other target is cheaper; short of it by more than 10% (at the volumes priced
   so far, and 1.15, 1.3, 1.6 and 2 times short of it) the other target must not be cheaper already (``earliest``):
   where it is, the bills crossed sooner, and that crossing is sought from today's volume (twice at most);
6. past the volume found, 1.2, 2 and 5 times further out (and at the volumes priced already), the other target must
   stay cheaper, as "becomes cheaper" says; the farthest volume where it does is said ("checked to ~64M"). Where the
   first target is cheaper again, the crossing is a band (``band_end``), its far end narrowed as in 5 and said too,
   when the other target is cheaper inside it as well (``INSIDE``); else it is not said;
7. close past the volume found (``CLOSE_PAST``: 2%, 5% and 10%, up to a band's end) and at the volume a sentence
   rounds it to, the other target must be cheaper too, and a band must be as wide as that first step (``settle``);
   where not, the crossing is sought once more past that volume (a step of an instance bill just past it), and if
   the order turns back again the crossing is not said (bills that take turns being cheaper);
8. between the volumes checked, the claim is proved from the bills never falling as the volume rises, more volumes
   priced where it cannot be (``certify``): a tooth found is a turn back, as in 7.

A trial prices only the targets of the crossings checked, each when its bill is first read (``totals`` in
decider/ranking.py: their bills as a ranking bills them, nothing scored), sharing the decision's plan memo
(decider/cost/memo.py); a decision says at most ``MAX_SAID`` crossings, so the work is bounded. The result is each
crossing's ``resized_requests_per_month``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

from decider.advice import MAX_CROSSINGS
from decider.cost.breakeven import approx_toward, distance, said
from decider.cost.memo import PlanMemo
from decider.crossing_bands import LADDER, bill_gap, earliest, narrow, settle
from decider.decision import BreakEven
from decider.errors import DeciderError
from decider.ranking import Bills, mode_totals
from decider.ranking import totals as priced_totals
from decider.rules.model import Ruleset
from decider.volume_rerun import AtVolume
from decider.workload import ParsedWorkload, Workload

#: Crossings said in words per decision, nearest today's volume first (those the search tries as a change of
#: answer): the rest stay in ``break_even`` unsaid.
MAX_SAID = MAX_CROSSINGS
#: Past the held crossing, the first and second volumes tried (× away from today's volume).
JUST_PAST, FAR_PAST = 1.2, 4.0
#: Either side of the held crossing, the volumes that confirm it (×).
EDGE = 1.01
#: Back from the held crossing towards today's volume, the step between volumes tried for the bracket's near end (×).
STEP = 1.5


#: What a rerun at another volume gives: the targets' totals, or their totals per mode.
Found = TypeVar("Found")


class Totals(Generic[Found]):
    """What a rerun prices with the volume changed (``Found``: the targets' totals, or their totals per mode; None when
    the changed workload cannot be priced); each volume priced once, and every volume priced so far kept (``seen``): a
    trial can price every target checked (each when first read), so one crossing's trials bracket the next one's."""

    def __init__(self, price: Callable[[float], Found | None]) -> None:
        self.price = price
        self.seen: dict[float, Found | None] = {}

    def __call__(self, volume: float) -> Found | None:
        if volume not in self.seen:
            self.seen[volume] = self.price(volume)
        return self.seen[volume]


def totals_at(
    parsed: ParsedWorkload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str]
) -> Totals[Mapping[str, float]]:
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
    its monthly volume changed and its defaults resolved anew (those no volume moves, once: ``AtVolume``)."""
    resolved = AtVolume(parsed.given or parsed.workload)

    def at(volume: float) -> Found | None:
        try:
            return price(resolved(volume), ruleset, memo, targets)
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
        chosen cross) and ``moved`` (where the sentence says ``side`` in ``mode`` crosses ``other``), and at the volume
        the sentence says (``moved`` rounded towards ``crossing``); for a sentence that ``side`` "becomes cheaper above"
        ``moved`` (``moved`` below ``crossing``), past ``crossing`` too, up the ladder the break-even sentences are
        tried on (``LADDER``): "above" has no end, and a rerun far past it can find ``other`` in another mode, cheaper
        again."""
        past = tuple(crossing * step for step in LADDER[:2]) if moved < crossing else ()
        worded = approx_toward(moved, crossing, crossing)[1]  # the volume the sentence says, rounded towards crossing
        for volume in (worded, *between(crossing, moved), *past):
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


def resized(point: BreakEven, today: float, totals: Totals[Mapping[str, float]]) -> float | None:
    """Where the cheaper of ``point``'s two targets changes, coming from today's volume towards the held crossing,
    with every target sized for the volume; None when it does not change within four times past the held crossing."""
    up = point.requests_per_month >= today
    cheaper_now, other = (point.versus, point.target) if up else (point.target, point.versus)

    def other_cheaper(volume: float) -> bool:
        found = totals(volume)
        if isinstance(found, Bills):  # priced as read: the two together
            now, then = found.pair(cheaper_now, other)
            return now is not None and then is not None and then < now - 0.005
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
    gap = lambda volume: bill_gap(totals.seen.get(volume), cheaper_now, other)  # noqa: E731 - read twice
    if held_inside and other_cheaper(past) and not other_cheaper(short):
        return earliest(today, past, totals, other_cheaper, gap)
    return earliest(today, narrow(start, far, other_cheaper, gap), totals, other_cheaper, gap)


def resize(
    points: Sequence[BreakEven],
    today: float,
    totals_of: Callable[[frozenset[str]], Totals[Mapping[str, float]]],
    smooth: frozenset[str] = frozenset(),
) -> tuple[BreakEven, ...]:
    """``points`` with ``resized_requests_per_month`` found for the ``MAX_SAID`` crossings nearest today's volume
    within the range said in words (the others keep None: they are not said). ``totals_of`` gives the ``Totals`` of
    the targets of the crossings checked; ``smooth``, the targets whose bills rise without steps (a crossing between
    two of them needs no check for turns back: ``settle``)."""
    near = sorted(
        (index for index, point in enumerate(points) if said(point.requests_per_month, today)),
        key=lambda index: distance(points[index].requests_per_month, today),
    )[:MAX_SAID]
    totals = totals_of(frozenset(target for index in near for target in (points[index].target, points[index].versus)))
    found = {index: resized(points[index], today, totals) for index in near}
    settled = {
        index: settle(
            points[index], volume, today, totals, stepped=not {points[index].target, points[index].versus} <= smooth
        )
        for index, volume in found.items()
        if volume is not None
    }
    said_at = {index: where for index, where in settled.items() if where is not None}
    return tuple(_said(point, said_at[index]) if index in said_at else point for index, point in enumerate(points))


def _said(
    point: BreakEven, where: tuple[float, tuple[float, float | None], tuple[float, float | None] | None]
) -> BreakEven:
    """``point`` with where ``settle`` says it (decider/crossing_bands.py)."""
    found, (until, again), past = where
    turns, turns_until = past if past is not None else (None, None)
    return point.model_copy(
        update={
            "resized_requests_per_month": found,
            "resized_until_requests_per_month": until,
            "resized_again_requests_per_month": again,
            "resized_turns_requests_per_month": turns,
            "resized_turns_until_requests_per_month": turns_until,
        }
    )
