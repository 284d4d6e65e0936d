"""Requests as Slack sends them, for the Slack routes' tests: signed with the real v0 scheme, posted in process.

Requests are signed here with the real algorithm (HMAC-SHA256 over ``v0:{timestamp}:{raw body}``), computed with
hmac and hashlib rather than slack_sdk, so the routes are checked against the scheme and not against themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from contextlib import ExitStack
from urllib.parse import urlencode

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105 - a test secret, signs only in-process requests
COMMANDS = "/slack/commands"
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
