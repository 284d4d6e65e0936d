"""A review of a change (``decider review --base``) for people and machines: the diff first, then the new review.

The table and the Markdown comment lead with what the change moves — new workloads, changed verdicts, the monthly
cost delta per workload and in total, as a cost tool's pull-request comment does — then give the review of the new
version as ``decider review`` does. JSON is ``{"diff": …, "review": …}``; SARIF holds only the new findings.
"""

from __future__ import annotations

import json

from decider.render import comment, sarif
from decider.render import review as review_report
from decider.render.escape import code_span
from decider.review import Review
from decider.review_diff import ReviewDiff, WorkloadChange
from decider.rules.model import Ruleset

MARKER = comment.MARKER
#: Rows of the diff in the Markdown comment; the rest are counted (the JSON has them all).
DIFF_ROWS_SHOWN = 50
#: Characters of the comment the diff may take; the review after it has the rest of GitHub's limit.
DIFF_BUDGET_CHARS = 12_000


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _usd(value: float | None) -> str:
    return f"${value:,.2f}" if value is not None else "n/a"


def _delta(value: float | None) -> str:
    if value is None:
        return "n/a"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}${abs(value):,.2f}"


def _verdicts(change: WorkloadChange) -> str:
    before, after = change.verdict_before or "—", change.verdict_after or "—"
    if change.change == "added":
        return f"new: {after}"
    if change.change == "removed":
        return f"removed (was {before})"
    said = after if before == after else f"{before} → {after}"
    if change.mode_before != change.mode_after:
        said += f" ({change.mode_before or 'mode not said'} → {change.mode_after or 'mode not said'})"
    return said


def headline(diff: ReviewDiff) -> str:
    summary = diff.summary
    return (
        f"against {diff.base}: {summary.added} added, {summary.removed} removed, {summary.verdicts_changed} verdict(s) "
        f"changed, {summary.new_findings} new finding(s); monthly cost {_usd(summary.monthly_cost_before_usd)} → "
        f"{_usd(summary.monthly_cost_after_usd)} ({_delta(summary.monthly_cost_delta_usd)})"
    )


def _moved(diff: ReviewDiff) -> list[WorkloadChange]:
    return [change for change in diff.changes if change.change != "unchanged"]


def to_table(diff: ReviewDiff, review: Review) -> str:
    """The diff as a plain-text table (what changed only), then the new version's review table."""
    rows = [
        (
            _verdicts(change),
            change.name,
            _usd(change.monthly_cost_before_usd),
            _usd(change.monthly_cost_after_usd),
            _delta(change.monthly_cost_delta_usd),
            f"{change.file}:{change.line}" if change.file else "—",
        )
        for change in _moved(diff)
    ]
    header = ("change", "workload", "cost before", "cost after", "delta", "source")
    widths = [max(len(cells[column]) for cells in [header, *rows]) for column in range(len(header))]
    lines = [f"decider review {headline(diff)}", ""]
    if rows:
        for cells in [header, *rows]:
            lines.append("  ".join(text.ljust(width) for text, width in zip(cells, widths, strict=True)).rstrip())
    else:
        lines.append("Nothing the review sees changed.")
    if diff.summary.uncosted:
        lines += ["", f"{diff.summary.uncosted} workload(s) have a cost unknown on one side: not in the totals."]
    return "\n".join(lines) + "\n\n" + review_report.to_table(review)


def to_markdown(diff: ReviewDiff, review: Review) -> str:
    """The pull-request comment: the marker, the diff, then the new version's review (under GitHub's limit)."""
    moved = _moved(diff)
    lines = [MARKER, f"### decider: this change — {headline(diff)}", ""]
    if moved:
        lines += ["| workload | change | monthly cost before → after | delta |", "|---|---|---:|---:|"]
        text = "\n".join(lines)
        shown = 0
        for change in moved[:DIFF_ROWS_SHOWN]:
            row = (
                f"\n| {_cell(code_span(change.name))} | {_verdicts(change)} | "
                f"{_usd(change.monthly_cost_before_usd)} → {_usd(change.monthly_cost_after_usd)} | "
                f"{_delta(change.monthly_cost_delta_usd)} |"
            )
            if len(text) + len(row) > DIFF_BUDGET_CHARS:
                break
            text += row
            shown += 1
        if shown < len(moved):
            text += f"\n\n{len(moved) - shown} more changed workload(s): `--format json` lists them all."
        lines = [text, ""]
    else:
        lines.append("Nothing the review sees changed.")
        lines.append("")
    if diff.summary.uncosted:
        lines += [
            f"<sub>{diff.summary.uncosted} workload(s) with a cost unknown on one side are not in the totals.</sub>",
            "",
        ]
    head = "\n".join(lines) + "\n"
    body = comment.to_markdown(review, comment.GITHUB_COMMENT_LIMIT_CHARS - len(head))
    return head + body.removeprefix(MARKER + "\n")


def to_json(diff: ReviewDiff, review: Review) -> str:
    """``{"diff": …, "review": …}``: the diff and the new version's review as ``--format json`` gives it."""
    diff_text = diff.model_dump_json(indent=2).replace("\n", "\n  ")
    review_text = review_report.to_json(review).replace("\n", "\n  ")
    return f'{{\n  "diff": {diff_text},\n  "review": {review_text}\n}}\n'


def to_sarif(findings: Review, ruleset: Ruleset) -> str:
    """SARIF with only the findings the change brings (the review given holds only those workloads)."""
    return json.dumps(sarif.build_log(findings, ruleset), indent=2, ensure_ascii=False) + "\n"


def gate_count(diff: ReviewDiff, fail_on: str | None) -> int:
    """How many new findings trip ``--fail-on`` (``move``; or ``consider``, which counts move too)."""
    gate = {"move": ("move",), "consider": ("consider", "move")}.get(fail_on or "", ())
    return sum(
        1 for change in diff.changes if change.verdict_after in gate and change.verdict_before != change.verdict_after
    )
