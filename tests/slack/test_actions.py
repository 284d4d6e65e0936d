"""The buttons under a Slack answer: what each one carries, how it reads back, and what is refused on the way back."""

from __future__ import annotations

import pytest

from decider.advice import apply
from decider.engine import decide
from decider.errors import CommandError
from decider.rules.model import Ruleset
from decider.slack.actions import (
    MAX_LABEL_CHARS,
    MAX_VALUE_CHARS,
    SHARE,
    Button,
    Buttons,
    buttons_for,
    label_of,
    read_press,
)
from decider.slack.blocks import decision_message, limit_problems
from decider.slack.grammar import read_command
from decider.workload import ParsedWorkload, parse_workload


def _read(text: str) -> ParsedWorkload:
    _, parsed = read_command(text)
    assert parsed is not None
    return parsed


def test_every_what_if_button_reads_back_as_the_workload_with_its_change(ruleset: Ruleset) -> None:
    parsed = _read('duration=2h memory=4g privileged name="batch export"')
    decision = decide(parsed, ruleset)
    assert parsed.given is not None
    buttons = buttons_for(decision, parsed).buttons
    changes = [dict(item.change) for item in decision.counterfactuals[:3]]
    # Ten times the assumed 1,000,000; the peak assumed from it follows it, and is not written into the command
    changes.append({"traffic.requests_per_month": 10_000_000.0})
    changes.append({"preferences.optimize_for": "cost"})
    what_ifs = [button for button in buttons if button.action_id != SHARE]
    assert [button.action_id for button in what_ifs] == [f"what-if-{place}" for place in range(len(changes))]
    for button, change in zip(what_ifs, changes, strict=True):
        assert _read(button.value).given == apply(parsed.given, change)
    [share] = [button for button in buttons if button.action_id == SHARE]
    assert _read(share.value).given == parsed.given
    assert 'name="batch export"' in share.value


def test_traffic_times_ten_scales_a_given_peak_and_leaves_an_assumed_one_to_follow(ruleset: Ruleset) -> None:
    for text, change in (
        ("monthly=1m rps=20", {"traffic.requests_per_month": 10_000_000.0, "traffic.peak_rps": 200.0}),
        ("monthly=1m", {"traffic.requests_per_month": 10_000_000.0}),
    ):
        parsed = _read(text)
        buttons = buttons_for(decide(parsed, ruleset), parsed).buttons
        [times_ten] = [button for button in buttons if button.label == "traffic ×10"]
        assert parsed.given is not None
        assert _read(times_ten.value).given == apply(parsed.given, change), text
        assert ("rps=" in times_ten.value) is ("traffic.peak_rps" in change), times_ten.value


def test_a_shared_answer_gets_no_share_button(ruleset: Ruleset) -> None:
    parsed = _read("memory=2g")
    actions = [button.action_id for button in buttons_for(decide(parsed, ruleset), parsed, shared=True).buttons]
    assert SHARE not in actions
    assert actions


def test_no_change_is_offered_twice_and_cost_is_not_offered_when_already_asked(ruleset: Ruleset) -> None:
    parsed = _read("memory=2g rps=50 optimize=cost")
    buttons = buttons_for(decide(parsed, ruleset), parsed).buttons
    labels = [button.label for button in buttons]
    assert "optimise for cost" not in labels
    assert len({button.value for button in buttons if button.action_id != SHARE}) == len(buttons) - 1


def test_traffic_times_ten_past_the_contracts_bound_is_not_offered(ruleset: Ruleset) -> None:
    parsed = _read("monthly=5e12 rps=5m")  # ten times either is past its bound (1e13 a month, 10 million a second)
    labels = [button.label for button in buttons_for(decide(parsed, ruleset, advice=False), parsed).buttons]
    assert "traffic ×10" not in labels
    assert "optimise for cost" in labels


