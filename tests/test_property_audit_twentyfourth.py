"""Property audit, round 24: one target losing its bill moves its own score, not every other's (F2).

A copy of 64 arm64 vCPU fits no EKS node in the us-east-1 catalogue once the kubelet's reserve is kept (the largest
arm64 type has 64 vCPU), while ECS on EC2 and Managed Instances still hold it. EKS then has no bill. Cost used to be
scored one way for all when any eligible target lacked a bill: every target fell back to the rules that stand in for
cost, and a 3% step of the copy's CPU moved the billed targets by up to 25 points with their bills unchanged to the
cent, and flipped the answer away from the cheapest. Now the billed targets keep the criterion from their bills and
only the unbilled one is scored by the stand-ins (issue 10: a proxy does not fire for a target with a bill).
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

ARM_COPY: dict[str, Any] = {"runtime": {"architecture": "arm64", "vcpu": 62.0866}}
PRIVILEGED: dict[str, Any] = {"runtime": {"vcpu": 186}, "control": {"privileged": True}}


def stepped(raw: dict[str, Any], factor: float) -> dict[str, Any]:
    return {**raw, "runtime": {**raw["runtime"], "vcpu": raw["runtime"]["vcpu"] * factor}}


def scores_and_bills(decision: Decision) -> dict[str, tuple[float, float | None]]:
    return {
        entry.target: (entry.score, entry.monthly_cost.total_usd if entry.monthly_cost else None)
        for entry in decision.ranking
    }


@pytest.mark.parametrize(("raw", "factor"), [(ARM_COPY, 1.03), (PRIVILEGED, 1.03)], ids=["arm64-64", "privileged-192"])
def test_eks_losing_its_bill_at_the_catalogue_edge_leaves_the_billed_targets_where_they_were(
    raw: dict[str, Any], factor: float, ruleset: Ruleset
) -> None:
    before = scores_and_bills(decide(parse_workload(raw), ruleset, advice=False))
    after_decision = decide(parse_workload(stepped(raw, factor)), ruleset, advice=False)
    after = scores_and_bills(after_decision)
    assert before["eks"][1] is not None
    assert after["eks"][1] is None  # EKS lost its bill: no node in the catalogue holds the copy
    for target in ("ecs-ec2", "ecs-managed-instances"):
        assert after[target][1] == before[target][1]  # the same bill to the cent
        assert abs(after[target][0] - before[target][0]) <= 1.0, target  # was up to +6.6 (and +24.8 on a richer one)
    # the cheapest billed target stays the answer where it was
    cheapest = min(("ecs-ec2", "ecs-managed-instances"), key=lambda target: after[target][1] or 0.0)
    if before[cheapest][0] == max(score for score, _ in before.values()):
        assert after_decision.recommendation == cheapest
    # the billed targets are scored by their bills, EKS by the rules that stand in for cost
    cited = {entry.target: {reason.rule for reason in entry.reasons} for entry in after_decision.ranking}
    proxies = {rule.id for rule in ruleset.rules if rule.proxy_for == "cost"}
    assert not proxies & cited["ecs-ec2"]
    assert not proxies & cited["ecs-managed-instances"]
    assert "cost.relative-monthly-cost" not in cited["eks"]


#: F3: a 191.6-vCPU service that must also run outside AWS, cost first: EKS wins without a bill (no node in the
#: catalogue holds the copy with the kubelet's reserve), ECS on EC2 is the cheapest target with one.
PORTABLE: dict[str, Any] = {
    "runtime": {"vcpu": 191.6},
    "control": {"portability": True},
    "team": {"kubernetes_experience": "expert"},
    "preferences": {"optimize_for": "cost"},
}


def test_a_winner_without_a_bill_is_told_apart_from_the_cheapest_target_with_one(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(PORTABLE), ruleset, advice=False)
    assert decision.recommendation == "eks"
    winner = decision.ranking[0]
    assert winner.monthly_cost is None
    billed = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost}
    cheapest = min(billed, key=billed.__getitem__)
    assert cheapest == "ecs-ec2"
    assert (
        f"Amazon EKS has no bill here; Amazon ECS on EC2 is the cheapest target with one (about "
        f"${billed[cheapest]:,.2f} a month), and Amazon EKS leads it mostly through control.portability"
    ) in decision.summary
    runner_up = decision.ranking[1]
    assert runner_up.monthly_cost is not None
    assert f"(about ${runner_up.monthly_cost.total_usd:,.2f} a month)." in decision.summary
    # no other region's book holds a larger type: the warning says to price one, not to move region
    assert decision.warnings[0].endswith(
        "Weigh it with care, or price the type you mean in a book of your own (docs/cost-model.md, Your own prices)."
    )


#: F5: a function of 5.1 vCPU on Lambda Managed Instances, its memory following the vCPU (1,769 MB each).
STACKED: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 8923, "startup_s": 12.25, "vcpu": 5.138},
    "traffic": {"requests_per_month": 11_490_000},
}


def test_one_quantity_near_lambdas_limit_is_ramped_once(ruleset: Ruleset) -> None:
    """limits.lambda-memory and limits.lambda-max-vcpu both ramped on the vCPU (Lambda's memory follows it): a 3%
    step moved Lambda by 3.4 points with its bill up 9.1%. The memory limit's headroom alone takes the points now."""
    before = decide(parse_workload(STACKED), ruleset, advice=False)
    after = decide(parse_workload(stepped(STACKED, 1.03)), ruleset, advice=False)
    lam = next(entry for entry in before.ranking if entry.target == "lambda")
    rules = {reason.rule for reason in lam.reasons}
    assert "limits.lambda-memory.headroom" in rules
    assert "limits.lambda-max-vcpu.headroom" not in rules
    # The headroom's own points move by what one ramp gives a 3% step (two ramps gave twice it). The score as a whole
    # now also carries a bill step: on Lambda Managed Instances, billed in whole instances, environments of 5.29 vCPU
    # no longer pack three to a c7g.4xlarge (up 10.5%), a bill move that issue 10 lets move a score past 3 points.
    headroom = [
        next(reason.impact for reason in entry.reasons if reason.rule == "limits.lambda-memory.headroom")
        for decision in (before, after)
        for entry in decision.ranking
        if entry.target == "lambda"
    ]
    assert 0 < headroom[0] - headroom[1] <= 1.0
