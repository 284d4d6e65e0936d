"""Plans for the capacity modes that are not a target's own sizing: Lambda Managed Instances, EKS Auto Mode and EKS
on Fargate, each built from the sizing decider already made where it can (the same instance type and hours for Auto
Mode, the Fargate task sizing for EKS on Fargate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from decider.cost.bill import PLANNERS, Plan, function_door_lines, on_existing_cluster
from decider.cost.capacity import Ramp, copies, empty_room
from decider.cost.choice import past_best, undominated
from decider.cost.compiled import Compiled
from decider.cost.draft import Draft
from decider.cost.gaps import Unpriced
from decider.cost.instances import catalogue_key, instance_candidates, node_memory_mb
from decider.cost.kubernetes import control_plane_lines
from decider.cost.line import Line, fixed
from decider.cost.network import network_lines
from decider.cost.profile import RampSum, instance_hour_ramps, profile_billed_hours, profile_copy_hours
from decider.cost.sizing import front_door, purchase_for
from decider.decision import InstanceSizing
from decider.facts import Facts, utilisation
from decider.pricing.book import Discount, Instance, LambdaManagedInstancesPrices, PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Target
from decider.workload import Workload


def hour_lines(item: str, unit_price_usd: float, ramps: Sequence[Ramp]) -> list[Line]:
    """One instance-hour line per ramp (a second ramp is the instances beyond the first)."""
    labels = [item] if len(ramps) == 1 else [f"{item}, while work runs", f"{item}, instances beyond the first"]
    return [Line(label, "instance-hour", unit_price_usd, ramp) for label, ramp in zip(labels, ramps, strict=True)]


def eks_auto_mode(nodes: Plan, book: PriceBook) -> Plan | None:
    """EKS nodes as sized, plus the Auto Mode fee per instance-hour (a share of the on-demand price, never
    discounted); None when the book has no Auto Mode price."""
    prices = book.modes.eks_auto_mode
    sizing = nodes.draft
    instance = catalogue_type(book, sizing.instance_type) if sizing.kind is InstanceSizing else None
    if prices is None or instance is None or not nodes.hours:
        return None
    fee = instance.usd_per_hour * prices.fee_fraction.fraction
    return nodes.with_lines((*nodes.lines, *hour_lines(f"EKS Auto Mode fee ({instance.type})", fee, nodes.hours)))


_BY_TYPE: Compiled[dict[str, Instance]] = Compiled(limit=64)


def catalogue_type(book: PriceBook, name: str) -> Instance | None:
    """The catalogue's type ``name`` (``PriceBook.instance``: the first so named), from a table compiled once per
    catalogue instead of a scan of it every time a plan on EKS nodes is priced in Auto Mode."""
    instances = book.ec2.instances
    by_type = _BY_TYPE.get(id(instances), instances, lambda: {item.type: item for item in reversed(instances)})
    return by_type.get(name)


def eks_fargate(
    target: Target, workload: Workload, facts: Facts, book: PriceBook, model: CostModel, nodes: Plan | None
) -> Plan | None:
    """Pods on Fargate: the Fargate task sizing for each pod's memory plus the 256 MB EKS adds, Linux on x86_64 and
    on demand (EKS on Fargate has no Spot), and the cluster's control plane."""
    prices = book.modes.eks_fargate
    if prices is None:
        return None
    runtime = workload.runtime.model_copy(
        update={
            "memory_mb": workload.runtime.memory_mb + int(prices.pod_memory_overhead_mb.quantity),
            "architecture": "x86_64",
        }
    )
    preferences = workload.preferences.model_copy(update={"spot_ok": False})
    try:
        pods = PLANNERS["fargate"](
            target, workload.model_copy(update={"runtime": runtime, "preferences": preferences}), facts, book, model
        )
    except Unpriced:  # no Fargate price in this region: EKS on Fargate is not priced (never chosen) there
        return None
    if pods is None:
        return None
    control = [line for line in (nodes.lines if nodes is not None else ()) if line.item.startswith("EKS control")]
    if not control:
        control = control_plane_lines(workload.control.kubernetes_version, book, model)
    lines = [line.named(line.item.replace("Fargate tasks", "EKS Fargate pods", 1)) for line in pods.lines]
    # A load balancer billed in front of the pods (behind an API Gateway door too, through its VPC link)
    balanced = any(line.item.startswith(BALANCERS) for line in pods.lines)
    commitment = workload.preferences.commitment
    plan = book.savings_plans.fargate.for_term(commitment) if pods.draft.purchase.startswith("savings-plan") else None
    existing = on_existing_cluster(target, workload)
    system = system_pod_lines(book, model, existing=existing, balanced=balanced, plan=plan, term=commitment)
    return pods.with_lines((*lines[:1], *control, *system, *lines[1:]))


