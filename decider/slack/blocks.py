"""Slack answers in Block Kit: a decision, the help text, or why a command could not be read.

Blocks are built with slack_sdk's Block Kit models, whose ``to_dict()`` refuses an over-long text, and every text is
fitted to Slack's limits first (cut at a line or word with "…", never inside an escape or a link), so an answer is
always valid however long the rule messages or the workload name. ``limit_problems`` re-checks a finished message
against every limit, including those the models leave to the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from decider.decision import Decision, RankedTarget, Reason
from decider.errors import DeciderError
from decider.numbers import number
from decider.render.decision import exclusions_by_rule
from decider.render.sizing import describe
from decider.slack.actions import MAX_LABEL_CHARS, MAX_VALUE_CHARS, SHARE, Buttons
from decider.slack.grammar import short_usage, usage
from decider.slack.mrkdwn import ELLIPSIS, bullets, escape, fit, link

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_FALLBACK_TEXT = 3000  # Slack shows the top-level text in notifications; it cuts far longer text itself
MAX_ACTIONS = 25  # elements in one actions block
MAX_ACTION_ID = 255
DECIDING_REASONS = 3
_CHECK = ":warning: *Check before acting*"

Message = dict[str, Any]


def _mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=fit(text, limit))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(text))


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(text, MAX_CONTEXT_TEXT) for text in texts[:MAX_CONTEXT_ELEMENTS]])


def _header(text: str) -> HeaderBlock:
    # Plain text takes no escapes; angle brackets are swapped for look-alikes so "<!channel>" can never notify.
    plain = text.replace("<", "‹").replace(">", "›")
    return HeaderBlock(text=PlainTextObject(text=fit(plain, MAX_HEADER_TEXT), emoji=True))


def decision_message(
    decision: Decision,
    *,
    share: bool = False,
    command_text: str = "",
    command_name: str = "/compute",
    buttons: Buttons | None = None,
    note: str = "",
) -> Message:
    """The answer to a command: recommendation, top targets with score and cost, why, exclusions, what would change,
    and the ``buttons`` that decide again with a change (``note``, mrkdwn, says which change this answer is)."""
    blocks: list[Block] = [_header(_headline(decision))]
    if note:
        blocks.append(_context(note))
    if decision.warnings:  # inputs to check (a contradiction, an implausible load), before the answer resting on them
        blocks.append(_section(bullets([escape(text) for text in decision.warnings], MAX_SECTION_TEXT, _CHECK)))
    if decision.ranking:
        blocks.append(_ranking(decision.ranking))
        blocks.append(_section(_why(decision)))
        sizing = _sizing(decision.ranking[0])
        if sizing:
            blocks.append(_section(sizing))
    else:
        blocks.append(_section(escape(decision.summary)))
    if decision.excluded:
        blocks.append(DividerBlock())
        blocks.append(_section(_excluded(decision)))
    if decision.what_would_change:
        blocks.append(DividerBlock())
        blocks.append(
            _section(
                bullets(
                    [escape(change) for change in decision.what_would_change],
                    MAX_SECTION_TEXT,
                    "*What would change the answer*",
                )
            )
        )
    if buttons is not None:
        blocks.extend(_buttons(buttons))
    blocks.append(_context(*_footer(decision, command_text, command_name)))
    return _message(blocks, fallback=decision.summary, share=share)


def _buttons(buttons: Buttons) -> list[Block]:
    blocks: list[Block] = []
    if buttons.buttons:
        elements = [
            ButtonElement(
                text=PlainTextObject(text=button.label, emoji=True),
                action_id=button.action_id,
                value=button.value,
                style="primary" if button.action_id == SHARE else None,
            )
            for button in buttons.buttons[:MAX_ACTIONS]
        ]
        blocks.append(_context("*What if…* each button decides again with one change"))
        blocks.append(ActionsBlock(elements=elements))
    if buttons.left_out:
        blocks.append(
            _context(
                f"{buttons.left_out} button{'' if buttons.left_out == 1 else 's'} left out: this workload's command "
                f"is longer than the {MAX_VALUE_CHARS:,} characters a Slack button carries"
            )
        )
    return blocks


def help_message(command_name: str = "/compute", targets: Sequence[str] = ()) -> Message:
    """The usage, every key with its units, and the flags; only the caller sees it. ``targets``: their names."""
    blocks: list[Block] = [_header("decider: where should this workload run on AWS?")]
    blocks.extend(_section(paragraph) for paragraph in usage(command_name))
    ranked_here = ", ".join(escape(name) for name in targets) if targets else "the AWS compute targets"
    blocks.append(_context(f"Answers rank {ranked_here}, with the rules, sources and costs behind them."))
    return _message(blocks, fallback=f"{command_name} key=value … — try {command_name} duration=20m memory=2g")


def problem_message(error: DeciderError, *, command_text: str = "", command_name: str = "/compute") -> Message:
    """Why a command could not be answered: each bad token, what is allowed, a did-you-mean, and the usage."""
    lines = []
    for problem in error.problems:
        where = f"`{escape(problem.location)}`: " if problem.location else ""
        line = f"{where}{escape(problem.message)}"
        if problem.suggestion:
            line += f" — *did you mean `{escape(problem.suggestion)}`?*"
        lines.append(line)
    asked = f" `{escape(command_name)} {escape(command_text)}`" if command_text.strip() else ""
    blocks: list[Block] = [
        _section(bullets(lines, MAX_SECTION_TEXT, f":warning: *I could not answer*{asked}")),
        _section(short_usage(command_name)),
    ]
    fallback = f"{error.headline}: " + "; ".join(str(problem) for problem in error.problems)
    return _message(blocks, fallback=fallback)


def _message(blocks: list[Block], *, fallback: str, share: bool = False) -> Message:
    if len(blocks) > MAX_BLOCKS:  # the layouts above stay far below; keep the footer if that ever changes
        blocks = [*blocks[: MAX_BLOCKS - 1], blocks[-1]]
    return {
        "response_type": "in_channel" if share else "ephemeral",
        "text": fit(escape(fallback), MAX_FALLBACK_TEXT),
        # to_dict() runs the models' validators: an over-long text raises instead of reaching Slack.
        "blocks": [block.to_dict() for block in blocks],
    }


def _headline(decision: Decision) -> str:
    if decision.recommendation is None:
        answer = "no AWS target can run this workload as described"
    else:
        answer = decision.ranking[0].name
    if not decision.name:
        return answer if decision.recommendation is None else f"Run it on {answer}"
    # A long name is shortened, not the answer after it: the header exists to say where the workload should run.
    room = MAX_HEADER_TEXT - len(answer) - len(": ")
    name = fit(decision.name, room) if room > len(ELLIPSIS) else decision.name
    return f"{name}: {answer}"


def _cost(entry: RankedTarget) -> str:
    if entry.monthly_cost is None:
        return "cost not priced"
    return f"${entry.monthly_cost.total_usd:,.2f}/month"


def _ranking(ranking: Sequence[RankedTarget]) -> SectionBlock:
    fields = [
        _mrkdwn(f"*{place}. {escape(entry.name)}*\nscore {entry.score:.1f} · {_cost(entry)}", MAX_FIELD_TEXT)
        for place, entry in enumerate(ranking[:MAX_FIELDS], start=1)
    ]
    heading = "*Ranking* — score · monthly cost for this traffic"
    if len(ranking) > MAX_FIELDS:
        heading += f"\n…and {len(ranking) - MAX_FIELDS} more eligible targets"
    return SectionBlock(text=_mrkdwn(heading), fields=fields)


def deciding_reasons(decision: Decision, limit: int = DECIDING_REASONS) -> list[tuple[Reason, float]]:
    """The winner's reasons that most put it ahead of the runner-up (``Decision.deciding``), with each lead."""
    winner = decision.ranking[0]
    # A rule that only lowers the runner-up is a reason too (``leads``): its message is the runner-up's.
    behind = decision.ranking[1].reasons if len(decision.ranking) > 1 else ()
    by_rule = {reason.rule: reason for reason in (*behind, *winner.reasons)}
    ahead = [(by_rule[rule], lead) for lead, rule in decision.deciding]
    tied = len(decision.ranking) > 1 and decision.ranking[0].score <= decision.ranking[1].score
    if not ahead and (tied or len(decision.ranking) == 1):  # nothing separates the top two: what counted most
        ahead = sorted(
            (
                (reason, reason.impact)
                for reason in winner.reasons
                if reason.impact > 0 and reason.rule not in decision.pleading
            ),
            key=lambda item: (-item[1], item[0].rule),
        )
    return ahead[:limit]


