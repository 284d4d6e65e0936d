"""A review as SARIF 2.1.0 for code scanning: one result per ``consider`` or ``move``, at the resource's file and line.

Rule ids are decider's own rule ids (the exclusion behind a ``move``, the rule that leads most for a ``consider``);
each rule descriptor links to the rule's source. ``move`` is an error, ``consider`` a warning.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path
from typing import Any

from decider import __version__
from decider.review import Review, ReviewedWorkload
from decider.rules.model import Rule, Ruleset

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: Used when the installed package names no home page (``[project.urls]`` in pyproject.toml).
FALLBACK_INFORMATION_URI = "https://pypi.org/project/decider/"
LEVELS = {"move": "error", "consider": "warning"}
#: Used only when a verdict has no rule behind it (a ``consider`` decided by cost alone).
FALLBACK_RULES = {
    "move": ("review.move", "The current target is excluded by a hard limit."),
    "consider": ("review.consider", "Another target scores clearly higher than the current one."),
}


def to_sarif(review: Review, ruleset: Ruleset) -> str:
    """The SARIF log as text (sorted keys are not used: SARIF readers expect $schema and version first)."""
    return json.dumps(build_log(review, ruleset), indent=2, ensure_ascii=False) + "\n"


def build_log(review: Review, ruleset: Ruleset) -> dict[str, Any]:
    rule_ids: list[str] = []
    sources: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    for item in review.workloads:
        if item.verdict not in LEVELS:
            continue
        rule_id = item.rules[0] if item.rules else FALLBACK_RULES[item.verdict][0]
        if rule_id not in rule_ids:
            rule_ids.append(rule_id)
        for ranked in item.decision.ranking:
            sources.update({reason.rule: reason.source for reason in ranked.reasons})
        for excluded in item.decision.excluded:
            sources.update({reason.rule: reason.source for reason in excluded.reasons})
        results.append(_result(item, rule_id, rule_ids.index(rule_id)))
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "decider",
                        "informationUri": information_uri(),
                        "version": __version__,
                        "rules": [_descriptor(rule_id, ruleset.rule(rule_id), sources) for rule_id in rule_ids],
                    }
                },
                "results": results,
            }
        ],
    }


def information_uri() -> str:
    """decider's home page from the installed package's metadata (Home-page, else the first Project-URL)."""
    try:
        meta = metadata("decider")
    except PackageNotFoundError:
        return FALLBACK_INFORMATION_URI
    links = [
        *(meta.get_all("Home-page") or []),
        *(entry.partition(",")[2].strip() for entry in meta.get_all("Project-URL") or []),
    ]
    return next((link for link in links if link.startswith("https://")), FALLBACK_INFORMATION_URI)


def _result(item: ReviewedWorkload, rule_id: str, rule_index: int) -> dict[str, Any]:
    current = item.current_target or item.current_platform
    recommended = item.decision.recommendation or "none"
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[str(item.verdict)],
        "message": {"text": f"{item.name} ({current}): {item.verdict}, recommended {recommended}. {item.why}"},
        "properties": {
            "verdict": item.verdict,
            "current": current,
            "recommended": recommended,
            "rules": list(item.rules),
        },
    }
    if item.source.file is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(item.source.file)}}
        if item.source.line:
            location["region"] = {"startLine": item.source.line}
        result["locations"] = [{"physicalLocation": location}]
    return result


def _descriptor(rule_id: str, rule: Rule | None, sources: dict[str, str]) -> dict[str, Any]:
    if rule is None:
        text = dict(FALLBACK_RULES.values()).get(
            rule_id, f"{rule_id}: a reason decider computes, not a rule file entry"
        )
        return {"id": rule_id, "shortDescription": {"text": text}, "helpUri": sources.get(rule_id, information_uri())}
    effect = f"excludes {', '.join(rule.targets)}" if rule.effect == "exclude" else "scores the targets"
    return {
        "id": rule.id,
        "shortDescription": {"text": f"{rule.category} rule that {effect}: {_generic(rule.because)}"},
        "fullDescription": {"text": rule.because},
        "helpUri": rule.source,
        "defaultConfiguration": {"level": "error" if rule.effect == "exclude" else "warning"},
        "properties": {"category": rule.category, "effect": rule.effect},
    }


def _generic(because: str) -> str:
    """A rule's explanation for every workload: its first clause, with each workload's value shown as '…'."""
    first = because.split("; ")[0].split(". ")[0].rstrip(".")
    return re.sub(r"\{[^}]*\}", "…", first)


def _uri(file: str) -> str:
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()
