"""A quote: everything the cost model adds to one decision (bills, sizing, the cost score, break-even points).

``decide`` asks for a quote once the rules have run; the quote prices the eligible targets from the workload's
regional price book, computes the cost criterion from the bills (folded into the scores like every rule), and, once
the ranking is known, finds where the recommended target's bill crosses the others'.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from decider.cost.bill import Plan, round_usd
from decider.cost.breakeven import (
    approx_apart,
    approx_toward,
    band_said,
    break_even_points,
    distance,
    said,
    threshold_said,
    turn_said,
)
from decider.cost.compiled import Compiled
from decider.cost.curve import cost_curve
from decider.cost.gaps import NO_PRICE
from decider.cost.memo import PlanMemo
from decider.cost.mode_goal import mode_goal
from decider.cost.mode_sentences import mode_sentences
from decider.cost.modes import Choice, choose_modes
from decider.decision import BreakEven, PricingInfo
from decider.errors import WorkloadError
from decider.facts import Facts
from decider.known_names import unknown_region
from decider.numbers import show
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Ruleset
from decider.scoring import Fired, Firing
from decider.workload import JOB_PATTERNS, Workload


@dataclass(frozen=True)
class Quote:
    """The priced side of a decision."""

    plans: dict[str, Plan]
    cost: Fired | None
    """The criterion computed from the bills; None when fewer than two targets are priced."""
    pricing: PricingInfo
    requests_per_month: float
    per_request: frozenset[str]
    """The targets billed per request (Lambda), whose crossings with capacity-billed targets are always sought."""
    unpriced: dict[str, str] = field(default_factory=dict)
    """Eligible targets without a bill, and why: a price the region's book lacks, or no instance type fits."""
    alternatives: dict[str, dict[str, Plan]] = field(default_factory=dict)
    """Per target, the plans of the capacity modes priced but not chosen (by mode id)."""
    choices: dict[str, Choice] = field(default_factory=dict)
    """Per target with modes, how its mode was chosen."""
    unit: str = "requests"
    """What the volume counts, in the sentences: requests, or runs of a job."""
    shares: dict[str, Mapping[str, float]] = field(default_factory=dict, compare=False, repr=False)
    """Each target's mode shares (``Choice.shares``) once asked for: the rankings nobody reads that reuse this quote
    (``PlanMemo.quotes``) ask for the same ones."""

    sized: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    """Each target's sizing as plain data (``sizing``) once asked for: the ranking, the warnings and the notes read
    Lambda's."""

    def sizing(self, target: str) -> dict[str, Any]:
        """What to configure on a priced target, naming its capacity mode and the modes considered, as plain data in
        the Sizing shape (the Decision validates it with the rest of its tree), built once: read it, never change
        it."""
        found = self.sized.get(target)
        if found is None:
            plan = self.plans[target]
            choice = self.choices.get(target)
            found = self.sized[target] = choice.sized(plan) if choice is not None else plan.draft.data()
        return found

    @cached_property
    def bills(self) -> dict[str, dict[str, Any]]:
        """Each priced target's itemised bill as plain data in the MonthlyCost shape (built when a decision's output
        asks for it; the Decision validates it with the rest of its tree)."""
        return {target: plan.bill_data(self.requests_per_month) for target, plan in self.plans.items()}

    @property
    def totals(self) -> dict[str, float]:
        return {target: bill["total_usd"] for target, bill in self.bills.items()}

    def break_even(self, ranking: Sequence[str]) -> list[BreakEven]:
        return break_even_points(self.plans, ranking, self.requests_per_month, self.per_request)

    def curve(self, ranking: Sequence[str], points: Sequence[BreakEven]) -> tuple[dict[str, Any], ...]:
        """The bills over 0.1× to 10× the workload's traffic (decider/cost/curve.py), for the chart."""
        return cost_curve(self.plans, ranking, self.requests_per_month, points)

    def sentences(
        self,
        ruleset: Ruleset,
        points: Sequence[BreakEven],
        *,
        resized: bool = False,
        check: Callable[[str, str, str, float, float], bool] | None = None,
    ) -> list[str]:
        """Each crossing within ``SAID_WITHIN`` of the workload's volume in words, for ``what_would_change``: what
        rising (or falling) volume would make cheaper, the nearest change of volume first. With ``resized`` (the
        points went through decider/crossings.py) a crossing is said at the volume a rerun finds, each target sized
        for it, and not at all when none was found; else at the held-sizing volume, said as such. A sentence about
        another capacity mode is said only when ``check`` (decider/crossings.py ``ModeCheck``), when given, finds it
        holds."""
        sentences: list[str] = []
        near: list[tuple[float, BreakEven]] = []
        for point in points:
            volume_at = point.resized_requests_per_month if resized else point.requests_per_month
            if volume_at is not None and said(point.requests_per_month, self.requests_per_month):
                near.append((volume_at, point))
        near.sort(key=lambda item: distance(item[0], self.requests_per_month))
        basis = "monthly cost, each target sized for that volume" if resized else "monthly cost with this sizing"
        # A bill with a line at $0 for a price the region's book lacks is low by it: a crossing with it may move
        partial = {target for target, plan in self.plans.items() if any(NO_PRICE in line.item for line in plan.lines)}
        for volume_at, point in near:
            above, below = ruleset.target(point.target).name, ruleset.target(point.versus).name
            volume, now = approx_apart(volume_at, self.requests_per_month)
            rising = point.requests_per_month >= self.requests_per_month
            cheaper, dearer = (above, below) if rising else (below, above)
            until, again = point.resized_until_requests_per_month, point.resized_again_requests_per_month
            checked = ""
            near_value = volume_at
            if resized and until is not None:  # each volume said rounded into the range the engine found it holds in
                volume, near_value = threshold_said(volume_at, until, self.requests_per_month)
            if resized and until is not None and again is not None:  # a band: cheaper from the volume found to until
                (volume, _), (far, _), (back, _) = band_said(volume_at, until, again, self.requests_per_month)
                low, high = (volume, far) if rising else (far, volume)
                change = f"Between {low} and {high} {self.unit} a month {cheaper} is cheaper than {dearer}, "
                turns, past = point.resized_turns_requests_per_month, point.resized_turns_until_requests_per_month
                by = "by" if rising else "down at"  # falling volume: "by ~1.46B" would read as a rise to it
                if turns is None:
                    change += f"and {by} {back} {dearer} is cheaper again"
                elif past is None:  # the two take turns past the band: said up to where the first is cheaper once more
                    turn = turn_said(volume_at, until, again, turns, self.requests_per_month)[0]
                    change += f"{by} {back} {dearer} is cheaper again, and {by} {turn} {cheaper} is cheaper once more: "
                    change += "the two take turns"
                else:  # and a threshold past it: "above" it, as far as it was checked
                    turn, turn_value = threshold_said(turns, past, self.requests_per_month)
                    change += f"{by} {back} {dearer} is cheaper again, and {'above' if rising else 'below'} {turn} "
                    change += f"{cheaper} is cheaper"
                    if past != turns:
                        checked = f", checked to {approx_toward(past, turns, turn_value)[0]}"
            else:
                word = "Above" if rising else "Below"
                change = f"{word} {volume} {self.unit} a month {cheaper} becomes cheaper than {dearer}"
                if resized and until is not None and until != volume_at:  # how far past it the engine priced both
                    checked = f", checked to {approx_toward(until, volume_at, near_value)[0]}"
            short = [ruleset.target(target).name for target in (point.target, point.versus) if target in partial]
            caveat = (
                f"; {' and '.join(short)} {'have' if len(short) > 1 else 'has'} lines at $0 for prices this region's "
                "book lacks, so this volume may move"
                if short
                else ""
            )
            sentences.append(f"{change} ({basis}{checked}; now {now}{caveat}).")
        names = {target.id: target.name for target in ruleset.targets}
        modes = {target.id: {mode.id: mode.name for mode in target.modes} for target in ruleset.targets}
        # A mode sentence moves a held-sizing crossing: said only where a rerun finds that crossing (within a tenth).
        held = [point for point in points if not resized or _held_holds(point)]
        return sentences + mode_sentences(
            names,
            modes,
            self.plans,
            self.alternatives,
            held,
            lambda volume: said(volume, self.requests_per_month),
            unit=self.unit,
            check=check,
        )


