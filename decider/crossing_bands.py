"""How far a cost crossing holds once found (decider/crossings.py ``resized``): the bracket narrowed to within 1%
(``bracket``), how far past it the other target stays cheaper or where a band ends (``band_end``), and whether the
sentence holds at the volumes it names and just past them (``settle``), each by pricing the workload again at a volume
(``Totals``)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from decider.cost.breakeven import approx_toward, band_said, distance, said, threshold_said, turn_said
from decider.cost.modes import Choice
from decider.decision import BreakEven
from decider.ranking import Bills
from decider.rules.model import Target


class Priced(Protocol):
    """The targets' totals at a volume, priced once each and kept (decider/crossings.py ``Totals``)."""

    @property
    def seen(self) -> Mapping[float, Mapping[str, float] | None]: ...

    def __call__(self, volume: float) -> Mapping[str, float] | None: ...


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
#: Between the volumes priced, the stretches split to prove the other target cheaper all over them (``certify``): at
#: most this many volumes more priced per sentence; past them the claim is said checked only as far as it was proved.
TEETH_PROBES = 12
#: Short of a crossing found, where the other target must not be cheaper already (÷ the volume found, towards today's:
#: ``earliest``), and how many times an earlier crossing found so is sought.
BEFORE = (1.15, 1.3, 1.6, 2.0)
EARLIER_TRIES = 2
#: Else the bracket's ends are narrowed until within this ratio.
WITHIN = 1.01
#: After a volume tried where the bills' straight line crosses, the next is this ratio from it: within ``WITHIN``.
CLOSE = WITHIN**0.99


def settle(
    point: BreakEven, found: float, today: float, totals: Priced, *, stepped: bool = True, tries: int = SETTLE_TRIES
) -> tuple[float, tuple[float, float | None], tuple[float, float | None] | None] | None:
    """Where ``point``'s crossing is said (``found``, a ``resized`` volume, or one past it) with how far the claim holds
    (``band_end``). The other target must be cheaper just past the volume said too (``CLOSE_PAST``, up to where a band
    ends) and at the volumes a sentence rounds it and its "checked to" to (``approx_toward``). Where it is not, within
    ``CLOSE_PAST`` of the crossing, the first target is cheaper again a step past it (a bill that adds an instance a
    time), and the crossing is sought past that volume once more (``SETTLE_TRIES``): found again and holding, it is
    said there. Else None, and no threshold is said: two bills whose order turns back twice, or far past the
    crossing, climb at nearly the same rate, one a step at a time, and cross back and forth over a wide range
    (between ECS on EC2 and Fargate near 400M requests, eight times in 120M), where no "becomes cheaper" is true. A
    band narrower than the first step is a turn back too; a band is said only where its sentence holds at the volumes
    it names and across it (``_band_holds``). Without ``stepped`` (neither bill adds capacity a step at a time:
    ``smooth``) a claim ``certify`` cannot prove as far as the ladder checked it within its volumes is still said that
    far. A band past whose end the other target is cheaper again further out (a bill that stepped up for a stretch)
    is sought past too, and said as the threshold found there when one holds: "above" says the volumes past it, which
    the band's "cheaper again" would leave out; the band is said too, nearer today's volume (the third part: the
    threshold and how far it was checked). Where none holds, the two take turns: the band is said with the volume past
    it where the other target is cheaper again (the third part, with None), checked as the sentence rounds it."""
    up = point.requests_per_month >= today
    cheaper_now, other = (point.versus, point.target) if up else (point.target, point.versus)

    def gap(volume: float) -> float | None:
        return bill_gap(totals(volume), cheaper_now, other)

    def other_cheaper(volume: float) -> bool:
        return (gap(volume) or 0.0) > 0.005

    def past(volume: float, than: float) -> bool:
        return distance(volume, found) > distance(than, found)

    for _ in range(tries):
        end = band_end(point, found, today, totals)
        if end is None:
            return None
        proved, tooth = certify(found, end[0], totals, cheaper_now, other)
        # Two bills straight between few knots (Fargate's, Lambda's on demand) part at a steady rate once past the
        # whole copies or environments they keep up: a tooth lies near the crossing if anywhere, where the proof and
        # the checks just past it look; past it they are said as far as the ladder checked them.
        if tooth is None and proved != end[0] and stepped:
            # said checked only as far as it was proved (a band not proved all over, too: as far as it was)
            end = (proved, None)
        if end[1] is None and distance(end[0], found) < math.log(CLOSE_PAST[0]):
            return None  # checked no further than the first step past it: "becomes cheaper" would rest on nothing
        steps = [found * factor if up else found / factor for factor in CLOSE_PAST]
        near = threshold_said(found, end[0], today)[1]  # the volume said, and how far it says the claim was checked
        worded = {near, approx_toward(end[0], found, near)[1]}  # checked wherever they are: the sentence says them
        # Up to a band's end; past a threshold's as far as 10% out wherever it was checked to, the range said too: a
        # claim cut short by the range said ("checked to ~300M", found 293M) holds that close past it (property audit,
        # round 30, F1: EKS's ninth node made Managed Instances cheaper again from ~313M)
        close = [volume for volume in steps if (not past(volume, end[0]) and said(volume, today)) or end[1] is None]
        checks = sorted({*worded, *close} - {found}, key=lambda volume: distance(volume, found))
        turned = next((volume for volume in checks if not other_cheaper(volume)), tooth)
        if turned is not None and turned == tooth and past(tooth, steps[-1]):
            # A tooth ``certify`` found far past the crossing (past the steps just past it) ends a band: the other
            # target is cheaper from the crossing to just short of it. Said as a band, its far end narrowed as
            # ``band_end`` narrows one (a threshold said past the tooth would leave the band out: "above ~30.1M"
            # where ECS on EC2 is cheaper from ~23.4M but for ~29.5M; architect audit, round 34, F3).
            again, until = bracket(tooth, proved, other_cheaper, gap)
            end, turned = (until, again), None
        if turned is None and end[1] is not None and distance(end[0], found) < math.log(CLOSE_PAST[0]):
            turned = end[1]  # a band narrower than the first step past it: the first target cheaper again there
        if turned is None and end[1] is not None:
            if not _band_holds(found, end[0], end[1], today, gap):
                return None
            later = _past_band(found, end[1], other_cheaper, gap)
            resumed = (  # sought once past a band, where one more try settles it
                settle(point, later, today, totals, stepped=stepped, tries=1)
                if later is not None and tries > 1
                else None
            )
            if later is None:
                return found, end, None
            if resumed is not None and resumed[1][1] is None:  # the band's "cheaper again" would leave out the
                return found, end, (resumed[0], resumed[1][0])  # volumes past it: said with the threshold found there
            turn = turn_said(found, end[0], end[1], later, today)[1]  # or with the two taking turns here
            return (found, end, (later, None)) if other_cheaper(later) and other_cheaper(turn) else None
        if turned is None:
            return found, end, None
        if past(turned, steps[-1]):
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
        # sought past the turn as from today's volume: the crossing met first past it, not one a bisection lands on
        sought = earliest(turned, narrow(turned, beyond, other_cheaper, gap), totals, other_cheaper, gap)
        if sought is None:
            return None
        found = sought
    return None


