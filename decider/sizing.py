"""Sizing: what a user would configure on each target for a workload, and the per-request rates the bill grows by.

Lambda gets a memory setting and its peak concurrency against the account quota; Fargate the cheapest valid task
size and copies from Little's law (in-flight work ÷ (concurrency per copy × utilisation target)); ECS on EC2,
Managed Instances and EKS the cheapest instance type that fits a copy at this volume, and copies packed per instance.
Sizing is held fixed when the break-even search moves the request volume; only copies and hours follow it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import ItemsView, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from decider.facts import FARGATE_CPU_MAX_MEMORY_MB, UTILISATION_TARGET, Facts
from decider.pricing import CostModel, FargatePlatform, Instance, PriceBook
from decider.workload import JOB_PATTERNS, Workload

SERVING_PROTOCOLS = frozenset({"http", "grpc", "websocket", "tcp", "udp"})
HTTP_PROTOCOLS = frozenset({"http", "grpc", "websocket"})
NETWORK_PROTOCOLS = frozenset({"tcp", "udp"})
Scaling = Literal["always-on", "serving", "scale-to-zero", "per-run"]
FrontDoor = Literal["api-gateway-http-api", "application-load-balancer", "network-load-balancer"]
Purchase = Literal["on-demand", "spot", "savings-plan-1yr", "savings-plan-3yr"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def items(self) -> ItemsView[str, Any]:
        """Setting name → value pairs (units in the names), for renderers that list what to configure."""
        return self.model_dump(exclude_none=True).items()

    def describe(self) -> str:
        """What to configure, in one line for people."""
        raise NotImplementedError


_FRONT_DOORS = {
    "api-gateway-http-api": "behind an API Gateway HTTP API",
    "application-load-balancer": "behind an Application Load Balancer",
    "network-load-balancer": "behind a Network Load Balancer",
}


def _extras(purchase: str, front_door: str | None) -> str:
    parts = [] if purchase == "on-demand" else [purchase.replace("-", " ")]
    if front_door:
        parts.append(_FRONT_DOORS[front_door])
    return "; " + ", ".join(parts) if parts else ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _load(scaling: str, per_copy: int, utilisation: float) -> str:
    if scaling == "per-run":
        return ""
    return f", {_plural(per_copy, 'request', 'requests')} per copy at {utilisation:.0%} utilisation"


def _copies(scaling: str, low: int, desired: int, high: int) -> str:
    if scaling == "per-run":
        return f"one copy per run, up to {high} at once"
    return f"copies min {low} / desired {desired} / max {high} ({scaling})"


class LambdaSizing(_Frozen):
    """A Lambda function's configuration."""

    kind: Literal["lambda"] = "lambda"
    memory_mb: int = Field(description="Memory setting; vCPU share follows it (1,769 MB per vCPU).")
    vcpu_equivalent: float = Field(description="vCPUs this memory setting gives.")
    architecture: Literal["x86_64", "arm64"]
    ephemeral_storage_mb: int = Field(
        description="Ephemeral storage (the function's temporary directory); above 512 MB it is billed."
    )
    peak_concurrency: int = Field(description="Executions in flight at peak (peak rate × average duration).")
    concurrency_quota: int = Field(description="The Region's default concurrent-execution quota.")
    within_default_quota: bool
    gb_seconds_per_month: float
    purchase: Purchase
    front_door: FrontDoor | None = None

    def describe(self) -> str:
        quota = "within" if self.within_default_quota else "ABOVE"
        return (
            f"memory {self.memory_mb:,} MB (≈{self.vcpu_equivalent:.2g} vCPU), {self.architecture}, ephemeral storage "
            f"{self.ephemeral_storage_mb:,} MB; {self.peak_concurrency:,} in flight at peak, {quota} the "
            f"{self.concurrency_quota:,} default concurrency quota{_extras(self.purchase, self.front_door)}"
        )


