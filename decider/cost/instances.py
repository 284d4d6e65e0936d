"""EC2 instances for the three instance-based targets: which catalogue types hold a copy, how many, and the hours.

ECS on EC2, ECS Managed Instances and EKS pack container copies onto instances; the options are computed once per
workload and shared by the three.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from decider.cost.capacity import Ramp, empty_room, linger_hours, run_hours
from decider.cost.choice import TIE, before, past_best, undominated
from decider.cost.compiled import Compiled
from decider.cost.hourly import compute_factor, hourly_price
from decider.cost.needs import Needs, needs_of
from decider.cost.profile import RampSum, instance_hour_ramps, profile_billed_hours, shared_instance_hours
from decider.cost.volumes import node_disk, volume_hour_usd
from decider.facts import Facts
from decider.pricing.book import Instance, PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import Workload

#: Copies of one service a node runs on the host's network: "You can't run more than a single instantiation of a task
#: on each host ... only the first task can bind to its required port"
#: (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-networkmode-host.html; the same for ECS
#: Managed Instances, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-host-modes.html).
#: Kubernetes schedules a pod with a host port only where the port is free, so EKS holds one a node as well.
HOST_NETWORK_COPIES = 1


def copies_per_instance(
    instance: Instance, workload: Workload, facts: Facts, model: CostModel, *, kubernetes: bool = False
) -> int:
    """Copies a node holds (CPU, memory, GPU); a ``kubernetes`` node (EKS) keeps the kubelet's and the DaemonSets'
    vCPU from them (``kubelet_reserved_cpu`` in model.yaml) and runs at most its max pods less the DaemonSets'. A copy
    on the host's network holds its port on the node: one a node (``HOST_NETWORK_COPIES``)."""
    runtime = workload.runtime
    by_memory = math.floor(node_memory_mb(instance, model, kubernetes=kubernetes) / runtime.memory_mb + 1e-9)
    reserve = model.kubelet_reserved_cpu
    allocatable = instance.vcpu - (reserve.vcpu(instance.vcpu) if kubernetes and reserve is not None else 0.0)
    cpu_ratio = allocatable / facts.container_vcpu
    # A vanishingly small vCPU need (the contract allows any vcpu > 0) overflows to infinity: memory decides then.
    by_cpu = math.floor(cpu_ratio + 1e-9) if math.isfinite(cpu_ratio) else by_memory
    fits = min(by_cpu, by_memory)
    if runtime.gpu:
        fits = min(fits, instance.gpu // runtime.gpu)
    if workload.control.host_networking:
        fits = min(fits, HOST_NETWORK_COPIES)
    if kubernetes and model.kubelet_reserved_memory is not None:
        fits = min(fits, model.kubelet_reserved_memory.copies(instance.type))
    return max(fits, 0)


def node_memory_mb(instance: Instance, model: CostModel, *, kubernetes: bool = False) -> float:
    """The memory a node offers its copies: what it has installed, less its kernel's share
    (``node_kernel_memory_share`` in model.yaml) or the OS and agent's reserve (``node_reserved_memory_mb``), whichever
    is more; an EKS node (``kubernetes``) its kernel's share and the kubelet's reserve and eviction threshold, which
    grow with the pods the type may run (``kubelet_reserved_memory``)."""
    installed = instance.memory_gib * 1024
    kubelet = model.kubelet_reserved_memory if kubernetes else None
    if kubelet is not None:
        return installed - installed * model.node_kernel_memory_share - kubelet.kept_mb(instance.type)
    return installed - max(model.node_reserved_memory_mb, installed * model.node_kernel_memory_share)


_FITS: Compiled[tuple[tuple[Instance, int], ...]] = Compiled()


def instance_fits(
    workload: Workload, facts: Facts, book: PriceBook, model: CostModel, *, kubernetes: bool = False
) -> tuple[tuple[Instance, int], ...]:
    """Each allowed catalogue type that holds at least one copy, with the number of copies it holds. Remembered per
    catalogue and copy shape: many workloads share a shape, and the catalogue is immutable."""

    def build() -> tuple[tuple[Instance, int], ...]:
        fits = []
        for instance in instance_candidates(workload, book):
            per_instance = copies_per_instance(instance, workload, facts, model, kubernetes=kubernetes)
            if per_instance >= 1:
                fits.append((instance, per_instance))
        return tuple(fits)

    key = catalogue_key(workload, book, model, workload.runtime.memory_mb, facts.container_vcpu, kubernetes)
    kubelet = model.kubelet_reserved_memory if kubernetes else None  # the same figures, not a reused id
    return _FITS.get((*key, id(kubelet)), book.ec2.instances, build, also=kubelet)


def catalogue_key(workload: Workload, book: PriceBook, model: CostModel, *shape: object) -> tuple[object, ...]:
    """What decides which catalogue types hold a copy of ``shape`` (its memory and vCPU): the catalogue, the
    workload's architecture, OS, GPUs and named types, the host network (one copy a node), and the memory each node
    keeps for itself."""
    runtime = workload.runtime
    return (
        id(book.ec2.instances),
        runtime.architecture,
        runtime.os,
        runtime.gpu,
        workload.control.instance_types,
        workload.control.host_networking,
        model.node_reserved_memory_mb,
        model.node_kernel_memory_share,
        *shape,
    )


def instance_candidates(workload: Workload, book: PriceBook) -> list[Instance]:
    """Catalogue types allowed for the workload: architecture, GPU need, ``control.instance_types``. Burstable types
    are used only when named in ``instance_types``: sustained load above their baseline CPU is charged as CPU credits,
    which the model does not price."""
    runtime, named = workload.runtime, workload.control.instance_types
    chosen: list[Instance] = []
    for instance in book.ec2.instances:
        if runtime.architecture != "any" and instance.architecture != runtime.architecture:
            continue
        if runtime.os == "windows" and instance.architecture != "x86_64":
            continue
        if named and instance.type not in named and instance.type_family not in named:
            continue
        if not named and instance.family == "burstable":
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
    *,
    kubernetes: bool = False,
    shared: bool = False,
) -> tuple[InstanceOption, ...]:
    """Every fitting type with its billed instance-hours (the general form; sizing uses ``cheapest_instance``).
    ``shared``: the copies go on a cluster's existing nodes, billed as their share (``shared_instance_hours``)."""
    needs = needs_of(workload, facts, model)
    scaling, hours, low = needs.scaling, _instance_hours(needs, workload, facts), needs.copies[0]
    min_instances = _min_instances(low, scaling, shared=False)
    requests, per_run, linger = workload.requests_per_month, scaling == "per-run", linger_hours(model)
    options = []
    if fits is None:
        fits = instance_fits(workload, facts, book, model, kubernetes=kubernetes)
    for instance, per_instance in fits:
        if shared:
            ramps = shared_instance_hours(hours, per_instance, low * 730.0 / per_instance)
            options.append(InstanceOption(instance, per_instance, ramps, sum(ramp.at(requests) for ramp in ramps)))
            continue
        floor = max(min_instances * 730.0, math.ceil(low / per_instance) * 730.0)
        ramps = instance_hour_ramps(hours, per_instance, floor, per_run, linger, requests=requests)
        billed = sum(ramp.at(requests) for ramp in ramps)
        options.append(InstanceOption(instance, per_instance, ramps, billed))
    return tuple(options)


