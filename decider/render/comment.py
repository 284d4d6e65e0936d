"""A review as a pull-request comment in Markdown: what needs action first, the rest counted.

The comment opens with a hidden marker (``MARKER``) so a CI bot can find and update its one comment, then the counts.
The workloads to move or consider come first: a table (the file next to each name, and the assumed values the
verdict rests on) and one ``<details>`` block each. Keeps are a count with their names folded away, unknowns and
workloads on no ranked target a count with names, so the comment stays readable at hundreds of workloads, and under
GitHub's comment limit: when the table or the details do not fit, the rest are left out with a note saying how many.

Every text that comes from the repository under review (names, paths, reasons that quote them) goes through
``markdown_text``: it is shown, never acted on (no HTML, image, link or mention).

Like the other formats it is a writer for a review too large to hold (decider/render/review.py): ``markdown_part``
turns one reviewed workload into its small piece, and ``MarkdownWriter`` keeps only what can still be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import StringIO
from typing import TextIO

from decider.numbers import number
from decider.render.escape import markdown_text
from decider.render.review import (
    RUN_TIME_HINT,
    UNKNOWN_HINT,
    _cost_line,
    _current,
    _headline,
    _unreadable_where,
    _usd,
    _verdict,
    _where,
    run_time_unknown,
    write_review,
)
from decider.review import Review, ReviewedWorkload, ReviewSummary, SkippedFile, UnreadableFile, Verdict

MARKER = "<!-- decider-review -->"
#: GitHub refuses comments longer than 65,536 characters; keep a margin for the note that says what was cut.
GITHUB_COMMENT_LIMIT_CHARS = 65_536
_NOTE_RESERVE_CHARS = 600
#: The verdicts that need action, worst first: each gets a row and a block.
ACTION: tuple[Verdict, ...] = ("move", "consider")
#: Names listed under each counted group (keep, unknown, no verdict); the rest are counted.
NAMES_SHOWN = 50
#: After a kept workload's name when its decision warns of its inputs or bills (a keep's block is not shown).
WARNED = "the decision warns of its inputs or bills: `--format json` says what (`decision.warnings`)"
#: Files that could not be read listed in the comment; the rest are counted.
_UNREADABLE_SHOWN = 10
TABLE_HEAD = (
    "| workload | file | current → recommended | verdict | score gap | monthly cost now → recommended | rests on |\n"
    "|---|---|---|---|---:|---:|---|\n"
)


def code(text: str) -> str:
    """Outside text shown in a monospace font; ``<code>`` (not backticks) so the escaped text still reads right."""
    return f"<code>{markdown_text(text)}</code>"


def details(item: ReviewedWorkload) -> str:
    """One workload's block: where, why, the ranking with its leading rule, exclusions, what the source left open."""
    decision = item.decision
    out = [
        f"<details><summary><b>{markdown_text(item.name)}</b>: {_verdict(item)} — {_current(item)} → "
        f"{decision.recommendation or 'none'}</summary>",
        "",
        f"{code(_where(item))} — {markdown_text(item.why)}",
        "",
    ]
    if decision.ranking:
        out += ["| target | score | monthly cost | strongest reason |", "|---|---:|---:|---|"]
        for entry in decision.ranking:
            cost = entry.monthly_cost.total_usd if entry.monthly_cost is not None else None
            top = max(entry.reasons, key=lambda reason: abs(reason.impact), default=None)
            reason = f"`{top.rule}` ({'+' if top.impact > 0 else ''}{number(top.impact)})" if top else "—"
            shown = _usd(cost)
            if item.current_mode and entry.target == item.compared_target and item.monthly_cost_now_usd != cost:
                shown += f" ({_usd(item.monthly_cost_now_usd)} now, in {item.current_mode})"
            out.append(f"| {entry.target} | {number(entry.score)} | {shown} | {reason} |")
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
        out += [f"- ⚠ {markdown_text(assumption)}" for assumption in item.source_assumptions]
        out.append("")
    if decision.warnings:
        out += [f"- ⚠ Check before acting: {markdown_text(warning)}" for warning in decision.warnings]
        out.append("")
    out.append("</details>")
    return "\n".join(out) + "\n"


