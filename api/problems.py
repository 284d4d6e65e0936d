"""problem+json (RFC 9457): the one shape of every 4xx and 5xx answer, and the handlers that produce it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.head import sent_method
from decider.errors import DeciderError, PricingError, Problem, RulesError, WorkloadError, nearest, quoted
from decider.validation import problems_from_validation

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:decider:problem:"
log = logging.getLogger("decider.api")


def _absent(value: object) -> bool:
    return value is None


class ProblemEntry(BaseModel):
    """One thing wrong with the request: where, what, and the nearest valid choice when there is one."""

    model_config = ConfigDict(extra="forbid")

    location: str = Field(description="Dotted path of the field (e.g. runtime.memory_mb), or the query parameter.")
    message: str
    suggestion: str | None = Field(None, description="The nearest valid name or value, when one is close.")
    # Present only where the problem has a place in the text (malformed JSON): absent, never null, elsewhere.
    line: int | None = Field(
        None, ge=1, exclude_if=_absent, description="Line of the body where the problem is (1-based), when known."
    )
    column: int | None = Field(
        None,
        ge=1,
        exclude_if=_absent,
        description="Column of that line where the problem is (1-based, in characters), when known.",
    )

    @classmethod
    def of(cls, problem: Problem | ProblemEntry) -> ProblemEntry:
        if isinstance(problem, ProblemEntry):
            return problem
        return cls(
            location=problem.location,
            message=problem.message,
            suggestion=problem.suggestion,
            line=problem.line,
            column=problem.column,
        )


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457). ``errors`` lists every problem found when the input was invalid."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str = Field(description="The request path.")
    request_id: str | None = Field(None, description="The X-Request-ID of the request, for finding it in the logs.")
    errors: list[ProblemEntry] = Field(default_factory=list, description="Every problem found, one per field.")


class ApiProblem(Exception):
    """Raised by routes and middleware to answer with a problem; the handler below renders it."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        problems: Iterable[Problem | ProblemEntry] = (),
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.slug = slug
        self.detail = detail
        self.problems = tuple(problems)
        self.title = title or HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        super().__init__(detail)


def problem_response(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    problems: Iterable[Problem | ProblemEntry] = (),
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = ProblemDetails(
        type=TYPE_PREFIX + slug,
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=[ProblemEntry.of(problem) for problem in problems],
    )
    return Response(
        body.model_dump_json(),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def problem_for_error(request: Request, error: DeciderError) -> Response:
    """A decider error as a problem: bad workloads and unknown regions are the client's (422)."""
    if isinstance(error, WorkloadError):
        return problem_response(request, 422, "invalid-workload", "the workload is not valid", error.problems)
    if isinstance(error, PricingError):
        return problem_response(request, 422, "pricing", "the workload cannot be priced", error.problems)
    if isinstance(error, RulesError):
        return problem_response(
            request, 422, "rules-rejected", "the rule set failed to load", error.problems, title="Rules rejected"
        )
    return problem_response(request, 422, "invalid-input", error.headline, error.problems)


_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    404: "not-found",
    405: "method-not-allowed",
    413: "body-too-large",
    415: "unsupported-media-type",
    503: "not-ready",
}


async def _on_api_problem(request: Request, exc: Exception) -> Response:
    problem = cast(ApiProblem, exc)  # registered for ApiProblem only
    return problem_response(
        request, problem.status, problem.slug, problem.detail, problem.problems, problem.title, problem.headers
    )


async def _on_http_exception(request: Request, error: Exception) -> Response:
    exc = cast(StarletteHTTPException, error)  # registered for HTTPException only
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    problems: list[Problem] = []
    if status == 404 and detail == "Not Found":
        detail = f"no route {quoted(request.url.path)}"
        paths = served_paths(request.app)
        problems.append(Problem("path", f"no such route; routes: {', '.join(paths)}", nearest(request.url.path, paths)))
    elif status == 405:
        detail = f"{sent_method(request.scope)} is not allowed on {quoted(request.url.path)}"
    headers = dict(exc.headers or {})
    return problem_response(request, status, _SLUGS.get(status, "http-error"), detail, problems, headers=headers)


def served_paths(app: FastAPI) -> list[str]:
    """Every path the app serves, sorted: the API's routes and those kept out of the OpenAPI document (the page, the
    docs, /metrics, /mcp, the Slack routes), so a typo of any of them is answered with the nearest."""
    paths: list[str] | None = getattr(app.state, "served_paths", None)
    if paths is None:
        paths = sorted({route.path for route in iter_route_contexts(app.routes) if route.path})
        app.state.served_paths = paths
    return paths


async def _on_request_validation(request: Request, error: Exception) -> Response:
    exc = cast(RequestValidationError, error)  # registered for RequestValidationError only
    problems = problems_from_validation(exc.errors())
    return problem_response(request, 422, "invalid-request", "the request is not valid", problems)


async def _on_decider_error(request: Request, exc: Exception) -> Response:
    return problem_for_error(request, cast(DeciderError, exc))  # registered for DeciderError only


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", None)
    log.error("unhandled error on %s %s request_id=%s", request.method, request.url.path, request_id, exc_info=exc)
    return problem_response(
        request, 500, "internal", "decider failed to answer this request; the error is logged with the request id"
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error answer problem+json: ours, Starlette's (404, 405), FastAPI's parameter checks, and crashes."""
    app.add_exception_handler(ApiProblem, _on_api_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(DeciderError, _on_decider_error)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses, all answering ProblemDetails."""
    return {status: {"model": ProblemDetails, "description": HTTPStatus(status).phrase} for status in statuses}
