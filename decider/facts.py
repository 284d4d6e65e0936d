"""Derived facts: numbers the rules and the cost model need that no one writes down (Little's law, duty cycle, ...).

Each fact is a pure function of the resolved workload and is available to rules as ``derived.<name>``
(decider/rules/fields.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from decider.cold_budget import burst_concurrency, throttled_percent
from decider.cold_share import cold_past_p99, warm_share
from decider.copy_cpu import (
    FARGATE_STANDARD_MEMORY_MB,
    FARGATE_STANDARD_VCPU,
    LAMBDA_MAX_VCPU,
    LAMBDA_MB_PER_VCPU,
    LAMBDA_MIN_MEMORY_MB,
    container_vcpu_for,
    lambda_equivalent_vcpu,
)
from decider.defaults_said import LAMBDA_MAX_MEMORY_MB, UTILISATION_TARGET, bursting
from decider.network import SERVING_PROTOCOLS
from decider.pricing.cost_model import CostModel
from decider.traffic_profile import duty_cycle as profile_duty_cycle
from decider.traffic_profile import peak_to_average
from decider.workload import JOB_PATTERNS, PEAK_TO_AVERAGE, SECONDS_PER_MONTH, Workload

_CONNECTION_PROTOCOLS = frozenset({"websocket", "tcp", "udp"})


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts derived from a workload; each field is ``derived.<field>`` in rule conditions and messages."""

    avg_rps: float
    """Average request (or run) rate over a 730-hour month."""
    avg_duration_s: float
    requests_per_day: float
    avg_concurrency: float
    """Average units of work in flight (Little's law: average rate × average duration)."""
    peak_concurrency: float
    """Units of work in flight at peak (peak rate × average duration)."""
    duty_cycle: float
    """Share of the month the workload is busy, 0–1 (1 for long-running processes)."""
    duty_cycle_percent: float
    """duty_cycle as a percentage, 0–100, rounded for messages people read (57.1, 7.6, 0.0011)."""
    peak_to_average: float
    busy_hours_per_month: float
    """Hours of work per month if units of work ran one after another."""
    copies_at_peak: float
    """Container copies needed at peak: in-flight work ÷ (concurrency per copy × utilisation target: a queue worker's
    in the cost model, 0.7 for a listener), or for runs of a job one copy a run in flight, and at least the copies
    that hold the open connections (``connection_copies``)."""
    connection_copies: float
    """Container copies that hold a WebSocket workload's open connections: connections ÷ (connections per copy ×
    utilisation target); 0 for other work. Copies never drop below it, whatever the message rate."""
    lambda_memory_mb: float
    """Lambda memory setting that gives the workload its memory and vCPUs."""
    lambda_vcpu: float
    lambda_extra_memory_mb: float
    """Memory Lambda bills beyond what the workload needs, bought only to get its vCPUs (0 when memory decides)."""
    gb_seconds_per_month: float
    """Lambda compute: requests × duration × memory in GB."""
    lambda_burst_concurrency: float
    """Lambda's executions at once at peak: for clients in bursts, while the burst's requests start cold, each holding a
    new environment through its start and the request (decider/cold_budget.py ``burst_concurrency``); else, and never
    less than, peak_concurrency. Warned of past the quota or the scaling rate (decider/input_checks.py), not scored:
    it grows by a whole start per request a second past what the warm environments serve, too steeply for points."""
    lambda_scale_up_s: float
    """Seconds Lambda needs to climb to peak concurrency at 1,000 new environments per 10 s, from those already warm:
    the executions in flight on average, or runtime.provisioned_concurrency when more."""
    lambda_throttled_percent: float
    """% of the month's requests Lambda throttles as bursts of clients climb past its scaling rate (cold_budget.py)."""
    lambda_cold_run_s: float
    """The longest unit of work on Lambda when it lands on a new execution environment: runtime.max_duration_s, plus
    runtime.startup_s when the start is past the 10 s Lambda gives the Init phase (Lambda then runs the init again
    inside the first invocation, counted against the function's timeout)."""
    cold_request_s: float
    """What a unit of work that lands on a new copy waits at most: its start (runtime.startup_s) and the longest run
    (runtime.max_duration_s). A front door's timeout counts both."""
    container_scale_up_s: float
    """Seconds to reach the copies at peak from the copies kept up (runtime.min_copies, else the cost model's minimum,
    and those holding connections): the ECS service scheduler launches 500 tasks a minute per service, and the last
    of them then starts (runtime.startup_s); 0 when the copies kept up hold the peak."""
    container_burst: float
    """How far a burst outgrows the copies kept up for the average load: the copies needed at peak ÷ the copies the
    average load (the busiest hour's, with an hourly profile) needs (at least the copies always kept:
    runtime.min_copies, else one, two for a steady or diurnal service; and those holding open connections),
    unrounded; 1 when the warm copies hold the peak. Copies added by target tracking arrive only after its alarm and
    a task start, minutes into a burst."""
    burst_basis: str
    """What ``container_burst`` is measured against: "the average load", or "the busiest hour's average load" when
    the traffic has an hourly profile (rule messages say it)."""
    container_disk_gb: float
    """The disk one container copy needs: its scratch (runtime.ephemeral_storage_gb) and its image, held twice, pulled
    (compressed) and unpacked (``container_disk_gb``)."""
    container_vcpu: float
    """vCPUs of one container copy: runtime.vcpu, or the CPU Lambda gives memory_mb (1,769 MB per vCPU, at most
    Lambda's largest function's) rounded to the nearest Fargate CPU size (``container_vcpu_for``)."""
    vcpu_at_peak: float
    """vCPUs running at peak (what bin-packing onto instances saves on): the copies the peak needs, unrounded (at
    least those always kept), × runtime.vcpu, else the CPU Lambda gives the memory (``lambda_equivalent_vcpu``): a
    smooth figure, not copies_at_peak × container_vcpu, whose whole copies and Fargate sizes step."""
    memory_gb: float
    fargate_standard_share: float
    """One copy against Fargate's long-standing largest task, 16 vCPU and 120 GB: the larger of its vCPU ÷ 16 and its
    memory ÷ 120 GB (above 1, the copy needs the newest, largest sizes or instances). The vCPU is runtime.vcpu, else
    ``lambda_equivalent_vcpu``, unrounded: container_vcpu's Fargate sizes jump from 16 to 32, this does not."""
    always_on: bool
    """A serving or long-running workload that keeps at least one copy up."""
    scale_to_zero: bool
    persistent_connections: bool
    """Long-lived client connections: WebSocket, raw TCP/UDP listeners or a long-running process."""
    cold_start_exceeds_slo: bool
    """A cold start plus a typical request would break the latency SLO."""
    cold_start_slo_ratio: float
    """A cold start plus a typical request as a share of the latency SLO (0 when there is no SLO)."""
    lambda_warm_share: float
    """The share of a burst over the average load that Lambda keeps warm with provisioned concurrency
    (runtime.provisioned_concurrency, given or assumed for bursts, over the executions in flight on average; 0 with
    none); the cold starts left are the rest."""
    lambda_cold_past_p99: float
    """The share of Lambda's cold starts that its p99 latency target cannot absorb and no environment kept warm holds
    (0 to 1): for a bursting service, of the burst whose misses (cold, throttled) pass the 1% at bursts_per_day; for
    steady traffic, of requests that find every environment reclaimed (``cold_past_p99``)."""
    work_slo_ratio: float
    """A typical request alone as a share of the latency SLO (0 without one): at 1 or more no target meets it."""
    needs_gpu: bool
    ecs_node_share: float = 0.0
    """One copy's share of the roomiest ECS node control.instance_types allows (its largest need of vCPU, memory and
    GPU over what a node of the type gives a copy): above 1, no allowed type holds one copy. 0 when no type is named
    or a name is one the price book does not price (decider/node_fit.py fills it from the region's book)."""
    ecs_roomiest_node: str = ""
    """That node's type and what it gives a copy ("m7i.xlarge (at most 4 vCPU, 15,872 MB a copy)")."""
    eks_node_share: float = 0.0
    """``ecs_node_share`` for an EKS node, which keeps vCPU and memory for the kubelet and the DaemonSets."""
    eks_roomiest_node: str = ""
    node_copy: str = ""
    """The copy those node facts judge, said: "4 vCPU, 8,192 MB", with its GPUs when it needs any."""
    named_types_unsuited: bool = False
    """Every type control.instance_types names (size by size, each priced) is of no use to the workload: another
    architecture, Arm for Windows, no GPU for a copy that needs one (decider/node_fit.py)."""
    named_types_unsuited_why: str = ""
    """Why, type by type ("m7i.xlarge has no GPU, and a copy needs 1")."""


