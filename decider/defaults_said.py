"""How resolving a workload's defaults (decider/workload.py ``resolve_defaults``) says three choices that size and
front every target: the CPU of a container copy when ``runtime.vcpu`` is not given, and the front door priced when
``traffic.front_door`` is not (neither fills a field: the vCPUs stay unset, so Lambda is sized by memory alone, and the
door is each target's own, so each is an assumption said, not a default value); and the copies a bursting service
keeps up for its latency target when ``runtime.min_copies`` is not given (``burst_copies``, a default value)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any, Protocol

from decider.cold_budget import (
    COLD_NEAR_TARGET,
    LAMBDA_SCALING_STEP,
    budget_share,
    burst_in_flight,
    burst_misses,
    bursts_said,
    container_slow_s,
    copies_holding_peak,
    default_bursts,
    held_share,
    lambda_budget_share,
    missed_share,
    percent,
    said_per_month,
    slow_per_burst,
)
from decider.network import HTTP_PROTOCOLS, SERVING_PROTOCOLS
from decider.numbers import number

#: Lambda's largest memory setting, MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html): a
#: copy with more has no function of the same work for its assumed CPU to match (decider/facts.py).
LAMBDA_MAX_MEMORY_MB = 10240.0
#: Fraction of a container copy's capacity the sizing aims to use at peak (the calculator's default, criteria A5): the
#: target value of an ECS service's target tracking or a HorizontalPodAutoscaler; copies are sized for in-flight work
#: ÷ (concurrency per copy × 0.7).
UTILISATION_TARGET = 0.7
#: Traffic that comes in bursts: copies kept for the average load meet a burst of clients (``SERVING_PROTOCOLS``)
#: before service auto scaling has added any (decider/facts.py ``container_burst``).
BURST_PATTERNS = frozenset({"spiky", "event"})
#: How long service auto scaling takes to add a copy after a burst lands, before the copy's own start: target tracking's
#: scale-out alarm sees about three one-minute datapoints above target
#: (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html; the
#: count is AWS's default, uncertain). A latency target longer than that and the copy's start can wait for scaling.
SCALE_OUT_S = 180.0
#: The most copies a workload may keep up: ``runtime.min_copies``' bound (decider/workload.py), and the burst
#: default's.
MOST_COPIES = 10_000


def vcpu_assumption(memory_mb: float, concurrency_per_copy: int = 1) -> str:
    """What a container copy's CPU is taken to be with no ``runtime.vcpu`` (decider/copy_cpu.py ``container_vcpu_for``).
    A copy that serves several requests at once shares that CPU among them, where Lambda gives each its own."""
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
        + (
            f" for one request; a copy serving {concurrency_per_copy:,} at once (runtime.concurrency_per_copy) shares "
            "that CPU among them, where Lambda gives each request its own: give runtime.vcpu when the work is CPU-bound"
            if concurrency_per_copy > 1
            else ""
        )
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
        "request and a cold start come near the HTTP API's 30 s timeout, the request alone on Lambda Managed "
        f"Instances, which start environments before requests, or bodies pass 6 MB), {containers}"
    )


class BurstTraffic(Protocol):
    """The traffic section as given (decider/workload.py ``Traffic``): its peak before any is assumed."""

    @property
    def pattern(self) -> str | None: ...
    @property
    def peak_rps(self) -> float | None: ...
    @property
    def latency_slo_ms(self) -> float | None: ...
    @property
    def hourly_profile(self) -> Sequence[float] | None: ...
    @property
    def bursts_per_day(self) -> float | None: ...


class BurstRuntime(Protocol):
    """The runtime section (decider/workload.py ``Runtime``): what a copy serves at once and how long it takes to
    start."""

    @property
    def concurrency_per_copy(self) -> int: ...
    @property
    def startup_s(self) -> float: ...
    @property
    def min_copies(self) -> int | None: ...
    @property
    def provisioned_concurrency(self) -> int | None: ...


def for_bursts(
    traffic: BurstTraffic,
    runtime: BurstRuntime,
    protocols: Collection[str],
    average_rps: float,
    avg_duration_ms: float,
    assumptions: list[str],
    defaults: list[tuple[str, Any]],
    peak_rps: float,
) -> tuple[int | None, int | None, tuple[int, float] | None, float | None]:
    """``runtime.min_copies`` as given, or as assumed for bursts (``burst_copies``); the copies assumed (None when
    given, or none assumed); Lambda's environments kept warm for the bursts when ``runtime.provisioned_concurrency``
    is not given (``warm_environments``; None when given or none); and ``traffic.bursts_per_day`` as given, or as
    assumed where slow requests of bursts are weighed against the p99 target (``weighs_bursts``; ``peak_rps``, the
    peak resolved). What is assumed is said in ``assumptions`` and ``defaults``."""
    bursts = traffic.bursts_per_day
    if bursts is None and weighs_bursts(traffic, runtime, protocols, average_rps, avg_duration_ms, peak_rps):
        bursts = default_bursts(traffic.hourly_profile)
        assumptions.append(bursts_assumption(traffic, runtime, average_rps, avg_duration_ms, peak_rps))
        defaults.append(("traffic.bursts_per_day", bursts))
    kept = runtime.min_copies
    warm = None if kept is not None else burst_copies(traffic, runtime, protocols, average_rps, avg_duration_ms, bursts)
    if warm is not None:
        kept = warm[0]
        assumptions.append(warm[1])
        defaults.append(("runtime.min_copies", kept))
    given = runtime.provisioned_concurrency is not None
    environments = (
        None if given else warm_environments(traffic, runtime, protocols, average_rps, avg_duration_ms, bursts)
    )
    if environments is not None:
        assumptions.append(environments[2])
        defaults.append(("runtime.provisioned_concurrency", environments[0]))
    return kept, warm[0] if warm is not None else None, environments[:2] if environments is not None else None, bursts


def burst_copies(
    traffic: BurstTraffic,
    runtime: BurstRuntime,
    protocols: Collection[str],
    average_rps: float,
    avg_duration_ms: float,
    bursts_per_day: float | None = None,
) -> tuple[int, str] | None:
    """The copies a bursting service keeps up to meet its latency target, with no ``runtime.min_copies`` given, and
    the assumption that says so; None when there is no such default.

    Clients that wait for an answer (``SERVING_PROTOCOLS``) arriving in bursts (``BURST_PATTERNS``) at a peak the
    workload names, with a latency target: target tracking adds copies only after its alarm has seen a few one-minute
    datapoints above target and each new task has started (``SCALE_OUT_S`` and ``runtime.startup_s``), so a burst
    lands on the copies already up, and its requests that arrive while the rest scale out wait, those in the first
    scale-out less the target past it (decider/cold_budget.py ``container_slow_s``). The copies kept hold the average's
    work and the share of the burst over it whose slow requests a p99 target cannot absorb at ``bursts_per_day``
    (``budget_share``: none within 1% of the month's requests, growing as scaling out passes the target, so the
    bills move without a step); when the copies for the average load hold the peak at 70%, those (said so). A queue's
    burst waits in its queue; without a target or a peak given, copies follow the load. The bills keep them all month,
    at most ``MOST_COPIES``, or with an hourly profile each hour by its load (decider/cost/profile.py). Only two or
    more copies are a default: one is every listener's minimum already."""
    peak, slo, pattern = traffic.peak_rps, traffic.latency_slo_ms, traffic.pattern
    if peak is None or slo is None or not bursting(traffic, protocols):
        return None
    per_copy, duration_s = runtime.concurrency_per_copy, avg_duration_ms / 1000.0
    scale_out = SCALE_OUT_S + runtime.startup_s
    bursts = bursts_per_day if bursts_per_day is not None else default_bursts(traffic.hourly_profile)
    share = budget_share(bursts, average_rps * 730.0 * 3600.0, peak, average_rps, container_slow_s(scale_out, slo))
    if share <= 0.0:
        return None
    in_flight = burst_in_flight(peak, average_rps, avg_duration_ms, share)
    copies = min(math.ceil(in_flight / (per_copy * UTILISATION_TARGET) - 1e-9), MOST_COPIES)
    if copies < 2:  # copies for the average load that hold the peak are those counted: said as what they are
        return None
    ready = copies_holding_peak(peak, average_rps, duration_s, per_copy, UTILISATION_TARGET)
    held = (
        f"the copies for the average load, which hold the bursts' peak ({number(peak * duration_s)} in flight) at "
        "70% too, so none waits for scaling out"
        if ready is not None
        else "the copies traffic.peak_rps needs"
        if share >= 1.0
        else f"the copies for the average load and {math.floor(share * 100):.0f}% of the burst over it, the share "
        f"whose requests waiting longer than the target for scaling out ({number(scale_out)} s with the copy's "
        f"start), at {number(bursts)} bursts a day, are more than the 1% of requests a p99 latency target lets be "
        "slower"
    )
    hours = "; with traffic.hourly_profile each hour keeps them in proportion to its load, as scheduled scaling does"
    hours = hours if traffic.hourly_profile is not None else ""
    said = (
        f"runtime.min_copies not given: assumed {copies:,}, {held}{_capped(copies)} "
        f"({number(in_flight)} requests in flight ÷ ({per_copy} per copy at 70%)): a service with {pattern} "
        f"traffic and a latency target (traffic.latency_slo_ms {number(slo)}) keeps copies up for its bursts, "
        f"since service auto scaling adds copies only minutes after a burst lands{hours}; give runtime.min_copies "
        "when bursts may wait for scaling"
    )
    return copies, said


