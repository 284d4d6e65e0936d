"""A plan bought another way: the same sizing and bill, with the lines a purchase option prices set anew.

``choose_modes`` (decider/cost/modes.py) prices a target once per purchase option it may be bought with: on demand
and on Spot, say, a copy of the workload with the other Spot preference. Everything but the purchase is the same in
both: the copies, the hours, the front door's, the network's and the volumes' lines, and the instance type where both
bill compute alike (it is chosen by the price billed: a Spot or Savings Plan discount on compute and not on the
licence, the fee or the volumes can make another type the cheaper, and that plan is sized anew). Only the sizing's
purchase option (and a Fargate capacity provider) and the compute lines it prices (EC2 instance-hours, Fargate
task-hours) differ, so the second plan is the first with those set anew: the same lines a second sizing pass would
bill, without one.
"""

from __future__ import annotations

from decider.cost.bill import Plan
from decider.cost.compiled import Compiled
from decider.cost.draft import Draft
from decider.cost.hourly import compute_factor
from decider.cost.purchase_lines import compute_lines, task_line
from decider.cost.sizing import fargate_platform, purchase_for, task_hour_usd
from decider.decision import FargateSizing, InstanceSizing
from decider.pricing.book import Instance, PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Target
from decider.workload import Workload

_TYPES: Compiled[dict[str, Instance]] = Compiled(limit=64)


def repurchased(plan: Plan, target: Target, workload: Workload, book: PriceBook, model: CostModel) -> Plan | None:
    """``plan`` (the target's, for a workload that differs from ``workload`` in its Spot preference alone; or, a
    Fargate plan, in its Savings Plans term too: decider/cost/memo.py ``bought``) as ``workload`` buys it; None for a
    plan this cannot redo (a function's, which no purchase option changes, is sized again as before)."""
    draft = plan.draft
    if draft.kind is InstanceSizing and plan.hours:
        spot_ok = workload.preferences.spot_ok
        if compute_factor(workload, book) != compute_factor(workload, book, spot_ok=not spot_ok):
            return None  # the type is chosen by the compute price billed: bought the other way, it is chosen anew
        fields = {**draft.fields, "purchase": purchase_for(workload, spot_allowed=True)}
        sizing: Draft[InstanceSizing] = Draft(InstanceSizing, **fields)
        instance = _by_type(book).get(sizing.instance_type)
        if instance is None:
            return None
        compute, _ = compute_lines(target, workload, book, model, sizing, instance, plan.hours)
        return Plan(plan.target, sizing, (*compute, *plan.lines[len(plan.hours) :]), plan.hours)
    if draft.kind is FargateSizing and plan.lines:
        spot_allowed = workload.runtime.os == "linux"
        fields = {
            **draft.fields,
            "capacity_provider": "FARGATE_SPOT" if workload.preferences.spot_ok and spot_allowed else "FARGATE",
            "purchase": purchase_for(workload, spot_allowed),
        }
        tasks: Draft[FargateSizing] = Draft(FargateSizing, **fields)
        _, platform = fargate_platform(workload, book)
        price = task_hour_usd(tasks.task_vcpu, tasks.task_memory_gb, platform.vcpu_hour.usd, platform.gb_hour.usd)
        first = task_line(workload, book, tasks, price, plan.lines[0].ramp)
        return Plan(plan.target, tasks, (first, *plan.lines[1:]), plan.hours)
    return None


def _by_type(book: PriceBook) -> dict[str, Instance]:
    """The book's catalogue by type name, compiled once per price book."""

    def build() -> dict[str, Instance]:
        index: dict[str, Instance] = {}
        for instance in book.ec2.instances:
            index.setdefault(instance.type, instance)  # the first of a name, as PriceBook.instance finds it
        return index

    return _TYPES.get(id(book), book, build)
