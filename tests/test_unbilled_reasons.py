"""A recommendation without a bill is not said to win through a rule standing in for cost that makes a billed
target's case as much or more: such a rule's points reach only the unbilled winner, because a billed target's cost
is its bill (decider/explain.py ``_pleads``)."""

from __future__ import annotations

from typing import Any

from decider import explain
from decider.facts import derive
from decider.rules.fields import context
from decider.rules.model import Ruleset
from decider.scoring import Evaluation, fire, fold
from decider.workload import parse_workload

#: An always-on gRPC service on EKS with 24 copies of 1 vCPU at peak, Spot allowed and a 1-year commitment: the cost
#: stand-ins (bin-packing, Spot, Savings Plans) all fire.
PACKED: dict[str, Any] = {
    "runtime": {"max_duration_s": 5, "avg_duration_ms": 900, "memory_mb": 2048, "vcpu": 1, "long_running": True},
    "traffic": {"pattern": "steady", "requests_per_month": 60_000_000, "protocols": ["grpc"]},
    "team": {"kubernetes_experience": "expert", "current_platform": "eks", "ops_capacity": "high"},
    "preferences": {"spot_ok": True, "commitment": "1yr"},
}


def _folded(ruleset: Ruleset, billed: set[str]) -> Evaluation:
    workload = parse_workload(PACKED).workload
    values = context(workload, derive(workload))
    return fold(ruleset, fire(ruleset, values, "balanced"), (), billed)


def test_a_stand_in_that_gives_a_billed_target_as_much_is_no_reason_the_unbilled_winner_wins(
    ruleset: Ruleset,
) -> None:
    billed = {"ecs-ec2", "ecs-managed-instances"}
    evaluation = _folded(ruleset, billed)
    winner = "eks"
    proxies = {fired.id for fired, points in evaluation.reasons[winner] if points > 0 and fired.rule is not None}
    # the stand-ins score the unbilled EKS and not the billed ECS targets, so they lead EKS over ECS on EC2
    assert {"cost.bin-packing", "cost.spot-capacity"} <= proxies
    ahead = {fired.id for _, fired in explain.leads(evaluation, winner, "ecs-ec2")}
    assert {"cost.bin-packing", "cost.spot-capacity"} <= ahead
    reasons = explain.deciding_reasons(evaluation, winner, "ecs-ec2", limit=10, billed=False, bills=billed)
    said = {fired.id for fired in reasons}
    # bin-packing gives ECS on EC2 5 to EKS's 3, Spot 5 to 5, Savings Plans 6 to 5: each makes ECS on EC2's case
    assert not said & {"cost.bin-packing", "cost.spot-capacity", "cost.savings-plans"}
    assert said, "the winner's other leads are still its reasons"
    assert explain.pleading(evaluation, winner, billed) >= {"cost.bin-packing", "cost.spot-capacity"}
    # a winner with a bill is scored on cost by its bill: the same rules are simply not among its reasons
    assert "cost.bin-packing" not in explain.pleading(evaluation, winner)


def test_a_stand_in_that_favours_the_unbilled_winner_over_every_billed_target_stays_a_reason(
    ruleset: Ruleset,
) -> None:
    billed = {"eks", "ecs-managed-instances"}
    evaluation = _folded(ruleset, billed)
    # Savings Plans give ECS on EC2 6, more than EKS's or Managed Instances' 5: it makes ECS on EC2's own case
    reasons = explain.deciding_reasons(evaluation, "ecs-ec2", "eks", limit=10, billed=False, bills=billed)
    assert "cost.savings-plans" in {fired.id for fired in reasons}
    assert "cost.savings-plans" not in explain.pleading(evaluation, "ecs-ec2", billed)
