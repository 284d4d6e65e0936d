"""Sizing: what a user would configure on each target for a workload, and the per-request rates the bill grows by.

Lambda gets a memory setting and its peak concurrency against the account quota; Fargate the cheapest valid task
size and copies from Little's law (in-flight work ÷ (concurrency per copy × utilisation target)); ECS on EC2,
Managed Instances and EKS the cheapest instance type that fits a copy at this volume, and copies packed per instance.
Sizing is held fixed when the break-even search moves the request volume; only copies and hours follow it.
"""

from __future__ import annotations

import functools
import math

from decider.cold_budget import IDLE_ENVIRONMENT_KEPT_S
from decider.copy_cpu import FARGATE_CPU_MAX_MEMORY_MB
from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.hourly import compute_factor
from decider.cost.instances import InstanceOption, cheapest_instance
from decider.cost.kubernetes import plane_support
from decider.cost.needs import Needs, needs_of
from decider.cost.profile import warm_schedule
from decider.decision import FargateSizing, FrontDoor, InstanceSizing, LambdaSizing, Purchase
from decider.facts import Facts, utilisation
from decider.network import HTTP_PROTOCOLS
from decider.pricing.book import FargatePlatform, Instance, PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import JOB_PATTERNS, SECONDS_PER_MONTH, Workload

#: What API Gateway's HTTP and REST APIs cannot carry to a container: gRPC (no HTTP/2 integration) and WebSocket
#: connections (a WebSocket API is an API of its own kind).
GATEWAY_CANNOT_CARRY = frozenset({"grpc", "websocket"})
NETWORK_PROTOCOLS = frozenset({"tcp", "udp"})


#: The front door ``traffic.front_door`` names, for a function and for containers (which keep a load balancer behind
#: API Gateway and cannot have a function URL).
_FUNCTION_DOORS: dict[str | None, FrontDoor] = {
    "http-api": "api-gateway-http-api", "rest-api": "api-gateway-rest-api", "alb": "application-load-balancer",
    "function-url": "lambda-function-url",
}  # fmt: skip
_CONTAINER_DOORS: dict[str | None, FrontDoor] = {"http-api": "api-gateway-http-api", "rest-api": "api-gateway-rest-api"}
#: API Gateway's HTTP API ends an integration at 30 s, not raisable
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), and a synchronous Lambda
#: invocation carries at most 6 MB each way (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
#: a function whose requests come within a tenth of that timeout (27 s) when one lands on a new environment and waits
#: its start too, or whose bodies are larger (a streamed response), is priced behind a function URL (15 minutes,
#: responses streamed up to 200 MB) when no front door is named, as an architect would leave a hard timeout headroom.
#: Below 27 s the door is the HTTP API, which the request then fits with room to spare: no point is taken from Lambda
#: for the door decider chose, so nothing jumps where the door changes (only the HTTP API's request charge goes).
HTTP_API_TIMEOUT_S = 30.0
HTTP_API_HEADROOM_S = HTTP_API_TIMEOUT_S * 0.9
LAMBDA_SYNC_PAYLOAD_MB = 6.0
#: The most a .zip deployment package holds unzipped, layers included: a larger artifact ships as a container image
#: (up to 10 GB; https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
LAMBDA_ZIP_MAX_MB = 250
#: The longest function timeout Lambda allows (15 minutes, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
LAMBDA_TIMEOUT_S = 900


