"""``POST /slack/interactions``: Slack's interactivity endpoint, for the buttons under an answer.

Signed and replay-checked exactly as the slash command (``authenticate`` in api/slack.py): unsigned, forged, stale or
replayed requests get 401; a signed body that is not a form gets 415, one that is not UTF-8 or gives ``payload``
twice 400, a compressed one 415. The body is a form whose ``payload`` field holds Slack's JSON; decider reads a
``block_actions`` payload with one button press. The
press is acknowledged at once with an empty 200, as Slack asks of button presses, and the new answer is posted to the
payload's ``response_url``: a what-if answer replaces the ephemeral answer its button was on (or goes to the presser
alone when the button was on a shared answer); "Share in channel" posts the answer in the channel and deletes the
ephemeral one. A button's value is user input: it is read as a new command would be, and what cannot be read is
answered with a message to the presser, the original kept.

Only ``https://hooks.slack.com/…`` response URLs are posted to (no other host, port, user info or scheme), so even
a payload signed with a leaked secret cannot make decider send a request anywhere else; a payload without one is 400.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.background import BackgroundTask
from starlette.responses import Response

from api.dependencies import holder_of, metrics_of, refuse_content_coding, ruleset_in_service, work_of
from api.problems import ApiProblem
from api.slack import (
    authenticate,
    form_value,
    not_utf8_form,
    read_form,
    refuse_other_than_slack_form,
    signing_secret,
)
from decider.engine import decide
from decider.errors import CommandError, DeciderError, Problem
from decider.slack.actions import MAX_LABEL_CHARS, buttons_for, read_press
from decider.slack.blocks import Message, decision_message, problem_message
from decider.slack.grammar import blame_tokens, read_command
from decider.slack.mrkdwn import escape, fit

RESPONSE_URL_HOSTS = frozenset({"hooks.slack.com"})
MAX_RESPONSE_URL_CHARS = 1000
POST_TIMEOUT_S = 5.0
MAX_SHOWN_VALUE = 200  # of a button value that could not be read, echoed back to the presser
_PRINTABLE = re.compile(r"[!-~]+")  # printable ASCII, no spaces or control characters

router = APIRouter(include_in_schema=False)
log = logging.getLogger("decider.api")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Text(_Frozen):
    text: str = ""


class _Action(_Frozen):
    action_id: str = ""
    value: str = ""
    text: _Text = _Text()


class _Container(_Frozen):
    is_ephemeral: bool = False


class Interaction(_Frozen):
    """The parts of a ``block_actions`` payload decider reads."""

    type: str
    actions: tuple[_Action, ...]
    response_url: str
    container: _Container = _Container()


def _bad_payload(problem: Problem) -> ApiProblem:
    return ApiProblem(400, "slack-payload", "the body is not a Slack block_actions payload decider answers", [problem])


def response_url_problem(url: str) -> Problem | None:
    """Why ``url`` is not a Slack response URL decider may post to (None when it is one)."""
    allowed = f"an https://{'|'.join(sorted(RESPONSE_URL_HOSTS))}/… URL"
    if len(url) > MAX_RESPONSE_URL_CHARS or not _PRINTABLE.fullmatch(url):
        return Problem("response_url", f"must be {allowed} of printable ASCII, at most {MAX_RESPONSE_URL_CHARS}")
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc.lower() not in RESPONSE_URL_HOSTS or not parts.path.startswith("/"):
        return Problem("response_url", f"must be {allowed}, got {url[:80]!r}")
    return None


def read_interaction(body: bytes) -> Interaction:
    """The payload of a signed interaction request; a 400 for anything but one button press with a Slack URL."""
    form = read_form(body)
    if form is None and (not_utf8 := not_utf8_form(body)) is not None:
        raise not_utf8
    missing = _bad_payload(Problem("payload", "missing: Slack sends the interaction as a form field named payload"))
    if form is None:
        raise missing
    payload = form_value(form, "payload", missing=missing) or ""
    try:
        raw = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise _bad_payload(Problem("payload", "is not JSON")) from None
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind != "block_actions":
        raise _bad_payload(Problem("payload.type", f"is {str(kind)[:40]!r}; decider answers only block_actions"))
    try:
        interaction = Interaction.model_validate(raw)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"])
        raise _bad_payload(Problem(f"payload.{where}", error.errors()[0]["msg"])) from None
    if len(interaction.actions) != 1:
        raise _bad_payload(Problem("payload.actions", f"has {len(interaction.actions)} actions; a press sends one"))
    problem = response_url_problem(interaction.response_url)
    if problem is not None:
        raise _bad_payload(problem)
    return interaction


async def _answer(request: Request, interaction: Interaction) -> Message:
    """The message for the press: the new decision, shared or not, or why the button could not be answered."""
    action = interaction.actions[0]
    ephemeral = interaction.container.is_ephemeral
    keep = {"response_type": "ephemeral", "replace_original": False}
    ruleset = await ruleset_in_service(await holder_of(request))
    try:
        press = read_press(action.action_id, action.value)
    except CommandError as error:  # not a button decider sent: its value is no command to show
        return {**problem_message(error), **keep}
    try:
        command, parsed = read_command(press.text)
        if parsed is None:
            raise CommandError(
                [Problem("value", "carries no workload; decider's buttons carry the command they decide")]
            )
    except CommandError as error:
        return {**problem_message(error, command_text=action.value[:MAX_SHOWN_VALUE]), **keep}
    try:
        decision = await work_of(request).run(decide, parsed, ruleset)  # off the event loop, as for /recommend
    except DeciderError as error:  # e.g. no price book for the region: the workload's to fix, as for a command
        return {**problem_message(blame_tokens(error, command), command_text=press.text), **keep}
    (await metrics_of(request)).count_decision(decision.recommendation)
    if press.share:
        message = decision_message(
            decision, share=True, command_text=press.text, buttons=buttons_for(decision, parsed, shared=True)
        )
        return {**message, "replace_original": False, "delete_original": ephemeral}
    label = escape(fit(action.text.text, MAX_LABEL_CHARS)) or "a change"
    message = decision_message(
        decision,
        command_text=press.text,
        buttons=buttons_for(decision, parsed),
        note=f":arrows_counterclockwise: Decided again with *{label}*",
    )
    return {**message, "replace_original": ephemeral} if ephemeral else {**message, **keep}


async def post_response(url: str, message: Message, transport: httpx.AsyncBaseTransport | None) -> None:
    """Post the answer to Slack's response URL; a failure is logged (the press was already acknowledged)."""
    try:
        async with httpx.AsyncClient(transport=transport, timeout=POST_TIMEOUT_S, follow_redirects=False) as client:
            response = await client.post(url, json=message)
        if response.status_code >= 300:
            log.warning("Slack refused the answer posted to its response_url: HTTP %s", response.status_code)
    except httpx.HTTPError as error:
        log.warning("could not post the answer to Slack's response_url: %s", type(error).__name__)


@router.post("/slack/interactions")
async def slack_interaction(request: Request) -> Response:
    """Answer a button press on a decider answer: acknowledge it, then post the new answer to its response URL."""
    secret = signing_secret(request)
    body = await request.body()
    authenticate(request, body, secret)
    refuse_other_than_slack_form(request)
    refuse_content_coding(request)
    interaction = read_interaction(body)
    message = await _answer(request, interaction)
    transport: httpx.AsyncBaseTransport | None = getattr(request.app.state, "slack_transport", None)
    return Response(
        status_code=200, background=BackgroundTask(post_response, interaction.response_url, message, transport)
    )
