"""The summary table ``make bench`` ends with: every headline figure, as measured, beside its aim.

Each benchmark run with ``--summary-dir DIR`` writes its headline figures to ``DIR/<script>.json`` (``record``);
this script reads them back and prints one table, in a fixed order: figure | measured | aim | within aim | from. A
figure is named as its script names it (e.g. the review's largest folder, when ``--sizes`` changes it). Every
figure is a ratio of two medians measured in the same run of the same script, or a peak resident set size, taken
from the script's own output; see each script's docstring for what is timed and how. Nothing here is timed or
asserted: a figure beyond its aim is printed as such and the exit status stays 0. A figure whose script did not
run shows as not measured.

Run: ``.venv/bin/python bench/summary.py DIR`` (``make bench`` does it after the benchmarks).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Every headline figure, in the order the summary prints them: (key, label).
EXPECTED: tuple[tuple[str, str], ...] = (
    ("engine.zen_full", "decide() with cost + break-even ÷ zen-engine evaluate_batch, per decision"),
    ("engine.pydantic", "decide() with cost ÷ bare Pydantic validation of the same workload"),
    ("engine.zen_unpriced", "decide() without price books ÷ zen-engine evaluate_batch, per decision"),
    ("engine.advice", "decide() with the counterfactual search ÷ decide() alone, per decision"),
    ("service.throughput", "POST /recommend throughput ÷ fixed-response route, same server and client"),
    (
        "service.throughput_repeated",
        "POST /recommend throughput ÷ fixed-response route, the same body again (answered from memory)",
    ),
    ("review.per_workload", "review of 5,000 files: time per workload ÷ at 100 files"),
    ("review.peak_rss", "review of 5,000 files: peak RSS of `decider review DIR --format json` + its workers"),
    ("cli.recommend", '`decider recommend FILE` wall time ÷ `python -c "import pydantic"`'),
)


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``value`` against ``aim`` (``op`` "le": at most, "ge": at least)."""

    key: str
    name: str
    value: float
    unit: str
    op: str
    aim: float
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.value <= self.aim if self.op == "le" else self.value >= self.aim

    @property
    def aim_text(self) -> str:
        return f"{'≤' if self.op == 'le' else '≥'} {self.aim:g}{self.unit}"

    def shown(self) -> str:
        return f"{self.value:.2f}{self.unit}" if self.unit == "×" or not self.unit else f"{self.value:.0f}{self.unit}"


def record(directory: Path, script: str, figures: Sequence[Figure]) -> None:
    """Write one script's headline figures to ``directory/<script>.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    body = [dataclasses.asdict(figure) for figure in figures]
    (directory / f"{script}.json").write_text(json.dumps(body, indent=2), encoding="utf-8")


def collect(directory: Path) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for path in sorted(directory.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            figure = Figure(**item)
            figures[figure.key] = figure
    return figures


def table(figures: dict[str, Figure]) -> str:
    rows = [("figure", "measured", "aim", "within aim", "from")]
    known = dict(EXPECTED)
    for key, label in EXPECTED:
        figure = figures.get(key)
        if figure is None:
            rows.append((label, "not measured", "", "", ""))
        else:
            rows.append((figure.name, figure.shown(), figure.aim_text, "yes" if figure.met else "NO", figure.detail))
    rows += [
        (figure.name, figure.shown(), figure.aim_text, "yes" if figure.met else "NO", figure.detail)
        for key, figure in figures.items()
        if key not in known
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[column].ljust(widths[column]) for column in range(4)]
        lines.append(" | ".join(cells) + (f" | {row[4]}" if row[4] else ""))
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths) + "-+-" + "-" * 30)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path, help="the --summary-dir the benchmarks wrote to")
    args = parser.parse_args(argv)
    figures = collect(args.directory) if args.directory.is_dir() else {}
    print(
        "decider benchmark summary: ratios of medians measured in the same run (a shared machine: printed, not gated)"
    )
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
