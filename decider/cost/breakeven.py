"""Break-even points: the monthly request volumes where two targets' bills cross, sizing held.

Bills are sums of ramps in the request volume R (decider/cost.py), so the difference of two bills is piecewise
linear with known knots. Evaluating it at those knots and at the ends of the search range finds every sign change;
inside a segment the difference is linear, so the crossing is solved exactly, without sampling.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from decider.cost.bill import Plan
from decider.decision import BreakEven

LOW_REQUESTS = 1e3
HIGH_REQUESTS = 1e11

#: How far from the workload's volume a crossing is said in words (``what_would_change``), either way. A hobby
#: function at 200K requests a month learns where a container gets cheaper (~33M, 165×); a crossing at ten thousand
#: times today's traffic (Lambda's duration tiers bringing it back under a container's bill at tens of billions of
#: requests) is a fact of the price curves, not a change the workload will see. Every crossing stays in
#: ``break_even``.
SAID_WITHIN = 1000.0


def distance(volume: float, now: float) -> float:
    """How far ``volume`` is from the workload's volume ``now``, either way (log ratio): crossings are said, sought
    and tried nearest first."""
    return abs(math.log(max(volume, 1.0) / max(now, 1.0)))


def said(volume: float, now: float) -> bool:
    """Whether a crossing at ``volume`` is near enough to the workload's volume ``now`` to be said in words."""
    return now / SAID_WITHIN <= volume <= now * SAID_WITHIN


@dataclass(frozen=True, slots=True)
class Curve:
    """A plan's monthly total over [low, high], kept as its values at its own knots: linear in between."""

    plan: Plan
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    @classmethod
    def of(cls, plan: Plan, low: float = LOW_REQUESTS, high: float = HIGH_REQUESTS) -> Curve:
        xs = tuple(sorted({low, high, *(knot for knot in plan.knots() if low < knot < high)}))
        return cls(plan, xs, tuple([plan.total(x) for x in xs]))

    def at(self, requests: float) -> float:
        """The total at ``requests`` in [low, high], by interpolation between knots (exact: linear there)."""
        index = bisect_right(self.xs, requests)
        if index == 0:
            return self.ys[0]
        if index == len(self.xs):
            return self.ys[-1]
        x0, x1, y0, y1 = self.xs[index - 1], self.xs[index], self.ys[index - 1], self.ys[index]
        return y0 if requests == x0 else y0 + (y1 - y0) * (requests - x0) / (x1 - x0)


def crossings(first: Plan, second: Plan, low: float = LOW_REQUESTS, high: float = HIGH_REQUESTS) -> list[BreakEven]:
    """Every volume in [low, high] where the cheaper of two plans changes, oriented as who is cheaper above it."""
    return curve_crossings(Curve.of(first, low, high), Curve.of(second, low, high))


def curve_crossings(one: Curve, other: Curve) -> list[BreakEven]:
    """Every volume where the cheaper of two curves (over the same range) changes."""
    first, second = one.plan, other.plan
    points = sorted({*one.xs, *other.xs})
    # At a curve's own knot ``at`` returns the value kept there: looked up, and only the other's interpolated
    mine, theirs = dict(zip(one.xs, one.ys, strict=True)), dict(zip(other.xs, other.ys, strict=True))
    found: list[BreakEven] = []
    last_x, last_d = points[0], one.at(points[0]) - other.at(points[0])
    pending_zero: float | None = None
    for x in points[1:]:
        a, b = mine.get(x), theirs.get(x)
        d = (one.at(x) if a is None else a) - (other.at(x) if b is None else b)
        if abs(d) < 1e-9:
            if pending_zero is None and abs(last_d) >= 1e-9:
                pending_zero = x
            continue
        if abs(last_d) >= 1e-9 and (d > 0) != (last_d > 0):
            root = pending_zero if pending_zero is not None else last_x + (x - last_x) * last_d / (last_d - d)
            cheaper_above, cheaper_below = (second, first) if d > 0 else (first, second)
            found.append(
                BreakEven(
                    target=cheaper_above.target, versus=cheaper_below.target, requests_per_month=float(round(root))
                )
            )
        last_x, last_d, pending_zero = x, d, None
    return found


