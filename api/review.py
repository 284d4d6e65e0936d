"""``POST /review``: verdicts (keep, consider, move) for named workloads and where they run now, for review bots."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.dependencies import RulesetDep, read_json_body, work_of
from api.problems import ApiProblem, problem_responses
from decider.errors import WorkloadError
from decider.mcp import review_items
from decider.review import MAX_REVIEW_ITEMS, Review, ReviewRequestItem, review_request
from decider.rules.model import Ruleset

router = APIRouter(tags=["review"])


def _item_schema() -> dict[str, Any]:
    schema = ReviewRequestItem.model_json_schema()
    schema["properties"]["workload"] = {
        "$ref": "#/components/schemas/Workload",
        "description": "The workload, as in the Workload schema (every field optional).",
    }
    return schema


REVIEW_EXAMPLE = {
    "workloads": [
        {
            "name": "report-builder",
            "current_target": "lambda",
            "workload": {"runtime": {"max_duration_s": 2400}, "traffic": {"pattern": "scheduled"}},
        },
        {"name": "storefront", "current_platform": "eks", "workload": {"traffic": {"pattern": "steady"}}},
    ]
}


@router.post(
    "/review",
    operation_id="review",
    summary="Review where named workloads run now: keep, consider or move",
    response_model=Review,
    responses=problem_responses(400, 401, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["workloads"],
                        "additionalProperties": False,
                        "properties": {
                            "workloads": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": MAX_REVIEW_ITEMS,
                                "items": _item_schema(),
                            }
                        },
                    },
                    "examples": {
                        "two-workloads": {"summary": "A Lambda and an EKS Deployment", "value": REVIEW_EXAMPLE}
                    },
                }
            },
        }
    },
)
async def review(request: Request, ruleset: RulesetDep) -> Response:
    """Up to 1,000 named workloads with their current platform or target; every invalid item is a 422 entry
    located at its index (``workloads[3].workload.runtime.memory_mb``)."""
    body = await read_json_body(request)
    try:
        answer = await work_of(request).run_batch(_review, body, ruleset)
    except WorkloadError as error:
        raise ApiProblem(422, "invalid-review", "the review request is not valid", error.problems) from None
    return Response(answer, media_type="application/json")


def _review(body: Any, ruleset: Ruleset) -> str:
    """Validate and review in one worker thread: both are CPU work that grows with the request."""
    return review_request(review_items(body), ruleset).model_dump_json()
