"""``POST /recommend`` and ``POST /recommend/batch``: validate the workload, call the engine, return its Decision."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from starlette.responses import Response

from api.dependencies import (
    RulesetDep,
    answers_of,
    holder_of,
    json_of,
    metrics_of,
    read_body,
    read_json_body,
    ruleset_in_service,
    work_of,
)
from api.examples import CHECKOUT_API, NIGHTLY_JOB
from api.metrics import Metrics
from api.problems import TYPE_PREFIX, ApiProblem, ProblemDetails, ProblemEntry, problem_responses
from decider.decision import Decision
from decider.documents import non_finite
from decider.engine import decide
from decider.errors import DeciderError, Problem, WorkloadError, json_type, relocate, unknown_choice
from decider.rules.model import Ruleset
from decider.workload import parse_workload

MAX_BATCH = 1000
JSON = "application/json"
#: Says whether POST /recommend decided the workload (``decided``) or answered a body it decided before under the
#: same rules (``cached``, api/answers.py): the bytes are the same either way.
ANSWER_HEADER = "X-Decider-Answer"
_DECISION = TypeAdapter(Decision)


def decision_json(decision: Decision) -> bytes:
    """The Decision as JSON bytes: the same bytes as ``model_dump_json().encode()`` (one serializer), without
    decoding them to text and encoding them back. Measured against orjson of ``model_dump()``: as fast within a few
    per cent, and only this one is the model's own JSON by construction."""
    return _DECISION.dump_json(decision)


class BatchRequest(BaseModel):
    """Many workloads at once; each is answered on its own, in input order."""

    model_config = ConfigDict(extra="forbid")

    workloads: list[Any] = Field(
        max_length=MAX_BATCH,
        description=f"Up to {MAX_BATCH} workloads (each as in Workload). An invalid item is answered by a problem "
        "at its index; it never fails the batch.",
        json_schema_extra={"items": {"description": "A workload, as in the Workload schema."}},
    )


class BatchDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, description="Position of the workload in the request.")
    decision: Decision


class BatchProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, description="Position of the workload in the request.")
    problem: ProblemDetails


class BatchResponse(BaseModel):
    results: list[BatchDecision | BatchProblem] = Field(description="One entry per workload, in input order.")


def _body(schema_name: str, examples: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                JSON: {
                    "schema": {"$ref": f"#/components/schemas/{schema_name}"},
                    "examples": dict(examples),
                }
            },
        }
    }


WORKLOAD_BODY = _body(
    "Workload",
    {
        "checkout-api": {"summary": "An HTTP API with a spiky daytime peak", "value": CHECKOUT_API},
        "nightly-job": {"summary": "A one-hour scheduled job", "value": NIGHTLY_JOB},
        "all-defaults": {"summary": "Every field defaulted (reported as assumptions)", "value": {}},
    },
)
BATCH_BODY = _body(
    "BatchRequest",
    {"two-workloads": {"summary": "Two workloads in one call", "value": {"workloads": [CHECKOUT_API, NIGHTLY_JOB]}}},
)
BODY_ERRORS = problem_responses(400, 401, 413, 415, 422, 503)

router = APIRouter(tags=["recommend"])


@router.post(
    "/recommend",
    operation_id="recommend",
    summary="Rank the targets for one workload",
    response_model=Decision,
    responses={
        200: {
            "headers": {
                ANSWER_HEADER: {
                    "description": "`decided`: the workload was decided for this request; `cached`: the same body "
                    "was decided before under the rules in service, and this is that answer (the same bytes).",
                    "schema": {"type": "string", "enum": ["decided", "cached"]},
                }
            }
        },
        **BODY_ERRORS,
    },
    openapi_extra=WORKLOAD_BODY,
)
async def recommend(request: Request) -> Response:
    """A workload (every field optional) in; a ranked, explained decision out. Unknown fields are 422 with the
    nearest valid name."""
    # The hot route looks up the rule set and the metrics itself: the same two functions as RulesetDep and
    # MetricsDep, without FastAPI solving three dependencies per request (the 503 still comes before the body).
    ruleset = await ruleset_in_service(await holder_of(request))
    metrics = await metrics_of(request)
    raw = await read_body(request)
    answers = answers_of(request)
    kept = answers.get(raw, ruleset) if answers.on else None
    if answers.on:
        metrics.count_answer_lookup(kept is not None)
    if kept is not None:  # the same body decided under the same rules: its answer, byte for byte (api/answers.py)
        recommendation, answer = kept
        metrics.count_decision(recommendation)
        return Response(answer, media_type=JSON, headers={ANSWER_HEADER: "cached"})
    body = json_of(raw)
    # In a worker thread, however small the body: a decision with its counterfactual search takes milliseconds to
    # tens of milliseconds, and on the event loop every other request (``/healthz`` too) would wait behind it.
    decision, answer = await work_of(request).run(_decide_one, body, ruleset)
    metrics.count_decision(decision.recommendation)
    if answers.on:
        answers.put(raw, ruleset, decision.recommendation, answer)
        metrics.answer_bytes.set(answers.held_bytes)
    return Response(answer, media_type=JSON, headers={ANSWER_HEADER: "decided"})


