"""Workload sections outside decider/workload.py: the section base, and ``network`` with ``traffic.front_door``:
what a real bill has besides compute.

Every field is optional and defaults to nothing billed (no NAT gateway, no data out, no logs; each default is
reported as an assumption), so a workload that leaves the section out gets today's bill; the cost model prices what is
given (decider/cost/network.py).
"""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

import typing
from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

#: What answers the workload's requests: API Gateway (HTTP or REST API), an Application Load Balancer, a Lambda
#: function URL, or nothing billed (an internal caller). Not given: API Gateway HTTP API for Lambda, a load balancer
#: for containers.
FrontDoorChoice = Literal["http-api", "rest-api", "alb", "function-url", "none"]
#: The protocols a front door answers: a client's requests, or its connections (decider/cost/sizing.py front_door).
HTTP_PROTOCOLS = frozenset({"http", "grpc", "websocket"})
#: The protocols of a listener that answers clients (a service), against work taken off a queue or started by a
#: schedule: copies are kept up to answer (decider/cost/capacity.py ``scaling_of``), and a burst of such clients waits
#: for an answer (decider/defaults_said.py ``burst_copies``).
SERVING_PROTOCOLS = frozenset({"http", "grpc", "websocket", "tcp", "udp"})


class Section(BaseModel):
    """A workload section: frozen, no unknown fields, and true/false is never read as a number."""

    # NaN is not a quantity. Validators are built on first use, not at import: a section is validated inside the
    # workload, whose one validator (decider/workload.py) holds every section's.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic's lax mode reads true as 1: `memory_mb: yes` must be an error, not a 1 MB function.
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if set(typing.get_args(annotation) or (annotation,)) & {int, float}:
                raise PydanticCustomError("number_type", "must be a number, not true/false")
        return value

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` laid over it, unvalidated like Pydantic's own; a shallow copy is built directly (a
        section has no extra fields; its private attributes are copied), as the counterfactual search makes many."""
        if deep:
            return super().model_copy(update=update, deep=deep)
        cls = type(self)
        copied = cls.__new__(cls)
        values = self.__dict__.copy()
        fields_set = set(self.__pydantic_fields_set__)
        if update:
            values.update(update)
            fields_set.update(update)
        object.__setattr__(copied, "__dict__", values)
        object.__setattr__(copied, "__pydantic_fields_set__", fields_set)
        object.__setattr__(copied, "__pydantic_extra__", None)
        private = self.__pydantic_private__
        object.__setattr__(copied, "__pydantic_private__", None if private is None else dict(private))
        return copied


class Network(Section):
    """Where the workload sends its traffic and logs; every figure a month."""

    vpc: bool = Field(False, description="Runs inside a VPC. Containers always do; a Lambda function only when true.")
    nat_gateways: int = Field(
        0,
        ge=0,
        le=100,
        description="NAT gateways the workload needs (one per Availability Zone); 0 when it reaches nothing outside "
        "the VPC or uses VPC endpoints.",
    )
    egress_gb_per_month: float = Field(0, ge=0, le=1e9, description="Data sent out to the internet, GB a month.")
    logs_gb_per_month: float = Field(
        0, ge=0, le=1e9, description="Log volume ingested into CloudWatch Logs, GB a month."
    )
    own_load_balancer: bool = Field(
        False,
        description="The workload gets a load balancer of its own even on a cluster the team runs already "
        "(team.current_platform): a Kubernetes Service of type LoadBalancer, an Ingress or a template that makes one "
        "for it alone. Its hours are billed to the workload; false: it joins the cluster's shared load balancer, "
        "whose hours are already paid.",
    )


def door_moves(given: Any, resolved: Any, change: Mapping[str, Any]) -> bool:
    """Whether a front door changed (in ``change``, dotted paths) moves a default of the workload ``given`` (resolved
    as ``resolved``): event work given no protocols arrives over HTTP when a door is named, off a queue when none is
    (decider/workload.py ``resolve_defaults``)."""
    return "traffic.front_door" in change and given.traffic.protocols is None and resolved.traffic.pattern == "event"