def weighs_bursts(
    traffic: BurstTraffic,
    runtime: BurstRuntime,
    protocols: Collection[str],
    average_rps: float,
    avg_duration_ms: float,
    peak_rps: float,
) -> bool:
    """Whether a bursting service's slow requests are weighed against its p99 target burst by burst, which takes
    ``traffic.bursts_per_day``: clients in bursts (``bursting``) with a latency target and a peak (``peak_rps``,
    resolved) above the average rate, whose copies ``burst_copies`` keeps up for bursts (a named peak, a target short
    of scaling out) or whose Lambda cold request (``runtime.startup_s`` and the request's own work) comes near the
    target, where ``traffic.cold-start-vs-slo`` weighs it (``COLD_NEAR_TARGET``), or whose bursts ask for new
    environments faster than Lambda adds them (``burst_misses``), with a target or without one."""
    slo = traffic.latency_slo_ms
    if not bursting(traffic, protocols) or peak_rps <= average_rps:
        return False
    held = _held(runtime, average_rps, avg_duration_ms, peak_rps)
    throttles = burst_misses(peak_rps, average_rps, avg_duration_ms / 1000.0, runtime.startup_s, 0.0, held)[1] > 0.0
    if slo is None:  # no target: the bursts weigh only what Lambda throttles (traffic.burst-beyond-lambda-scaling)
        return throttles
    cold_s = runtime.startup_s + avg_duration_ms / 1000.0
    scale_out = SCALE_OUT_S + runtime.startup_s
    return (
        cold_s * 1000.0 > COLD_NEAR_TARGET * slo
        or throttles
        or (traffic.peak_rps is not None and container_slow_s(scale_out, slo) > 0.0)
    )


