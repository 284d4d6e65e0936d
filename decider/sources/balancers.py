"""Whether an ECS service's load balancer is its own: a template (or Terraform configuration) that defines one load
balancer and one ECS service behind a load balancer gives the service that load balancer, whose hours are billed to it
even on the cluster the team runs (``network.own_load_balancer``). With more of either, which serves which is not
read (listener rules, target groups), and the service joins the cluster's shared one, as on any existing cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.terraform_model import Resource, blocks

#: CloudFormation's load balancer type (Application and Network Load Balancers alike):
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html
TEMPLATE_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def template_balancers(resources: Mapping[str, Any]) -> tuple[int, int]:
    """A CloudFormation template's load balancers, and its ECS services with ``LoadBalancers``."""
    items = [item for item in resources.values() if isinstance(item, Mapping)]
    balancers = sum(1 for item in items if item.get("Type") == TEMPLATE_BALANCER)
    fronted = sum(
        1
        for item in items
        if item.get("Type") == "AWS::ECS::Service"
        and isinstance(item.get("Properties"), Mapping)
        and item["Properties"].get("LoadBalancers")
    )
    return balancers, fronted


def configuration_balancers(resources: Sequence[Resource]) -> tuple[int, int]:
    """A Terraform configuration's load balancers (``aws_lb``, ``aws_alb``), and its ECS services with a
    ``load_balancer`` block."""
    balancers = sum(1 for item in resources if item.type in ("aws_lb", "aws_alb"))
    fronted = sum(
        1 for item in resources if item.type == "aws_ecs_service" and blocks(item.values.get("load_balancer"))
    )
    return balancers, fronted


def own_balancer(workload: ImportedWorkload, balancers: int, fronted: int) -> None:
    """One load balancer defined and one service behind a load balancer: the load balancer is the service's own."""
    if balancers == 1 and fronted == 1 and workload.get("network.own_load_balancer") is None:
        workload.set("network.own_load_balancer", True)
        workload.assume(
            "the one load balancer this template defines is in front of this one service: its own, billed to it even "
            "on an existing cluster (network.own_load_balancer)"
        )