def _instance_hours(needs: Needs, workload: Workload, facts: Facts) -> Ramp | RampSum:
    """The copy-hours instances hold: a job's runs without Fargate's minute a task (``run_hours``), else the needs'."""
    return run_hours(workload, facts) if needs.scaling == "per-run" else needs.hours


def _min_instances(low: float, scaling: str, *, shared: bool) -> int:
    """Instances kept up whatever the load: none when copies scale to zero or go on a cluster's existing nodes; for
    copies kept up (always-on, or serving) one a copy up to two (two copies spread over two Availability Zones, one
    copy needs one node); otherwise one."""
    if low == 0 or shared:
        return 0
    return min(2, math.ceil(low)) if scaling in ("always-on", "serving") else 1


def cheapest_instance(
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    *,
    management_fee: bool,
    kubernetes: bool = False,
    shared: bool = False,
    needs: Needs | None = None,
) -> InstanceOption | None:
    """The fitting type that makes the month cheapest at the workload's volume (ties: the lower list price, then the
    name), with its instance-hour ramps; None when no type holds a copy. ``kubernetes``: EKS nodes, which keep vCPU
    from pods (``copies_per_instance``). The same choice as pricing every ``instance_options`` entry, in one pass
    over numbers compiled per price book and copy shape: a month's instance-hours come in closed form from the
    copy-hours ramp (the ramps of ``instance_hour_ramps``, evaluated with the same operations), and only the winner's
    ramps are built. A workload with an hourly profile (hour-by-hour ramps) takes the general path. ``shared``: the
    copies go on a cluster's existing nodes (the team runs EKS), billed as their share of them: no node of their own,
    no minimum. ``needs``: the workload's copies, when the pricing pass has them already (decider/cost/needs.py)."""
    needs = needs if needs is not None else needs_of(workload, facts, model)
    scaling, hours, low = needs.scaling, _instance_hours(needs, workload, facts), needs.copies[0]
    per_run = scaling == "per-run"
    if isinstance(hours, RampSum) and shared:
        options = instance_options(workload, facts, book, model, kubernetes=kubernetes, shared=shared)
        return _cheapest_of(options, workload, book, model, management_fee)
    min_floor = _min_instances(low, scaling, shared=shared) * 730.0
    if isinstance(hours, RampSum) and not per_run:
        return _cheapest_profiled(workload, facts, book, model, hours, (low, min_floor), management_fee, kubernetes)
    requests, slope = workload.requests_per_month, hours.slope
    linger = linger_hours(model) if per_run else 0.0
    # The first instance, up while work runs (and, for runs of a job, until the cluster scales in after each)
    busy = min(730.0, max(0.0, (slope + linger) * requests + 0.0))
    # Every type bills at least ``kept`` instance-hours (the floor kept up, or the first instance while work runs), and
    # the types come cheapest an hour first: the scan stops at the first these hours price past the best (``past_best``)
    kept = 0.0 if shared else busy if low == 0 else max(min_floor, 730.0)
    best: tuple[float, float, str] = (math.inf, math.inf, "")
    best_fit: tuple[Instance, int, float] | None = None
    # This loop runs for every fitting type of every instance-based target of every ranking: max(a, b) is written
    # ``b if b > a else a`` (the same result, ties and NaN alike), and a type dearer than any tie is passed over
    ceil, least, size = math.ceil, math.inf, math.inf  # the best cost and its magnitude, kept beside ``best``
    for instance, per_instance, hourly, list_price in _priced_fits(
        workload, facts, book, model, management_fee, kubernetes
    ):
        if past_best(hourly * kept, least):
            break
        floor = (low / per_instance if shared else ceil(low / per_instance)) * 730.0
        floor = floor if floor > min_floor else min_floor
        if floor > 0 or shared:  # a share of existing nodes follows the copy-hours, whatever the scaling; whole
            # instances of the copies' own leave room empty, the ramp's offset (``empty_room``)
            needed = slope / per_instance * requests + (0.0 if shared else empty_room(hours, per_instance, requests))
            billed = 0 + (needed if needed > floor else floor)
        else:  # scaled to zero, or runs of a job: no floor
            beyond = slope / per_instance * requests + -730.0
            billed = 0 + busy + (beyond if beyond > 0.0 else 0.0)
        cost = hourly * billed
        if cost - least > TIE * (abs(cost) + size):  # not within TIE of the best: not before it
            continue
        if best_fit is None or before((cost, list_price, instance.type), best):
            best, best_fit = (cost, list_price, instance.type), (instance, per_instance, billed)
            least, size = cost, abs(cost)
    if best_fit is None:
        return None
    instance, per_instance, billed = best_fit
    if shared:
        ramps = shared_instance_hours(hours, per_instance, low * 730.0 / per_instance)
        return InstanceOption(instance, per_instance, ramps, billed)
    floor = max(min_floor, math.ceil(low / per_instance) * 730.0)
    ramps = instance_hour_ramps(hours, per_instance, floor, per_run, linger, requests=requests)
    return InstanceOption(instance, per_instance, ramps, billed)


