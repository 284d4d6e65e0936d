"""Compute resources decider does not read yet, listed as skipped with why rather than passed over in silence (a
review that says "0 workloads" of a template holding a service misleads; real-repositories audit, F3).

ECS Express Mode services (``AWS::ECS::ExpressGatewayService``, ``aws_ecs_express_gateway_service``): ECS provisions
their Application Load Balancer, target groups and scaling policies itself:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-expressgatewayservice.html.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_EXPRESS = (
    "an ECS Express Mode service, which decider does not read yet: not reviewed (describe it in a workload file, "
    "current_platform ecs, to review it)"
)
#: Resource types (CloudFormation and Terraform) that run compute decider does not read, and why they are skipped.
UNREAD: Mapping[str, str] = {
    "AWS::ECS::ExpressGatewayService": _EXPRESS,
    "aws_ecs_express_gateway_service": _EXPRESS,
}


def unread_resources(template: Mapping[str, Any]) -> list[str]:
    """The CloudFormation template's resources of a type in ``UNREAD``, each said with its logical id and why."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return []
    return [
        f"{logical_id} ({resource['Type']}): {UNREAD[resource['Type']]}"
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and isinstance(resource.get("Type"), str) and resource["Type"] in UNREAD
    ]
