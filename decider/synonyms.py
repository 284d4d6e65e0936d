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
        "cron": "scheduled", "events": "event",
    },
    "traffic.front_door": {
        "api-gateway": Meant("http-api", _REST_API), "apigw": Meant("http-api", _REST_API),
        "lambda-url": "function-url", "url": "function-url", "elb": "alb", "load-balancer": "alb",
        "nlb": Meant(None, _NLB), "network-load-balancer": Meant(None, _NLB),
    },
    "team.current_platform": {
        "kubernetes": "eks", "k8s": "eks", "fargate": "ecs", "ec2-instances": "ec2", "vm": "ec2",
        "serverless": "lambda",
    },
    "preferences.optimize_for": {
        "price": "cost", "cheap": "cost", "cheapest": "cost", "money": "cost", "simple": "simplicity",
        "ease": "simplicity",
    },
    "preferences.savings_plan": {"ec2": "ec2-instance"},
}  # fmt: skip
