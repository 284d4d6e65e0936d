"""How the cheapest instance type is told from the others: equal months by the tie rule, types that lose at every
volume (``dominates``) left out of the scan, and the rest scanned cheapest an hour first, so that a scan stops at the
first type whose least month is dearer than the best found (decider/cost/instances.py)."""

from __future__ import annotations

from collections.abc import Sequence

from decider.pricing.book import Instance

#: Two months' costs this close (relative) are one cost: products of the same prices and hours summed in another
#: order differ in their last bits, and the tie rule (the lower list price, then the name) must decide, not rounding.
TIE = 1e-9


def before(key: tuple[float, float, str], best: tuple[float, float, str]) -> bool:
    """Whether a type (its month's cost, list price and name) is chosen over the best so far: cheaper, or as cheap
    (within ``TIE``) and first by list price, then name."""
    cost, best_cost = key[0], best[0]
    if abs(cost - best_cost) <= TIE * max(abs(cost), abs(best_cost)):
        return key[1:] < best[1:]
    return cost < best_cost


def dominates(better: tuple[Instance, int, float, float], other: tuple[Instance, int, float, float]) -> bool:
    """Whether ``better`` is chosen over ``other`` whatever the workload's volume and scaling: it costs no more an
    hour and holds at least as many copies, so it bills no more instance-hours (every form of a month's instance-hours
    falls as copies per instance rise, in floating point too) and costs no more, and it wins a tie (a lower list
    price, or the same and an earlier name)."""
    instance, per_instance, hourly, list_price = better
    rival, rival_per_instance, rival_hourly, rival_list_price = other
    return (
        hourly <= rival_hourly
        and per_instance >= rival_per_instance
        and (list_price, instance.type) < (rival_list_price, rival.type)
    )


def undominated(
    priced: Sequence[tuple[Instance, int, float, float]],
) -> tuple[tuple[Instance, int, float, float], ...]:
    """The priced fitting types no other one ``dominates``: the only ones a cheapest-type scan can choose; in order of
    their instance-hour price (the catalogue's order among equal prices). Every type bills at least the instance-hours
    a month keeps up whatever the copies (a floor of instances, or the first instance while work runs), so a type
    whose price times those hours is dearer than the best found beyond ``BEYOND`` costs more than it, and so does
    every type after it: the scan stops there (``past_best``)."""
    kept = [item for item in priced if not any(dominates(other, item) for other in priced)]
    return tuple(sorted(kept, key=_hourly))


def _hourly(item: tuple[Instance, int, float, float]) -> float:
    return item[2]


#: How much dearer (relative) than the best a type's least month must be for the scan to stop at it: far past
#: ``TIE``, so that no type that could tie with the best, in whatever order its products were rounded, is left out.
BEYOND = 1e-6


def past_best(least_month: float, best: float) -> bool:
    """Whether a type whose month costs at least ``least_month`` is dearer than the ``best`` month found beyond any
    tie (and every type after it in ``undominated``'s order, which costs at least as much)."""
    return least_month > best * (1.0 + BEYOND)
