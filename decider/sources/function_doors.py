"""The front door a function's triggers say its requests come through: an API Gateway REST API's method, an HTTP API's
integration, a load balancer's target group or a function URL, each naming the function in the same template or
configuration (decider/sources/triggers.py, terraform_triggers.py).

One such door other than an HTTP API is ``traffic.front_door``, said as an assumption, so the bill prices the door the
files build, not decider's default for a function (an HTTP API, or a function URL for long requests): a REST API costs
$3.50 a million requests where an HTTP API costs $1.00 (https://aws.amazon.com/api-gateway/pricing/). An HTTP API is
that default already, and left unset: the other targets are then priced behind their own default, a load balancer, as
they are for any function (a door set is kept in front of every target). With several doors, the one carrying most
requests is not known: none is set, and the assumption says which they are. A front door given already (SAM's ``Api``
event, a usage file) stands.
"""

from __future__ import annotations

from collections.abc import Iterable

from decider.sources.imported import ImportedWorkload

#: The resources that name a function as their target → the front door they are.
DOORS: dict[str, str] = {
    "AWS::ApiGateway::Method": "rest-api",
    "AWS::ApiGatewayV2::Integration": "http-api",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "alb",
    "AWS::Lambda::Url": "function-url",
    "aws_api_gateway_integration": "rest-api",
    "aws_apigatewayv2_integration": "http-api",
    "aws_lb_target_group_attachment": "alb",
    "aws_lambda_function_url": "function-url",
}


def set_door(workload: ImportedWorkload, senders: Iterable[str]) -> None:
    """``traffic.front_door`` from the resource types that send the function requests (``senders``), when they name
    one door and none is given already."""
    found = {sender: DOORS[sender] for sender in senders if sender in DOORS}
    doors = sorted(set(found.values()))
    if not doors or workload.get("traffic.front_door") is not None:
        return
    if doors == ["http-api"]:
        return
    if len(doors) == 1:
        workload.set("traffic.front_door", doors[0])
        workload.assume(f"its requests come through {', '.join(sorted(found))}: traffic.front_door {doors[0]}")
        return
    each = ", ".join(f"{sender} ({door})" for sender, door in sorted(found.items()))
    workload.assume(
        f"its requests come through several front doors ({each}), and which carries most is not known: priced behind "
        "decider's default (give traffic.front_door in the usage file)"
    )
