"""The cost clause of a review's ``consider``: a difference that rests on a bill line at $0 for a price the region's
book lacks, or on another region's figure taken as a floor, is said to be not settled (decider/review_costs.py)."""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.decision import RankedTarget
from decider.review_costs import cost_clause
from tests.pricing.unpriced import without_load_balancers

#: An HTTP API in eu-west-1 where Fargate is the cheaper: its bill has a load balancer, Lambda's an API Gateway.
API: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 80, "max_duration_s": 5, "memory_mb": 1024},
    "traffic": {"pattern": "spiky", "requests_per_month": 80_000_000, "peak_rps": 60, "protocols": ["http"]},
    "preferences": {"region": "eu-west-1"},
}


def entries(ruleset: Ruleset) -> tuple[RankedTarget, RankedTarget]:
    decision = decide(parse_workload(API), ruleset, advice=False)
    ranked = {entry.target: entry for entry in decision.ranking}
    return ranked["ecs-fargate"], ranked["lambda"]


def test_a_saving_on_a_bill_at_a_floor_is_not_settled(ruleset: Ruleset) -> None:
    fargate, function = entries(ruleset)
    assert function.monthly_cost is not None
    clause = cost_clause(ruleset, fargate, function, function.monthly_cost.total_usd, "eu-west-1")
    assert clause.startswith(" and costs $")
    assert clause.endswith(
        "; not settled: Amazon ECS on AWS Fargate's Application Load Balancer capacity units and Application Load "
        "Balancer hours at another region's figures, a floor for eu-west-1's, so that bill may be low by the difference"
    )


def test_a_saving_on_a_bill_with_a_line_at_zero_is_not_settled(ruleset: Ruleset) -> None:
    bare = without_load_balancers(ruleset, "eu-west-1")
    fargate, function = entries(bare)
    assert function.monthly_cost is not None
    clause = cost_clause(bare, fargate, function, function.monthly_cost.total_usd, "eu-west-1")
    assert clause.endswith(
        "; not settled: Amazon ECS on AWS Fargate's bill has Application Load Balancer capacity units and Application "
        "Load Balancer hours at $0, for which the eu-west-1 price book has no price, so that bill is low by them"
    )
    assert "a floor" not in clause


def test_a_saving_in_us_east_1_is_settled(ruleset: Ruleset) -> None:
    home = {**API, "preferences": {"region": "us-east-1"}}
    ranked = {entry.target: entry for entry in decide(parse_workload(home), ruleset, advice=False).ranking}
    function = ranked["lambda"]
    assert function.monthly_cost is not None
    clause = cost_clause(ruleset, ranked["ecs-fargate"], function, function.monthly_cost.total_usd, "us-east-1")
    assert clause.startswith(" and costs $")
    assert "not settled" not in clause
