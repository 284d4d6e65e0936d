"""Bills checked line by line against AWS's pricing pages: what a FinOps review of decider's bills found wrong.

- Lambda Managed Instances keeps the whole front door and the network lines, not API Gateway alone: a function on
  instances behind a load balancer still pays for it, its data out and its logs, and its VPC's NAT gateways.
- An Application Load Balancer with a Lambda function as its target counts 0.4 GB processed an hour to a capacity
  unit, not the 1 GB of instances and containers (aws-facts.md §5e; https://aws.amazon.com/elasticloadbalancing/pricing/).
- The instance type is chosen with each node's root volume counted, so a type that costs the same per copy but holds
  fewer copies (more nodes, more volumes) is not chosen over a larger one.
- A Compute Savings Plan covers the Linux node an EKS cluster of Windows nodes runs its system pods on.
- A line's unit price keeps its significant digits, so quantity × price is the line's amount.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import RankedTarget
from tests.cost.test_bill import bill_for, lines

#: A steady consumer Lambda Managed Instances is chosen for (steady, many requests), behind an ALB, with data out,
#: logs and NAT gateways.
LMI_BEHIND_ALB: dict[str, Any] = {
    "runtime": {"max_duration_s": 30, "avg_duration_ms": 200, "memory_mb": 2048, "concurrency_per_copy": 16},
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 300_000_000,
        "protocols": ["http"],
        "front_door": "alb",
        "payload_mb": 0.5,
    },
    "network": {"egress_gb_per_month": 2000, "logs_gb_per_month": 200, "nat_gateways": 2},
}


WINDOWS_NODES = "Windows nodes cannot run CoreDNS"


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def test_lambda_managed_instances_keep_the_door_and_network_lines(ruleset: Ruleset) -> None:
    lam = entry(decide(parse_workload(LMI_BEHIND_ALB), ruleset, advice=False), "lambda")
    assert lam.sizing is not None
    assert lam.monthly_cost is not None
    assert lam.sizing.mode == "managed-instances"
    found = {line.item: line.usd for line in lam.monthly_cost.lines}
    assert found["Application Load Balancer hours"] == pytest.approx(730 * 0.0225)
    assert "Application Load Balancer capacity units" in found
    assert found["Data transfer out to the internet, tier 1"] == pytest.approx(2000 * 0.09)
    assert found["CloudWatch Logs ingested"] == pytest.approx(200 * 0.50)
    # The instances are always in a VPC: its NAT gateways bill their hours (the data out leaves through the ALB)
    assert found["NAT gateways (2)"] == pytest.approx(2 * 730 * 0.045)
    assert not any(item.startswith("NAT gateway data processed") for item in found)
    assert lam.monthly_cost.total_usd == pytest.approx(sum(found.values()), abs=0.01)


def test_lambda_on_demand_outside_a_vpc_pays_no_nat_that_managed_instances_pay(ruleset: Ruleset) -> None:
    """The same workload's on-demand function is not in a VPC (network.vpc is false): no NAT line there."""
    lam = entry(decide(parse_workload(LMI_BEHIND_ALB), ruleset, advice=False), "lambda")
    assert lam.sizing is not None
    on_demand = next(option for option in lam.sizing.modes if option.mode == "on-demand")
    plan = bill_for(ruleset, "lambda", **LMI_BEHIND_ALB)
    assert not any(item.startswith("NAT gateways") for item in lines(plan))
    assert on_demand.monthly_usd == plan.total_usd


def test_an_alb_in_front_of_lambda_counts_less_data_to_a_capacity_unit(ruleset: Ruleset) -> None:
    """8M requests with 1 MB bodies: 0.1 MB on average a request is 781.25 GB a month, 1,953.125 LCU-hours at 0.4 GB
    an hour for Lambda targets ($15.63), against 781.25 at 1 GB an hour for containers."""
    sections: dict[str, Any] = {
        "runtime": {"avg_duration_ms": 300, "memory_mb": 1024},
        "traffic": {"pattern": "steady", "requests_per_month": 8_000_000, "payload_mb": 1, "front_door": "alb"},
    }
    function = {line.item: line for line in bill_for(ruleset, "lambda", **sections).lines}
    units = function["Application Load Balancer capacity units"]
    assert units.quantity == pytest.approx(8_000_000 * 0.1 / 1024 / 0.4)
    assert units.usd == pytest.approx(15.625, abs=0.0001)
    tasks = {line.item: line for line in bill_for(ruleset, "ecs-fargate", **sections).lines}
    assert tasks["Application Load Balancer capacity units"].quantity == pytest.approx(8_000_000 * 0.1 / 1024)


