"""Reviewing real repositories: files AWS accepts are read, files that cannot be read are listed and the review goes
on, and a verdict rests on evidence — traffic nobody gave is ``unknown``, never a ``consider`` on defaults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.cli import main
from decider.review import judge
from decider.review_evidence import TRIAL_VOLUMES, excluded_whatever_the_traffic, traffic_unknown
from decider.rules.loader import load_ruleset
from decider.sources import find_workloads
from decider.workload import parse_workload

REAL = "tests/fixtures/real"
RULESET = load_ruleset()


def review(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def real(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, _ = review(capsys, REAL, "--format", "json")
    assert code == 0, "files that cannot be read do not stop the review"
    result: dict[str, Any] = json.loads(out)
    return result


def test_the_review_goes_to_the_end_and_records_each_case(real: dict[str, Any]) -> None:
    by_name = {entry["name"]: entry for entry in real["workloads"]}
    assert set(by_name) == {
        "DuplicateKeyFunction",
        "RulesFunction",
        "MergedFunction",
        "StringTimeoutFunction",
        "TemplateSuffixFunction",
    }
    assert real["unreadable"] == [
        {
            "file": f"{REAL}/broken.yaml",
            "line": 6,
            "reason": "not valid YAML: while parsing a flow sequence; did not find expected ',' or ']'",
        }
    ]
    assert {entry["file"]: entry["reason"] for entry in real["skipped"]} == {
        f"{REAL}/pulumi/Pulumi.yaml": "not read (format: Pulumi)",
        f"{REAL}/serverless.yml": "not read (format: Serverless Framework)",
        f"{REAL}/copilot/api/manifest.yml": "not read (format: AWS Copilot)",
    }
    assert real["summary"]["unknown"] == 5
    assert real["summary"]["costed_workloads"] == 0, "no saving is counted on default traffic"


def test_what_aws_accepts_is_read_as_aws_reads_it() -> None:
    found = {item.name: item for item in find_workloads([REAL], keep_going=True).workloads}
    duplicate = found["DuplicateKeyFunction"]
    assert duplicate.raw["runtime"]["max_duration_s"] == 60.0, "the last of two keys wins, as in CloudFormation"
    assert any("'Timeout' is given twice (lines 9 and 10)" in text for text in duplicate.assumptions)
    assert found["MergedFunction"].raw["runtime"]["memory_mb"] == 512, "merge keys merge"
    assert found["MergedFunction"].raw["runtime"]["max_duration_s"] == 45.0
    assert found["StringTimeoutFunction"].raw["runtime"] == {
        "max_duration_s": 30.0,
        "memory_mb": 1024,
        "architecture": "x86_64",
    }
    assert found["TemplateSuffixFunction"].raw["runtime"]["max_duration_s"] == 15.0
    assert found["RulesFunction"].raw["runtime"]["max_duration_s"] == 20.0
    for item in found.values():
        assert "avg_duration_ms" not in item.raw["runtime"], "Timeout is a ceiling, never the average"


def test_strict_stops_at_a_file_that_cannot_be_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = review(capsys, REAL, "--strict")
    assert code == 2
    assert not out
    assert "broken.yaml:6: not valid YAML" in err


def test_every_format_records_the_unreadable_file(capsys: pytest.CaptureFixture[str]) -> None:
    _, table, _ = review(capsys, REAL)
    assert f"  {REAL}/broken.yaml:6: not valid YAML" in table
    assert "5 workload(s) have unknown traffic: add their traffic to the usage file" in table
    _, markdown, _ = review(capsys, REAL, "--format", "markdown")
    assert "**Could not read 1 file(s) or workload(s)**" in markdown
    assert "**5 with unknown traffic**" in markdown
    assert "<details>" not in markdown, "unknowns are counted, not detailed"
    _, sarif, _ = review(capsys, REAL, "--format", "sarif")
    run = json.loads(sarif)["runs"][0]
    assert run["results"] == [], "unknown verdicts are not code-scanning results"
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "error"
    location = notification["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": f"{REAL}/broken.yaml"}, "region": {"startLine": 6}}


def test_a_pulumi_file_named_on_the_command_line_is_not_read_as_a_workload(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = review(capsys, f"{REAL}/pulumi/Pulumi.yaml", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["workloads"] == []
    assert result["skipped"] == [{"file": f"{REAL}/pulumi/Pulumi.yaml", "reason": "not read (format: Pulumi)"}]


def test_an_invalid_workload_is_recorded_and_the_rest_reviewed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text("runtime: {memroy_mb: 512}\n", encoding="utf-8")
    Path("good.yaml").write_text("runtime: {memory_mb: 512}\nteam: {current_platform: lambda}\n", encoding="utf-8")
    code, out, _ = review(capsys, ".", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert [entry["name"] for entry in result["workloads"]] == ["good"]
    [bad] = result["unreadable"]
    assert (bad["file"], bad["line"]) == ("bad.yaml", 1)
    assert "memroy_mb" in bad["reason"]
    assert review(capsys, ".", "--strict")[0] == 2


def test_a_move_on_unknown_traffic_stands_only_for_a_limit_no_traffic_changes() -> None:
    parsed = parse_workload({"team": {"current_platform": "lambda"}, "runtime": {"max_duration_s": 2400}})
    reviewed = judge("report", parsed, RULESET, current_target="lambda")
    assert reviewed.verdict == "move"
    assert "limits.lambda-max-duration" in reviewed.rules


def test_a_verdict_that_rests_on_an_assumption_says_which() -> None:
    raw = {
        "team": {"current_platform": "ecs"},
        "traffic": {"pattern": "steady", "requests_per_month": 1e6},
        "runtime": {"memory_mb": 512},
    }
    reviewed = judge("api", parse_workload(raw), RULESET)
    assert reviewed.verdict == "consider"
    assert "runtime.avg_duration_ms" in reviewed.decisive_assumptions
    for path in reviewed.decisive_assumptions:
        assert path in reviewed.why


@st.composite
def workloads_without_traffic(draw: st.DrawFn) -> dict[str, Any]:
    """A small workload file as a template might give it: sizes, a pattern maybe, never a traffic volume."""
    runtime: dict[str, Any] = {
        "max_duration_s": draw(st.sampled_from([1, 5, 30, 300, 900, 1200, 3600])),
        "memory_mb": draw(st.sampled_from([128, 512, 2048, 8192])),
    }
    workload: dict[str, Any] = {
        "runtime": runtime,
        "team": {"current_platform": draw(st.sampled_from(["lambda", "ecs", "eks"]))},
        "control": {"privileged": draw(st.booleans()), "sidecars": draw(st.booleans())},
    }
    pattern = draw(st.sampled_from([None, "steady", "spiky", "event", "diurnal"]))
    if pattern is not None:
        workload["traffic"] = {"pattern": pattern}
    return workload


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads_without_traffic())
def test_no_consider_on_default_traffic_and_a_move_only_from_a_hard_limit(raw: dict[str, Any]) -> None:
    parsed = parse_workload(raw)
    assert traffic_unknown(parsed)
    reviewed = judge("w", parsed, RULESET)
    assert reviewed.verdict in ("unknown", "move"), reviewed.why
    if reviewed.verdict == "move":
        candidates = RULESET.on_platform(parsed.workload.team.current_platform)
        assert excluded_whatever_the_traffic(parsed, RULESET, candidates)
        assert reviewed.rules, "a move names the hard limit behind it"
    else:
        assert reviewed.monthly_cost_now_usd is None
        assert reviewed.monthly_cost_recommended_usd is None
        assert "Traffic not known: add it to the usage file" in reviewed.why
    assert len(TRIAL_VOLUMES) >= 3
