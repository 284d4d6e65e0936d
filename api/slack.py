"""``POST /slack/commands``: the Slack slash command, answered in Block Kit, only for requests Slack signed.

Each request is checked as Slack specifies (v0 HMAC-SHA256 over ``v0:{timestamp}:{raw body}`` with the signing
secret, timestamp within five minutes, constant-time comparison, by slack_sdk's SignatureVerifier) before its form
is read for anything but an ``ssl_check`` ping. A signature already seen within those five minutes is a replay and is
refused too. Transport failures (unsigned, forged, stale, replayed: 401; no secret configured: 503) are problem+json
like the rest of the API, and so is a signed body decider cannot read (not a form: 415; not UTF-8, no ``text``
field, ``text`` or ``command`` given twice: 400; compressed: 415), told only once the signature holds; a command that
cannot be read is the user's mistake and gets a friendly ephemeral answer with status 200, as Slack expects.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from slack_sdk.signature import SignatureVerifier
from starlette.responses import Response

from api.dependencies import (
    holder_of,
    metrics_of,
    refuse_content_coding,
    refuse_other_than_form,
    ruleset_in_service,
    work_of,
)
from api.problems import ApiProblem
from api.settings import Settings
from decider.engine import decide
from decider.errors import CommandError, DeciderError, Problem
from decider.slack.actions import buttons_for
from decider.slack.blocks import decision_message, help_message, problem_message
from decider.slack.grammar import blame_tokens, read_command

WINDOW_S = 5 * 60  # Slack's limit on request age; SignatureVerifier refuses older (or further future) timestamps
MAX_FORM_FIELDS = 32  # a slash command sends about a dozen
REPLAY_CACHE_SIZE = 10_000
DEFAULT_COMMAND = "/compute"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_COMMAND_NAME = re.compile(r"/[A-Za-z0-9_\-]{1,32}")
JSON = "application/json"

router = APIRouter(include_in_schema=False)


class ReplayGuard:
    """Remembers the (timestamp, signature) pairs accepted within the signature window, to refuse a second use.

    Bounded: past ``capacity`` pairs the oldest is forgotten first. In-memory and per process, so with several
    worker processes a replay to a different worker is caught only by the five-minute window.
    """

    def __init__(self, window_s: int = WINDOW_S, capacity: int = REPLAY_CACHE_SIZE) -> None:
        self.window_s = window_s
        self.capacity = capacity
        self._expiry: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, timestamp: str, signature: str, now: float) -> bool:
        """True the first time a pair is seen (and remember it); False for a replay within the window."""
        key = (timestamp, signature)
        with self._lock:
            while self._expiry:
                oldest, expires = next(iter(self._expiry.items()))
                if expires >= now and len(self._expiry) < self.capacity:
                    break
                del self._expiry[oldest]
            if key in self._expiry:
                return False
            # A pair stays replayable until its timestamp leaves the window; remember it at least that long.
            self._expiry[key] = max(int(timestamp) + self.window_s, now) + 1
            return True

    def __len__(self) -> int:
        return len(self._expiry)


def replay_guard_of(request: Request) -> ReplayGuard:
    guard: ReplayGuard | None = getattr(request.app.state, "slack_replays", None)
    if guard is None:
        guard = ReplayGuard()
        request.app.state.slack_replays = guard
    return guard


def _unauthorized(detail: str, problem: Problem) -> ApiProblem:
    return ApiProblem(401, "slack-signature", detail, [problem], title="Slack signature rejected")


def verify(body: bytes, timestamp: str | None, signature: str | None, secret: str, now: float) -> tuple[str, str]:
    """The request's (timestamp, signature) when ``body`` carries a current, valid Slack v0 signature; else a 401."""
    if timestamp is None or signature is None:
        headers = (("X-Slack-Request-Timestamp", timestamp), ("X-Slack-Signature", signature))
        missing = ", ".join(name for name, value in headers if value is None)
        raise _unauthorized("the request is not signed by Slack", Problem("headers", f"missing {missing}"))
    # Checked here so SignatureVerifier never meets input it would raise on (int() of text, non-ASCII digests).
    if not _TIMESTAMP.fullmatch(timestamp):
        raise _unauthorized(
            "the request is not signed by Slack",
            Problem("X-Slack-Request-Timestamp", f"must be a Unix time in seconds, got {timestamp[:40]!r}"),
        )
    ahead_s = int(timestamp) - now
    if abs(ahead_s) > WINDOW_S:
        window = f"outside the {WINDOW_S // 60}-minute window a Slack signature is good for"
        if ahead_s > 0:
            detail, when = f"the request's timestamp is in the future, {window}", "ahead of"
        else:
            detail, when = f"the request is too old to trust: its timestamp is {window}", "before"
        message = f"is {abs(ahead_s):,.0f} s {when} now; at most {WINDOW_S} s either way is accepted"
        raise _unauthorized(detail, Problem("X-Slack-Request-Timestamp", message))
    if not _SIGNATURE.fullmatch(signature) or not signed(body, timestamp, signature, secret):
        raise _unauthorized(
            "the request is not signed by Slack",
            Problem("X-Slack-Signature", "does not match the body and timestamp under the configured signing secret"),
        )
    return timestamp, signature


