"""Shared fixtures: the shipped rule set (loaded once), and small purpose-built rule directories for unit tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
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


#: The document cache folder this test run made (None: the caller set DECIDER_CACHE_DIR, which is left as it is).
_CACHE_MADE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """The document cache (decider/document_cache.py) of this test run in a folder of its own, not the user's."""
    if "DECIDER_CACHE_DIR" not in os.environ:
        _CACHE_MADE.append(tempfile.mkdtemp(prefix="decider-test-cache-"))
        os.environ["DECIDER_CACHE_DIR"] = _CACHE_MADE[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run's own cache folder removed when it ends, so runs leave nothing behind in the temporary folder."""
    for folder in _CACHE_MADE:
        shutil.rmtree(folder, ignore_errors=True)
    if _CACHE_MADE and os.environ.get("DECIDER_CACHE_DIR") == _CACHE_MADE[-1]:
        del os.environ["DECIDER_CACHE_DIR"]
    _CACHE_MADE.clear()


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


ALL_TARGETS = ["lambda", "ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"]


@pytest.fixture
def small_rules(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> Path:
    """A purpose-built rule set whose scores are easy to work out by hand (base 50, TEST_WEIGHTS).

    spiky: lambda +10, ecs-fargate +2 · event: ecs-fargate −4 · batch: lambda 0, eks +3 ·
    sidecars (control): ecs-fargate +6, eks +4 · max_duration_s > 900 excludes lambda · gpu > 0 excludes lambda
    and ecs-fargate (with a fix) · windows excludes ecs-managed-instances and eks · memory_mb > 1,000,000 excludes all.
    """
    return rules_dir(
        {
            "limits.yaml": [
                make_rule.exclude(
                    "limits.lambda-long",
                    "lambda",
                    {"field": "runtime.max_duration_s", "gt": 900},
                    because="Lambda stops every invocation at 900 s; this work takes {runtime.max_duration_s} s.",
                    source="https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
                ),
                make_rule.exclude(
                    "limits.no-gpu",
                    ["lambda", "ecs-fargate"],
                    {"field": "runtime.gpu", "gt": 0},
                    because="No GPU here; this work needs {runtime.gpu}.",
                    fix="runtime.gpu = 0 (now {runtime.gpu})",
                ),
                make_rule.exclude(
                    "limits.no-windows", ["ecs-managed-instances", "eks"], {"field": "runtime.os", "eq": "windows"}
                ),
                make_rule.exclude("limits.too-big", ALL_TARGETS, {"field": "runtime.memory_mb", "gt": 1_000_000}),
            ],
            "traffic.yaml": [
                make_rule.score(
                    "traffic.spiky",
                    {"lambda": 10, "ecs-fargate": 2},
                    {"field": "traffic.pattern", "eq": "spiky"},
                    because="{traffic.pattern} traffic suits Lambda.",
                    source="https://docs.aws.amazon.com/decision-guides/latest/decision-guides/fargate-or-lambda.html",
                ),
                make_rule.score(
                    "traffic.event-not-fargate", {"ecs-fargate": -4}, {"field": "traffic.pattern", "eq": "event"}
                ),
                make_rule.score("traffic.batch", {"lambda": 0, "eks": 3}, {"field": "traffic.pattern", "eq": "batch"}),
            ],
            "control.yaml": [
                make_rule.score(
                    "control.sidecars",
                    {"ecs-fargate": 6, "eks": 4},
                    {"field": "control.sidecars", "eq": True},
                    category="control",
                    because="Sidecars run beside the app in one task or pod.",
                ),
            ],
        }
    )


@pytest.fixture
def small_ruleset(small_rules: Path) -> Ruleset:
    return load_ruleset(rules_dir=small_rules)