#: The time Lambda gives a function's Init phase: "The Init phase is limited to 10 seconds. If all three tasks do not
#: complete within 10 seconds, Lambda retries the Init phase at the time of the first function invocation with the
#: configured function timeout" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
LAMBDA_INIT_PHASE_S = 10.0
#: Tasks the ECS service scheduler launches a minute per service: "up to 500 tasks in less than a minute per service"
#: (https://docs.aws.amazon.com/decision-guides/latest/decision-guides/fargate-or-lambda.html).
ECS_TASKS_PER_MINUTE = 500.0
#: How many times a container image takes its size on the disk of the task or node that runs it: "the pulled,
#: compressed, and the uncompressed container image" are both stored there
#: (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html); an image unpacks to at
#: least its compressed size, so twice it is the least the image takes.
IMAGE_ON_DISK = 2.0


def container_disk_gb(scratch_gb: float, copies: int, artifact_mb: float) -> float:
    """The disk ``copies`` container copies on one task need: each its scratch, and the image once (a Fargate task
    keeps no room apart for images). A node keeps room for both on its root volume, each apart
    (decider/cost/volumes.py ``node_volume_gb``)."""
    return copies * scratch_gb + image_on_disk_gb(artifact_mb)


def image_on_disk_gb(artifact_mb: float) -> float:
    """What an image of ``artifact_mb`` takes on the disk of the task or node that pulls it (``IMAGE_ON_DISK``)."""
    return IMAGE_ON_DISK * artifact_mb / 1024.0


