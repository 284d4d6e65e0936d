"""Workload sections outside decider/workload.py: the section base, and ``network`` with ``traffic.front_door``:
what a real bill has besides compute.

Every field is optional and defaults to nothing billed (no NAT gateway, no data out, no logs; each default is
reported as an assumption), so a workload that leaves the section out gets today's bill; the cost model prices what is
given (decider/cost/network.py).
"""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

#: What answers the workload's requests: API Gateway (HTTP or REST API), an Application Load Balancer, a Lambda
#: function URL, or nothing billed (an internal caller). Not given: API Gateway HTTP API for Lambda, a load balancer
#: for containers.
FrontDoorChoice = Literal["http-api", "rest-api", "alb", "function-url", "none"]


class Section(BaseModel):
    """A workload section: frozen, no unknown fields, and true/false is never read as a number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic's lax mode reads true as 1: `memory_mb: yes` must be an error, not a 1 MB function.
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if set(typing.get_args(annotation) or (annotation,)) & {int, float}:
                raise PydanticCustomError("number_type", "must be a number, not true/false")
        return value


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
