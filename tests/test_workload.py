"""The workload contract: bounds, enums, unknown fields with did-you-mean, defaults reported as assumptions."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest

from decider.errors import Problem, WorkloadError
from decider.review_request import with_platform
from decider.workload import (
    DEFAULT_REQUESTS_PER_MONTH,
    SECONDS_PER_MONTH,
    SECTIONS,
    Control,
    Runtime,
    Workload,
    parse_workload,
    resolve_defaults,
    validate_workload,
)


def problems_of(raw: Any) -> tuple[Problem, ...]:
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw)
    return caught.value.problems


def only_problem(raw: Any) -> Problem:
    problems = problems_of(raw)
    assert len(problems) == 1, problems
    return problems[0]


# -- bounds -----------------------------------------------------------------------------------------------------

BOUNDS = [
    # (section, field, value out of bounds, the bound the message must name)
    ("runtime", "max_duration_s", 0, "greater than 0"),
    ("runtime", "max_duration_s", -5, "greater than 0"),
    ("runtime", "max_duration_s", 31_536_001, "less than or equal to 31536000"),
    ("runtime", "avg_duration_ms", 0, "greater than 0"),
    ("runtime", "avg_duration_ms", 31_536_000_001, "less than or equal to 31536000000"),
    ("runtime", "memory_mb", 0, "greater than or equal to 1"),
    ("runtime", "memory_mb", 33_554_433, "less than or equal to 33554432"),
    ("runtime", "vcpu", 0, "greater than 0"),
    ("runtime", "vcpu", 897, "less than or equal to 896"),
    ("runtime", "gpu", -1, "greater than or equal to 0"),
    ("runtime", "gpu", 17, "less than or equal to 16"),
    ("runtime", "ephemeral_storage_gb", -0.5, "greater than or equal to 0"),
    ("runtime", "ephemeral_storage_gb", 65_537, "less than or equal to 65536"),
    ("runtime", "artifact_mb", -1, "greater than or equal to 0"),
    ("runtime", "artifact_mb", 100_001, "less than or equal to 100000"),
    ("runtime", "startup_s", -1, "greater than or equal to 0"),
    ("runtime", "startup_s", 3601, "less than or equal to 3600"),
    ("runtime", "concurrency_per_copy", 0, "greater than or equal to 1"),
    ("runtime", "concurrency_per_copy", 10_001, "less than or equal to 10000"),
    ("runtime", "min_copies", -1, "greater than or equal to 0"),
    ("runtime", "min_copies", 10_001, "less than or equal to 10000"),
    ("runtime", "provisioned_concurrency", -1, "greater than or equal to 0"),
    ("runtime", "provisioned_concurrency", 10_001, "less than or equal to 10000"),
    ("runtime", "connections_per_copy", 0, "greater than or equal to 1"),
    ("runtime", "connections_per_copy", 10_000_001, "less than or equal to 10000000"),
    ("traffic", "requests_per_month", -1, "greater than or equal to 0"),
    ("traffic", "requests_per_month", 1e14, "less than or equal to 10000000000000"),
    ("traffic", "peak_rps", -0.1, "greater than or equal to 0"),
    ("traffic", "peak_rps", 10_000_001, "less than or equal to 10000000"),
    ("traffic", "payload_mb", -1, "greater than or equal to 0"),
    ("traffic", "payload_mb", 100_001, "less than or equal to 100000"),
    ("traffic", "connections", -1, "greater than or equal to 0"),
    ("traffic", "connections", 2e9, "less than or equal to 1000000000"),
    ("traffic", "latency_slo_ms", 0, "greater than 0"),
    ("traffic", "latency_slo_ms", 3_600_001, "less than or equal to 3600000"),
    ("traffic", "bursts_per_day", 0, "greater than 0"),
    ("traffic", "bursts_per_day", 1441, "less than or equal to 1440"),
    ("network", "nat_gateways", -1, "greater than or equal to 0"),
    ("network", "nat_gateways", 101, "less than or equal to 100"),
    ("network", "egress_gb_per_month", -1, "greater than or equal to 0"),
    ("network", "egress_gb_per_month", 2e9, "less than or equal to 1000000000"),
    ("network", "logs_gb_per_month", -1, "greater than or equal to 0"),
    ("network", "logs_gb_per_month", 2e9, "less than or equal to 1000000000"),
]


@pytest.mark.parametrize(("section", "field", "value", "bound"), BOUNDS)
def test_out_of_bounds_numbers_name_the_field_the_value_and_the_bound(
    section: str, field: str, value: float, bound: str
) -> None:
    problem = only_problem({section: {field: value}})
    assert problem.location == f"{section}.{field}"
    assert bound in problem.message
    assert repr(value) in problem.message


def test_every_numeric_field_has_a_bound_test() -> None:
    numeric = {
        f"{name}.{field}"
        for name, section in SECTIONS.items()
        for field, info in section.model_fields.items()
        if set(typing.get_args(info.annotation) or (info.annotation,)) & {int, float}
    }
    assert numeric == {f"{section}.{field}" for section, field, _, _ in BOUNDS}


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_numbers_are_refused(value: float) -> None:
    assert only_problem({"runtime": {"max_duration_s": value}}).location == "runtime.max_duration_s"


@pytest.mark.parametrize(
    ("section", "field"),
    [("runtime", "memory_mb"), ("runtime", "vcpu"), ("traffic", "peak_rps"), ("network", "nat_gateways")],
)
def test_a_boolean_is_not_a_number(section: str, field: str) -> None:
    # YAML reads `yes` as true; a 1 MB function from `memory_mb: yes` would be a silent wrong answer.
    problem = only_problem({section: {field: True}})
    assert problem.location == f"{section}.{field}"
    assert "must be a number" in problem.message


@pytest.mark.parametrize(
    ("raw", "location", "said"),
    [
        ({"runtime": {"memory_mb": None}}, "runtime.memory_mb", "must be a whole number, got null"),
        ({"traffic": {"pattern": None}}, "traffic.pattern", "null is not allowed; choose one of steady"),
        ({"preferences": {"spot_ok": None}}, "preferences.spot_ok", "must be true or false, got null"),
    ],
)
def test_a_field_given_as_null_says_to_leave_it_out_for_its_default(raw: Any, location: str, said: str) -> None:
    """YAML's empty value and JSON's null are not "not given": the problem says what to write instead."""
    problem = only_problem(raw)
    assert problem.location == location
    assert said in problem.message
    assert problem.message.endswith("; leave the field out for its default")


def test_only_a_null_is_told_to_leave_the_field_out() -> None:
    assert "leave the field out" not in only_problem({"runtime": {"memory_mb": "lots"}}).message


@pytest.mark.parametrize("name", ["banana", "M7G.large", "p4d ", "", "large"])
def test_an_instance_type_no_one_could_name_is_refused(name: str) -> None:
    """With control.instance_types ["banana"] every instance target had no type to price and nothing said why."""
    problem = only_problem({"control": {"instance_types": [name]}})
    assert problem.location == "control.instance_types.0"
    assert "not an EC2 instance family or type" in problem.message
    assert repr(name) in problem.message


def test_instance_families_and_types_as_aws_writes_them_are_taken() -> None:
    names = ["m7g.large", "p4d", "c6in", "u-6tb1.metal", "m7i-flex.xlarge", "g4dn.12xlarge"]
    assert parse_workload({"control": {"instance_types": names}}).workload.control.instance_types == tuple(names)


def test_a_fractional_gpu_count_is_refused() -> None:
    problem = only_problem({"runtime": {"gpu": 1.5}})
    assert problem.location == "runtime.gpu"
    assert "whole number" in problem.message
    assert "1.5" in problem.message


def test_text_where_a_number_belongs_names_the_value() -> None:
    problem = only_problem({"runtime": {"memory_mb": "lots"}})
    assert problem.location == "runtime.memory_mb"
    assert "'lots'" in problem.message


def test_numbers_written_as_text_are_read_as_numbers() -> None:
    # Form fields and query strings carry text; "1024" is unambiguous.
    assert parse_workload({"runtime": {"memory_mb": "1024"}}).workload.runtime.memory_mb == 1024


def test_name_longer_than_200_characters_is_refused() -> None:
    assert only_problem({"name": "x" * 201}).location == "name"


def test_an_empty_protocol_list_is_refused() -> None:
    problem = only_problem({"traffic": {"protocols": []}})
    assert problem.location == "traffic.protocols"
    assert "at least 1" in problem.message


@pytest.mark.parametrize("region", ["Frankfurt", "us-east", "US-EAST-1", "us_east_1"])
def test_region_must_look_like_an_aws_region_code(region: str) -> None:
    problem = only_problem({"preferences": {"region": region}})
    assert problem.location == "preferences.region"
    assert repr(region) in problem.message
    assert "us-east-1" in problem.message


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "ap-southeast-4", "us-gov-west-1"])
def test_real_region_codes_are_accepted(region: str) -> None:
    assert parse_workload({"preferences": {"region": region}}).workload.preferences.region == region


# -- enums ------------------------------------------------------------------------------------------------------

ENUMS = [
    ("runtime", "architecture", "arm", ["x86_64", "arm64", "any"], "arm64"),
    ("runtime", "os", "linu", ["linux", "windows"], "linux"),
    ("traffic", "pattern", "spikey", ["steady", "diurnal", "spiky", "scheduled", "event", "batch"], "spiky"),
    ("team", "kubernetes_experience", "expret", ["none", "some", "expert"], "expert"),
    ("team", "ops_capacity", "hihg", ["low", "medium", "high"], "high"),
    ("team", "current_platform", "ecs2", ["none", "lambda", "ecs", "eks", "ec2"], "ecs"),
    ("preferences", "optimize_for", "costs", ["balanced", "cost", "simplicity", "control"], "cost"),
    ("preferences", "commitment", "1y", ["none", "1yr", "3yr"], "1yr"),
    ("preferences", "savings_plan", "ec2-instances", ["compute", "ec2-instance"], "ec2-instance"),
]


@pytest.mark.parametrize(("section", "field", "value", "allowed", "suggestion"), ENUMS)
def test_enum_typos_list_the_allowed_values_and_the_nearest(
    section: str, field: str, value: str, allowed: list[str], suggestion: str
) -> None:
    problem = only_problem({section: {field: value}})
    assert problem.location == f"{section}.{field}"
    assert repr(value) in problem.message
    assert f"choose one of {', '.join(allowed)}" in problem.message
    assert problem.suggestion == suggestion


def test_every_enum_field_has_a_typo_test() -> None:
    enums = {
        f"{name}.{field}"
        for name, section in SECTIONS.items()
        for field, info in section.model_fields.items()
        if typing.get_origin(info.annotation) is typing.Literal
    }
    assert enums == {f"{section}.{field}" for section, field, *_ in ENUMS}


def test_a_protocol_typo_points_at_the_list_item() -> None:
    problem = only_problem({"traffic": {"protocols": ["http", "websockets"]}})
    assert problem.location == "traffic.protocols.1"
    assert "http, grpc, websocket, tcp, udp, queue, schedule" in problem.message
    assert problem.suggestion == "websocket"


def test_a_list_whose_only_item_is_wrong_is_one_problem_not_two() -> None:
    """Pydantic drops the failed item and then finds the list too short; that echo is not a second problem."""
    problem = only_problem({"traffic": {"protocols": ["event"]}})
    assert problem.location == "traffic.protocols.0"
    assert "'event' is not allowed" in problem.message


def test_an_enum_value_far_from_every_choice_has_no_suggestion() -> None:
    assert only_problem({"traffic": {"pattern": "zzzzzz"}}).suggestion is None


# -- unknown fields -----------------------------------------------------------------------------------------------


def test_unknown_field_in_a_section_suggests_the_nearest_name() -> None:
    problem = only_problem({"runtime": {"memroy_mb": 1024}})
    assert problem.location == "runtime.memroy_mb"
    assert problem.suggestion == "memory_mb"
    assert "memory_mb" in problem.message
    assert "vcpu" in problem.message
    assert "did you mean 'memory_mb'?" in str(problem)


def test_unknown_field_at_the_top_level_suggests_the_full_path() -> None:
    problem = only_problem({"memroy_mb": 1024})
    assert problem.location == "memroy_mb"
    assert problem.suggestion == "runtime.memory_mb"
    assert "runtime" in problem.message
    assert "traffic" in problem.message


def test_a_field_in_the_wrong_section_suggests_where_it_belongs() -> None:
    problem = only_problem({"traffic": {"memory_mb": 1024}})
    assert problem.location == "traffic.memory_mb"
    assert problem.suggestion == "runtime.memory_mb"


def test_a_misspelt_section_suggests_the_section() -> None:
    problem = only_problem({"runtme": {"memory_mb": 1024}})
    assert problem.location == "runtme"
    assert problem.suggestion == "runtime"


def test_a_name_close_to_nothing_gets_no_suggestion() -> None:
    problem = only_problem({"runtime": {"qqqqqqqq": 1}})
    assert problem.suggestion is None
    assert "did you mean" not in str(problem)


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of(
        {"runtime": {"memroy_mb": 1, "gpu": -1}, "traffic": {"pattern": "spikey"}, "team": {"ops": "low"}}
    )
    assert {problem.location for problem in problems} == {
        "runtime.memroy_mb",
        "runtime.gpu",
        "traffic.pattern",
        "team.ops",
    }


def test_the_error_message_lists_every_problem() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"runtime": {"memroy_mb": 1, "gpu": -1}})
    text = str(caught.value)
    assert text.startswith("invalid workload (2 problems):")
    assert "runtime.memroy_mb" in text
    assert "runtime.gpu" in text


# -- non-mapping input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "kind"), [([1, 2], "array"), ("memory_mb: 5", "string"), (42, "number")])
def test_a_workload_that_is_not_a_mapping_is_refused(raw: Any, kind: str) -> None:
    problem = only_problem(raw)
    assert problem.location == ""
    assert f"got {kind}" in problem.message


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_a_section_that_is_not_a_mapping_is_refused(section: str) -> None:
    problem = only_problem({section: "yes"})
    assert problem.location == section
    assert "must be a mapping of fields, got str" in problem.message


def test_an_empty_document_is_the_all_defaults_workload() -> None:
    assert parse_workload(None) == parse_workload({})


# -- defaults and assumptions ------------------------------------------------------------------------------------


def test_every_default_applied_is_reported() -> None:
    parsed = parse_workload({})
    text = "\n".join(parsed.assumptions)
    for section, model in SECTIONS.items():
        for field in model.model_fields:
            if f"{section}.{field}" in (
                "traffic.latency_slo_ms",
                "traffic.connections",
                "traffic.front_door",
                "traffic.hourly_profile",
                "traffic.bursts_per_day",
                "runtime.min_copies",
                "runtime.provisioned_concurrency",
                "runtime.connections_per_copy",
                "control.kubernetes_version",
            ):
                # optional with no default (no SLO; connections, and those a copy holds, only for WebSocket; the
                # front door follows the
                # protocols and each target's sizing names it; no profile prices the month as a whole, as a flat one
                # would; no minimum copies leaves the cost model's, which each sizing shows; no environments kept
                # warm but for a bursting service's latency target, which says it; no Kubernetes version bills the
                # control plane in standard support, which its line says): nothing is assumed
                continue
            assert f"{section}.{field}" in text, f"{section}.{field} default not reported"
    assert "latency_slo_ms" not in text


def test_an_unset_vcpu_says_how_targets_are_sized() -> None:
    parsed = parse_workload({"runtime": {"memory_mb": 2048}})
    [line] = [line for line in parsed.assumptions if line.startswith("runtime.vcpu")]
    assert "memory_mb" in line
    assert not any(line.startswith("runtime.vcpu") for line in parse_workload({"runtime": {"vcpu": 1}}).assumptions)


def test_defaults_have_their_documented_values() -> None:
    workload = parse_workload({}).workload
    runtime, traffic = workload.runtime, workload.traffic
    assert (runtime.memory_mb, runtime.gpu, runtime.ephemeral_storage_gb, runtime.artifact_mb) == (512, 0, 0.5, 100)
    assert (runtime.architecture, runtime.os, runtime.startup_s, runtime.concurrency_per_copy) == ("any", "linux", 1, 1)
    assert runtime.vcpu is None
    assert runtime.long_running is False
    assert (traffic.pattern, traffic.payload_mb, traffic.latency_slo_ms) == ("steady", 0.1, None)
    assert workload.team.kubernetes_experience == "none"
    assert workload.team.ops_capacity == "medium"
    assert workload.preferences.optimize_for == "balanced"
    assert workload.preferences.region == "us-east-1"
    assert workload.preferences.commitment == "none"
    assert workload.preferences.spot_ok is False


def test_given_fields_are_not_reported_as_assumptions() -> None:
    parsed = parse_workload({"runtime": {"memory_mb": 2048}})
    assert not any(line.startswith("runtime.memory_mb") for line in parsed.assumptions)
    assert any(line.startswith("runtime.gpu") for line in parsed.assumptions)


def test_a_fully_described_workload_has_only_unset_optionals_left() -> None:
    parsed = parse_workload(
        {
            "runtime": {
                "max_duration_s": 2,
                "avg_duration_ms": 120,
                "memory_mb": 1024,
                "vcpu": 0.5,
                "gpu": 0,
                "ephemeral_storage_gb": 0.5,
                "artifact_mb": 150,
                "architecture": "any",
                "os": "linux",
                "startup_s": 1,
                "long_running": False,
                "concurrency_per_copy": 1,
                "min_copies": 9,
                "provisioned_concurrency": 5,
            },
            "traffic": {
                "pattern": "spiky",
                "requests_per_month": 3_000_000,
                "peak_rps": 50,
                "payload_mb": 0.5,
                "protocols": ["http"],
                "latency_slo_ms": 300,
                "front_door": "http-api",
                "bursts_per_day": 24,
            },
            "control": dict.fromkeys(Control.model_fields, False)
            | {"instance_types": [], "kubernetes_version": "1.35"},
            "team": {
                "kubernetes_experience": "none",
                "ops_capacity": "medium",
                "current_platform": "lambda",
                "new_cluster": False,
            },
            "preferences": {
                "optimize_for": "balanced",
                "region": "us-east-1",
                "commitment": "none",
                "spot_ok": False,
                "free_tier": False,
                "savings_plan": "compute",
            },
            "network": {
                "vpc": False,
                "nat_gateways": 0,
                "egress_gb_per_month": 0,
                "logs_gb_per_month": 0,
                "own_load_balancer": False,
            },
        }
    )
    assert parsed.assumptions == ()


def test_max_duration_defaults_to_one_second_when_nothing_is_known() -> None:
    parsed = parse_workload({})
    assert parsed.workload.runtime.max_duration_s == 1.0
    assert "runtime.max_duration_s not given: assumed 1 s (a short request)" in parsed.assumptions


def test_max_duration_defaults_to_the_average_duration() -> None:
    parsed = parse_workload({"runtime": {"avg_duration_ms": 250}})
    assert parsed.workload.runtime.max_duration_s == 0.25
    assert "runtime.max_duration_s not given: assumed 0.25 s (avg_duration_ms)" in parsed.assumptions


def test_average_duration_is_a_fifth_of_max_for_request_traffic() -> None:
    parsed = parse_workload({"runtime": {"max_duration_s": 2}})
    assert parsed.workload.runtime.avg_duration_ms == 400.0
    assert parsed.workload.avg_duration_s == 0.4
    assert "runtime.avg_duration_ms not given: assumed 400 ms (a fifth of max_duration_s)" in parsed.assumptions


@pytest.mark.parametrize("pattern", ["scheduled", "batch"])
def test_average_duration_is_the_whole_run_for_jobs(pattern: str) -> None:
    parsed = parse_workload({"runtime": {"max_duration_s": 60}, "traffic": {"pattern": pattern}})
    assert parsed.workload.runtime.avg_duration_ms == 60_000.0
    assert any("assumed 60,000 ms (the whole run" in line for line in parsed.assumptions)


def test_requests_per_month_default_when_nothing_is_known() -> None:
    parsed = parse_workload({})
    assert parsed.workload.requests_per_month == DEFAULT_REQUESTS_PER_MONTH == 1_000_000
    assert "traffic.requests_per_month not given: assumed 1,000,000 (a modest default)" in parsed.assumptions


def test_requests_per_month_from_peak_and_pattern() -> None:
    # steady: peak is 1.5 × average, so 3 rps at peak is 2 rps on average, × 2,628,000 s in 730 hours.
    parsed = parse_workload({"traffic": {"pattern": "steady", "peak_rps": 3}})
    assert SECONDS_PER_MONTH == 2_628_000
    assert parsed.workload.requests_per_month == 5_256_000
    assert any(
        line.startswith("traffic.requests_per_month not given: assumed 5,256,000") for line in parsed.assumptions
    )


def test_spiky_peak_implies_fewer_requests_than_steady() -> None:
    # spiky: peak is 10 × average; 10 rps at peak is 1 rps on average.
    parsed = parse_workload({"traffic": {"pattern": "spiky", "peak_rps": 10}})
    assert parsed.workload.requests_per_month == 2_628_000


def test_peak_from_requests_and_pattern() -> None:
    # diurnal: 2,628,000 a month is 1 rps on average; the peak is 3 × that.
    parsed = parse_workload({"traffic": {"pattern": "diurnal", "requests_per_month": 2_628_000}})
    assert parsed.workload.peak_rps == pytest.approx(3.0)
    assert "traffic.peak_rps not given: assumed 3 (average rate × 3 for diurnal)" in parsed.assumptions


def test_a_busy_job_peak_is_its_average_rate_overlapping_runs() -> None:
    # 10 runs a second on average are 10 × 60 s runs at once: capping the peak at one run at a time would put it
    # below the average rate the volume needs.
    parsed = parse_workload(
        {"runtime": {"max_duration_s": 60}, "traffic": {"pattern": "batch", "requests_per_month": 26_280_000}}
    )
    assert parsed.workload.peak_rps == pytest.approx(10.0)


def test_a_rare_job_peak_is_its_average_rate() -> None:
    parsed = parse_workload(
        {"runtime": {"max_duration_s": 60}, "traffic": {"pattern": "scheduled", "requests_per_month": 730}}
    )
    assert parsed.workload.peak_rps == pytest.approx(730 / 2_628_000)


def test_a_job_with_no_runs_has_no_peak() -> None:
    parsed = parse_workload({"traffic": {"pattern": "batch", "requests_per_month": 0}})
    assert parsed.workload.peak_rps == 0.0


def test_given_requests_and_peak_are_kept() -> None:
    parsed = parse_workload({"traffic": {"requests_per_month": 1000, "peak_rps": 99}})
    assert (parsed.workload.requests_per_month, parsed.workload.peak_rps) == (1000, 99)
    assert not any(line.startswith(("traffic.peak_rps", "traffic.requests_per_month")) for line in parsed.assumptions)


@pytest.mark.parametrize(
    ("pattern", "protocols"),
    [
        ("steady", ("http",)),
        ("diurnal", ("http",)),
        ("spiky", ("http",)),
        ("event", ("queue",)),
        ("scheduled", ("schedule",)),
        ("batch", ("schedule",)),
    ],
)
def test_protocols_default_from_the_pattern(pattern: str, protocols: tuple[str, ...]) -> None:
    parsed = parse_workload({"traffic": {"pattern": pattern}})
    assert parsed.workload.protocols == protocols
    assert f"traffic.protocols not given: assumed [{', '.join(protocols)}]" in parsed.assumptions


def test_false_and_empty_defaults_are_reported_in_a_line_each_per_section() -> None:
    """Flags left off read "assumed false", lists left empty "assumed none": a flag is never said to be none."""
    parsed = parse_workload({"control": {"sidecars": True}})
    control_lines = [line for line in parsed.assumptions if line.startswith("control.")]
    assert len(control_lines) == 2
    flags, lists = control_lines
    assert "control.sidecars" not in flags
    assert "control.privileged" in flags
    assert flags.endswith("not given: assumed false")
    assert lists == "control.instance_types not given: assumed none"


def test_assumptions_are_deterministic() -> None:
    assert parse_workload({"traffic": {"pattern": "spiky"}}) == parse_workload({"traffic": {"pattern": "spiky"}})


# -- frozen models ----------------------------------------------------------------------------------------------


def test_a_parsed_workload_cannot_be_changed() -> None:
    workload = parse_workload({"runtime": {"memory_mb": 1024}}).workload
    with pytest.raises(pydantic.ValidationError):
        workload.runtime.memory_mb = 1  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        workload.name = "other"  # type: ignore[misc]
    assert workload.runtime.memory_mb == 1024


def test_the_parsed_result_cannot_be_changed() -> None:
    parsed = parse_workload({})
    with pytest.raises(AttributeError):
        parsed.assumptions = ()  # type: ignore[misc]


def test_resolved_values_need_parse_workload() -> None:
    # A bare model has no resolved defaults; reading one is a programming error, not a silent None.
    with pytest.raises(ValueError, match="parse_workload"):
        _ = Workload().max_duration_s


def test_runtime_model_refuses_unknown_fields_directly() -> None:
    with pytest.raises(pydantic.ValidationError):
        Runtime.model_validate({"memroy_mb": 1})


# --- JSON bodies: the same contract, JSON types held to the schema ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "location"),
    [
        ({"runtime": {"long_running": 0}}, "runtime.long_running"),  # 0 is not false in JSON
        ({"runtime": {"memory_mb": "1024"}}, "runtime.memory_mb"),  # "1024" is not 1024 in JSON
        ({"control": {"privileged": "yes"}}, "control.privileged"),
    ],
)
def test_strict_json_holds_json_types_to_the_schema(raw: dict[str, Any], location: str) -> None:
    parse_workload(raw)  # a YAML file may say so
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw, strict_json=True)
    assert [problem.location for problem in caught.value.problems] == [location]


def test_strict_json_takes_arrays_and_integral_floats() -> None:
    raw = {"runtime": {"memory_mb": 1024.0}, "traffic": {"protocols": ["http", "grpc"]}}
    assert parse_workload(raw, strict_json=True) == parse_workload(raw)


@pytest.mark.parametrize(("raw", "kind"), [(None, "null"), ([], "array"), ("x", "string")])
def test_a_json_workload_must_be_an_object(raw: Any, kind: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw, strict_json=True)
    assert str(caught.value.problems[0]) == f"a workload must be a mapping of sections (a JSON object), got {kind}"


def test_validate_then_resolve_is_parse_and_a_platform_reads_as_if_the_file_said_it() -> None:
    raw = {"traffic": {"pattern": "spiky"}}
    assert resolve_defaults(validate_workload(raw)) == parse_workload(raw)
    moved = resolve_defaults(with_platform(validate_workload(raw), "lambda"))
    assert moved == parse_workload({**raw, "team": {"current_platform": "lambda"}})


@pytest.mark.parametrize("deep", [False, True])
def test_a_copied_section_is_the_copy_pydantic_makes(deep: bool) -> None:
    """Sections copy themselves without Pydantic's generic path (the advice search copies many): the copy has the
    same values and set fields as Pydantic's own copy, stays frozen, and leaves the original as it was."""
    parsed = parse_workload({"runtime": {"memory_mb": 512}, "traffic": {"pattern": "spiky"}})
    workload = parsed.workload
    for section, update in (
        (workload, {"name": "renamed"}),
        (workload.runtime, {"memory_mb": 2048}),
        (workload.traffic, {}),
        (workload.network, None),
    ):
        ours = section.model_copy(update=update, deep=deep)
        theirs = pydantic.BaseModel.model_copy(section, update=update, deep=deep)
        assert ours == theirs
        assert ours.model_fields_set == theirs.model_fields_set
        assert ours.model_dump() == theirs.model_dump()
        assert hash(ours) == hash(theirs)
        with pytest.raises(pydantic.ValidationError):
            setattr(ours, next(iter(type(section).model_fields)), None)
    copied = parsed.workload.runtime.model_copy(update={"memory_mb": 4096})
    assert (copied.memory_mb, parsed.workload.runtime.memory_mb) == (4096, 512)
    assert "memory_mb" in copied.model_fields_set
    assert parsed.workload.runtime.model_copy() == parsed.workload.runtime


