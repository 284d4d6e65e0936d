"""One workload ranked: facts derived, rules fired, eligible targets priced and every criterion folded into scores.

``decide`` builds the Decision from a ``Ranked``; the advice search (decider/advice.py) ranks changed workloads with
the same function, so what it states is what ``decide`` would answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from decider.cost.bill import round_usd
from decider.cost.memo import PlanMemo
from decider.cost.mode_goal import mode_goal
from decider.cost.modes import Modes, choose_modes
from decider.cost.quote import Quote, quote
from decider.cost.volumes import image_room_gb
from decider.errors import DeciderError
from decider.facts import Facts, derive
from decider.firing import Plan, kept_out
from decider.firing import plan as compiled_for
from decider.node_fit import refreshed, with_node_room
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.fields import context as build_context
from decider.rules.fields import values_at
from decider.rules.model import Ruleset
from decider.scoring import Evaluation, Firing, fire, fold
from decider.workload import Workload


@dataclass(frozen=True, slots=True)
class Ranked:
    """The eligible targets in rank order, with everything the ranking was computed from."""

    workload: Workload
    facts: Facts
    context: Mapping[str, Any]
    priced: Quote | None
    evaluation: Evaluation
    order: tuple[str, ...]

    @property
    def recommendation(self) -> str | None:
        return self.order[0] if self.order else None

    @property
    def totals(self) -> dict[str, float]:
        return self.priced.totals if self.priced is not None else {}


def rank(
    workload: Workload,
    ruleset: Ruleset,
    *,
    explain: bool = True,
    memo: PlanMemo | None = None,
    derived: tuple[Facts, Mapping[str, Any]] | None = None,
) -> Ranked:
    """Rank every eligible target of a resolved workload: score first, then the simpler target, then the id.
    ``explain=False`` is for rankings only compared, never shown: it skips the rules' messages, and with a ``memo``
    its plans' sizing may be another peak rate's (the bills and the order are its own). ``memo`` shares the plans
    priced between the rankings of one decision (decider/cost/memo.py). ``derived``: the workload's facts and
    context, when the caller has them already (decider/advice.py)."""
    if derived is None:
        facts = with_node_room(
            derive(workload, ruleset.cost_model), workload, _book(workload, ruleset), ruleset.cost_model
        )
        context: Mapping[str, Any] = build_context(workload, facts)
    else:  # the nodes the named types give, which a change to the named types or the region moves (node_fit.py)
        facts, context = derived
        facts, context = refreshed(facts, context, workload, ruleset)
    goal = workload.preferences.optimize_for
    if explain or memo is None:
        firing = fire(ruleset, context, goal, explain=explain)
    else:  # one of a decision's rankings nobody reads: only the rules whose inputs differ from the reference fire
        firing = memo.quiet.fire(ruleset, context, goal)
        priced_as = _priced_as(workload, facts, ruleset, memo)
        alike = memo.last
        if isinstance(alike, Alike) and alike.firing is firing and priced_as in alike.rankings:
            # The rules scored as in a ranking nobody read before, and every input of its bills and mode choices is
            # the same: its bills, scores and order are this one's.
            found = alike.rankings[priced_as]
            return Ranked(workload, facts, context, found.priced, found.evaluation, found.order)
        ranked = _rank(workload, facts, context, ruleset, firing, memo, explain=False, priced_as=priced_as[0])
        if firing is memo.quiet.firing:  # the rules fired as in the reference (decider/firing.py ``Quiet``)
            if not (isinstance(alike, Alike) and alike.firing is firing):
                alike = memo.last = Alike(firing, {})
            alike.rankings[priced_as] = ranked
        return ranked
    return _rank(workload, facts, context, ruleset, firing, memo, explain=explain)


@dataclass(frozen=True, slots=True)
class Alike:
    """The rankings nobody read whose rules fired as in the workload a decision's trials change (``firing``, the
    reference's firing in decider/firing.py ``Quiet``: the only firing two rankings share), by what their bills and
    scores were computed from besides (``_priced_as``): another ranking with that firing on the same priced inputs is
    one of these. A decision's memo keeps them (``PlanMemo.last``)."""

    firing: Firing
    rankings: dict[tuple[int | None, bool, str, str], Ranked]


