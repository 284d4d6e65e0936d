"""What sends work to a Lambda function in a Terraform configuration, and what kind of work it is: the resources that
name the function (an event source mapping, a function URL, an S3 notification, a subscription, a target group, a
state machine) and the permissions that let a service invoke it, as CloudFormation's are read
(decider/sources/triggers.py)."""

from __future__ import annotations

from collections.abc import Sequence

from decider.sources.schedule import disabled
from decider.sources.terraform_model import Resource

#: Resources that send work to a function they name, as CloudFormation's do (decider/sources/triggers.py): the
#: attribute (or block) that names it, and the kind of work.
_SENDERS: dict[str, tuple[str, str]] = {
    "aws_s3_bucket_notification": ("lambda_function", "queue"),
    "aws_sns_topic_subscription": ("endpoint", "queue"),
    "aws_lb_target_group_attachment": ("target_id", "http"),
    "aws_sfn_state_machine": ("definition", "queue"),
    "aws_pipes_pipe": ("target", "queue"),
    "aws_cognito_user_pool": ("lambda_config", "queue"),
    "aws_api_gateway_integration": ("uri", "http"),
    "aws_api_gateway_authorizer": ("authorizer_uri", "http"),
    "aws_apigatewayv2_authorizer": ("authorizer_uri", "http"),
    "aws_vpclattice_target_group_attachment": ("target", "http"),
    "aws_cloudwatch_log_subscription_filter": ("destination_arn", "queue"),
    "aws_secretsmanager_secret_rotation": ("rotation_lambda_arn", "queue"),
}
#: The services whose permission to invoke a function says how work reaches it (an ``aws_lambda_permission``, or
#: an ``allowed_triggers`` entry of terraform-aws-modules/lambda): API Gateway and a load balancer send requests,
#: the others events.
_PRINCIPALS: dict[str, str] = {
    "apigateway": "http",
    "elasticloadbalancing": "http",
    "s3": "queue",
    "sns": "queue",
    "sqs": "queue",
    "events": "queue",
    "scheduler": "queue",
    "logs": "queue",
    "iot": "queue",
    "cognito-idp": "queue",
}


def _by_rule(principal: object) -> bool:
    """An EventBridge principal: its permission is granted for a rule or schedule, which is a schedule or events."""
    return isinstance(principal, str) and principal.split(".", 1)[0] in ("events", "scheduler")


def permitted(principal: object) -> str | None:
    """The kind of work a permission's principal (``s3.amazonaws.com``) sends; None for another or unknown one."""
    if not isinstance(principal, str):
        return None
    return _PRINCIPALS.get(principal.split(".", 1)[0])


def triggers(function: Resource, resources: Sequence[Resource]) -> list[tuple[str, object]]:
    """How work reaches a function: each resource that sends it some, as (protocol, its schedule expression for a
    schedule, else None); a disabled schedule as ("off", where it is); a WebSocket API's integration as
    ("websocket", the integration and its API)."""
    return [(protocol, value) for protocol, value, _ in sent_by(function, resources)]


def sent_by(function: Resource, resources: Sequence[Resource]) -> list[tuple[str, object, str]]:
    """``triggers`` with the type of each resource that sends the work (decider/sources/function_doors.py reads the
    front door from it)."""
    owner = function.owner
    found: list[tuple[str, object, str]] = []
    by_rule: list[tuple[str, object, str]] = []  # EventBridge permissions: its rule or schedule says more, if found
    for item in resources:
        kind = item.type
        if kind == "aws_lambda_event_source_mapping" and item.refers_to("function_name", owner):
            found.append(("queue", None, kind))
        elif kind == "aws_lambda_function_url" and item.refers_to("function_name", owner):
            found.append(("http", None, kind))
        elif kind == "aws_lambda_permission" and item.refers_to("function_name", owner):
            sent = permitted(item.values.get("principal"))
            if sent is not None:
                (by_rule if _by_rule(item.values.get("principal")) else found).append((sent, None, kind))
        elif kind == "aws_apigatewayv2_integration" and item.refers_to("integration_uri", owner):
            found.append((*_integration(item, resources), kind))
        elif kind in _SENDERS and item.refers_to(_SENDERS[kind][0], owner):
            if kind != "aws_sns_topic_subscription" or item.values.get("protocol") == "lambda":
                found.append((_SENDERS[kind][1], None, kind))
        elif kind == "aws_cloudwatch_event_target" and item.refers_to("arn", owner):
            found.append((*rule_trigger(item, resources), kind))
        elif kind == "aws_scheduler_schedule" and item.refers_to("target", owner):
            found.append((*scheduler_trigger(item), kind))
    return found or by_rule


def _integration(integration: Resource, resources: Sequence[Resource]) -> tuple[str, object]:
    """An API Gateway (v2) integration: HTTP requests, or ("websocket", the integration and its API) when its
    ``api_id`` refers to an API whose ``protocol_type`` is WEBSOCKET (its clients' messages over open connections)."""
    for api in resources:
        if (
            api.type == "aws_apigatewayv2_api"
            and api.values.get("protocol_type") == "WEBSOCKET"
            and integration.refers_to("api_id", api.address)
        ):
            return "websocket", f"{integration.address} of WebSocket API {api.address}"
    return "http", None


def scheduler_trigger(schedule: Resource) -> tuple[str, object]:
    """A Scheduler schedule: its expression, or ("off", the schedule said with its file and line) when disabled."""
    state = disabled(schedule.values, "state")
    return ("off", off_at(schedule, state)) if state else ("schedule", schedule.values.get("schedule_expression"))


def off_at(resource: Resource, state: str) -> str:
    return f"{resource.address} ({state}) at {resource.file}:{resource.line}"


def rule_trigger(target: Resource, resources: Sequence[Resource]) -> tuple[str, object]:
    """An EventBridge target's rule: a schedule (runs a month), ("off", the rule said with its file and line) for a
    disabled schedule, or an event pattern (events, as from a queue)."""
    for rule in resources:
        if rule.type == "aws_cloudwatch_event_rule" and target.refers_to("rule", rule.owner):
            expression = rule.values.get("schedule_expression")
            if isinstance(expression, str) and expression:  # an empty one is no schedule
                state = disabled(rule.values, "state", "is_enabled")
                return ("off", off_at(rule, state)) if state else ("schedule", expression)
    return "queue", None
