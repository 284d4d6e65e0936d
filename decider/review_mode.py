"""The capacity mode a workload runs in now, priced from the decision: the review's cost now is that mode's bill.

Each ranked target's sizing lists every capacity mode decider considered with its month's bill (``sizing.modes``,
decider/cost/modes.py). When the source says which mode a workload runs in (a Fargate Spot strategy, a Lambda capacity
provider, an EKS Fargate profile or Auto Mode cluster) or an API item gives ``current_mode``, the review prices where
it runs now in that mode, not in the one decider would choose. A mode a rule keeps out, or one the region's prices
leave out, cannot be priced: the chosen mode's bill stands in, and the review says so. A workload kept where it runs
whose target would be cheaper in another mode is told what switching saves.
"""

from __future__ import annotations

from dataclasses import dataclass

from decider.decision import FargateSizing, ModeOption, RankedTarget
from decider.rules.model import Ruleset
from decider.sources.strategy import MixedMode


@dataclass(frozen=True, slots=True)
class CurrentMode:
    """What the review says of the mode a workload runs in now: its name, its bill, and the notes behind them."""

    mode: str | None
    """The mode id (targets.yaml), or None when neither the source nor the request says."""
    name: str | None = None
    """The mode's display name ("Fargate Spot"), when it is one of the current target's modes."""
    usd: float | None = None
    """The month's bill in the mode, when the compared target's sizing prices it."""
    notes: tuple[str, ...] = ()
    """Why the bill is another mode's (kept out, not priced, not a mode of the target compared)."""
    cheaper: ModeOption | None = None
    """The mode decider chooses for the target, when it is another one and cheaper than the current mode."""

    def label(self, target: str) -> str:
        """The target's name with the mode it runs in: "Amazon ECS on AWS Fargate (Fargate Spot)"."""
        return f"{target} ({self.name})" if self.name else target

    def saving(self) -> str:
        """The sentence on what switching to the mode decider chooses would save, or nothing."""
        if self.cheaper is None or self.usd is None or self.cheaper.monthly_usd is None:
            return ""
        saved = self.usd - self.cheaper.monthly_usd
        return (
            f" Switching to {self.cheaper.name} would save ${saved:,.2f} a month "
            f"(${self.cheaper.monthly_usd:,.2f} against ${self.usd:,.2f} in {self.name})."
        )


def mode_name(ruleset: Ruleset, target: str | None, mode: str | None) -> str | None:
    """The display name of ``mode`` among ``target``'s modes (targets.yaml), or None when it is not one of them."""
    if target is None or mode is None or target not in ruleset.target_ids:
        return None
    return next((item.name for item in ruleset.target(target).modes if item.id == mode), None)


def current_mode(
    ruleset: Ruleset, mode: str | None, current_target: str | None, compared: RankedTarget | None
) -> CurrentMode:
    """The mode ``mode`` of the target a workload is compared on, with its bill from the compared target's sizing."""
    if mode is None:
        return CurrentMode(None)
    target = compared.target if compared is not None else current_target
    name = mode_name(ruleset, target, mode)
    if target is None:
        return CurrentMode(mode)
    if name is None:
        allowed = ", ".join(item.id for item in ruleset.target(target).modes) or "none"
        note = f"it runs in mode {mode}, which is not a mode of {target} (its modes: {allowed})"
        return CurrentMode(mode, notes=(note + _fallback(compared),) if compared is not None else (note,))
    if compared is None or compared.sizing is None:
        return CurrentMode(mode, name)
    options = {option.mode: option for option in compared.sizing.modes}
    option = options.get(mode)
    chosen = next((item for item in compared.sizing.modes if item.chosen), None)
    if option is None:
        return CurrentMode(mode, name, notes=(f"{name} is not priced for {target}{_fallback(compared)}",))
    if option.excluded_by:
        said = option.note.removeprefix("kept out: ").rstrip(".")
        note = f"it runs in {name}, which decider keeps out ({', '.join(option.excluded_by)}: {said})"
        return CurrentMode(mode, name, notes=(note + _fallback(compared),))
    if option.monthly_usd is None:
        return CurrentMode(mode, name, notes=(f"{name} is not priced: {option.note}{_fallback(compared)}",))
    cheaper = (
        chosen
        if chosen is not None
        and chosen is not option
        and chosen.monthly_usd is not None
        and chosen.monthly_usd < option.monthly_usd
        else None
    )
    if isinstance(mode, MixedMode) and option.monthly_usd is not None:
        return _mixed(mode, name, option.monthly_usd, options.get("on-demand"), compared)
    bill = compared.monthly_cost
    shared = bill is not None and any(SHARED in line.item for line in bill.lines)
    if mode == "fargate" and shared:
        # Pods on Fargate profiles now: the nodes decider prices are a share of the existing cluster's nodes, which a
        # cluster running on Fargate profiles may not have (a node group of its own bills whole nodes): no saving
        cheaper = None
    return CurrentMode(mode, name, usd=option.monthly_usd, cheaper=cheaper)


def _mixed(
    mode: MixedMode,
    name: str,
    spot_usd: float,
    on_demand: ModeOption | None,
    compared: RankedTarget,
) -> CurrentMode:
    """The cost now of a strategy that runs tasks on FARGATE and FARGATE_SPOT: its Spot bill and its on-demand bill,
    mixed by the share of its tasks on each (the bills differ only in the tasks' price: architect audit 39, F4, a base
    of 1 on FARGATE and 1:3 by weight was priced all at Spot's rates, 47% low)."""
    sizing = compared.sizing
    tasks = sizing.task_hours_per_month / 730.0 if isinstance(sizing, FargateSizing) else 0.0
    if on_demand is None or on_demand.monthly_usd is None or tasks <= 0:
        note = f"its capacity provider strategy ({mode.said()}) runs some tasks on demand, which is not priced here"
        return CurrentMode(mode, name, usd=spot_usd, notes=(note + ": the cost now is all at Fargate Spot's rates",))
    share = mode.on_demand_share(tasks)
    usd = round(spot_usd + share * (on_demand.monthly_usd - spot_usd), 2)
    note = (
        f"its capacity provider strategy ({mode.said()}) runs {share:.0%} of its {tasks:,.3g} tasks on average on "
        f"FARGATE: the cost now is that mix of the Fargate Spot bill (${spot_usd:,.2f}) and the on-demand one "
        f"(${on_demand.monthly_usd:,.2f})"
    )
    chosen = next((item for item in sizing.modes if item.chosen), None) if sizing is not None else None
    kept = chosen if chosen is not None and chosen.monthly_usd is not None and chosen.monthly_usd < usd else None
    return CurrentMode(mode, f"{name} with {share:.0%} on demand", usd=usd, notes=(note,), cheaper=kept)


#: How a bill names the copies' share of an existing cluster's nodes (decider/cost/purchase_lines.py).
SHARED = "share of the existing cluster's nodes"


def _fallback(compared: RankedTarget | None) -> str:
    """The clause saying the cost now is the chosen mode's bill instead."""
    if compared is None or compared.sizing is None:
        return ""
    chosen = next((item for item in compared.sizing.modes if item.chosen), None)
    return f"; the cost now shown is that of {chosen.name}, the mode decider chooses" if chosen is not None else ""
