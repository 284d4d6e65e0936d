"""Capacity modes: the way each target's capacity is bought or run, chosen per workload.

A target lists its modes in targets.yaml (Lambda on demand or on Managed Instances; ECS tasks on demand or on Spot;
EKS managed node groups, Auto Mode or Fargate). A mode that a rule keeps out (``mode:`` in rules/modes.yaml) or that
the region's price book does not price is not chosen. Of the others the cheapest at the workload's volume is chosen;
for ``optimize_for: simplicity`` a mode at most ``mode_tilt`` dearer is chosen instead when the team runs less of it
(lower ``hands_on``), for ``control`` when it gives more control of the hosts. Every mode's plan comes from one sizing
pass per purchase option (decider/cost/bill.py) and the mode plans built on it (decider/cost/mode_plans.py). The
chosen plan's sizing names its ``mode`` and lists every mode considered, with its bill or the rules keeping it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from decider.cost.bill import Plan, plan_targets, round_usd
from decider.cost.breakeven import approx_requests, crossings
from decider.cost.mode_plans import eks_auto_mode, eks_fargate, lambda_managed_instances
from decider.decision import BreakEven, ModeOption
from decider.facts import Facts
from decider.pricing.book import CostModel, PriceBook
from decider.rules.model import Mode, Target
from decider.scoring import Fired
from decider.workload import Workload

#: The plan each way of pricing a mode starts from: the target's own sizing bought on demand, on Spot, or as the
#: preferences ask (EKS nodes: Spot when ``spot_ok``).
BASES = {
    "on-demand": "on-demand",
    "spot": "spot",
    "nodes": "nodes",
    "eks-auto-mode": "nodes",
    "eks-fargate": "nodes",
    "lambda-managed-instances": "on-demand",
}


@dataclass(frozen=True)
class Modes:
    """Each target's plan in its chosen mode, and the plans of the modes priced but not chosen."""

    plans: dict[str, Plan]
    alternatives: dict[str, dict[str, Plan]]


def choose_modes(
    targets: Sequence[Target],
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    excluded: Mapping[tuple[str, str], tuple[Fired, ...]],
) -> Modes:
    """Price every allowed mode of every target and choose one per target (see the module's docstring)."""
    bases = _base_plans(targets, workload, facts, book, model, excluded)
    plans: dict[str, Plan] = {}
    alternatives: dict[str, dict[str, Plan]] = {}
    requests = workload.requests_per_month
    for target in targets:
        if not target.modes:
            if target.id in bases["nodes"]:
                plans[target.id] = bases["nodes"][target.id]
            continue
        priced: list[tuple[Mode, Plan | None, tuple[Fired, ...]]] = []
        for mode in target.modes:
            kept_out = excluded.get((target.id, mode.id), ())
            plan = None if kept_out else _plan(mode, target, workload, facts, book, model, bases)
            priced.append((mode, plan, kept_out))
        totals = {mode.id: plan.total(requests) for mode, plan, _ in priced if plan is not None}
        if not totals:
            continue
        chosen = _pick([mode for mode, plan, _ in priced if plan is not None], totals, workload, model.mode_tilt)
        options = tuple(_option(mode, plan, out, chosen, totals, workload, book) for mode, plan, out in priced)
        plan = next(plan for mode, plan, _ in priced if mode is chosen and plan is not None)
        plans[target.id] = replace(plan, sizing=plan.sizing.model_copy(update={"mode": chosen.id, "modes": options}))
        others = {mode.id: plan for mode, plan, _ in priced if plan is not None and mode is not chosen}
        if others:
            alternatives[target.id] = others
    return Modes(plans, alternatives)


def _base_plans(
    targets: Sequence[Target],
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    excluded: Mapping[tuple[str, str], tuple[Fired, ...]],
) -> dict[str, dict[str, Plan]]:
    """The targets' own plans per purchase option, one sizing pass per distinct workload (on demand, on Spot, as
    given): a workload that does not allow Spot is the same object for on demand and as given, and is sized once."""
    spot = workload.preferences.spot_ok
    variants = {
        "on-demand": _with_spot(workload, False) if spot else workload,
        "spot": workload if spot else _with_spot(workload, True),
        "nodes": workload,
    }
    wanted: dict[str, set[str]] = {name: set() for name in variants}
    for target in targets:
        if not target.modes:
            wanted["nodes"].add(target.id)
        for mode in target.modes:
            if not excluded.get((target.id, mode.id)):
                wanted[BASES[mode.price]].add(target.id)
    by_workload: dict[int, dict[str, Plan]] = {}
    plans: dict[str, dict[str, Plan]] = {}
    for name, variant in variants.items():
        group = [target for target in targets if target.id in wanted[name]]
        done = by_workload.get(id(variant), {})
        missing = [target for target in group if target.id not in done]
        if missing:
            done = {**done, **plan_targets(missing, variant, facts, book, model)}
            by_workload[id(variant)] = done
        plans[name] = done
    return plans


