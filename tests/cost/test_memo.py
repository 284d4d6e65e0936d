"""The plan memo of one decision: the rankings of changed workloads take the plans they price alike from it, and the
answer is exactly the answer without it."""

from __future__ import annotations

import copy
import dataclasses
import itertools
from pathlib import Path

import pytest
import yaml

from decider import parse_workload
from decider.cost import memo as memo_module
from decider.cost.bill import Plan
from decider.cost.memo import PlanMemo
from decider.engine import decide
from decider.pricing.book import PriceBook
from decider.ranking import Ranked, rank
from decider.rules.model import Ruleset
from decider.workload import Workload

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

    def never_alike(self: PlanMemo, workload: Workload, book: PriceBook) -> int:
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
    assert len(memo.keys) == 1  # one set of priced inputs, numbered once
    shared = set(base.priced.plans) & set(other.priced.plans)
    assert shared
    for target in shared:  # the chosen mode may differ with optimize_for; each plan priced once either way
        assert any(other.priced.plans[target] is plan for plan in _every_plan(base, target))
    busier = rank(parse_workload({"traffic": {"requests_per_month": 50_000_000}}).workload, ruleset, memo=memo)
    assert busier.priced is not None
    assert len(memo.bases) > entries  # a change of traffic is priced anew
    assert len(memo.keys) == 2
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
