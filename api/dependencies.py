"""What routes take from a request: the rule set in service, the app's metrics, and a JSON body read strictly."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from starlette.requests import ClientDisconnect

from api.answers import Answers
from api.metrics import Metrics
from api.problems import ApiProblem
from api.state import RulesetHolder
from api.work import Work
from decider.documents import parse_json
from decider.errors import DocumentError, Problem, nearest, quoted
from decider.rules.model import Ruleset


async def known_query(request: Request) -> None:
    """A query parameter the route does not take, or one given twice, is a 422 naming it: a typo (``?categroy=``)
    or a second value would otherwise be answered as if nothing, or only the last, had been asked."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    allowed = _query_names(dependant) if isinstance(dependant, Dependant) else []
    problems = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in allowed:
            valid = ", ".join(allowed) if allowed else "none (this route takes no query parameters)"
            problems.append(
                Problem(f"query.{name}", f"unknown query parameter; valid here: {valid}", nearest(name, allowed))
            )
        elif len(request.query_params.getlist(name)) > 1:
            problems.append(Problem(f"query.{name}", "given more than once; give it once"))
    if problems:
        raise ApiProblem(422, "invalid-query", "the query is not valid", problems)


def _query_names(dependant: Dependant) -> list[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = [param.alias for param in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_names(sub)
    return names


async def holder_of(request: Request) -> RulesetHolder:
    holder: RulesetHolder = request.app.state.rules
    return holder


async def ruleset_in_service(holder: Annotated[RulesetHolder, Depends(holder_of)]) -> Ruleset:
    """The rule set serving this request (one reference, so a reload mid-request cannot mix two sets)."""
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    return holder.ruleset


def answers_of(request: Request) -> Answers:
    """The decisions this worker keeps for repeated /recommend bodies (api/answers.py)."""
    answers: Answers = request.app.state.answers
    return answers


def work_of(request: Request) -> Work:
    """Where the app runs CPU work: worker threads, batches bounded (api/work.py)."""
    work: Work = request.app.state.work
    return work


async def metrics_of(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


#: The content codings decider reads a body in: identity, the body as is. Nothing is decompressed (a gzip body would
#: otherwise be read as malformed text).
ACCEPTED_CODINGS = ("identity",)


def refuse_content_coding(request: Request) -> None:
    """415 naming the coding unless the body comes as is: no Content-Encoding, or ``identity`` (RFC 9110 8.4).

    The answer carries ``Accept-Encoding: identity``, which says so to the client (RFC 9110 12.5.3)."""
    sent = ", ".join(request.headers.getlist("content-encoding"))
    codings = [coding.strip().lower() for coding in sent.split(",")]
    if all(coding in ("", *ACCEPTED_CODINGS) for coding in codings):
        return
    accepted = ", ".join(ACCEPTED_CODINGS)
    raise ApiProblem(
        415,
        "unsupported-content-encoding",
        f"the body is sent with Content-Encoding {quoted(sent.strip())}; decider accepts only {accepted}: send the "
        "body uncompressed, without Content-Encoding",
        [Problem("Content-Encoding", f"got {quoted(sent.strip())}; accepted: {accepted}, or no Content-Encoding")],
        headers={"Accept-Encoding": accepted},
    )


#: The body of an HTML form post, and of everything Slack posts.
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def refuse_other_than_form(request: Request, advice: str) -> None:
    """415 naming the content type unless the body is declared a urlencoded form; ``advice`` (a clause) says where
    else such a body goes, or who sends the form."""
    content_type = request.headers.get("content-type")
    if (content_type or "").split(";", 1)[0].strip().lower() == FORM_MEDIA_TYPE:
        return
    got = quoted(content_type) if content_type else "no content type"
    raise ApiProblem(
        415,
        "unsupported-media-type",
        f"this route takes a form posted as {FORM_MEDIA_TYPE} (got {got}); {advice}",
        [Problem("Content-Type", f"got {got}; accepted: {FORM_MEDIA_TYPE}")],
    )


async def read_json_body(request: Request, *, finite: bool = True) -> Any:
    """The request body as JSON data: 415 unless the content type is JSON and the body is not encoded (compressed),
    400 if it is empty or malformed (with line and column)."""
    return json_of(await read_body(request), finite=finite)


async def read_body(request: Request) -> bytes:
    """The request body's bytes, as ``read_json_body`` reads them before parsing: 415 unless the content type is JSON
    and the body is not encoded (compressed), 400 if it is empty."""
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"send the body as JSON with Content-Type: application/json (got {content_type or 'no content type'})",
        )
    refuse_content_coding(request)
    try:
        body = await request.body()
    except ClientDisconnect:  # gone, or closed by the body deadline (api/connections.py): nobody reads an answer
        raise ApiProblem(400, "client-disconnected", "the client closed the connection before the body ended") from None
    if not body.strip():
        raise ApiProblem(
            400,
            "malformed-json",
            "the body is empty",
            [Problem("body", "empty: send a JSON object ({} for a workload of defaults)")],
        )
    return body


def json_of(body: bytes, *, finite: bool = True) -> Any:
    """``body`` read as strict JSON (decider.documents.parse_json, ``finite`` passed on); 400 with line and column if
    malformed."""
    try:
        return parse_json(body, "body", finite=finite)
    except DocumentError as error:
        raise ApiProblem(400, "malformed-json", "the body is not valid JSON", error.problems) from None


RulesetDep = Annotated[Ruleset, Depends(ruleset_in_service)]
HolderDep = Annotated[RulesetHolder, Depends(holder_of)]
MetricsDep = Annotated[Metrics, Depends(metrics_of)]
