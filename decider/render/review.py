"""A review for people and programs: a terminal table and the JSON (the Review model itself); the pull-request
comment in Markdown is decider/render/comment.py.

Each format is also a writer for a review too large to hold: a ``*_part`` function turns one reviewed workload into
its small piece of the report (wherever it was reviewed, maybe another process), and the writer takes the pieces in
review order — JSON writes each as it comes; the table and Markdown, whose heads count every verdict, keep only rows
and blocks that can still be shown — then ``finish`` writes the rest. The text is the same as the whole review's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import StringIO
from typing import Any, Protocol, TextIO

from decider.numbers import number
from decider.review import Review, ReviewedWorkload, ReviewSummary, SkippedFile, UnreadableFile, Verdict
from decider.review_evidence import RUN_TIME_NOT_KNOWN
from decider.review_notes import unknown_traffic_reasons

_ORDER: dict[Verdict | None, int] = {"move": 0, "consider": 1, "keep": 2, "unknown": 3, None: 4}  # worst first


class ReviewWriter(Protocol):
    """Writes one format of a review from its workloads' parts, given in review order, then the summary."""

    def add(self, part: Any) -> None: ...
    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None: ...


def write_review(review: Review, writer: ReviewWriter, part: Callable[[ReviewedWorkload], Any]) -> None:
    """A whole review through a writer; ``part`` is the writer's part function."""
    for item in review.workloads:
        writer.add(part(item))
    writer.finish(review.summary, review.skipped, review.unreadable)


def to_json(review: Review) -> str:
    """The review as the API returns it; byte-identical for the same inputs, rules and prices."""
    return review.model_dump_json(indent=2)


_JSON_OPEN = '{\n  "workloads": ['


def json_part(item: ReviewedWorkload) -> str:
    """One workload's entry in the review's JSON, indented as it sits in the list."""
    return "    " + item.model_dump_json(indent=2).replace("\n", "\n    ")


