"""Sizing: what a user would configure on each target (memory setting, task size and copies, instance type)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import parse_workload
from decider.cost.sizing import fargate_sizes, size_fargate, size_instances, size_lambda
from decider.decision import FargateSizing, InstanceSizing, LambdaSizing
from decider.facts import derive
from decider.rules.model import Ruleset


def lambda_sizing(ruleset: Ruleset, **sections: Any) -> LambdaSizing:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    return size_lambda(workload, derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model).model()


def fargate_sizing(ruleset: Ruleset, **sections: Any) -> FargateSizing | None:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    sized = size_fargate(workload, derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model)
    return sized[0].model() if sized else None


def instance_sizing(ruleset: Ruleset, fee: bool = False, **sections: Any) -> InstanceSizing | None:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    sized = size_instances(
        workload, derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model, management_fee=fee
    )
    return sized[0].model() if sized else None


def test_lambda_memory_gives_the_vcpus_asked_for(ruleset: Ruleset) -> None:
    # 2 vCPU need 2 × 1,769 MB = 3,538 MB, more than the 1,024 MB of memory the code uses
    sizing = lambda_sizing(ruleset, runtime={"memory_mb": 1024, "vcpu": 2})
    assert (sizing.memory_mb, sizing.vcpu_equivalent) == (3538, 2.0)
    assert lambda_sizing(ruleset, runtime={"memory_mb": 512}).memory_mb == 512


def test_lambda_concurrency_against_the_default_quota(ruleset: Ruleset) -> None:
    busy = lambda_sizing(ruleset, runtime={"avg_duration_ms": 100}, traffic={"peak_rps": 20_000})
    assert (busy.peak_concurrency, busy.concurrency_quota, busy.within_default_quota) == (2000, 1000, False)
    quiet = lambda_sizing(ruleset, runtime={"avg_duration_ms": 100}, traffic={"peak_rps": 50})
    assert (quiet.peak_concurrency, quiet.within_default_quota) == (5, True)


def test_lambda_architecture_and_front_door(ruleset: Ruleset) -> None:
    assert lambda_sizing(ruleset).architecture == "arm64"
    assert lambda_sizing(ruleset, runtime={"architecture": "x86_64"}).architecture == "x86_64"
    assert lambda_sizing(ruleset, traffic={"protocols": ["http"]}).front_door == "api-gateway-http-api"
    assert lambda_sizing(ruleset, traffic={"protocols": ["queue"]}).front_door is None


@pytest.mark.parametrize(
    ("runtime", "traffic", "door"),
    [
        # within a tenth of API Gateway's 30 s integration timeout (27 s) for a request landing on a new environment
        # (the start and the work), or a body past Lambda's 6 MB (a streamed response): a function URL, which runs 15
        # minutes and streams, is what can carry it
        ({"max_duration_s": 120}, {}, "lambda-function-url"),
        ({"max_duration_s": 26.5}, {}, "lambda-function-url"),  # 27.5 s with the default 1 s start
        ({"max_duration_s": 5, "startup_s": 23}, {}, "lambda-function-url"),  # 28 s cold
        ({}, {"payload_mb": 8}, "lambda-function-url"),
        ({"max_duration_s": 26}, {"payload_mb": 6}, "api-gateway-http-api"),  # at the limits: still an HTTP API
        ({"max_duration_s": 5, "startup_s": 22}, {}, "api-gateway-http-api"),
        ({"max_duration_s": 120}, {"front_door": "http-api"}, "api-gateway-http-api"),  # a door named is kept
        ({"max_duration_s": 120}, {"front_door": "alb"}, "application-load-balancer"),
    ],
)
def test_a_function_beyond_api_gateway_is_priced_behind_a_function_url(
    ruleset: Ruleset, runtime: dict[str, Any], traffic: dict[str, Any], door: str
) -> None:
    sizing = lambda_sizing(ruleset, runtime=runtime, traffic={"protocols": ["http"], **traffic})
    assert sizing.front_door == door
    containers = fargate_sizing(ruleset, runtime=runtime, traffic={"protocols": ["http"], **traffic})
    assert containers is not None
    assert containers.front_door != "lambda-function-url"  # a container keeps its load balancer


def test_fargate_size_table() -> None:
    linux = fargate_sizes("linux")
    assert linux[:3] == [(0.25, 0.5), (0.25, 1.0), (0.25, 2.0)]
    assert (8, 20.0) in linux
    assert (8, 18.0) not in linux  # 8 vCPU memory moves in 4 GB steps
    assert (16, 40.0) in linux
    assert (32, 244.0) in linux
    assert len(linux) == 3 + 4 + 7 + 13 + 23 + 12 + 12 + 3
    windows = fargate_sizes("windows")
    assert {cpu for cpu, _ in windows} == {1, 2, 4}
    assert len(windows) == 7 + 13 + 23


@pytest.mark.parametrize(
    ("runtime", "expected"),
    [
        # no vcpu given: the CPU Lambda gives 1,024 MB (0.58 vCPU), to the nearest size, so both do the same work
        ({"memory_mb": 1024}, (0.5, 1.0)),
        ({"memory_mb": 512}, (0.25, 0.5)),
        ({"memory_mb": 3008}, (2, 4.0)),
        ({"memory_mb": 1536, "vcpu": 0.5}, (0.5, 2.0)),
        ({"memory_mb": 9000, "vcpu": 1}, (2, 9.0)),  # 1 vCPU stops at 8 GB
        ({"memory_mb": 2048, "vcpu": 3}, (4, 8.0)),  # the next CPU size up, at its smallest memory
        ({"memory_mb": 17000, "vcpu": 8}, (8, 20.0)),  # 17 GB rounds up to the next 4 GB step
        ({"memory_mb": 512, "vcpu": 0.25, "os": "windows"}, (1, 2.0)),  # Windows needs at least 1 vCPU
    ],
)
def test_fargate_picks_the_nearest_valid_size(
    ruleset: Ruleset, runtime: dict[str, Any], expected: tuple[float, float]
) -> None:
    sizing = fargate_sizing(ruleset, runtime=runtime)
    assert sizing is not None
    assert (sizing.task_vcpu, sizing.task_memory_gb) == expected


def test_fargate_has_no_size_for_a_64_vcpu_copy(ruleset: Ruleset) -> None:
    assert fargate_sizing(ruleset, runtime={"memory_mb": 4096, "vcpu": 64}) is None


def test_fargate_copies_from_littles_law(ruleset: Ruleset) -> None:
    # 100M requests of 500 ms, 4 per copy: in flight 100M / 2,628,000 s × 0.5 s = 19.03 on average → ÷ (4 × 0.7)
    # = 6.8 → 7 copies; peak 200 rps × 0.5 s = 100 → ÷ 2.8 = 35.7 → 36 copies
    sizing = fargate_sizing(
        ruleset,
        runtime={"avg_duration_ms": 500, "concurrency_per_copy": 4},
        traffic={"pattern": "steady", "requests_per_month": 100_000_000, "peak_rps": 200, "protocols": ["http"]},
    )
    assert sizing is not None
    assert (sizing.scaling, sizing.min_copies, sizing.desired_copies, sizing.max_copies) == ("always-on", 2, 7, 36)
    assert sizing.front_door == "application-load-balancer"


@pytest.mark.parametrize(
    ("traffic", "runtime", "scaling", "minimum"),
    [
        ({"pattern": "steady", "protocols": ["http"]}, {}, "always-on", 2),
        ({"pattern": "spiky", "protocols": ["http"]}, {}, "serving", 1),
        ({"pattern": "event", "protocols": ["queue"]}, {}, "serving", 1),  # a queue consumer keeps a warm copy
        ({"pattern": "event", "protocols": ["schedule"]}, {}, "scale-to-zero", 0),
        ({"pattern": "event", "protocols": ["queue"]}, {"long_running": True}, "always-on", 2),
        ({"pattern": "batch"}, {}, "per-run", 0),
    ],
)
def test_scaling_and_minimum_copies(
    ruleset: Ruleset, traffic: dict[str, Any], runtime: dict[str, Any], scaling: str, minimum: int
) -> None:
    sizing = fargate_sizing(ruleset, runtime=runtime, traffic=traffic)
    assert sizing is not None
    assert (sizing.scaling, sizing.min_copies) == (scaling, minimum)


def test_instances_follow_architecture_and_skip_burstable(ruleset: Ruleset) -> None:
    arm = instance_sizing(ruleset, runtime={"architecture": "arm64", "memory_mb": 1024, "vcpu": 0.5})
    assert arm is not None
    assert arm.architecture == "arm64"
    assert not arm.instance_type.startswith("t")
    x86 = instance_sizing(ruleset, runtime={"architecture": "x86_64", "memory_mb": 1024, "vcpu": 0.5})
    assert x86 is not None
    assert x86.architecture == "x86_64"
    assert not x86.instance_type.startswith("t")


def test_named_instance_families_are_honoured(ruleset: Ruleset) -> None:
    named = instance_sizing(ruleset, runtime={"memory_mb": 1024}, control={"instance_types": ["r6i"]})
    assert named is not None
    assert named.instance_type == "r6i.large"
    burstable = instance_sizing(ruleset, runtime={"memory_mb": 1024}, control={"instance_types": ["t4g"]})
    assert burstable is not None
    assert burstable.instance_type == "t4g.medium"
    assert instance_sizing(ruleset, control={"instance_types": ["i4i"]}) is None  # not in the catalogue


def test_gpu_copies_land_on_gpu_instances(ruleset: Ruleset) -> None:
    sizing = instance_sizing(ruleset, runtime={"gpu": 4, "memory_mb": 65536, "vcpu": 16})
    assert sizing is not None
    # the 4-GPU types (g6.12xlarge $4.6016/h, g5.12xlarge $5.672/h, their 24xlarge sizes) and the 8-GPU ones hold
    # 4 GPUs; g6.12xlarge is the cheapest
    assert (sizing.instance_type, sizing.copies_per_instance, sizing.instance_gpu) == ("g6.12xlarge", 1, 4)


def test_copies_pack_onto_instances(ruleset: Ruleset) -> None:
    # 0.25 vCPU / 512 MB copies, 300 at peak
    sizing = instance_sizing(
        ruleset,
        runtime={"memory_mb": 512, "vcpu": 0.25, "avg_duration_ms": 1000},
        traffic={"pattern": "steady", "requests_per_month": 263_000_000, "peak_rps": 210, "protocols": ["http"]},
    )
    assert sizing is not None
    # desired = ceil(100.08 in flight / 0.7) = 143 copies; max = ceil(210 / 0.7) = 300 copies
    assert (sizing.desired_copies, sizing.max_copies) == (143, 300)
    # Billed instance-hours are the whole instances the 143 copies need, and the type is picked by that bill.
    # c7g.4xlarge keeps its kernel's 2.53% of 32,768 MiB (829 MiB, more than the 512 MiB reserve) and holds
    # min(16 / 0.25, (32,768 − 829) / 512) = 62 copies: 3 nodes × $0.58 = $1.74 an hour, the third a third full;
    # c7g.2xlarge (31 copies) 5 × $0.29 = $1.45; c7g.xlarge (15 copies) 10 × $0.145 = $1.45 too, on twice the nodes
    # and their root volumes; m7g.medium (4 copies) 36 × $0.0408 = $1.47.
    assert (sizing.instance_type, sizing.copies_per_instance) == ("c7g.2xlarge", 31)
    assert sizing.instance_hours_per_month == 5 * 730
    per = sizing.copies_per_instance
    assert sizing.desired_instances == -(-143 // per)
    assert sizing.max_instances == -(-300 // per)
    assert sizing.min_instances == 2


def test_sizing_serialises_with_its_kind(ruleset: Ruleset) -> None:
    sizing = lambda_sizing(ruleset)
    assert sizing.model_dump()["kind"] == "lambda"
    assert dict(sizing.items())["memory_mb"] == 512
