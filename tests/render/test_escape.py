"""Text from the repository under review is shown in Markdown, never acted on: a workload name such as
``</details> @org/team ![x](https://evil/p.png)`` closes no block, notifies nobody and loads no image."""

from __future__ import annotations

import re

import pytest

from decider.engine import decide
from decider.render.adr import to_adr
from decider.render.comment import to_markdown
from decider.render.decision import to_markdown as decision_markdown
from decider.render.escape import code_span, markdown_text
from decider.review import ReviewRequestItem, UnreadableFile, review_request
from decider.rules.model import Ruleset
from decider.workload import parse_workload

EVIL = "</details> @org/team ![x](https://evil/p.png) `code` | cell"


def acts(text: str) -> list[str]:
    """What in ``text`` would act in a GitHub comment if it came from the name: HTML, an image or link, a mention,
    a code span or table cell broken open."""
    found = []
    for pattern in (r"</details> @", r"<img", r"!\[x\]", r"\]\(https://evil", r"@org/team", r"`code`", r"\| cell"):
        if re.search(pattern, text):
            found.append(pattern)
    return found


@pytest.mark.parametrize("limit", [65_536, 3_000])
def test_a_review_comment_shows_outside_text_without_letting_it_act(ruleset: Ruleset, limit: int) -> None:
    def item(name: str, workload: dict[str, object]) -> ReviewRequestItem:
        return ReviewRequestItem(name=name, workload=workload, current_target="lambda")

    review = review_request(
        [
            item(EVIL, {"runtime": {"max_duration_s": 2400}}),  # a move: a row and a block
            item(f"keep {EVIL}", {"traffic": {"pattern": "spiky", "requests_per_month": 1e6}}),
            item(f"unknown {EVIL}", {}),
        ],
        ruleset,
    )
    review = review.model_copy(update={"unreadable": (UnreadableFile(file=f"{EVIL}.yaml", line=3, reason=EVIL),)})
    text = to_markdown(review, limit)
    assert acts(text) == []
    assert text.count("<details>") == text.count("</details>"), "no block is closed by a name"
    assert "&lt;/details&gt; @\u200borg/team !&#91;x&#93;(https://evil/p.png)" in text, "the name is still shown"


def test_decision_records_and_reports_escape_the_name(ruleset: Ruleset) -> None:
    parsed = parse_workload({"name": EVIL, "traffic": {"requests_per_month": 1e6}})
    decision = decide(parsed, ruleset)
    assert acts(to_adr(decision, parsed.workload, date="2026-11-27", source=f"{EVIL}.yaml:1")) == []
    assert acts(decision_markdown(decision)) == []


def test_ordinary_text_reads_as_it_did() -> None:
    assert markdown_text("CheckoutFunction: Timeout 30 s (score 88.5)") == "CheckoutFunction: Timeout 30 s (score 88.5)"
    assert markdown_text("two\nlines") == "two lines"
    assert code_span("infra/template.yaml:54") == "`infra/template.yaml:54`"
    assert code_span("a`b") == "<code>a&#96;b</code>"