@pytest.mark.parametrize(
    ("protocols", "pattern"), [(["schedule"], "scheduled"), (["queue"], "event"), (["http"], "steady")]
)
def test_a_pattern_not_given_follows_the_protocols(protocols: list[str], pattern: str) -> None:
    parsed = parse_workload({"runtime": {"max_duration_s": 600}, "traffic": {"protocols": protocols}})
    assert parsed.workload.traffic.pattern == pattern
    assert dict(parsed.defaults)["traffic.pattern"] == pattern
    said = [assumption for assumption in parsed.assumptions if assumption.startswith("traffic.pattern")]
    derived = f"traffic.pattern not given: assumed {pattern} (from traffic.protocols)"
    assert said == [derived if pattern != "steady" else "traffic.pattern not given: assumed steady"]


def test_a_scheduled_job_known_by_its_protocol_is_sized_as_whole_runs() -> None:
    parsed = parse_workload({"runtime": {"max_duration_s": 600}, "traffic": {"protocols": ["schedule"]}})
    assert parsed.workload.runtime.avg_duration_ms == 600_000  # the whole run, not a fifth of it


@pytest.mark.parametrize("protocols", [["schedule", "http"], ["queue", "schedule"]])
def test_mixed_protocols_or_a_given_pattern_keep_theirs(protocols: list[str]) -> None:
    assert parse_workload({"traffic": {"protocols": protocols}}).workload.traffic.pattern == "steady"
    given = parse_workload({"traffic": {"protocols": protocols[:1], "pattern": "diurnal"}})
    assert given.workload.traffic.pattern == "diurnal"
    assert "traffic.pattern" not in dict(given.defaults)


def test_the_docs_name_every_field_that_takes_null_as_not_given() -> None:
    """docs/workload.md lists the fields a null leaves to their defaults: those whose type admits none."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "workload.md").read_text(encoding="utf-8")
    start = text.index("Every section and field is optional")
    paragraph = text[start : text.index("Every default that decider applies", start)]
    nullable = {
        name
        for model in SECTIONS.values()
        for name, info in model.model_fields.items()
        if type(None) in typing.get_args(info.annotation)
    }
    named = {word.strip("`").split(".")[-1] for word in paragraph.replace(",", " ").split() if word.startswith("`")}
    assert nullable | {"name"} == named
    for name in sorted(nullable):  # each, null, decides as left out
        section = next(section for section, model in SECTIONS.items() if name in model.model_fields)
        assert parse_workload({section: {name: None}}).workload == parse_workload({}).workload, name
