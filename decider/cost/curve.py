"""The cost curve: each eligible target's monthly bill over a range of traffic, sizing held (the chart's data).

The range runs from 0.1× to 10× the workload's requests per month, ten log-spaced volumes a decade (21 in all, the
workload's own volume among them). Every break-even volume inside the range is added to every target's points, so
two lines drawn through the points meet exactly where the decision says their bills cross.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from decider.cost.bill import Plan, round_usd
from decider.cost.breakeven import LOW_REQUESTS
from decider.decision import BreakEven

#: Volumes per decade, and decades either side of the workload's volume.
PER_DECADE = 10
DECADES = 1


def volumes(requests: float, crossings: Iterable[BreakEven] = ()) -> tuple[float, ...]:
    """The traffic volumes a curve is priced at: log-spaced around ``requests`` (a workload with no requests is
    drawn around 1,000 a month), plus the crossings that fall in that range."""
    centre = requests if requests > 0 else LOW_REQUESTS
    steps = PER_DECADE * DECADES
    spaced = {float(round(centre * 10 ** (step / PER_DECADE), 6)) for step in range(-steps, steps + 1)}
    low, high = min(spaced), max(spaced)
    spaced.update(point.requests_per_month for point in crossings if low <= point.requests_per_month <= high)
    return tuple(sorted(spaced))


def cost_curve(
    plans: Mapping[str, Plan], ranking: Sequence[str], requests: float, crossings: Iterable[BreakEven] = ()
) -> tuple[dict[str, Any], ...]:
    """Each priced target in ``ranking`` order, its bill (to the cent) at every volume of ``volumes``, as plain data
    in the CostCurve shape (the Decision validates it with the rest of its tree)."""
    xs = volumes(requests, crossings)
    return tuple(
        {
            "target": target,
            "points": [{"requests_per_month": x, "monthly_usd": round_usd(plans[target].total(x), 2)} for x in xs],
        }
        for target in ranking
        if target in plans
    )