def _cheapest_profiled(
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    hours: RampSum,
    kept: tuple[int, float],
    management_fee: bool,
    kubernetes: bool,
) -> InstanceOption | None:
    """``cheapest_instance`` for copy-hours hour by hour (an hourly profile): each type's month from
    ``profile_billed_hours``, the float ``instance_options`` bills, over the types no other dominates; the winner's
    ramps built alone. A type is passed over first when fewer hours than it bills already price it beyond the best:
    every stretch bills at least its copy-hours over copies per instance and its share of the month's floor; the scan
    stops at the first type the floor alone prices so. ``kept``: the copies and instance-hours kept up whatever."""
    low, min_floor = kept
    requests = workload.requests_per_month
    best: tuple[float, float, str] = (math.inf, math.inf, "")
    best_fit: tuple[Instance, int, float, float] | None = None
    slope = math.fsum(part.slope for part in hours.parts)  # the stretches' copy-hours per request
    least_kept = max(min_floor, 730.0) if low else 0.0  # every type's floor is at least this
    for instance, per_instance, hourly, list_price in _priced_fits(
        workload, facts, book, model, management_fee, kubernetes
    ):
        if past_best(hourly * least_kept * (1.0 - 1e-6), best[0]):
            break
        floor = max(min_floor, math.ceil(low / per_instance) * 730.0)
        least = hourly * max(floor, slope / per_instance * requests) * (1.0 - 1e-6)  # a millionth for the rounding
        if least - best[0] > TIE * (abs(least) + abs(best[0])):  # dearer than the best beyond any tie: not before it
            continue
        billed = profile_billed_hours(hours, per_instance, floor, requests)
        if best_fit is None or before((hourly * billed, list_price, instance.type), best):
            best, best_fit = (hourly * billed, list_price, instance.type), (instance, per_instance, floor, billed)
    if best_fit is None:
        return None
    instance, per_instance, floor, billed = best_fit
    ramps = instance_hour_ramps(hours, per_instance, floor, False, requests=requests)
    return InstanceOption(instance, per_instance, ramps, billed)