def front_door(workload: Workload, serverless: bool, *, cold: bool = True) -> FrontDoor | None:
    """What answers the workload's requests on a target: the door named, else the one decider prices. ``cold``: a
    request may land on a new environment and wait its start too (Lambda on demand); Lambda Managed Instances start
    environments before they take requests (``cold=False``), so only the work counts against the HTTP API's timeout."""
    protocols, chosen = set(workload.protocols), workload.traffic.front_door
    if chosen == "none":
        return None
    if serverless and "websocket" in protocols:
        return "api-gateway-websocket-api"  # API Gateway holds the connections; the function runs per message
    if protocols & HTTP_PROTOCOLS:
        if serverless:
            if chosen is None and (
                (workload.runtime.startup_s if cold else 0.0) + (workload.runtime.max_duration_s or 0.0)
                > HTTP_API_HEADROOM_S
                or workload.traffic.payload_mb > LAMBDA_SYNC_PAYLOAD_MB
            ):
                return "lambda-function-url"
            return _FUNCTION_DOORS.get(chosen, "api-gateway-http-api")
        if not protocols & HTTP_PROTOCOLS - GATEWAY_CANNOT_CARRY:
            # API Gateway's HTTP and REST APIs carry neither gRPC nor a WebSocket connection (decider/input_checks.py
            # warns): a container service serving only those is priced behind an Application Load Balancer, which
            # passes both to instance and IP targets
            return "application-load-balancer"
        return _CONTAINER_DOORS.get(chosen, "application-load-balancer")
    if protocols & NETWORK_PROTOCOLS and not serverless:
        return "network-load-balancer"
    return None


def purchase_for(workload: Workload, spot_allowed: bool) -> Purchase:
    """Spot when the work tolerates interruption and the target offers it; else the Savings Plan term, if any."""
    preferences = workload.preferences
    if preferences.spot_ok and spot_allowed:
        return "spot"
    if preferences.commitment == "1yr":
        return "savings-plan-1yr"
    if preferences.commitment == "3yr":
        return "savings-plan-3yr"
    return "on-demand"


def lambda_run_s(workload: Workload, facts: Facts) -> float:
    """The seconds a function is billed for one unit of work: the work, and for a run of a job its Init phase too
    (``runtime.startup_s``; Lambda bills init since August 2025, https://aws.amazon.com/blogs/compute/aws-lambda-
    standardizes-billing-for-init-phase/) as often as a run starts cold: every run when runs are
    ``IDLE_ENVIRONMENT_KEPT_S`` or more apart (an hourly job), none when they follow one another, in between by the
    idle time (a Fargate task's run is billed from its start every time). A request-driven function's cold starts are
    a share of its requests that nothing gives: left out."""
    if workload.traffic.pattern not in JOB_PATTERNS or workload.runtime.long_running:
        return facts.avg_duration_s
    runs = workload.requests_per_month
    idle = SECONDS_PER_MONTH / runs - facts.avg_duration_s if runs > 0 else IDLE_ENVIRONMENT_KEPT_S
    cold = min(1.0, max(0.0, idle / IDLE_ENVIRONMENT_KEPT_S))
    return facts.avg_duration_s + workload.runtime.startup_s * cold


def size_lambda(workload: Workload, facts: Facts, book: PriceBook, model: CostModel) -> Draft[LambdaSizing]:
    memory_mb = math.ceil(facts.lambda_memory_mb)
    peak = math.ceil(facts.peak_concurrency - 1e-9)
    at_once = math.ceil(facts.lambda_burst_concurrency - 1e-9)
    return Draft(
        LambdaSizing,
        memory_mb=memory_mb,
        vcpu_equivalent=round(memory_mb / 1769, 3),
        architecture="x86_64" if workload.runtime.architecture == "x86_64" else "arm64",
        ephemeral_storage_mb=max(512, math.ceil(workload.runtime.ephemeral_storage_gb * 1024)),
        package_type="image" if workload.runtime.artifact_mb > LAMBDA_ZIP_MAX_MB else "zip",
        timeout_s=min(LAMBDA_TIMEOUT_S, max(1, math.ceil(facts.lambda_cold_run_s - 1e-9))),
        peak_concurrency=peak,
        burst_concurrency=at_once if at_once > peak else None,
        concurrency_quota=model.lambda_concurrency_quota,
        within_default_quota=max(peak, at_once) <= model.lambda_concurrency_quota,
        gb_seconds_per_month=round(workload.requests_per_month * lambda_run_s(workload, facts) * memory_mb / 1024, 3),
        purchase=purchase_for(workload, spot_allowed=False),
        front_door=front_door(workload, serverless=True),
        provisioned_concurrency=workload.runtime.provisioned_concurrency or None,
        scheduled_provisioned_concurrency=warm_schedule(workload, workload.runtime.provisioned_concurrency or 0),
    )


