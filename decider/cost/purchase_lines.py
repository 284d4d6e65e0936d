"""The bill lines a purchase option prices: EC2 instance-hours and Fargate task-hours, on demand, on Spot or under a
Savings Plan, named for it. decider/cost/bill.py bills a sizing with them; decider/cost/repurchase.py sets them anew
when the same sizing is bought the other way.
"""

from __future__ import annotations

from collections.abc import Sequence

from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.hourly import HourlyPrice, compute_factor, hourly_price
from decider.cost.line import Line
from decider.cost.sizing import fargate_platform
from decider.decision import FargateSizing, InstanceSizing
from decider.pricing.book import Discount, Instance, PriceBook, SavingsPlanDiscounts
from decider.pricing.cost_model import CostModel
from decider.rules.model import Target
from decider.workload import Workload


def _discounted(price: float, discount: Discount | None) -> float:
    return price * (1 - discount.fraction) if discount is not None else price


def _purchase(
    purchase: str,
    workload: Workload,
    spot: Discount,
    spot_name: str,
    savings_plan: SavingsPlanDiscounts,
    plan_name: str = "Compute",
) -> tuple[Discount | None, str]:
    """The discount a sizing's purchase option earns, and how the bill line names it."""
    if purchase == "spot":
        return spot, f", {spot_name}"
    if purchase.startswith("savings-plan"):
        commitment = workload.preferences.commitment
        return savings_plan.for_term(commitment), f", {plan_name} Savings Plan {commitment}"
    return None, ""


def task_line(
    workload: Workload, book: PriceBook, sizing: Draft[FargateSizing], task_price: float, hours: Ramp
) -> Line:
    """A Fargate plan's task-hours, at the price of the sizing's purchase option (on demand, Spot, a Savings Plan)."""
    name, _ = fargate_platform(workload, book)
    label = {"linux_x86_64": "Linux/x86", "linux_arm64": "Linux/ARM", "windows_x86_64": "Windows/x86"}[name]
    fargate = book.fargate
    if fargate is None:  # check_fargate raises before a plan gets here
        raise ValueError(f"the {book.region} price book has no fargate prices")
    discount, suffix = _purchase(
        sizing.purchase, workload, fargate.spot_discount, "Fargate Spot", book.savings_plans.fargate
    )
    item = f"Fargate tasks ({sizing.task_vcpu:g} vCPU, {sizing.task_memory_gb:g} GB, {label}{suffix})"
    return Line(item, "task-hour", _discounted(task_price, discount), hours)


def compute_lines(
    target: Target,
    workload: Workload,
    book: PriceBook,
    model: CostModel,
    sizing: Draft[InstanceSizing],
    instance: Instance,
    ramps: Sequence[Ramp],
) -> tuple[list[Line], HourlyPrice]:
    """The EC2 compute lines of a plan on instances, one per instance-hour ramp, at the price of the sizing's
    purchase option (on demand, Spot, a Savings Plan): the share of the type's compute price the purchase bills
    (``compute_factor``, the price sizing chose the type by), named by ``_purchase``."""
    instance_plan = workload.preferences.savings_plan == "ec2-instance"
    plans = book.savings_plans
    _, suffix = _purchase(
        sizing.purchase,
        workload,
        book.ec2.spot_discount,
        "Spot",
        plans.ec2_instance if instance_plan else plans.ec2,
        "EC2 Instance" if instance_plan else "Compute",
    )
    priced = target.cost
    role = priced.instances if priced is not None else "EC2 instances"
    item = f"{role}: {instance.type} ({_describe(sizing)}{suffix})"
    management_fee = priced is not None and priced.management_fee
    price = hourly_price(instance, workload, book, management_fee=management_fee)
    return hour_lines(
        item, "instance-hour", price.compute * compute_factor(workload, book), ramps, runs_said(sizing, model)
    ), price


def runs_said(sizing: Draft[InstanceSizing], model: CostModel) -> str:
    """How long the first instance of runs of a job is billed, in its lines' names; empty for other work."""
    return f"runs and {model.scale_in_lag_minutes:g} min after each" if sizing.scaling == "per-run" else ""


def hour_lines(item: str, unit: str, unit_price_usd: float, ramps: Sequence[Ramp], runs: str = "") -> list[Line]:
    """One line per instance-hour ramp; a second ramp is the instances that join once copies outgrow the first. The
    first instance is up while work runs, or for runs of a job ``runs`` says how long (until the cluster scales in)."""
    first = f"{item}, {runs or 'while work runs'}"
    labels = [item] if len(ramps) == 1 else [first, f"{item}, instances beyond the first"]
    return [Line(label, unit, unit_price_usd, ramp) for label, ramp in zip(labels, ramps, strict=True)]


def _describe(sizing: Draft[InstanceSizing]) -> str:
    each = f"{sizing.copies_per_instance} cop{'y' if sizing.copies_per_instance == 1 else 'ies'} each"
    return (
        f"the copies' share of the existing cluster's nodes, priced as this type, {each}"
        if sizing.shared_nodes
        else each
    )
