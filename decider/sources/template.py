"""Reading CloudFormation values: literals versus intrinsic functions, references, and traffic from triggers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from decider.sources.document import is_intrinsic
from decider.sources.imported import ImportedWorkload

#: What a workload whose source names no event source is told; withdrawn once a usage file gives its traffic.
NO_EVENT_SOURCE = "no event source found: traffic pattern and volume are unknown (give them in the usage file)"
#: What it is told instead once a usage file gives the volume alone.
PATTERN_UNKNOWN = "no event source found: the traffic pattern is unknown (give traffic.pattern in the usage file)"
#: Protocols a long-lived service listens on.
SERVED_PROTOCOLS = frozenset({"http", "grpc", "websocket", "tcp", "udp"})
#: What reading a function's trigger as an API Gateway WebSocket API means for its bill.
WEBSOCKET_READ = (
    "read as traffic.protocols [websocket], priced behind an API Gateway WebSocket API (messages and "
    "connection-minutes; give traffic.connections, the clients connected at once, in the usage file)"
)


def set_traffic(
    workload: ImportedWorkload, protocols: list[str], runs: float | None, *, http_is_spiky: bool = True
) -> None:
    """Pattern and protocols from how work arrives: HTTP to a function is spiky, queues and streams are events,
    schedules run jobs. HTTP to a long-lived service behind a load balancer says nothing about its shape, nor does the
    protocol a container's port names (already in ``traffic.protocols``): the pattern comes from ``protocols``, the
    sources of work found, alone."""
    known = list(workload.get("traffic.protocols") or [])
    for protocol in protocols:
        if protocol not in known:
            known.append(protocol)
    if not known:
        workload.assume(NO_EVENT_SOURCE)
        return
    workload.set("traffic.protocols", known)
    if not protocols:
        return  # only the ports' protocols: how requests arrive, not how many or when
    if set(known) & SERVED_PROTOCOLS and not http_is_spiky:
        return  # a service's listeners say how requests arrive, not their shape
    pattern = "spiky" if {"http", "websocket"} & set(protocols) else "event" if "queue" in protocols else "scheduled"
    workload.set("traffic.pattern", pattern)
    if runs is not None and pattern == "scheduled":
        workload.set("traffic.requests_per_month", runs)


def run_on_demand(workload: ImportedWorkload, listens: bool | None) -> None:
    """A task definition (a template's, or an ECS task definition file) that no service runs, no schedule starts and
    that listens on no port: what starts it is RunTask (from code, a state machine, an event rule), so each start is
    one run of a job, not a service's always-on copies behind a load balancer. With a port it is read as a service's
    task, its traffic not known; one whose starts were read already (a schedule, an event pattern, a state machine)
    is left as read. ``listens`` None: its containers are not known here, so neither is whether it listens, and its
    traffic is left unknown rather than read as a job's."""
    if workload.get("traffic.pattern") is not None:
        return
    if listens is None:
        set_traffic(workload, [], None)
        workload.assume(
            "its container definitions are not known until Terraform runs, so whether it listens on a port (a "
            "service's task) or not (a job started on demand) is not known: give its traffic in the usage file"
        )
        return
    if listens or workload.get("traffic.protocols"):
        set_traffic(workload, [], None)
        return
    workload.set("traffic.pattern", "batch")
    workload.set("traffic.protocols", ["schedule"])
    workload.assume(
        "no service runs it, no schedule starts it and it listens on no port: read as a job started on demand "
        "(RunTask); give its runs a month in the usage file"
    )


def literal(workload: ImportedWorkload, properties: Mapping[str, Any], key: str) -> Any:
    """A property's literal value; an intrinsic function is unknown until deployment and reads as None."""
    value = key_of(properties, key)
    if is_intrinsic(value):
        workload.assume(
            f"{key} is {describe_value(value)}, not a literal: treated as unknown (give it in the usage file)"
        )
        return None
    return value


def number_of(value: Any) -> float | None:
    """A number given as a number or, as CloudFormation accepts it, as a numeric string (``Timeout: '30'``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def key_of(mapping: Mapping[str, Any], key: str) -> Any:
    """``key`` in CloudFormation's PascalCase, or in the camelCase of ECS's own JSON."""
    if key in mapping:
        return mapping[key]
    return mapping.get(key[:1].lower() + key[1:])


def reference(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    return None


def mentions(value: Any, logical_id: str) -> bool:
    """Whether a property value refers to ``logical_id`` (Ref, GetAtt, Sub, or the bare name), with or without an
    attribute (``!GetAtt X.Arn``, ``!Ref X.Alias``, ``${X.Arn}``)."""
    if isinstance(value, str):
        pattern = r"\$\{" + re.escape(logical_id) + r"(\.[A-Za-z]+)?\}"
        return value == logical_id or re.search(pattern, value) is not None
    if isinstance(value, dict):
        ref = value.get("Ref")
        if isinstance(ref, str) and (ref == logical_id or ref.split(".", 1)[0] == logical_id):
            return True  # SAM's `!Ref Function.Alias` and `!Ref Function.Version` name the function too
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and attribute[0] == logical_id:
            return True
        if isinstance(attribute, str) and attribute.split(".", 1)[0] == logical_id:
            return True
        return any(mentions(item, logical_id) for item in value.values())
    if isinstance(value, list):
        return any(mentions(item, logical_id) for item in value)
    return False


def describe_value(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        key, argument = next(iter(value.items()))
        shown = argument if isinstance(argument, str) else "…"
        return f"{key} {shown}" if key == "Ref" else f"{key}({shown})"
    return repr(value)