#: The load balancers the AWS Load Balancer Controller makes for pods on Fargate (IP targets), as bills name them.
BALANCERS = ("Application Load Balancer", "Network Load Balancer")


def system_pod_lines(
    book: PriceBook,
    model: CostModel,
    *,
    existing: bool,
    balanced: bool = False,
    plan: Discount | None = None,
    term: str = "",
) -> list[Line]:
    """The system pods a cluster of Fargate pods alone runs on Fargate too, each at Fargate's smallest size and up
    all month: CoreDNS (``eks_fargate_system_pods``) and, in front of a load balancer (``balanced``), the AWS Load
    Balancer Controller (``eks_fargate_balancer_pods``); under the Compute Savings Plan the pods are bought with
    (``plan``, for ``term``), as they are. An existing cluster runs them already: shown at $0."""
    prices = book.fargate.linux_x86_64 if book.fargate is not None else None
    vcpu, gb = model.eks_fargate_system_pod_vcpu, model.eks_fargate_system_pod_gb
    share, suffix = (1 - plan.fraction, f", Compute Savings Plan {term}") if plan is not None else (1.0, "")
    wanted = [("CoreDNS", model.eks_fargate_system_pods)]
    if balanced:
        wanted.append(("the AWS Load Balancer Controller", model.eks_fargate_balancer_pods))
    if prices is None:
        return []
    lines = []
    for what, pods in wanted:
        if not pods:
            continue
        item = f"EKS Fargate pods for {what} ({pods} × {vcpu:g} vCPU, {gb:g} GB{suffix})"
        if existing:
            lines.append(fixed(f"{item}: existing cluster's, already paid", "pod-hour", 0.0, pods * 730.0))
        else:
            usd = (vcpu * prices.vcpu_hour.usd + gb * prices.gb_hour.usd) * share
            lines.append(fixed(item, "pod-hour", usd, pods * 730.0))
    return lines