def connection_copies(workload: Workload) -> int:
    """Copies that hold the open connections of a WebSocket workload (none for other work, or none given)."""
    return math.ceil(connection_load(workload) - 1e-9)


def connection_load(workload: Workload) -> float:
    """``connection_copies`` unrounded: the open connections ÷ (connections per copy × utilisation target)."""
    connections, per_copy = workload.traffic.connections, workload.runtime.connections_per_copy
    if not connections or per_copy is None or "websocket" not in workload.protocols:
        return 0.0
    return connections / (per_copy * UTILISATION_TARGET)


def lambda_memory_for(memory_mb: float, vcpu: float | None) -> float:
    """Lambda's memory setting: enough memory, and enough memory to get the vCPUs asked for (1,769 MB per vCPU). The
    top setting, 10,240 MB, gives 6 vCPUs (AWS: "up to 6 vCPU"), though 10,240 ÷ 1,769 is 5.79: up to 6 vCPUs fit
    in it, and more need a larger setting than Lambda has (limits.lambda-max-vcpu keeps those out)."""
    needed = float(memory_mb)
    if vcpu is not None:
        for_cpu = float(math.ceil(vcpu * LAMBDA_MB_PER_VCPU))
        if for_cpu > LAMBDA_MAX_MEMORY_MB and vcpu <= LAMBDA_MAX_VCPU:
            for_cpu = LAMBDA_MAX_MEMORY_MB  # the top setting gives 6 vCPUs
        needed = max(needed, for_cpu)
    return max(needed, float(LAMBDA_MIN_MEMORY_MB))


def _readable_percent(percent: float) -> float:
    """One decimal from 1% up; two significant digits below, so a tiny share does not read as 0%."""
    return round(percent, 1) if percent >= 1 else float(f"{percent:.2g}")


