"""What routes take from a request: the rule set in service, the app's metrics, and a JSON body read strictly."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.requests import ClientDisconnect

from api.metrics import Metrics
from api.problems import ApiProblem
from api.state import RulesetHolder
from api.work import Work
from decider.documents import parse_json
from decider.errors import DocumentError
from decider.rules.model import Ruleset


async def holder_of(request: Request) -> RulesetHolder:
    holder: RulesetHolder = request.app.state.rules
    return holder


async def ruleset_in_service(holder: Annotated[RulesetHolder, Depends(holder_of)]) -> Ruleset:
    """The rule set serving this request (one reference, so a reload mid-request cannot mix two sets)."""
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    return holder.ruleset


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


async def read_json_body(request: Request) -> Any:
    """The request body as JSON data: 415 unless the content type is JSON, 400 with line and column if malformed.

    The reading itself is decider.documents.parse_json's (strict JSON); this is only what HTTP adds to it."""
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"send the body as JSON with Content-Type: application/json (got {content_type or 'no content type'})",
        )
    try:
        body = await request.body()
    except ClientDisconnect:  # gone, or closed by the body deadline (api/connections.py): nobody reads an answer
        raise ApiProblem(400, "client-disconnected", "the client closed the connection before the body ended") from None
    try:
        return parse_json(body, "body")
    except DocumentError as error:
        raise ApiProblem(400, "malformed-json", "the body is not valid JSON", error.problems) from None


RulesetDep = Annotated[Ruleset, Depends(ruleset_in_service)]
HolderDep = Annotated[RulesetHolder, Depends(holder_of)]
MetricsDep = Annotated[Metrics, Depends(metrics_of)]
