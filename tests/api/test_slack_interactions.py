"""POST /slack/interactions in process: pressing the buttons under an answer, as Slack sends the presses.

Each test first asks the slash command for an answer, then presses one of its buttons the way Slack does (see
tests/api/slack_requests.py), and reads the message decider posted to Slack's response URL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.slack.actions import COUNTERFACTUAL_BUTTONS, MAX_VALUE_CHARS
from decider.slack.blocks import limit_problems
from tests.api.slack_requests import (
    INTERACTIONS,
    Slack,
    button,
    buttons_of,
    winner_of,
)
from tests.slack.message_text import blocks_text

PATH = INTERACTIONS
PROBLEM = "application/problem+json"


def recommend(slack: Slack, workload: dict[str, Any]) -> dict[str, Any]:
    response = slack.client.portal.call(lambda: slack.client.http.post("/recommend", json=workload))
    assert response.status_code == 200, response.text
    decision: dict[str, Any] = response.json()
    return decision


def changed(workload: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A JSON workload with a counterfactual's change (dotted paths → values) written in."""
    out: dict[str, Any] = json.loads(json.dumps(workload))
    for path, value in change.items():
        *sections, leaf = path.split(".")
        target = out
        for section in sections:
            target = target.setdefault(section, {})
        target[leaf] = value
    return out


# --- what-if buttons -------------------------------------------------------------------------------------------------

PRIVILEGED_JOB = {"runtime": {"max_duration_s": 7200, "memory_mb": 4096}, "control": {"privileged": True}}


def test_each_counterfactual_button_gives_the_answer_the_engine_said_it_would(slack: Slack) -> None:
    rest = recommend(slack, PRIVILEGED_JOB)
    assert rest["counterfactuals"], "this workload has changes that move the answer"
    answer = slack.command("duration=2h memory=4g privileged")
    assert limit_problems(answer) == []
    what_ifs = [element for element in buttons_of(answer).values() if element["action_id"].startswith("what-if-")]
    shown = rest["counterfactuals"][:COUNTERFACTUAL_BUTTONS]  # the first buttons; the rest are said in the text
    assert len(what_ifs) > len(shown)  # then traffic ×10 and optimise for cost
    for counterfactual, pressed in zip(shown, what_ifs, strict=False):
        expected = recommend(slack, changed(PRIVILEGED_JOB, counterfactual["change"]))
        assert expected["recommendation"] == counterfactual["recommendation"]
        message = slack.answer_to(pressed)
        assert message["replace_original"] is True
        assert message["response_type"] == "ephemeral"
        assert limit_problems(message) == []
        assert winner_of(message) == expected["ranking"][0]["name"]
        assert f"Decided again with *{pressed['text']['text']}*" in blocks_text(message)


def test_without_privileged_containers_the_job_moves_to_fargate(slack: Slack) -> None:
    answer = slack.command("duration=2h memory=4g privileged")
    assert "EC2" in winner_of(answer)
    message = slack.answer_to(buttons_of(answer)["privileged=no"])
    assert "Fargate" in winner_of(message)
    assert "asked: `/compute duration=7200 memory=4096 privileged=no`" in blocks_text(message)


def test_traffic_times_ten_decides_again_with_ten_times_the_volume(slack: Slack) -> None:
    answer = slack.command("avg=100ms monthly=1m rps=20")
    message = slack.answer_to(buttons_of(answer)["traffic ×10"])
    assert "monthly=10000000 rps=200" in blocks_text(message)
    rest = recommend(
        slack, {"runtime": {"avg_duration_ms": 100}, "traffic": {"requests_per_month": 1e7, "peak_rps": 200}}
    )
    assert winner_of(message) == rest["ranking"][0]["name"]


def test_optimise_for_cost_decides_again_for_cost(slack: Slack) -> None:
    answer = slack.command("duration=20m memory=2g rps=50")
    message = slack.answer_to(buttons_of(answer)["optimise for cost"])
    assert "optimize=cost" in blocks_text(message)
    rest = recommend(
        slack,
        {
            "runtime": {"max_duration_s": 1200, "memory_mb": 2048},
            "traffic": {"peak_rps": 50},
            "preferences": {"optimize_for": "cost"},
        },
    )
    assert winner_of(message) == rest["ranking"][0]["name"]
    assert "optimise for cost" not in buttons_of(message)  # it is what this answer already optimises for


