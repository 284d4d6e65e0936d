"""What sends work to a Lambda function from elsewhere in the same template, and what kind of work it is.

Each trigger is a protocol (``http``, ``websocket`` for an API Gateway WebSocket API, ``queue``, ``schedule``) or
``deploy``: a custom resource or a macro, which CloudFormation invokes while it deploys the stack, never in the
stack's own traffic. A function is found by any form of reference (``!Ref F``, ``!Ref F.Alias``, ``!GetAtt F.Arn``,
``${F.Arn}``); see docs/review.md for the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from decider.sources.schedule import disabled
from decider.sources.template import mentions, reference

#: Resource type → (the property that names the function, the kind of work it sends).
_NAMED_BY: dict[str, tuple[str, str]] = {
    "AWS::Lambda::EventSourceMapping": ("FunctionName", "queue"),
    "AWS::Lambda::Url": ("TargetFunctionArn", "http"),
    "AWS::CloudFormation::Macro": ("FunctionName", "deploy"),
    "AWS::CloudFormation::CustomResource": ("ServiceToken", "deploy"),
    "AWS::ApiGateway::Authorizer": ("AuthorizerUri", "http"),
    "AWS::ApiGatewayV2::Authorizer": ("AuthorizerUri", "http"),
    "AWS::ApiGatewayV2::Integration": ("IntegrationUri", "http"),
    "AWS::ApiGateway::Method": ("Integration", "http"),
    "AWS::SNS::Subscription": ("Endpoint", "queue"),
    "AWS::SNS::Topic": ("Subscription", "queue"),
    "AWS::S3::Bucket": ("NotificationConfiguration", "queue"),
    "AWS::Pipes::Pipe": ("Target", "queue"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("Targets", "http"),
    "AWS::AppSync::DataSource": ("LambdaConfig", "http"),
    "AWS::Cognito::UserPool": ("LambdaConfig", "queue"),
    "AWS::Lambda::EventInvokeConfig": ("DestinationConfig", "queue"),
    "AWS::StepFunctions::StateMachine": ("Definition", "queue"),
    "AWS::Serverless::StateMachine": ("Definition", "queue"),
    "AWS::Serverless::Api": ("Auth", "http"),
    "AWS::Serverless::HttpApi": ("Auth", "http"),
}
#: More properties that name a function for some of those types (a definition as a string, its substitutions).
_ALSO_NAMED_BY: dict[str, tuple[str, ...]] = {
    "AWS::StepFunctions::StateMachine": ("DefinitionString", "DefinitionSubstitutions"),
    "AWS::Serverless::StateMachine": ("DefinitionSubstitutions", "DefinitionUri"),
}
#: The resources of an API Gateway (v2) API that name a function and the API they belong to (``ApiId``): an API whose
#: ``ProtocolType`` is ``WEBSOCKET`` sends its clients' messages, not HTTP requests.
_OF_AN_API = frozenset({"AWS::ApiGatewayV2::Integration"})
#: A function's own properties that send its results to another function (an on-success or on-failure destination).
_DESTINATION = "EventInvokeConfig"


def triggers(function_id: str, resources: Mapping[str, Any]) -> Iterator[tuple[str, object, str]]:
    """(kind, the schedule expression for a schedule, the resource type) for each resource that sends work to it; a
    disabled schedule is ("off", its logical id, the rule and how it is off)."""
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or logical_id == function_id:
            continue
        kind = str(resource.get("Type", ""))
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        if kind.startswith("Custom::") and mentions(properties.get("ServiceToken"), function_id):
            yield "deploy", None, kind
        elif kind in _NAMED_BY:
            key, work = _NAMED_BY[kind]
            named = [properties.get(key), *(properties.get(more) for more in _ALSO_NAMED_BY.get(kind, ()))]
            if any(mentions(value, function_id) for value in named):
                api = reference(properties.get("ApiId")) if kind in _OF_AN_API else None
                if api in websocket_apis(resources):
                    yield "websocket", None, f"{kind} {logical_id} of WebSocket API {api}"
                else:
                    yield work, None, kind
        elif kind == "AWS::Lambda::Permission" and mentions(properties.get("FunctionName"), function_id):
            if properties.get("Principal") == "apigateway.amazonaws.com":
                apis = [api for api in websocket_apis(resources) if mentions(properties.get("SourceArn"), api)]
                if apis:
                    yield "websocket", None, f"{kind} {logical_id} for WebSocket API {apis[0]}"
                else:
                    yield "http", None, kind
        elif kind in ("AWS::Events::Rule", "AWS::Scheduler::Schedule") and mentions(
            properties.get("Targets", properties.get("Target")), function_id
        ):
            expression = properties.get("ScheduleExpression")
            off = disabled(properties, "State") if expression else None
            if off is not None:  # a disabled schedule starts nothing: its logical id, to say where it is
                yield "off", logical_id, f"{kind} {logical_id} ({off})"
            else:
                yield ("schedule", expression, kind) if expression else ("queue", None, kind)
        elif kind in ("AWS::Serverless::Function", "AWS::Lambda::Function") and mentions(
            properties.get(_DESTINATION), function_id
        ):
            yield "queue", None, f"{kind} destination"


def websocket_apis(resources: Mapping[str, Any]) -> list[str]:
    """The logical ids of the template's API Gateway WebSocket APIs (``AWS::ApiGatewayV2::Api``, ``ProtocolType:
    WEBSOCKET``): a function they integrate receives its clients' messages over connections they hold open."""
    return [
        str(logical_id)
        for logical_id, resource in resources.items()
        if isinstance(resource, dict)
        and resource.get("Type") == "AWS::ApiGatewayV2::Api"
        and isinstance(resource.get("Properties"), dict)
        and resource["Properties"].get("ProtocolType") == "WEBSOCKET"
    ]
