"""Shared fixtures: the shipped rule set (loaded once), and small purpose-built rule directories for unit tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider.rules import Ruleset, load_ruleset
from decider.workload import ParsedWorkload, parse_workload

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES_DIR = REPO_ROOT / "rules"
EXAMPLES_DIR = REPO_ROOT / "examples"

#: Weights of the small test rule sets: every category counts once, except under optimize_for=control where
#: control counts double and traffic half, so a test can see weights move a ranking.
TEST_WEIGHTS: dict[str, dict[str, float]] = {
    goal: {"limits": 1.0, "traffic": 1.0, "control": 1.0, "team": 1.0, "cost": 1.0}
    for goal in ("balanced", "cost", "simplicity")
}
TEST_WEIGHTS["control"] = {"limits": 1.0, "traffic": 0.5, "control": 2.0, "team": 1.0, "cost": 1.0}

RuleDirFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    """The shipped rules, loaded and compiled once per session."""
    return load_ruleset()


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def rules_dir(tmp_path: Path) -> RuleDirFactory:
    """Build a complete rules directory: the shipped targets, test weights (or the shipped ruleset.yaml), and files.

    ``rules_dir({"a.yaml": [rule, ...]}, name="base", shipped_meta=False, base_score=50)``; a file's content may be
    a Python value (written as YAML) or raw text (written as is, for broken-YAML tests).
    """
    counter = iter(range(1_000))

    def build(
        files: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        shipped_meta: bool = False,
        base_score: float = 50,
        weights: Mapping[str, Mapping[str, float]] | None = None,
    ) -> Path:
        directory = tmp_path / (name or f"rules{next(counter)}")
        directory.mkdir()
        shutil.copy(SHIPPED_RULES_DIR / "targets.yaml", directory / "targets.yaml")
        if shipped_meta:
            shutil.copy(SHIPPED_RULES_DIR / "ruleset.yaml", directory / "ruleset.yaml")
        else:
            meta = {"version": "test-1", "base_score": base_score, "weights": dict(weights or TEST_WEIGHTS)}
            write_yaml(directory / "ruleset.yaml", meta)
        for filename, content in (files or {}).items():
            if isinstance(content, str):
                (directory / filename).write_text(content, encoding="utf-8")
            else:
                write_yaml(directory / filename, content)
        return directory

    return build


@pytest.fixture
def extra_dir(tmp_path: Path) -> Callable[..., Path]:
    """An organisation's extra rules directory: only rule files, no ruleset.yaml or targets.yaml."""
    counter = iter(range(1_000))

    def build(files: Mapping[str, Any]) -> Path:
        directory = tmp_path / f"extra{next(counter)}"
        directory.mkdir()
        for filename, content in files.items():
            if isinstance(content, str):
                (directory / filename).write_text(content, encoding="utf-8")
            else:
                write_yaml(directory / filename, content)
        return directory

    return build


class RuleFactory:
    """Minimal valid rules as data, to write into temporary rule directories."""

    source = "https://docs.aws.amazon.com/example"

    def exclude(self, rule_id: str, target: str | list[str], when: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        """An exclude rule keeping ``target`` (one id, or a list) out when ``when`` holds."""
        rule: dict[str, Any] = {
            "id": rule_id,
            "category": "limits",
            "effect": "exclude",
            "target" if isinstance(target, str) else "targets": target,
            "when": dict(when),
            "because": f"{rule_id} fired.",
            "source": self.source,
        }
        rule.update(extra)
        return rule

    def score(
        self,
        rule_id: str,
        impacts: Mapping[str, float],
        when: Mapping[str, Any],
        category: str = "traffic",
        **extra: Any,
    ) -> dict[str, Any]:
        """A score rule moving each target by ``impacts`` points when ``when`` holds."""
        rule: dict[str, Any] = {
            "id": rule_id,
            "category": category,
            "effect": "score",
            "impacts": dict(impacts),
            "when": dict(when),
            "because": f"{rule_id} fired.",
            "source": self.source,
        }
        rule.update(extra)
        return rule


@pytest.fixture
def make_rule() -> RuleFactory:
    return RuleFactory()


@pytest.fixture
def parse() -> Callable[..., ParsedWorkload]:
    """``parse(runtime={...}, traffic={...})``: a parsed workload from keyword sections."""

    def build(**sections: Any) -> ParsedWorkload:
        return parse_workload(sections)

    return build
