"""Defects a second property audit (2,200 workloads through every front, defaults written out, keys and lists
reordered, every region) found, each kept fixed here:

- JSON on standard input is read as JSON: ``3e6`` is a number there, as in a ``.json`` file and the API;
- the artifact size is an estimated default like the others: tried, and said when it decides the answer;
- writing a default out changes no warning (``savings_plan: compute``; 4.02 s against 4,020 ms);
- the order ``traffic.protocols`` are given in changes no byte of the answer;
- a bill on a GPU type whose GPUs its copies leave idle (a region whose book has only 8-GPU types) is warned of;
- a value outside a field's bounds is said with the bound and the value as written (1e+300, not 300 digits).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cli import main
from decider.errors import WorkloadError


def decided(ruleset: Ruleset, sections: dict[str, Any], *, advice: bool = True) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=advice)


def test_json_numbers_with_an_exponent_are_read_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"traffic": {"requests_per_month": 3e6, "payload_mb": 0.00001}}
    text = json.dumps(document)
    assert "1e-05" in text  # as Python's json writes small numbers
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["recommend", "-", "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"traffic": {"requests_per_month": 3E6}}'))
    assert main(["recommend", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["recommendation"] == answer["recommendation"]
    # Still JSON's types: a number in quotes is text, as the API holds it
    monkeypatch.setattr("sys.stdin", io.StringIO('{"traffic": {"requests_per_month": "3e6"}}'))
    assert main(["recommend", "-"]) == 2
    assert "traffic.requests_per_month: must be a number, got '3e6'" in capsys.readouterr().err


def test_an_artifact_size_that_decides_the_answer_is_said(ruleset: Ruleset) -> None:
    # A Fargate task per run pulls its image through the NAT gateway every run: at 1,000 runs of an image ten times
    # the default, the pulls make Lambda the cheaper
    job: dict[str, Any] = {
        "runtime": {"max_duration_s": 900, "avg_duration_ms": 600_000, "memory_mb": 1024},
        "traffic": {"pattern": "scheduled", "requests_per_month": 1000},
        "network": {"vpc": True, "nat_gateways": 1},
    }
    decision = decided(ruleset, job)
    assert decision.recommendation == "ecs-fargate"
    assert "runtime.artifact_mb" in decision.decisive_assumptions
    [said] = [item for item in decision.counterfactuals if "runtime.artifact_mb" in item.change]
    assert said.change == {"runtime.artifact_mb": 1000}
    assert said.recommendation == "lambda"
    assert decided(ruleset, {**job, "runtime": {**job["runtime"], "artifact_mb": 1000}}).recommendation == "lambda"
    assert "a 100 MB deployment artifact" in decision.summary


@pytest.mark.parametrize(
    "sections",
    [
        {"preferences": {"savings_plan": "compute"}},
        {"runtime": {"avg_duration_ms": 4020, "max_duration_s": 4.02}},
        {"runtime": {"avg_duration_ms": 290, "max_duration_s": 0.29}},
    ],
)
def test_writing_a_default_out_adds_no_warning(ruleset: Ruleset, sections: dict[str, Any]) -> None:
    assert decided(ruleset, sections, advice=False).warnings == ()


def test_another_plan_without_a_commitment_is_still_warned_of(ruleset: Ruleset) -> None:
    [warning] = decided(ruleset, {"preferences": {"savings_plan": "ec2-instance"}}, advice=False).warnings
    assert warning.startswith("preferences.savings_plan ec2-instance applies only with a commitment")


def test_the_order_of_protocols_changes_no_byte_of_the_answer(ruleset: Ruleset) -> None:
    base: dict[str, Any] = {"runtime": {"long_running": True}, "traffic": {"pattern": "steady"}}
    first = decided(ruleset, {**base, "traffic": {**base["traffic"], "protocols": ["tcp", "grpc"]}})
    second = decided(ruleset, {**base, "traffic": {**base["traffic"], "protocols": ["grpc", "tcp", "grpc"]}})
    assert first.model_dump_json() == second.model_dump_json()
    assert "[grpc, tcp]" in first.model_dump_json()


GPU_JOB: dict[str, Any] = {
    "runtime": {"gpu": 1, "memory_mb": 8192, "max_duration_s": 60},
    "traffic": {"pattern": "event", "requests_per_month": 1_000_000},
}


def test_gpus_a_bill_pays_for_and_no_copy_uses_are_warned_of(ruleset: Ruleset) -> None:
    far = decided(ruleset, {**GPU_JOB, "preferences": {"region": "us-west-1"}}, advice=False)
    [warning] = [text for text in far.warnings if "idle GPUs" in text]
    assert "p5.48xlarge (8 GPUs an instance)" in warning
    assert "the us-west-1 price book has no GPU type nearer the need" in warning
    near = decided(ruleset, {**GPU_JOB, "preferences": {"region": "us-east-1"}}, advice=False)
    assert not any("idle GPUs" in text for text in near.warnings)


@pytest.mark.parametrize(
    ("runtime", "said"),
    [
        ({"vcpu": 1e300}, "runtime.vcpu: Input should be less than or equal to 896, got 1e+300"),
        ({"vcpu": -1}, "runtime.vcpu: Input should be greater than 0, got -1"),
        ({"memory_mb": 10**30}, "runtime.memory_mb: Input should be less than or equal to 33554432, got 1e+30"),
    ],
)
def test_a_value_outside_its_bounds_is_said_with_the_bound_and_the_value_as_written(
    runtime: dict[str, Any], said: str
) -> None:
    """The field, the bound and the value as a person writes it: 1e+300, not its 300-digit expansion."""
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"runtime": runtime}, strict_json=True)
    [problem] = caught.value.problems
    assert f"{problem.location}: {problem.message}" == said
