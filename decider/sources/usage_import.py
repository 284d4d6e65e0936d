"""Usage from metrics: CloudWatch series (decider/sources/metrics.py) turned into a usage file's entries.

Each series belongs to a resource named by its dimensions: ``FunctionName`` (Lambda), ``ServiceName`` (ECS), the
target group's (else the load balancer's) name for an Application Load Balancer, ``QueueName`` (SQS). Per resource:

- requests: Lambda ``Invocations``, ALB ``RequestCount``, SQS ``NumberOfMessagesReceived`` (statistic Sum). The
  month's volume is their total over the window the points span (first to last, plus a period), scaled to 730 hours;
  ``peak_rps`` is the busiest period's count over its length; ``hourly_profile`` is the average count of each hour of
  the day (of the week, when the window spans two weeks or more), from points of an hour or less.
- duration: Lambda ``Duration`` (ms, Average), ALB ``TargetResponseTime`` (s, Average): ``runtime.avg_duration_ms``,
  weighted by the requests of each period when both are there.
- size: ECS ``CPUUtilization`` and ``MemoryUtilization`` (percent, Maximum or Average) are shares of the task's
  size, which the metrics do not say: given ``--task-size NAME=VCPU:MEMORY_MB``, the busiest period's share of it
  becomes ``runtime.vcpu`` and ``runtime.memory_mb``. Container Insights' ``CpuUtilized`` (CPU units) and
  ``MemoryUtilized`` (MB) give them directly.
- read and said, not written (no workload field holds them): Lambda ``ConcurrentExecutions`` and ``Errors``, ECS
  ``RunningTaskCount``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from decider.errors import Problem, SourceError
from decider.sources.metrics import Series

HOURS_PER_MONTH = 730
#: Request-like metrics by (namespace, metric name).
REQUESTS = {
    ("AWS/Lambda", "Invocations"),
    ("AWS/ApplicationELB", "RequestCount"),
    ("AWS/SQS", "NumberOfMessagesReceived"),
}
#: Duration metrics and the factor to milliseconds.
DURATIONS = {("AWS/Lambda", "Duration"): 1.0, ("AWS/ApplicationELB", "TargetResponseTime"): 1000.0}
SHARES = {("AWS/ECS", "CPUUtilization"): "vcpu", ("AWS/ECS", "MemoryUtilization"): "memory_mb"}
UTILIZED = {("ECS/ContainerInsights", "CpuUtilized"): "vcpu", ("ECS/ContainerInsights", "MemoryUtilized"): "memory_mb"}
NOTED = {
    ("AWS/Lambda", "ConcurrentExecutions"),
    ("AWS/Lambda", "Errors"),
    ("AWS/ECS", "RunningTaskCount"),
    ("ECS/ContainerInsights", "RunningTaskCount"),
}
EXPECTED_STAT = {
    **dict.fromkeys(REQUESTS, ("Sum",)),
    **dict.fromkeys(DURATIONS, ("Average",)),
    **dict.fromkeys(SHARES, ("Maximum", "Average")),
    **dict.fromkeys(UTILIZED, ("Maximum", "Average")),
}


@dataclass
class Imported:
    """The usage entries made from the series, by resource name, what was read but not written, and the name of
    every resource the series measure (with an entry or not)."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


def resource_of(series: Series) -> str:
    """The name of the resource a series measures, from its dimensions."""
    dimensions = series.dimensions
    for key in ("FunctionName", "ServiceName", "QueueName"):
        if dimensions.get(key):
            return dimensions[key]
    for key in ("TargetGroup", "LoadBalancer"):
        value = dimensions.get(key)
        if value:  # targetgroup/NAME/id, app/NAME/id
            parts = value.split("/")
            return parts[1] if len(parts) >= 3 else value
    raise SourceError(
        [
            Problem(
                series.source,
                f"{series.namespace} {series.metric}: no FunctionName, ServiceName, TargetGroup, LoadBalancer or "
                f"QueueName dimension names its resource (got {', '.join(dimensions) or 'none'})",
            )
        ]
    )


def usage_from(
    series: Sequence[Series], renames: Mapping[str, str], task_sizes: Mapping[str, tuple[float, float]]
) -> Imported:
    """The usage entries the series give, keyed by resource name (renamed by ``renames``); two resources written
    under one name are refused, not one of them lost."""
    by_resource: dict[str, list[Series]] = defaultdict(list)
    imported = Imported()
    for item in series:
        key = (item.namespace, item.metric)
        if key not in REQUESTS | set(DURATIONS) | set(SHARES) | set(UTILIZED) | NOTED:
            raise SourceError(
                [Problem(item.source, f"{item.namespace} {item.metric} is not a metric decider reads (docs/cli.md)")]
            )
        if item.stat is not None and key in EXPECTED_STAT and item.stat not in EXPECTED_STAT[key]:
            wanted = " or ".join(EXPECTED_STAT[key])
            raise SourceError(
                [Problem(item.source, f"{item.metric} must be queried with Stat {wanted}: got {item.stat}")]
            )
        imported.notes.extend(item.notes)
        by_resource[resource_of(item)].append(item)
    imported.resources = sorted(by_resource)
    written_from: dict[str, str] = {}
    for name, group in by_resource.items():
        entry = _entry(name, group, task_sizes.get(name), imported.notes)
        if not entry:
            continue
        written = renames.get(name, name)
        if written in written_from:
            both = f"{written_from[written]!r} and {name!r}"
            raise SourceError(
                [Problem("--name", f"{both} would both be written as {written!r}: give each its own name")]
            )
        written_from[written] = name
        imported.entries[written] = entry
    return imported


