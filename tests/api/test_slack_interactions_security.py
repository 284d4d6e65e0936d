"""POST /slack/interactions in process: what is refused before a press is answered, and where answers may go.

Forged, stale, replayed and unsigned presses are 401 as for the command; a signed body that is not UTF-8, is not one
button press, or names a response URL other than Slack's, is 400, and a compressed one 415; nothing is posted for any
of them.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from decider.documents import read_file
from tests.api.slack_requests import (
    INTERACTIONS,
    SECRET,
    Slack,
    SlackClient,
    button,
    interaction_body,
    signed_headers,
)

PATH = INTERACTIONS
PROBLEM = "application/problem+json"


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


def test_a_signed_body_that_is_not_utf8_is_400_saying_so_and_an_unsigned_one_401(slack: Slack) -> None:
    body = b"payload=%7B%22type%22%3A\xff%7D"
    response = slack.client.post(body, signed_headers(body), path=PATH)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:decider:problem:malformed-form"
    assert "not UTF-8 form data" in problem["detail"]
    assert problem["errors"][0]["location"] == "body"
    unsigned = slack.client.post(body, {"Content-Type": "application/x-www-form-urlencoded"}, path=PATH)
    assert unsigned.status_code == 401
    assert unsigned.json()["type"] == "urn:decider:problem:slack-signature"
    assert slack.posted == []


def test_a_signed_compressed_interaction_is_415_and_nothing_is_posted(slack: Slack) -> None:
    body = gzip.compress(interaction_body(button("what-if-0", "memory=2g")).encode())
    response = slack.client.post(body, {**signed_headers(body), "Content-Encoding": "gzip"}, path=PATH)
    assert response.status_code == 415
    assert response.json()["type"] == "urn:decider:problem:unsupported-content-encoding"
    assert response.headers["accept-encoding"] == "identity"
    assert slack.posted == []


def test_a_signed_press_sent_as_json_is_415_and_nothing_is_posted(slack: Slack) -> None:
    body = json.dumps({"payload": {"type": "block_actions"}})
    response = slack.client.post(body, {**signed_headers(body), "Content-Type": "application/json"}, path=PATH)
    assert response.status_code == 415
    assert response.json()["type"] == "urn:decider:problem:unsupported-media-type"
    assert "(got 'application/json')" in response.json()["detail"]
    assert slack.posted == []


def test_a_signed_press_giving_the_payload_twice_is_400_and_nothing_is_posted(slack: Slack) -> None:
    press = interaction_body(button("what-if-0", "memory=4g"))
    body = press + "&" + press
    response = slack.client.post(body, signed_headers(body), path=PATH)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "location": "payload",
        "message": "given more than once; Slack sends each field once",
        "suggestion": None,
    }
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
