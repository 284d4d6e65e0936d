"""Workloads from decider's own workload files: one workload, a list of them, or several YAML documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decider.sources.document import Document
from decider.sources.imported import ImportedWorkload
from decider.workload import SECTIONS

#: The sections that mark a file as a workload file: every section but ``network``, a key other formats use at the
#: top level too (an AWS Copilot manifest's ``network: {connect: true}``); a workload file may still give it.
MARKING_SECTIONS = frozenset(SECTIONS) - {"network"}
#: The ``type`` of an AWS Copilot manifest (https://aws.github.io/copilot-cli/docs/manifest/overview/): its services,
#: jobs and environments, recognised wherever the manifest is, not only as ``copilot/**/manifest.yml``.
COPILOT_TYPES = frozenset(
    {
        "Load Balanced Web Service",
        "Backend Service",
        "Worker Service",
        "Request-Driven Web Service",
        "Static Site",
        "Scheduled Job",
        "Environment",
    }
)


def is_workload(data: Any) -> bool:
    """A mapping with at least one workload section (runtime, traffic, control, team, preferences) that is a mapping
    of fields: ``runtime: python`` in a list of unrelated records (a catalogue of examples) names no workload."""
    return isinstance(data, dict) and any(key in MARKING_SECTIONS and isinstance(data[key], dict) for key in data)


def is_copilot_manifest(data: Any) -> bool:
    """An AWS Copilot manifest: a mapping with a ``name`` and one of Copilot's ``type`` values."""
    return isinstance(data, dict) and isinstance(data.get("name"), str) and data.get("type") in COPILOT_TYPES


def holds_workloads(document: Document) -> bool:
    data = document.data
    if isinstance(data, list):
        return bool(data) and all(isinstance(item, dict) for item in data) and any(is_workload(item) for item in data)
    return is_workload(data)


def read_workloads(documents: list[Document], file: str) -> list[ImportedWorkload]:
    """One ImportedWorkload per workload in the documents; unnamed ones are named after the file."""
    found: list[tuple[dict[str, Any], int]] = []
    for document in documents:
        if isinstance(document.data, list):
            found.extend((item, document.item_line(index)) for index, item in enumerate(document.data))
        else:
            found.append((document.data, document.line))
    stem = Path(file).stem
    workloads: list[ImportedWorkload] = []
    for index, (raw, line) in enumerate(found, start=1):
        name = raw.get("name") if isinstance(raw.get("name"), str) and raw.get("name") else None
        label = name or (stem if len(found) == 1 else f"{stem}#{index}")
        # Where it runs now is its team.current_platform; a platform with one target (lambda, eks) names it.
        workload = ImportedWorkload(label, file, line, "workload", raw=dict(raw))
        workloads.append(workload)
    return workloads
