"""A review as SARIF 2.1.0 for code scanning: one result per ``consider`` or ``move``, at the resource's file and line.

Rule ids are decider's own rule ids (the exclusion behind a ``move``, the rule that leads most for a ``consider``);
each rule descriptor links to the rule's source. ``move`` is an error, ``consider`` a warning; ``unknown`` (traffic
not known) is not a result: it is not a finding about the code, and the other formats count it. Each file that could
not be read is a tool execution notification of ``invocations[0]`` (level error, at its file and line). The rule
descriptors come before the results, so a large review is written from small parts (``sarif_part``), kept until the
end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path
from typing import Any, TextIO

from decider import DISTRIBUTION, __version__
from decider.render.review import _current, write_review
from decider.review import Review, ReviewedWorkload, ReviewSummary, SkippedFile, UnreadableFile
from decider.rules.model import Rule, Ruleset

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: Used when the installed package names no home page (``[project.urls]`` in pyproject.toml).
FALLBACK_INFORMATION_URI = "https://pypi.org/project/decider-aws/"
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
    writer = SarifWriter(None, ruleset)
    write_review(review, writer, sarif_part)
    return writer.log()


@dataclass(frozen=True, slots=True)
class SarifPart:
    """A ``consider`` or ``move``: its result (its rule's index not yet known) and the sources of its reasons' rules."""

    rule_id: str
    result: dict[str, Any]
    sources: dict[str, str]


def sarif_part(item: ReviewedWorkload) -> SarifPart | None:
    """One workload's share of the log; None when it is not a finding (keep, or no verdict)."""
    if item.verdict not in LEVELS:
        return None
    rule_id = item.rules[0] if item.rules else FALLBACK_RULES[item.verdict][0]
    sources: dict[str, str] = {}
    for ranked in item.decision.ranking:
        sources.update({reason.rule: reason.source for reason in ranked.reasons})
    for excluded in item.decision.excluded:
        sources.update({reason.rule: reason.source for reason in excluded.reasons})
    return SarifPart(rule_id, _result(item, rule_id), sources)


class SarifWriter:
    """The SARIF log from the parts of a review, in review order; written whole by ``finish``."""

    def __init__(self, out: TextIO | None, ruleset: Ruleset) -> None:
        self.out = out
        self.ruleset = ruleset
        self.rule_index: dict[str, int] = {}
        self.sources: dict[str, str] = {}
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []

    def add(self, part: SarifPart | None) -> None:
        if part is None:
            return
        part.result["ruleIndex"] = self.rule_index.setdefault(part.rule_id, len(self.rule_index))
        self.sources.update(part.sources)
        self.results.append(part.result)

    def log(self) -> dict[str, Any]:
        rules = [_descriptor(rule_id, self.ruleset.rule(rule_id), self.sources) for rule_id in self.rule_index]
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
                            "rules": rules,
                        }
                    },
                    "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": self.notifications}],
                    "results": self.results,
                }
            ],
        }

    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None:
        self.notifications = [_notification(item) for item in unreadable]
        if self.out is not None:
            self.out.write(json.dumps(self.log(), indent=2, ensure_ascii=False) + "\n")


def information_uri() -> str:
    """decider's home page from the installed package's metadata (Home-page, else the first Project-URL)."""
    try:
        meta = metadata(DISTRIBUTION)  # the distribution's name: another project owns "decider" on the index
    except PackageNotFoundError:
        return FALLBACK_INFORMATION_URI
    links = [
        *(meta.get_all("Home-page") or []),
        *(entry.partition(",")[2].strip() for entry in meta.get_all("Project-URL") or []),
    ]
    return next((link for link in links if link.startswith("https://")), FALLBACK_INFORMATION_URI)


def _result(item: ReviewedWorkload, rule_id: str) -> dict[str, Any]:
    current = _current(item)
    recommended = item.decision.recommendation or "none"
    warnings = item.decision.warnings
    checks = f" Check before acting: {' '.join(warnings)}" if warnings else ""
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": None,  # the order of first use among the log's results: set as the log is put together
        "level": LEVELS[str(item.verdict)],
        "message": {"text": f"{item.name} ({current}): {item.verdict}, recommended {recommended}. {item.why}{checks}"},
        "properties": {
            "verdict": item.verdict,
            "current": item.current_target or item.current_platform,
            "recommended": recommended,
            "rules": list(item.rules),
            "warnings": list(warnings),
        },
    }
    if item.current_mode is not None:
        result["properties"]["current_mode"] = item.current_mode
    if item.source.file is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(item.source.file)}}
        if item.source.line:
            location["region"] = {"startLine": item.source.line}
        result["locations"] = [{"physicalLocation": location}]
    return result


def _notification(item: UnreadableFile) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(item.file)}}
    if item.line:
        location["region"] = {"startLine": item.line}
    return {
        "level": "error",
        "message": {"text": f"not read: {item.reason}"},
        "locations": [{"physicalLocation": location}],
        "descriptor": {"id": "review.unreadable"},
    }


def _descriptor(rule_id: str, rule: Rule | None, sources: dict[str, str]) -> dict[str, Any]:
    if rule is None:
        text = dict(FALLBACK_RULES.values()).get(rule_id) or _computed(rule_id)
        return {
            "id": rule_id,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "helpUri": sources.get(rule_id, information_uri()),
        }
    effect = f"excludes {', '.join(rule.targets)}" if rule.effect == "exclude" else "scores the targets"
    return {
        "id": rule.id,
        "shortDescription": {"text": f"{rule.category} rule that {effect}: {_generic(rule.because)}"},
        "fullDescription": {"text": rule.because},
        "helpUri": rule.source,
        "defaultConfiguration": {"level": "error" if rule.effect == "exclude" else "warning"},
        "properties": {"category": rule.category, "effect": rule.effect},
    }


def _computed(rule_id: str) -> str:
    """What a criterion decider computes (no rule file entry behind it) weighs, as a reader of an alert needs it: the
    headroom of a hard limit, or the cost from the bills."""
    if rule_id.endswith(".headroom"):
        return (
            f"limits criterion: points lost as the workload nears a hard limit ({rule_id.removesuffix('.headroom')}), "
            "on a ramp over the last part of its range"
        )
    if rule_id.startswith("cost."):
        return (
            "cost criterion from the bills: each target loses points by how many times the cheapest eligible bill "
            "it costs (a set number of points per doubling, weighted by optimize_for)"
        )
    return f"{rule_id}: a criterion decider computes"


def _generic(because: str) -> str:
    """A rule's explanation for every workload: its first clause, with each workload's value shown as '…'."""
    first = because.split("; ")[0].split(". ")[0].rstrip(".")
    return re.sub(r"\{[^}]*\}", "…", first)


def _uri(file: str) -> str:
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()
