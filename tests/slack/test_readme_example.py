"""The README's Slack example: the command it shows gets the answer it shows, as the slash command's route builds it
(the Block Kit message and its buttons), read as Slack shows it."""

from __future__ import annotations

import re
from pathlib import Path

from decider import decide
from decider.rules.model import Ruleset
from decider.slack.actions import SHARE, buttons_for
from decider.slack.blocks import decision_message
from decider.slack.grammar import read_command
from tests.slack.message_text import blocks_text

README = Path(__file__).resolve().parents[2] / "README.md"


def as_slack_shows(mrkdwn: str) -> str:
    """Message text as Slack shows it: bold marks dropped, a link as its label."""
    return re.sub(r"<[^|>]+\|([^>]+)>", r"\1", mrkdwn).replace("*", "")


def test_the_readmes_slack_example_gets_the_answer_it_shows(ruleset: Ruleset) -> None:
    text = README.read_text(encoding="utf-8")
    [command] = re.findall(r"^/compute (.+)$", text, flags=re.MULTILINE)
    after = text.split(f"/compute {command}", 1)[1]
    shown = after.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    _, parsed = read_command(command)
    assert parsed is not None
    decision = decide(parsed, ruleset)
    buttons = buttons_for(decision, parsed)
    message = decision_message(decision, command_text=command, buttons=buttons)
    lines = as_slack_shows(blocks_text(message)).splitlines()
    # Each line shown is a line of the message, in order; "..." stands for lines left out.
    rest = lines
    for line in shown:
        if line != "...":
            assert line in rest, f"the README shows {line!r}; the message has no such line after the one before"
            rest = rest[rest.index(line) + 1 :]
    assert decision.recommendation == "ecs-fargate"
    # The buttons the README names are the message's what-if buttons, and its footer counts the defaults assumed.
    [named] = re.findall(r"what-if buttons \(([^)]+)\)", after.split("\n## ", 1)[0])
    assert " ".join(named.split()).split(", ") == [
        button.label for button in buttons.buttons if button.action_id != SHARE
    ]
    assert f"{len(decision.assumptions)} defaults assumed" in lines[-2]