def _past_band(
    found: float,
    again: float,
    other_cheaper: Callable[[float], bool],
    gap: Callable[[float], float | None],
) -> float | None:
    """Where the other target is cheaper again past a band that ends at ``again``, at any of the volumes
    ``CLOSE_PAST`` times past ``again`` or ``LADDER`` times past ``found`` (further from today's volume) beyond it,
    nearest first, narrowed to ``WITHIN`` from the volume before it: None when it is at none of them. The close steps
    find a turn just past the band, which the ladder's rungs would step over and say further out than it is. Volumes
    past the range crossings are said in are tried too: the band's "cheaper again" would say those as well."""
    up = again >= found
    rungs = [found * factor if up else found / factor for factor in LADDER]
    rungs += [again * factor if up else again / factor for factor in CLOSE_PAST]
    start = again
    for volume in sorted(set(rungs), key=lambda volume: distance(volume, again)):
        if not (volume > again if up else volume < again):
            continue
        if other_cheaper(volume):
            return narrow(start, volume, other_cheaper, gap)
        start = volume
    return None


def certify(found: float, end: float, totals: Priced, cheaper_now: str, other: str) -> tuple[float, float | None]:
    """Whether ``other`` is cheaper than ``cheaper_now`` all over from ``found`` to ``end`` (the volume a claim was
    checked to), not only at the volumes priced: (how far from ``found`` that is proved, None), or (that, the first
    volume found where ``other`` is not cheaper: a tooth of a bill that adds an instance at a time, narrower than the
    steps between the volumes checked). A bill seldom falls as the volume rises (copies and environments kept for
    bursts, fewer as the month grows, are the exception, which the checks just past a crossing look for: ``settle``),
    so over a stretch [a, b] ``other`` costs at most its bill at b and ``cheaper_now`` at least its bill at a: when the
    first is below the second, no volume between has ``cheaper_now`` cheaper. A stretch the test does not prove is
    split at its middle (in log volume) and each half tried, nearest ``found`` first, down to ``WITHIN`` (a tooth
    narrower than that is not sought), at most ``TEETH_PROBES`` volumes more priced; past what it proves, the claim
    is not said to hold."""
    outward = 1.0 if end >= found else -1.0
    inside = {volume for volume in totals.seen if outward * (volume - found) > 0 < outward * (end - volume)}
    volumes = sorted({*inside, found, end}, key=lambda volume: outward * volume)
    stretches = list(itertools.pairwise(volumes))
    stretches.reverse()  # a stack: nearest ``found`` on top
    proved, probes = found, 0
    while stretches:
        near, far = stretches.pop()
        low, high = (near, far) if near <= far else (far, near)
        at_low, at_high = totals(low), totals(high)
        if at_low is None or at_high is None or cheaper_now not in at_low or other not in at_high:
            return proved, None
        if at_high[other] < at_low[cheaper_now] - 0.005:
            proved = far
            continue
        if probes >= TEETH_PROBES:
            return proved, None
        if high / low <= WITHIN:
            proved = far  # narrower than the checks go: a tooth there is not sought
            continue
        middle, probes = math.sqrt(low * high), probes + 1
        gap = bill_gap(totals(middle), cheaper_now, other)
        if gap is None:
            return proved, None
        if gap <= 0.005:
            return proved, middle
        stretches += [(middle, far), (near, middle)]  # the half nearest ``found`` on top
    return proved, None


