"""The review's writers, fed one workload's part at a time, write what the former whole-review renderers wrote.

``former_markdown`` and ``former_log`` render a whole Review held in memory (they sort, cut and index it, as the
renderers did before the review was streamed); they stay here as the reference the writers must match, over a
review with every verdict and at comment limits that cut the table, the details or nothing.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from decider import __version__
from decider.numbers import number
from decider.render import comment, sarif
from decider.render import review as report
from decider.review import Review, review_imported
from decider.rules.model import Ruleset
from decider.sources import find_workloads
from tests.corpus import generate

LIMITS = (1_500, 4_000, 20_000, 65_536, 400_000)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory, ruleset: Ruleset) -> Review:
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 120)
    discovery = find_workloads([str(folder)])
    return review_imported(discovery.workloads, ruleset)


def former_markdown(review: Review, limit_chars: int) -> str:
    """to_markdown() from the whole review held in memory: what needs action sorted, then cut to the limit."""
    rows = sorted(
        (item for item in review.workloads if item.verdict in comment.ACTION),
        key=lambda item: comment.ACTION.index(item.verdict),
    )
    head = [comment.MARKER, f"### decider review: {report._headline(review.summary)}", ""]
    cost = report._cost_line(review.summary)
    text = "\n".join(head) + (f"\n{cost}\n\n" if cost else "\n")
    names: dict[Any, list[str]] = {"keep": [], "unknown": [], None: []}
    for item in review.workloads:
        if item.verdict not in comment.ACTION:
            warned = f" ⚠ {comment.WARNED}" if item.verdict == "keep" and item.decision.warnings else ""
            names[item.verdict].append(f"{item.name} (<code>{item.source.file}:{item.source.line}</code>){warned}")
    shown = comment.NAMES_SHOWN
    footer = f"<sub>keep margin {number(review.summary.keep_margin_points)} points · ruleset {_ruleset(review)}</sub>\n"
    if review.skipped:
        footer = f"<sub>Skipped {len(review.skipped)} file(s) or module call(s) decider does not read.</sub>\n" + footer
    while shown and len(text) + len(comment.groups(review.summary, names, shown) + footer) > limit_chars - 600:
        shown //= 2
    tail = comment.groups(review.summary, names, shown) + footer
    if not rows:
        return text + "Nothing needs action: no workload to move or consider.\n\n" + tail
    budget = limit_chars - 600 - len(tail)
    text += f"#### Needs action: {review.summary.move} move, {review.summary.consider} consider\n\n"
    text += comment.TABLE_HEAD
    shown_rows = 0
    for item in rows:
        if len(text) + len(comment.row(item)) > budget:
            break
        text += comment.row(item)
        shown_rows += 1
    text += "\n"
    shown_details = 0
    for item in rows[:shown_rows]:
        block = comment.details(item) + "\n"
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
            f"> **Truncated:** {'; '.join(notes)} to stay under GitHub's 65,536-character "
            "comment limit. Run `decider review --format json` for the full review.\n\n"
        )
    return text + tail


def _ruleset(review: Review) -> str:
    info = review.workloads[0].decision.ruleset if review.workloads else None
    return f"{info.version} `{info.digest[:19]}`" if info else "n/a"


def former_log(review: Review, ruleset: Ruleset) -> dict[str, Any]:
    """build_log() as it was: each rule's index found by searching the list of rule ids so far."""
    rule_ids: list[str] = []
    sources: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    for item in review.workloads:
        if item.verdict not in sarif.LEVELS:
            continue
        rule_id = item.rules[0] if item.rules else sarif.FALLBACK_RULES[item.verdict][0]
        if rule_id not in rule_ids:
            rule_ids.append(rule_id)
        for ranked in item.decision.ranking:
            sources.update({reason.rule: reason.source for reason in ranked.reasons})
        for excluded in item.decision.excluded:
            sources.update({reason.rule: reason.source for reason in excluded.reasons})
        results.append({**sarif._result(item, rule_id), "ruleIndex": rule_ids.index(rule_id)})
    driver = {
        "name": "decider",
        "informationUri": sarif.information_uri(),
        "version": __version__,
        "rules": [sarif._descriptor(rule_id, ruleset.rule(rule_id), sources) for rule_id in rule_ids],
    }
    return {
        "$schema": sarif.SARIF_SCHEMA,
        "version": sarif.SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


def stream(review: Review, writer: report.ReviewWriter, part: Any) -> None:
    for item in review.workloads:
        writer.add(part(item))
    writer.finish(review.summary, review.skipped)


def test_the_review_has_every_verdict(review: Review) -> None:
    summary = review.summary
    assert min(summary.keep, summary.consider, summary.move, summary.no_verdict) > 0


@pytest.mark.parametrize("limit", LIMITS)
def test_markdown_written_a_part_at_a_time_is_the_former_comment(review: Review, limit: int) -> None:
    out = io.StringIO()
    writer = comment.MarkdownWriter(out, limit)
    stream(review, writer, comment.markdown_part)
    assert out.getvalue() == former_markdown(review, limit)
    assert comment.to_markdown(review, limit) == out.getvalue()
    budget = limit - 600
    for verdict, kept in writer.kept.items():
        assert sum(len(row) for row, _ in kept if row) <= budget, verdict
        assert sum(len(block) for _, block in kept if block) <= budget, verdict


def test_the_comment_is_cut_in_each_way(review: Review) -> None:
    texts = {limit: comment.to_markdown(review, limit) for limit in LIMITS}
    assert "more workloads are not in the table" in texts[1_500]
    assert "more workloads" not in texts[20_000]  # every row fits, not every workload's details
    assert "details of" in texts[20_000]
    assert "Truncated" not in texts[400_000]


def test_json_written_a_workload_at_a_time_is_the_whole_reviews_dump(review: Review) -> None:
    for whole in (
        review,
        Review(workloads=(), summary=review.summary),
        Review(workloads=review.workloads[:1], summary=review.summary),
    ):
        out = io.StringIO()
        stream(whole, report.JsonWriter(out), report.json_part)
        assert out.getvalue() == whole.model_dump_json(indent=2) + "\n"
        json.loads(out.getvalue())


def test_sarif_from_parts_is_the_former_log(review: Review, ruleset: Ruleset) -> None:
    log = sarif.build_log(review, ruleset)
    # The log now says how the run went (files that could not be read are notifications); the rest is as it was.
    assert log["runs"][0].pop("invocations") == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    assert log == former_log(review, ruleset)
    assert json.dumps(log, indent=2, ensure_ascii=False) == json.dumps(
        former_log(review, ruleset), indent=2, ensure_ascii=False
    )
    out = io.StringIO()
    stream(review, sarif.SarifWriter(out, ruleset), sarif.sarif_part)
    assert out.getvalue() == sarif.to_sarif(review, ruleset)
    assert len(log["runs"][0]["results"]) == review.summary.consider + review.summary.move


def test_the_table_written_from_rows_lists_worst_first(review: Review) -> None:
    out = io.StringIO()
    stream(review, report.TableWriter(out), report.table_part)
    lines = out.getvalue().splitlines()
    assert out.getvalue() == report.to_table(review)
    assert lines[0] == f"decider review: {report._headline(review.summary)}"
    verdicts = [line.split()[0] for line in lines[3:] if line and not line.startswith(" ")][: len(review.workloads)]
    assert verdicts == sorted(verdicts, key=lambda verdict: ["move", "consider", "keep", "—"].index(verdict))
