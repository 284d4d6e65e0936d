"""Rules on capacity modes (``mode:``): checked at load like any rule, and keeping a mode out, never the target."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider.errors import Problem, RulesError
from decider.facts import derive
from decider.rules.fields import context
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.scoring import fire
from decider.workload import parse_workload
from tests.conftest import SHIPPED_RULES_DIR, RuleDirFactory, RuleFactory, write_yaml

DAEMONS = {"field": "control.host_daemons", "eq": True}


def problems(base: Path) -> tuple[Problem, ...]:
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=base)
    return caught.value.problems


def test_a_mode_rule_keeps_the_mode_out_and_the_target_in(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    rule = make_rule.exclude("modes.no-fargate-daemons", "eks", DAEMONS, mode="fargate")
    ruleset = load_ruleset(rules_dir=rules_dir({"modes.yaml": [rule]}, shipped_meta=True))
    workload = parse_workload({"control": {"host_daemons": True}}).workload
    firing = fire(ruleset, context(workload, derive(workload)), "balanced")
    assert "eks" not in firing.exclusions
    assert [fired.id for fired in firing.mode_exclusions[("eks", "fargate")]] == ["modes.no-fargate-daemons"]
    assert ruleset.rule("modes.no-fargate-daemons").to_dict()["mode"] == "fargate"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("extra", "message", "hint"),
    [
        ({"mode": "fargat"}, "eks has no mode 'fargat'; its modes: managed-node-group, auto-mode, fargate", "fargate"),
        ({"mode": "spot"}, "eks has no mode 'spot'", None),
        ({"mode": "fargate", "headroom": {"points": 5}}, "a rule on a mode has no headroom", None),
    ],
    ids=["typo", "mode-of-another-target", "headroom"],
)
def test_a_bad_mode_rule_fails_at_load_clearly(
    rules_dir: RuleDirFactory, make_rule: RuleFactory, extra: dict[str, Any], message: str, hint: str | None
) -> None:
    rule = make_rule.exclude("modes.bad", "eks", {"field": "runtime.vcpu", "gt": 16}, **extra)
    found = list(problems(rules_dir({"modes.yaml": [rule]}, shipped_meta=True)))
    assert any(message in problem.message and "modes.bad" in problem.location for problem in found), found
    if hint is not None:
        assert any(problem.suggestion == hint for problem in found), found


def test_only_an_exclude_rule_names_a_mode(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    rule = make_rule.score("traffic.x", {"eks": 5}, DAEMONS, mode="fargate")
    found = problems(rules_dir({"t.yaml": [rule]}, shipped_meta=True))
    assert any("only an exclude rule keeps a mode out" in problem.message for problem in found), found


@pytest.mark.parametrize(
    ("modes", "message"),
    [
        ([{"id": "on-demand", "name": "On demand", "price": "on-demnd"}], "on-demnd"),
        ([{"id": "a", "name": "A", "price": "spot"}, {"id": "a", "name": "B", "price": "spot"}], "listed twice"),
        ([{"id": "a", "name": "A", "price": "spot", "hands_on": -1}], "a whole number ≥ 0"),
        ([{"id": "a", "name": "A", "price": "spot", "cost": 1}], "cost"),
        ("spot", "a list of modes"),
    ],
    ids=["unknown-price", "duplicate", "hands-on", "unknown-key", "not-a-list"],
)
def test_a_bad_mode_in_targets_fails_at_load(rules_dir: RuleDirFactory, modes: Any, message: str) -> None:
    base = rules_dir({}, shipped_meta=True)
    targets = yaml.safe_load((SHIPPED_RULES_DIR / "targets.yaml").read_text(encoding="utf-8"))
    targets[0]["modes"] = modes
    write_yaml(base / "targets.yaml", targets)
    found = problems(base)
    assert any(message in problem.message or message == problem.suggestion for problem in found), found
    assert all("target lambda modes" in problem.location for problem in found), found


def test_every_shipped_mode_rule_has_a_source_and_a_known_mode(ruleset: Ruleset) -> None:
    mode_rules = [rule for rule in ruleset.rules if rule.mode is not None]
    assert len(mode_rules) >= 10
    for rule in mode_rules:
        assert rule.source.startswith("https://docs.aws.amazon.com/"), rule.id
        for target in rule.targets:
            assert ruleset.target(target).mode(str(rule.mode)) is not None, rule.id


def test_a_regional_book_without_modes_still_loads(tmp_path: Path) -> None:
    base = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES_DIR, base)
    book = yaml.safe_load((base / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    del book["modes"]
    write_yaml(base / "pricing" / "us-east-1.yaml", book)
    loaded = load_ruleset(rules_dir=base)
    assert loaded.pricing["us-east-1"].modes.lambda_managed_instances is None
