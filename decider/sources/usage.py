"""The usage file: per resource name, a partial workload laid over what the template gives (traffic and the rest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from decider.documents import read_file
from decider.errors import Problem, SourceError, WorkloadError, nearest, relocate
from decider.sources.imported import ImportedWorkload, deep_merge
from decider.workload import validate_workload

Usage = Mapping[str, Mapping[str, Any]]


def read_usage(path: str) -> Usage:
    """Read and validate a usage file; every entry must be a valid (partial) workload, and is carried on validated."""
    file = Path(path)
    if not file.is_file():
        raise SourceError([Problem(path, "no such usage file")])
    data = read_file(file)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(
            [Problem(path, f"a usage file maps resource names to partial workloads; got {type(data).__name__}")]
        )
    usage: dict[str, Mapping[str, Any]] = {}
    problems: list[Problem] = []
    for name, entry in data.items():
        try:
            # What is carried on is the validated entry: the fields it gives, as the contract reads them.
            usage[str(name)] = validate_workload(entry).model_dump(exclude_unset=True)
        except WorkloadError as error:
            problems.extend(relocate(error.problems, f"{path}: {name}"))
    if problems:
        raise SourceError(problems, headline="invalid usage file")
    return usage


def apply_usage(workloads: Sequence[ImportedWorkload], usage: Usage, path: str) -> None:
    """Lay each usage entry over every workload of that name (or, when no workload has that name, every workload with
    it as an alias); a name that matches no workload is an error."""
    own = {workload.name for workload in workloads}
    names = sorted(own | {alias for workload in workloads for alias in workload.aliases})
    problems = [
        Problem(f"{path}: {name}", "no workload or resource of this name was found", nearest(name, names))
        for name in usage
        if name not in names
    ]
    if problems:
        raise SourceError(problems, headline="invalid usage file")
    for workload in workloads:
        entry = usage.get(workload.name) or next(
            (usage[alias] for alias in workload.aliases if alias in usage and alias not in own), None
        )
        if not entry:
            continue
        before = workload.get("team.current_platform")
        workload.raw = deep_merge(workload.raw, entry)
        if workload.get("team.current_platform") != before:
            # The usage file moved the workload to another platform: what the source said it runs as no longer holds
            # (a single-target platform still names its target).
            workload.runs_as = None
