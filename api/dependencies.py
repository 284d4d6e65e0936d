"""What routes take from a request: the rule set in service, the app's metrics, and a JSON body read strictly."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

from fastapi import Depends, Request

from api.metrics import Metrics
from api.problems import ApiProblem
from api.state import RulesetHolder
from decider.errors import Problem
from decider.rules import Ruleset


def holder_of(request: Request) -> RulesetHolder:
    holder: RulesetHolder = request.app.state.rules
    return holder


def ruleset_in_service(holder: Annotated[RulesetHolder, Depends(holder_of)]) -> Ruleset:
    """The rule set serving this request (one reference, so a reload mid-request cannot mix two sets)."""
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    return holder.ruleset


def metrics_of(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON (numbers must be finite)")


async def read_json_body(request: Request) -> Any:
    """The request body as JSON data: 415 unless the content type is JSON, 400 with line and column if malformed."""
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"send the body as JSON with Content-Type: application/json (got {content_type or 'no content type'})",
        )
    body = await request.body()
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        where = f"body:{error.lineno}:{error.colno}"
        raise ApiProblem(400, "malformed-json", "the body is not valid JSON", [Problem(where, error.msg)]) from None
    except (ValueError, RecursionError) as error:
        # Non-UTF-8 bytes, NaN/Infinity, over-long integers, nesting deeper than the parser's stack.
        message = str(error) if isinstance(error, ValueError) else "nested too deeply"
        raise ApiProblem(400, "malformed-json", "the body is not valid JSON", [Problem("body", message)]) from None


RulesetDep = Annotated[Ruleset, Depends(ruleset_in_service)]
HolderDep = Annotated[RulesetHolder, Depends(holder_of)]
MetricsDep = Annotated[Metrics, Depends(metrics_of)]
