"""The plan memo of one decision: the rankings of changed workloads take the plans they price alike from it, and the
answer is exactly the answer without it."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from decider import advice as advice_module
from decider import parse_workload
from decider.cost import memo as memo_module
from decider.cost.bill import Plan
from decider.cost.memo import UNPRICED, PlanMemo, image_billed
from decider.cost.modes import Modes, choose_modes
from decider.cost.sizing import LAMBDA_ZIP_MAX_MB, front_door
from decider.cost.volumes import image_room_gb
from decider.engine import decide
from decider.errors import WorkloadError
from decider.facts import Facts, derive
from decider.pricing.book import PriceBook
from decider.ranking import Ranked, rank
from decider.rules.model import Ruleset
from decider.workload import JOB_PATTERNS, SECTIONS, Workload
from tests.test_properties import SHIPPED, WORKLOADS

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def _workload(path: Path) -> object:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document.get("workload", document)


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_answer_with_the_memo_is_the_answer_without_it(
    ruleset: Ruleset, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parse_workload(_workload(path))
    shared = decide(parsed, ruleset)  # the search's rankings share plans where they price alike

    numbers = itertools.count()

    def never_alike(
        self: PlanMemo, workload: Workload, facts: Facts, book: PriceBook, image_room: float, *, shown: bool = True
    ) -> int:
        return next(numbers)  # a new number for every ranking: each prices anew

    monkeypatch.setattr(memo_module.PlanMemo, "key", never_alike)
    assert decide(parsed, ruleset).model_dump() == shared.model_dump()


def test_a_change_the_bills_do_not_read_reuses_the_plans(ruleset: Ruleset) -> None:
    memo = PlanMemo()
    base = rank(parse_workload({"traffic": {"requests_per_month": 5_000_000}}).workload, ruleset, memo=memo)
    assert base.priced is not None
    entries = len(memo.bases)
    same_bills = parse_workload(
        {
            "traffic": {"requests_per_month": 5_000_000},
            "team": {"ops_capacity": "high", "kubernetes_experience": "expert"},
            "preferences": {"optimize_for": "control"},
        }
    ).workload
    other = rank(same_bills, ruleset, memo=memo)
    assert other.priced is not None
    assert len(memo.bases) == entries  # nothing priced again
    assert len(set(memo.keys.values())) == 1  # one set of priced inputs, numbered once
    shared = set(base.priced.plans) & set(other.priced.plans)
    assert shared
    for target in shared:  # the chosen mode may differ with optimize_for; each plan priced once either way
        assert any(other.priced.plans[target] is plan for plan in _every_plan(base, target))
    busier = rank(parse_workload({"traffic": {"requests_per_month": 50_000_000}}).workload, ruleset, memo=memo)
    assert busier.priced is not None
    assert len(memo.bases) > entries  # a change of traffic is priced anew
    assert len(set(memo.keys.values())) == 2
    assert all(busier.priced.plans[target] is not base.priced.plans[target] for target in shared)


def _every_plan(ranked: Ranked, target: str) -> list[Plan]:
    assert ranked.priced is not None
    return [ranked.priced.plans[target], *ranked.priced.alternatives.get(target, {}).values()]


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_a_ranking_only_compared_ranks_as_the_one_shown(ruleset: Ruleset, path: Path) -> None:
    """The advice search ranks without messages (``explain=False``): the same scores and order, the cost criterion
    included, and no text or reasons built for nobody."""
    workload = parse_workload(_workload(path)).workload
    shown, compared = rank(workload, ruleset), rank(workload, ruleset, explain=False)
    assert compared.order == shown.order
    assert compared.evaluation.scores == shown.evaluation.scores
    assert compared.evaluation.scale == shown.evaluation.scale
    assert compared.totals == shown.totals
    if shown.priced is not None and shown.priced.cost is not None:
        assert compared.priced is not None
        assert compared.priced.cost is not None
        assert compared.priced.cost.impacts == shown.priced.cost.impacts
        assert shown.priced.cost.message.startswith("Estimated monthly cost: ")
        assert compared.priced.cost.message == ""
    assert [fired.id for fired in compared.evaluation.fired] == [fired.id for fired in shown.evaluation.fired]
    assert all(fired.message == "" for fired in compared.evaluation.fired)
    assert all(not reasons for reasons in compared.evaluation.reasons.values())
    # What is shown is sorted for display: the most points first.
    for reasons in shown.evaluation.reasons.values():
        assert [points for _, points in reasons] == sorted((points for _, points in reasons), key=lambda p: -abs(p))


def test_a_changed_price_book_is_named_by_its_own_digest(ruleset: Ruleset) -> None:
    """The pricing info a decision carries is kept per price book: a book with one price changed (a reload, an
    override) gets its own digest, and the original book's decisions keep theirs."""
    book = ruleset.pricing["us-east-1"]
    data = copy.deepcopy(book.summary())  # validated anew, as a reload or an override builds a book
    data["fargate"]["linux_x86_64"]["vcpu_hour"]["usd"] *= 2
    changed = PriceBook.model_validate(data)
    other = dataclasses.replace(ruleset, pricing={**ruleset.pricing, "us-east-1": changed})
    workload = parse_workload({"runtime": {"memory_mb": 1024}, "traffic": {"requests_per_month": 5_000_000}})
    before = decide(workload, ruleset, advice=False).pricing
    after = decide(workload, other, advice=False).pricing
    again = decide(workload, ruleset, advice=False).pricing
    assert before is not None
    assert after is not None
    assert again is not None
    assert before.digest == book.digest == again.digest
    assert after.digest == changed.digest != book.digest


