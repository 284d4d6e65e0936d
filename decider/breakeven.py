"""Break-even points: the monthly request volumes where two targets' bills cross, sizing held.

Bills are sums of ramps in the request volume R (decider/cost.py), so the difference of two bills is piecewise
linear with known knots. Evaluating it at those knots and at the ends of the search range finds every sign change;
inside a segment the difference is linear, so the crossing is solved exactly, without sampling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from decider.cost import Plan
from decider.decision import BreakEven

LOW_REQUESTS = 1e3
HIGH_REQUESTS = 1e11


def crossings(first: Plan, second: Plan, low: float = LOW_REQUESTS, high: float = HIGH_REQUESTS) -> list[BreakEven]:
    """Every volume in [low, high] where the cheaper of two plans changes, oriented as who is cheaper above it."""
    points = sorted({low, high, *(knot for knot in (*first.knots(), *second.knots()) if low < knot < high)})
    found: list[BreakEven] = []
    last_x, last_d = points[0], first.total(points[0]) - second.total(points[0])
    pending_zero: float | None = None
    for x in points[1:]:
        d = first.total(x) - second.total(x)
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


def break_even_points(plans: Mapping[str, Plan], ranking: Sequence[str], requests: float) -> list[BreakEven]:
    """Crossings of the recommended target against each other ranked target, and of Lambda against the cheapest
    container target; pairs that do not cross between 1 thousand and 100 billion requests a month are left out."""
    priced = [target for target in ranking if target in plans]
    if len(priced) < 2:
        return []
    pairs: list[tuple[str, str]] = [(priced[0], other) for other in priced[1:]]
    containers = [target for target in priced if target != "lambda"]
    if "lambda" in priced and containers:
        cheapest = min(containers, key=lambda target: (plans[target].total(requests), priced.index(target)))
        if ("lambda", cheapest) not in pairs and (cheapest, "lambda") not in pairs:
            pairs.append(("lambda", cheapest))
    points: list[BreakEven] = []
    for first, second in pairs:
        points.extend(crossings(plans[first], plans[second]))
    return points


def approx_requests(requests: float) -> str:
    """A volume as people say it: ~41M, ~1.5B, ~480K (two significant figures)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if requests >= size:
            value = float(f"{requests / size:.2g}")
            return f"~{value:g}{suffix}"
    return f"~{requests:.2g}"