def test_buttons_chain_each_answer_carries_its_own(slack: Slack) -> None:
    answer = slack.command("avg=100ms monthly=1m rps=20")
    once = slack.answer_to(buttons_of(answer)["traffic ×10"])
    twice = slack.answer_to(buttons_of(once)["traffic ×10"])
    assert "monthly=100000000 rps=2000" in blocks_text(twice)
    assert "Share in channel" in buttons_of(twice)


def test_a_what_if_on_a_shared_answer_goes_to_the_presser_alone(slack: Slack) -> None:
    shared = slack.command("duration=20m memory=2g share")
    assert shared["response_type"] == "in_channel"
    assert "Share in channel" not in buttons_of(shared)
    message = slack.answer_to(buttons_of(shared)["traffic ×10"], ephemeral=False)
    assert message["response_type"] == "ephemeral"
    assert message["replace_original"] is False  # the channel's answer stays as it was


# --- share -----------------------------------------------------------------------------------------------------------


def test_share_posts_the_answer_in_the_channel_and_removes_the_private_one(slack: Slack) -> None:
    answer = slack.command("duration=20m memory=2g")
    message = slack.answer_to(buttons_of(answer)["Share in channel"])
    assert message["response_type"] == "in_channel"
    assert message["delete_original"] is True
    assert message["replace_original"] is False
    assert winner_of(message) == winner_of(answer)
    assert "Share in channel" not in buttons_of(message)
    assert "traffic ×10" in buttons_of(message)
    assert "Decided again" not in blocks_text(message)


def test_share_after_a_what_if_shares_the_changed_answer(slack: Slack) -> None:
    answer = slack.command("duration=2h memory=4g privileged")
    changed_answer = slack.answer_to(buttons_of(answer)["privileged=no"])
    shared = slack.answer_to(buttons_of(changed_answer)["Share in channel"])
    assert shared["response_type"] == "in_channel"
    assert winner_of(shared) == winner_of(changed_answer)
    assert "privileged=no" in blocks_text(shared)


# --- a button value is user input ------------------------------------------------------------------------------------


def refusal(slack: Slack, pressed: dict[str, Any]) -> str:
    """The message posted for a press decider cannot answer: only the presser sees it, and the answer stays."""
    message = slack.answer_to(pressed)
    assert message["response_type"] == "ephemeral"
    assert message["replace_original"] is False
    assert limit_problems(message) == []
    assert not buttons_of(message)
    return blocks_text(message)


def test_a_tampered_value_is_read_like_a_command_with_a_did_you_mean(slack: Slack) -> None:
    text = refusal(slack, button("what-if-0", "memroy=2g"))
    assert "unknown key 'memroy'" in text
    assert "did you mean `memory`?" in text


def test_a_value_out_of_bounds_gets_the_apis_bound_error(slack: Slack) -> None:
    assert "less than or equal to 33554432" in refusal(slack, button("what-if-1", "memory=50t"))


def test_an_oversized_value_is_refused_by_its_size(slack: Slack) -> None:
    text = refusal(slack, button("what-if-0", "memory=2g " + "x" * MAX_VALUE_CHARS))
    assert f"decider's buttons carry at most {MAX_VALUE_CHARS:,}" in text


@pytest.mark.parametrize("value", ["", "   ", "help", "\x00\x01 %%% ===", '"unclosed'])
def test_an_empty_or_garbage_value_gets_a_clear_message(slack: Slack, value: str) -> None:
    text = refusal(slack, button("what-if-0", value))
    assert "I could not answer" in text


def test_an_unknown_action_id_is_named_and_the_buttons_listed(slack: Slack) -> None:
    text = refusal(slack, button("delete-everything", "memory=2g"))
    assert "'delete-everything' is not a button decider sends" in text
    assert "what-if-N and share" in text
    assert "`/compute memory=2g`" not in text  # the value of a button decider never sent is not a command it read


def test_a_region_without_prices_is_blamed_on_its_token(slack: Slack) -> None:
    text = refusal(slack, button("what-if-0", "memory=2g region=zz-nowhere-9"))
    assert "`region=zz-nowhere-9`:" in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action_id=st.sampled_from(["what-if-0", "share", "what-if-99", "x"]) | st.text(max_size=40), value=st.text())
def test_no_button_causes_a_server_error(slack: Slack, action_id: str, value: str) -> None:
    before = len(slack.posted)
    response = slack.press(button(action_id, value))
    assert response.status_code == 200
    assert len(slack.posted) == before + 1
    message = json.loads(slack.posted[-1].content)
    assert limit_problems(message) == []