class FargateSizing(_Frozen):
    """An ECS service or scheduled task on Fargate."""

    kind: Literal["fargate"] = "fargate"
    task_vcpu: float = Field(description="Task CPU, a valid Fargate size.")
    task_memory_gb: float = Field(description="Task memory, valid for task_vcpu.")
    os: Literal["linux", "windows"]
    architecture: Literal["x86_64", "arm64"]
    ephemeral_storage_gb: float = Field(description="Task storage; 20 GB are included, more is billed.")
    capacity_provider: Literal["FARGATE", "FARGATE_SPOT"]
    scaling: Scaling
    concurrency_per_copy: int
    utilisation_target: float
    min_copies: int
    desired_copies: int = Field(description="Copies at average load.")
    max_copies: int = Field(description="Copies at peak load.")
    task_hours_per_month: float
    purchase: Purchase
    front_door: FrontDoor | None = None

    def describe(self) -> str:
        return (
            f"task {self.task_vcpu:g} vCPU / {self.task_memory_gb:g} GB ({self.os}/{self.architecture}, "
            f"{self.ephemeral_storage_gb:g} GB storage) on {self.capacity_provider}; "
            f"{_copies(self.scaling, self.min_copies, self.desired_copies, self.max_copies)}"
            f"{_load(self.scaling, self.concurrency_per_copy, self.utilisation_target)}"
            f"{_extras(self.purchase, self.front_door)}"
        )


class InstanceSizing(_Frozen):
    """Container copies packed onto EC2 instances (ECS on EC2, ECS Managed Instances, EKS nodes)."""

    kind: Literal["instances"] = "instances"
    instance_type: str
    instance_vcpu: float
    instance_memory_gib: float
    instance_gpu: int
    architecture: Literal["x86_64", "arm64"]
    os: Literal["linux", "windows"]
    copy_vcpu: float
    copy_memory_mb: int
    copy_gpu: int
    copies_per_instance: int = Field(description="Copies that fit on one instance (CPU, memory, GPU).")
    scaling: Scaling
    concurrency_per_copy: int
    utilisation_target: float
    min_copies: int
    desired_copies: int
    max_copies: int
    min_instances: int
    desired_instances: int
    max_instances: int
    instance_hours_per_month: float
    purchase: Purchase
    management_fee: bool = Field(description="ECS Managed Instances bills a fee per instance-hour.")
    control_plane: Literal["eks-standard-support"] | None = None
    front_door: FrontDoor | None = None

    def describe(self) -> str:
        gpu = f", {self.instance_gpu} GPU" if self.instance_gpu else ""
        instances = (
            "one per run"
            if self.scaling == "per-run"
            else f"min {self.min_instances} / desired {self.desired_instances} / max {self.max_instances}"
        )
        return (
            f"{self.instance_type} ({self.instance_vcpu:g} vCPU, {self.instance_memory_gib:g} GiB{gpu}, "
            f"{self.os}/{self.architecture}), {_plural(self.copies_per_instance, 'copy', 'copies')} each, "
            f"instances {instances}; "
            f"copy {self.copy_vcpu:g} vCPU / {self.copy_memory_mb:,} MB; "
            f"{_copies(self.scaling, self.min_copies, self.desired_copies, self.max_copies)}"
            f"{_extras(self.purchase, self.front_door)}"
        )


Sizing = Annotated[LambdaSizing | FargateSizing | InstanceSizing, Field(discriminator="kind")]


@dataclass(frozen=True, slots=True)
class Hours:
    """Billed hours as a function of requests per month R: max(floor_hours, per_request_hours × R)."""

    per_request: float
    floor: float

    def at(self, requests: float) -> float:
        return max(self.floor, self.per_request * requests)


@dataclass(frozen=True, slots=True)
class Ramp:
    """Part of a quantity billed per month: ``min(high, max(low, slope × R + offset))`` for R requests a month."""

    slope: float
    offset: float = 0.0
    low: float = 0.0
    high: float = math.inf

    def at(self, requests: float) -> float:
        return min(self.high, max(self.low, self.slope * requests + self.offset))


def instance_hour_ramps(copy: Hours, per_instance: int, floor: float, per_run: bool) -> tuple[Ramp, ...]:
    """Instance-hours a month as ramps in R, from copy-hours and copies packed per instance.

    Runs get an instance each. With a floor of always-up instances, instances follow copy-hours ÷ copies per
    instance above it. Scaled to zero, an instance is up whenever any copy runs (copies are taken not to overlap until
    one instance is busy all month), and more instances join once copies outgrow it:
    ``min(copy-hours, 730) + max(0, copy-hours ÷ per_instance − 730)``. A lone copy therefore never looks cheap on a
    large type, and the same function both picks the type and bills it, so a bill never falls as traffic rises.
    """
    if per_run:
        return (Ramp(copy.per_request),)
    if floor > 0:
        return (Ramp(copy.per_request / per_instance, 0.0, floor),)
    return (Ramp(copy.per_request, 0.0, 0.0, 730.0), Ramp(copy.per_request / per_instance, -730.0, 0.0))


