"""Architect audit, round 26: a load balancer's new connections and an EC2 Instance Savings Plan.

- M1: every HTTP request was billed as a new Application Load Balancer connection. A Rust API at 5,000 requests a
  second paid $1,168 of its $1,195 Fargate bill for connections its clients keep alive, and the line decided which
  target won. AWS's own pricing example has 5 requests a second over 1 new connection a second; decider now bills one
  new connection for every ``alb_requests_per_new_connection`` (5) requests and says so in the assumptions.
- M2: an EC2 Instance Savings Plan both discounted the EC2 bills and silenced ``control.no-reason-for-hosts``: counted
  twice, under cost-first it gave the answer to a target dearer than Fargate. It is now priced only.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

RUST_API: dict[str, Any] = {
    "name": "rust-pricing-api",
    "runtime": {"max_duration_s": 0.5, "avg_duration_ms": 4, "memory_mb": 256, "vcpu": 0.25,
                "concurrency_per_copy": 64, "startup_s": 0.2, "architecture": "arm64"},
    "traffic": {"pattern": "steady", "requests_per_month": 13_140_000_000, "peak_rps": 7000, "payload_mb": 0.01,
                "protocols": ["http"], "latency_slo_ms": 20},
    "team": {"kubernetes_experience": "some", "ops_capacity": "medium"},
    "preferences": {"optimize_for": "cost", "commitment": "1yr", "savings_plan": "compute"},
}  # fmt: skip
ORDERS_API: dict[str, Any] = {
    "name": "orders-api-ec2-sp",
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 100, "memory_mb": 2048, "vcpu": 1, "concurrency_per_copy": 20},
    "traffic": {"pattern": "steady", "requests_per_month": 200_000_000, "protocols": ["http"], "payload_mb": 0.05},
    "team": {"kubernetes_experience": "none", "ops_capacity": "medium"},
    "preferences": {"optimize_for": "cost", "commitment": "1yr", "savings_plan": "ec2-instance"},
}
CAPACITY_UNITS = "Application Load Balancer capacity units"


def decided(raw: dict[str, Any], ruleset: Ruleset) -> Decision:
    return decide(parse_workload(raw), ruleset, advice=False)


def capacity_units(decision: Decision, target: str) -> float:
    [entry] = [entry for entry in decision.ranking if entry.target == target]
    assert entry.monthly_cost is not None
    [line] = [line for line in entry.monthly_cost.lines if line.item == CAPACITY_UNITS]
    return line.quantity


def test_an_alb_opens_a_connection_for_every_five_requests_and_says_so(ruleset: Ruleset) -> None:
    decision = decided(RUST_API, ruleset)
    per_second = 13_140_000_000 / (730 * 3600)  # 5,000 requests a second
    # a new connection for every 5 requests, 25 new connections a second an LCU, over 730 hours
    assert capacity_units(decision, "ecs-fargate") == pytest.approx(per_second / 5 / 25 * 730, rel=1e-6)
    [said] = [text for text in decision.assumptions if "alb_requests_per_new_connection" in text]
    assert said.startswith("An Application Load Balancer is billed a new connection for every 5 requests")


def test_the_connections_line_no_longer_decides_which_container_target_wins(ruleset: Ruleset) -> None:
    decision = decided(RUST_API, ruleset)
    bills = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost}
    cheapest = min(bills, key=bills.__getitem__)
    assert decision.recommendation == cheapest == "ecs-fargate"


def test_an_instance_savings_plan_under_cost_first_leaves_the_cheapest_target_the_answer(ruleset: Ruleset) -> None:
    decision = decided(ORDERS_API, ruleset)
    bills = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost}
    assert decision.recommendation == min(bills, key=bills.__getitem__)
    reasons = {reason.rule for entry in decision.ranking for reason in entry.reasons}
    assert "control.no-reason-for-hosts" in reasons


PDF_RENDERER: dict[str, Any] = {
    "name": "headless-pdf-renderer",
    "runtime": {"max_duration_s": 40, "avg_duration_ms": 15000, "memory_mb": 2048, "vcpu": 1, "startup_s": 6,
                "artifact_mb": 1400, "architecture": "x86_64"},
    "traffic": {"pattern": "event", "requests_per_month": 200_000, "protocols": ["queue"]},
    "team": {"kubernetes_experience": "none", "ops_capacity": "low"},
    "preferences": {"optimize_for": "cost"},
    "network": {"nat_gateways": 2},
}  # fmt: skip


def test_lambda_outside_a_vpc_by_default_is_said_where_the_nat_gateways_are_billed_to_containers_alone(
    ruleset: Ruleset,
) -> None:
    """L7: with network.vpc not given, Lambda carried no NAT gateway while the containers carried two: the cheapest
    bill rested on a default said only as "assumed false"."""
    decision = decided(PDF_RENDERER, ruleset)
    [said] = [text for text in decision.assumptions if text.startswith("network.vpc not given: AWS Lambda")]
    assert "pay for the 2 network.nat_gateways names" in said
    in_vpc = decided({**PDF_RENDERER, "network": {"nat_gateways": 2, "vpc": True}}, ruleset)
    assert not [text for text in in_vpc.assumptions if text.startswith("network.vpc not given: AWS Lambda")]
    [function] = [entry for entry in in_vpc.ranking if entry.target == "lambda"]
    assert function.monthly_cost is not None
    assert any(line.item.startswith("NAT gateways") for line in function.monthly_cost.lines)


def lambda_timeout(runtime: dict[str, Any], ruleset: Ruleset) -> int | None:
    raw = {"runtime": runtime, "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["http"]}}
    decision = decided(raw, ruleset)
    [function] = [entry for entry in decision.ranking if entry.target == "lambda"]
    assert function.sizing is not None
    return getattr(function.sizing, "timeout_s", None)


def test_the_function_timeout_to_configure_covers_an_init_retried_inside_the_first_invocation(
    ruleset: Ruleset,
) -> None:
    """L8: a 40 s start with a 10 s longest request: Lambda gives the Init phase 10 s, then retries it inside the first
    invocation under the function's timeout, so a 10 s timeout fails every cold request. The sizing says what to
    configure: the longest request, and a start past 10 s on top."""
    assert lambda_timeout({"max_duration_s": 10, "avg_duration_ms": 800, "startup_s": 40}, ruleset) == 50
    assert lambda_timeout({"max_duration_s": 2, "avg_duration_ms": 100, "startup_s": 1}, ruleset) == 2
    assert lambda_timeout({"max_duration_s": 880, "avg_duration_ms": 1000, "startup_s": 15}, ruleset) == 895


LMI_SHOP: dict[str, Any] = {
    "name": "lambda-shop-steady-api",
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 120, "memory_mb": 2048},
    "traffic": {"pattern": "steady", "requests_per_month": 400_000_000, "protocols": ["http"],
                "front_door": "function-url"},
    "team": {"kubernetes_experience": "none", "ops_capacity": "low", "current_platform": "lambda"},
    "preferences": {"optimize_for": "cost"},
}  # fmt: skip


def test_managed_instances_priced_one_request_at_a_time_say_so_when_the_figure_is_assumed(ruleset: Ruleset) -> None:
    """A note of round 26: Lambda Managed Instances were priced at one request per environment, AWS allowing up to
    1,600, with only "assumed 1" said."""
    decision = decided(LMI_SHOP, ruleset)
    [function] = [entry for entry in decision.ranking if entry.target == "lambda"]
    assert function.sizing is not None
    assert function.sizing.mode == "managed-instances"
    [said] = [text for text in decision.assumptions if "PerExecutionEnvironmentMaxConcurrency" in text]
    assert said.startswith("runtime.concurrency_per_copy not given: AWS Lambda runs on Lambda Managed Instances")
    given = decided({**LMI_SHOP, "runtime": {**LMI_SHOP["runtime"], "concurrency_per_copy": 1}}, ruleset)
    assert not [text for text in given.assumptions if "PerExecutionEnvironmentMaxConcurrency" in text]