@functools.cache
def fargate_sizes(os: str) -> list[tuple[float, float]]:
    """Every valid Fargate (vCPU, memory GB) combination for an OS (ECS task sizes; Windows needs 1, 2 or 4 vCPU).

    Cached: callers must not change the list.
    """
    sizes: list[tuple[float, float]] = []
    low_mb = 512.0
    for cpu, max_mb in FARGATE_CPU_MAX_MEMORY_MB:
        if cpu == 0.25:
            memories = [0.5, 1.0, 2.0]
        elif cpu == 32:
            memories = [60.0, 120.0, 244.0]
        else:
            step = 4.0 if cpu == 8 else 8.0 if cpu == 16 else 1.0
            first = 2 * cpu
            memories = [first + step * index for index in range(int((max_mb / 1024 - first) / step) + 1)]
        if os == "windows" and cpu not in (1, 2, 4):
            continue
        sizes.extend((cpu, memory) for memory in memories if memory * 1024 >= low_mb)
    return sizes


def fargate_platform_name(workload: Workload, book: PriceBook) -> str:
    """The Fargate platform a workload runs on: Graviton for code that runs on either architecture, unless the
    region's book prices only Linux/x86 Fargate (billed there on x86, never on another region's Graviton price)."""
    if workload.runtime.os == "windows":
        return "windows_x86_64"
    architecture = workload.runtime.architecture
    fargate = book.fargate
    x86_only = fargate is not None and fargate.linux_arm64 is None and fargate.linux_x86_64 is not None
    return "linux_x86_64" if architecture == "x86_64" or (architecture == "any" and x86_only) else "linux_arm64"


def fargate_platform(workload: Workload, book: PriceBook) -> tuple[str, FargatePlatform]:
    """The Fargate platform a workload runs on and its prices; the caller has checked the book prices it
    (``fargate_gap``)."""
    name = fargate_platform_name(workload, book)
    platform = getattr(book.fargate, name, None)
    if platform is None:
        raise ValueError(f"the {book.region} price book has no fargate.{name} prices")
    return name, platform


@functools.cache
def _sizes_by_price(os: str, vcpu_hour_usd: float, gb_hour_usd: float) -> tuple[tuple[float, float, float], ...]:
    return tuple(
        sorted(
            (task_hour_usd(cpu, memory, vcpu_hour_usd, gb_hour_usd), cpu, memory) for cpu, memory in fargate_sizes(os)
        )
    )


def task_hour_usd(cpu: float, memory_gb: float, vcpu_hour_usd: float, gb_hour_usd: float) -> float:
    """What a Fargate task of ``cpu`` vCPU and ``memory_gb`` GB costs an hour, list price."""
    return cpu * vcpu_hour_usd + memory_gb * gb_hour_usd


def _cheapest_size(
    os: str, vcpu_hour_usd: float, gb_hour_usd: float, vcpu: float, memory_mb: float
) -> tuple[float, float, float] | None:
    for price, cpu, memory in _sizes_by_price(os, vcpu_hour_usd, gb_hour_usd):
        if cpu >= vcpu - 1e-9 and memory * 1024 >= memory_mb - 1e-9:
            return price, cpu, memory
    return None


