"""Fargate outside us-east-1: Linux/x86 and Linux/ARM prices from AWS's pricing-page feed (the Linux/x86 figures
agree with the earlier region table, scripts/pricing_data/fargate_linux_x86.csv), billed to the cent; Windows stays
unpriced there and says why."""

from __future__ import annotations

from typing import Any

import pytest

from decider import decide, parse_workload
from decider.decision import FargateSizing, RankedTarget
from decider.rules.model import Ruleset

CONSUMER = {  # a queue consumer kept up all month: two copies (two Availability Zones), 1,460 task-hours
    "runtime": {"memory_mb": 2048, "vcpu": 1, "long_running": True, "architecture": "x86_64"},
    "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]},
}


def _fargate(ruleset: Ruleset, workload: dict[str, Any], region: str) -> RankedTarget:
    decision = decide(parse_workload({**workload, "preferences": {"region": region}}), ruleset, advice=False)
    return next(ranked for ranked in decision.ranking if ranked.target == "ecs-fargate")


def test_a_frankfurt_fargate_bill_by_hand(ruleset: Ruleset) -> None:
    # 1,460 task-hours x (1 vCPU x $0.04656 + 2 GB x $0.00511 = $0.05678) = $82.8988 -> $82.90
    ranked = _fargate(ruleset, CONSUMER, "eu-central-1")
    assert ranked.monthly_cost is not None
    (line,) = ranked.monthly_cost.lines
    assert (line.item, line.quantity, line.unit_price_usd, line.usd) == (
        "Fargate tasks (1 vCPU, 2 GB, Linux/x86)",
        1460.0,
        0.05678,
        82.8988,
    )
    assert ranked.monthly_cost.total_usd == 82.90


@pytest.mark.parametrize(("region", "task_hour"), [("ap-northeast-1", 0.05056 + 2 * 0.00553),
                                                   ("ca-central-1", 0.04456 + 2 * 0.004865),
                                                   ("eu-west-1", 0.04048 + 2 * 0.004445)])  # fmt: skip
def test_each_region_bills_its_own_fargate_rate(ruleset: Ruleset, region: str, task_hour: float) -> None:
    ranked = _fargate(ruleset, CONSUMER, region)
    assert ranked.monthly_cost is not None
    assert ranked.monthly_cost.lines[0].unit_price_usd == pytest.approx(task_hour)


def test_code_for_either_architecture_runs_on_graviton_where_the_region_prices_it(ruleset: Ruleset) -> None:
    either = {**CONSUMER, "runtime": {**CONSUMER["runtime"], "architecture": "any"}}
    for region, task_hour in (("eu-central-1", 0.03725 + 2 * 0.00409), ("us-east-1", 0.03238 + 2 * 0.00356)):
        ranked = _fargate(ruleset, either, region)
        assert ranked.monthly_cost is not None
        assert ranked.monthly_cost.lines[0].item == "Fargate tasks (1 vCPU, 2 GB, Linux/ARM)"
        assert ranked.monthly_cost.lines[0].unit_price_usd == pytest.approx(task_hour)
        assert isinstance(ranked.sizing, FargateSizing)


def test_windows_fargate_outside_us_east_1_bills_its_own_rate(ruleset: Ruleset) -> None:
    windows = {**CONSUMER, "runtime": {**CONSUMER["runtime"], "os": "windows"}}
    london, virginia = _fargate(ruleset, windows, "eu-west-2"), _fargate(ruleset, windows, "us-east-1")
    assert london.monthly_cost is not None
    assert virginia.monthly_cost is not None
    book = ruleset.pricing["eu-west-2"].fargate
    assert book is not None
    assert book.windows_x86_64 is not None
    rate = book.windows_x86_64.vcpu_hour.usd + 2 * book.windows_x86_64.gb_hour.usd
    assert london.monthly_cost.lines[0].unit_price_usd == pytest.approx(rate)
    assert london.monthly_cost.lines[0].unit_price_usd > virginia.monthly_cost.lines[0].unit_price_usd
