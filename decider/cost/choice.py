"""How the cheapest instance type is told from the others: equal months by the tie rule, types that lose at every
volume (``dominates``) left out of the scan, and the rest scanned cheapest an hour first, so that a scan stops at the
first type whose least month is dearer than the best found (decider/cost/instances.py)."""

from __future__ import annotations

from bisect import bisect_left
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
    return tuple(
        sorted((item for item, beaten in zip(priced, _beaten(priced), strict=True) if not beaten), key=_hourly)
    )


def _beaten(priced: Sequence[tuple[Instance, int, float, float]]) -> list[bool]:
    """For each priced type, whether another ``dominates`` it, in one sweep (O(n log n), not every pair): the types
    taken cheapest an hour first, each group of equal hourly prices joined to a frontier of the types seen before
    the group is asked. A type is beaten when a type seen, its own group included, holds at least as many copies
    with a lesser tie key, ``(list price, name)`` (its own key is never less than itself)."""
    rows = sorted(
        (hourly, held, (list_price, instance.type), index)
        for index, (instance, held, hourly, list_price) in enumerate(priced)
    )
    beaten = [False] * len(rows)
    # The frontier: the types no type seen holds as many copies of with a key no greater, copies held ascending,
    # keys ascending too; the least key among the types holding at least n copies is the first entry holding n or more
    copies: list[int] = []
    keys: list[tuple[float, str]] = []
    start, count = 0, len(rows)
    while start < count:
        hourly = rows[start][0]
        end = start + 1
        while end < count and rows[end][0] == hourly:
            end += 1
        if end == start + 1:  # a price of its own (most are): asked, then joined when it is not answered already
            _, held, key, index = rows[start]
            at = bisect_left(copies, held)
            if at < len(copies) and keys[at] <= key:
                beaten[index] = keys[at] < key
            else:
                _join(copies, keys, held, key, at)
        else:
            for _, held, key, _ in rows[start:end]:
                at = bisect_left(copies, held)
                if not (at < len(copies) and keys[at] <= key):
                    _join(copies, keys, held, key, at)
            for _, held, key, index in rows[start:end]:
                at = bisect_left(copies, held)
                beaten[index] = keys[at] < key  # the type itself is in the frontier or answered by one held as many
        start = end
    return beaten


def _join(copies: list[int], keys: list[tuple[float, str]], held: int, key: tuple[float, str], at: int) -> None:
    """Add a type holding ``held`` copies with tie key ``key``, which no entry answers, to the frontier
    (``_beaten``) at ``at``, the first entry holding as many copies or more: the entries holding no more copies
    whose key is no less than this one's are answered by this one now."""
    first = at
    while first > 0 and keys[first - 1] >= key:
        first -= 1
    last = at + 1 if at < len(copies) and copies[at] == held else at
    copies[first:last], keys[first:last] = [held], [key]


def _hourly(item: tuple[Instance, int, float, float]) -> float:
    return item[2]


#: How much dearer (relative) than the best a type's least month must be for the scan to stop at it: far past
#: ``TIE``, so that no type that could tie with the best, in whatever order its products were rounded, is left out.
BEYOND = 1e-6


def past_best(least_month: float, best: float) -> bool:
    """Whether a type whose month costs at least ``least_month`` is dearer than the ``best`` month found beyond any
    tie (and every type after it in ``undominated``'s order, which costs at least as much)."""
    return least_month > best * (1.0 + BEYOND)