def _cheapest_of(
    options: Sequence[InstanceOption], workload: Workload, book: PriceBook, model: CostModel, management_fee: bool
) -> InstanceOption | None:
    best: tuple[float, float, str, InstanceOption] | None = None
    factor = compute_factor(workload, book)
    for option in options:
        instance = option.instance
        hourly = hourly_price(instance, workload, book, management_fee=management_fee).billed(factor)
        hourly += volume_hour_usd(book, model, *node_disk(workload.runtime, option.per_instance))
        key = (hourly * option.hours, instance.usd_per_hour, instance.type)
        if best is None or before(key, best[:3]):
            best = (*key, option)
    return best[3] if best is not None else None


_PRICED: Compiled[tuple[tuple[Instance, int, float, float], ...]] = Compiled()


def _priced_fits(
    workload: Workload, facts: Facts, book: PriceBook, model: CostModel, management_fee: bool, kubernetes: bool
) -> tuple[tuple[Instance, int, float, float], ...]:
    """Each fitting type with copies per instance, its instance-hour price for the workload (all parts, as its purchase
    option bills them: ``compute_factor``) and its list price; compiled once per price book, copy shape, purchase and
    fee, and looked up once by all that the fitting types (``instance_fits``) and their prices read. Types that another
    type beats at every volume (``dominates``) are left out, and the rest come cheapest an hour first
    (``undominated``)."""
    runtime = workload.runtime
    scratch, artifact_mb = runtime.ephemeral_storage_gb, runtime.artifact_mb
    kubelet = model.kubelet_reserved_memory if kubernetes else None  # the same figures, not a reused id
    factor = compute_factor(workload, book)

    def build() -> tuple[tuple[Instance, int, float, float], ...]:
        priced = tuple(
            (
                instance,
                per_instance,
                hourly_price(instance, workload, book, management_fee=management_fee).billed(factor)
                + volume_hour_usd(book, model, *node_disk(runtime, per_instance)),
                instance.usd_per_hour,
            )
            for instance, per_instance in instance_fits(workload, facts, book, model, kubernetes=kubernetes)
        )
        return undominated(priced)

    key = catalogue_key(workload, book, model, runtime.memory_mb, facts.container_vcpu, kubernetes, id(kubelet))
    volumes = (model.root_volume_gb, model.windows_root_volume_gb, model.node_scratch_included_gb)
    priced_as = (management_fee, factor, scratch, artifact_mb, volumes)
    return _PRICED.get((*key, id(book), *priced_as), book, build, also=kubelet)
