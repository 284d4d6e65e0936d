"""Renderers: the table a person reads in a terminal, the Markdown pasted into a review, and the JSON contract."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from decider.decision import Decision
from decider.engine import decide
from decider.render import decision as render
from decider.render.sizing import describe
from decider.rules.model import Ruleset
from decider.workload import parse_workload

ANSI = re.compile(r"\033\[[0-9;]*m")


@pytest.fixture
def decision(small_ruleset: Ruleset) -> Decision:
    """Lambda excluded (duration), Fargate recommended over EKS (sidecars), with assumptions and what would change."""
    raw: dict[str, Any] = {
        "name": "orders|worker",
        "runtime": {"max_duration_s": 1200},
        "traffic": {"pattern": "spiky"},
        "control": {"sidecars": True},
    }
    return decide(parse_workload(raw), small_ruleset)


@pytest.fixture
def nothing_fits(small_ruleset: Ruleset) -> Decision:
    return decide(parse_workload({"runtime": {"memory_mb": 2_000_000}}), small_ruleset)


# -- table -------------------------------------------------------------------------------------------------------


def test_table_shows_the_recommendation_and_the_ranking(decision: Decision) -> None:
    text = render.to_table(decision)
    assert "decider: orders|worker" in text
    assert "Recommendation: ecs-fargate" in text
    assert decision.summary in text
    ranking = [line for line in text.splitlines() if re.match(r"\s+\d\. ", line)]
    assert [line.split()[1] for line in ranking] == ["ecs-fargate", "eks", "ecs-managed-instances", "ecs-ec2"]
    assert "score   58.0" in ranking[0]


def test_table_says_each_reason_once_with_its_points_per_target(decision: Decision) -> None:
    text = render.to_table(decision)
    assert "  control.sidecars: ecs-fargate +6, eks +4\n      Sidecars run beside the app in one task or pod.\n" in text
    assert "  traffic.spiky: ecs-fargate +2\n      Spiky traffic suits Lambda.\n" in text
    assert text.count("Sidecars run beside the app in one task or pod.") == 1
    # The rule that moved the recommendation most comes first.
    assert text.index("control.sidecars:") < text.index("traffic.spiky:")


def test_table_lists_excluded_rules_assumptions_and_changes(decision: Decision) -> None:
    text = render.to_table(decision)
    assert "✗ lambda  limits.lambda-long: Lambda stops every invocation at 900 s; this work takes 1,200 s." in text
    assert "What would change the answer" in text
    assert f"Assumptions ({len(decision.assumptions)})" in text
    for assumption in decision.assumptions:
        assert f"  - {assumption}" in text
    assert f"ruleset test-1 {decision.ruleset.digest[:19]}" in text


def test_table_without_colour_has_no_escape_codes(decision: Decision) -> None:
    assert "\033[" not in render.to_table(decision, colour=False)


def test_table_with_colour_paints_but_says_the_same(decision: Decision) -> None:
    plain = render.to_table(decision, colour=False)
    painted = render.to_table(decision, colour=True)
    assert "\033[32mecs-fargate\033[0m" in painted  # the recommendation in green
    assert "\033[31m  ✗ lambda" in painted  # exclusions in red
    assert ANSI.sub("", painted) == plain


def test_table_when_nothing_fits(nothing_fits: Decision) -> None:
    text = render.to_table(nothing_fits)
    assert "Recommendation: none: every target is excluded" in text
    assert "Ranking" not in text
    # One limit keeps all five out: one line names them and the limit, said once.
    every = "lambda, ecs-fargate, ecs-managed-instances, ecs-ec2, eks"
    assert f"  ✗ {every}  limits.too-big: limits.too-big fired.\n" in text
    assert text.count("✗") == 1


def test_markdown_names_every_target_a_limit_keeps_out_once(nothing_fits: Decision) -> None:
    text = render.to_markdown(nothing_fits)
    every = "AWS Lambda, Amazon ECS on AWS Fargate, Amazon ECS Managed Instances, Amazon ECS on EC2, Amazon EKS"
    assert f"- {every}: limits.too-big fired. ([`limits.too-big`](" in text
    assert text.count("([`limits.too-big`](") == 1


# -- markdown ----------------------------------------------------------------------------------------------------


def test_markdown_has_the_recommendation_a_ranking_table_and_details(decision: Decision) -> None:
    text = render.to_markdown(decision)
    assert text.startswith("## decider: orders&#124;worker\n"), "a name's pipe is shown, never a table's"
    assert "**Recommendation:** `ecs-fargate`" in text
    assert "| # | target | score | monthly cost | biggest reasons (points) |" in text
    assert "| 1 | Amazon ECS on AWS Fargate | 58.0 | n/a | `control.sidecars` (+6), `traffic.spiky` (+2) |" in text
    assert "| 3 | Amazon ECS Managed Instances | 50.0 | n/a | — |" in text
    assert "<details><summary>Amazon EKS: score 54.0, n/a</summary>" in text
    assert "**Reasons** (points per target)" in text
    assert "(ecs-fargate +6, eks +4): Sidecars run beside the app in one task or pod." in text
    assert text.count("Sidecars run beside the app in one task or pod.") == 1


def test_markdown_links_every_excluded_rule_to_its_source(decision: Decision) -> None:
    text = render.to_markdown(decision)
    assert (
        "- AWS Lambda: Lambda stops every invocation at 900 s; this work takes 1,200 s. "
        "([`limits.lambda-long`](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html))"
    ) in text


def test_markdown_lists_assumptions_and_changes(decision: Decision) -> None:
    text = render.to_markdown(decision)
    assert f"<details><summary>Assumptions ({len(decision.assumptions)})</summary>" in text
    assert "**What would change the answer**" in text
    for change in decision.what_would_change:
        assert f"- {change.replace('|', chr(92) + '|')}" in text


def test_markdown_table_cells_cannot_break_the_table(decision: Decision) -> None:
    for line in render.to_markdown(decision).splitlines():
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6, line


def test_markdown_when_nothing_fits(nothing_fits: Decision) -> None:
    text = render.to_markdown(nothing_fits)
    assert "**Recommendation:** none, every target is excluded" in text
    assert "| # | target |" not in text


# -- json --------------------------------------------------------------------------------------------------------


def test_json_is_exactly_the_decision(decision: Decision) -> None:
    text = render.to_json(decision)
    assert Decision.model_validate_json(text) == decision
    data = json.loads(text)
    assert data["recommendation"] == "ecs-fargate"
    assert [item["target"] for item in data["excluded"]] == ["lambda"]
    assert data["excluded"][0]["reasons"][0]["rule"] == "limits.lambda-long"
    assert data["assumptions"] == list(decision.assumptions)


def test_json_of_nothing_fits_has_a_null_recommendation(nothing_fits: Decision) -> None:
    assert json.loads(render.to_json(nothing_fits))["recommendation"] is None


def test_table_points_carry_their_sign(small_ruleset: Ruleset) -> None:
    decision = decide(parse_workload({"traffic": {"pattern": "event"}, "control": {"sidecars": True}}), small_ruleset)
    text = render.to_table(decision)
    assert "\n  control.sidecars: eks +4, ecs-fargate +6\n" in text  # targets in ranking order
    assert "\n  traffic.event-not-fargate: ecs-fargate -4\n" in text


def test_table_and_markdown_say_what_to_configure_for_each_priced_target(ruleset: Ruleset) -> None:
    workload = {
        "runtime": {"memory_mb": 2048, "vcpu": 1, "long_running": True},
        "traffic": {"pattern": "steady", "peak_rps": 20, "protocols": ["http"]},
    }
    decision = decide(parse_workload(workload), ruleset)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    assert fargate.sizing is not None
    table = render.to_table(decision)
    # every ranked target's sizing, in ranking order, right under its score line
    configure_lines = [line.strip() for line in table.splitlines() if line.strip().startswith("configure: ")]
    assert configure_lines == [f"configure: {describe(entry.sizing)}" for entry in decision.ranking if entry.sizing]
    assert "task 1 vCPU / 2 GB" in describe(fargate.sizing)
    markdown = render.to_markdown(decision)
    winner = decision.ranking[0]
    assert winner.sizing is not None
    assert f"**Configure:** {describe(winner.sizing)}" in markdown
    assert f"Configure: {describe(fargate.sizing)}" in markdown
