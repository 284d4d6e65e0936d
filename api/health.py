"""Operations routes: ``/healthz`` (alive), ``/readyz`` (rules and prices loaded), ``/version``, ``/metrics``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.responses import Response

import decider
from api.dependencies import HolderDep, MetricsDep, RulesetDep, known_query
from api.metrics import Metrics
from api.problems import ApiProblem, problem_responses
from decider.decision import RulesetInfo
from decider.pricing.book import PriceBook

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class PriceBookInfo(BaseModel):
    region: str
    as_of: str = Field(description="Date the prices were read from AWS (YYYY-MM-DD).")
    currency: str


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    ruleset: RulesetInfo
    rules: int = Field(description="Number of rules in service.")
    price_books: int = Field(description="Number of regional price books in service.")
    loaded_at: str = Field(description="When the rules in service were loaded (UTC, ISO 8601).")


class Version(BaseModel):
    version: str = Field(description="decider's package version.")
    ruleset: RulesetInfo
    pricing: list[PriceBookInfo] = Field(description="The price books in service, by region.")
    pricing_digest: str = Field(description="sha256 of the price books and cost model in service.")


def price_book_infos(books: Mapping[str, PriceBook]) -> list[PriceBookInfo]:
    return [
        PriceBookInfo(region=region, as_of=book.as_of, currency=book.currency) for region, book in sorted(books.items())
    ]


# The probes answer HEAD as every GET route does (api/head.py): the same status and headers, no body, for load
# balancers and monitors that probe with HEAD.
@router.get("/healthz", operation_id="healthz", summary="Liveness", response_model=Health)
async def healthz() -> Health:
    """Answers 200 while the process serves HTTP. Never needs an API key."""
    return Health()


@router.get(
    "/readyz", operation_id="readyz", summary="Readiness", response_model=Ready, responses=problem_responses(503)
)
async def readyz(holder: HolderDep) -> Ready:
    """200 once the rules and price books are loaded, else 503. Never needs an API key."""
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    loaded = holder.current
    ruleset = loaded.ruleset
    return Ready(
        ruleset=RulesetInfo(version=ruleset.version, digest=ruleset.digest),
        rules=len(ruleset.rules),
        price_books=len(ruleset.pricing),
        loaded_at=loaded.loaded_at,
    )


version_router = APIRouter(tags=["operations"])


@version_router.get(
    "/version",
    operation_id="version",
    summary="Versions in service",
    response_model=Version,
    responses=problem_responses(401, 422, 503),
    dependencies=[Depends(known_query)],  # it takes no query parameters: ?x=1 is a 422, as on the catalog routes
)
async def version(ruleset: RulesetDep) -> Version:
    """decider's version, the ruleset version and digest, and the date of every price book."""
    return Version(
        version=decider.__version__,
        ruleset=RulesetInfo(version=ruleset.version, digest=ruleset.digest),
        pricing=price_book_infos(ruleset.pricing),
        pricing_digest=ruleset.pricing_digest,
    )


metrics_router = APIRouter(tags=["operations"])
METRICS_MEDIA_TYPE = Metrics.content_type.split(";", 1)[0]


@metrics_router.get(
    "/metrics",
    operation_id="metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": f"The Prometheus text exposition format ({Metrics.content_type}).",
            "content": {METRICS_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problem_responses(401),
    },
)
async def metrics(registry: MetricsDep) -> Response:
    """Prometheus exposition: requests and latency by route template, decisions by recommended target, rule reloads
    by outcome. Needs X-API-Key when the server is configured with keys."""
    return Response(registry.render(), media_type=registry.content_type)
