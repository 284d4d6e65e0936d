"""Architect audit, round 33: a named family is judged by what its every size shares, so Windows pinned to a Graviton
family is excluded rather than recommended with no bill (F9); the catalogue's missing Arm GPU types are named only to
a copy that needs a GPU. (F10, a Fargate service's bill that steps: tests/cost/test_resized_crossings.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.documents import read_file
from decider.errors import CommandError, DocumentError
from decider.slack.grammar import read_command

WINDOWS_ON_GRAVITON: dict[str, Any] = {
    "runtime": {"os": "windows", "memory_mb": 4096, "vcpu": 2, "long_running": True},
    "traffic": {"pattern": "steady", "requests_per_month": 5_000_000, "peak_rps": 5},
    "control": {"instance_types": ["m7g"]},
}


def _kept_out_by(decision: Any, rule: str) -> set[str]:
    return {item.target for item in decision.excluded if any(reason.rule == rule for reason in item.reasons)}


def test_windows_pinned_to_a_graviton_family_is_kept_out_of_every_instance_target(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(WINDOWS_ON_GRAVITON), ruleset, advice=False)
    assert decision.recommendation is None
    assert _kept_out_by(decision, "limits.named-types-unsuited") == {"ecs-managed-instances", "ecs-ec2", "eks"}
    (reason,) = {
        reason.message
        for item in decision.excluded
        for reason in item.reasons
        if reason.rule == "limits.named-types-unsuited"
    }
    assert "m7g is arm64, and Windows containers run on x86_64 hosts" in reason


@pytest.mark.parametrize(
    ("runtime", "named", "said"),
    [
        ({"gpu": 1}, ["c7g"], "c7g has no GPU, and a copy needs 1"),
        ({"architecture": "x86_64"}, ["m7g"], "m7g is arm64, the workload x86_64"),
    ],
)
def test_a_family_no_size_of_which_suits_the_copy_is_judged_like_a_type(
    ruleset: Ruleset, runtime: dict[str, Any], named: list[str], said: str
) -> None:
    decision = decide(parse_workload({"runtime": runtime, "control": {"instance_types": named}}), ruleset)
    assert decision.recommendation is None
    messages = [reason.message for item in decision.excluded for reason in item.reasons]
    assert any(said in message for message in messages)


@pytest.mark.parametrize(
    "sections",
    [
        {"runtime": {"os": "windows", "vcpu": 2, "memory_mb": 4096}, "control": {"instance_types": ["m7i"]}},
        {"runtime": {"os": "windows", "vcpu": 2, "memory_mb": 4096}, "control": {"instance_types": ["m7g", "m7i"]}},
        {"runtime": {"gpu": 1}, "control": {"instance_types": ["g5"]}},
    ],
)
def test_a_family_with_a_size_that_suits_the_copy_is_not_kept_out(ruleset: Ruleset, sections: dict[str, Any]) -> None:
    decision = decide(parse_workload(sections), ruleset, advice=False)
    assert not _kept_out_by(decision, "limits.named-types-unsuited")
    assert decision.recommendation is not None


def test_the_catalogues_missing_arm_gpu_types_are_named_only_to_a_copy_that_needs_a_gpu(ruleset: Ruleset) -> None:
    gpu = decide(parse_workload({"runtime": {"gpu": 4, "architecture": "arm64"}}), ruleset, advice=False)
    assert any("(no Arm GPU type, for one)" in warning for warning in gpu.warnings)
    big = decide(parse_workload({"runtime": {"vcpu": 96, "memory_mb": 16384, "architecture": "arm64"}}), ruleset)
    said = [warning for warning in big.warnings if warning.startswith("No eligible target has a bill here")]
    assert said
    assert all("Arm GPU" not in warning for warning in said)


@pytest.mark.parametrize("text", ["mem=512k", "mem=512kb", "disk=300k"])
def test_a_slack_size_under_a_megabyte_is_refused_with_the_megabytes_meant(text: str) -> None:
    with pytest.raises(CommandError) as raised:
        read_command(text)
    (problem,) = raised.value.problems
    assert "not 'k" in problem.message
    assert problem.suggestion is not None
    assert problem.suggestion.endswith("=512m") or problem.suggestion.endswith("=300m")
    _, parsed = read_command(problem.suggestion)  # the value suggested is one the command takes
    assert parsed is not None


def test_a_cloudformation_template_given_as_a_workload_points_to_the_review(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Role: !Ref R\n")
    with pytest.raises(DocumentError) as raised:
        read_file(template)
    (problem,) = raised.value.problems
    assert "tag '!Ref'" in problem.message
    assert "a CloudFormation or SAM template: `decider review FILE` reads those" in problem.message
    other = tmp_path / "other.yaml"
    other.write_text("runtime: !Custom 3\n")
    with pytest.raises(DocumentError) as raised:
        read_file(other)
    assert "decider review" not in raised.value.problems[0].message
