"""Other words people use for a workload's choices, field by field: "did you mean" goes by meaning before spelling
(``bursty`` is ``spiky``, ``k8s`` is ``eks``, ``sqs`` is a ``queue``), where spelling alone would suggest nothing or
the wrong value.

Each word (compared in lower case, without separators: ``API Gateway`` is ``apigateway``) names the value meant, or
a ``Meant`` with a note to add to the message; a ``Meant`` with no value says why no value is meant (an NLB is not
an ALB). decider/errors.py (``unknown_choice``) reads them; the workload's wording passes each field's.
"""

from __future__ import annotations

from collections.abc import Mapping

from decider.errors import Meant

_REST_API = "an API Gateway REST API is rest-api"
_WEBSOCKET = (
    "WebSocket work is traffic.protocols [websocket] with traffic.front_door left out: AWS Lambda is then priced "
    "behind an API Gateway WebSocket API, containers behind an Application Load Balancer (a REST API has no WebSockets)"
)
_QUEUE = (
    "work taken off a queue or an event bus has no front door: describe it as traffic.protocols [queue] and leave "
    "traffic.front_door out"
)
_SCHEDULE = (
    "work started by a schedule has no front door: describe it as traffic.protocols [schedule] (or traffic.pattern "
    "scheduled) and leave traffic.front_door out"
)
_JOB = "a job run on a timetable is scheduled; one started by hand or by a pipeline is batch"
_NLB = (
    "an NLB is not an ALB: describe TCP or UDP work as traffic.protocols [tcp] or [udp] and leave traffic.front_door "
    "out (the containers are then priced behind a Network Load Balancer)"
)

SYNONYMS: Mapping[str, Mapping[str, str | Meant]] = {
    "traffic.protocols": {
        "ws": "websocket", "wss": "websocket", "https": "http", "cron": "schedule",
        "sqs": "queue", "sns": "queue", "kafka": "queue", "kinesis": "queue", "eventbridge": "queue",
    },
    "traffic.pattern": {
        "bursty": "spiky", "burst": "spiky", "constant": "steady", "flat": "steady", "daily": "diurnal",
        "cron": "scheduled", "events": "event", "stream": "event", "streaming": "event", "queue": "event",
        "periodic": "scheduled", "nightly": "scheduled", "timer": "scheduled", "job": Meant("batch", _JOB),
    },
    "traffic.front_door": {
        "api-gateway": Meant("http-api", _REST_API), "apigw": Meant("http-api", _REST_API),
        "lambda-url": "function-url", "url": "function-url", "elb": "alb", "load-balancer": "alb",
        "nlb": Meant(None, _NLB), "network-load-balancer": Meant(None, _NLB),
        "websocket": Meant(None, _WEBSOCKET), "websocket-api": Meant(None, _WEBSOCKET), "ws": Meant(None, _WEBSOCKET),
        "wss": Meant(None, _WEBSOCKET),
        "queue": Meant(None, _QUEUE), "sqs": Meant(None, _QUEUE), "sns": Meant(None, _QUEUE),
        "eventbridge": Meant(None, _QUEUE), "kafka": Meant(None, _QUEUE), "kinesis": Meant(None, _QUEUE),
        "schedule": Meant(None, _SCHEDULE), "scheduler": Meant(None, _SCHEDULE), "cron": Meant(None, _SCHEDULE),
    },
    "team.current_platform": {
        "kubernetes": "eks", "k8s": "eks", "fargate": "ecs", "ec2-instances": "ec2", "vm": "ec2",
        "serverless": "lambda", "ecs-fargate": "ecs", "ecs-managed-instances": "ecs", "managed-instances": "ecs",
        "ecs-ec2": "ecs", "eks-fargate": "eks", "eks-auto-mode": "eks",
    },
    "team.ops_capacity": {"none": "low", "minimal": "low", "small": "low", "large": "high"},
    "team.kubernetes_experience": {
        "low": "none", "no": "none", "beginner": "none", "medium": "some", "high": "expert", "advanced": "expert",
    },
    "preferences.optimize_for": {
        "price": "cost", "cheap": "cost", "cheapest": "cost", "money": "cost", "simple": "simplicity",
        "ease": "simplicity",
    },
    "preferences.savings_plan": {"ec2": "ec2-instance"},
}  # fmt: skip
