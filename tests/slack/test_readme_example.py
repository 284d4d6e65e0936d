"""The README's Slack example: the command it shows gets the answer it shows (issue: a bad default decided silently;
the typical request is now a fifth of the limit, capped, and said)."""

from __future__ import annotations

import re
from pathlib import Path

from decider import decide
from decider.rules.model import Ruleset
from decider.slack.grammar import read_command

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_slack_example_gets_the_answer_it_shows(ruleset: Ruleset) -> None:
    text = README.read_text(encoding="utf-8")
    [command] = re.findall(r"^/compute (.+)$", text, flags=re.MULTILINE)
    shown = text.split(f"/compute {command}", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    _, parsed = read_command(command)
    assert parsed is not None
    decision = decide(parsed, ruleset)
    recommended, excluded, assumed = shown
    assert decision.summary.startswith(recommended)
    assert decision.summary.endswith(excluded)
    assert assumed.removeprefix("Assumed: ") in decision.assumptions
    assert decision.recommendation == "ecs-fargate"