def _held_holds(point: BreakEven) -> bool:
    found = point.resized_requests_per_month
    return found is not None and distance(found, point.requests_per_month) <= math.log(1.1)


_INFO: Compiled[PricingInfo] = Compiled(limit=64)


def _pricing_info(book: PriceBook) -> PricingInfo:
    """Which prices a decision used (region, date, digest): one validated model per price book, not one per ranking
    (a reloaded book is a new object and gets its own)."""
    return _INFO.get(
        id(book),
        book,
        lambda: PricingInfo(region=book.region, as_of=book.as_of, currency=book.currency, digest=book.digest),
    )


def quote(
    workload: Workload,
    facts: Facts,
    ruleset: Ruleset,
    firing: Firing,
    memo: PlanMemo | None = None,
    *,
    explain: bool = True,
    priced_as: int | None = None,
) -> Quote | None:
    """Price the eligible targets; None when the rules directory ships no price books. ``memo`` keeps the plans of
    one decision for the rankings of its changed workloads (decider/cost/memo.py); without ``explain`` (a ranking
    only compared) the cost criterion's message is left empty. ``priced_as`` is the memo's number for the workload,
    when the caller has it already."""
    if not ruleset.pricing or ruleset.cost_model is None:
        return None
    region = workload.preferences.region
    book = ruleset.pricing.get(region)
    if book is None:
        raise WorkloadError([unknown_region(region, tuple(ruleset.pricing))])
    eligible = [target for target in ruleset.targets if target.id not in firing.exclusions]
    reused: tuple[Any, ...] | None = None
    if memo is not None and not explain and priced_as is not None:
        # A ranking nobody reads, priced from the same inputs as one before it in this decision (the memo's number,
        # the Spot preference and the goal), with the same targets and modes eligible: its quote is that one's. The
        # rules' messages on a mode kept out are not read in such a ranking, only which modes are kept out.
        preferences = workload.preferences
        reused = (
            priced_as,
            preferences.spot_ok,
            preferences.optimize_for,
            mode_goal(workload)[0],
            tuple(target.id for target in eligible),
            frozenset(key for key, kept_out in firing.mode_exclusions.items() if kept_out),
        )
        found = memo.quotes.get(reused)
        if isinstance(found, Quote):
            return found
    unpriced: dict[str, str] = {}
    modes = choose_modes(
        eligible,
        workload,
        facts,
        book,
        ruleset.cost_model,
        firing.mode_exclusions,
        unpriced,
        memo,
        shown=explain,
        priced_as=priced_as,
    )
    plans = modes.plans
    for target in plans:
        unpriced.pop(target, None)  # priced in another of its modes
    requests = workload.requests_per_month
    weight = ruleset.weights[workload.preferences.optimize_for]["cost"]
    names = {target: ruleset.target(target).name for target in plans}
    fired = cost_reason(
        {target: plan.total(requests) for target, plan in plans.items()},
        names,
        ruleset.cost_model,
        weight,
        explain=explain,
    )
    priced = Quote(
        plans=plans,
        cost=fired,
        pricing=_pricing_info(book),
        requests_per_month=requests,
        unpriced=unpriced,
        per_request=frozenset(
            target.id for target in ruleset.targets if target.cost is not None and target.cost.model == "lambda"
        ),
        alternatives=modes.alternatives,
        choices=modes.choices,
        unit="runs" if workload.traffic.pattern in JOB_PATTERNS else "requests",
    )
    if reused is not None and memo is not None:
        memo.quotes[reused] = priced
    return priced