class JsonWriter:
    """The review's JSON (to_json() and a newline), each workload written as it comes: nothing is held back."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.written = 0

    def add(self, part: str) -> None:
        self.out.write((",\n" if self.written else _JSON_OPEN + "\n") + part)
        self.written += 1

    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None:
        rest = to_json(Review(workloads=(), summary=summary, skipped=tuple(skipped), unreadable=tuple(unreadable)))
        # ``{"workloads": [], "summary": …}``: after the entries written, what follows the empty list's "["
        self.out.write(("\n  " + rest.removeprefix(_JSON_OPEN) if self.written else rest) + "\n")


def _usd(value: float | None) -> str:
    return f"${value:,.2f}" if value is not None else "n/a"


def _verdict(item: ReviewedWorkload) -> str:
    return item.verdict or "—"


def _where(item: ReviewedWorkload) -> str:
    if item.source.file is None:
        return "—"
    return f"{item.source.file}:{item.source.line}" if item.source.line else item.source.file


def _recommended(item: ReviewedWorkload) -> str | None:
    """The recommendation a row shows; None for an ``unknown`` verdict, whose ranking rests on decider's default traffic
    (a guess: the verdict says how to give the traffic instead)."""
    if item.verdict == "unknown":
        return None
    return item.decision.recommendation or "none"


def _current(item: ReviewedWorkload) -> str:
    """Where it runs now: the target (or platform), with the capacity mode it runs in when known ("ecs-fargate
    (spot)")."""
    where = item.current_target or item.current_platform
    return f"{where} ({item.current_mode})" if item.current_mode else where


def _headline(summary: ReviewSummary, run_time: bool = False) -> str:
    """The counts; ``run_time``: some unknown is a job whose run time is not known (not its traffic alone)."""
    text = (
        f"{summary.workloads} workload{'s' if summary.workloads != 1 else ''}: {summary.keep} keep, "
        f"{summary.consider} consider, {summary.move} move"
    )
    if summary.unknown:
        text += f", {summary.unknown} unknown ({'traffic or run time' if run_time else 'traffic'} not known)"
    if summary.no_verdict:
        text += f", {summary.no_verdict} not deployed on a ranked target"
    return text


UNKNOWN_HINT = (
    "add their traffic to the usage file (`Name: {traffic: {requests_per_month: 2000000}}`, passed with --usage) "
    "for a verdict"
)
#: What a job whose run time is not known needs for a verdict.
RUN_TIME_HINT = (
    f"{RUN_TIME_NOT_KNOWN}: add its run time to the usage file (`Name: {{runtime: {{max_duration_s: 1800, "
    "avg_duration_ms: 600000}}`) for a verdict; a job's default run of 1 s would be a guess"
)


def run_time_unknown(item: ReviewedWorkload) -> bool:
    """An ``unknown`` job whose run time nothing said (decider/review_evidence.py)."""
    return item.verdict == "unknown" and RUN_TIME_NOT_KNOWN in item.why


def _unreadable_where(item: UnreadableFile) -> str:
    return f"{item.file}:{item.line}" if item.line else item.file


def _cost_line(summary: ReviewSummary) -> str | None:
    if summary.monthly_cost_now_usd is None or summary.monthly_cost_recommended_usd is None:
        return None
    return (
        f"Monthly cost now {_usd(summary.monthly_cost_now_usd)}, after following the verdicts "
        f"{_usd(summary.monthly_cost_recommended_usd)} ({summary.costed_workloads} of {summary.workloads} "
        "workloads priced)."
    )


@dataclass(frozen=True, slots=True)
class TableRow:
    """One workload's row of the terminal table, and the note printed under it (the reason for a move or consider;
    why the traffic is not known, when the source says)."""

    verdict: Verdict | None
    cells: tuple[str, ...]
    why: str | None
    warnings: tuple[str, ...] = ()


def table_part(item: ReviewedWorkload) -> TableRow:
    cells = (
        _verdict(item),
        item.name,
        _current(item),
        _recommended(item) or "—",
        number(item.score_gap) if item.score_gap is not None else "—",
        _usd(item.monthly_cost_now_usd),
        _usd(item.monthly_cost_recommended_usd),
        _where(item),
    )
    warned = item.decision.warnings if item.verdict not in (None, "unknown") else ()  # an unknown's is on defaults
    return TableRow(item.verdict, cells, _row_note(item), warned)


def _row_note(item: ReviewedWorkload) -> str | None:
    """What is printed under a row: the reason for a move or consider; for an ``unknown``, what in the source left the
    traffic unknown when it says (a schedule that cannot be read, work started with no rate), else nothing (the
    table's foot says how to give the traffic)."""
    if item.verdict in ("move", "consider"):
        return item.why
    if item.verdict == "unknown":
        run_time = [f"{RUN_TIME_HINT}."] if run_time_unknown(item) else []
        return " ".join([*unknown_traffic_reasons(item.source_assumptions), *run_time]) or None
    return None


def _unknown_line(summary: ReviewSummary, run_time: bool = False) -> str | None:
    if not summary.unknown:
        return None
    return f"{summary.unknown} workload(s) have unknown traffic{' or run time' if run_time else ''}: {UNKNOWN_HINT}."


class TableWriter:
    """The terminal table: its columns fit the widest cell, so every row is kept (a row, not a decision)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.rows: list[TableRow] = []

    def add(self, part: TableRow) -> None:
        self.rows.append(part)

    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None:
        rows = sorted(self.rows, key=lambda row: _ORDER[row.verdict])
        header = ("verdict", "workload", "current", "recommended", "gap", "cost now", "cost rec.", "source")
        widths = [max(len(cells[column]) for cells in [header, *(row.cells for row in rows)]) for column in range(8)]
        run_time = any(row.why is not None and RUN_TIME_HINT in row.why for row in rows)
        lines = [f"decider review: {_headline(summary, run_time)}", ""]
        lines.append("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)).rstrip())
        for row in rows:
            lines.append("  ".join(text.ljust(width) for text, width in zip(row.cells, widths, strict=True)).rstrip())
            if row.why is not None:
                lines.append(f"    {row.why}")
            lines += [f"    Check before acting: {warning}" for warning in row.warnings]
        for extra in (_unknown_line(summary, run_time), _cost_line(summary)):
            if extra:
                lines += ["", extra]
        unreadable = tuple(unreadable)
        if unreadable:
            lines += ["", f"Could not read {len(unreadable)} file(s) or workload(s); the review went on without them:"]
            lines += [f"  {_unreadable_where(item)}: {item.reason}" for item in unreadable]
        skipped = tuple(skipped)
        if skipped:
            lines += ["", f"Skipped {len(skipped)} file(s) or module call(s) decider does not read:"]
            lines += [f"  {item.file}: {item.reason}" for item in skipped]
        lines += ["", f"keep margin {number(summary.keep_margin_points)} points"]
        self.out.write("\n".join(lines) + "\n")


def to_table(review: Review) -> str:
    """A plain-text review for a terminal, worst verdicts first."""
    out = StringIO()
    write_review(review, TableWriter(out), table_part)
    return out.getvalue()
