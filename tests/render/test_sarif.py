"""SARIF 2.1.0 output: valid against the schema's key requirements, one result per consider/move, located in the
template, rule ids and help links from decider's rules, levels from the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from decider.cli import main
from decider.render.sarif import _descriptor, build_log
from decider.review import ReviewRequestItem, review_request
from decider.rules.model import Ruleset

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO_ROOT / "tests" / "fixtures" / "sarif" / "sarif-2.1.0-subset.schema.json").read_text())
VALIDATOR = jsonschema_rs.Draft7Validator(SCHEMA, validate_formats=True)


def errors_of(log: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(log)]


@pytest.fixture
def review_log(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    monkeypatch.chdir(REPO_ROOT)
    code = main(["review", "tests/fixtures/iac", "--usage", "tests/fixtures/iac/usage.yaml", "--format", "sarif"])
    assert code == 0
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return log


def test_the_schema_subset_rejects_what_sarif_forbids() -> None:
    assert errors_of({"version": "2.0", "runs": []}) == ['"2.0" is not one of "2.1.0"']
    broken = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"informationUri": "no uri"}}, "results": [{"level": "fatal", "message": {}}]}],
    }
    assert len(errors_of(broken)) == 4  # driver name, informationUri format, level enum, message text


def test_review_sarif_is_valid_sarif_2_1_0(review_log: dict[str, Any]) -> None:
    assert errors_of(review_log) == []
    assert review_log["version"] == "2.1.0"
    assert review_log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    driver = review_log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "decider"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")


def test_one_result_per_consider_or_move_located_in_the_source(
    review_log: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["review", "tests/fixtures/iac", "--usage", "tests/fixtures/iac/usage.yaml", "--format", "json"])
    review = json.loads(capsys.readouterr().out)
    flagged = [entry for entry in review["workloads"] if entry["verdict"] in ("consider", "move")]
    results = review_log["runs"][0]["results"]
    assert len(results) == len(flagged)
    for entry, result in zip(flagged, results, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == entry["source"]["file"]
        assert location["region"]["startLine"] == entry["source"]["line"]
        assert result["level"] == {"move": "error", "consider": "warning"}[entry["verdict"]]
        assert result["message"]["text"].startswith(f"{entry['name']} (")
    report = next(result for result in results if result["message"]["text"].startswith("ReportBuilder"))
    assert report["ruleId"] == "limits.lambda-max-duration"
    assert (
        report["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/fixtures/iac/sam/template.yaml"
    )
    assert report["locations"][0]["physicalLocation"]["region"]["startLine"] == 54


def test_rule_descriptors_come_from_the_rules_with_their_sources(review_log: dict[str, Any], ruleset: Ruleset) -> None:
    run = review_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for descriptor in rules:
        assert descriptor["shortDescription"]["text"]
        rule = ruleset.rule(descriptor["id"])
        if rule is not None:
            assert descriptor["helpUri"] == rule.source
            assert "{" not in descriptor["shortDescription"]["text"]  # placeholders shown as …
    limit = next(descriptor for descriptor in rules if descriptor["id"] == "limits.lambda-max-duration")
    assert limit["defaultConfiguration"] == {"level": "error"}


def test_keep_only_reviews_have_no_results_and_api_items_no_locations(small_ruleset: Ruleset) -> None:
    keep = review_request(
        [ReviewRequestItem(name="fine", current_target="lambda", workload={"traffic": {"pattern": "spiky"}})],
        small_ruleset,
    )
    log = build_log(keep, small_ruleset)
    assert log["runs"][0]["results"] == []
    assert errors_of(log) == []
    moved = review_request(
        [ReviewRequestItem(name="long", current_target="lambda", workload={"runtime": {"max_duration_s": 2000}})],
        small_ruleset,
    )
    [result] = build_log(moved, small_ruleset)["runs"][0]["results"]
    assert "locations" not in result  # no file behind an API item
    assert result["ruleId"] == "limits.lambda-long"


def test_a_criterion_decider_computes_is_described_for_the_alert_reader() -> None:
    """Code scanning shows a rule's shortDescription as the alert's title: a computed criterion says what it weighs."""
    cost = _descriptor("cost.relative-monthly-cost", None, {})
    assert cost["shortDescription"]["text"].startswith("cost criterion from the bills: each target loses points")
    assert cost["fullDescription"] == cost["shortDescription"]
    headroom = _descriptor("limits.lambda-timeout.headroom", None, {})
    assert "nears a hard limit (limits.lambda-timeout)" in headroom["shortDescription"]["text"]