def _band_holds(found: float, until: float, again: float, today: float, gap: Callable[[float], float | None]) -> bool:
    """Whether a band's sentence holds at the volumes it names, rounded as it says them (``band_said``): the other
    target cheaper at both ends and across it (``ACROSS``, in log volume), the first cheaper again where it says so."""
    (_, near), (_, far), (_, back) = band_said(found, until, again, today)
    across = [near * (far / near) ** share for share in ACROSS]
    return all((gap(volume) or 0.0) > 0.005 for volume in (near, far, *across)) and (gap(back) or 0.0) < -0.005


def band_end(point: BreakEven, found: float, today: float, totals: Priced) -> tuple[float, float | None] | None:
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
        return bill_gap(totals(volume), cheaper_now, other)

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


def earliest(
    start: float,
    found: float,
    totals: Priced,
    other_cheaper: Callable[[float], bool],
    gap: Callable[[float], float | None],
) -> float | None:
    """The crossing nearest ``start`` (today's volume, or where ``settle`` found the first target cheaper again; the
    other target is not cheaper there) of two bills a bracket narrowed to ``found``: short of it by more than the
    bracket's ``WITHIN``, the other target must not be cheaper already, at the volumes priced so far and at ``found``
    ÷ ``CLOSE_PAST`` and ``BEFORE`` (× for a crossing below ``start``), where bills that climb an instance at a time
    near each other. Where it is, the two bills took turns before it (ECS on EC2 cheaper than Lambda over most of
    21.5M–29.4M requests, a step of its instances making Lambda cheaper again for stretches, and "above ~30.1M" said;
    architect audit, round 34, F3; Lambda cheaper than EKS from ~594M down to a step of EKS's at ~572M, a bisection
    landing on the step and "between ~520M and ~570M" said; round 35, F1): the bracket from ``start`` to that volume is
    narrowed again, at most ``EARLIER_TRIES`` times, and ``settle`` judges the crossing found there (a turn back just
    past it is sought past, or the crossing is not said). The crossing found by the last narrowing is probed as every
    other is: with the other target cheaper short of it still, where the bills first cross is not found, and None
    says so (nothing is said: a bisection landing on a step on the last try was said 13% short of where the bills
    first crossed; audit of round 35's changes, F3)."""
    start = max(start, 1.0)
    for tried in range(EARLIER_TRIES + 1):
        up = found > start
        limit = found / WITHIN if up else found * WITHIN

        def short(volume: float, limit: float = limit, up: bool = up) -> bool:
            return start < volume < limit if up else limit < volume < start

        seen = sorted((volume for volume in totals.seen if short(volume)), reverse=not up)  # today's side first
        probes = (found / factor if up else found * factor for factor in (*CLOSE_PAST, *BEFORE))
        early = next((volume for volume in (*seen, *probes) if short(volume) and other_cheaper(volume)), None)
        if early is None:
            return found
        if tried == EARLIER_TRIES:
            break  # the last narrowing found one more crossing short of it: where the bills first cross is not known
        found = narrow(start, early, other_cheaper, gap)
    return None


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


def bill_gap(found: Mapping[str, float] | None, cheaper_now: str, other: str) -> float | None:
    """How much more ``cheaper_now`` costs than ``other`` in totals already priced (None when not priced); totals
    priced as read (decider/ranking.py ``Bills``) price the two together."""
    if isinstance(found, Bills):
        first, second = found.pair(cheaper_now, other)
        return first - second if first is not None and second is not None else None
    if found is None or cheaper_now not in found or other not in found:
        return None
    return found[cheaper_now] - found[other]


def smooth(targets: Sequence[Target], choices: Mapping[str, Choice], *, job: bool = False) -> frozenset[str]:
    """The targets whose bills, each sized for its volume, rise without steps: Fargate's for a ``job`` (a task a run,
    billed as the runs' average) and Lambda's on demand, when Lambda Managed Instances (whole instances) is not priced
    as another of its modes. Instance targets, and EKS, which may run on nodes, step an instance at a time; so does a
    Fargate service, which keeps whole copies up (a second, in another Availability Zone, once its listener is busy at
    every moment: a step of a whole task's month, $148 for an 8-vCPU copy)."""
    found = set()
    for target in targets:
        kind = target.cost.model if target.cost is not None else None
        choice = choices.get(target.id)
        priced = [mode.price for mode, total, _ in choice.priced if total is not None] if choice is not None else []
        if (kind == "fargate" and job) or (kind == "lambda" and "lambda-managed-instances" not in priced):
            found.add(target.id)
    return frozenset(found)
