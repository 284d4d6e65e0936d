"""Capacity modes: the way each target's capacity is bought or run, chosen per workload.

A target lists its modes in targets.yaml (Lambda on demand or on Managed Instances; ECS tasks on demand or on Spot;
EKS managed node groups, Auto Mode or Fargate). A mode that a rule keeps out (``mode:`` in rules/modes.yaml) or that
the region's price book does not price is not chosen. Of the others the cheapest at the workload's volume is chosen;
for ``optimize_for: simplicity`` (and for a team with low ops capacity that asks for ``balanced``: ``mode_goal``) a mode
at most ``mode_tilt`` dearer is chosen instead when the team runs less of it (lower ``hands_on``), for ``control`` when
it gives more control of the hosts. Every mode's plan comes from one sizing pass per purchase option
(decider/cost/bill.py) and the mode plans built on it (decider/cost/mode_plans.py). The chosen plan's sizing names its
``mode`` and lists every mode considered, with its bill or the rules keeping it out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decider.cost.bill import Plan, plan_targets, round_usd
from decider.cost.instances import InstanceOption
from decider.cost.memo import PlanMemo
from decider.cost.mode_goal import TILTED, mode_goal
from decider.cost.mode_goal import pick_mode as _pick
from decider.cost.mode_plans import eks_auto_mode, eks_fargate, lambda_managed_instances
from decider.cost.repurchase import repurchased
from decider.cost.volumes import image_room_gb
from decider.decision import ModeOption
from decider.facts import Facts
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
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


#: The band of a mode's bill over which points limited to modes fade from one mode to another (``Choice.shares``),
#: and the halvings that find where in it the choice switches (to within 0.1% of the bill). 25%: the points that count
#: in one mode only and fire together reach 26 on Lambda on demand (a start past 10 s, a cold wait past 15 s and a
#: cold start past the latency target: 10 + 8 + 8 at balanced weights), and half of them fade over the half-band a
#: switch sits in, so a 3% move of the bills' ratio moves at most 26 × 0.5 × 0.03 / 0.25 = 1.6 of them, leaving room
#: for the cost criterion, which moves with the same bills (with 15%, 3.5 points were seen).
SHARE_BAND = 0.25
SHARE_HALVINGS = 8


@dataclass(frozen=True, slots=True)
class Choice:
    """How one target's mode was chosen: every mode with its month's bill (None when a rule keeps it out, with those
    rules, or when it is not priced). The options a decision shows are built from it only when one is shown."""

    chosen: Mode
    priced: tuple[tuple[Mode, float | None, tuple[Fired, ...]], ...]
    optimize_for: str
    """The goal the mode was chosen for (``mode_goal``): ``optimize_for``, or simplicity for a low-ops team."""
    region: str
    tilt: float = 0.0
    """The cost model's ``mode_tilt``, as the choice was made with it."""
    why: str = ""
    """What favours a mode within the tilt, in words (``mode_goal``); ``optimize_for: <goal>`` when empty."""

    def shares(self, band: float = SHARE_BAND) -> dict[str, float]:
        """How far each mode counts as the one running, for the rules whose points hold in some modes only
        (``in_modes``): the chosen mode wholly, unless a rise of its bill by less than ``band`` would have another
        chosen over it; then that mode takes a share, growing to a half at the point where the choice switches
        (where, seen from the other side, the other mode holds the same half). Points limited to a mode so fade in
        and out over a band of the bills instead of jumping when a small change of the workload switches the mode.

        Each mode near enough gets a weight (``_weight``: 1 at the switch, none at ``band``), the chosen mode 1, and
        each its weight's share of their sum: with one mode near, the chosen mode keeps 1 − half the nearness (as
        a half-band fade); with two near, both take a share, so that a switch between two of three modes moves no
        share at once (with only the nearest sharing, the third's share vanished when the other two switched)."""
        chosen = self.chosen
        totals = {mode.id: total for mode, total, _ in self.priced if total is not None}
        modes = [mode for mode, total, _ in self.priced if total is not None]
        if len(modes) < 2 or totals[chosen.id] <= 0:
            return {chosen.id: 1.0}
        weights = {chosen.id: 1.0}
        for mode in modes:
            if mode is not chosen:
                weight = self._weight(mode, modes, totals, band)
                if weight > 0.0:
                    weights[mode.id] = weight
        if len(weights) == 1:
            return {chosen.id: 1.0}
        whole = math.fsum(weights.values())
        return {mode_id: weight / whole for mode_id, weight in weights.items()}

    def _weight(self, mode: Mode, modes: Sequence[Mode], totals: Mapping[str, float], band: float) -> float:
        """How near ``mode`` is to being chosen over the chosen one, the two alone (in the order the target lists
        them): the rise of the chosen mode's bill that switches the choice, found by halving, as a weight v/(2 − v)
        of its nearness v (1 at the switch, 0 at ``band`` and past it), so that with this one mode near the chosen
        mode keeps 1 − v/2, a straight fade over the half-band."""
        chosen = self.chosen
        pair = [candidate for candidate in modes if candidate is chosen or candidate is mode]
        # The two modes' totals, the chosen one's set anew for each rise tried (``_pick`` reads only the pair's)
        pair_totals = {candidate.id: totals[candidate.id] for candidate in pair}
        least, goal, tilt = totals[chosen.id], self.optimize_for, self.tilt
        first, second = pair
        rival = totals[mode.id]

        def picked(factor: float) -> Mode:
            if goal not in TILTED:  # _pick of two modes with no tilt: the second only when strictly cheaper
                raised = least * factor
                first_total, second_total = (raised, rival) if first is chosen else (rival, raised)
                return second if second_total < first_total else first
            pair_totals[chosen.id] = least * factor
            return _pick(pair, pair_totals, goal, tilt)

        if picked(1 + band) is chosen:
            return 0.0
        low, high = 1.0, 1 + band  # chosen at low, the other at high: halve to the switch
        for _ in range(SHARE_HALVINGS):
            middle = (low + high) / 2
            low, high = (middle, high) if picked(middle) is chosen else (low, middle)
        nearness = 1 - (high - 1) / band
        return nearness / (2 - nearness)

    def options(self) -> tuple[ModeOption, ...]:
        return tuple(ModeOption.model_validate(option) for option in self.option_data())

    def option_data(self) -> list[dict[str, Any]]:
        """Every mode considered, as plain data in the ModeOption shape."""
        totals = {mode.id: total for mode, total, _ in self.priced if total is not None}
        return [self._option(mode, total, kept_out, totals) for mode, total, kept_out in self.priced]

    def sized(self, plan: Plan) -> dict[str, Any]:
        """The plan's sizing naming the chosen mode and every mode considered, as plain data in the Sizing shape (a
        Decision validates it with the rest of the answer)."""
        return plan.draft.data(mode=self.chosen.id, modes=self.option_data())

    def _option(
        self, mode: Mode, total: float | None, kept_out: tuple[Fired, ...], totals: Mapping[str, float]
    ) -> dict[str, Any]:
        chosen, goal = self.chosen, self.why or f"optimize_for: {self.optimize_for}"
        if kept_out:
            said = "; ".join(fired.message for fired in kept_out if fired.message)
            note = f"kept out: {said}" if said else "kept out by " + ", ".join(fired.id for fired in kept_out)
        elif total is None:
            note = f"not priced: the {self.region} price book has no price for it, or no size holds a copy"
        elif mode is chosen:
            cheapest = min(totals.values())
            note = (
                "the only mode allowed"
                if len(totals) == 1
                else "the cheapest mode allowed"
                if total <= cheapest + 1e-9
                else f"${total - cheapest:,.2f} a month{_share(total, cheapest)} dearer than the cheapest, within the "
                f"tilt; {goal} favours it"
            )
        else:
            difference = total - totals[chosen.id]
            note = (
                f"${difference:,.2f} a month more than {chosen.name}"
                if difference >= 0
                else f"${-difference:,.2f} a month less, but {goal} favours {chosen.name}"
            )
        return {
            "mode": mode.id,
            "name": mode.name,
            "monthly_usd": round_usd(total, 2) if total is not None else None,
            "chosen": mode is chosen,
            "excluded_by": tuple(fired.id for fired in kept_out),
            "note": note,
        }


