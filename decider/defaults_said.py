"""How resolving a workload's defaults (decider/workload.py ``resolve_defaults``) says two choices that size and front
every target: the CPU of a container copy when ``runtime.vcpu`` is not given, and the front door priced when
``traffic.front_door`` is not. Neither fills a field (the vCPUs stay unset, so Lambda is sized by memory alone; the
door is each target's own), so each is an assumption said, not a default value."""

from __future__ import annotations

from collections.abc import Collection

from decider.network import HTTP_PROTOCOLS

#: Lambda's largest memory setting, MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html): a
#: copy with more has no function of the same work for its assumed CPU to match (decider/facts.py).
LAMBDA_MAX_MEMORY_MB = 10240.0


def vcpu_assumption(memory_mb: float) -> str:
    """What a container copy's CPU is taken to be with no ``runtime.vcpu`` (decider/facts.py ``container_vcpu_for``)."""
    if memory_mb > LAMBDA_MAX_MEMORY_MB:
        return (
            "runtime.vcpu not given: memory_mb is past Lambda's largest function (10,240 MB), so a container copy gets "
            "the smallest Fargate CPU size that holds memory_mb (past 244 GB, 1 vCPU per 8 GiB), and no less than the "
            "CPU of that function (about 5.8 vCPU, rounded to the nearest Fargate CPU size: 8, or 4 for Windows); "
            "give runtime.vcpu when the work needs another"
        )
    return (
        "runtime.vcpu not given: Lambda sized by memory_mb alone; a container copy gets the CPU Lambda gives that "
        "memory (memory_mb ÷ 1,769 MB per vCPU, rounded to the nearest Fargate CPU size), so both do the same work"
    )


def front_door_assumption(protocols: Collection[str]) -> str | None:
    """The doors priced with no ``traffic.front_door`` named, for a workload a door answers; None for one it does not
    (a queue consumer, a job, a raw TCP or UDP listener behind a Network Load Balancer)."""
    if not HTTP_PROTOCOLS & set(protocols):
        return None
    containers = "containers behind an Application Load Balancer; each target's sizing names its door"
    if "websocket" in protocols:
        return f"traffic.front_door not given: AWS Lambda priced behind an API Gateway WebSocket API, {containers}"
    if "http" not in protocols:  # gRPC alone: no door carries it to a function (limits.lambda-grpc-only)
        return f"traffic.front_door not given: {containers}"
    return (
        "traffic.front_door not given: AWS Lambda priced behind an API Gateway HTTP API (a Lambda function URL when a "
        f"request and a cold start come near the HTTP API's 30 s timeout or bodies pass 6 MB), {containers}"
    )
