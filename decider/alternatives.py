"""Plausible other values of a workload field, for the searches that try them: the advice's counterfactuals
(decider/advice.py) and the review's decisive assumptions (decider/review_evidence.py)."""

from __future__ import annotations

import typing
from typing import Any

from decider.workload import DEFAULT_AVG_DURATION_CAP_MS, JOB_PATTERNS, SECTIONS, Workload

AVERAGE = "runtime.avg_duration_ms"
MEMORY = "runtime.memory_mb"
VCPU = "runtime.vcpu"
MIN_COPIES = "runtime.min_copies"
WARM = "runtime.provisioned_concurrency"
PATTERN = "traffic.pattern"
LONGEST = "runtime.max_duration_s"
#: Lambda's longest invocation, 15 minutes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
LAMBDA_TIMEOUT_S = 900.0
#: A job's longest run tried when it was assumed short: an hour, a nightly export's or ETL's length (decider's
#: choice, not an AWS figure). ×10 of an assumed 1 s run (10 s) never reaches Lambda's 15 minutes, the limit that
#: decides between a function and a container for a job (architect audit, round 34, F1).
JOB_LONG_RUN_S = 3600.0
#: The smallest memory any target runs a copy with: Lambda's 128 MB
#: (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). A tenth of an assumed memory is tried
#: no lower.
SMALLEST_MEMORY_MB = 128
#: Traffic patterns of one kind of work: requests served, events from a queue, runs of a job. An assumed pattern is
#: tried at the others of its kind: an API taken as steady may be diurnal or spiky, but is not a nightly job.
PATTERN_KINDS: tuple[frozenset[str], ...] = (
    frozenset({"steady", "diurnal", "spiky"}),
    frozenset({"event"}),
    frozenset(JOB_PATTERNS),
)


def _field_type(path: str) -> Any:
    section, _, name = path.partition(".")
    return SECTIONS[section].model_fields[name]


def choices(path: str) -> tuple[Any, ...]:
    annotation = _field_type(path).annotation
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if len(args) == 1 and typing.get_origin(args[0]) is typing.Literal:
        return typing.get_args(args[0])
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    return ()


def bounded(path: str, value: float) -> float | None:
    """``value`` inside the field's bounds, as an int for int fields; None when it falls outside them."""
    field = _field_type(path)
    for meta in field.metadata:
        low = getattr(meta, "ge", None)
        if low is not None and value < low:
            return None
        low = getattr(meta, "gt", None)
        if low is not None and value <= low:
            return None
        high = getattr(meta, "le", None)
        if high is not None and value > high:
            return None
    if field.annotation is int or field.annotation == int | None:
        value = max(1, round(value))
    return value


def alternatives(path: str, value: Any, workload: Workload | None = None) -> list[Any]:
    """Plausible other values of an assumed field: the other enum values (a traffic pattern's of its kind,
    ``PATTERN_KINDS``), a number at ×0.1 and ×10 (memory no lower than ``SMALLEST_MEMORY_MB``; a copy's CPU at ×0.5
    and ×2, the Fargate sizes either side of the one taken from its memory), the copies kept up
    for a burst at one (a service whose copies follow the load, and whose bursts wait for scaling); and for a job
    whose average run was taken as its whole longest run (often a timeout: a ceiling), the request-driven default, a
    fifth of it at most 2 s, the run of a function that finishes well within its timeout; for a job whose longest run
    was assumed within Lambda's 15 minutes, an hour too (``JOB_LONG_RUN_S``)."""
    if isinstance(value, bool):
        return [not value]
    if path == MIN_COPIES:  # assumed for a burst (decider/defaults_said.py): the other way, copies follow the load
        return [1] if value != 1 else []
    if path == WARM:  # assumed for a burst: the other way, bursts wait for cold starts
        return [0] if value != 0 else []
    if isinstance(value, int | float):
        out = []
        # A copy's CPU taken from its memory (a Fargate size, decider/copy_cpu.py container_vcpu_for): the sizes either
        # side, half and twice it, as the work may need less or more than Lambda's share of that memory.
        for factor in (0.5, 2.0) if path == VCPU else (0.1, 10.0):
            moved = bounded(path, float(value) * factor)
            if moved is not None and path == MEMORY:
                moved = max(moved, SMALLEST_MEMORY_MB)  # no copy runs with less
            if moved is not None and moved != value and moved not in out:
                out.append(moved)
        if path == AVERAGE and workload is not None and workload.traffic.pattern in JOB_PATTERNS:
            short = min(float(value) / 5.0, DEFAULT_AVG_DURATION_CAP_MS)
            if value == workload.max_duration_s * 1000.0 and short < float(value) * 0.1:
                out.append(short)
        job = workload is not None and workload.traffic.pattern in JOB_PATTERNS
        if path == LONGEST and job and max(out, default=float(value)) <= LAMBDA_TIMEOUT_S:  # none past 15 minutes
            out.append(JOB_LONG_RUN_S)
        return out
    if path == PATTERN:
        kind = next((kind for kind in PATTERN_KINDS if value in kind), frozenset())
        return [choice for choice in choices(path) if choice != value and choice in kind]
    return [choice for choice in choices(path) if choice != value and choice != "any"]