def _decide_one(body: Any, ruleset: Ruleset) -> tuple[Decision, bytes]:
    decision = decide(parse_workload(body, strict_json=True), ruleset)
    return decision, decision_json(decision)


@router.post(
    "/recommend/batch",
    operation_id="recommend_batch",
    summary="Rank the targets for many workloads",
    response_model=BatchResponse,
    responses=BODY_ERRORS,
    openapi_extra=BATCH_BODY,
)
async def recommend_batch(request: Request) -> Response:
    """Up to 1,000 workloads; the results come back in input order, each a decision or a problem with its index."""
    ruleset = await ruleset_in_service(await holder_of(request))
    metrics = await metrics_of(request)
    # A number JSON or decider cannot hold (NaN, 1e400) is refused with the workload that has it, not the batch
    workloads = _batch_items(await read_json_body(request, finite=False))
    # Up to a thousand decisions is real CPU work: off the event loop, so other requests keep flowing, and only
    # DECIDER_BATCH_CONCURRENCY batches at once, so their answers fit in the worker's memory.
    request_id = getattr(request.state, "request_id", None)
    body = await work_of(request).run_batch(_decide_all, workloads, ruleset, metrics, request.url.path, request_id)
    return Response(memoryview(body), media_type=JSON)


def _batch_items(raw: Any) -> list[Any]:
    if not isinstance(raw, Mapping):
        raise ApiProblem(
            422,
            "invalid-batch",
            "the batch is not valid",
            [Problem("", f"the body must be an object with 'workloads', got {json_type(raw)}")],
        )
    problems = [unknown_choice(str(key), key, ["workloads"], field=True) for key in raw if key != "workloads"]
    workloads = raw.get("workloads")
    if "workloads" not in raw:
        problems.append(Problem("workloads", "missing: give a list of workloads"))
    elif not isinstance(workloads, list):
        problems.append(Problem("workloads", f"must be a list of workloads, got {json_type(workloads)}"))
    elif len(workloads) > MAX_BATCH:
        problems.append(Problem("workloads", f"at most {MAX_BATCH} workloads per batch, got {len(workloads)}"))
    if problems or not isinstance(workloads, list):
        raise ApiProblem(422, "invalid-batch", "the batch is not valid", problems)
    return workloads


def _decide_all(
    workloads: list[Any], ruleset: Ruleset, metrics: Metrics, path: str, request_id: str | None = None
) -> bytearray:
    """The batch's whole JSON answer, each entry written into one buffer as it is decided, so the answer (about
    12 MB for 1,000 decisions) is held once, not as entries, their join and the framed body at once. An entry's
    problem carries the batch request's id, as every problem the API answers does."""
    body = bytearray(b'{"results":[')
    for index, raw in enumerate(workloads):
        if index:
            body += b","
        try:
            unread = non_finite(raw, "")  # located in the workload, as its other problems are
            if unread is not None:
                raise WorkloadError([unread])
            # A batch answers many workloads: the counterfactual search is left to POST /recommend.
            decision = decide(parse_workload(raw, strict_json=True), ruleset, advice=False)
        except DeciderError as error:
            problem = ProblemDetails(
                type=TYPE_PREFIX + "invalid-workload",
                title=HTTPStatus(422).phrase,
                status=422,
                detail=f"workload {index} is not valid",
                instance=f"{path}#/workloads/{index}",
                request_id=request_id,
                errors=[ProblemEntry.of(problem) for problem in relocate(error.problems, f"workloads[{index}]")],
            )
            body += BatchProblem(index=index, problem=problem).model_dump_json().encode()
            continue
        metrics.count_decision(decision.recommendation)
        body += b'{"index":%d,"decision":%b}' % (index, decision_json(decision))
    body += b"]}"
    return body


bench_router = APIRouter(include_in_schema=False)


@bench_router.post("/bench/fixed-decision")
async def fixed_decision(request: Request, ruleset: RulesetDep) -> Response:
    """The framework's floor for bench/service.py: reads the body like /recommend, answers a pre-serialised decision."""
    await request.body()
    cached: bytes | None = getattr(request.app.state, "bench_decision", None)
    if cached is None:
        cached = decide(parse_workload(CHECKOUT_API), ruleset).model_dump_json().encode()
        request.app.state.bench_decision = cached
    return Response(cached, media_type=JSON)