def row(item: ReviewedWorkload) -> str:
    """One workload's row of the table of what needs action."""
    gap = number(item.score_gap) if item.score_gap is not None else "—"
    rests_on = ", ".join(f"`{path}`" for path in item.decisive_assumptions) or "—"
    return (
        f"| **{markdown_text(item.name)}** | {code(_where(item))} | {_current(item)} → "
        f"{item.decision.recommendation or 'none'} | **{_verdict(item)}** | {gap} | "
        f"{_usd(item.monthly_cost_now_usd)} → {_usd(item.monthly_cost_recommended_usd)} | {rests_on} |\n"
    )


@dataclass(frozen=True, slots=True)
class MarkdownPart:
    """One workload's share of the comment: for a move or consider its row and block; for the others, the name and
    file that the counted lists show."""

    verdict: Verdict | None
    row: str
    details: str
    ruleset: str
    name: str = ""


def markdown_part(item: ReviewedWorkload) -> MarkdownPart:
    info = item.decision.ruleset
    ruleset = f"{info.version} `{info.digest[:19]}`"
    if item.verdict in ACTION:
        return MarkdownPart(item.verdict, row(item), details(item) + "\n", ruleset, item.name)
    listed = f"{markdown_text(item.name)} ({code(_where(item))})" if item.source.file else markdown_text(item.name)
    if item.verdict == "keep" and item.decision.warnings:
        listed += f" ⚠ {WARNED}"
    if run_time_unknown(item):
        listed += f": {RUN_TIME_HINT}"
    return MarkdownPart(item.verdict, "", "", ruleset, listed)


class MarkdownWriter:
    """The pull-request comment. It is never over ``limit_chars``: of each verdict that needs action it keeps the rows
    and blocks that fit in the limit on their own (the rest could never be shown); of the others, the first names."""

    def __init__(self, out: TextIO, limit_chars: int = GITHUB_COMMENT_LIMIT_CHARS) -> None:
        self.out = out
        self.limit = limit_chars
        self.budget = limit_chars - _NOTE_RESERVE_CHARS
        #: per verdict that needs action, in review order: (row, block), None once the verdict's exceed the budget
        self.kept: dict[Verdict | None, list[tuple[str | None, str | None]]] = {verdict: [] for verdict in ACTION}
        self.sizes: dict[Verdict | None, list[int]] = {verdict: [0, 0] for verdict in ACTION}
        #: per other verdict (keep, unknown, none), the first names with their files
        self.names: dict[Verdict | None, list[str]] = {"keep": [], "unknown": [], None: []}
        self.ruleset = "n/a"
        self.count = 0
        self.run_time = False

    def add(self, part: MarkdownPart) -> None:
        if not self.count:
            self.ruleset = part.ruleset  # the first workload's, as the whole review's comment says
        self.count += 1
        self.run_time = self.run_time or RUN_TIME_HINT in part.name  # an unknown job's run time
        if part.verdict not in ACTION:
            if len(self.names[part.verdict]) < NAMES_SHOWN:
                self.names[part.verdict].append(part.name)
            return
        sizes = self.sizes[part.verdict]
        sizes[0] += len(part.row)
        sizes[1] += len(part.details)
        kept_row = part.row if sizes[0] <= self.budget else None
        kept_details = part.details if sizes[1] <= self.budget else None
        self.kept[part.verdict].append((kept_row, kept_details))

    def finish(
        self, summary: ReviewSummary, skipped: Iterable[SkippedFile], unreadable: Iterable[UnreadableFile] = ()
    ) -> None:
        headline = _headline(summary, self.run_time)
        head = "\n".join([MARKER, f"### decider review: {headline}", "", *_unreadable(tuple(unreadable))])
        cost = _cost_line(summary)
        head += f"\n{cost}\n\n" if cost else "\n"
        shown = NAMES_SHOWN
        tail = groups(summary, self.names, shown, self.run_time) + _footer(summary, tuple(skipped), self.ruleset)
        while shown and len(head) + len(tail) > self.limit - _NOTE_RESERVE_CHARS:  # a small limit: fewer names
            shown //= 2
            tail = groups(summary, self.names, shown, self.run_time) + _footer(summary, tuple(skipped), self.ruleset)
        budget = self.limit - _NOTE_RESERVE_CHARS - len(tail)
        rows = [entry for kept in self.kept.values() for entry in kept]  # worst first, else in review order
        if not rows:
            self.out.write(head + "Nothing needs action: no workload to move or consider.\n\n" + tail)
            return
        text = head + f"#### Needs action: {summary.move} move, {summary.consider} consider\n\n" + TABLE_HEAD
        shown_rows = 0
        for kept_row, _ in rows:
            if kept_row is None or len(text) + len(kept_row) > budget:
                break
            text += kept_row
            shown_rows += 1
        text += "\n"
        shown_details = 0
        for _, block in rows[:shown_rows]:
            if block is None or len(text) + len(block) > budget:
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
        self.out.write(text + tail)


