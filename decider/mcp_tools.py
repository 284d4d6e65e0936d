"""The descriptions of decider's MCP tools (``tools/list``): each tool's input schema built from decider's own contracts
(``workload_schema()``, the review item, the files), its output schema from the result's Pydantic model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp import types
from pydantic import BaseModel

from decider.decision import Decision
from decider.mcp_files import FILES_SCHEMA, USAGE, USAGE_SCHEMA
from decider.review import Review, ReviewRequestItem
from decider.rules.model import Ruleset
from decider.workload_schema import workload_schema


def _object_schema(properties: Mapping[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": dict(properties),
        "required": required,
        "additionalProperties": False,
    }


def _output_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


def recommend_input_schema() -> dict[str, Any]:
    """The workload JSON Schema itself: the tool's arguments are one workload."""
    schema = {key: value for key, value in workload_schema().items() if key != "$id"}
    schema["required"] = []
    return schema


def review_input_schema() -> dict[str, Any]:
    """``{"workloads": [{name, current_platform?, current_target?, current_mode?, workload}]}``, each workload the
    Workload schema."""
    workload = recommend_input_schema()
    definitions = dict(workload.pop("$defs", {}))
    definitions["Workload"] = {key: value for key, value in workload.items() if key not in ("$schema", "examples")}
    item = ReviewRequestItem.model_json_schema()
    definitions.update(item.pop("$defs", {}))
    item["properties"]["workload"] = {"$ref": "#/$defs/Workload"}
    item["required"] = ["name", "workload"]
    schema = _object_schema(
        {
            "workloads": {"type": "array", "items": item, "minItems": 1, "maxItems": 100},
            "files": FILES_SCHEMA,
            USAGE: USAGE_SCHEMA,
        },
        [],
        "Either workloads (named, each with where it runs now: current_platform or current_target, and current_mode) "
        "or files (the text of infrastructure files, reviewed as decider review reviews a folder, with the usage file "
        "decider review --usage reads as usage), not both.",
    )
    schema["oneOf"] = [{"required": ["workloads"]}, {"required": ["files"]}]
    schema["dependentRequired"] = {USAGE: ["files"]}
    schema["$defs"] = definitions
    return schema


def tools(ruleset: Ruleset) -> list[types.Tool]:
    """The five tools as ``tools/list`` answers them, for the rules in service (their ids and regions)."""
    rule_ids = [rule.id for rule in ruleset.rules]
    read_only = types.ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
    return [
        types.Tool(
            name="recommend",
            title="Recommend where a workload should run on AWS",
            description=(
                "Rank Lambda, ECS (Fargate, Managed Instances, EC2) and EKS for one workload: the recommendation, "
                "a summary, the ranking with each target's monthly bill, the exclusions with their rules, what would "
                "change the answer, and every assumption decider made. Arguments: the workload fields."
            ),
            input_schema=recommend_input_schema(),
            output_schema=_output_schema(Decision),
            annotations=read_only,
        ),
        types.Tool(
            name="review",
            title="Review workloads against where they run now",
            description="For each workload and its current platform or target, or each workload in the text of "
            "SAM/CloudFormation, ECS, Kubernetes or Terraform files (with a usage file for what they do not say, "
            "their traffic above all): keep, consider, move or unknown, and why.",
            input_schema=review_input_schema(),
            output_schema=_output_schema(Review),
            annotations=read_only,
        ),
        types.Tool(
            name="explain_rule",
            title="Explain one of decider's rules",
            description="A rule by id (as named in a decision's reasons and exclusions): its condition, effect, "
            "explanation and source.",
            input_schema=_object_schema(
                {"rule_id": {"type": "string", "description": f"A rule id, e.g. {rule_ids[0]!r}." if rule_ids else ""}},
                ["rule_id"],
                "The rule to explain.",
            ),
            output_schema=_object_schema({"rule": {"type": "object"}}, ["rule"], "The rule as data."),
            annotations=read_only,
        ),
        types.Tool(
            name="list_targets",
            title="List the AWS compute targets decider ranks",
            description="Every target decider ranks: id, name, family, platform and its documentation.",
            input_schema=_object_schema({}, [], "No arguments."),
            output_schema=_object_schema({"targets": {"type": "array", "items": {"type": "object"}}}, ["targets"], ""),
            annotations=read_only,
        ),
        types.Tool(
            name="price_book",
            title="Show the price book of a region",
            description="The prices decider bills with in one AWS region: the date they were read, the key prices "
            "and the whole book with a source for every figure.",
            input_schema=_object_schema(
                {"region": {"type": "string", "enum": sorted(ruleset.pricing), "default": "us-east-1"}},
                [],
                "The AWS region (default us-east-1).",
            ),
            output_schema=_object_schema(
                {
                    "region": {"type": "string"},
                    "as_of": {"type": "string", "description": "The date the prices were read (YYYY-MM-DD)."},
                    "key_prices": {"type": "object", "additionalProperties": {"type": "number"}},
                    "floors": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "The key prices that are another region's figure, taken as a floor, and why.",
                    },
                    "book": {"type": "object", "description": "The whole price book, a source for every figure."},
                },
                ["region", "as_of", "key_prices", "book"],
                "",
            ),
            annotations=read_only,
        ),
    ]
