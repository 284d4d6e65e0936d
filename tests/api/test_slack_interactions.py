"""POST /slack/interactions in process: button presses as Slack sends them, signed, and what decider posts back.

Each test first asks the slash command for an answer, then presses one of that answer's buttons the way Slack does:
a signed form whose ``payload`` field holds the block_actions JSON. Slack's response URL is served by an httpx
MockTransport that records what decider posts, so no request leaves the process.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from decider.documents import read_file
from decider.slack.actions import MAX_VALUE_CHARS
from decider.slack.blocks import limit_problems
from tests.api.slack_requests import SECRET, SlackClient, command_body, signed_headers, trigger_id
from tests.slack.message_text import blocks_text

PATH = "/slack/interactions"
RESPONSE_URL = "https://hooks.slack.com/actions/T0001/6789/zGxVr4fTq0mFhOsYQJ2b"
PROBLEM = "application/problem+json"


class Slack:
    """The app, and a stand-in for Slack's response URLs that records every message decider posts to them."""

    def __init__(self, client: SlackClient) -> None:
        self.client = client
        self.posted: list[httpx.Request] = []
        self.status = 200
        client.app.state.slack_transport = httpx.MockTransport(self._receive)

    def _receive(self, request: httpx.Request) -> httpx.Response:
        self.posted.append(request)
        return httpx.Response(self.status, text="ok")

    def command(self, text: str) -> dict[str, Any]:
        body = command_body(text)
        response = self.client.post(body, signed_headers(body))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def press(self, button: dict[str, Any], **options: Any) -> httpx.Response:
        body = interaction_body(button, **options)
        return self.client.post(body, signed_headers(body), path=PATH)

    def answer_to(self, button: dict[str, Any], **options: Any) -> dict[str, Any]:
        """Press a button; the one message decider posted to the response URL for it."""
        before = len(self.posted)
        response = self.press(button, **options)
        assert response.status_code == 200, response.text
        assert response.content == b""  # the press is acknowledged empty; the answer goes to the response URL
        [request] = self.posted[before:]
        assert str(request.url) == options.get("response_url", RESPONSE_URL)
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/json"
        message: dict[str, Any] = json.loads(request.content)
        return message