def groups(
    summary: ReviewSummary, names: Mapping[Verdict | None, list[str]], shown: int, run_time: bool = False
) -> str:
    """The verdicts that need no action: each a count, with the first ``shown`` of its ``names``; ``run_time``: some
    unknown is a job whose run time is not known, said after its name."""
    text = ""
    if summary.keep:
        text += (
            f"**{summary.keep} keep**: each runs on its recommendation, or within "
            f"{number(summary.keep_margin_points)} points of it.\n\n<details><summary>"
            f"{'The 1 kept workload' if summary.keep == 1 else f'The {summary.keep} kept workloads'}"
            f"</summary>\n\n{_names(names['keep'][:shown], summary.keep)}\n</details>\n\n"
        )
    if summary.unknown:
        text += (
            f"**{summary.unknown} with unknown traffic{' or run time' if run_time else ''}**: {UNKNOWN_HINT}.\n\n"
            f"{_names(names['unknown'][:shown], summary.unknown)}\n"
        )
    if summary.no_verdict:
        text += (
            f"**{summary.no_verdict} not deployed on a ranked target**: no verdict (`--format json` has each "
            f"recommendation).\n\n{_names(names[None][:shown], summary.no_verdict)}\n"
        )
    return text


def _names(names: list[str], count: int) -> str:
    more = f"- … and {count - len(names)} more (`--format json` lists them all)\n" if count > len(names) else ""
    return "".join(f"- {name}\n" for name in names) + more


def _footer(summary: ReviewSummary, skipped: tuple[SkippedFile, ...], ruleset: str) -> str:
    text = f"<sub>Skipped {len(skipped)} file(s) or module call(s) decider does not read.</sub>\n" if skipped else ""
    return text + f"<sub>keep margin {number(summary.keep_margin_points)} points · ruleset {ruleset}</sub>\n"


def _unreadable(unreadable: tuple[UnreadableFile, ...]) -> list[str]:
    if not unreadable:
        return []
    lines = [f"**Could not read {len(unreadable)} file(s) or workload(s)**; the review went on without them:", ""]
    for item in unreadable[:_UNREADABLE_SHOWN]:
        lines.append(f"- {code(_unreadable_where(item))}: {markdown_text(item.reason[:300])}")
    if len(unreadable) > _UNREADABLE_SHOWN:
        lines.append(f"- … and {len(unreadable) - _UNREADABLE_SHOWN} more (`--format json` lists them all)")
    return [*lines, ""]


def to_markdown(review: Review, limit_chars: int = GITHUB_COMMENT_LIMIT_CHARS) -> str:
    """A pull-request comment: marker, what needs action with its details, the rest counted; never over the limit."""
    out = StringIO()
    write_review(review, MarkdownWriter(out, limit_chars), markdown_part)
    return out.getvalue()
