"""A minimum of copies that does not do what it says: a job's runs keep none up, and a service that answers clients
scaled to no copy fails them until one has started. Each is said as a warning (decider/input_checks.py)."""

from __future__ import annotations

from collections.abc import Set

from decider.cost.doors import CLIENT_PROTOCOLS
from decider.workload import JOB_PATTERNS, Workload

#: Protocols a Network Load Balancer carries to the copies (a connection, or a flow): a service that answers clients.
STREAM_PROTOCOLS = frozenset({"tcp", "udp"})


def min_copies_checks(workload: Workload, protocols: Set[str]) -> list[str]:
    """``runtime.min_copies`` given for runs of a job (unused), or 0 for a service that answers clients."""
    kept, traffic, found = workload.runtime.min_copies, workload.traffic, []
    if kept and traffic.pattern in JOB_PATTERNS and not workload.runtime.long_running:
        # A job's run starts its own copy and stops it (decider/cost/capacity.py, per-run): nothing is kept up
        found.append(
            f"runtime.min_copies ({kept}) is the copies a service keeps running, and traffic.pattern "
            f"{traffic.pattern} runs one copy per run, started for it and stopped after: it is not used. If copies "
            "stay up between runs, the work is a service (give its pattern, or runtime.long_running: true)."
        )
    if kept != 0 or traffic.pattern in JOB_PATTERNS:
        return found
    if CLIENT_PROTOCOLS & protocols:
        # An ALB answers 503 while its target group has no registered target; ECS and Kubernetes start no copy on a
        # request (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html)
        found.append(
            f"runtime.min_copies is 0 for a service that answers clients (traffic.protocols: "
            f"{', '.join(sorted(CLIENT_PROTOCOLS & protocols))}): an ECS service or a Kubernetes Deployment scaled to "
            "zero starts no copy when a request arrives, so the load balancer answers 503 until the scaling alarm has "
            "started one, minutes later. The container bills take the service down to no copy while idle; give "
            "runtime.min_copies 1 or more if every request must be answered (AWS Lambda starts one per request)."
        )
    elif STREAM_PROTOCOLS & protocols:
        # A Network Load Balancer forwards a connection or a flow only to a registered target, and ECS service auto
        # scaling has no predefined metric for its load: CPU, memory and an ALB's request count
        # (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html)
        found.append(
            f"runtime.min_copies is 0 for a service that answers clients (traffic.protocols: "
            f"{', '.join(sorted(STREAM_PROTOCOLS & protocols))}): with no copy running, the Network Load Balancer "
            "has no target to forward a connection to, so clients' connections fail until a copy has started, and "
            "ECS service auto scaling has no predefined metric for a Network Load Balancer's load, so starting one "
            "from zero needs an alarm of your own. The container bills take the service down to no copy while idle; "
            "give runtime.min_copies 1 or more if every connection must be answered."
        )
    return found