def break_even_points(
    plans: Mapping[str, Plan], ranking: Sequence[str], requests: float, per_request: Collection[str] = ()
) -> list[BreakEven]:
    """Crossings of the recommended target against each other ranked target, and of each target billed per request
    (``per_request``: Lambda) against the cheapest target billed for capacity; pairs that do not cross between
    1 thousand and 100 billion requests a month are left out."""
    priced = [target for target in ranking if target in plans]
    if len(priced) < 2:
        return []
    pairs: list[tuple[str, str]] = [(priced[0], other) for other in priced[1:]]
    containers = [target for target in priced if target not in per_request]
    for serverless in (target for target in priced if target in per_request):
        if not containers:
            break
        cheapest = min(containers, key=lambda target: (plans[target].total(requests), priced.index(target)))
        if (serverless, cheapest) not in pairs and (cheapest, serverless) not in pairs:
            pairs.append((serverless, cheapest))
    curves = {target: Curve.of(plans[target]) for target in {target for pair in pairs for target in pair}}
    points: list[BreakEven] = []
    for first, second in pairs:
        points.extend(curve_crossings(curves[first], curves[second]))
    return points


#: A volume said rounded towards where a claim holds stays within this ratio of the volume found (more figures else).
SAID_CLOSE = 1.02


def approx_requests(requests: float, digits: int = 2) -> str:
    """A volume as people say it: ~41M, ~1.5B, ~480K (``digits`` significant figures, two unless asked)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if requests >= size:
            value = float(f"{requests / size:.{digits}g}")
            return f"~{value:g}{suffix}"
    return f"~{float(f'{requests:.{digits}g}'):g}"


def approx_toward(requests: float, toward: float, reference: float) -> tuple[str, float]:
    """``requests`` as people say it, rounded towards ``toward`` (two to four significant figures, the fewest that
    stay between the two, within ``SAID_CLOSE`` of ``requests`` and tell it apart from ``reference``; five or six
    where four cannot), with the value said: a claim that holds from ``requests`` to ``toward`` then holds at the
    volume said, and a crossing found at 11.1M reads ~11.2M, not ~12M. ``toward`` equal to ``requests`` rounds to the
    nearest."""
    for digits in (2, 3, 4, 5, 6):
        scale = 10.0 ** (math.floor(math.log10(max(requests, 1.0))) - digits + 1)
        if toward > requests:
            value = math.ceil(requests / scale - 1e-9) * scale
        elif toward < requests:
            value = math.floor(requests / scale + 1e-9) * scale
        else:
            value = requests
        text = approx_requests(value, digits)
        close = abs(math.log(max(value, 1.0) / max(requests, 1.0))) <= math.log(SAID_CLOSE)
        if (
            close
            and min(requests, toward) <= value <= max(requests, toward)
            and text != approx_requests(reference, digits)
        ):
            return text, value
    return approx_requests(requests, 4), requests


def threshold_said(found: float, until: float, now: float) -> tuple[str, float]:
    """A crossing's volume as its sentence says it (text, value): rounded towards ``until``, how far past it the claim
    was checked; with nothing checked past it, away from today's volume ``now`` (within ``SAID_CLOSE``), so the
    volume said is one where the claim holds ("Above ~19.3B", not "Above ~19B" for a crossing at 19.26B)."""
    toward = until if until != found else found * SAID_CLOSE if found >= now else found / SAID_CLOSE
    return approx_toward(found, toward, now)


def band_said(found: float, until: float, again: float, now: float) -> tuple[tuple[str, float], ...]:
    """A band's three volumes as its sentence says them (text, value): where the other target becomes cheaper
    (``found``, rounded into the band), where it stops (``until``, rounded into the band too) and where the first is
    cheaper again (``again``, rounded away from the band): "Between ~23K and ~24.9K ..., and by ~22.4K ..."."""
    near = threshold_said(found, until, now)
    far = approx_toward(until, found, near[1])
    back = approx_toward(again, again + (again - until), far[1])
    return near, far, back


def turn_said(found: float, until: float, again: float, turn: float, now: float) -> tuple[str, float]:
    """Where the other target of a band is cheaper again past it (``turn``: the two take turns) as its sentence says
    it, rounded away from the band like ``again``: "…, and by ~24M Amazon ECS Managed Instances is cheaper again
    too"."""
    back = band_said(found, until, again, now)[2]
    return approx_toward(turn, turn + (turn - again), back[1])


def approx_apart(requests: float, reference: float) -> tuple[str, str]:
    """Two volumes as people say them, with the fewest significant figures (two to four) that tell them apart: a
    crossing at 2,961,703 against a volume now of 3,000,000 reads ~2.96M against 3M, not ~3M against 3M."""
    for digits in (2, 3, 4):
        said, now = approx_requests(requests, digits), approx_requests(reference, digits)
        if said.lstrip("~") != now.lstrip("~"):
            break
    return said, now.lstrip("~")