def test_the_instance_type_is_chosen_with_its_nodes_root_volumes(ruleset: Ruleset) -> None:
    """m7g sizes cost the same per vCPU-hour, so on compute alone the smallest that holds a copy (m7g.medium, one copy
    a node) ties the larger ones and wins on list price. Every node has a 30 GB root volume, so a type holding two
    copies halves the volumes of the 4 copies (whole instances: 2 nodes, none half empty): the bill decider chooses is
    no dearer than the bill on any type named instead."""
    consumer: dict[str, Any] = {
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 200, "memory_mb": 2048, "concurrency_per_copy": 16},
        "traffic": {"pattern": "steady", "requests_per_month": 400_000_000, "protocols": ["queue"]},
    }
    chosen = bill_for(ruleset, "ecs-ec2", **consumer)
    named = {
        kind: bill_for(ruleset, "ecs-ec2", **consumer, control={"instance_types": [kind]})
        for kind in ("m7g.medium", "m7g.large", "m7g.xlarge", "c7g.large", "c7g.xlarge")
    }
    assert all(chosen.total_usd <= bill.total_usd for bill in named.values())
    assert chosen.total_usd < named["m7g.medium"].total_usd
    volumes = {kind: lines(bill) for kind, bill in named.items()}
    medium = next(usd for item, usd in volumes["m7g.medium"].items() if item.startswith("EBS root volumes"))
    large = next(usd for item, usd in volumes["m7g.large"].items() if item.startswith("EBS root volumes"))
    assert large == pytest.approx(medium / 2, abs=0.01)  # two copies a node: half the nodes, half the volumes


def test_a_compute_savings_plan_covers_the_eks_system_node(ruleset: Ruleset) -> None:
    sections: dict[str, Any] = {
        "runtime": {"memory_mb": 2048, "vcpu": 1, "os": "windows", "long_running": True},
        "traffic": {"pattern": "steady", "requests_per_month": 10_000_000, "protocols": ["queue"]},
    }
    plain = lines(bill_for(ruleset, "eks", **sections))
    assert plain[f"EKS Linux node for system pods (c7g.medium; {WINDOWS_NODES})"] == 26.4625
    for term, share in (("1yr", 0.297), ("3yr", 0.528)):
        committed = lines(bill_for(ruleset, "eks", **sections, preferences={"commitment": term}))
        item = f"EKS Linux node for system pods (c7g.medium, Compute Savings Plan {term}; {WINDOWS_NODES})"
        assert committed[item] == pytest.approx(730 * 0.03625 * (1 - share), abs=0.001)
    # An EC2 Instance Savings Plan is bought for the workers' family: the system node stays at the on-demand price
    instance_plan = lines(
        bill_for(ruleset, "eks", **sections, preferences={"commitment": "1yr", "savings_plan": "ec2-instance"})
    )
    assert instance_plan[f"EKS Linux node for system pods (c7g.medium; {WINDOWS_NODES})"] == 26.4625


def test_a_lines_unit_price_times_its_quantity_is_its_amount(ruleset: Ruleset) -> None:
    """A GB-second under a Savings Plan costs $0.0000115200576: ten decimals cut it to $0.0000115201, and 20.7M GB-s
    then missed the line's amount by $0.0005."""
    sections: dict[str, Any] = {
        "runtime": {"avg_duration_ms": 3000, "memory_mb": 6000, "vcpu": 4},
        "traffic": {"pattern": "event", "requests_per_month": 1_000_000, "protocols": ["queue"]},
        "preferences": {"commitment": "3yr"},
    }
    decision = decide(parse_workload(sections), ruleset, advice=False)
    for item in decision.ranking:
        assert item.monthly_cost is not None
        for line in item.monthly_cost.lines:
            assert line.quantity * line.unit_price_usd == pytest.approx(line.usd, abs=0.00006), line.item
