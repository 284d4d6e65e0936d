"""Terraform plans as JSON (``terraform show -json PLANFILE``): every value resolved, nothing left to guess.

The resources are ``planned_values.root_module`` and its ``child_modules``, recursively (with ``resource_changes``'
``change.after`` for any not there); a resource that the plan deletes is not reviewed. The plan's ``configuration``
gives each attribute's references (``expressions.<name>.references``), which tie an event source to its function as
the HCL reader's expressions do. Resources inside a call of a module decider reads by its inputs
(``configuration…module_calls.<name>.source``) belong to one workload named by the call (``module.orders``). The
format: https://developer.hashicorp.com/terraform/internals/json-format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from decider.errors import Problem, SourceError
from decider.sources.capacity import Capacity
from decider.sources.hcl import REGION
from decider.sources.imported import ImportedWorkload
from decider.sources.terraform import priced_in, terraform_workloads
from decider.sources.terraform_model import Resource, module_kind, references_in, strip_index

SUPPORTED_MAJOR = "1"


def is_plan(data: Any) -> bool:
    """A plan in ``terraform show -json``'s format: a format version and planned values or resource changes."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("format_version"), str)
        and ("planned_values" in data or "resource_changes" in data)
    )


def read_plan(
    data: Mapping[str, Any],
    text: str | None,
    file: str,
    capacity: Capacity | None = None,
) -> list[ImportedWorkload]:
    """The workloads of a plan, each at the line its address is first given in the file; its EKS Fargate profiles and
    clusters go into ``capacity`` when given."""
    version = str(data.get("format_version"))
    if version.split(".")[0] != SUPPORTED_MAJOR:
        raise SourceError(
            [Problem(file, f"format_version {version!r}: decider reads Terraform's JSON format {SUPPORTED_MAJOR}.x")]
        )
    deleted = {
        str(change.get("address"))
        for change in _list(data.get("resource_changes"))
        if isinstance(change, dict) and _actions(change) == ["delete"]
    }
    calls = _module_calls(_dict(_dict(data.get("configuration")).get("root_module")), "")
    references = _configured_references(_dict(_dict(data.get("configuration")).get("root_module")), "")
    resources: list[Resource] = []
    seen: set[str] = set()
    for entry in _planned(data):
        raw_address = str(entry.get("address"))
        address = strip_index(raw_address)
        if raw_address in deleted or address in seen or entry.get("mode", "managed") != "managed":
            continue
        seen.add(address)
        module = address.rpartition("." + str(entry.get("type")))[0]
        owner = next((call for call in calls if module == call), address)
        values = _dict(entry.get("values"))
        resources.append(
            Resource(
                address,
                str(entry.get("type")),
                dict(values),
                file,
                _line(text, raw_address),
                references.get(address, {}),
                owner=owner,
            )
        )
    region = _region(data)
    where = (region, f"{file} (configuration.provider_config.aws)") if region is not None else None
    if capacity is not None:
        capacity.read_terraform(resources, where)
    workloads = terraform_workloads(resources)
    priced_in(workloads, {None: where} if where is not None else {})
    return workloads


def _region(data: Mapping[str, Any]) -> str | None:
    """The default AWS provider's region in the plan: a constant, or the value of the variable it names."""
    aws = _dict(_dict(_dict(data.get("configuration")).get("provider_config")).get("aws"))
    expression = _dict(_dict(aws.get("expressions")).get("region"))
    value = expression.get("constant_value")
    variables = [ref[4:] for ref in _list(expression.get("references")) if isinstance(ref, str) and ref[:4] == "var."]
    if value is None and variables:
        value = _dict(_dict(data.get("variables")).get(variables[0])).get("value")
    return value if isinstance(value, str) and REGION.fullmatch(value) else None


def _planned(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every resource in planned_values, root module first; then any resource_changes entry not among them."""
    given: set[str] = set()
    stack = [_dict(_dict(data.get("planned_values")).get("root_module"))]
    while stack:
        module = stack.pop(0)
        for resource in _list(module.get("resources")):
            if isinstance(resource, dict):
                given.add(str(resource.get("address")))
                yield resource
        stack.extend(_dict(child) for child in _list(module.get("child_modules")))
    for change in _list(data.get("resource_changes")):
        if isinstance(change, dict) and str(change.get("address")) not in given:
            after = _dict(change.get("change")).get("after")
            if isinstance(after, dict):
                yield {**change, "values": after}


def _module_calls(module: Mapping[str, Any], prefix: str) -> list[str]:
    """The addresses of the calls (at any depth) of modules decider reads by their inputs."""
    found: list[str] = []
    for name, call in _dict(module.get("module_calls")).items():
        address = f"{prefix}module.{name}"
        if module_kind(_dict(call).get("source")) is not None:
            found.append(address)
        found.extend(_module_calls(_dict(_dict(call).get("module")), address + "."))
    return found


def _configured_references(module: Mapping[str, Any], prefix: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each configured resource (by address), each attribute's references, qualified by the module."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for resource in _list(module.get("resources")):
        if not isinstance(resource, dict):
            continue
        address = f"{prefix}{resource.get('address')}"
        expressions = _dict(resource.get("expressions"))
        found[address] = {
            key: references_in(" ".join(_references(value)), prefix.rstrip(".")) for key, value in expressions.items()
        }
    for name, call in _dict(module.get("module_calls")).items():
        found.update(_configured_references(_dict(_dict(call).get("module")), f"{prefix}module.{name}."))
    return found


def _references(expression: Any) -> Iterator[str]:
    """The ``references`` anywhere in an attribute's expression (nested blocks included)."""
    if isinstance(expression, dict):
        for key, value in expression.items():
            if key == "references" and isinstance(value, list):
                yield from (str(item) for item in value)
            else:
                yield from _references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _references(item)


def _actions(change: Mapping[str, Any]) -> list[str]:
    return [str(action) for action in _list(_dict(change.get("change")).get("actions"))]


def _line(text: str | None, address: str) -> int:
    if not text:
        return 1
    match = re.search(r'"address"\s*:\s*' + re.escape(_json_string(address)), text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