def scaling_of(workload: Workload, facts: Facts) -> Scaling:
    """How copies follow the load: kept up (always-on, serving), started per run, or scaled to zero between work."""
    if workload.traffic.pattern in JOB_PATTERNS and not workload.runtime.long_running:
        return "per-run"
    if facts.always_on:
        return "always-on"
    if set(workload.protocols) & SERVING_PROTOCOLS:
        return "serving"
    return "scale-to-zero"


def min_copies_for(scaling: Scaling, model: CostModel) -> int:
    if scaling == "always-on":
        return model.always_on_min_copies
    if scaling == "serving":
        return model.serving_min_copies
    return 0


def copy_hours(workload: Workload, facts: Facts, model: CostModel, scaling: Scaling) -> Hours:
    """Copy-hours a month: per run (one copy each, billed at least a minute) or in-flight work over copy capacity."""
    avg_s = facts.avg_duration_s
    if scaling == "per-run":
        return Hours(max(avg_s, model.fargate_minimum_billed_s) / 3600.0, 0.0)
    per_copy = workload.runtime.concurrency_per_copy * UTILISATION_TARGET
    floor = min_copies_for(scaling, model) * 730.0
    return Hours(avg_s / (3600.0 * per_copy), floor)


def copies(workload: Workload, facts: Facts, model: CostModel, scaling: Scaling) -> tuple[int, int, int]:
    """(min, desired, max) copies: desired from average in-flight work, max from peak (Little's law)."""
    if scaling == "per-run":
        peak = max(1, math.ceil(facts.peak_concurrency - 1e-9))
        return 0, peak, peak
    per_copy = workload.runtime.concurrency_per_copy * UTILISATION_TARGET
    low = min_copies_for(scaling, model)
    desired = max(low, math.ceil(facts.avg_concurrency / per_copy - 1e-9))
    high = max(desired, math.ceil(facts.peak_concurrency / per_copy - 1e-9), 1)
    return low, desired, high


def front_door(workload: Workload, serverless: bool) -> FrontDoor | None:
    protocols = set(workload.protocols)
    if protocols & HTTP_PROTOCOLS:
        return "api-gateway-http-api" if serverless else "application-load-balancer"
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