def test_a_workload_too_long_for_a_button_gets_none_and_the_answer_says_so(ruleset: Ruleset) -> None:
    parsed = parse_workload(
        {"control": {"instance_types": [f"family{number}-of-longer-name" for number in range(200)]}}
    )
    decision = decide(parsed, ruleset, advice=False)
    buttons = buttons_for(decision, parsed)
    assert buttons.buttons == ()
    assert buttons.left_out == 3  # traffic ×10, optimise for cost, share
    message = decision_message(decision, buttons=buttons)
    assert limit_problems(message) == []
    assert not [block for block in message["blocks"] if block["type"] == "actions"]
    texts = [element["text"] for block in message["blocks"] for element in block.get("elements", [])]
    assert f"3 buttons left out: this workload's command is longer than the {MAX_VALUE_CHARS:,}" in " ".join(texts)


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"control.privileged": True}, "needs privileged containers"),
        ({"control.privileged": False}, "privileged=no"),
        ({"preferences.optimize_for": "cost"}, "optimise for cost"),
        ({"traffic.requests_per_month": 10_000_000.0}, "monthly ×10"),
        ({"traffic.requests_per_month": 100_000.0}, "monthly ÷10"),
        ({"traffic.requests_per_month": 21_000_000.0}, "monthly=21M"),
        ({"runtime.max_duration_s": 900.0, "control.privileged": False}, "duration=900, privileged=no"),
        ({"runtime.architecture": "arm64"}, "arch=arm64"),
        ({"team.kubernetes_experience": "expert"}, "k8s=expert"),
    ],
)
def test_a_change_is_labelled_in_the_words_of_the_command(change: dict[str, object], label: str) -> None:
    assert label_of(change, _read("monthly=1m privileged")) == label


def test_read_press_takes_what_decider_sends() -> None:
    assert read_press("what-if-3", "memory=2g").share is False
    assert read_press("what-if-3", "memory=2g").text == "memory=2g"
    assert read_press(SHARE, "memory=2g").share is True


@pytest.mark.parametrize(
    ("action_id", "value", "said"),
    [
        ("what-if-", "memory=2g", "is not a button decider sends"),
        ("what-if-123", "memory=2g", "is not a button decider sends"),
        ("what-if-٣", "memory=2g", "is not a button decider sends"),  # a digit, but not an ASCII one
        ("Share", "memory=2g", "is not a button decider sends"),
        ("x" * 300, "memory=2g", "'" + "x" * 40 + "…'"),
        ("what-if-0", "m" * (MAX_VALUE_CHARS + 1), "is 2,001 characters long; decider's buttons carry at most 2,000"),
        ("share", "  ", "is empty"),
    ],
)
def test_read_press_refuses_what_decider_never_sends(action_id: str, value: str, said: str) -> None:
    with pytest.raises(CommandError) as caught:
        read_press(action_id, value)
    assert said in str(caught.value.problems[0])


def test_limit_problems_checks_the_buttons() -> None:
    long_label = Button("what-if-0", "x" * (MAX_LABEL_CHARS + 1), "memory=2g")
    message = {
        "text": "t",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": long_label.label}},
                    {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "ok"}, "value": "v"},
                    {"type": "button", "action_id": "", "text": {"type": "plain_text", "text": "ok"}},
                    {
                        "type": "button",
                        "action_id": "b",
                        "text": {"type": "plain_text", "text": "ok"},
                        "value": "v" * (MAX_VALUE_CHARS + 1),
                    },
                ],
            },
            {"type": "actions", "elements": []},
        ],
    }
    problems = limit_problems(message)
    assert "block 0 (actions): button text over 75 characters" in problems
    assert "block 0 (actions): action_ids repeat; each must be unique in its block" in problems
    assert "block 0 (actions): action_id must have 1 to 255 characters" in problems
    assert "block 0 (actions): button value over 2000 characters" in problems
    assert "block 1 (actions): 0 elements; 1 to 25" in problems
    assert Buttons().buttons == ()