#: What Lambda's throttled requests of a burst are past, as the assumptions say it.
PAST_THE_RATE = f"past the {LAMBDA_SCALING_STEP:,} new environments a function adds every 10 s"


def _held(runtime: BurstRuntime, average_rps: float, avg_duration_ms: float, peak_rps: float) -> float:
    """The share of a burst over the average load that ``runtime.provisioned_concurrency``, given, keeps warm."""
    seconds = avg_duration_ms / 1000.0
    return held_share(runtime.provisioned_concurrency or 0.0, average_rps * seconds, peak_rps * seconds)


def bursts_assumption(
    traffic: BurstTraffic, runtime: BurstRuntime, average_rps: float, avg_duration_ms: float, peak_rps: float
) -> str:
    """What ``traffic.bursts_per_day`` not given is taken to be, and the month's slow requests with nothing kept warm,
    as ``warm_environments`` and ``burst_copies`` count them (decider/cold_budget.py ``slow_per_burst``): Lambda's
    cold requests that miss the target (``lambda_slow_s``) where its cold request comes near it, and those throttled
    while it scales (``burst_misses``); and those that wait for the containers to scale out (``container_slow_s``;
    none when the copies up for the average load hold the peak), where copies are kept up for bursts (a named peak)."""
    slo, bursts = traffic.latency_slo_ms or 0.0, default_bursts(traffic.hourly_profile)
    cold_s = runtime.startup_s + avg_duration_ms / 1000.0
    requests = average_rps * 730.0 * 3600.0
    said = []
    if traffic.latency_slo_ms is None:  # taken for Lambda's throttled requests alone (``weighs_bursts``)
        held = _held(runtime, average_rps, avg_duration_ms, peak_rps)
        throttled = burst_misses(peak_rps, average_rps, avg_duration_ms / 1000.0, runtime.startup_s, 0.0, held)[1]
        kept = runtime.provisioned_concurrency
        return (
            f"traffic.bursts_per_day not given: assumed {bursts_said(traffic.hourly_profile)}, each from "
            f"the average rate to traffic.peak_rps {number(peak_rps)}; on AWS Lambda with "
            + (f"the {kept:,} environments kept warm" if kept else "no environment kept warm")
            + ", "
            f"each burst asks for new environments faster than a function adds them ({LAMBDA_SCALING_STEP:,} at once "
            f"and {LAMBDA_SCALING_STEP:,} every 10 s), and those past them are throttled (429): "
            + said_per_month(throttled, requests, bursts, against_p99=False)
            + ", which traffic.burst-beyond-lambda-scaling weighs; give traffic.bursts_per_day"
        )
    misses, throttled = burst_misses(peak_rps, average_rps, avg_duration_ms / 1000.0, runtime.startup_s, slo)
    if cold_s * 1000.0 > COLD_NEAR_TARGET * slo or throttled > 0.0:
        missed = missed_share(cold_s, slo)
        which = (
            "every one misses the target"
            if missed >= 1.0
            else "none misses the target"
            if missed <= 0.0
            else f"{percent(missed)} of them miss the target (a cold request at "
            f"{percent(cold_s * 1000.0 / slo)} of it: starts and requests vary)"
        )
        throttles = (
            f", and about {number(round(throttled))} a burst are throttled (429), {PAST_THE_RATE}" if throttled else ""
        )
        said.append(
            f"on AWS Lambda with no environment kept warm, each burst's requests past the average rate for a cold "
            f"request's {number(cold_s)} s ({number(runtime.startup_s)} s of start and {number(avg_duration_ms)} ms of "
            f"work) go to new environments and start cold, and {which}{throttles}{', in all' if throttles else ''}: "
            + said_per_month(misses, requests, bursts)
        )
    scale_out = SCALE_OUT_S + runtime.startup_s
    waiting = container_slow_s(scale_out, slo)
    per_copy = runtime.concurrency_per_copy
    ready = copies_holding_peak(peak_rps, average_rps, avg_duration_ms / 1e3, per_copy, UTILISATION_TARGET)
    if traffic.peak_rps is not None and waiting > 0.0 and ready is not None:
        said.append(
            f"on containers none waits to scale out: {'the copy' if ready == 1 else f'the {ready:,} copies'} up for "
            f"the average load hold{'s' if ready == 1 else ''} the peak's {number(peak_rps * avg_duration_ms / 1e3)} "
            f"in flight at 70% of the {ready * per_copy:,} they serve at once"
        )
    elif traffic.peak_rps is not None and waiting > 0.0:
        said.append(
            f"with no container copies kept up for bursts, each burst's requests past the average rate in the first "
            f"{number(waiting)} s of the {number(scale_out)} s service auto scaling takes to add copies (with the "
            "copy's start) wait past the target: "
            + said_per_month(slow_per_burst(peak_rps, average_rps, waiting), requests, bursts)
        )
    return (
        f"traffic.bursts_per_day not given: assumed {bursts_said(traffic.hourly_profile)}, each from the "
        f"average rate to traffic.peak_rps {number(peak_rps)}; {'; '.join(said)}; against the 1% a p99 latency target "
        f"(traffic.latency_slo_ms {number(slo)}) lets be slower; give traffic.bursts_per_day"
    )


