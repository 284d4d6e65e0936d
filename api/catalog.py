"""What decider knows, as data: ``GET /rules``, ``/rules/{id}``, ``/targets``, ``/pricing``, ``/schema/workload``."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.dependencies import RulesetDep, known_query
from api.problems import ApiProblem, problem_responses
from decider.decision import RulesetInfo
from decider.errors import Problem, nearest, quoted
from decider.pricing.book import PriceBook
from decider.rules.computed import computed_rule, computed_rules, rule_ids
from decider.rules.model import CATEGORIES, Rule, Ruleset
from decider.workload_schema import workload_schema

router = APIRouter(tags=["catalog"], dependencies=[Depends(known_query)])


class RuleOut(BaseModel):
    """One rule as data: its condition, effect, explanation and source."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: str
    effect: str = Field(description="exclude (a hard limit) or score (points per target).")
    targets: list[str] = Field(description="Targets the rule excludes or scores.")
    impacts: dict[str, float] | None = Field(None, description="Points per target, for score rules.")
    when: Any = Field(description="The condition, as written in the rule file.")
    because: str = Field(description="The explanation template; {field} placeholders are filled per decision.")
    source: str = Field(description="Where the fact or criterion comes from.")
    file: str = Field(
        description="The rule file the rule was loaded from: relative to the shipped rules folder, or the extra "
        "folder's name and the file within it."
    )
    fix: str | None = None
    uncertain: str | None = Field(None, description="Why a figure in the rule is not settled, when it is not.")
    ramp: Any = Field(
        None, description="A score rule's ramp on a continuous quantity ({field, from, to}, or a list of them)."
    )
    proxy_for: str | None = Field(
        None, description="'cost' for a rule that stands in for the bill: it scores only targets without one."
    )
    headroom: Any = Field(None, description="An exclusion's penalty near its limit ({points, margin}).")
    mode: str | None = Field(
        None, description="For an exclusion on a capacity mode: the mode of its targets it keeps out (targets.yaml)."
    )
    check_before_acting: bool | None = Field(
        None,
        description="For a score rule on a limit: when it takes points from the recommended target, its message is "
        "said among the decision's warnings too.",
    )
    in_modes: dict[str, list[str]] | None = Field(
        None,
        description="For a score rule: targets whose points count only when they run in one of these capacity modes "
        "(targets.yaml), e.g. {eks: [managed-node-group]}.",
    )
    shares_with: str | None = Field(
        None,
        description="For a score rule: the id of the score rule it carries one criterion with (their targets split "
        "between them); the summary's leads count the two as one.",
    )


class RuleList(BaseModel):
    ruleset: RulesetInfo
    rules: list[RuleOut]


class TargetOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    family: str
    simplicity: int = Field(description="Tie-break order: lower is simpler to run.")
    docs: str
    description: str


class TargetList(BaseModel):
    targets: list[TargetOut]


class PricingList(BaseModel):
    regions: dict[str, PriceBook] = Field(description="Price book per AWS region, with its as_of date and sources.")


def _rule_out(rule: Rule, ruleset: Ruleset) -> RuleOut:
    return RuleOut.model_validate({**rule.to_dict(), "file": shown_file(rule.file, ruleset.sources)})


def shown_file(file: str, layers: tuple[str, ...]) -> str:
    """A rule file as a client sees it: relative to the shipped rules folder (``limits.yaml``), or for an extra
    folder its name and then the file (``org-rules/limits.yaml``); never the server's absolute paths."""
    for index, layer in enumerate(layers):
        if PurePath(file).is_relative_to(layer):
            relative = PurePath(file).relative_to(layer).as_posix()
            return relative if index == 0 else f"{PurePath(layer).name}/{relative}"
    return PurePath(file).name


def _info(ruleset: Ruleset) -> RulesetInfo:
    return RulesetInfo(version=ruleset.version, digest=ruleset.digest)