def _others(section: str, name: str, value: object) -> list[object]:
    """Other valid values of one field of a resolved workload: every other choice of an enum or flag; for a number,
    ×0.1 and ×10 of it (or a small and a large one when not set or 0), inside the field's bounds."""
    field = SECTIONS[section].model_fields[name]
    annotation = field.annotation
    if annotation is bool:
        return [not value]
    if typing.get_origin(annotation) is typing.Literal:
        return [choice for choice in typing.get_args(annotation) if choice != value]
    numbers = [0.5, 5_000.0] if not value else [float(value) * 0.1, float(value) * 10]  # type: ignore[arg-type]
    for meta in field.metadata:
        numbers = [
            number
            for number in numbers
            if number >= getattr(meta, "ge", -math.inf)
            and number > getattr(meta, "gt", -math.inf)
            and number <= getattr(meta, "le", math.inf)
        ]
    return [number for number in numbers if number != value]


def _plans_by_mode(modes: Modes) -> dict[str, dict[str, tuple[object, ...]]]:
    """Every plan priced, by target and mode, as comparable data: sizing fields, bill lines and instance hours."""
    out: dict[str, dict[str, tuple[object, ...]]] = {}
    for target, plan in modes.plans.items():
        choice = modes.choices.get(target)
        by_mode = {choice.chosen.id if choice else "": plan, **modes.alternatives.get(target, {})}
        out[target] = {mode: (dict(p.draft.fields), p.lines, p.hours) for mode, p in by_mode.items()}
    return out


def _price(ruleset: Ruleset, workload: Workload, memo: PlanMemo, facts: Facts | None = None) -> Modes:
    book = ruleset.pricing[workload.preferences.region]
    assert ruleset.cost_model is not None
    facts = facts if facts is not None else derive(workload)
    return choose_modes(ruleset.targets, workload, facts, book, ruleset.cost_model, {}, {}, memo)


def _changed(workload: Workload, section: str, name: str, value: object) -> Workload:
    part = getattr(workload, section).model_copy(update={name: value})
    return workload.model_copy(update={section: part})


