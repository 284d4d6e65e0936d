"""A review for people: a terminal table and a pull-request comment in Markdown (JSON is the Review model itself).

The Markdown opens with a hidden marker (``MARKER``) so a CI bot can find and update its one comment, and stays under
GitHub's comment limit: when the details do not fit, the rest are left out with a note saying how many and why.

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

MARKER = "<!-- decider-review -->"
#: GitHub refuses comments longer than 65,536 characters; keep a margin for the note that says what was cut.
GITHUB_COMMENT_LIMIT_CHARS = 65_536
_NOTE_RESERVE_CHARS = 600
_ORDER: dict[Verdict | None, int] = {"move": 0, "consider": 1, "keep": 2, "unknown": 3, None: 4}  # worst first
#: Names of workloads with unknown traffic listed in the Markdown comment; the rest are counted.
_UNKNOWN_NAMES_SHOWN = 20
#: Files that could not be read listed in the Markdown comment; the rest are counted.
_UNREADABLE_SHOWN = 10


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


def _current(item: ReviewedWorkload) -> str:
    return item.current_target or item.current_platform


def _headline(summary: ReviewSummary) -> str:
    text = (
        f"{summary.workloads} workload{'s' if summary.workloads != 1 else ''}: {summary.keep} keep, "
        f"{summary.consider} consider, {summary.move} move"
    )
    if summary.unknown:
        text += f", {summary.unknown} unknown (traffic not known)"
    if summary.no_verdict:
        text += f", {summary.no_verdict} not deployed on a ranked target"
    return text


UNKNOWN_HINT = (
    "add their traffic to the usage file (`Name: {traffic: {requests_per_month: 2000000}}`, passed with --usage) "
    "for a verdict"
)


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
    """One workload's row of the terminal table, and the reason printed under a move or consider."""

    verdict: Verdict | None
    cells: tuple[str, ...]
    why: str | None


def table_part(item: ReviewedWorkload) -> TableRow:
    cells = (
        _verdict(item),
        item.name,
        _current(item),
        item.decision.recommendation or "none",
        number(item.score_gap) if item.score_gap is not None else "—",
        _usd(item.monthly_cost_now_usd),
        _usd(item.monthly_cost_recommended_usd),
        _where(item),
    )
    return TableRow(item.verdict, cells, item.why if item.verdict in ("move", "consider") else None)


