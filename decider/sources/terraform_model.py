"""Terraform resources as decider reads them, whether from HCL source or from a plan: the common ground of both.

A resource is its address, its type, its attribute values and, for each top-level attribute, the addresses of the
resources and module calls its expression refers to (how an event source finds its function). A value that cannot be
known without running Terraform is an ``Expression``: its text, and it is treated as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: A reference to a managed resource (``aws_lambda_function.api``) or a module call (``module.orders``), possibly
#: inside a module (``module.orders.aws_lambda_function.this``); instance keys (``[0]``) are dropped.
_REFERENCE = re.compile(
    r"(?<![\w.])((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:(?:aws|kubernetes)_[a-z0-9_]+\.[A-Za-z0-9_-]+|"
    r"module\.[A-Za-z0-9_-]+))"
)
_INDEX = re.compile(r"\[[^\]]*\]")

#: The modules read by their documented inputs, by a pattern of their registry or GitHub source. The Lambda module's
#: root only: its submodules (``//modules/alias``, ``//modules/deploy``, ``//modules/docker-build``) create no function.
LAMBDA_MODULE = re.compile(r"terraform-aws-modules/(terraform-aws-)?lambda(/aws)?(\.git)?(//)?($|\?)")
ECS_SERVICE_MODULE = re.compile(r"terraform-aws-modules/(terraform-aws-)?ecs(/aws)?//modules/service($|\?|\.git)")
#: terraform-aws-modules' EKS module (its root: a cluster, its managed node groups and Fargate profiles), read by its
#: inputs for the EKS capacity it defines (decider/sources/terraform_modules.py ``eks_capacity``).
EKS_MODULE = re.compile(r"terraform-aws-modules/(terraform-aws-)?eks(/aws)?(\.git)?(//)?($|\?)")


@dataclass(frozen=True)
class Expression:
    """A value Terraform knows only when it plans or applies: its text (``var.memory``, ``local.size * 2``)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Partial(Expression):
    """An expression Terraform resolves only when it runs whose shape is known here: ``value`` holds the known parts
    (a ``jsonencode`` of containers whose image is ``var.image``: the image an Expression, the ports known; a
    heredoc: its text with the unknown interpolations left as written). Anything that reads a value whole sees an
    Expression; a reader that can use the known parts (the container definitions) opts in."""

    value: Any = None


@dataclass
class Resource:
    """One Terraform resource: its address (``module.orders.aws_lambda_function.this``, instance keys dropped)."""

    address: str
    type: str
    values: dict[str, Any]
    file: str
    line: int
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owner: str = ""
    """The workload name this resource belongs to: its address, or the module call's for a module decider reads
    (every resource of ``module.orders`` of terraform-aws-modules/lambda belongs to ``module.orders``)."""
    notes: tuple[str, ...] = ()
    """What reading it assumed that its values do not show (a module call's ``count`` or ``for_each``: one instance
    read), said on the workload it belongs to."""

    def refers_to(self, attribute: str, owner: str) -> bool:
        """Whether ``attribute``'s expression refers to a resource or module call that ``owner`` names."""
        return any(
            reference == owner or reference.startswith(owner + ".") for reference in self.references.get(attribute, ())
        )


def instance_notes(resource: Resource) -> list[str]:
    """What reading a resource as one workload assumed: each ``count`` or ``for_each`` instance reviewed as the one
    read, and the resource's own notes."""
    notes = [
        f"{key} = {resource.values[key]}: each instance it creates is reviewed as this one"
        for key in ("count", "for_each")  # Terraform makes one instance per count or key
        if resource.values.get(key) is not None
    ]
    return notes + list(resource.notes)


def unknown_note(key: str, expression: Expression) -> str:
    """The assumption for an attribute whose value is not known until Terraform runs."""
    return (
        f"{key} is {short(expression.text)}, not known until Terraform runs: treated as unknown (give it in the usage "
        "file)"
    )


def short(text: str, most: int = 80) -> str:
    """An expression as an assumption quotes it: on one line, cut at ``most`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1] + "…"


def references_in(text: str, module: str = "") -> tuple[str, ...]:
    """The resource and module addresses an expression's text refers to, qualified by the module it sits in."""
    found: list[str] = []
    for match in _REFERENCE.finditer(text):
        # ``aws_lambda_function.api.arn`` → ``aws_lambda_function.api``; ``module.orders.lambda_arn`` → module.orders
        address = _INDEX.sub("", match.group(1))
        qualified = f"{module}.{address}" if module else address
        if qualified not in found:
            found.append(qualified)
    return tuple(found)


def strip_index(address: str) -> str:
    """``module.a[0].aws_x.y["k"]`` → ``module.a.aws_x.y``."""
    return _INDEX.sub("", address)


def module_kind(source: Any) -> str | None:
    """``lambda`` or ``ecs-service`` for a module source decider reads by its inputs; None for any other."""
    if not isinstance(source, str):
        return None
    if LAMBDA_MODULE.search(source):
        return "lambda"
    if ECS_SERVICE_MODULE.search(source):
        return "ecs-service"
    return None


def first_block(value: Any) -> Mapping[str, Any]:
    """A nested block's attributes: HCL and plans both give blocks as a list of objects; the first one counts."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    if isinstance(value, Mapping):
        return value
    return {}


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """Every block of a repeated nested block (a list of objects, or one object)."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    if isinstance(value, Mapping):
        return [value]
    return []