def _why(decision: Decision) -> str:
    winner = decision.ranking[0]
    reasons = deciding_reasons(decision)
    lines = [
        f"{escape(reason.message.rstrip('.'))} — {link(reason.source, reason.rule)} (+{number(lead)})"
        for reason, lead in reasons
    ]
    heading = f"*Why {escape(winner.name)}*"
    if len(decision.ranking) > 1:
        runner_up = decision.ranking[1]
        gap = winner.score - runner_up.score
        heading += f" — {_points(gap)} ahead of {escape(runner_up.name)}" if gap > 0 else ""
        if not lines and gap <= 0:
            lines.append(f"It ties with {escape(runner_up.name)} and is the simpler to run, so it ranks first.")
    elif not lines:
        lines.append("It is the only target that can run this workload.")
    if not lines:
        lines.append("No rule favoured one target over another for this workload.")
    return bullets(lines, MAX_SECTION_TEXT, heading)


def _points(gap: float) -> str:
    rounded = round(gap, 1)
    return f"{number(rounded)} point{'' if rounded == 1 else 's'}"


def _sizing(entry: RankedTarget) -> str:
    """What to configure for the winner, in one line (the API and CLI give every setting)."""
    if entry.sizing is None:
        return ""
    return f"*Configure {escape(entry.name)}:* {escape(describe(entry.sizing))}"