def _unknown_line(summary: ReviewSummary) -> str | None:
    if not summary.unknown:
        return None
    return f"{summary.unknown} workload(s) have unknown traffic: {UNKNOWN_HINT}."


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
        lines = [f"decider review: {_headline(summary)}", ""]
        lines.append("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)).rstrip())
        for row in rows:
            lines.append("  ".join(text.ljust(width) for text, width in zip(row.cells, widths, strict=True)).rstrip())
            if row.why is not None:
                lines.append(f"    {row.why}")
        for extra in (_unknown_line(summary), _cost_line(summary)):
            if extra:
                lines += ["", extra]
        unreadable = tuple(unreadable)
        if unreadable:
            lines += ["", f"Could not read {len(unreadable)} file(s) or workload(s); the review went on without them:"]
            lines += [f"  {_unreadable_where(item)}: {item.reason}" for item in unreadable]
        skipped = tuple(skipped)
        if skipped:
            lines += ["", f"Skipped {len(skipped)} file(s) that hold no workloads:"]
            lines += [f"  {item.file}: {item.reason}" for item in skipped]
        lines += ["", f"keep margin {number(summary.keep_margin_points)} points"]
        self.out.write("\n".join(lines) + "\n")


def to_table(review: Review) -> str:
    """A plain-text review for a terminal, worst verdicts first."""
    out = StringIO()
    write_review(review, TableWriter(out), table_part)
    return out.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _details(item: ReviewedWorkload) -> str:
    """One workload's block: where, why, the ranking with its leading rule, exclusions, what the source left open."""
    decision = item.decision
    out = [
        f"<details><summary><b>{_cell(item.name)}</b>: {_verdict(item)} — {_current(item)} → "
        f"{decision.recommendation or 'none'}</summary>",
        "",
        f"`{_where(item)}` — {_cell(item.why)}",
        "",
    ]
    if decision.ranking:
        out += ["| target | score | monthly cost | strongest reason |", "|---|---:|---:|---|"]
        for entry in decision.ranking:
            cost = entry.monthly_cost.total_usd if entry.monthly_cost is not None else None
            top = max(entry.reasons, key=lambda reason: abs(reason.impact), default=None)
            reason = f"`{top.rule}` ({'+' if top.impact > 0 else ''}{number(top.impact)})" if top else "—"
            out.append(f"| {entry.target} | {number(entry.score)} | {_usd(cost)} | {reason} |")
        out.append("")
    for exclusion in decision.excluded:
        limit = exclusion.reasons[0]
        more = f" (+{len(exclusion.reasons) - 1} more)" if len(exclusion.reasons) > 1 else ""
        out.append(f"- ✗ {exclusion.target}: [`{limit.rule}`]({limit.source}){more}")
    if decision.excluded:
        out.append("")
    if item.decisive_assumptions:
        out += [f"- ⚖ decisive assumption: `{path}`" for path in item.decisive_assumptions]
        out.append("")
    if item.source_assumptions:
        out += [f"- ⚠ {_cell(assumption)}" for assumption in item.source_assumptions]
        out.append("")
    out.append("</details>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class MarkdownPart:
    """One workload's row of the comment's table, its ``<details>`` block, and the ruleset that decided it."""

    verdict: Verdict | None
    row: str
    details: str
    ruleset: str
    name: str = ""


def markdown_part(item: ReviewedWorkload) -> MarkdownPart:
    gap = number(item.score_gap) if item.score_gap is not None else "—"
    row = (
        f"| `{_cell(item.name)}` | {_current(item)} | {item.decision.recommendation or 'none'} | "
        f"**{_verdict(item)}** | {gap} | {_usd(item.monthly_cost_now_usd)} → "
        f"{_usd(item.monthly_cost_recommended_usd)} |\n"
    )
    info = item.decision.ruleset
    ruleset = f"{info.version} `{info.digest[:19]}`"
    if item.verdict == "unknown":  # counted and named, not a row: only what needs action (or is settled) is shown
        return MarkdownPart(item.verdict, "", "", ruleset, item.name)
    return MarkdownPart(item.verdict, row, _details(item) + "\n", ruleset, item.name)


class MarkdownWriter:
    """The pull-request comment. It is never over ``limit_chars`` and lists the worst verdicts first, so of each
    verdict it keeps the rows and blocks that fit in the limit on their own; the rest could never be shown."""

    def __init__(self, out: TextIO, limit_chars: int = GITHUB_COMMENT_LIMIT_CHARS) -> None:
        self.out = out
        self.budget = limit_chars - _NOTE_RESERVE_CHARS
        #: per verdict, in review order: (row, block), None where the verdict's rows (blocks) so far exceed the budget
        self.kept: dict[Verdict | None, list[tuple[str | None, str | None]]] = {verdict: [] for verdict in _ORDER}
        self.sizes: dict[Verdict | None, list[int]] = {verdict: [0, 0] for verdict in _ORDER}
        self.ruleset = "n/a"
        self.count = 0
        self.unknown: list[str] = []

    def add(self, part: MarkdownPart) -> None:
        if not self.count:
            self.ruleset = part.ruleset  # the first workload's, as the whole review's comment says
        self.count += 1
        if part.verdict == "unknown":
            if len(self.unknown) < _UNKNOWN_NAMES_SHOWN:
                self.unknown.append(part.name)
            return
        sizes = self.sizes[part.verdict]
        sizes[0] += len(part.row)
        sizes[1] += len(part.details)
        row = part.row if sizes[0] <= self.budget else None
        details = part.details if sizes[1] <= self.budget else None
        self.kept[part.verdict].append((row, details))

    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None:
        rows = [entry for kept in self.kept.values() for entry in kept]  # worst first, else in review order
        head = [MARKER, f"### decider review: {_headline(summary)}", ""]
        head += self._unreadable(tuple(unreadable))
        if summary.unknown:
            names = ", ".join(f"`{_cell(name)}`" for name in self.unknown)
            more = f" and {summary.unknown - len(self.unknown)} more" if summary.unknown > len(self.unknown) else ""
            head += [f"**{summary.unknown} with unknown traffic** ({names}{more}): {UNKNOWN_HINT}.", ""]
        cost = _cost_line(summary)
        if cost:
            head += [cost, ""]
        head += [
            "| workload | current | recommended | verdict | score gap | monthly cost now → recommended |",
            "|---|---|---|---|---:|---:|",
        ]
        text = "\n".join(head) + "\n"
        shown_rows = 0
        for row, _ in rows:
            if row is None or len(text) + len(row) > self.budget:
                break
            text += row
            shown_rows += 1
        text += "\n"
        shown_details = 0
        for _, block in rows[:shown_rows]:
            if block is None or len(text) + len(block) > self.budget:
                break
            text += block
            shown_details += 1
        notes: list[str] = []
        if shown_rows < len(rows):
            notes.append(f"{len(rows) - shown_rows} more workloads are not in the table")
        if shown_details < len(rows):
            notes.append(f"details of {len(rows) - shown_details} workloads are left out")
        if notes:
            text += (
                f"> **Truncated:** {'; '.join(notes)} to stay under GitHub's {GITHUB_COMMENT_LIMIT_CHARS:,}-character "
                "comment limit. Run `decider review --format json` for the full review.\n\n"
            )
        skipped = tuple(skipped)
        if skipped:
            text += f"<sub>Skipped {len(skipped)} file(s) that hold no workloads.</sub>\n"
        text += f"<sub>keep margin {number(summary.keep_margin_points)} points · ruleset {self.ruleset}</sub>\n"
        self.out.write(text)

    @staticmethod
    def _unreadable(unreadable: tuple[UnreadableFile, ...]) -> list[str]:
        if not unreadable:
            return []
        lines = [f"**Could not read {len(unreadable)} file(s) or workload(s)**; the review went on without them:", ""]
        for item in unreadable[:_UNREADABLE_SHOWN]:
            lines.append(f"- `{_cell(_unreadable_where(item))}`: {_cell(item.reason)[:300]}")
        if len(unreadable) > _UNREADABLE_SHOWN:
            lines.append(f"- … and {len(unreadable) - _UNREADABLE_SHOWN} more (`--format json` lists them all)")
        return [*lines, ""]


def to_markdown(review: Review, limit_chars: int = GITHUB_COMMENT_LIMIT_CHARS) -> str:
    """A pull-request comment: marker, summary table, one ``<details>`` per workload; never over ``limit_chars``."""
    out = StringIO()
    write_review(review, MarkdownWriter(out, limit_chars), markdown_part)
    return out.getvalue()
