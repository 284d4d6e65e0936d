"""Sentences a review adds to a verdict from what reading the source found: why a workload's traffic is not known
(a schedule that cannot be read, work started by something with no rate), and what moving a gRPC service to Lambda
takes (the shipped rules keep Lambda out of a gRPC-only service, limits.lambda-grpc-only; an organisation's rules that
disable it, having a translation layer of their own, get the sentence).

The reasons for unknown traffic are the source's own assumptions, found by the marker each opens with
(decider/sources/schedule.py), so the verdict, the JSON and the terminal table all say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

from decider.rules.model import Ruleset
from decider.sources.schedule import NO_RATE, NOT_READ
from decider.workload import Workload

#: The markers of the source assumptions that say why a workload's traffic is not known.
UNKNOWN_TRAFFIC_MARKERS = (NOT_READ, NO_RATE)

#: Why a Lambda function cannot serve gRPC as it is: every HTTP front door invokes it with the request as a JSON event
#: and takes a JSON response (API Gateway's payload format; a function URL uses the same; an Application Load Balancer
#: passes the request "in JSON format", and a target group's protocol does not apply to a Lambda target).
GRPC_ON_LAMBDA = (
    "It serves only gRPC, and Lambda does not: API Gateway, a function URL and an Application Load Balancer invoke a "
    "function with the HTTP request as a JSON event "
    "(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html, "
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html), so moving to Lambda "
    "means replacing gRPC with HTTP/JSON for its callers, or a gRPC-to-HTTP translation layer in front."
)


def unknown_traffic_reasons(assumptions: Sequence[str]) -> tuple[str, ...]:
    """The sentences, from the marker on and capitalised, of the source assumptions that say why the traffic is not
    known (``Schedule not read: 'rate(5 minute)': …``)."""
    found: list[str] = []
    for note in assumptions:
        starts = [note.find(marker) for marker in UNKNOWN_TRAFFIC_MARKERS if marker in note]
        if starts:
            text = note[min(starts) :]
            found.append(f"{text[:1].upper()}{text[1:].rstrip('.')}.")
    return tuple(found)


def grpc_only(workload: Workload) -> bool:
    """Whether the workload serves gRPC and nothing else a request arrives by."""
    return tuple(workload.protocols) == ("grpc",)


def grpc_why(workload: Workload, ruleset: Ruleset, recommended: str | None, current: Sequence[str]) -> str:
    """The sentence a verdict recommending a move to Lambda ends with when the workload serves only gRPC; empty
    otherwise (the recommendation is not Lambda, or it runs on Lambda already)."""
    if recommended is None or recommended not in ruleset.target_ids or not grpc_only(workload):
        return ""
    if ruleset.platform_of(recommended) != "lambda" or recommended in current:
        return ""
    return " " + GRPC_ON_LAMBDA