def cold_run_s(workload: Workload) -> float:
    """Lambda's longest run on a new environment: the longest unit of work, plus the start when it is past the Init
    phase's 10 s (the init then runs inside the first invocation, within its timeout)."""
    startup = workload.runtime.startup_s
    return workload.max_duration_s + (startup if startup > LAMBDA_INIT_PHASE_S else 0.0)


#: The derived facts computed from a few fields alone, by the function ``derive`` computes them with: a fix that
#: moves those fields to a fact's edge (decider/fixes.py) reads the fact many times, and needs no other.
ONE: Mapping[str, Callable[[Workload], float]] = {
    "lambda_memory_mb": lambda workload: lambda_memory_for(workload.runtime.memory_mb, workload.runtime.vcpu),
    "container_vcpu": lambda workload: container_vcpu_for(
        workload.runtime.memory_mb, workload.runtime.vcpu, workload.runtime.os
    ),
    "container_disk_gb": lambda workload: container_disk_gb(
        workload.runtime.ephemeral_storage_gb, 1, workload.runtime.artifact_mb
    ),
    "lambda_cold_run_s": cold_run_s,
}


def fact(workload: Workload, name: str) -> Any:
    """One derived fact of a resolved workload: computed alone when ``ONE`` has it, else read from ``derive``."""
    one = ONE.get(name)
    return one(workload) if one is not None else getattr(derive(workload), name)


def is_queue_worker(workload: Workload) -> bool:
    """Work fed by a queue to a service (not runs of a job): a container consumer polls, keeping a warm copy."""
    return "queue" in workload.protocols and workload.traffic.pattern not in JOB_PATTERNS


def utilisation(workload: Workload, model: CostModel | None) -> float:
    """The share of a copy's capacity the sizing uses: lower for a queue worker, which scales out after a lag
    (``queue_worker_utilisation`` in the cost model; without one, a listener's)."""
    return model.queue_worker_utilisation if model is not None and is_queue_worker(workload) else UTILISATION_TARGET


