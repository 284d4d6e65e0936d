"""The shipped rule files and example workloads: they load, follow the house conventions and give decisions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cli import main
from decider.documents import read_file

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.yaml"))
MIN_RULES = 40
#: A single rule moves a target by 2 to 25 points (base score 50), so no one rule decides alone.
MIN_IMPACT, MAX_IMPACT = 2, 25
#: Rule ids the computed cost score uses; static rules must not take them.
RESERVED_PREFIX = "cost.monthly"


def test_there_are_enough_rules_in_every_category(ruleset: Ruleset) -> None:
    assert len(ruleset.rules) >= MIN_RULES
    categories = {rule.category for rule in ruleset.rules}
    assert categories == {"limits", "traffic", "control", "team", "cost"}


def test_every_rule_cites_an_http_source(ruleset: Ruleset) -> None:
    for rule in ruleset.rules:
        assert re.match(r"^https?://[^\s/]+\.[^\s/]+/\S*$", rule.source), f"{rule.id}: {rule.source!r}"


def test_every_rule_lives_in_the_file_of_its_category(ruleset: Ruleset) -> None:
    # A rule on a capacity mode is a hard limit of that mode: category limits, in modes.yaml, named modes.*.
    for rule in ruleset.rules:
        home = "modes" if rule.mode is not None else rule.category
        assert Path(rule.file).stem == home, f"{rule.id} is in {rule.file}"
        assert rule.id.startswith(f"{home}."), rule.id
        assert rule.mode is None or rule.category == "limits", rule.id
        assert not rule.id.startswith(RESERVED_PREFIX), rule.id


def test_every_target_has_an_exclude_rule_and_a_score_rule(ruleset: Ruleset) -> None:
    for target in ruleset.target_ids:
        effects = {rule.effect for rule in ruleset.rules if target in rule.targets}
        assert effects == {"exclude", "score"}, f"{target} is touched only by {effects}"


def test_score_impacts_stay_on_one_scale(ruleset: Ruleset) -> None:
    for rule in ruleset.rules:
        for target, points in rule.impacts.items():
            assert MIN_IMPACT <= abs(points) <= MAX_IMPACT, f"{rule.id} gives {target} {points}"


def test_every_exclusion_says_what_would_let_the_target_in(ruleset: Ruleset) -> None:
    # what_would_change needs a fix text, or a single comparison it can invert.
    for rule in ruleset.rules:
        if rule.effect != "exclude":
            continue
        leaf = rule.condition.leaf
        assert rule.fix or (leaf is not None and leaf.describe_inverse()), rule.id


def test_uncertain_notes_say_why(ruleset: Ruleset) -> None:
    notes = {rule.id: rule.uncertain for rule in ruleset.rules if rule.uncertain}
    # The reference marks these figures as recently changed or conflicting; their rules must say so.
    for rule_id in ("limits.fargate-task-size", "limits.lambda-payload", "cost.savings-plans"):
        assert rule_id in notes
    for rule_id, note in notes.items():
        assert len(note.split()) >= 8, f"{rule_id}: say what is uncertain and why"


def test_the_optimize_for_weights_favour_their_own_category(ruleset: Ruleset) -> None:
    weights = ruleset.weights
    assert weights["cost"]["cost"] > weights["balanced"]["cost"]
    assert weights["control"]["control"] > weights["balanced"]["control"]
    assert weights["simplicity"]["team"] > weights["balanced"]["team"]
    assert all(row["limits"] == 1.0 for row in weights.values())


def test_there_are_several_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_every_example_gets_a_decision(path: Path, ruleset: Ruleset) -> None:
    decision = decide(parse_workload(read_file(path)), ruleset)
    assert decision.recommendation is not None
    assert decision.name, f"{path.name}: every example names its workload"
    winner = decision.ranking[0]
    assert winner.reasons, f"{path.name}: the winner has no reasons"
    # Warnings come first ("Check before acting: …", said once before them all), then the answer
    said = decision.summary
    if decision.warnings:
        checked = f"Check before acting: {' '.join(decision.warnings)} "
        assert said.startswith(checked)
        said = said.removeprefix(checked)
    assert said.startswith(f"Recommended: {ruleset.target(winner.target).name}")


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_every_example_runs_through_the_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", str(path), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "Recommended:" in out


def test_the_examples_cover_every_kind_of_winner(ruleset: Ruleset) -> None:
    winners = {decide(parse_workload(read_file(path)), ruleset).recommendation for path in EXAMPLES}
    assert {"lambda", "ecs-fargate", "ecs-managed-instances", "eks"} <= winners


def test_the_version_names_the_rules_it_ships(ruleset: Ruleset) -> None:
    """Every answer names the ruleset's version: a change to the shipped rules under the same version would leave two
    rule sets answering as one. tests/golden/ruleset-versions.txt records each version's digest."""
    recorded = Path(__file__).resolve().parent / "golden" / "ruleset-versions.txt"
    lines = [line.split() for line in recorded.read_text().splitlines() if line and not line.startswith("#")]
    versions = [version for version, _ in lines]
    assert len(versions) == len(set(versions)), "a version is recorded twice"
    digests = dict(lines)
    assert ruleset.version in digests, (
        f"version {ruleset.version} is not recorded: add '{ruleset.version} {ruleset.digest}' to {recorded.name}"
    )
    assert digests[ruleset.version] == ruleset.digest, (
        f"the shipped rules changed since version {ruleset.version} was recorded: give them a new version in "
        f"rules/ruleset.yaml and record it in {recorded.name}"
    )
