"""Cost is computed, not proxied: a rule that stands in for cost (``proxy_for: cost``) scores no target when every
eligible target has a computed bill, and every eligible target alike when some have none (no price book, or a price
the region's book lacks), with no criterion from the bills then: no bill is counted twice, and cost is scored one
way for all the targets compared."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, load_ruleset, parse_workload
from decider.decision import RankedTarget
from decider.rules.location import PRICING_DIR

ROOT = Path(__file__).resolve().parent.parent
# 100K short requests a month: work is in flight 0.4% of the time, so traffic.low-duty-cycle holds in full.
QUIET_API: dict[str, Any] = {
    "runtime": {"memory_mb": 512, "avg_duration_ms": 100, "max_duration_s": 1},
    "traffic": {"pattern": "spiky", "requests_per_month": 100_000, "protocols": ["http"]},
}
PROXY = "traffic.low-duty-cycle"


def _in(region: str) -> dict[str, Any]:
    return {**QUIET_API, "preferences": {"region": region}}


def _cited(decision: Decision, target: str) -> set[str]:
    entry = next(entry for entry in decision.ranking if entry.target == target)
    return {reason.rule for reason in entry.reasons}


def test_the_shipped_cost_proxies_say_so(ruleset: Ruleset) -> None:
    proxies = {rule.id for rule in ruleset.rules if rule.proxy_for == "cost"}
    for rule_id in (PROXY, "traffic.high-duty-cycle", "cost.bin-packing", "cost.eks-control-plane", "cost.free-tier"):
        assert rule_id in proxies


def test_a_cost_proxy_scores_no_target_with_a_bill(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(_in("us-east-1")), ruleset)
    assert all(entry.monthly_cost is not None for entry in decision.ranking)
    proxies = {rule.id for rule in ruleset.rules if rule.proxy_for == "cost"}
    for entry in decision.ranking:
        assert not proxies & {reason.rule for reason in entry.reasons}, entry.target


def entry_of(decision: Decision, target: str) -> RankedTarget:
    return next(entry for entry in decision.ranking if entry.target == target)


def without_instances(ruleset: Ruleset, region: str) -> Ruleset:
    """The ruleset with ``region``'s book lacking its EC2 instance catalogue: the targets on instances have no bill."""
    book = ruleset.pricing[region]
    ec2 = book.ec2.model_copy(update={"instances": ()})
    lacking = book.model_copy(update={"ec2": ec2, "missing": {**book.missing, "ec2.instances": "not sourced (test)"}})
    return dataclasses.replace(ruleset, pricing={**ruleset.pricing, region: lacking})


def without(ruleset: Ruleset, region: str, part: str) -> Ruleset:
    """The ruleset with ``region``'s book lacking ``part`` (a price no source gave), as a book says with ``missing``."""
    book = ruleset.pricing[region]
    lacking = book.model_copy(update={part: None, "missing": {**book.missing, part: "not sourced (test)"}})
    return dataclasses.replace(ruleset, pricing={**ruleset.pricing, region: lacking})


def test_where_some_targets_have_no_bill_a_cost_proxy_scores_only_those(ruleset: Ruleset) -> None:
    """A book without Fargate prices: Fargate has no bill there, the others have one. Each target's cost is scored
    the one way it can be (issue 10): the billed by the criterion from their bills, Fargate by the rules that stand in
    for cost. So one target losing its bill moves its own score, not the others'."""
    decision = decide(parse_workload(_in("eu-west-1")), without(ruleset, "eu-west-1", "fargate"))
    unbilled = {entry.target for entry in decision.ranking if entry.monthly_cost is None}
    assert unbilled == {"ecs-fargate"}
    assert PROXY in _cited(decision, "ecs-fargate")
    assert "cost.relative-monthly-cost" not in _cited(decision, "ecs-fargate")
    proxies = {rule.id for rule in ruleset.rules if rule.proxy_for == "cost"}
    for entry in decision.ranking:
        if entry.target != "ecs-fargate":
            assert not proxies & _cited(decision, entry.target), entry.target
    assert "cost.relative-monthly-cost" in _cited(decision, "ecs-ec2")  # dearer than Lambda, the cheapest billed
    # the billed targets' scores are what they are with Fargate billed, but for the one scale factor of a decision
    billed_everywhere = decide(parse_workload(_in("eu-west-1")), ruleset)
    for target in ("lambda", "ecs-ec2"):
        assert [r.rule for r in entry_of(decision, target).reasons] == [
            r.rule for r in entry_of(billed_everywhere, target).reasons
        ]
    # The same workload where every target has its bill: Lambda, cheapest there, is the answer in both.
    assert decision.recommendation == decide(parse_workload(_in("us-east-1")), ruleset).recommendation == "lambda"


def test_a_load_balancer_the_book_cannot_price_leaves_every_target_billed(ruleset: Ruleset) -> None:
    """eu-west-1's book has no load balancer prices: the containers are billed with the load balancer at $0 (said on
    the line), so every target has a bill, cost is scored from the bills and no proxy scores."""
    decision = decide(parse_workload(_in("eu-west-1")), ruleset)
    assert all(entry.monthly_cost is not None for entry in decision.ranking)
    proxies = {rule.id for rule in ruleset.rules if rule.proxy_for == "cost"}
    for entry in decision.ranking:
        assert not proxies & _cited(decision, entry.target), entry.target
    assert "cost.relative-monthly-cost" in _cited(decision, "ecs-fargate")
    assert decision.recommendation == "lambda"


@pytest.fixture(scope="module")
def unpriced_rules(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    rules = tmp_path_factory.mktemp("rules")
    shutil.copytree(ROOT / "rules", rules, dirs_exist_ok=True, ignore=shutil.ignore_patterns(PRICING_DIR))
    return load_ruleset(rules_dir=rules)


def test_without_price_books_a_cost_proxy_scores_every_target(unpriced_rules: Ruleset) -> None:
    assert not unpriced_rules.pricing
    decision = decide(parse_workload(QUIET_API), unpriced_rules)
    assert all(entry.monthly_cost is None for entry in decision.ranking)
    for entry in decision.ranking:
        assert PROXY in _cited(decision, entry.target), entry.target
    function = next(entry for entry in decision.ranking if entry.target == "lambda")
    assert next(reason.impact for reason in function.reasons if reason.rule == PROXY) > 0