def lambda_managed_instances(
    target: Target, workload: Workload, facts: Facts, book: PriceBook, model: CostModel
) -> Plan | None:
    """A function on Lambda Managed Instances: execution environments (at least 2 GB and 1 vCPU, 2–8 GB per vCPU)
    packed onto the cheapest fitting instance type, serving ``concurrency_per_copy`` invocations each; at least three
    instances; billed per request, per instance-hour and a management fee. None without its prices or a fitting type."""
    prices = book.modes.lambda_managed_instances
    if prices is None:
        return None
    vcpu = max(prices.minimum_environment_vcpu.quantity, facts.container_vcpu)
    memory_mb = max(prices.minimum_environment_memory_mb.quantity, float(workload.runtime.memory_mb), 2048.0 * vcpu)
    vcpu = max(vcpu, memory_mb / 8192.0)
    per_copy = workload.runtime.concurrency_per_copy * utilisation(workload, model)
    environment_hours = _environment_hours(workload, model, facts.avg_duration_s / (3600.0 * per_copy))
    floor = prices.minimum_instances.quantity * 730.0
    profiled = environment_hours if isinstance(environment_hours, RampSum) else None
    # EC2 Savings Plans apply to its instances as to any in the account: the plan the workload asks for (architect
    # audit 39, F8: an EC2 Instance Savings Plan was priced at the Compute plan's rate)
    instance_plan = workload.preferences.savings_plan == "ec2-instance"
    plans = book.savings_plans.ec2_instance if instance_plan else book.savings_plans.ec2
    discount = plans.for_term(workload.preferences.commitment)
    fee_fraction = prices.fee_fraction.fraction
    requests = workload.requests_per_month
    slope = environment_hours.slope
    best: tuple[float, float, str] = (math.inf, math.inf, "")
    best_fit: tuple[Instance, int] | None = None
    for instance, fits, hourly, list_price in _priced_environment_fits(
        workload, book, model, vcpu, memory_mb, discount, fee_fraction
    ):
        if past_best(hourly * floor, best[0]):  # every type bills the floor at least; the rest are dearer an hour
            break
        # instance_hour_ramps with a floor of instances: one ramp, max(floor, hours ÷ environments per instance and
        # the room whole instances leave empty), written out as Ramp.at writes it; hour by hour for a profile
        if profiled is not None:
            cost = hourly * profile_billed_hours(profiled, fits, floor, requests)
        else:
            needed = slope / fits * requests + empty_room(environment_hours, fits, requests)
            cost = hourly * (0 + (needed if needed > floor else floor))
        if best_fit is None or cost < best[0] or (cost == best[0] and (list_price, instance.type) < best[1:]):
            best, best_fit = (cost, list_price, instance.type), (instance, fits)
    if best_fit is None:
        return None
    instance, fits = best_fit
    ramps = instance_hour_ramps(environment_hours, fits, floor, per_run=False, requests=requests)
    sizing = _sizing(workload, facts, model, prices, instance, fits, ramps, (vcpu, memory_mb))
    plan_name = "EC2 Instance" if instance_plan else "Compute"
    suffix = f", {plan_name} Savings Plan {workload.preferences.commitment}" if discount is not None else ""
    lines = [
        Line("Lambda Managed Instances requests", "million requests", prices.request.usd * 1e6, Ramp(1e-6)),
        *hour_lines(
            f"Lambda Managed Instances: {instance.type} ({fits} environment{'s' if fits > 1 else ''} each{suffix})",
            _compute(instance, discount),
            ramps,
        ),
        *hour_lines(
            f"Lambda Managed Instances fee ({instance.type})",
            instance.usd_per_hour * prices.fee_fraction.fraction,
            ramps,
        ),
    ]
    # The front door as on demand, with the function as its target, and the network lines of work in a VPC: the
    # instances are always in one, so its NAT gateways carry what they open (decider/cost/network.py).
    door = sizing.fields["front_door"]
    try:
        lines += function_door_lines(workload, book, model, door)
        lines += network_lines(workload, book, in_vpc=True, fronted=door is not None)
    except Unpriced:  # a door or network price the region's book lacks: not priced, as on demand is not
        return None
    return Plan(target.id, sizing, tuple(lines), ramps)


def _environment_hours(workload: Workload, model: CostModel, slope: float) -> Ramp:
    """Execution-environment-hours a month at ``slope`` an invocation: hour by hour for an hourly profile, as the
    container targets' copy-hours are (decider/cost/profile.py ``copy_hours``: each hour's load, and the environments
    of a busier hour kept for the scale-in lag after it), since the capacity provider scales the instances with the
    load (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html), and the three instances kept
    whatever the load hold the quiet hours (architect audit 37, F2: the month's average billed a business-hours
    portal ~$300 low, and Lambda was recommended over the cheaper Fargate)."""
    profile = workload.traffic.hourly_profile
    if profile is None:
        return Ramp(slope)
    return profile_copy_hours(profile, slope, 0.0, model.scale_in_lag_minutes)


_FITS: Compiled[tuple[tuple[Instance, int], ...]] = Compiled()