def signed(body: bytes, timestamp: str, signature: str, secret: str) -> bool:
    """Whether ``signature`` is Slack's v0 signature of ``body`` at ``timestamp`` under ``secret``.

    slack_sdk's SignatureVerifier checks a UTF-8 body (every body Slack sends). It decodes the body first, so a body
    that is not UTF-8 is checked here with the same HMAC over its raw bytes: signed, it is answered 400 for not being
    UTF-8 form data; unsigned or forged, 401 like any other."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        base = b"v0:" + timestamp.encode("ascii") + b":" + body
        expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)
    return SignatureVerifier(secret).is_valid(body, timestamp, signature)


def not_utf8_form(body: bytes) -> ApiProblem | None:
    """The 400 for a signed body that is not UTF-8 (a form Slack sends always is); None when it is UTF-8."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return ApiProblem(
            400,
            "malformed-form",
            "the body is not UTF-8 form data: send application/x-www-form-urlencoded text in UTF-8",
            [Problem("body", f"not UTF-8: {error.reason} at byte {error.start}")],
        )
    return None


def read_form(body: bytes) -> dict[str, list[str]] | None:
    """The form's fields, each with every value given, or None when the body is not a well-formed urlencoded form."""
    try:
        return parse_qs(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError:  # also UnicodeDecodeError, and more fields than allowed
        return None


def form_value(form: dict[str, list[str]], name: str, *, missing: ApiProblem | None = None) -> str | None:
    """The one value of the form's field ``name``: None when it is absent (or ``missing`` raised), a 400 naming it
    when it is given more than once (Slack sends each field once; which value to read would be a guess)."""
    values = form.get(name)
    if values is None:
        if missing is not None:
            raise missing
        return None
    if len(values) > 1:
        raise ApiProblem(
            400,
            "malformed-form",
            f"the form gives {name} {len(values)} times",
            [Problem(name, "given more than once; Slack sends each field once")],
        )
    return values[0]


def refuse_other_than_slack_form(request: Request) -> None:
    """415 unless the signed body is declared a urlencoded form, as Slack sends every request."""
    refuse_other_than_form(request, "Slack sends every request it signs as such a form")


def signing_secret(request: Request) -> str:
    """The configured signing secret; 503 when there is none (no Slack request is then processed)."""
    settings: Settings = request.app.state.settings
    secret = settings.slack_signing_secret.get_secret_value().strip() if settings.slack_signing_secret else ""
    if not secret:
        raise ApiProblem(
            503,
            "slack-not-configured",
            "the Slack app is not configured: set SLACK_SIGNING_SECRET to the app's signing secret",
            title="Slack not configured",
        )
    return secret


def authenticate(request: Request, body: bytes, secret: str) -> None:
    """Accept ``body`` only when Slack signed it just now and it was not seen before; else a 401."""
    now = time.time()
    timestamp, signature = verify(
        body,
        request.headers.get("x-slack-request-timestamp"),
        request.headers.get("x-slack-signature"),
        secret,
        now,
    )
    if not replay_guard_of(request).first_use(timestamp, signature, now):
        raise _unauthorized(
            "the request was already answered",
            Problem("X-Slack-Signature", "this signature was used before; Slack signs each request afresh"),
        )


def message_response(payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), media_type=JSON)


@router.post("/slack/commands")
async def slack_command(request: Request) -> Response:
    """Answer a slash command: a decision, the help, or what could not be read (ephemeral unless ``share``)."""
    secret = signing_secret(request)
    body = await request.body()
    form = read_form(body)
    if form is not None and form.get("ssl_check", [""])[0] == "1":
        # Slack's certificate check carries no command and gets an empty 200: nothing is read or decided.
        return Response(status_code=200)
    authenticate(request, body, secret)  # before anything is said about the body: unsigned is 401 whatever it holds
    refuse_other_than_slack_form(request)
    refuse_content_coding(request)
    if form is None:
        raise not_utf8_form(body) or ApiProblem(
            400, "malformed-form", "the body is not an application/x-www-form-urlencoded form"
        )

    no_text = ApiProblem(
        400,
        "malformed-form",
        "the form has no text field: it is not a slash command as Slack sends one",
        [Problem("text", "missing: Slack sends the command's words in it (empty when there are none)")],
    )
    text = form_value(form, "text", missing=no_text) or ""
    command_name = form_value(form, "command") or DEFAULT_COMMAND
    if not _COMMAND_NAME.fullmatch(command_name):
        command_name = DEFAULT_COMMAND
    # Taken after the signature check, so an unsigned request learns nothing about readiness.
    ruleset = await ruleset_in_service(await holder_of(request))
    try:
        command, parsed = read_command(text)
    except CommandError as error:
        return message_response(problem_message(error, command_text=text, command_name=command_name))
    if parsed is None:
        return message_response(help_message(command_name, [target.name for target in ruleset.targets]))
    try:
        decision = await work_of(request).run(decide, parsed, ruleset)  # off the event loop, as for /recommend
    except DeciderError as error:  # e.g. no price book for the region asked: still the user's to fix
        blamed = blame_tokens(error, command)
        return message_response(problem_message(blamed, command_text=text, command_name=command_name))
    (await metrics_of(request)).count_decision(decision.recommendation)
    buttons = buttons_for(decision, parsed, shared=command.share)
    return message_response(
        decision_message(decision, share=command.share, command_text=text, command_name=command_name, buttons=buttons)
    )
