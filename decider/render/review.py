"""A review for people: a terminal table and a pull-request comment in Markdown (JSON is the Review model itself).

The Markdown opens with a hidden marker (``MARKER``) so a CI bot can find and update its one comment, and stays under
GitHub's comment limit: when the details do not fit, the rest are left out with a note saying how many and why.
"""

from __future__ import annotations

from decider.numbers import number
from decider.review import Review, ReviewedWorkload

MARKER = "<!-- decider-review -->"
#: GitHub refuses comments longer than 65,536 characters; keep a margin for the note that says what was cut.
GITHUB_COMMENT_LIMIT_CHARS = 65_536
_NOTE_RESERVE_CHARS = 600
_ORDER = {"move": 0, "consider": 1, "keep": 2, None: 3}


def to_json(review: Review) -> str:
    """The review as the API returns it; byte-identical for the same inputs, rules and prices."""
    return review.model_dump_json(indent=2)


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


def _headline(review: Review) -> str:
    summary = review.summary
    text = (
        f"{summary.workloads} workload{'s' if summary.workloads != 1 else ''}: {summary.keep} keep, "
        f"{summary.consider} consider, {summary.move} move"
    )
    if summary.no_verdict:
        text += f", {summary.no_verdict} not deployed on a ranked target"
    return text


def _cost_line(review: Review) -> str | None:
    summary = review.summary
    if summary.monthly_cost_now_usd is None or summary.monthly_cost_recommended_usd is None:
        return None
    return (
        f"Monthly cost now {_usd(summary.monthly_cost_now_usd)}, after following the verdicts "
        f"{_usd(summary.monthly_cost_recommended_usd)} ({summary.costed_workloads} of {summary.workloads} "
        "workloads priced)."
    )


def to_table(review: Review) -> str:
    """A plain-text review for a terminal, worst verdicts first."""
    rows = sorted(review.workloads, key=lambda item: _ORDER[item.verdict])
    header = ("verdict", "workload", "current", "recommended", "gap", "cost now", "cost rec.", "source")
    cells = [
        (
            _verdict(item),
            item.name,
            _current(item),
            item.decision.recommendation or "none",
            number(item.score_gap) if item.score_gap is not None else "—",
            _usd(item.monthly_cost_now_usd),
            _usd(item.monthly_cost_recommended_usd),
            _where(item),
        )
        for item in rows
    ]
    widths = [max(len(row[column]) for row in [header, *cells]) for column in range(len(header))]
    lines = [f"decider review: {_headline(review)}", ""]
    lines.append("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)).rstrip())
    for row, item in zip(cells, rows, strict=True):
        lines.append("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip())
        if item.verdict in ("move", "consider"):
            lines.append(f"    {item.why}")
    cost = _cost_line(review)
    if cost:
        lines += ["", cost]
    if review.skipped:
        lines += ["", f"Skipped {len(review.skipped)} file(s) that hold no workloads:"]
        lines += [f"  {skipped.file}: {skipped.reason}" for skipped in review.skipped]
    lines += ["", f"keep margin {number(review.summary.keep_margin_points)} points"]
    return "\n".join(lines) + "\n"


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
    if item.source_assumptions:
        out += [f"- ⚠ {_cell(assumption)}" for assumption in item.source_assumptions]
        out.append("")
    out.append("</details>")
    return "\n".join(out) + "\n"


def to_markdown(review: Review, limit_chars: int = GITHUB_COMMENT_LIMIT_CHARS) -> str:
    """A pull-request comment: marker, summary table, one ``<details>`` per workload; never over ``limit_chars``."""
    rows = sorted(review.workloads, key=lambda item: _ORDER[item.verdict])
    head = [MARKER, f"### decider review: {_headline(review)}", ""]
    cost = _cost_line(review)
    if cost:
        head += [cost, ""]
    head += [
        "| workload | current | recommended | verdict | score gap | monthly cost now → recommended |",
        "|---|---|---|---|---:|---:|",
    ]
    budget = limit_chars - _NOTE_RESERVE_CHARS
    text = "\n".join(head) + "\n"
    shown_rows = 0
    for item in rows:
        gap = number(item.score_gap) if item.score_gap is not None else "—"
        row = (
            f"| `{_cell(item.name)}` | {_current(item)} | {item.decision.recommendation or 'none'} | "
            f"**{_verdict(item)}** | {gap} | {_usd(item.monthly_cost_now_usd)} → "
            f"{_usd(item.monthly_cost_recommended_usd)} |\n"
        )
        if len(text) + len(row) > budget:
            break
        text += row
        shown_rows += 1
    text += "\n"
    shown_details = 0
    for item in rows[:shown_rows]:
        block = _details(item) + "\n"
        if len(text) + len(block) > budget:
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
    if review.skipped:
        text += f"<sub>Skipped {len(review.skipped)} file(s) that hold no workloads.</sub>\n"
    text += f"<sub>keep margin {number(review.summary.keep_margin_points)} points · ruleset {_ruleset(review)}</sub>\n"
    return text


def _ruleset(review: Review) -> str:
    if not review.workloads:
        return "n/a"
    info = review.workloads[0].decision.ruleset
    return f"{info.version} `{info.digest[:19]}`"
