"""What an instance-hour of a type costs a target, by bill line (EC2 compute, the Windows licence, the Managed
Instances fee), and the share of the compute its purchase option bills (Spot, a Savings Plan)."""

from __future__ import annotations

from dataclasses import dataclass

from decider.cost.compiled import Compiled
from decider.pricing.book import Instance, PriceBook
from decider.workload import Workload


@dataclass(frozen=True, slots=True)
class HourlyPrice:
    """What one instance-hour of a type costs a target, by bill line: EC2 compute, the Windows licence, the Managed
    Instances fee. Sizing chooses by the total; the bill prices each part on its own line."""

    compute: float
    licence: float
    fee: float

    @property
    def total(self) -> float:
        return self.compute + self.licence + self.fee

    def billed(self, factor: float) -> float:
        """The instance-hour as a purchase option bills it: ``factor`` of the compute (``compute_factor``), the
        licence and the fee in full."""
        return self.compute * factor + self.licence + self.fee


def compute_factor(workload: Workload, book: PriceBook, spot_ok: bool | None = None) -> float:
    """The share of a type's on-demand compute price the instance targets' purchase option bills
    (decider/cost/purchase_lines.py ``compute_lines``): Spot's discount off when the work allows Spot, else the
    Savings Plan's for the commitment. The Windows licence, the Managed Instances fee and the root volumes are billed
    in full, so a type is chosen by the price it is billed at, not its list price: with Spot a type with fewer vCPUs
    to license, or fewer nodes to give volumes, can be the cheaper though its list price is higher. ``spot_ok``: the
    Spot preference to price with, when not the workload's."""
    preferences = workload.preferences
    discount = None
    if preferences.spot_ok if spot_ok is None else spot_ok:
        discount = book.ec2.spot_discount
    elif preferences.commitment != "none":
        plans = book.savings_plans
        plan = plans.ec2_instance if preferences.savings_plan == "ec2-instance" else plans.ec2
        discount = plan.for_term(preferences.commitment)
    return 1.0 - discount.fraction if discount is not None else 1.0


_HOURLY: Compiled[dict[str, HourlyPrice]] = Compiled(limit=64)


def hourly_price(instance: Instance, workload: Workload, book: PriceBook, *, management_fee: bool) -> HourlyPrice:
    """The instance-hour price of a type for a workload's OS, with or without the Managed Instances fee; compiled once
    per price book (a reloaded book is a new object and compiles anew)."""
    os = workload.runtime.os

    def build() -> dict[str, HourlyPrice]:
        licence = book.ec2.windows_license_vcpu_hour
        licence_vcpu = licence.usd if os == "windows" and licence is not None else 0.0
        return {
            item.type: HourlyPrice(
                item.usd_per_hour,
                licence_vcpu * item.vcpu,
                managed_instances_fee(item, book) if management_fee else 0.0,
            )
            for item in book.ec2.instances
        }

    return _HOURLY.get((id(book), os, management_fee), book, build)[instance.type]


def managed_instances_fee(instance: Instance, book: PriceBook) -> float:
    """The Managed Instances fee per instance-hour: AWS's published figure for the type, else the fee share."""
    if instance.managed_instances_fee_usd_per_hour is not None:
        return instance.managed_instances_fee_usd_per_hour
    return instance.usd_per_hour * book.managed_instances.fee_fraction.fraction