def _share(total: float, cheapest: float) -> str:
    return f" ({(total / cheapest - 1) * 100:.1f}%)" if cheapest > 0 else ""


@dataclass(frozen=True)
class Modes:
    """Each target's plan in its chosen mode, how the mode was chosen, and the plans of the modes priced but not
    chosen."""

    plans: dict[str, Plan]
    choices: dict[str, Choice]
    alternatives: dict[str, dict[str, Plan]]


def choose_modes(
    targets: Sequence[Target],
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    excluded: Mapping[tuple[str, str], tuple[Fired, ...]],
    unpriced: dict[str, str] | None = None,
    memo: PlanMemo | None = None,
    *,
    shown: bool = True,
    priced_as: int | None = None,
) -> Modes:
    """Price every allowed mode of every target and choose one per target (see the module's docstring);
    ``unpriced`` (when given) gets why a target could not be priced (a price the region's book lacks, no fitting
    type). ``memo`` (one per decision) keeps the plans priced, for the rankings of changed workloads that price the
    same (decider/cost/memo.py); a ranking not ``shown`` (nobody reads its sizing) may take plans sized for another
    peak. ``priced_as`` is the memo's number for the workload, when the caller has it already."""
    if priced_as is None:  # a memo of this call alone is read by no other: any number keys its plans
        priced_as = memo.key(workload, facts, book, image_room_gb(model), shown=shown) if memo is not None else 0
    memo = memo if memo is not None else PlanMemo()
    bases, flags = _base_plans(targets, workload, facts, book, model, excluded, unpriced, memo, priced_as)
    plans: dict[str, Plan] = {}
    choices: dict[str, Choice] = {}
    alternatives: dict[str, dict[str, Plan]] = {}
    requests = workload.requests_per_month
    (goal, why), tilt, region = mode_goal(workload), model.mode_tilt, book.region
    # Written out (one pass per target, no comprehensions): every ranking of a decision with advice runs it
    for target in targets:
        if not target.modes:
            if target.id in bases["nodes"]:
                plans[target.id] = bases["nodes"][target.id]
            continue
        priced: list[tuple[Mode, Plan | None, tuple[Fired, ...]]] = []
        allowed: list[Mode] = []  # the modes priced, in the target's order
        totals: dict[str, float] = {}
        for mode in target.modes:
            kept_out = excluded.get((target.id, mode.id), ())
            if kept_out:
                plan = None
            elif mode.price in BUILT_ON:
                plan = _mode_plan(mode, target, workload, facts, book, model, bases, flags, memo, priced_as)
            else:  # the target's own plan for the mode's purchase option (``_mode_plan`` for these)
                plan = bases[BASES[mode.price]].get(target.id)
            priced.append((mode, plan, kept_out))
            if plan is not None:
                allowed.append(mode)
                totals[mode.id] = plan.total(requests)
        if not totals:
            if unpriced is not None and target.id not in unpriced:
                unpriced[target.id] = _none_priced(priced, region)
            continue
        chosen = _pick(allowed, totals, goal, tilt)
        others: dict[str, Plan] = {}
        for mode, plan, _ in priced:
            if plan is None:
                continue
            if mode is chosen:
                if target.id not in plans:  # the first priced entry of the chosen mode, as ``next`` found it
                    plans[target.id] = plan
            else:
                others[mode.id] = plan
        choices[target.id] = Choice(
            chosen, tuple((mode, totals.get(mode.id), out) for mode, _, out in priced), goal, region, tilt, why
        )
        if others:
            alternatives[target.id] = others
    return Modes(plans, choices, alternatives)


