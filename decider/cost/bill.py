"""The monthly bill of each target: itemised lines (quantity × unit price) from a price book and a sizing.

Every line's quantity is a ramp in the monthly request volume R: ``min(high, max(low, slope × R + offset))``
(a fixed charge, a per-request charge, a charge after a free allowance, a floor of always-on copies, one volume
tier). A bill is a sum of ramps, so it is piecewise linear in R; the break-even search uses that to find exact
crossings from a handful of knots instead of sampling. Line amounts carry 4 decimals (``usd``), the total 2
(``total_usd``, rounded from the unrounded sum), both rounded half up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from decider.cost.capacity import Ramp, run_seconds
from decider.cost.doors import gateway_lines, load_balancer_lines, streaming_lines, websocket_lines
from decider.cost.draft import Draft
from decider.cost.frozen import setter
from decider.cost.gaps import Unpriced, check_fargate, check_front_door, check_instances, check_lambda, no_fitting_type
from decider.cost.instances import InstanceOption
from decider.cost.kubernetes import control_plane_lines
from decider.cost.line import Line, fixed
from decider.cost.needs import Needs, needs_of
from decider.cost.network import image_pull_lines, instance_volume_lines, network_lines, system_node_lines
from decider.cost.node_pulls import node_pulls
from decider.cost.purchase_lines import compute_lines, hour_lines, runs_said, task_line
from decider.cost.sizing import fargate_platform, lambda_run_s, size_fargate, size_instances, size_lambda
from decider.cost.volumes import node_disk
from decider.cost.warm import lambda_work
from decider.decision import FargateSizing, InstanceSizing, LambdaSizing, MonthlyCost, Sizing
from decider.facts import Facts
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Target
from decider.workload import SECONDS_PER_MONTH, Workload


@dataclass(frozen=True, slots=True, init=False)
class Plan:
    """A target's sizing and bill lines; ``total(R)`` prices any request volume with the sizing held."""

    target: str
    draft: Draft[LambdaSizing] | Draft[FargateSizing] | Draft[InstanceSizing]
    """The sizing's fields; the validated sizing is ``sizing``, made when asked for."""
    lines: tuple[Line, ...]
    hours: tuple[Ramp, ...] = ()
    """Instance-hour ramps of a plan on EC2 instances (a per-instance fee is billed on them); empty otherwise."""
    totals: dict[float, float] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Totals already computed, by volume: choosing a mode, the cost score, break-even and the curve ask again."""

    def __init__(
        self,
        target: str,
        draft: Draft[LambdaSizing] | Draft[FargateSizing] | Draft[InstanceSizing],
        lines: tuple[Line, ...],
        hours: tuple[Ramp, ...] = (),
    ) -> None:
        # The fields set through their slots (decider/cost/frozen.py): a decision with advice makes a hundred plans
        _TARGET(self, target)
        _DRAFT(self, draft)
        _LINES(self, lines)
        _HOURS(self, hours)
        _TOTALS(self, {})

    @property
    def sizing(self) -> Sizing:
        """What to configure, validated (decider/decision.py)."""
        return self.draft.model()

    def with_lines(self, lines: tuple[Line, ...]) -> Plan:
        """The same sizing billed with ``lines`` (a mode's plan built on its target's own): ``dataclasses.replace``
        without its per-call look at the fields, as the mode plans of every ranking are built this way."""
        return Plan(self.target, self.draft, lines, self.hours)

    def total(self, requests: float) -> float:
        found = self.totals.get(requests)
        if found is None:
            # Each line's unit price × ramp.at(requests), added in line order from 0 as bill_data adds them; a plain
            # Ramp's at() is inlined (the mode choice, the cost score, break-even and the curve ask thousands of times
            # a decision), a ramp of its own kind (an hourly profile's RampSum) is asked.
            found = 0.0
            for line in self.lines:
                ramp = line.ramp
                if type(ramp) is Ramp:
                    value = ramp.slope * requests + ramp.offset
                    value = value if value > ramp.low else ramp.low
                    found += line.unit_price_usd * (value if value < ramp.high else ramp.high)
                else:
                    found += line.unit_price_usd * ramp.at(requests)
            self.totals[requests] = found
        return found

    def knots(self) -> tuple[float, ...]:
        """Request volumes where a line's slope changes, in order: a plain Ramp's knots (``Ramp.knots``) worked out
        here, as break-even asks for every priced plan; a ramp of its own kind is asked."""
        found: set[float] = set()
        for line in self.lines:
            ramp = line.ramp
            if type(ramp) is not Ramp:
                found.update(ramp.knots())
                continue
            slope = ramp.slope
            if slope <= 0:
                continue
            knot = (ramp.low - ramp.offset) / slope
            if knot > 0:
                found.add(knot)
            if ramp.high != math.inf:
                knot = (ramp.high - ramp.offset) / slope
                if knot > 0:
                    found.add(knot)
        return tuple(sorted(found))

    def bill(self, requests: float) -> MonthlyCost:
        """The itemised bill at ``requests``; lines with nothing to bill are left out."""
        return MonthlyCost.model_validate(self.bill_data(requests))

    def bill_data(self, requests: float) -> dict[str, Any]:
        """``bill`` as plain data (the MonthlyCost shape), for a Decision that validates its whole tree at once. A
        charge the free tier covers whole is shown at $0."""
        lines = []
        raw_total = 0.0
        for line in self.lines:
            quantity = line.ramp.at(requests)
            if quantity <= 0:
                if line.free:
                    item = f"{line.item}: within the free tier"
                    price = float(f"{line.unit_price_usd:.12g}")
                    lines.append(
                        {"item": item, "quantity": 0.0, "unit": line.unit, "unit_price_usd": price, "usd": 0.0}
                    )
                continue
            amount = line.unit_price_usd * quantity
            raw_total += amount
            lines.append(
                {
                    "item": line.item,
                    "quantity": round(quantity, 6),
                    "unit": line.unit,
                    # 12 significant digits, not decimals: a GB-second costs about $0.00001, and ten decimals left
                    # it five digits, short enough for quantity × price to miss the line's usd by a tenth of a cent
                    "unit_price_usd": float(f"{line.unit_price_usd:.12g}"),
                    "usd": round_usd(amount, 4),
                }
            )
        return {"total_usd": round_usd(raw_total, 2), "lines": lines}


_TARGET, _DRAFT, _LINES, _HOURS, _TOTALS = (
    setter(Plan, name) for name in ("target", "draft", "lines", "hours", "totals")
)


def round_usd(amount: float, places: int) -> float:
    """Round half up to ``places`` decimals, after clearing binary noise (0.24685 stays 0.24685, not 0.2468499…)."""
    scale = 10.0**places
    # round(…, 6) first: 0.24685 × 10⁴ is 2468.4999999999995 in binary, and must count as the half it stands for
    return math.floor(round(amount * scale, 6) + 0.5) / scale


def _plan_lambda(target: Target, workload: Workload, facts: Facts, book: PriceBook, model: CostModel) -> Plan:
    sizing = size_lambda(workload, facts, book, model)
    check_lambda(book, sizing.ephemeral_storage_mb)
    check_front_door(book, sizing.front_door, serverless=True)
    prices = book.lambda_
    billed_s = lambda_run_s(workload, facts)
    discount = book.savings_plans.lambda_.for_term(workload.preferences.commitment)
    in_flight = workload.requests_per_month / SECONDS_PER_MONTH * billed_s
    sizing, lines, warm = lambda_work(workload, sizing, prices, billed_s, discount, in_flight)
    if sizing.ephemeral_storage_mb > 512 and prices.ephemeral_storage is not None:
        extra = billed_s * (sizing.ephemeral_storage_mb - 512) / 1024.0
        lines.append(
            Line(
                f"Lambda ephemeral storage ({sizing.ephemeral_storage_mb} MB)",
                prices.ephemeral_storage.unit,
                prices.ephemeral_storage.usd,
                Ramp(extra),
            )
        )
    lines += warm
    lines += function_door_lines(workload, book, model, sizing.front_door)
    lines += network_lines(workload, book, in_vpc=workload.network.vpc, fronted=sizing.front_door is not None)
    return Plan(target.id, sizing, tuple(lines))


def function_door_lines(workload: Workload, book: PriceBook, model: CostModel, door: str | None) -> list[Line]:
    """What a function's front door bills: API Gateway's requests (and a WebSocket API's messages and connection
    minutes), or a load balancer with the function as its target; and the bytes of a response streamed past its first
    6 MB. Lambda on demand and on Managed Instances alike."""
    lines = websocket_lines(workload, book, model) if door == "api-gateway-websocket-api" else []
    lines += streaming_lines(workload, book, model, door)
    lines += gateway_lines(workload, book, model, door)
    lines += load_balancer_lines(workload, book, model, door, function_target=True)
    return lines


def _plan_fargate(
    target: Target,
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    needs: Needs | None = None,
    doors: Doors | None = None,
) -> Plan | None:
    check_fargate(book, workload, facts.container_disk_gb)
    needs = needs if needs is not None else needs_of(workload, facts, model)
    sized = size_fargate(workload, facts, book, model, needs)
    if sized is None:
        return None
    sizing, task_price = sized
    check_front_door(book, sizing.front_door, serverless=False)
    fargate = book.fargate
    if fargate is None:  # check_fargate has raised already
        return None
    _, platform = fargate_platform(workload, book)
    hours = needs.hours
    lines = [task_line(workload, book, sizing, task_price, hours)]
    if platform.os_license_vcpu_hour is not None:
        licence = platform.os_license_vcpu_hour.usd
        lines.append(Line("Fargate Windows OS licence", "vCPU-hour", licence, hours.scaled(sizing.task_vcpu)))
    extra_gb = sizing.ephemeral_storage_gb - fargate.included_ephemeral_storage_gb.quantity
    if extra_gb > 0 and fargate.ephemeral_storage_gb_hour is not None:
        lines.append(
            Line(
                f"Fargate ephemeral storage above 20 GB ({extra_gb:g} GB a task)",
                "GB-hour",
                fargate.ephemeral_storage_gb_hour.usd,
                hours.scaled(extra_gb),
            )
        )
    lines += _door_lines(workload, book, model, sizing.front_door, _shared_balancer(target, workload), doors)
    lines += _network_lines(workload, book, sizing.front_door is not None, doors)
    lines += image_pull_lines(workload, book, sizing.scaling)
    return Plan(target.id, sizing, tuple(lines))


#: A pricing pass's front door and network lines of its container targets, by what they are priced from (the door,
#: whether the cluster's load balancer is paid already; whether a door answers the clients): the workload is the
#: pass's own, so every container target of it bills the same lines (``plan_targets``).
Doors = dict[tuple[str | None, bool, bool], list[Line]]


def _door_lines(
    workload: Workload, book: PriceBook, model: CostModel, door: str | None, shared: bool, doors: Doors | None
) -> list[Line]:
    """A container target's front door lines: API Gateway's requests and the load balancer behind it (a ``shared``
    one, the existing cluster's, bills its hours at $0), worked out once per pricing pass (``doors``)."""
    key = (door, shared, True)
    found = doors.get(key) if doors is not None else None
    if found is None:
        found = gateway_lines(workload, book, model, door)
        found += load_balancer_lines(workload, book, model, _balancer(door), shared=shared)
        if doors is not None:
            doors[key] = found
    return found


def _network_lines(workload: Workload, book: PriceBook, fronted: bool, doors: Doors | None) -> list[Line]:
    """A container target's network lines (always in the VPC), worked out once per pricing pass (``doors``)."""
    key = (None, fronted, False)
    found = doors.get(key) if doors is not None else None
    if found is None:
        found = network_lines(workload, book, in_vpc=True, fronted=fronted)
        if doors is not None:
            doors[key] = found
    return found


def _balancer(door: str | None) -> str | None:
    """The load balancer behind a container target's front door: API Gateway reaches containers through a VPC link
    to an Application Load Balancer (a private integration)."""
    return "application-load-balancer" if door in ("api-gateway-http-api", "api-gateway-rest-api") else door


def shares_nodes(workload: Workload) -> bool:
    """Whether a workload joining an existing EKS cluster runs on the cluster's general nodes (an ECS cluster may run
    on Fargate alone: only EKS has nodes to share). Windows pods need a Windows node group, GPU pods GPU nodes from an
    accelerated AMI, and pods pinned to instance types a node group of those types: whole nodes of their own, billed
    to the workload."""
    runtime = workload.runtime
    return runtime.os != "windows" and runtime.gpu == 0 and not workload.control.instance_types


def on_existing_cluster(target: Target, workload: Workload) -> bool:
    """The team already runs this target's platform (ECS or EKS) and did not ask for a new cluster: the cluster's
    fixed costs (control plane, shared load balancer) are already paid, and this workload adds nothing to them."""
    team = workload.team
    return target.platform in ("ecs", "eks") and team.current_platform == target.platform and not team.new_cluster


def _shared_balancer(target: Target, workload: Workload) -> bool:
    """Whether the load balancer in front of this target is the existing cluster's shared one, its hours already paid:
    on the team's current platform, unless the workload gets one of its own (``network.own_load_balancer``)."""
    return on_existing_cluster(target, workload) and not workload.network.own_load_balancer


def _plan_instances(
    target: Target,
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    chosen: dict[tuple[bool, bool, float], InstanceOption | None] | None = None,
    needs: Needs | None = None,
    doors: Doors | None = None,
) -> Plan | None:
    check_instances(book, workload)
    priced = target.cost
    management_fee = priced is not None and priced.management_fee
    control_plane = priced is not None and priced.control_plane
    existing = on_existing_cluster(target, workload)
    sized = size_instances(
        workload,
        facts,
        book,
        model,
        management_fee=management_fee,
        control_plane=control_plane,
        chosen=chosen,
        shared=existing and control_plane and shares_nodes(workload),
        needs=needs,
    )
    if sized is None:
        kept = model.kubelet_reserved_cpu if control_plane else None  # an EKS node's, for its pods
        raise no_fitting_type(book, workload, facts.container_vcpu, kept)
    sizing, instance, ramps = sized
    check_front_door(book, sizing.front_door, serverless=False)
    instance_plan = workload.preferences.savings_plan == "ec2-instance"
    plans = book.savings_plans
    lines, price = compute_lines(target, workload, book, model, sizing, instance, ramps)
    runs = runs_said(sizing, model)
    if price.licence:
        lines += hour_lines(f"Windows licence ({instance.vcpu:g} vCPU)", "instance-hour", price.licence, ramps, runs)
    if management_fee:
        lines += hour_lines(f"Managed Instances fee ({instance.type})", "instance-hour", price.fee, ramps, runs)
    if control_plane:
        lines += (
            [fixed("EKS control plane (existing cluster: already paid)", "cluster-hour", 0.0, 730)]
            if existing
            else control_plane_lines(workload.control.kubernetes_version, book, model)
        )
        if workload.runtime.os == "windows":
            # A Compute Savings Plan covers the system node as any EC2 usage; an EC2 Instance Savings Plan is bought
            # for the workers' family, which the system node's need not be, so it is left at the on-demand price.
            plan = None if instance_plan else plans.ec2.for_term(workload.preferences.commitment)
            term = workload.preferences.commitment
            lines += system_node_lines(book, model, existing=existing, discount=plan, term=term)
    lines += _door_lines(workload, book, model, sizing.front_door, _shared_balancer(target, workload), doors)
    lines += instance_volume_lines(book, model, ramps, *node_disk(workload.runtime, sizing.copies_per_instance))
    lines += _network_lines(workload, book, sizing.front_door is not None, doors)
    lines += node_pulls(workload, book, model, run_seconds(workload, facts), sizing.fields)
    return Plan(target.id, sizing, tuple(lines), tuple(ramps))


Planner = Callable[[Target, Workload, Facts, PriceBook, CostModel], "Plan | None"]
PLANNERS: Mapping[str, Planner] = {"lambda": _plan_lambda, "fargate": _plan_fargate}


def plan_targets(
    targets: Sequence[Target],
    workload: Workload,
    facts: Facts,
    book: PriceBook,
    model: CostModel,
    unpriced: dict[str, str] | None = None,
    chosen: dict[tuple[bool, bool, float], InstanceOption | None] | None = None,
) -> dict[str, Plan]:
    """A plan for each target the cost model can price (its ``cost.model`` in targets.yaml); targets it cannot size
    (no fitting size) or price are left out, and ``unpriced`` (when given) says why for each. ``chosen`` remembers the
    instance type chosen per management fee, node kind (EKS nodes keep vCPU from pods) and share of compute billed:
    the same workload's purchase options that bill compute alike choose alike (the choice is by the price billed,
    after any Spot or Savings Plan discount: decider/cost/hourly.py ``compute_factor``). The copies every container
    target sizes (decider/cost/needs.py) are worked out once, for the first of them."""
    plans: dict[str, Plan] = {}
    chosen = chosen if chosen is not None else {}
    needs: Needs | None = None
    doors: Doors = {}  # the container targets' front door and network lines, the same for each
    for target in targets:
        kind = target.cost.model if target.cost is not None else None
        plan: Plan | None = None
        try:
            if kind in ("instances", "fargate") and needs is None:
                needs = needs_of(workload, facts, model)
            if kind == "instances":
                plan = _plan_instances(target, workload, facts, book, model, chosen, needs, doors)
            elif kind == "fargate":
                plan = _plan_fargate(target, workload, facts, book, model, needs, doors)
            elif kind is not None and kind in PLANNERS:
                plan = PLANNERS[kind](target, workload, facts, book, model)
        except Unpriced as gap:
            if unpriced is not None:
                unpriced[target.id] = gap.reason
        if plan is not None:
            plans[target.id] = plan
    return plans