def _image_billed(ruleset: Ruleset, workload: Workload) -> bool:
    assert ruleset.cost_model is not None
    book = ruleset.pricing[workload.preferences.region]
    return image_billed(workload, derive(workload), book, image_room_gb(ruleset.cost_model))


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_a_change_to_a_field_no_bill_reads_takes_the_plans_it_would_price(ruleset: Ruleset, path: Path) -> None:
    """The memo keys plans on every field but those ``UNPRICED`` lists: change each listed field of the scenario to
    each other value, price in the memo of the unchanged workload, and every plan of every target in every mode is
    the plan priced afresh; and priced once, but for the peak rate (keyed through the work in flight at peak) and
    the largest body where a front door bills by its size, a longest duration, start or body that moves a function to
    another front door, a job's cold start (a run is billed from its start), a start that changes how many
    environments a burst holds while it starts cold, and a longest duration or start that changes the function's
    timeout (a sizing shown says both), or an artifact that moves a function to or from a container image."""
    workload = parse_workload(_workload(path)).workload  # defaults resolved
    doors = front_door(workload, serverless=True) or front_door(workload, serverless=False)
    for section, names in UNPRICED.items():
        for name in sorted(names):
            for value in _others(section, name, getattr(getattr(workload, section), name)):
                changed = _changed(workload, section, name, value)
                memo = PlanMemo()
                _price(ruleset, workload, memo)
                shared = _price(ruleset, changed, memo)
                fresh = _price(ruleset, changed, PlanMemo())
                assert _plans_by_mode(shared) == _plans_by_mode(fresh), (section, name, value)
                # a function near API Gateway's limits (27 s of a cold request on demand, of work on Lambda Managed
                # Instances; 6 MB) is priced behind a function URL: keyed apart
                same_door = all(
                    front_door(changed, serverless=True, cold=cold) == front_door(workload, serverless=True, cold=cold)
                    for cold in (True, False)
                )
                job_start = name == "startup_s" and workload.traffic.pattern in JOB_PATTERNS
                # a burst of clients holds more environments at once with a longer start: a sizing shown says so
                burst_start = name == "startup_s" and (
                    derive(changed).lambda_burst_concurrency != derive(workload).lambda_burst_concurrency
                )
                # the function's timeout (its longest run on a new environment) is a sizing shown: keyed apart
                timeout = derive(changed).lambda_cold_run_s != derive(workload).lambda_cold_run_s
                # an image past what a Fargate task includes or a node keeps for images is billed: keyed apart
                image = name == "artifact_mb" and any(_image_billed(ruleset, item) for item in (workload, changed))
                # past what a .zip holds Lambda ships as a container image, which its sizing names: keyed apart
                package = name == "artifact_mb" and (changed.runtime.artifact_mb > LAMBDA_ZIP_MAX_MB) != (
                    workload.runtime.artifact_mb > LAMBDA_ZIP_MAX_MB
                )
                if (
                    name != "peak_rps"
                    and (name != "payload_mb" or not doors)
                    and same_door
                    and not (job_start or image or package or burst_start or timeout)
                ):
                    assert len(set(memo.keys.values())) == 1, (section, name, value)  # the plans came from the memo


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_peak_rate_reaches_the_bills_only_through_the_work_in_flight_at_peak(ruleset: Ruleset, path: Path) -> None:
    """Priced with every fact of a changed peak rate but the work in flight at peak held (and a burst's, while it
    starts cold), every plan is as before: no bill reads the rate itself, or a fact derived from it other than the ones
    the memo keys."""
    workload = parse_workload(_workload(path)).workload  # defaults resolved
    before = derive(workload)
    expected = _plans_by_mode(_price(ruleset, workload, PlanMemo(), before))
    moved = []
    for value in (0.0, workload.peak_rps * 3 + 1):  # at most the average rate (the peak is the average); above it
        changed = _changed(workload, "traffic", "peak_rps", value)
        held = dataclasses.replace(
            derive(changed),
            peak_concurrency=before.peak_concurrency,
            lambda_burst_concurrency=before.lambda_burst_concurrency,
        )
        moved.append(held != before)
        assert _plans_by_mode(_price(ruleset, changed, PlanMemo(), held)) == expected, value
    assert any(moved)  # the peak moved other facts (the peak-to-average ratio, copies at peak)