def _none_priced(priced: Sequence[tuple[Mode, Plan | None, tuple[Fired, ...]]], region: str) -> str:
    """Why a target has no bill when none of its modes has one: each mode kept out (by which rules) or not priced."""
    said = [
        f"{mode.name} kept out by {', '.join(fired.id for fired in kept_out)}"
        if kept_out
        else f"{mode.name} not priced (the {region} price book has no price for it, or no size holds a copy)"
        for mode, _, kept_out in priced
    ]
    return "no capacity mode of it can be priced: " + "; ".join(said)


def _base_plans(
    targets: Sequence[Target],
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    excluded: Mapping[tuple[str, str], tuple[Fired, ...]],
    unpriced: dict[str, str] | None,
    memo: PlanMemo,
    priced_as: int,
) -> tuple[dict[str, dict[str, Plan]], dict[str, bool]]:
    """The targets' own plans per purchase option, one sizing pass per distinct workload (on demand, on Spot, as
    given): a workload that does not allow Spot is the same object for on demand and as given, and is sized once.
    Plans ``memo`` holds for the same priced inputs are taken from it; only the others are sized. With the plans, the
    Spot preference each purchase option was priced with."""
    wanted: dict[str, set[str]] = {name: set() for name in ("on-demand", "spot", "nodes")}
    for target in targets:
        if not target.modes:
            wanted["nodes"].add(target.id)
        for mode in target.modes:
            if not excluded.get((target.id, mode.id)):
                wanted[BASES[mode.price]].add(target.id)
    spot = workload.preferences.spot_ok
    flags = {  # the Spot preference each purchase option is priced with
        "on-demand": False if spot and wanted["on-demand"] else spot,
        "spot": True if not spot and wanted["spot"] else spot,
        "nodes": spot,
    }
    together: dict[bool, set[str]] = {}  # by distinct workload: one plan_targets call (one catalogue pass) each
    for name, flag in flags.items():
        together.setdefault(flag, set()).update(wanted[name])
    by_flag: dict[bool, dict[str, Plan]] = {}
    # The instance type, chosen once for the purchase options that bill compute alike (by management fee and node kind),
    # and once for the rankings that differ only in what no instance choice reads (decider/cost/memo.py ``instances``)
    chosen: dict[tuple[bool, bool, float], InstanceOption | None] = memo.instances(priced_as)
    for flag in flags.values():
        if flag in by_flag:
            continue
        group = [target for target in targets if target.id in together[flag]]
        missing = [target for target in group if (priced_as, flag, target.id) not in memo.bases]
        if missing:
            variant = workload if flag == spot else _with_spot(workload, flag)  # a copy only when one is wanted
            reasons: dict[str, str] = {}
            # A target priced already with the other Spot preference is that plan bought the other way
            # (decider/cost/repurchase.py); the others are sized and priced
            found: dict[str, Plan] = {}
            for target in missing:
                other = memo.bases.get((priced_as, not flag, target.id))
                bought = other[0] if other else memo.bought(priced_as, flag, target.id, variant)  # on another term
                as_is = bought is not None and not other and "instance_type" in bought.draft.fields
                twin = bought if as_is else repurchased(bought, target, variant, book, model) if bought else None
                if twin is not None:
                    found[target.id] = twin
            rest = [target for target in missing if target.id not in found]
            if rest:
                found.update(plan_targets(rest, variant, facts, book, model, reasons, chosen))
            for target in missing:
                memo.bases[(priced_as, flag, target.id)] = (found.get(target.id), reasons.get(target.id))
        by_flag[flag] = {}
        for target in group:
            plan, reason = memo.bases[(priced_as, flag, target.id)]
            if plan is not None:
                by_flag[flag][target.id] = plan
            elif reason is not None and unpriced is not None:
                unpriced[target.id] = reason
    return {name: by_flag[flag] for name, flag in flags.items()}, flags


