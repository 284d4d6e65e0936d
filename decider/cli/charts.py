"""The cost-vs-traffic chart for the commands that write one: ``recommend --chart``, ``adr --chart`` and
``review --chart-dir`` (one chart per reviewed workload, linked from the Markdown report)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from decider.engine import decide
from decider.errors import Problem, UsageError
from decider.render import image
from decider.render.chart import cost_chart
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload
from decider.workload import ParsedWorkload, parse_workload

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def check(path: str) -> None:
    """Fail on a chart path whose extension names no format, before any work is done."""
    image.format_of(path)


def write(parsed: ParsedWorkload, ruleset: Ruleset, path: str, beside: Path | None = None) -> str:
    """Decide (with advice, which computes the cost curve), draw the chart to ``path``; return its path relative to
    ``beside`` (the report's folder; default the current one), with forward slashes, for a Markdown link."""
    decision = decide(parsed, ruleset)
    image.write(cost_chart(decision, parsed.workload.requests_per_month), path)
    return link(path, beside)


def link(path: str, beside: Path | None = None) -> str:
    return Path(os.path.relpath(Path(path).resolve(), (beside or Path.cwd()).resolve())).as_posix()


def prepare(folder: str) -> None:
    """Create the chart folder before a review starts, so a folder that cannot be made stops it before any output."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError([Problem(folder, f"cannot create the chart folder: {error.strerror or error}")]) from None


def write_each(workloads: Sequence[ImportedWorkload], ruleset: Ruleset, folder: str) -> list[tuple[str, str]]:
    """One SVG chart per workload in ``folder`` (see ``prepare``), named after the workload; (name, link) pairs."""
    directory = Path(folder)
    written: list[tuple[str, str]] = []
    used: set[str] = set()
    for item in workloads:
        stem = _UNSAFE.sub("-", item.name).strip("-.") or "workload"
        candidate, count = stem, 1
        while candidate in used:
            count += 1
            candidate = f"{stem}-{count}"
        used.add(candidate)
        written.append(
            (
                item.name,
                write(
                    parse_workload(item.raw, strict_json=item.json_types), ruleset, str(directory / f"{candidate}.svg")
                ),
            )
        )
    return written


def markdown_links(charts: Sequence[tuple[str, str]]) -> str:
    """The charts as a Markdown section appended to the review report."""
    if not charts:
        return ""
    lines = ["", "### Cost as traffic grows", ""]
    lines += [f"- {name}: ![monthly cost of {name} as traffic grows]({path})" for name, path in charts]
    return "\n".join(lines) + "\n"
