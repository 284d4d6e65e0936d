"""``POST /admin/reload``: reload rules and prices atomically; only exists when API keys are configured."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.dependencies import HolderDep, MetricsDep
from api.problems import ApiProblem, problem_responses
from decider.decision import RulesetInfo
from decider.errors import RulesError

router = APIRouter(tags=["operations"])


class Reloaded(BaseModel):
    status: str = Field("reloaded")
    ruleset: RulesetInfo
    previous: RulesetInfo
    changed: bool = Field(
        description="Whether the new rules or prices differ from those they replaced (by digest or pricing_digest)."
    )
    pricing_digest: str = Field(description="sha256 of the price books and cost model now in service.")
    loaded_at: str


@router.post(
    "/admin/reload",
    operation_id="reload_rules",
    summary="Reload rules and prices",
    response_model=Reloaded,
    responses=problem_responses(401, 404, 422, 503),
)
async def reload_rules(request: Request, holder: HolderDep, metrics: MetricsDep) -> Reloaded:
    """Load the rule files and price books again and swap them in whole. A bad new rule set is 422 with every
    problem, and the rules already in service stay. 404 unless the server is configured with API keys."""
    if not request.app.state.settings.api_keys:
        raise ApiProblem(404, "not-found", "reload is only available when the server is configured with API keys")
    if not holder.ready:
        raise ApiProblem(503, "not-ready", "the rules are not loaded yet")
    previous = holder.ruleset
    try:
        loaded = await holder.reload(request.app.state.settings.reload_timeout_s)
    except RulesError as error:
        metrics.reloads.labels("rejected").inc()
        raise ApiProblem(
            422,
            "rules-rejected",
            "the new rule set was rejected; the previous one stays in service",
            error.problems,
            title="Rules rejected",
        ) from None
    metrics.reloads.labels("ok").inc()
    ruleset = loaded.ruleset
    return Reloaded(
        ruleset=RulesetInfo(version=ruleset.version, digest=ruleset.digest),
        previous=RulesetInfo(version=previous.version, digest=previous.digest),
        changed=(ruleset.digest, ruleset.pricing_digest) != (previous.digest, previous.pricing_digest),
        pricing_digest=ruleset.pricing_digest,
        loaded_at=loaded.loaded_at,
    )