def _with_spot(workload: Workload, spot_ok: bool) -> Workload:
    return workload.model_copy(update={"preferences": workload.preferences.model_copy(update={"spot_ok": spot_ok})})


def _plan(
    mode: Mode,
    target: Target,
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    bases: Mapping[str, Mapping[str, Plan]],
) -> Plan | None:
    base = bases[BASES[mode.price]].get(target.id)
    if mode.price == "eks-auto-mode":
        return eks_auto_mode(base, book) if base is not None else None
    if mode.price == "eks-fargate":
        return eks_fargate(target, workload, facts, book, model, base)
    if mode.price == "lambda-managed-instances":
        return lambda_managed_instances(target, workload, facts, book, model, base)
    return base


def _pick(modes: Sequence[Mode], totals: Mapping[str, float], workload: Workload, tilt: float) -> Mode:
    """The cheapest mode (the earlier listed on a tie), or within ``tilt`` of it the one ``optimize_for`` favours."""
    cheapest = min(modes, key=lambda mode: totals[mode.id])
    goal = workload.preferences.optimize_for
    if goal not in ("simplicity", "control"):
        return cheapest
    near = [mode for mode in modes if totals[mode.id] <= totals[cheapest.id] * (1 + tilt) + 1e-9]
    sign = 1 if goal == "simplicity" else -1
    return min(near, key=lambda mode: (sign * mode.hands_on, totals[mode.id]))


def _option(
    mode: Mode,
    plan: Plan | None,
    kept_out: tuple[Fired, ...],
    chosen: Mode,
    totals: Mapping[str, float],
    workload: Workload,
    book: PriceBook,
) -> ModeOption:
    if kept_out:
        said = "; ".join(fired.message for fired in kept_out if fired.message)
        note = f"kept out: {said}" if said else "kept out by " + ", ".join(fired.id for fired in kept_out)
    elif plan is None:
        note = f"not priced: the {book.region} price book has no price for it, or no size holds a copy"
    elif mode is chosen:
        cheapest = min(totals.values())
        note = (
            "the only mode allowed"
            if len(totals) == 1
            else "the cheapest mode allowed"
            if totals[mode.id] <= cheapest + 1e-9
            else f"within the tilt of the cheapest; optimize_for: {workload.preferences.optimize_for} favours it"
        )
    else:
        difference = totals[mode.id] - totals[chosen.id]
        note = (
            f"${difference:,.2f} a month more than {chosen.name}"
            if difference >= 0
            else f"${-difference:,.2f} a month less, but optimize_for: {workload.preferences.optimize_for} "
            f"favours {chosen.name}"
        )
    return ModeOption(
        mode=mode.id,
        name=mode.name,
        monthly_usd=round_usd(totals[mode.id], 2) if plan is not None and not kept_out else None,
        chosen=mode is chosen,
        excluded_by=tuple(fired.id for fired in kept_out),
        note=note,
    )


def mode_sentences(
    names: Mapping[str, str],
    modes: Mapping[str, Mapping[str, str]],
    plans: Mapping[str, Plan],
    alternatives: Mapping[str, Mapping[str, Plan]],
    points: Sequence[BreakEven],
) -> list[str]:
    """A mode switch that moves a cost crossing, in words: for each crossing of two targets, where it would lie if one
    of them ran in another mode it can use ("With Lambda Managed Instances, AWS Lambda stays cheaper than Amazon ECS
    on AWS Fargate up to ~40M requests a month"). Only a switch in ``side``'s favour is said: its advantage lasts to a
    higher volume, or starts at a lower one, by more than a tenth. ``names`` are the targets' names, ``modes`` the
    modes' names."""
    said: list[str] = []
    for point in points:
        for side, other in ((point.target, point.versus), (point.versus, point.target)):
            for mode, plan in alternatives.get(side, {}).items():
                if other not in plans:
                    continue
                for moved in crossings(plan, plans[other]):
                    if not _helps(side, point, moved):
                        continue
                    volume = approx_requests(moved.requests_per_month)
                    change = (
                        f"stays cheaper than {names[other]} up to {volume}"
                        if moved.versus == side
                        else f"becomes cheaper than {names[other]} above {volume}"
                    )
                    sentence = (
                        f"With {modes[side][mode]}, {names[side]} {change} requests a month "
                        f"(in its chosen mode the bills cross at {approx_requests(point.requests_per_month)})."
                    )
                    if sentence not in said:
                        said.append(sentence)
    return said


def _helps(side: str, point: BreakEven, moved: BreakEven) -> bool:
    """Whether a crossing in another mode (``moved``) is in ``side``'s favour against the crossing now (``point``)."""
    if moved.versus == side and point.versus == side:  # cheaper below: for longer
        return moved.requests_per_month > 1.1 * point.requests_per_month
    if moved.target == side and point.target == side:  # cheaper above: sooner
        return moved.requests_per_month < point.requests_per_month / 1.1
    return False