def _entry(name: str, group: Sequence[Series], size: tuple[float, float] | None, notes: list[str]) -> dict[str, Any]:
    traffic: dict[str, Any] = {}
    runtime: dict[str, Any] = {}
    requests = [item for item in group if (item.namespace, item.metric) in REQUESTS]
    if len(requests) > 1:
        metrics = ", ".join(f"{item.namespace} {item.metric}" for item in requests)
        raise SourceError([Problem(requests[0].source, f"{name}: more than one request series ({metrics})")])
    counts = requests[0] if requests else None
    if counts is not None:
        window = counts.times[-1] - counts.times[0] + counts.period_s
        total = math.fsum(counts.values)
        traffic["requests_per_month"] = round(total / window * HOURS_PER_MONTH * 3600)
        traffic["peak_rps"] = round(max(counts.values) / counts.period_s, 4)
        if counts.period_s > 60:
            notes.append(
                f"{name}: peak_rps {traffic['peak_rps']:g} is the busiest {counts.period_s:g}-second period's average, "
                "and bursts within a period are not seen: export 60-second periods for a truer peak, or give peak_rps"
            )
        profile = _profile(counts, window)
        if profile is not None:
            traffic["hourly_profile"] = profile
        else:
            notes.append(f"{name}: no hourly_profile (points longer than an hour, a day of data or no requests)")
    for item in group:
        key = (item.namespace, item.metric)
        if key in DURATIONS:
            runtime["avg_duration_ms"] = round(_weighted(item, counts) * DURATIONS[key], 3)
        elif key in UTILIZED:
            peak = max(item.values)
            runtime[UTILIZED[key]] = round(peak / 1024, 4) if UTILIZED[key] == "vcpu" else max(1, math.ceil(peak))
        elif key in SHARES:
            if size is None:
                notes.append(f"{name}: {item.metric} is a share of the task's size: give --task-size {name}=VCPU:MB")
                continue
            share = max(item.values) / 100.0
            vcpu, memory = size
            field_name = SHARES[key]
            runtime[field_name] = round(vcpu * share, 4) if field_name == "vcpu" else max(1, math.ceil(memory * share))
        elif key in NOTED:
            notes.append(f"{name}: {item.metric} peaks at {max(item.values):g}; no workload field holds it")
    if size is not None and not any((item.namespace, item.metric) in SHARES for item in group):
        shares = " or ".join(sorted({metric for _, metric in SHARES}))
        notes.append(f"{name}: --task-size is not used: the metrics have no {shares} series for it to be a share of")
    entry: dict[str, Any] = {}
    if traffic:
        entry["traffic"] = traffic
    if runtime:
        entry["runtime"] = runtime
    return entry


def _weighted(durations: Series, counts: Series | None) -> float:
    """The average duration over the window: each period's average weighted by its requests, when known."""
    if counts is not None:
        by_time = dict(zip(counts.times, counts.values, strict=True))
        weights = [by_time.get(time, 0.0) for time in durations.times]
        if math.fsum(weights) > 0:
            return math.fsum(v * w for v, w in zip(durations.values, weights, strict=True)) / math.fsum(weights)
    return math.fsum(durations.values) / len(durations.values)


def _profile(counts: Series, window: float) -> list[float] | None:
    """The average count of each hour of the day (of the week, from two weeks of data), relative to the busiest."""
    if counts.period_s > 3600 or window < 86_400 or not any(counts.values):
        return None
    slots = 168 if window >= 14 * 86_400 else 24
    sums = [0.0] * slots
    occurrences = [0] * slots
    start = math.floor(counts.times[0] / 3600) * 3600
    end = counts.times[-1] + counts.period_s
    hour = start
    while hour < end:
        occurrences[_slot(hour, slots)] += 1
        hour += 3600
    for time, value in zip(counts.times, counts.values, strict=True):
        sums[_slot(time, slots)] += value
    averages = [total / seen if seen else 0.0 for total, seen in zip(sums, occurrences, strict=True)]
    busiest = max(averages)
    return [round(value / busiest, 4) for value in averages]


def _slot(time: float, slots: int) -> int:
    """Hour of the day (UTC), or hour of the week from Monday 00:00 UTC."""
    hours = int(time // 3600)
    if slots == 24:
        return hours % 24
    return (hours + 72) % 168  # 1970-01-01 was a Thursday: 72 hours after Monday 00:00
