"""Requests as Slack sends them, for the Slack routes' tests: signed with the real v0 scheme, posted in process.

Button presses go to ``/slack/interactions`` as a signed form whose ``payload`` field holds the block_actions JSON;
Slack's response URL is served by an httpx MockTransport that records what decider posts, so no request leaves the
process.

Requests are signed here with the real algorithm (HMAC-SHA256 over ``v0:{timestamp}:{raw body}``), computed with
hmac and hashlib rather than slack_sdk, so the routes are checked against the scheme and not against themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlencode

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105 - a test secret, signs only in-process requests
COMMANDS = "/slack/commands"
INTERACTIONS = "/slack/interactions"
RESPONSE_URL = "https://hooks.slack.com/actions/T0001/6789/zGxVr4fTq0mFhOsYQJ2b"
FORM = "application/x-www-form-urlencoded"
_nonce = itertools.count()


class SlackClient:
    """Posts to an app in process (lifespan run, so the rules are loaded) from a blocking test."""

    def __init__(self, app: FastAPI) -> None:
        self._stack = ExitStack()
        self.portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())
        self._stack.enter_context(self.portal.wrap_async_context_manager(app.router.lifespan_context(app)))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        self.app = app

    def post(self, body: str | bytes, headers: dict[str, str] | None = None, path: str = COMMANDS) -> httpx.Response:
        return self.portal.call(lambda: self.http.post(path, content=body, headers=headers or {}))

    def get(self, url: str) -> httpx.Response:
        return self.portal.call(lambda: self.http.get(url))

    def close(self) -> None:
        self.portal.call(self.http.aclose)
        self._stack.close()


def signature_for(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(body: str | bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature_for(raw, stamp, secret),
    }


def trigger_id() -> str:
    """A fresh trigger id: it makes every body (and so every signature) unique."""
    return f"13345224609.738474920.{next(_nonce)}"


def command_body(text: str, **extra: str) -> str:
    """A slash command's form as Slack sends it."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "channel_id": "C2147483705",
        "user_id": "U2147483697",
        "command": "/compute",
        "text": text,
        "response_url": "https://hooks.slack.com/commands/1234/5678",
        "trigger_id": trigger_id(),
    }
    fields.update(extra)
    return urlencode(fields)


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
        return self.client.post(body, signed_headers(body), path=INTERACTIONS)

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