def derive(workload: Workload, model: CostModel | None = None) -> Facts:
    """Compute every derived fact of a resolved workload. ``model``: the cost model, whose utilisation of a queue
    worker's copies the copies at peak share with the bills' sizing (decider/cost/capacity.py)."""
    runtime, traffic = workload.runtime, workload.traffic
    avg_s = workload.avg_duration_s
    requests = workload.requests_per_month
    avg_rps = requests / SECONDS_PER_MONTH
    avg_concurrency = avg_rps * avg_s
    peak_rps = max(workload.peak_rps, avg_rps)
    peak_concurrency = peak_rps * avg_s
    protocols = set(workload.protocols)
    persistent = runtime.long_running or bool(protocols & _CONNECTION_PROTOCOLS)
    serving = bool(protocols & SERVING_PROTOCOLS)
    always_on = runtime.long_running or (serving and traffic.pattern in ("steady", "diurnal"))
    duty_cycle = 1.0 if runtime.long_running else profile_duty_cycle(traffic.hourly_profile, avg_concurrency)
    held = connection_copies(workload)
    per_copy = runtime.concurrency_per_copy * utilisation(workload, model)
    kept = 2.0 if always_on or (serving and model is not None and model.busy_listener(avg_concurrency)) else 1.0
    # A copy's vCPUs unrounded: given, else the CPU Lambda gives the memory (container_vcpu rounds to Fargate sizes)
    vcpu = runtime.vcpu if runtime.vcpu is not None else lambda_equivalent_vcpu(runtime.memory_mb)
    if traffic.pattern in JOB_PATTERNS and not runtime.long_running:
        copies = peak_concurrency  # runs of a job: one copy a run, as they are sized (decider/cost/capacity.py)
        burst = 1.0
        needed = copies
        up = 0.0  # no copy waits for a run
    else:
        copies = peak_concurrency / per_copy
        # Against the copies kept up whatever the load (the minimum given, else the cost model's), unrounded, and the
        # copies of the busiest hour's average load: the bills keep those up then, hour by hour, so a day's swing in
        # an hourly profile is no burst (the pattern's factor stands for bursts within an hour)
        floor = float(runtime.min_copies) if runtime.min_copies is not None else kept
        holding = connection_load(workload)
        busiest = peak_to_average(traffic.hourly_profile) if traffic.hourly_profile else 1.0
        burst = max(copies, holding) / max(avg_concurrency * busiest / per_copy, floor, holding, 1e-9)
        needed = max(copies, kept, held)
        up = max(floor, held)  # the copies up when a burst lands: the rest are launched
    copies = max(math.ceil(copies - 1e-9), int(kept), held)
    launched = max(0.0, copies - up)
    lambda_memory = lambda_memory_for(runtime.memory_mb, runtime.vcpu)
    container_vcpu = container_vcpu_for(runtime.memory_mb, runtime.vcpu, runtime.os)
    slo = traffic.latency_slo_ms
    cold_start_ms = runtime.startup_s * 1000.0 + avg_s * 1000.0
    warm = max(avg_concurrency, runtime.provisioned_concurrency or 0)
    bursts = bursting(traffic, protocols) and peak_rps > avg_rps
    at_once = burst_concurrency(peak_rps, avg_s, runtime.startup_s, warm) if bursts else peak_concurrency
    return Facts(
        avg_rps=avg_rps,
        avg_duration_s=avg_s,
        requests_per_day=requests * 12 / 365,
        avg_concurrency=avg_concurrency,
        peak_concurrency=peak_concurrency,
        duty_cycle=duty_cycle,
        duty_cycle_percent=_readable_percent(duty_cycle * 100.0),
        peak_to_average=peak_rps / avg_rps if avg_rps > 0 else PEAK_TO_AVERAGE[traffic.pattern],
        busy_hours_per_month=requests * avg_s / 3600.0,
        copies_at_peak=float(copies),
        connection_copies=float(held),
        lambda_memory_mb=lambda_memory,
        lambda_vcpu=lambda_memory / LAMBDA_MB_PER_VCPU,
        lambda_extra_memory_mb=max(0.0, lambda_memory - max(runtime.memory_mb, LAMBDA_MIN_MEMORY_MB)),
        gb_seconds_per_month=requests * avg_s * lambda_memory / 1024.0,
        lambda_burst_concurrency=at_once,
        lambda_scale_up_s=max(0.0, peak_concurrency - warm) / 1000.0 * 10.0,
        lambda_throttled_percent=throttled_percent(
            traffic.bursts_per_day if bursts else None, requests, peak_rps, avg_rps, avg_s, runtime.startup_s, warm
        ),
        lambda_cold_run_s=cold_run_s(workload),
        cold_request_s=runtime.startup_s + workload.max_duration_s,
        container_scale_up_s=launched / ECS_TASKS_PER_MINUTE * 60.0 + runtime.startup_s if launched > 0 else 0.0,
        container_burst=max(1.0, burst),
        burst_basis="the busiest hour's average load" if traffic.hourly_profile else "the average load",
        container_disk_gb=container_disk_gb(runtime.ephemeral_storage_gb, 1, runtime.artifact_mb),
        container_vcpu=container_vcpu,
        vcpu_at_peak=needed * vcpu,
        memory_gb=runtime.memory_mb / 1024.0,
        fargate_standard_share=max(
            vcpu / FARGATE_STANDARD_VCPU,
            runtime.memory_mb / FARGATE_STANDARD_MEMORY_MB,
        ),
        always_on=always_on,
        scale_to_zero=not always_on,
        persistent_connections=persistent,
        cold_start_exceeds_slo=slo is not None and cold_start_ms > slo,
        cold_start_slo_ratio=cold_start_ms / slo if slo else 0.0,
        lambda_warm_share=(kept_warm := warm_share(runtime, avg_concurrency, peak_concurrency)),
        lambda_cold_past_p99=cold_past_p99(workload, avg_concurrency, peak_concurrency, kept_warm),
        work_slo_ratio=avg_s * 1000.0 / slo if slo else 0.0,
        needs_gpu=runtime.gpu > 0,
    )
