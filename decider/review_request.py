"""The review's request as the API takes it: named workloads, each with where it runs now, validated once.

Each item's workload is validated (JSON-strict when asked) and resolved as running on the item's platform, so the
review never parses it again; every problem names its item index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, ValidationInfo, WithJsonSchema

from decider.errors import Problem, WorkloadError, json_type, unknown_choice
from decider.rules.model import Ruleset
from decider.validation import Wording, nested_problems, problems_from_validation
from decider.workload import ParsedWorkload, Platform, Workload, resolve_defaults, validate_workload

MAX_REVIEW_ITEMS = 1000


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def with_platform(workload: Workload, platform: str) -> Workload:
    """The workload as if its file said ``team.current_platform: <platform>`` (a valid Platform)."""
    return workload.model_copy(update={"team": workload.team.model_copy(update={"current_platform": platform})})


def _parsed_workload(raw: Any, info: ValidationInfo) -> ParsedWorkload:
    """An item's workload, validated once (JSON-strict when the context says ``strict_json``) and resolved as running
    on ``current_platform`` when given (review_request() places it on ``current_target``'s platform, which the rule
    set's targets.yaml knows)."""
    if not isinstance(raw, Mapping):
        raise nested_problems([Problem("", f"must be an object (a workload), got {json_type(raw)}")])
    try:
        workload = validate_workload(raw, strict_json=bool(info.context and info.context.get("strict_json")))
    except WorkloadError as error:
        raise nested_problems(error.problems) from None
    platform = info.data.get("current_platform")
    return resolve_defaults(with_platform(workload, platform) if platform is not None else workload)


class ReviewRequestItem(_Frozen):
    """One named workload and where it runs now (the API's review body)."""

    # The docstring above is the OpenAPI description. ``workload`` comes in as a mapping and is kept as the
    # ParsedWorkload it validates into, already placed on the item's platform: nothing downstream parses it again.

    name: str = Field(min_length=1, max_length=200)
    current_platform: Platform | None = None
    current_target: Literal["lambda", "ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"] | None = None
    current_mode: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The capacity mode it runs in now, one of the current target's modes (targets.yaml): lambda "
        "on-demand | managed-instances; ECS targets on-demand | spot; eks managed-node-group | auto-mode | fargate. "
        "Its bill is the cost now. Needs current_target, or a current_platform whose targets have the mode.",
    )
    workload: Annotated[
        ParsedWorkload,
        PlainValidator(_parsed_workload),
        WithJsonSchema({"additionalProperties": True, "type": "object"}),
    ] = Field(default_factory=dict, validate_default=True, description="A workload, as in the Workload schema.")


#: How a review item's problems are worded (the API's words since the first release).
ITEM_WORDING = Wording(
    values="scalars-once",
    by_type={"model_type": "must be an object with name and workload, got {type}"},
    by_field={"name": "give a name of 1 to 200 characters, got {value!r}"},
    fields=lambda path: list(ReviewRequestItem.model_fields),
    choices=True,
    match_any_value=True,
    unknown_first=True,
)


def parse_review_request(raw: Any, *, strict_json: bool = False) -> list[ReviewRequestItem]:
    """Validate a review body ``{"workloads": [...]}`` into items; every problem names its item index.

    ``strict_json`` holds each workload to JSON types (the API's body: 0 is not false there)."""
    if not isinstance(raw, Mapping):
        raise WorkloadError([Problem("", f"the body must be an object with 'workloads', got {json_type(raw)}")])
    problems = [unknown_choice(str(key), key, ["workloads"], field=True) for key in raw if key != "workloads"]
    items = raw.get("workloads")
    if not isinstance(items, list):
        problems.append(Problem("workloads", "missing: give a list of named workloads"))
        raise WorkloadError(problems)
    if not items or len(items) > MAX_REVIEW_ITEMS:
        problems.append(Problem("workloads", f"give 1 to {MAX_REVIEW_ITEMS} workloads, got {len(items)}"))
    parsed: list[ReviewRequestItem] = []
    for index, item in enumerate(items):
        try:
            parsed.append(ReviewRequestItem.model_validate(item, strict=True, context={"strict_json": strict_json}))
        except ValidationError as error:
            problems.extend(problems_from_validation(error, at=f"workloads[{index}]", wording=ITEM_WORDING))
    if problems:
        raise WorkloadError(problems)
    return parsed


def check_modes(items: Sequence[ReviewRequestItem], ruleset: Ruleset) -> None:
    """Every item's ``current_mode`` must be a mode of its current target (or of a target on its current platform);
    every problem found is raised at once, located at its item."""
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if item.current_mode is None:
            continue
        where = f"workloads[{index}].current_mode"
        if item.current_target in ruleset.target_ids:
            targets: tuple[str, ...] = (item.current_target,) if item.current_target else ()
        elif item.current_platform is not None:
            targets = ruleset.on_platform(item.current_platform)
        else:
            problems.append(Problem(where, "give current_target (or current_platform) with current_mode"))
            continue
        allowed = list(dict.fromkeys(mode.id for target in targets for mode in ruleset.target(target).modes))
        named = item.current_target or f"platform {item.current_platform}"
        if not allowed:
            problems.append(Problem(where, f"{named} has no capacity modes; leave current_mode out"))
        elif item.current_mode not in allowed:
            problem = unknown_choice(where, item.current_mode, allowed)
            problems.append(Problem(where, f"{problem.message} (the modes of {named})", problem.suggestion))
    if problems:
        raise WorkloadError(problems)