def _rank(
    workload: Workload,
    facts: Facts,
    context: Mapping[str, Any],
    ruleset: Ruleset,
    firing: Firing,
    memo: PlanMemo | None,
    *,
    explain: bool,
    priced_as: int | None = None,
) -> Ranked:
    priced = quote(workload, facts, ruleset, firing, memo, explain=explain, priced_as=priced_as)
    evaluation = fold(
        ruleset,
        firing,
        (priced.cost,) if priced is not None and priced.cost is not None else (),
        priced.plans if priced is not None else (),
        explain=explain,
        modes={target: choice.chosen.id for target, choice in priced.choices.items()} if priced is not None else None,
        shares=_shares(priced) if priced is not None else None,
    )
    eligible = [target for target in ruleset.targets if target.id not in evaluation.exclusions]
    eligible.sort(key=lambda target: (-evaluation.scores[target.id], target.simplicity, target.id))
    return Ranked(workload, facts, context, priced, evaluation, tuple(target.id for target in eligible))


def _shares(priced: Quote) -> Callable[[str], Mapping[str, float]]:
    """Each target's mode shares (``Choice.shares``), computed when a rule limited to modes asks, once each per quote;
    empty for a target without a choice of mode (its default mode counts, as ``fold`` reads it)."""
    found, choices = priced.shares, priced.choices

    def shares(target: str) -> Mapping[str, float]:
        if target not in found:
            choice = choices.get(target)
            found[target] = choice.shares() if choice is not None else {}
        return found[target]

    return shares


def _priced_as(workload: Workload, facts: Facts, ruleset: Ruleset, memo: PlanMemo) -> tuple[int | None, bool, str, str]:
    """What a ranking nobody reads takes from its workload besides the rules' outcomes: the bills' inputs as the memo
    numbers them (decider/cost/memo.py), the Spot preference (each purchase option's plans), the goal (the cost
    criterion's weight) and the goal its modes are chosen for (the tilt: decider/cost/modes.py ``mode_goal``)."""
    preferences = workload.preferences
    book = _book(workload, ruleset)
    model = ruleset.cost_model
    room = image_room_gb(model) if model is not None else 0.0
    number = memo.key(workload, facts, book, room, shown=False) if book is not None else None
    return number, preferences.spot_ok, preferences.optimize_for, mode_goal(workload)[0]


def totals(workload: Workload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str]) -> Mapping[str, float]:
    """The monthly totals of ``targets`` (those eligible and priced) for a resolved workload, to the cent, as ``rank``
    would bill them, without scoring or ordering anything: for the volume trials of decider/crossings.py, which
    compare two targets' bills. Every target's plan and mode are its own (the instance type a target is sized on
    does not depend on which other targets are priced with it), so these are the totals of ``rank(...).totals``, and
    each target is priced only when its total is first read (``Bills``)."""
    book = _book(workload, ruleset)
    if book is None or ruleset.cost_model is None:
        return {}
    return Bills(workload, ruleset, memo, targets, book, ruleset.cost_model)