def _with_spot(workload: Workload, spot_ok: bool) -> Workload:
    return workload.model_copy(update={"preferences": workload.preferences.model_copy(update={"spot_ok": spot_ok})})


def _mode_plan(
    mode: Mode,
    target: Target,
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    bases: Mapping[str, Mapping[str, Plan]],
    flags: Mapping[str, bool],
    memo: PlanMemo,
    priced_as: int,
) -> Plan | None:
    option = BASES[mode.price]
    base = bases[option].get(target.id)
    if mode.price not in BUILT_ON:
        return base
    # A mode plan is built on its target's own (when priced), as bought with the Spot preference of its purchase
    # option: EKS Auto Mode nodes are Spot when the workload allows it, on demand (or committed) when not.
    key = (priced_as, target.id, mode.id, flags[option], base is None)
    if key not in memo.modes:
        memo.modes[key] = _priced_mode(mode, target, workload, facts, book, model, base)
    return memo.modes[key]


def _priced_mode(
    mode: Mode, target: Target, workload: Workload, facts: Facts, book: PriceBook, model: CostModel, base: Plan | None
) -> Plan | None:
    if mode.price == "eks-auto-mode":
        return eks_auto_mode(base, book) if base is not None else None
    if mode.price == "eks-fargate":
        return eks_fargate(target, workload, facts, book, model, base)
    if mode.price == "lambda-managed-instances":
        return lambda_managed_instances(target, workload, facts, book, model)
    return base


#: The capacity modes priced by a plan of their own built on the target's (``_priced_mode``); the others are the
#: target's own plan for their purchase option.
BUILT_ON = ("eks-auto-mode", "eks-fargate", "lambda-managed-instances")
