"""How the cheapest instance type is told from the others: equal months by the tie rule, and types that lose at every
volume (``dominates``) left out of the scan (decider/cost/instances.py)."""

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
    """The priced fitting types no other one ``dominates``: the only ones a cheapest-type scan can choose."""
    return tuple(item for item in priced if not any(dominates(other, item) for other in priced))
