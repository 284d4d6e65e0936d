"""Defects a seventh architect's audit of 41 more workload shapes found, each kept fixed here:

- reaching the peak on containers counts each copy's start (runtime.startup_s), not only the scheduler's launches;
- a container image takes its size twice on the disk of the task or node that runs it (pulled and unpacked): a 60 GB
  image is no "20 GB storage" Fargate task, and the storage limits count it;
- API Gateway carries no gRPC: a gRPC service behind an HTTP or REST API named is warned of, its containers priced
  behind an Application Load Balancer;
- gRPC calls share long-lived HTTP/2 connections: a load balancer's capacity units are not one new connection a call;
- a copy needing more GPUs than any instance type has is said to be unrunnable on one instance, not an architecture
  to check;
- a VPC function with data to send and no NAT gateway is warned of;
- the concurrency-quota reason no longer says 850 is "above" a quota of 1,000, and a peak at the quota is "at" it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import FargateSizing, RankedTarget
from decider.render.sizing import describe


def decided(ruleset: Ruleset, sections: dict[str, Any], *, advice: bool = False) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=advice)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def reason(decision: Decision, target: str, rule: str) -> tuple[float, str]:
    found = next(item for item in entry(decision, target).reasons if item.rule == rule)
    return found.impact, found.message


BURST: dict[str, Any] = {
    "runtime": {"max_duration_s": 5, "avg_duration_ms": 1000, "memory_mb": 1024, "vcpu": 0.5, "artifact_mb": 3000},
    "traffic": {"pattern": "spiky", "requests_per_month": 20_000_000, "peak_rps": 1500, "front_door": "alb"},
}


def test_a_copys_start_adds_to_the_time_containers_take_to_reach_the_peak(ruleset: Ruleset) -> None:
    fast = decided(ruleset, {**BURST, "runtime": {**BURST["runtime"], "startup_s": 1}})
    slow = decided(ruleset, {**BURST, "runtime": {**BURST["runtime"], "startup_s": 240}})
    fast_points, fast_text = reason(fast, "ecs-fargate", "traffic.burst-beyond-container-scaling")
    slow_points, slow_text = reason(slow, "ecs-fargate", "traffic.burst-beyond-container-scaling")
    # 2,143 copies at peak, the two kept up already there (a listener with a request in flight on average or more
    # keeps one per Availability Zone): 2,141 launched at 500 a minute, then the last one's start
    assert "starting (1 s), so reaching the peak takes about 257.9 s" in fast_text
    assert "starting (240 s), so reaching the peak takes about 496.9 s" in slow_text
    assert slow_points < fast_points < 0


IMAGE: dict[str, Any] = {
    "runtime": {"memory_mb": 8192, "vcpu": 4, "architecture": "arm64"},
    "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]},
}


def test_a_large_image_is_held_twice_on_a_fargate_tasks_storage_and_billed(ruleset: Ruleset) -> None:
    decision = decided(ruleset, {**IMAGE, "runtime": {**IMAGE["runtime"], "artifact_mb": 60_000}})
    fargate = entry(decision, "ecs-fargate")
    assert isinstance(fargate.sizing, FargateSizing)
    # 0.5 GB scratch + 2 × 60,000 MB / 1,024 = 117.7 GB, set in whole GiB
    assert fargate.sizing.ephemeral_storage_gb == 118
    assert fargate.monthly_cost is not None
    items = [line.item for line in fargate.monthly_cost.lines]
    assert "Fargate ephemeral storage above 20 GB (98 GB a task)" in items
    small = entry(decided(ruleset, IMAGE), "ecs-fargate")
    assert isinstance(small.sizing, FargateSizing)
    assert small.sizing.ephemeral_storage_gb == 20  # 100 MB twice and 0.5 GB of scratch fit in what is included


def test_scratch_and_image_past_200_gb_keep_fargate_out_naming_both(ruleset: Ruleset) -> None:
    runtime = {**IMAGE["runtime"], "artifact_mb": 60_000, "ephemeral_storage_gb": 90}
    decision = decided(ruleset, {**IMAGE, "runtime": runtime}, advice=True)
    (kept_out,) = [item for item in decision.excluded if item.target == "ecs-fargate"]
    text = " ".join(reason.message for reason in kept_out.reasons)
    assert "needs 207.2 GB per copy (90 GB of scratch and a 60,000 MB image twice)" in text
    scratch_only = decided(ruleset, {**IMAGE, "runtime": {**runtime, "artifact_mb": 100}})
    assert "ecs-fargate" in [item.target for item in scratch_only.ranking]


GRPC: dict[str, Any] = {
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 15, "memory_mb": 1024, "vcpu": 0.5, "architecture": "arm64"},
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 800_000_000,
        "peak_rps": 600,
        "payload_mb": 0.01,
        "protocols": ["grpc"],
    },
}


def test_grpc_behind_an_api_gateway_named_is_warned_of_and_its_containers_priced_behind_a_load_balancer(
    ruleset: Ruleset,
) -> None:
    decision = decided(ruleset, {**GRPC, "traffic": {**GRPC["traffic"], "front_door": "http-api"}})
    (warning,) = [text for text in decision.warnings if "cannot carry gRPC" in text]
    assert warning.startswith("traffic.front_door http-api cannot carry gRPC")
    assert "The containers are priced behind an Application Load Balancer instead" in warning
    fargate = entry(decision, "ecs-fargate")
    assert fargate.monthly_cost is not None
    items = [line.item for line in fargate.monthly_cost.lines]
    assert "Application Load Balancer hours" in items
    assert not any(item.startswith("API Gateway") for item in items)
    with_alb = decided(ruleset, {**GRPC, "traffic": {**GRPC["traffic"], "front_door": "alb"}})
    assert not [text for text in with_alb.warnings if "cannot carry gRPC" in text]
    assert entry(with_alb, "ecs-fargate").monthly_cost == fargate.monthly_cost


CAPACITY_UNITS = "Application Load Balancer capacity units"


def test_grpc_calls_open_no_load_balancer_connection_each(ruleset: Ruleset) -> None:
    """800M calls of 10 KB: ~781 GB a month, about 1.07 GB an hour, one LCU (1 GB an hour to containers): 781 LCU-hours
    by bytes, not 1,778 by new connections, which HTTP requests open, one for every 5 (25 a second per LCU)."""
    grpc = decided(ruleset, {**GRPC, "traffic": {**GRPC["traffic"], "front_door": "alb"}})
    fargate = entry(grpc, "ecs-fargate")
    assert fargate.monthly_cost is not None
    (units,) = [line for line in fargate.monthly_cost.lines if line.item == CAPACITY_UNITS]
    assert round(units.quantity, 1) == 781.2
    http = decided(ruleset, {**GRPC, "traffic": {**GRPC["traffic"], "front_door": "alb", "protocols": ["http"]}})
    http_fargate = entry(http, "ecs-fargate")
    assert http_fargate.monthly_cost is not None
    (http_units,) = [line for line in http_fargate.monthly_cost.lines if line.item == CAPACITY_UNITS]
    assert round(http_units.quantity, 1) == round(8888.9 / 5, 1)


def test_more_gpus_than_any_instance_type_has_is_said_as_the_cause(ruleset: Ruleset) -> None:
    # A team's own book listing GPU types of 4 GPUs at most (the shipped books list types of 8, and a copy of more
    # than 8 is kept out by limits.gpus-past-largest-instance): a copy of 8 has no type to run on in this catalogue
    book = ruleset.pricing["us-east-1"]
    few = tuple(instance for instance in book.ec2.instances if instance.gpu <= 4)
    own = dataclasses.replace(
        ruleset,
        pricing={
            **ruleset.pricing,
            "us-east-1": book.model_copy(update={"ec2": book.ec2.model_copy(update={"instances": few})}),
        },
    )
    decision = decided(own, {"runtime": {"gpu": 8, "architecture": "x86_64"}})
    (warning,) = [text for text in decision.warnings if text.startswith("No eligible target has a bill here")]
    assert (
        "runtime.gpu asks for 8 GPUs a copy, and no instance type in this price book's catalogue has more " in warning
    )
    assert "than 4 (g5.12xlarge, g5.24xlarge, g6.12xlarge and others)" in warning
    assert "check runtime.architecture" not in warning


NO_NAT: dict[str, Any] = {
    "runtime": {"max_duration_s": 60, "avg_duration_ms": 2000, "memory_mb": 1024},
    "traffic": {"pattern": "event", "requests_per_month": 3_000_000, "peak_rps": 20, "protocols": ["queue"]},
    "network": {"vpc": True, "nat_gateways": 0, "egress_gb_per_month": 300},
}


def test_a_vpc_function_sending_data_out_with_no_nat_gateway_is_warned_of(ruleset: Ruleset) -> None:
    warned = [text for text in decided(ruleset, NO_NAT).warnings if "network.nat_gateways is 0" in text]
    assert len(warned) == 1
    assert "a Lambda function in a VPC reaches the internet only through a NAT gateway" in warned[0]
    with_nat = {**NO_NAT, "network": {**NO_NAT["network"], "nat_gateways": 2}}
    outside = {**NO_NAT, "network": {**NO_NAT["network"], "vpc": False}}
    fronted = {**NO_NAT, "traffic": {**NO_NAT["traffic"], "protocols": ["http"]}}  # answers go back through the door
    for sections in (with_nat, outside, fronted):
        assert not [text for text in decided(ruleset, sections).warnings if "network.nat_gateways is 0" in text]


def test_the_concurrency_quota_reason_says_near_below_the_quota_and_at_it(ruleset: Ruleset) -> None:
    def at_peak(rps: float) -> Decision:
        return decided(
            ruleset,
            {
                "runtime": {"max_duration_s": 5, "avg_duration_ms": 250, "memory_mb": 512},
                # a day's swing, not a burst: the peak's in flight is what runs at once (a burst's environments while
                # its requests start cold are said beside it: tests/test_architect_audit_twentythird.py)
                "traffic": {"pattern": "diurnal", "requests_per_month": 8_000_000, "peak_rps": rps},
            },
        )

    below, at = at_peak(3400), at_peak(4000)
    points, text = reason(below, "lambda", "traffic.lambda-concurrency-quota")
    assert points < 0
    assert "needs 850 concurrent executions against Lambda's default quota of 1,000" in text
    assert "above" not in text
    sizing = entry(at, "lambda").sizing
    assert sizing is not None
    assert "1,000 in flight at peak, at the 1,000 default concurrency quota" in describe(sizing)
