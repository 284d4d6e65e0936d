"""What routes take from a request: the rule set in service, the app's metrics, and a JSON body read strictly."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import Depends, Request

from api.metrics import Metrics
from api.problems import ApiProblem
from api.state import RulesetHolder
from decider.documents import parse_text
from decider.errors import DocumentError, Problem
from decider.rules.model import Ruleset


async def holder_of(request: Request) -> RulesetHolder:
    holder: RulesetHolder = request.app.state.rules
    return holder


async def ruleset_in_service(holder: Annotated[RulesetHolder, Depends(holder_of)]) -> Ruleset:
    """The rule set serving this request (one reference, so a reload mid-request cannot mix two sets)."""
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    return holder.ruleset


async def metrics_of(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _non_finite_at(value: Any, path: str = "body") -> str | None:
    """Where NaN or Infinity sits in parsed JSON (Python's parser takes them; JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite_at(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found:
            return found
    return None


def _malformed(location: str, message: str) -> ApiProblem:
    return ApiProblem(400, "malformed-json", "the body is not valid JSON", [Problem(location, message)])


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
        data = parse_text(body.decode("utf-8"), "body", json_only=True)
    except UnicodeDecodeError as error:
        raise _malformed("body", f"not UTF-8: {error.reason} at byte {error.start}") from None
    except DocumentError as error:  # syntax errors and keys given twice, with the line
        raise _malformed(error.problem.location, error.problem.message) from None
    except RecursionError:
        raise _malformed("body", "nested too deeply") from None
    except ValueError as error:  # integers longer than Python will convert
        raise _malformed("body", str(error)) from None
    non_finite = _non_finite_at(data)
    if non_finite:
        raise _malformed(non_finite, "NaN and Infinity are not JSON numbers")
    return data


RulesetDep = Annotated[Ruleset, Depends(ruleset_in_service)]
HolderDep = Annotated[RulesetHolder, Depends(holder_of)]
MetricsDep = Annotated[Metrics, Depends(metrics_of)]
