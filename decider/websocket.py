"""The defaults of a WebSocket workload's connections: how many are open, and how many one container copy holds.

A WebSocket server keeps every client's connection open between messages: its container copies must hold them all,
whatever the message rate. Lambda runs per message behind an API Gateway WebSocket API, which holds the connections
(decider/cost/sizing.py), so only container copies are sized by them (``Facts.connection_copies``).
"""

from __future__ import annotations

from typing import Any

#: The most open connections one container copy can hold: a Fargate container's default open-file limit (``nofile``
#: 65,535, soft and hard; every connection is a file descriptor). ECS task definition Ulimit:
#: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html. A ceiling, not a capacity.
MAX_CONNECTIONS_PER_COPY = 65_535
#: Memory one open connection takes, for the connections a copy holds when the workload does not say: kernel socket
#: buffers and the server's own state per client. decider's estimate (servers commonly take 10-50 KB an idle
#: connection, more with per-client state), not an AWS figure: 512 MB holds 8,192, and 4 GB reaches the ceiling.
KB_PER_CONNECTION = 64


def default_connections_per_copy(memory_mb: float) -> int:
    """The open connections a copy of ``memory_mb`` holds when the workload does not say: its memory at
    ``KB_PER_CONNECTION`` each, up to the open-file ceiling."""
    return max(1, min(MAX_CONNECTIONS_PER_COPY, int(memory_mb * 1024 // KB_PER_CONNECTION)))


#: Messages a month ÷ seconds a month × this = connections open when none are given (a message a minute per client).
MESSAGES_PER_CLIENT_SECOND = 60


def connection_defaults(
    traffic: Any,
    runtime: Any,
    websocket: bool,
    rate: float,
    assumptions: list[str],
    defaults: list[tuple[str, Any]],
) -> tuple[float | None, int | None]:
    """The open connections (``traffic.connections``) and the connections a copy holds
    (``runtime.connections_per_copy``), each assumed and reported when a WebSocket workload does not give it;
    unchanged for other workloads. ``rate`` is the average messages a second."""
    connections: float | None = traffic.connections
    per_copy: int | None = runtime.connections_per_copy
    if not websocket:
        return connections, per_copy
    if connections is None:
        connections = max(1.0, float(round(rate * MESSAGES_PER_CLIENT_SECOND)))
        assumptions.append(
            f"traffic.connections not given: assumed {connections:,.0f} open WebSocket connections "
            "(each client sends about one message a minute)"
        )
        defaults.append(("traffic.connections", connections))
    if per_copy is None:
        per_copy = default_connections_per_copy(runtime.memory_mb)
        bound = (
            "its memory at 64 KB a connection, decider's estimate"
            if per_copy < MAX_CONNECTIONS_PER_COPY
            else "a Fargate container's default open-file limit, though its memory would hold more at 64 KB each"
        )
        assumptions.append(
            f"runtime.connections_per_copy not given: assumed a container copy holds up to {per_copy:,} open "
            f"connections ({bound})"
        )
        defaults.append(("runtime.connections_per_copy", per_copy))
    return connections, per_copy
