"""Savings Plans on every target, each bill reproduced by hand to the cent (us-east-1, no upfront): a Compute Savings
Plan discounts Lambda duration, Fargate tasks and EC2 instances; an EC2 Instance Savings Plan, when the workload asks
for one, discounts only the instance targets' EC2 hours (fees, control plane and volumes are never discounted)."""

from __future__ import annotations

from typing import Any

from decider import parse_workload
from decider.cost.bill import plan_targets
from decider.decision import MonthlyCost
from decider.facts import derive
from decider.rules.model import Ruleset

ALWAYS_ON = {"memory_mb": 1024, "vcpu": 0.5, "long_running": True, "architecture": "x86_64"}
QUEUE = {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]}


def _bill(ruleset: Ruleset, target: str, **sections: Any) -> MonthlyCost:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    plans = plan_targets(
        [ruleset.target(target)], workload, derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model
    )
    return plans[target].bill(workload.requests_per_month)


def _lines(bill: MonthlyCost) -> dict[str, float]:
    return {line.item: line.usd for line in bill.lines}


def test_lambda_duration_under_a_three_year_compute_plan(ruleset: Ruleset) -> None:
    # 10M × 100 ms × 1 GB = 1,000,000 GB-s × $0.0000166667 × (1 − 0.136) = $14.40003; requests 10 × $0.20 = $2.00
    bill = _bill(
        ruleset,
        "lambda",
        runtime={"memory_mb": 1024, "avg_duration_ms": 100, "architecture": "x86_64"},
        traffic={"pattern": "steady", "requests_per_month": 10_000_000, "protocols": ["queue"]},
        preferences={"commitment": "3yr", "savings_plan": "ec2-instance"},  # Lambda keeps the Compute plan
    )
    assert _lines(bill) == {
        "Lambda requests": 2.0,
        "Lambda duration (1024 MB, x86_64), Compute Savings Plan 3yr, tier 1": 14.4,
    }
    assert bill.total_usd == 16.40


def test_fargate_tasks_under_a_one_year_compute_plan(ruleset: Ruleset) -> None:
    # 2 always-on tasks: 1,460 h × (0.5 × $0.04048 + 1 × $0.004445) = 1,460 × $0.024685 × (1 − 0.234) = $27.60672
    bill = _bill(ruleset, "ecs-fargate", runtime=ALWAYS_ON, traffic=QUEUE, preferences={"commitment": "1yr"})
    assert _lines(bill) == {"Fargate tasks (0.5 vCPU, 1 GB, Linux/x86, Compute Savings Plan 1yr)": 27.6067}
    assert bill.total_usd == 27.61


def test_ecs_on_ec2_under_an_ec2_instance_plan(ruleset: Ruleset) -> None:
    # Three 0.5 vCPU / 1 GB copies fit a c6i.large (2 vCPU, 4 GiB − 512 MB), two nodes always on. The plan takes
    # 57.6% off the EC2 hours only: 1,460 h × $0.085 × (1 − 0.576) = $52.6184; root volumes 60 GB-month × $0.08 = $4.80
    bill = _bill(
        ruleset,
        "ecs-ec2",
        runtime=ALWAYS_ON,
        traffic=QUEUE,
        preferences={"commitment": "3yr", "savings_plan": "ec2-instance"},
    )
    assert _lines(bill) == {
        "ECS container instances: c6i.large (3 copies each, EC2 Instance Savings Plan 3yr)": 52.6184,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 57.42


def test_managed_instances_fee_is_not_discounted(ruleset: Ruleset) -> None:
    # 1,460 h × $0.085 × (1 − 0.528) = $58.5752 under a 3-year Compute plan; the fee 1,460 h × $0.0102 = $14.892 is not
    # discounted; root volumes $4.80
    bill = _bill(ruleset, "ecs-managed-instances", runtime=ALWAYS_ON, traffic=QUEUE, preferences={"commitment": "3yr"})
    assert _lines(bill) == {
        "Managed Instances: c6i.large (3 copies each, Compute Savings Plan 3yr)": 58.5752,
        "Managed Instances fee (c6i.large)": 14.892,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 78.27


def test_eks_nodes_under_a_one_year_ec2_instance_plan(ruleset: Ruleset) -> None:
    # 1,460 h × $0.085 × (1 − 0.324) = $83.8916; control plane 730 h × $0.10 = $73.00, not discounted; volumes $4.80
    bill = _bill(
        ruleset,
        "eks",
        runtime=ALWAYS_ON,
        traffic=QUEUE,
        preferences={"commitment": "1yr", "savings_plan": "ec2-instance"},
    )
    assert _lines(bill) == {
        "EKS nodes: c6i.large (3 copies each, EC2 Instance Savings Plan 1yr)": 83.8916,
        "EKS control plane (standard support)": 73.0,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 161.69


def test_compute_plans_keep_ec2_and_fargate_in_step(ruleset: Ruleset) -> None:
    """Every Compute Savings Plan share is the same factor of its service's published ceiling (EC2 66%, Fargate 52%,
    Lambda 17%), so no service gets a deeper cut than AWS's own ranges allow relative to the others."""
    for book in ruleset.pricing.values():
        plans = book.savings_plans
        for term in ("1yr", "3yr"):
            shares = {
                name: getattr(plans, attr).for_term(term).fraction / ceiling
                for name, attr, ceiling in (
                    ("ec2", "ec2", 0.66),
                    ("fargate", "fargate", 0.52),
                    ("lambda", "lambda_", 0.17),
                )
            }
            assert max(shares.values()) - min(shares.values()) < 0.01, (book.region, term, shares)
