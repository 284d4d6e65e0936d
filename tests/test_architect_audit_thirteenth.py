"""What a fifteenth architect's review (the thirteenth kept in tests) found, kept true:

- an EC2 Instance Savings Plan named with no commitment is ignored, as the warning says: it is no reason for instances;
- a recommendation whose own bill is low by a price the region's book lacks says that the answer may rest on it (a
  rival's line at $0 because its cluster is already paid is a real $0; the missing price is not).
"""

from __future__ import annotations

from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from tests.pricing.unpriced import without_load_balancers

FLEET: dict[str, Any] = {
    "runtime": {"memory_mb": 2048, "avg_duration_ms": 50, "max_duration_s": 1, "vcpu": 1, "concurrency_per_copy": 20},
    "traffic": {"pattern": "steady", "requests_per_month": 200_000_000, "protocols": ["http"]},
    "team": {"ops_capacity": "high"},
}


def decided(sections: dict[str, Any], ruleset: Ruleset) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=False)


def test_an_instance_savings_plan_with_no_commitment_changes_nothing(ruleset: Ruleset) -> None:
    plain = decided(FLEET, ruleset)
    ignored = decided({**FLEET, "preferences": {"commitment": "none", "savings_plan": "ec2-instance"}}, ruleset)
    assert any("preferences.savings_plan ec2-instance applies only with a commitment" in w for w in ignored.warnings)
    assert ignored.recommendation == plain.recommendation == "ecs-fargate"
    assert [(e.target, e.score) for e in ignored.ranking] == [(e.target, e.score) for e in plain.ranking]
    # Bought with a commitment, the plan discounts the EC2 bill; it is no reason for hosts (architect 26, M2)
    bought = decided({**FLEET, "preferences": {"commitment": "1yr", "savings_plan": "ec2-instance"}}, ruleset)
    assert "control.no-reason-for-hosts" in {reason.rule for entry in bought.ranking for reason in entry.reasons}
    [ec2_bought] = [entry.monthly_cost for entry in bought.ranking if entry.target == "ecs-ec2"]
    [ec2_plain] = [entry.monthly_cost for entry in plain.ranking if entry.target == "ecs-ec2"]
    assert ec2_bought is not None
    assert ec2_plain is not None
    assert ec2_bought.total_usd < ec2_plain.total_usd


EKS_TEAM: dict[str, Any] = {
    "runtime": {"memory_mb": 1024, "avg_duration_ms": 100, "max_duration_s": 2, "concurrency_per_copy": 10},
    "traffic": {"pattern": "steady", "requests_per_month": 30_000_000, "protocols": ["http"]},
    "team": {"current_platform": "eks"},
}


def test_a_recommendation_whose_own_bill_misses_a_price_says_the_answer_may_rest_on_it(ruleset: Ruleset) -> None:
    """A book with no load balancer prices (eu-west-1's, with them taken out): Fargate's ALB is $0 for want of a
    price, the EKS team's shared ALB $0 because it is already paid, so Fargate's lead rests on a price nobody knows.
    With the book as shipped (us-east-1's load balancer prices, as a floor) the answer is the one at home."""
    assert decided({**EKS_TEAM, "preferences": {"region": "eu-west-1"}}, ruleset).recommendation == "eks"
    ruleset = without_load_balancers(ruleset, "eu-west-1")
    abroad = decided({**EKS_TEAM, "preferences": {"region": "eu-west-1"}}, ruleset)
    assert abroad.recommendation == "ecs-fargate"
    (warning,) = [w for w in abroad.warnings if "price book has no price" in w]
    assert (
        "The recommendation's own bill (Amazon ECS on AWS Fargate) is one of them, so the answer itself may change "
        "once those prices are known." in warning
    )
    home = decided(EKS_TEAM, ruleset)  # us-east-1 prices the load balancer: EKS, the cheaper, wins
    assert home.recommendation == "eks"
    assert not [w for w in home.warnings if "price book has no price" in w]
    # A recommendation with a complete bill beside partial ones is warned of the others only
    lambda_abroad = decided(
        {
            **EKS_TEAM,
            "traffic": {**EKS_TEAM["traffic"], "requests_per_month": 100_000},
            "preferences": {"region": "eu-west-1"},
        },
        ruleset,
    )
    assert lambda_abroad.recommendation == "lambda"
    (partial,) = [w for w in lambda_abroad.warnings if "price book has no price" in w]
    assert "The recommendation's own bill" not in partial
    # Lambda's lead holds, but the volumes where the containers' partial bills overtake it are low: said too
    assert "weigh close comparisons, and the volumes where these bills overtake another, with care." in partial
    assert partial.endswith("The bill of AWS Lambda is complete.")