def cost_reason(
    totals: Mapping[str, float], names: Mapping[str, str], model: CostModel, weight: float, *, explain: bool = True
) -> Fired | None:
    """The criterion computed from the bills: each target loses points by how many times the cheapest eligible bill
    it costs, smoothly (a log of the ratio), so a small change of a bill is a small change of score.

    impact = -min(max_points, points_per_doubling × log2((cost + floor) / (cheapest + floor))) × the ``cost``
    category weight; the cheapest target gets 0. None with fewer than two targets priced; no message unless ``explain``.
    """
    if len(totals) < 2:
        return None
    score = model.score
    cheapest_target, cheapest = min(totals.items(), key=_by_cost)
    impacts: dict[str, float] = {}
    for target, total in totals.items():
        points = score.points_per_doubling * math.log2((total + score.floor_usd) / (cheapest + score.floor_usd))
        impacts[target] = round(-min(score.max_points, points) * weight, 1)
    message = ""
    if explain:
        listed = ", ".join(
            f"{names[target]} ${round_usd(total, 2):,.2f}" for target, total in sorted(totals.items(), key=_by_cost)
        )
        message = f"Estimated monthly cost: {listed}; {show(round(score.points_per_doubling * weight, 1))} points off "
        message += "per doubling over the "
        message += f"cheapest, {names[cheapest_target]}"
    return Fired(score.rule, "cost", score.source, message, impacts)


def _by_cost(item: tuple[str, float]) -> tuple[float, str]:
    return item[1], item[0]