class Bills(Mapping[str, float]):
    """The totals ``totals`` gives, each target priced when its total is first read (``pair`` prices two read
    together in one pass): a volume the crossings' checks price for one pair of targets is read for another pair
    only where it falls in that pair's brackets, so the targets of the other crossings are not priced at it unless
    read. The rules that keep targets out and the memo's number of the workload are found at once (one firing a
    volume); a target is absent when it is kept out, has no bill, or cannot be priced at this volume (an error
    pricing it: the bills of the targets priced apart from it stand)."""

    def __init__(
        self,
        workload: Workload,
        ruleset: Ruleset,
        memo: PlanMemo,
        targets: frozenset[str],
        book: PriceBook,
        model: CostModel,
    ) -> None:
        facts = with_node_room(derive(workload, model), workload, book, model)
        firing = _kept_out(ruleset, workload, facts, memo)
        self._wanted = {
            target.id: target
            for target in ruleset.targets
            if target.id in targets and target.id not in firing.exclusions
        }
        self._priced_as = memo.key(workload, facts, book, image_room_gb(model), shown=False)
        self._inputs = (workload, facts, book, model, firing.mode_exclusions, memo)
        self._totals: dict[str, float | None] = {}

    def pair(self, first: str, second: str) -> tuple[float | None, float | None]:
        """The totals of two targets (None for one absent), those not priced yet priced in one pass."""
        totals = self._totals
        if first not in totals or second not in totals:
            self._price((first, second))
        return totals[first], totals[second]

    def _price(self, target_ids: tuple[str, ...]) -> None:
        """Price those of ``target_ids`` not priced yet, in one ``choose_modes`` pass (each target's plan and mode
        are its own, whichever targets are priced with it)."""
        totals, wanted = self._totals, self._wanted
        todo = [target for key, target in wanted.items() if key in target_ids and key not in totals]
        for target_id in target_ids:
            if target_id not in wanted:
                totals[target_id] = None
        if not todo:
            return
        workload, facts, book, model, excluded, memo = self._inputs
        try:
            plans = choose_modes(
                todo, workload, facts, book, model, excluded, None, memo, shown=False, priced_as=self._priced_as
            ).plans
        except (DeciderError, ValueError, ArithmeticError):
            plans = {}
        requests = workload.requests_per_month
        for target in todo:
            plan = plans.get(target.id)
            totals[target.id] = round_usd(plan.total(requests), 2) if plan is not None else None

    def _total(self, target_id: str) -> float | None:
        if target_id not in self._totals:
            self._price((target_id,))
        return self._totals[target_id]

    def __getitem__(self, target_id: str) -> float:
        total = self._total(target_id)
        if total is None:
            raise KeyError(target_id)
        return total

    def __contains__(self, target_id: object) -> bool:
        return isinstance(target_id, str) and self._total(target_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (target_id for target_id in self._wanted if self._total(target_id) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def mode_totals(
    workload: Workload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str]
) -> dict[str, dict[str, float]]:
    """Each of ``targets``' monthly totals per capacity mode priced (by mode id; under ``""`` the total of the mode
    chosen, or of a target without modes), to the cent, as ``rank`` would bill them: for trying a sentence about
    another mode at another volume (decider/crossings.py ``ModeCheck``)."""
    modes = _modes(workload, ruleset, memo, targets)
    requests = workload.requests_per_month
    found: dict[str, dict[str, float]] = {}
    for target, plan in modes.plans.items() if modes is not None else ():
        found[target] = {"": round_usd(plan.total(requests), 2)}
        choice = modes.choices.get(target) if modes is not None else None
        for mode, total, _ in choice.priced if choice is not None else ():
            if total is not None:
                found[target][mode.id] = round_usd(total, 2)
    return found


def _modes(workload: Workload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str]) -> Modes | None:
    """The plans of ``targets`` (those eligible), each in its chosen mode, as ``rank`` prices them; None when the
    workload's region has no price book."""
    book = _book(workload, ruleset)
    if book is None or ruleset.cost_model is None:
        return None
    facts = with_node_room(derive(workload, ruleset.cost_model), workload, book, ruleset.cost_model)
    firing = _kept_out(ruleset, workload, facts, memo)
    wanted = [target for target in ruleset.targets if target.id in targets and target.id not in firing.exclusions]
    return choose_modes(
        wanted, workload, facts, book, ruleset.cost_model, firing.mode_exclusions, None, memo, shown=False
    )


@dataclass(frozen=True, slots=True)
class Kept:
    """The exclusions ``kept_out`` found in one decision (``PlanMemo.kept``), keyed on the rule set compiled for the
    goal (``compiled``, a rule set and goal) and the values, with their types, of every context path a rule that keeps
    something out reads (``Plan.excluding_paths``). That is enough: ``kept_out`` evaluates those rules' conditions
    alone, and each reads only its paths, so another context with the same values there has the same exclusions."""

    compiled: Plan
    values: tuple[Any, ...]
    types: tuple[type, ...]
    firing: Firing


def _kept_out(ruleset: Ruleset, workload: Workload, facts: Facts, memo: PlanMemo) -> Firing:
    """``kept_out`` for a workload and its facts, taken from the memo's last one when the rules that keep something
    out read the same values; only the paths those rules read are read (``values_at``), the context they are
    evaluated on holds those alone."""
    compiled = compiled_for(ruleset, workload.preferences.optimize_for)
    paths = compiled.excluding_paths
    values = values_at(workload, facts, paths)
    types = tuple(map(type, values))
    last = memo.kept
    if isinstance(last, Kept) and last.compiled is compiled and last.values == values and last.types == types:
        return last.firing
    firing = kept_out(ruleset, dict(zip(paths, values, strict=True)), workload.preferences.optimize_for)
    memo.kept = Kept(compiled, values, types, firing)
    return firing


def _book(workload: Workload, ruleset: Ruleset) -> PriceBook | None:
    """The price book of the workload's region; None when the region has none or the rules ship no cost model."""
    return ruleset.pricing.get(workload.preferences.region) if ruleset.cost_model is not None else None