def interaction_body(
    button: dict[str, Any],
    *,
    ephemeral: bool = True,
    response_url: str = RESPONSE_URL,
    payload: dict[str, Any] | None = None,
) -> str:
    """A block_actions interaction as Slack sends it for a press of ``button`` (a button element of an answer)."""
    sent: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U2147483697", "username": "ana", "name": "ana", "team_id": "T0001"},
        "api_app_id": "A0123456789",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1548261231.000200",
            "channel_id": "C2147483705",
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id(),
        "team": {"id": "T0001", "domain": "example"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": "C2147483705", "name": "platform"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "block_id": "aB3=",
                "action_id": button["action_id"],
                "text": button["text"],
                "value": button.get("value", ""),
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if payload is not None:
        sent.update(payload)
    return urlencode({"payload": json.dumps(sent)})


def buttons_of(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An answer's buttons by their text."""
    actions = [block for block in answer["blocks"] if block["type"] == "actions"]
    return {element["text"]["text"]: element for block in actions for element in block["elements"]}


def winner_of(answer: dict[str, Any]) -> str:
    ranking = next(block for block in answer["blocks"] if block["type"] == "section" and "fields" in block)
    first: str = ranking["fields"][0]["text"]
    return first.removeprefix("*1. ").partition("*")[0]


def button(action_id: str, value: str, label: str = "a change") -> dict[str, Any]:
    return {"action_id": action_id, "value": value, "text": {"type": "plain_text", "text": label}}


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Slack]:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    client = SlackClient(create_app(Settings()))
    yield Slack(client)
    client.close()


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
    for counterfactual, pressed in zip(rest["counterfactuals"], what_ifs, strict=False):
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


# --- signatures and replays ------------------------------------------------------------------------------------------


def test_a_forged_interaction_is_401_and_nothing_is_posted(slack: Slack) -> None:
    body = interaction_body(button("what-if-0", "memory=2g"))
    response = slack.client.post(body, signed_headers(body, secret="not-the-secret"), path=PATH)  # noqa: S106
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:decider:problem:slack-signature"
    assert slack.posted == []


def test_an_interaction_changed_after_signing_is_401(slack: Slack) -> None:
    body = interaction_body(button("what-if-0", "memory=2g"))
    headers = signed_headers(body)
    tampered = body.replace("memory%3D2g", "memory%3D8g")
    assert tampered != body
    assert slack.client.post(tampered, headers, path=PATH).status_code == 401
    assert slack.posted == []


def test_a_replayed_interaction_is_401_and_answered_once(slack: Slack) -> None:
    body = interaction_body(button("what-if-0", "memory=2g"))
    headers = signed_headers(body)
    assert slack.client.post(body, headers, path=PATH).status_code == 200
    replay = slack.client.post(body, headers, path=PATH)
    assert replay.status_code == 401
    assert "already answered" in replay.json()["detail"]
    assert len(slack.posted) == 1


def test_a_stale_interaction_is_401(slack: Slack) -> None:
    body = interaction_body(button("what-if-0", "memory=2g"))
    response = slack.client.post(body, signed_headers(body, timestamp=int(time.time()) - 6 * 60), path=PATH)
    assert response.status_code == 401
    assert "too old" in response.json()["detail"]
    assert slack.posted == []


def test_an_unsigned_interaction_is_401(slack: Slack) -> None:
    body = interaction_body(button("what-if-0", "memory=2g"))
    response = slack.client.post(body, {"Content-Type": "application/x-www-form-urlencoded"}, path=PATH)
    assert response.status_code == 401
    assert slack.posted == []


def test_api_keys_do_not_apply_slack_signs_its_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("DECIDER_API_KEYS", "k-0123456789")
    client = SlackClient(create_app(Settings()))
    try:
        slack = Slack(client)
        assert slack.client.portal.call(lambda: client.http.post("/recommend", json={})).status_code == 401
        message = slack.answer_to(button("what-if-0", "memory=2g"))
        assert message["replace_original"] is True
    finally:
        client.close()


def test_without_a_signing_secret_interactions_are_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    client = SlackClient(create_app(Settings()))
    try:
        body = interaction_body(button("what-if-0", "memory=2g"))
        response = client.post(body, signed_headers(body), path=PATH)
        assert response.status_code == 503
        assert "SLACK_SIGNING_SECRET" in response.json()["detail"]
    finally:
        client.close()


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


# --- what decider will and will not post to -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/actions/T0001/1/x",
        "http://hooks.slack.com/actions/T0001/1/x",
        "https://hooks.slack.com.evil.example/actions/T0001/1/x",
        "https://hooks.slack.com@evil.example/actions/T0001/1/x",
        "https://evil.example\\@hooks.slack.com/actions/T0001/1/x",
        "https://hooks.slack.com:8443/actions/T0001/1/x",
        "https://user:pass@hooks.slack.com/actions/T0001/1/x",
        "https://hooks.slack.com /actions",
        "file:///etc/passwd",
        "",
    ],
)
def test_a_signed_payload_cannot_make_decider_post_anywhere_but_slack(slack: Slack, url: str) -> None:
    response = slack.press(button("what-if-0", "memory=2g"), response_url=url)
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:decider:problem:slack-payload"
    assert problem["errors"][0]["location"] == "response_url"
    assert "https://hooks.slack.com/" in problem["errors"][0]["message"]
    assert slack.posted == []


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ("token=x", "payload"),
        (urlencode({"payload": "{not json"}), "payload"),
        (urlencode({"payload": "[" * 100_000 + "]" * 100_000}), "payload"),
        (urlencode({"payload": json.dumps({"type": "view_submission"})}), "payload.type"),
        (urlencode({"payload": json.dumps(["block_actions"])}), "payload.type"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}), "payload.response_url"),
    ],
)
def test_a_signed_body_that_is_not_a_button_press_is_400(slack: Slack, body: str, location: str) -> None:
    response = slack.client.post(body, signed_headers(body), path=PATH)
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == location
    assert slack.posted == []


def test_a_press_of_two_actions_at_once_is_400(slack: Slack) -> None:
    one = button("what-if-0", "memory=2g")
    body = interaction_body(one, payload={"actions": [one, one]})
    response = slack.client.post(body, signed_headers(body), path=PATH)
    assert response.status_code == 400
    assert "has 2 actions" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("failure", ["status", "network"])
def test_a_response_url_that_fails_is_logged_and_the_press_still_acknowledged(
    slack: Slack, failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to Slack", request=request)

    slack.status = 404
    if failure == "network":
        slack.client.app.state.slack_transport = httpx.MockTransport(broken)
    with caplog.at_level(logging.WARNING, logger="decider.api"):
        response = slack.press(button("what-if-0", "memory=2g"))
    assert response.status_code == 200
    said = "HTTP 404" if failure == "status" else "ConnectError"
    assert any(said in record.getMessage() for record in caplog.records)


# --- the app's surface -----------------------------------------------------------------------------------------------


def test_the_route_is_kept_out_of_the_public_openapi_document(slack: Slack) -> None:
    document = slack.client.get("/openapi.json").json()
    assert PATH not in document["paths"]


def test_the_slack_app_manifest_sends_interactions_to_this_route() -> None:
    manifest = read_file(Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml")
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"] == f"https://YOUR-HOST{PATH}"