def size_lambda(workload: Workload, facts: Facts, book: PriceBook, model: CostModel) -> LambdaSizing:
    memory_mb = math.ceil(facts.lambda_memory_mb)
    peak = math.ceil(facts.peak_concurrency - 1e-9)
    return LambdaSizing(
        memory_mb=memory_mb,
        vcpu_equivalent=round(memory_mb / 1769, 3),
        architecture="x86_64" if workload.runtime.architecture == "x86_64" else "arm64",
        ephemeral_storage_mb=max(512, math.ceil(workload.runtime.ephemeral_storage_gb * 1024)),
        peak_concurrency=peak,
        concurrency_quota=model.lambda_concurrency_quota,
        within_default_quota=peak <= model.lambda_concurrency_quota,
        gb_seconds_per_month=round(workload.requests_per_month * facts.avg_duration_s * memory_mb / 1024, 3),
        purchase=purchase_for(workload, spot_allowed=False),
        front_door=front_door(workload, serverless=True),
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


def fargate_platform(workload: Workload, book: PriceBook) -> tuple[str, FargatePlatform]:
    if workload.runtime.os == "windows":
        return "windows_x86_64", book.fargate.windows_x86_64
    if workload.runtime.architecture == "x86_64":
        return "linux_x86_64", book.fargate.linux_x86_64
    return "linux_arm64", book.fargate.linux_arm64


@functools.cache
def _sizes_by_price(os: str, vcpu_hour_usd: float, gb_hour_usd: float) -> tuple[tuple[float, float, float], ...]:
    return tuple(sorted((cpu * vcpu_hour_usd + memory * gb_hour_usd, cpu, memory) for cpu, memory in fargate_sizes(os)))


def _cheapest_size(
    os: str, vcpu_hour_usd: float, gb_hour_usd: float, vcpu: float, memory_mb: float
) -> tuple[float, float, float] | None:
    for price, cpu, memory in _sizes_by_price(os, vcpu_hour_usd, gb_hour_usd):
        if cpu >= vcpu - 1e-9 and memory * 1024 >= memory_mb - 1e-9:
            return price, cpu, memory
    return None


def size_fargate(
    workload: Workload, facts: Facts, book: PriceBook, model: CostModel
) -> tuple[FargateSizing, float] | None:
    """The cheapest valid task that holds one copy, and its task-hour price; None when no Fargate size is big enough."""
    runtime = workload.runtime
    _, platform = fargate_platform(workload, book)
    found = _cheapest_size(
        runtime.os, platform.vcpu_hour.usd, platform.gb_hour.usd, facts.container_vcpu, float(runtime.memory_mb)
    )
    if found is None:
        return None
    price, cpu, memory = found
    scaling = scaling_of(workload, facts)
    low, desired, high = copies(workload, facts, model, scaling)
    hours = copy_hours(workload, facts, model, scaling)
    spot_allowed = runtime.os == "linux"
    sizing = FargateSizing(
        task_vcpu=cpu,
        task_memory_gb=memory,
        os=runtime.os,
        architecture="x86_64" if runtime.os == "windows" or runtime.architecture == "x86_64" else "arm64",
        ephemeral_storage_gb=max(20.0, runtime.ephemeral_storage_gb),
        capacity_provider="FARGATE_SPOT" if workload.preferences.spot_ok and spot_allowed else "FARGATE",
        scaling=scaling,
        concurrency_per_copy=runtime.concurrency_per_copy,
        utilisation_target=UTILISATION_TARGET,
        min_copies=low,
        desired_copies=desired,
        max_copies=high,
        task_hours_per_month=round(hours.at(workload.requests_per_month), 4),
        purchase=purchase_for(workload, spot_allowed),
        front_door=front_door(workload, serverless=False),
    )
    return sizing, price


def copies_per_instance(instance: Instance, workload: Workload, facts: Facts, model: CostModel) -> int:
    runtime = workload.runtime
    by_memory = math.floor((instance.memory_gib * 1024 - model.node_reserved_memory_mb) / runtime.memory_mb + 1e-9)
    cpu_ratio = instance.vcpu / facts.container_vcpu
    # A vanishingly small vCPU need (the contract allows any vcpu > 0) overflows to infinity: memory decides then.
    by_cpu = math.floor(cpu_ratio + 1e-9) if math.isfinite(cpu_ratio) else by_memory
    fits = min(by_cpu, by_memory)
    if runtime.gpu:
        fits = min(fits, instance.gpu // runtime.gpu)
    return max(fits, 0)


_FITS: dict[tuple[Any, ...], tuple[object, tuple[tuple[Instance, int], ...]]] = {}
_FITS_LIMIT = 4096


def instance_fits(
    workload: Workload, facts: Facts, book: PriceBook, model: CostModel
) -> tuple[tuple[Instance, int], ...]:
    """Each allowed catalogue type that holds at least one copy, with the number of copies it holds.

    Remembered per catalogue and copy shape: many workloads share a shape, and the catalogue is immutable.
    """
    runtime = workload.runtime
    key = (
        id(book.ec2.instances),
        runtime.architecture,
        runtime.os,
        runtime.gpu,
        runtime.memory_mb,
        facts.container_vcpu,
        workload.control.instance_types,
        model.node_reserved_memory_mb,
    )
    cached = _FITS.get(key)
    if cached is not None and cached[0] is book.ec2.instances:  # the same catalogue, not a reused id
        return cached[1]
    fits = []
    for instance in instance_candidates(workload, book):
        per_instance = copies_per_instance(instance, workload, facts, model)
        if per_instance >= 1:
            fits.append((instance, per_instance))
    if len(_FITS) >= _FITS_LIMIT:
        _FITS.clear()
    _FITS[key] = (book.ec2.instances, tuple(fits))
    return tuple(fits)


def instance_candidates(workload: Workload, book: PriceBook) -> list[Instance]:
    """Catalogue types allowed for the workload: architecture, GPU need, ``control.instance_types``.

    Burstable types are used only when named in ``instance_types``: sustained load above their baseline CPU is
    charged as CPU credits, which the model does not price.
    """
    runtime, named = workload.runtime, workload.control.instance_types
    chosen: list[Instance] = []
    for instance in book.ec2.instances:
        if runtime.architecture != "any" and instance.architecture != runtime.architecture:
            continue
        if runtime.os == "windows" and instance.architecture != "x86_64":
            continue
        if named:
            if instance.type not in named and instance.type_family not in named:
                continue
        elif instance.family == "burstable":
            continue
        if (runtime.gpu > 0) != (instance.gpu > 0) and not (named and runtime.gpu == 0):
            continue
        chosen.append(instance)
    return chosen


@dataclass(frozen=True, slots=True)
class InstanceOption:
    """A catalogue type that holds a copy, with the instance-hours it would bill for the workload."""

    instance: Instance
    per_instance: int
    ramps: tuple[Ramp, ...]
    hours: float
    """Instance-hours a month at the workload's own volume."""


def instance_options(
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    fits: Sequence[tuple[Instance, int]] | None = None,
) -> tuple[InstanceOption, ...]:
    """Every fitting type with its billed instance-hours; shared by the three instance-based targets."""
    scaling = scaling_of(workload, facts)
    hours = copy_hours(workload, facts, model, scaling)
    low = copies(workload, facts, model, scaling)[0]
    min_instances = 0 if low == 0 else 2 if scaling == "always-on" else 1
    requests = workload.requests_per_month
    options = []
    for instance, per_instance in fits if fits is not None else instance_fits(workload, facts, book, model):
        floor = max(min_instances * 730.0, math.ceil(low / per_instance) * 730.0)
        ramps = instance_hour_ramps(hours, per_instance, floor, scaling == "per-run")
        billed = sum(ramp.at(requests) for ramp in ramps)
        options.append(InstanceOption(instance, per_instance, ramps, billed))
    return tuple(options)


def size_instances(
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    *,
    management_fee: bool = False,
    control_plane: bool = False,
    options: Sequence[InstanceOption] | None = None,
) -> tuple[InstanceSizing, Instance, tuple[Ramp, ...]] | None:
    """The instance type that makes the month cheapest at this volume (as billed, by instance_hour_ramps); None when
    no catalogue type fits a copy.

    ``options`` (from ``instance_options``) lets the three instance-based targets share one pass over the catalogue.
    """
    scaling = scaling_of(workload, facts)
    low, desired, high = copies(workload, facts, model, scaling)
    windows_vcpu_hour = book.ec2.windows_license_vcpu_hour.usd if workload.runtime.os == "windows" else 0.0
    best: tuple[float, float, str, InstanceOption] | None = None
    for option in options if options is not None else instance_options(workload, facts, book, model):
        instance = option.instance
        hourly = instance.usd_per_hour + windows_vcpu_hour * instance.vcpu
        if management_fee:
            hourly += managed_instances_fee(instance, book)
        key = (hourly * option.hours, instance.usd_per_hour, instance.type)
        if best is None or key < best[:3]:
            best = (*key, option)
    if best is None:
        return None
    chosen = best[3]
    instance, per_instance, instance_ramps = chosen.instance, chosen.per_instance, chosen.ramps
    floor = instance_ramps[0].low
    floor_instances = round(floor / 730.0)
    sizing = InstanceSizing(
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
        utilisation_target=UTILISATION_TARGET,
        min_copies=low,
        desired_copies=desired,
        max_copies=high,
        min_instances=floor_instances,
        desired_instances=max(floor_instances, math.ceil(desired / per_instance)),
        max_instances=max(floor_instances, math.ceil(high / per_instance)),
        instance_hours_per_month=round(chosen.hours, 4),
        purchase=purchase_for(workload, spot_allowed=True),
        management_fee=management_fee,
        control_plane="eks-standard-support" if control_plane else None,
        front_door=front_door(workload, serverless=False),
    )
    return sizing, instance, instance_ramps


def managed_instances_fee(instance: Instance, book: PriceBook) -> float:
    """The Managed Instances fee per instance-hour: AWS's published figure for the type, else the fee share."""
    if instance.managed_instances_fee_usd_per_hour is not None:
        return instance.managed_instances_fee_usd_per_hour
    return instance.usd_per_hour * book.managed_instances.fee_fraction.fraction