def size_fargate(
    workload: Workload, facts: Facts, book: PriceBook, model: CostModel, needs: Needs | None = None
) -> tuple[Draft[FargateSizing], float] | None:
    """The cheapest valid task that holds one copy, and its task-hour price; None when no Fargate size is big enough.
    ``needs``: the workload's copies, when the pricing pass has them already (decider/cost/needs.py)."""
    runtime = workload.runtime
    _, platform = fargate_platform(workload, book)
    found = _cheapest_size(
        runtime.os, platform.vcpu_hour.usd, platform.gb_hour.usd, facts.container_vcpu, float(runtime.memory_mb)
    )
    if found is None:
        return None
    price, cpu, memory = found
    needs = needs if needs is not None else needs_of(workload, facts, model)
    scaling, hours = needs.scaling, needs.hours
    low, desired, high = needs.copies
    spot_allowed = runtime.os == "linux"
    sizing = Draft(
        FargateSizing,
        task_vcpu=cpu,
        task_memory_gb=memory,
        os=runtime.os,
        architecture="x86_64" if runtime.os == "windows" or runtime.architecture == "x86_64" else "arm64",
        # Fargate sets ephemeral storage in whole GiB from 21 to 200; 20 GiB (scratch and image) is included
        ephemeral_storage_gb=max(20.0, math.ceil(facts.container_disk_gb - 1e-9)),
        capacity_provider="FARGATE_SPOT" if workload.preferences.spot_ok and spot_allowed else "FARGATE",
        scaling=scaling,
        concurrency_per_copy=runtime.concurrency_per_copy,
        utilisation_target=utilisation(workload, model),
        min_copies=low,
        desired_copies=desired,
        max_copies=high,
        scheduled_min_copies=needs.schedule,
        task_hours_per_month=round(hours.at(workload.requests_per_month), 4),
        purchase=purchase_for(workload, spot_allowed),
        connections_per_copy=runtime.connections_per_copy if facts.connection_copies else None,
        front_door=front_door(workload, serverless=False),
    )
    return sizing, price


def size_instances(
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    *,
    management_fee: bool = False,
    control_plane: bool = False,
    chosen: dict[tuple[bool, bool, float], InstanceOption | None] | None = None,
    shared: bool = False,
    needs: Needs | None = None,
) -> tuple[Draft[InstanceSizing], Instance, tuple[Ramp, ...]] | None:
    """The instance type that makes the month cheapest at this volume (as billed, by instance_hour_ramps); None when
    no catalogue type fits a copy. A ``control_plane`` target's nodes (EKS) keep vCPU from pods for the kubelet and
    the DaemonSets (``kubelet_reserved_cpu`` in model.yaml).

    ``chosen`` (a memo by management fee, node kind and the share of compute billed: ``compute_factor``) lets a
    workload's purchase options that bill alike share one choice.
    ``shared``: the copies go on the team's existing EKS cluster, billed as their share of its nodes. ``needs``: the
    workload's copies, when the pricing pass has them already (decider/cost/needs.py).
    """
    needs = needs if needs is not None else needs_of(workload, facts, model)
    scaling = needs.scaling
    low, desired, high = needs.copies
    key = (management_fee, control_plane, compute_factor(workload, book))
    if chosen is not None and key in chosen:
        option = chosen[key]
    else:
        option = cheapest_instance(
            workload,
            facts,
            book,
            model,
            management_fee=management_fee,
            kubernetes=control_plane,
            shared=shared,
            needs=needs,
        )
        if chosen is not None:
            chosen[key] = option
    if option is None:
        return None
    instance, per_instance, instance_ramps = option.instance, option.per_instance, option.ramps
    floor = instance_ramps[0].low
    floor_instances = 0 if shared else round(floor / 730.0)  # a share of nodes keeps none of its own up
    sizing = Draft(
        InstanceSizing,
        instance_type=instance.type,
        instance_vcpu=instance.vcpu,
        instance_memory_gib=instance.memory_gib,
        instance_gpu=instance.gpu,
        architecture=instance.architecture,
        os=workload.runtime.os,
        copy_vcpu=facts.container_vcpu,
        copy_memory_mb=workload.runtime.memory_mb,
        copy_gpu=workload.runtime.gpu,
        copies_per_instance=per_instance,
        scaling=scaling,
        concurrency_per_copy=workload.runtime.concurrency_per_copy,
        utilisation_target=utilisation(workload, model),
        min_copies=low,
        desired_copies=desired,
        max_copies=high,
        scheduled_min_copies=needs.schedule,
        min_instances=floor_instances,
        desired_instances=max(floor_instances, math.ceil(desired / per_instance)),
        max_instances=max(floor_instances, math.ceil(high / per_instance)),
        instance_hours_per_month=round(option.hours, 4),
        purchase=purchase_for(workload, spot_allowed=True),
        connections_per_copy=workload.runtime.connections_per_copy if facts.connection_copies else None,
        management_fee=management_fee,
        control_plane=plane_support(workload, book, model) if control_plane else None,
        shared_nodes=shared,
        front_door=front_door(workload, serverless=False),
    )
    return sizing, instance, instance_ramps