def _excluded(decision: Decision) -> str:
    """Each limit once, with every target it keeps out."""
    lines = []
    for rule, message, source, kept_out in exclusions_by_rule(decision):
        names = ", ".join(f"*{escape(exclusion.name)}*" for exclusion in kept_out)
        verb = "is" if len(kept_out) == 1 else "are"
        lines.append(f"{names} {verb} out: {escape(message.rstrip('.'))} — {link(source, rule)}")
    return bullets(lines, MAX_SECTION_TEXT, "*Excluded*")


def _footer(decision: Decision, command_text: str, command_name: str) -> list[str]:
    parts = [f"ruleset {escape(decision.ruleset.version)} `{escape(decision.ruleset.digest[:19])}`"]
    if decision.pricing is not None:
        pricing = decision.pricing
        parts.append(f"prices {escape(pricing.region)} as of {escape(pricing.as_of)} ({escape(pricing.currency)})")
    if decision.assumptions:
        parts.append(f"{len(decision.assumptions)} defaults assumed (`{escape(command_name)} help` lists the keys)")
    texts = [" · ".join(parts)]
    if command_text.strip():
        texts.append(f"asked: `{escape(command_name)} {escape(command_text.strip())}`")
    return texts


def limit_problems(message: Mapping[str, Any]) -> list[str]:
    """Every way a finished message breaks Slack's Block Kit limits (empty when it fits)."""
    problems: list[str] = []
    blocks = message.get("blocks", [])
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks; at most {MAX_BLOCKS}")
    if len(message.get("text", "")) > MAX_FALLBACK_TEXT:
        problems.append(f"fallback text over {MAX_FALLBACK_TEXT} characters")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        where = f"block {index} ({kind})"
        if kind == "header":
            if block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > MAX_HEADER_TEXT:
                problems.append(f"{where}: header must be plain text of at most {MAX_HEADER_TEXT} characters")
        elif kind == "section":
            if "text" in block and len(block["text"]["text"]) > MAX_SECTION_TEXT:
                problems.append(f"{where}: text over {MAX_SECTION_TEXT} characters")
            fields = block.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append(f"{where}: {len(fields)} fields; at most {MAX_FIELDS}")
            problems.extend(
                f"{where}: field over {MAX_FIELD_TEXT} characters"
                for item in fields
                if len(item["text"]) > MAX_FIELD_TEXT
            )
            if "text" not in block and not fields:
                problems.append(f"{where}: neither text nor fields")
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
                problems.append(f"{where}: {len(elements)} elements; 1 to {MAX_CONTEXT_ELEMENTS}")
            problems.extend(
                f"{where}: element over {MAX_CONTEXT_TEXT} characters"
                for item in elements
                if len(item.get("text", "")) > MAX_CONTEXT_TEXT
            )
        elif kind == "actions":
            problems.extend(_action_problems(where, block.get("elements", [])))
        elif kind != "divider":
            problems.append(f"{where}: unexpected block type")
    return problems


def _action_problems(where: str, elements: Sequence[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    if not 1 <= len(elements) <= MAX_ACTIONS:
        problems.append(f"{where}: {len(elements)} elements; 1 to {MAX_ACTIONS}")
    action_ids = [item.get("action_id", "") for item in elements]
    if len(set(action_ids)) != len(action_ids):
        problems.append(f"{where}: action_ids repeat; each must be unique in its block")
    for item in elements:
        if len(item["text"]["text"]) > MAX_LABEL_CHARS:
            problems.append(f"{where}: button text over {MAX_LABEL_CHARS} characters")
        if len(item.get("value", "")) > MAX_VALUE_CHARS:
            problems.append(f"{where}: button value over {MAX_VALUE_CHARS} characters")
        if not 1 <= len(item.get("action_id", "")) <= MAX_ACTION_ID:
            problems.append(f"{where}: action_id must have 1 to {MAX_ACTION_ID} characters")
    return problems
