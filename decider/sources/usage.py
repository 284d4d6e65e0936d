"""The usage file: per resource name, a partial workload laid over what the template gives (traffic and the rest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from decider.documents import read_file
from decider.errors import Problem, SourceError, WorkloadError, nearest, relocate
from decider.sources.durable import per_invocation
from decider.sources.ecs import storage_after_usage
from decider.sources.imported import ImportedWorkload, deep_merge
from decider.sources.placement import VERSION_BILLED
from decider.sources.template import NO_EVENT_SOURCE, PATTERN_UNKNOWN
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


def usage_keys(workload: ImportedWorkload) -> tuple[str, ...]:
    """The keys a usage file may give a workload under, least precise first: its name, then ``file#name`` and
    ``file:line`` (for names that repeat across files)."""
    return (workload.name, f"{workload.file}#{workload.name}", f"{workload.file}:{workload.line}")


def apply_usage(
    workloads: Sequence[ImportedWorkload], usage: Usage, path: str, idle: Sequence[ImportedWorkload] = ()
) -> None:
    """Lay each usage entry over every workload it names: by name (or, when no workload has that name, by one of its
    aliases: the deployed resource's name), then by ``file#name`` or ``file:line`` (the more precise entry wins where
    both give a field); a key that matches no workload is an error. A key that names one of the ``idle`` workloads
    (listed as skipped: they run nothing) is no error, and has nothing to lay its entry over."""
    check_usage_keys(usage, [*workloads, *idle], path)
    lay_usage(workloads, usage, path)


def answered_by(workloads: Sequence[ImportedWorkload]) -> set[str]:
    """Every key a usage entry may give one of ``workloads`` under: names, aliases, ``file#name``, ``file:line``."""
    return {key for workload in workloads for key in (*usage_keys(workload), *workload.aliases)}


def check_usage_keys(usage: Usage, workloads: Sequence[ImportedWorkload], path: str) -> None:
    """Raise, naming the nearest key, for every usage key that none of ``workloads`` answers to (``answered_by``)."""
    names = sorted({workload.name for workload in workloads} | {a for workload in workloads for a in workload.aliases})
    keys = answered_by(workloads)
    problems = [
        Problem(f"{path}: {name}", "no workload at this file#name or file:line was found", nearest(name, sorted(keys)))
        if "#" in name or ":" in name
        else Problem(f"{path}: {name}", "no workload or resource of this name was found", nearest(name, names))
        for name in usage
        if name not in keys
    ]
    if problems:
        raise SourceError(problems, headline="invalid usage file")


def lay_usage(workloads: Sequence[ImportedWorkload], usage: Usage, path: str) -> None:
    """``apply_usage`` without the check of its keys: entries no workload answers to are left alone (a review of two
    versions lays one usage file over each, and each version has some of the workloads it names)."""
    own = {workload.name for workload in workloads}
    for workload in workloads:
        aliased = [usage[alias] for alias in workload.aliases if alias not in own and usage.get(alias)]
        entries = aliased[:1] + [usage[key] for key in usage_keys(workload) if usage.get(key)]
        if not entries:
            continue
        before = workload.get("team.current_platform")
        source_duration = workload.get("runtime.max_duration_s")
        for entry in entries:
            workload.raw = deep_merge(workload.raw, entry)
            for section, fields in entry.items():
                paths = [f"{section}.{name}" for name in fields] if isinstance(fields, Mapping) else [str(section)]
                workload.given_in.update(dict.fromkeys(paths, path))
        withdrawn: tuple[str, ...] = (NO_EVENT_SOURCE,) if "traffic.pattern" in workload.given_in else ()
        withdrawn += (VERSION_BILLED,) if "control.kubernetes_version" in workload.given_in else ()
        workload.assumptions = [
            text.replace(NO_EVENT_SOURCE, PATTERN_UNKNOWN)
            if "traffic.requests_per_month" in workload.given_in
            else text
            for text in workload.assumptions
            if not text.endswith(withdrawn)  # an empty tuple ends no text
        ]
        per_invocation(workload, source_duration, path)
        storage_after_usage(workload, path)
        if workload.get("team.current_platform") != before:
            # The usage file moved the workload to another platform: what the source said it runs as no longer holds
            # (a single-target platform still names its target).
            workload.runs_as = None