def _environment_fits(
    workload: Workload, book: PriceBook, model: CostModel, vcpu: float, memory_mb: float
) -> tuple[tuple[Instance, int], ...]:
    """Each allowed type Lambda Managed Instances offers (no GPU; C, M and R families from size large: the cost
    model's ``lambda_managed_instance_types``) that holds an execution environment, with how many it holds; remembered
    per catalogue and environment shape (architect audit 39, F1: an m7g.medium billed a function 20-55% low)."""
    offered = model.lambda_managed_instance_types

    def build() -> tuple[tuple[Instance, int], ...]:
        found = []
        for instance in instance_candidates(workload, book):
            if offered is not None and not offered.offers(instance.type):
                continue
            fits = min(
                math.floor(instance.vcpu / vcpu + 1e-9),
                math.floor(node_memory_mb(instance, model) / memory_mb + 1e-9),
            )
            if not instance.gpu and fits >= 1:
                found.append((instance, fits))
        return tuple(found)

    key = (*catalogue_key(workload, book, model, vcpu, memory_mb), id(offered))
    return _FITS.get(key, book.ec2.instances, build, also=offered)


_PRICED: Compiled[tuple[tuple[Instance, int, float, float], ...]] = Compiled()


def _priced_environment_fits(
    workload: Workload,
    book: PriceBook,
    model: CostModel,
    vcpu: float,
    memory_mb: float,
    discount: Discount | None,
    fee_fraction: float,
) -> tuple[tuple[Instance, int, float, float], ...]:
    """``_environment_fits`` with each type's instance-hour price (EC2 after the discount, plus the fee) and list
    price, compiled once per catalogue, environment shape and discount. A type another beats at every volume
    (``dominates``: no dearer an hour, as many environments, first on a tie) is left out; the rest come cheapest an
    hour first (``undominated``)."""
    fits = _environment_fits(workload, book, model, vcpu, memory_mb)

    def build() -> tuple[tuple[Instance, int, float, float], ...]:
        priced = tuple(
            (
                instance,
                count,
                _compute(instance, discount) + instance.usd_per_hour * fee_fraction,
                instance.usd_per_hour,
            )
            for instance, count in fits
        )
        return undominated(priced)

    return _PRICED.get((id(fits), discount.fraction if discount is not None else None, fee_fraction), fits, build)


def _compute(instance: Instance, discount: Discount | None) -> float:
    """The EC2 part of an instance-hour, after a Savings Plan's discount."""
    return instance.usd_per_hour * (1 - discount.fraction) if discount is not None else instance.usd_per_hour


def _sizing(
    workload: Workload,
    facts: Facts,
    model: CostModel,
    prices: LambdaManagedInstancesPrices,
    instance: Instance,
    fits: int,
    ramps: tuple[Ramp, ...],
    environment: tuple[float, float],
) -> Draft[InstanceSizing]:
    minimum = int(prices.minimum_instances.quantity)
    # runtime.min_copies is the copies a container service keeps: the bill keeps Managed Instances' own minimum
    _, desired, high = copies(workload, facts, model, "always-on", holds_connections=False, kept_given=False)
    low = max(minimum, 1)
    desired, high = max(desired, low), max(high, low)
    return Draft(
        InstanceSizing,
        instance_type=instance.type,
        instance_vcpu=instance.vcpu,
        instance_memory_gib=instance.memory_gib,
        instance_gpu=0,
        architecture=instance.architecture,
        os="linux",
        copy_vcpu=round(environment[0], 3),
        copy_memory_mb=math.ceil(environment[1]),
        copy_gpu=0,
        copies_per_instance=fits,
        scaling="always-on",
        concurrency_per_copy=workload.runtime.concurrency_per_copy,
        utilisation_target=utilisation(workload, model),
        min_copies=low,
        desired_copies=desired,
        max_copies=high,
        min_instances=minimum,
        desired_instances=max(minimum, math.ceil(desired / fits)),
        max_instances=max(minimum, math.ceil(high / fits)),
        instance_hours_per_month=round(sum(ramp.at(workload.requests_per_month) for ramp in ramps), 4),
        purchase=purchase_for(workload, spot_allowed=False),
        management_fee=True,
        # An environment starts before it takes requests: only the work counts against the HTTP API's timeout
        front_door=front_door(workload, serverless=True, cold=False),
    )
