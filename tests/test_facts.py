"""Derived facts, checked against values worked out by hand, and the registry of names rules may use."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings

from decider.copy_cpu import FARGATE_CPU_MAX_MEMORY_MB, LAMBDA_MB_PER_VCPU, container_vcpu_for
from decider.defaults_said import UTILISATION_TARGET
from decider.facts import ONE, Facts, derive, fact, lambda_memory_for
from decider.fixes import DERIVED_FROM
from decider.node_fit import SHARES
from decider.rules.fields import FIELDS, context
from decider.workload import ParsedWorkload, parse_workload
from tests.test_properties import PROPERTY_SETTINGS, WORKLOADS

# 2,628,000 requests a month is exactly one a second on average (730 hours × 3,600 s).
ONE_RPS_MONTH = 2_628_000


def facts_for(**sections: Any) -> Facts:
    return derive(parse_workload(sections).workload)


# -- Little's law and duty cycle ----------------------------------------------------------------------------------


def test_littles_law_average_and_peak_concurrency() -> None:
    facts = facts_for(
        runtime={"avg_duration_ms": 500, "max_duration_s": 1},
        traffic={"requests_per_month": ONE_RPS_MONTH, "peak_rps": 10},
    )
    assert facts.avg_rps == pytest.approx(1.0)
    assert facts.avg_duration_s == 0.5
    assert facts.avg_concurrency == pytest.approx(0.5)  # 1 rps × 0.5 s
    assert facts.peak_concurrency == pytest.approx(5.0)  # 10 rps × 0.5 s
    assert facts.peak_to_average == pytest.approx(10.0)


def test_a_peak_below_the_average_is_lifted_to_the_average() -> None:
    facts = facts_for(runtime={"avg_duration_ms": 1000}, traffic={"requests_per_month": ONE_RPS_MONTH, "peak_rps": 0.5})
    assert facts.peak_concurrency == pytest.approx(1.0)
    assert facts.peak_to_average == pytest.approx(1.0)


def test_no_traffic_uses_the_patterns_peak_factor() -> None:
    facts = facts_for(traffic={"pattern": "spiky", "requests_per_month": 0, "peak_rps": 0})
    assert facts.avg_rps == 0
    assert facts.peak_to_average == 10.0
    assert facts.duty_cycle == 0.0
    assert facts.gb_seconds_per_month == 0.0


def test_requests_per_day_and_busy_hours() -> None:
    facts = facts_for(runtime={"avg_duration_ms": 360}, traffic={"requests_per_month": 3_650_000})
    assert facts.requests_per_day == pytest.approx(120_000)  # 3,650,000 × 12 months / 365 days
    assert facts.busy_hours_per_month == pytest.approx(365.0)  # 3,650,000 × 0.36 s / 3,600


def test_duty_cycle_is_average_concurrency_capped_at_one() -> None:
    light = facts_for(runtime={"avg_duration_ms": 250}, traffic={"requests_per_month": ONE_RPS_MONTH})
    heavy = facts_for(
        runtime={"avg_duration_ms": 3000, "max_duration_s": 5}, traffic={"requests_per_month": ONE_RPS_MONTH}
    )
    assert light.duty_cycle == pytest.approx(0.25)
    assert heavy.avg_concurrency == pytest.approx(3.0)
    assert heavy.duty_cycle == 1.0


def test_a_long_running_process_is_always_busy() -> None:
    facts = facts_for(runtime={"long_running": True}, traffic={"requests_per_month": 10})
    assert facts.duty_cycle == 1.0
    assert facts.always_on is True
    assert facts.scale_to_zero is False
    assert facts.persistent_connections is True


# -- copies at peak ----------------------------------------------------------------------------------------------


def test_copies_at_peak_at_the_utilisation_target() -> None:
    # 5 in flight at peak, one per copy, each copy run at 70 %: 5 / 0.7 = 7.14 → 8 copies.
    assert UTILISATION_TARGET == 0.7
    facts = facts_for(
        runtime={"avg_duration_ms": 500, "max_duration_s": 1},
        traffic={"pattern": "spiky", "requests_per_month": ONE_RPS_MONTH, "peak_rps": 10},
    )
    assert facts.copies_at_peak == 8


def test_copies_at_peak_shares_work_across_concurrency_per_copy() -> None:
    # 50 in flight, 10 per copy at 70 %: 50 / 7 = 7.14 → 8 copies.
    facts = facts_for(
        runtime={"avg_duration_ms": 500, "max_duration_s": 1, "concurrency_per_copy": 10},
        traffic={"pattern": "spiky", "requests_per_month": ONE_RPS_MONTH, "peak_rps": 100},
    )
    assert facts.peak_concurrency == pytest.approx(50.0)
    assert facts.copies_at_peak == 8


def test_exactly_full_copies_are_not_rounded_up_by_float_noise() -> None:
    # 7 rps × 0.1 s = 0.7000000000000001 in floating point: still exactly one copy at 70 %.
    facts = facts_for(
        runtime={"avg_duration_ms": 100, "max_duration_s": 1},
        traffic={"pattern": "event", "requests_per_month": 7 * ONE_RPS_MONTH, "peak_rps": 7},
    )
    assert facts.copies_at_peak == 1


@pytest.mark.parametrize("pattern", ["steady", "diurnal"])
def test_always_on_serving_keeps_at_least_two_copies(pattern: str) -> None:
    facts = facts_for(traffic={"pattern": pattern, "requests_per_month": 1000, "protocols": ["http"]})
    assert facts.always_on is True
    assert facts.copies_at_peak == 2


@pytest.mark.parametrize(("pattern", "protocols"), [("spiky", ["http"]), ("event", ["queue"]), ("batch", ["schedule"])])
def test_work_that_can_scale_to_zero_needs_one_copy_when_light(pattern: str, protocols: list[str]) -> None:
    facts = facts_for(traffic={"pattern": pattern, "requests_per_month": 1000, "protocols": protocols})
    assert facts.always_on is False
    assert facts.scale_to_zero is True
    assert facts.copies_at_peak == 1


def test_a_steady_queue_consumer_is_not_always_on() -> None:
    # Only serving protocols keep a copy up for steady traffic; a queue can wait for a copy to start.
    facts = facts_for(traffic={"pattern": "steady", "protocols": ["queue"]})
    assert facts.always_on is False


# -- Lambda sizing and GB-seconds --------------------------------------------------------------------------------


def test_gb_seconds_per_month() -> None:
    # 1,000,000 requests × 0.2 s × 1 GB = 200,000 GB-s.
    facts = facts_for(runtime={"avg_duration_ms": 200, "memory_mb": 1024}, traffic={"requests_per_month": 1_000_000})
    assert facts.lambda_memory_mb == 1024
    assert facts.memory_gb == 1.0
    assert facts.gb_seconds_per_month == pytest.approx(200_000)


def test_gb_seconds_use_lambdas_smallest_memory_setting() -> None:
    # 64 MB asked, Lambda's floor is 128 MB: 2,000,000 × 0.5 s × 0.125 GB = 125,000 GB-s.
    facts = facts_for(runtime={"avg_duration_ms": 500, "memory_mb": 64}, traffic={"requests_per_month": 2_000_000})
    assert facts.lambda_memory_mb == 128
    assert facts.gb_seconds_per_month == pytest.approx(125_000)


def test_lambda_memory_grows_to_deliver_the_vcpus_asked_for() -> None:
    assert LAMBDA_MB_PER_VCPU == 1769
    assert lambda_memory_for(512, 2) == 3538  # 2 × 1,769
    assert lambda_memory_for(512, 0.5) == 885  # ⌈884.5⌉
    assert lambda_memory_for(4096, 0.5) == 4096  # memory already gives more than 0.5 vCPU
    assert lambda_memory_for(1024, None) == 1024  # no vcpu: sized by memory alone
    assert lambda_memory_for(100, None) == 128


def test_the_top_lambda_setting_gives_six_vcpus() -> None:
    """10,240 MB gives 6 vCPUs (Lambda's quotas: "up to 6 vCPU"), though 10,240 ÷ 1,769 is 5.79: a copy asking for
    5.8 or 6 vCPUs fits the top setting; 6.01 needs more than Lambda has."""
    assert lambda_memory_for(10240, 6) == 10240
    assert lambda_memory_for(2048, 5.8) == 10240
    assert lambda_memory_for(2048, 5.7) == 10084  # ⌈5.7 × 1,769⌉, below the top
    assert lambda_memory_for(2048, 6.01) > 10240


def test_lambda_vcpu_follows_the_memory_setting() -> None:
    facts = facts_for(runtime={"memory_mb": 512, "vcpu": 2})
    assert facts.lambda_memory_mb == 3538
    assert facts.lambda_vcpu == pytest.approx(2.0)


def test_lambda_extra_memory_is_what_is_bought_only_for_cpu() -> None:
    # 2 vCPU need a 3,538 MB setting; the workload uses 512 MB, so 3,026 MB are bought for CPU alone.
    assert facts_for(runtime={"memory_mb": 512, "vcpu": 2}).lambda_extra_memory_mb == 3026
    assert facts_for(runtime={"memory_mb": 4096, "vcpu": 0.5}).lambda_extra_memory_mb == 0
    # Below Lambda's 128 MB floor the setting is the floor itself, not extra memory bought for CPU.
    assert facts_for(runtime={"memory_mb": 64}).lambda_extra_memory_mb == 0


def test_duty_cycle_percent_is_rounded_for_messages() -> None:
    # One request a second of 50 ms: 5% busy; of 1.23 ms: 0.123%, kept to two significant digits.
    busy = facts_for(
        runtime={"avg_duration_ms": 50, "max_duration_s": 1}, traffic={"requests_per_month": ONE_RPS_MONTH}
    )
    assert busy.duty_cycle_percent == 5.0
    light = facts_for(
        runtime={"avg_duration_ms": 1.23, "max_duration_s": 1}, traffic={"requests_per_month": ONE_RPS_MONTH}
    )
    assert light.duty_cycle_percent == 0.12
    tiny = facts_for(runtime={"avg_duration_ms": 100, "max_duration_s": 1}, traffic={"requests_per_month": 30})
    assert tiny.duty_cycle_percent == 0.00011  # 30 × 0.1 s over 2,628,000 s, not "0%"


def test_lambda_scale_up_time_at_1000_environments_per_10_s() -> None:
    # 50,000 rps × 0.1 s = 5,000 in flight: five steps of 1,000 every 10 s, from the 0.04 the average keeps warm.
    warm = 1_000_000 / (730 * 3600) * 0.1
    facts = facts_for(
        runtime={"avg_duration_ms": 100, "max_duration_s": 1},
        traffic={"pattern": "diurnal", "requests_per_month": 1_000_000, "peak_rps": 50_000},
    )
    assert facts.lambda_burst_concurrency == pytest.approx(5000)
    assert facts.lambda_scale_up_s == pytest.approx((5000 - warm) / 1000 * 10)
    # a burst of clients: each request a second past what the warm environments serve holds a new one for its start
    # (the default 1 s) and the request, 55,000 at once
    burst = facts_for(
        runtime={"avg_duration_ms": 100, "max_duration_s": 1},
        traffic={"pattern": "spiky", "requests_per_month": 1_000_000, "peak_rps": 50_000},
    )
    at_once = warm + (50_000 - warm / 0.1) * 1.1
    assert burst.lambda_burst_concurrency == pytest.approx(at_once)
    # the climb the rule weighs is to the peak's in flight: the burst's own is warned of (decider/input_checks.py)
    assert burst.lambda_scale_up_s == pytest.approx((5000 - warm) / 1000 * 10)


# -- container vCPU from memory ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("memory_mb", "vcpu"),
    [
        (128, 0.25),  # Lambda's 0.07 vCPU: the smallest size
        (512, 0.25),  # 0.29 vCPU: nearest 0.25
        (1024, 0.5),  # 0.58 vCPU: nearest 0.5
        (2048, 1),  # 1.16 vCPU
        (4096, 2),  # 2.32 vCPU
        (5120, 4),  # 2.89 vCPU: nearer 4 than 2 by ratio (2 would buy 31% less CPU, 4 38% more)
        (5000, 2),  # 2.83 vCPU: nearer 2 than 4 by ratio
        (10240, 8),  # 5.79 vCPU: nearer 8 than 4 by ratio (4 would buy 31% less CPU)
        (16384, 8),  # past Lambda's largest function: its 5.79 vCPU, nearest 8 (not 9.26 vCPU for 16 GB)
        (30721, 8),  # 8 vCPU holds up to 60 GB: no function has this memory for the CPU to grow with
        (65536, 16),  # the smallest size that holds 64 GB (not 37 vCPU, 64 GB ÷ 1,769 MB)
        (122880, 16),  # 16 vCPU holds up to 120 GB
        (122881, 32),  # past 120 GB only the largest size holds it
    ],
)
def test_container_vcpu_is_the_cpu_lambda_gives_the_same_memory(memory_mb: int, vcpu: float) -> None:
    assert container_vcpu_for(memory_mb, None) == vcpu


def test_container_vcpu_never_below_the_size_that_holds_the_memory_nor_above_windows_sizes() -> None:
    assert container_vcpu_for(61441, None) == 16  # 8 vCPU holds at most 60 GB
    assert container_vcpu_for(16384, None, "windows") == 4


def test_container_vcpu_beyond_fargate_is_one_vcpu_per_8_gib() -> None:
    assert container_vcpu_for(300_000, None) == 37  # ⌈300,000 / 8,192⌉


def test_container_vcpu_given_wins() -> None:
    assert container_vcpu_for(512, 3) == 3
    assert facts_for(runtime={"memory_mb": 512, "vcpu": 3}).container_vcpu == 3


def test_the_fargate_table_is_ordered_smallest_first() -> None:
    assert list(FARGATE_CPU_MAX_MEMORY_MB) == sorted(FARGATE_CPU_MAX_MEMORY_MB)


# -- cold starts, connections, GPU -------------------------------------------------------------------------------


@pytest.mark.parametrize(("slo_ms", "exceeds"), [(300, True), (1120, False), (1119, True), (2000, False)])
def test_cold_start_plus_a_request_against_the_slo(slo_ms: float, exceeds: bool) -> None:
    # A cold request takes startup 1 s + 120 ms of work = 1,120 ms.
    facts = facts_for(
        runtime={"startup_s": 1, "avg_duration_ms": 120, "max_duration_s": 1}, traffic={"latency_slo_ms": slo_ms}
    )
    assert facts.cold_start_exceeds_slo is exceeds


def test_no_slo_means_no_cold_start_breach() -> None:
    assert facts_for(runtime={"startup_s": 30}).cold_start_exceeds_slo is False


@pytest.mark.parametrize(("protocols", "persistent"), [(["websocket"], True), (["udp"], True), (["tcp"], True)])
def test_connection_protocols_mean_persistent_connections(protocols: list[str], persistent: bool) -> None:
    assert facts_for(traffic={"protocols": protocols}).persistent_connections is persistent


@pytest.mark.parametrize("protocols", [["http"], ["grpc"], ["queue"], ["schedule"]])
def test_request_protocols_are_not_persistent(protocols: list[str]) -> None:
    assert facts_for(traffic={"protocols": protocols}).persistent_connections is False


def test_needs_gpu() -> None:
    assert facts_for(runtime={"gpu": 1}).needs_gpu is True
    assert facts_for().needs_gpu is False


def test_derive_is_pure() -> None:
    parsed: ParsedWorkload = parse_workload({"traffic": {"pattern": "spiky", "peak_rps": 40}})
    assert derive(parsed.workload) == derive(parsed.workload)


# -- the field registry and the rule context --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "choices"),
    [
        ("runtime.memory_mb", "number", ()),
        ("runtime.vcpu", "number", ()),
        ("runtime.long_running", "bool", ()),
        ("runtime.architecture", "enum", ("x86_64", "arm64", "any")),
        ("traffic.pattern", "enum", ("steady", "diurnal", "spiky", "scheduled", "event", "batch")),
        ("traffic.protocols", "enum_list", ("http", "grpc", "websocket", "tcp", "udp", "queue", "schedule")),
        ("traffic.latency_slo_ms", "number", ()),
        ("control.instance_types", "string_list", ()),
        ("control.privileged", "bool", ()),
        ("team.current_platform", "enum", ("none", "lambda", "ecs", "eks", "ec2")),
        ("preferences.region", "string", ()),
        ("derived.copies_at_peak", "number", ()),
        ("derived.always_on", "bool", ()),
        ("derived.cold_start_exceeds_slo", "bool", ()),
    ],
)
def test_field_registry_kinds_and_choices(path: str, kind: str, choices: tuple[str, ...]) -> None:
    spec = FIELDS[path]
    assert spec.path == path
    assert spec.kind == kind
    assert spec.choices == choices


def test_every_derived_fact_is_a_rule_field() -> None:
    assert {path for path in FIELDS if path.startswith("derived.")} == {
        f"derived.{item.name}" for item in dataclasses.fields(Facts)
    }


def test_workload_fields_carry_their_descriptions() -> None:
    assert "cold start" in FIELDS["runtime.startup_s"].description


def test_the_name_label_is_not_a_rule_field() -> None:
    assert "name" not in FIELDS
    assert not any(path.startswith("name") for path in FIELDS)


@pytest.mark.parametrize(
    "sections",
    [{}, {"runtime": {"vcpu": 2, "gpu": 1}, "traffic": {"pattern": "batch"}, "control": {"instance_types": ["p4d"]}}],
)
def test_the_rule_context_holds_exactly_the_registered_fields(sections: dict[str, Any]) -> None:
    workload = parse_workload(sections).workload
    values = context(workload, derive(workload))
    assert set(values) == set(FIELDS)


def test_the_rule_context_holds_resolved_values() -> None:
    workload = parse_workload({"runtime": {"memory_mb": 2048}, "control": {"instance_types": ["p4d"]}}).workload
    values = context(workload, derive(workload))
    assert values["runtime.memory_mb"] == 2048
    assert values["runtime.max_duration_s"] == 1.0  # resolved default, not None
    assert values["traffic.protocols"] == ("http",)
    assert values["control.instance_types"] == ("p4d",)
    assert (
        values["derived.container_vcpu"] == 1
    )  # the CPU Lambda gives 2,048 MB (1.16 vCPU), to the nearest Fargate size
    assert values["runtime.vcpu"] is None


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(WORKLOADS)
def test_a_fact_computed_alone_is_the_one_derive_computes(raw: dict[str, Any]) -> None:
    workload = parse_workload(raw).workload
    facts = derive(workload)
    for name in ONE:
        assert fact(workload, name) == getattr(facts, name), name
    assert fact(workload, "duty_cycle") == facts.duty_cycle  # the others are read from derive


def test_every_fact_a_fix_moves_fields_for_is_computed_alone() -> None:
    """Computed alone from the workload (``ONE``), or from it and the region's nodes (decider/node_fit.py)."""
    nodes = {path.removeprefix("derived.") for path in SHARES}
    assert {path.removeprefix("derived.") for path in DERIVED_FROM} <= set(ONE) | nodes
