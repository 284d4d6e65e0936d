"""A bill line: a unit price times a quantity that ramps with the monthly request volume."""

from __future__ import annotations

import math
from dataclasses import dataclass

from decider.cost.capacity import Ramp
from decider.cost.frozen import setter
from decider.pricing.book import TieredPrice

INF = math.inf


@dataclass(frozen=True, slots=True, init=False)
class Line:
    """One bill line: ``unit_price_usd`` × a quantity that ramps with the requests per month."""

    item: str
    unit: str
    unit_price_usd: float
    ramp: Ramp
    free: bool = False
    """A charge after a free allowance (the free tier): when the allowance covers it, the bill shows it at $0 rather
    than leaving it out."""

    def __init__(self, item: str, unit: str, unit_price_usd: float, ramp: Ramp, free: bool = False) -> None:
        # The fields set through their slots (decider/cost/frozen.py): a decision with advice makes hundreds of lines
        _ITEM(self, item)
        _UNIT(self, unit)
        _PRICE(self, unit_price_usd)
        _RAMP(self, ramp)
        _FREE(self, free)

    def quantity(self, requests: float) -> float:
        return self.ramp.at(requests)

    def usd(self, requests: float) -> float:
        return self.unit_price_usd * self.ramp.at(requests)

    def knots(self) -> tuple[float, ...]:
        """Request volumes where the line's slope changes."""
        return self.ramp.knots()

    def named(self, item: str) -> Line:
        """The same charge under another name."""
        return Line(item, self.unit, self.unit_price_usd, self.ramp, self.free)


_ITEM, _UNIT, _PRICE, _RAMP, _FREE = (setter(Line, name) for name in ("item", "unit", "unit_price_usd", "ramp", "free"))


def fixed(item: str, unit: str, unit_price_usd: float, quantity: float) -> Line:
    return Line(item, unit, unit_price_usd, Ramp.fixed(quantity))


def tier_lines(
    item: str, price: TieredPrice, per_request: float, allowance: float, factor: float = 1.0, taken: float = 0.0
) -> list[Line]:
    """One line per volume tier of a tiered price, for usage of ``per_request × R`` after a free ``allowance`` (the
    first tier's line marked ``free`` when there is one) and after the usage ``taken`` by another line (the work
    provisioned environments run, billed at their own rate)."""
    lines: list[Line] = []
    lower = 0.0
    for index, tier in enumerate(price.tiers):
        upper = tier.up_to if tier.up_to is not None else INF
        label = item if len(price.tiers) == 1 else f"{item}, tier {index + 1}"
        width = upper - lower
        ramp = Ramp(per_request, -(taken + allowance + lower), 0.0, width)
        lines.append(Line(label, price.unit, tier.usd * factor, ramp, free=index == 0 and allowance > 0))
        lower = upper
    return lines