@given(WORKLOADS, st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_workload_prices_alike_with_a_field_no_bill_reads_changed(raw: dict[str, Any], data: st.DataObject) -> None:
    """The same as the scenarios' test, on workloads generated over the whole contract (any OS, GPUs, protocols, front
    doors, hourly profiles absent or not): one field ``UNPRICED`` lists, changed to another value, prices in the
    unchanged workload's memo exactly as afresh."""
    try:
        workload = parse_workload(raw).workload
    except WorkloadError:
        return  # a combination the contract refuses (say, a GPU on Windows) is no workload to price
    ruleset = SHIPPED
    section, name = data.draw(st.sampled_from([(s, n) for s, names in UNPRICED.items() for n in sorted(names)]))
    others = _others(section, name, getattr(getattr(workload, section), name))
    assume(others)
    value = data.draw(st.sampled_from(others))
    changed = _changed(workload, section, name, value)
    memo = PlanMemo()
    _price(ruleset, workload, memo)
    assert _plans_by_mode(_price(ruleset, changed, memo)) == _plans_by_mode(_price(ruleset, changed, PlanMemo()))


def _assert_ranks_alike(ranked: Ranked, alone: Ranked) -> None:
    """What a ranking nobody reads is compared by: its order, scores, bills' totals and chosen modes."""
    assert ranked.order == alone.order
    assert ranked.evaluation.scores == alone.evaluation.scores
    assert ranked.totals == alone.totals
    assert ranked.priced is not None
    assert alone.priced is not None
    chosen = {target: choice.chosen for target, choice in ranked.priced.choices.items()}
    assert chosen == {target: choice.chosen for target, choice in alone.priced.choices.items()}


def _bills_by_mode(modes: Modes) -> dict[str, dict[str, tuple[object, ...]]]:
    """What a ranking nobody reads is priced from: every plan's bill lines and instance hours, by target and mode."""
    return {
        target: {mode: plan[1:] for mode, plan in by_mode.items()} for target, by_mode in _plans_by_mode(modes).items()
    }


def _chosen(modes: Modes) -> dict[str, str]:
    return {target: choice.chosen.id for target, choice in modes.choices.items()}


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_peak_rate_reaches_no_bill_line(ruleset: Ruleset, path: Path) -> None:
    """A ranking nobody reads takes the plans of a workload that differs only in its peak rate: no bill line (so no
    total, at any volume) and no mode choice depends on the peak, only a sizing's peak figures (most copies and
    instances, Lambda's concurrency at peak)."""
    workload = parse_workload(_workload(path)).workload  # defaults resolved
    base = _price(ruleset, workload, PlanMemo())
    for value in (0.0, workload.peak_rps * 0.1, workload.peak_rps * 10 + 1):
        other = _price(ruleset, _changed(workload, "traffic", "peak_rps", value), PlanMemo())
        assert _bills_by_mode(other) == _bills_by_mode(base), value
        assert _chosen(other) == _chosen(base), value


def test_a_ranking_shown_is_sized_for_its_own_peak_in_a_memo_shared_with_other_peaks(ruleset: Ruleset) -> None:
    """The rankings nobody reads share plans across peak rates; the answer's own ranking never shows another peak's
    sizing: ten times the peak rate, ten times the most copies, the same bills."""
    quiet = parse_workload({"traffic": {"requests_per_month": 5_000_000, "peak_rps": 20}}).workload
    busy = _changed(quiet, "traffic", "peak_rps", 200.0)
    memo = PlanMemo()
    rank(quiet, ruleset, explain=False, memo=memo)
    unread = rank(busy, ruleset, explain=False, memo=memo)
    shown, fresh = rank(busy, ruleset, memo=memo), rank(busy, ruleset)
    assert unread.priced is not None
    assert shown.priced is not None
    assert fresh.priced is not None
    most = shown.priced.plans["ecs-fargate"].draft.max_copies
    assert unread.priced.plans["ecs-fargate"].draft.max_copies < most  # the quiet workload's sizing, unread
    assert most == fresh.priced.plans["ecs-fargate"].draft.max_copies
    assert unread.totals == shown.totals


@given(WORKLOADS, st.floats(min_value=0, max_value=1e7, allow_nan=False))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_bill_line_of_any_workload_reads_the_peak_rate(raw: dict[str, Any], peak_rps: float) -> None:
    """The same over workloads generated across the whole contract, at any peak the contract allows."""
    try:
        workload = parse_workload(raw).workload
    except WorkloadError:
        return  # a combination the contract refuses is no workload to price
    other = _price(SHIPPED, _changed(workload, "traffic", "peak_rps", peak_rps), PlanMemo())
    base = _price(SHIPPED, workload, PlanMemo())
    assert _bills_by_mode(other) == _bills_by_mode(base)
    assert _chosen(other) == _chosen(base)


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_a_ranking_nobody_reads_takes_plans_sized_for_another_peak_and_ranks_as_afresh(
    ruleset: Ruleset, path: Path
) -> None:
    """After a decision's ranking, a ranking nobody reads with another peak rate prices nothing and ranks exactly as
    the same ranking without the memo; a ranking shown with that peak gets a sizing of its own."""
    workload = parse_workload(_workload(path)).workload
    changed = _changed(workload, "traffic", "peak_rps", workload.peak_rps * 10 + 1)
    memo = PlanMemo()
    rank(workload, ruleset, memo=memo)
    priced = len(memo.bases)
    shared = rank(changed, ruleset, explain=False, memo=memo)
    assert len(memo.bases) == priced  # nothing sized or priced again
    _assert_ranks_alike(shared, rank(changed, ruleset, explain=False))
    shown, fresh_shown = rank(changed, ruleset, memo=memo), rank(changed, ruleset)
    assert shown.priced is not None
    assert fresh_shown.priced is not None
    assert {t: dict(p.draft.fields) for t, p in shown.priced.plans.items()} == {
        t: dict(p.draft.fields) for t, p in fresh_shown.priced.plans.items()
    }


def test_every_ranking_of_the_advice_search_ranks_as_the_same_ranking_without_the_memo(
    ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every trial of every scenario's advice search, ranked within its decision (plans shared, rules fired only where
    their inputs differ from today's, an earlier ranking taken whole when nothing it was computed from differs),
    ranks, scores, prices and chooses modes exactly as the same workload ranked on its own."""
    search_rank = rank  # the function the search calls, before it is patched
    rankings: list[Ranked] = []

    def checked(workload: Workload, rules: Ruleset, **options: Any) -> Ranked:
        ranked = search_rank(workload, rules, **options)
        _assert_ranks_alike(ranked, search_rank(workload, rules, explain=False))
        rankings.append(ranked)
        return ranked

    monkeypatch.setattr(advice_module, "rank", checked)
    for path in SCENARIOS:
        decide(parse_workload(_workload(path)), ruleset)
    assert len(rankings) > 10 * len(SCENARIOS)  # about twelve trials a decision
    quotes = [id(ranked.priced) for ranked in rankings if ranked.priced is not None]
    assert len(quotes) - len(set(quotes)) > len(SCENARIOS)  # an earlier ranking's quote was taken whole many times


def test_a_ranking_nobody_reads_takes_the_quote_of_an_earlier_one_priced_alike(ruleset: Ruleset) -> None:
    """A trial that changes only what the rules read (the team's capacity) after another trial was ranked in between
    prices as the decision's first ranking nobody read: it takes that quote whole, and ranks as afresh."""
    parsed = parse_workload({"name": "api", "traffic": {"requests_per_month": 3_000_000}})
    memo = PlanMemo()
    first = rank(parsed.workload, ruleset, explain=False, memo=memo)
    between = rank(
        advice_module.apply(parsed.workload, {"preferences.commitment": "1yr"}), ruleset, explain=False, memo=memo
    )
    changed = advice_module.apply(parsed.workload, {"team.ops_capacity": "high"})
    again = rank(changed, ruleset, explain=False, memo=memo)
    assert between.priced is not first.priced
    assert again.priced is first.priced
    _assert_ranks_alike(again, rank(changed, ruleset, explain=False))
