"""``decider usage import``: a usage file from exported CloudWatch metrics (decider/sources/metrics.py and
usage_import.py), for ``decider review --usage``. Nothing is written unless every file reads and every entry is a
valid (partial) workload; what was read but has no workload field is said on stderr."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

from decider.errors import Problem, SourceError, WorkloadError, relocate, unknown_choice
from decider.sources.metrics import Series, read_queries, read_series
from decider.sources.usage_import import usage_from
from decider.workload import validate_workload

EXIT_OK = 0


def define_usage(usage: argparse.ArgumentParser) -> None:
    """Add ``import`` to the parser of ``decider usage``."""
    actions = usage.add_subparsers(dest="usage_command", required=True, metavar="ACTION")
    reader = actions.add_parser(
        "import",
        help="write a usage file from `aws cloudwatch get-metric-data` output (JSON) or a metrics CSV",
        description=(
            "Write a usage file for `decider review --usage` from exported CloudWatch metrics: `aws cloudwatch "
            "get-metric-data` output (JSON) or a metrics CSV. Nothing is written unless every file reads and every "
            "entry is a valid (partial) workload; what was read but has no workload field is said on stderr."
        ),
    )
    reader.add_argument("files", nargs="+", metavar="FILE", help="get-metric-data output (.json) or a CSV (.csv)")
    reader.add_argument(
        "--query", metavar="FILE", help="the --metric-data-queries file the output came from: names series by Id"
    )
    reader.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="RESOURCE=WORKLOAD",
        help="write RESOURCE's entry (a function, service, target group or queue name) under the workload's name",
    )
    reader.add_argument(
        "--task-size",
        action="append",
        default=[],
        metavar="SERVICE=VCPU:MB",
        help="an ECS service's task size, to turn CPUUtilization and MemoryUtilization (percent) into vCPU and MB",
    )
    reader.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    reader.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except SourceError as error:
        raise SourceError(error.problems, headline="cannot import the metrics") from None


def _import(args: argparse.Namespace) -> int:
    queries = read_queries(args.query) if args.query else None
    series: list[Series] = []
    for path in args.files:
        series.extend(read_series(path, queries))
    renames = _by_resource(args.name, "--name")
    sizes = {name: _size(name, text) for name, text in _by_resource(args.task_size, "--task-size").items()}
    imported = usage_from(series, renames, sizes)
    problems = _unmeasured(args.name, "--name", imported.resources)
    problems += _unmeasured(args.task_size, "--task-size", imported.resources)
    if problems:
        raise SourceError(problems)
    for name, entry in imported.entries.items():
        try:
            validate_workload(entry)
        except WorkloadError as error:
            problems.extend(relocate(error.problems, f"{name}"))
    if problems:
        raise SourceError(problems, headline="the metrics give an invalid usage entry")
    if not imported.entries:
        raise SourceError([Problem(", ".join(args.files), "no series of a metric decider reads: nothing to write")])
    header = f"# decider usage file, imported from {', '.join(Path(path).name for path in args.files)}\n"
    text = header + yaml.safe_dump(imported.entries, sort_keys=False, default_flow_style=None, width=118)
    if args.output:
        _write(Path(args.output), text)
        sys.stderr.write(f"decider: wrote {args.output} ({len(imported.entries)} resources)\n")
    else:
        sys.stdout.write(text)
    for note in imported.notes:
        sys.stderr.write(f"decider: {note}\n")
    return EXIT_OK


def _by_resource(items: list[str], option: str) -> dict[str, str]:
    """An option's RESOURCE=VALUE items by resource; a resource given twice is refused (which one was meant?)."""
    given: dict[str, str] = {}
    problems = []
    for item in items:
        name, value = _pair(item, option)
        if name in given:
            first = f"{name}={given[name]}"
            problems.append(Problem(f"{option} {item}", f"{name!r} is given twice (first as {first!r}); keep one"))
        else:
            given[name] = value
    if problems:
        raise SourceError(problems)
    return given


def _unmeasured(items: list[str], option: str, resources: list[str]) -> list[Problem]:
    """A problem for each item naming a resource the metrics do not measure (a typo would otherwise write nothing)."""
    problems = []
    for item in items:
        name = item.partition("=")[0]
        if name not in resources:
            problems.append(unknown_choice(f"{option} {item}", name, resources, noun="resource"))
    return problems


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise SourceError([Problem(f"{option} {text}", "write it as NAME=VALUE")])
    return name, value


def _size(name: str, text: str) -> tuple[float, float]:
    vcpu, sep, memory = text.partition(":")
    try:
        size = float(vcpu), float(memory)
    except ValueError:
        size = (0.0, 0.0)
    if not sep or size[0] <= 0 or size[1] <= 0:
        raise SourceError([Problem(f"--task-size {name}={text}", "write it as SERVICE=VCPU:MB, such as web=0.5:1024")])
    return size


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: to a temporary file beside it, then moved into place."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        raise SourceError([Problem(str(path), f"cannot write: {error.strerror or error}")]) from None
