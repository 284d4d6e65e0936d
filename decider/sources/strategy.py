"""An ECS service's Fargate capacity provider strategy: the capacity mode it runs in, and how it splits its tasks
between FARGATE (on demand) and FARGATE_SPOT when it names both.

ECS places the ``base`` tasks on the provider that has one (only one may), then the rest in proportion to each
provider's ``weight`` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html;
a missing base is 0, a missing weight 0). A strategy that names both is priced as that mix of the on-demand and Spot
bills (decider/review_mode.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

ON_DEMAND, SPOT = "FARGATE", "FARGATE_SPOT"


class MixedMode(str):
    """The mode id ``spot`` of a service whose strategy also runs tasks on FARGATE: a string like any mode id, with
    the base and weights of each provider."""

    on_demand_base: float
    spot_base: float
    on_demand_weight: float
    spot_weight: float

    def __new__(cls, bases: tuple[float, float], weights: tuple[float, float]) -> MixedMode:
        made = super().__new__(cls, "spot")
        made.on_demand_base, made.spot_base = bases
        made.on_demand_weight, made.spot_weight = weights
        return made

    def on_demand_share(self, tasks: float) -> float:
        """The share of ``tasks`` (running at once, on average) that run on FARGATE."""
        if tasks <= 0:
            return 1.0 if self.on_demand_base > 0 else 0.0
        on_demand = min(self.on_demand_base, tasks)
        rest = max(0.0, tasks - self.on_demand_base - self.spot_base)
        weights = self.on_demand_weight + self.spot_weight
        on_demand += rest * self.on_demand_weight / weights if weights > 0 else 0.0
        return on_demand / tasks

    def said(self) -> str:
        """The strategy as a clause: "base 1 on FARGATE, then FARGATE:FARGATE_SPOT 1:3 by weight"."""
        base = (
            f"base {self.on_demand_base:g} on {ON_DEMAND}, then "
            if self.on_demand_base
            else f"base {self.spot_base:g} on {SPOT}, then "
            if self.spot_base
            else ""
        )
        return f"{base}{ON_DEMAND}:{SPOT} {self.on_demand_weight:g}:{self.spot_weight:g} by weight"


def fargate_mode(strategy: Sequence[Any]) -> str | None:
    """The capacity mode a Fargate strategy runs in: ``spot`` for FARGATE_SPOT alone, ``on-demand`` for FARGATE alone,
    a ``MixedMode`` for both (their bases and weights as numbers; a value Terraform computes is read as none); None
    when it names neither."""
    items = [item for item in strategy if isinstance(item, dict)]
    named = {item.get("CapacityProvider") for item in items if isinstance(item.get("CapacityProvider"), str)}
    if SPOT not in named:  # a provider named by a reference (an EC2 or Managed Instances one) is not a Fargate mode
        alone = len(items) == len(strategy) and all(item.get("CapacityProvider") == ON_DEMAND for item in items)
        return "on-demand" if alone else None
    if ON_DEMAND not in named:
        return "spot"

    def total(provider: str, key: str) -> float:
        return sum(_number(item.get(key)) for item in items if item.get("CapacityProvider") == provider)

    return MixedMode(
        (total(ON_DEMAND, "Base"), total(SPOT, "Base")), (total(ON_DEMAND, "Weight"), total(SPOT, "Weight"))
    )


def _number(value: Any) -> float:
    """A base or weight as a number: a literal, or its text; 0 for anything else (absent, or computed)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        number = float(value)
    except ValueError:
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0