CategoryQuery = Annotated[
    str | None,
    Query(description="Only rules of this category.", json_schema_extra={"enum": list(CATEGORIES)}),
]
TargetQuery = Annotated[
    str | None,
    Query(description="Only rules that exclude or score this target id (see GET /targets).", max_length=100),
]


@router.get(
    "/rules",
    operation_id="list_rules",
    summary="List the rules in service",
    response_model=RuleList,
    responses=problem_responses(401, 422, 503),
)
async def list_rules(ruleset: RulesetDep, category: CategoryQuery = None, target: TargetQuery = None) -> RuleList:
    """Every rule, optionally only one category's or only those touching one target. Unknown values are 422."""
    problems = []
    if category is not None and category not in CATEGORIES:
        problems.append(
            Problem(
                "query.category",
                f"unknown category {quoted(category)}; valid: {', '.join(CATEGORIES)}",
                nearest(category, CATEGORIES),
            )
        )
    if target is not None and target not in ruleset.target_ids:
        problems.append(
            Problem(
                "query.target",
                f"unknown target {quoted(target)}; valid: {', '.join(ruleset.target_ids)}",
                nearest(target, ruleset.target_ids),
            )
        )
    if problems:
        raise ApiProblem(422, "invalid-query", "the query is not valid", problems)
    rules = [
        _rule_out(rule, ruleset)
        for rule in ruleset.rules
        if (category is None or rule.category == category) and (target is None or target in rule.targets)
    ]
    rules += [
        RuleOut.model_validate(data)
        for data in computed_rules(ruleset)
        if (category is None or data["category"] == category) and (target is None or target in data["targets"])
    ]
    return RuleList(ruleset=_info(ruleset), rules=rules)


@router.get(
    "/rules/{rule_id}",
    operation_id="get_rule",
    summary="Show one rule",
    response_model=RuleOut,
    responses=problem_responses(401, 404, 422, 503),
)
async def get_rule(ruleset: RulesetDep, rule_id: Annotated[str, Path(description="A rule id.")]) -> RuleOut:
    """One rule by id; an unknown id is 404 with the nearest rule id."""
    rule = ruleset.rule(rule_id)
    if rule is None:
        computed = computed_rule(ruleset, rule_id)
        if computed is not None:  # the criterion from the bills: cited by decisions, held by no rule file
            return RuleOut.model_validate(computed)
        ids = rule_ids(ruleset)
        raise ApiProblem(
            404,
            "unknown-rule",
            f"no rule with id {quoted(rule_id)}",
            [Problem("rule_id", "no such rule", nearest(rule_id, ids))],
        )
    return _rule_out(rule, ruleset)


@router.get(
    "/targets",
    operation_id="list_targets",
    summary="List the targets",
    response_model=TargetList,
    responses=problem_responses(401, 422, 503),
)
async def list_targets(ruleset: RulesetDep) -> TargetList:
    """The places a workload can run, simplest first."""
    return TargetList(
        targets=[
            TargetOut(
                id=t.id, name=t.name, family=t.family, simplicity=t.simplicity, docs=t.docs, description=t.description
            )
            for t in ruleset.targets
        ]
    )


@router.get(
    "/pricing",
    operation_id="list_pricing",
    summary="Show the price books",
    response_model=PricingList,
    responses=problem_responses(401, 422, 503),
)
async def list_pricing(ruleset: RulesetDep) -> PricingList:
    """The price book of every region decider can price, with its as_of date and sources."""
    return PricingList(regions=dict(ruleset.pricing))


@router.get(
    "/schema/workload",
    operation_id="get_workload_schema",
    summary="The workload JSON Schema",
    response_model=dict[str, Any],
    responses=problem_responses(401, 422),
)
async def get_workload_schema() -> dict[str, Any]:
    """The JSON Schema of a workload (the body of POST /recommend), for editors and form builders."""
    return workload_schema()