def warm_environments(
    traffic: BurstTraffic,
    runtime: BurstRuntime,
    protocols: Collection[str],
    average_rps: float,
    avg_duration_ms: float,
    bursts_per_day: float | None = None,
) -> tuple[int, float, str] | None:
    """The environments AWS Lambda on demand keeps warm with provisioned concurrency for the bursts of a service whose
    cold requests miss its latency target: clients in bursts at a peak the workload names, with a target, as
    ``burst_copies`` keeps copies up for them. The executions in flight on average and a share of the burst over them,
    one execution an environment: the share whose cold requests the p99 target cannot absorb at ``bursts_per_day``
    (decider/cold_budget.py ``lambda_budget_share``: none when a month of bursts starts fewer cold requests past the
    target than 1% of its requests and throttles none; a cold request past the target misses it every time, one near
    it a growing share of the time, ``lambda_slow_s``, so the count grows from none as the cold request passes the
    target; a request throttled while the function scales past 1,000 new environments every 10 s misses it too,
    ``burst_misses``). Both sides of the comparison then pay for capacity warm before the burst (decider/cost/bill.py
    prices them; ``traffic.cold-start-vs-slo`` weighs only the cold starts of that share left cold). With the share
    and the assumption that says so; None when none are kept."""
    peak, slo = traffic.peak_rps, traffic.latency_slo_ms
    if peak is None or slo is None or not bursting(traffic, protocols):
        return None
    bursts = bursts_per_day if bursts_per_day is not None else default_bursts(traffic.hourly_profile)
    avg_s = avg_duration_ms / 1000.0
    share = lambda_budget_share(bursts, average_rps * 730.0 * 3600.0, peak, average_rps, avg_s, runtime.startup_s, slo)
    if share <= 0.0:
        return None
    average, at_peak = average_rps * avg_duration_ms / 1000.0, peak * avg_duration_ms / 1000.0
    in_flight_kept = burst_in_flight(peak, average_rps, avg_duration_ms, share)
    environments = max(1, min(math.ceil(in_flight_kept - 1e-9), MOST_COPIES))
    capped = ""
    if environments < in_flight_kept - 1e-9:  # the most the field takes: they hold less of the burst
        held = (environments - average) / (at_peak - average)  # a share kept: a burst over the average
        capped = (
            f"; capped at {MOST_COPIES:,}, the most runtime.provisioned_concurrency takes, which hold "
            f"{math.floor(max(0.0, held) * 100):.0f}% of the burst"
        )
    throttled = burst_misses(peak, average_rps, avg_s, runtime.startup_s, slo)[1] > 0.0
    why = (
        f"the share whose cold requests ({number(runtime.startup_s)} s of start and {number(avg_duration_ms)} ms of "
        "work)"
        + (f" and requests throttled {PAST_THE_RATE}" if throttled else "")
        + f", at {number(bursts)} bursts a day, are more than the 1% of requests a p99 latency target "
        f"(traffic.latency_slo_ms {number(slo)}) lets be slower"
    )
    said = (
        f"runtime.provisioned_concurrency not given: assumed {environments:,}, AWS Lambda's "
        f"environment{'s' if environments != 1 else ''} kept warm for the bursts (the executions in flight on "
        f"average and {math.floor(share * 100):.0f}% of the burst over them, {why}{capped}), "
        + ("each hour by its load" if traffic.hourly_profile is not None else "all month")
        + "; give runtime.provisioned_concurrency 0 when bursts may wait for cold starts"
    )
    return environments, share, said


def bursting(traffic: BurstTraffic, protocols: Collection[str]) -> bool:
    """Clients that wait for an answer (``SERVING_PROTOCOLS``, not a queue, whose bursts wait in it) arriving in
    bursts (``BURST_PATTERNS``): the traffic both sides keep capacity up for, given a named peak and a target."""
    return traffic.pattern in BURST_PATTERNS and "queue" not in protocols and bool(SERVING_PROTOCOLS & set(protocols))


def _capped(copies: int) -> str:
    return f" (at most {MOST_COPIES:,}, the most runtime.min_copies takes)" if copies == MOST_COPIES else ""


def assumed_for_bursts(runtime: object) -> tuple[int | None, int | None, float | None]:
    """What ``for_bursts`` assumed of a resolved workload's runtime: the copies kept up for bursts, Lambda's
    environments kept warm and the share of the burst they hold (each None when not assumed; all None for a section
    built without validation, which has no private attributes)."""
    private = getattr(runtime, "__pydantic_private__", None)
    warm = private.get("_warm_environments") if private else None
    burst = private.get("_burst_copies") if private else None
    return burst, warm[0] if warm is not None else None, warm[1] if warm is not None else None
