"""What every container target is sized from: how the copies follow the load, how many there are and their hours.

ECS on Fargate, ECS on EC2, ECS Managed Instances and EKS size the same copies of one workload: the scaling, the
(min, desired, max) copies and the copy-hours ramp are the workload's, not a target's. A pricing pass
(decider/cost/bill.py ``plan_targets``) works them out once and hands them to each target's sizing and to the choice
of instance type, instead of each working them out again.
"""

from __future__ import annotations

from dataclasses import dataclass

from decider.cost.capacity import Ramp, copies, profiled_burst, scaling_of
from decider.cost.profile import burst_schedule, copy_hours
from decider.decision import Scaling
from decider.facts import Facts
from decider.pricing.cost_model import CostModel
from decider.workload import Workload


@dataclass(frozen=True, slots=True)
class Needs:
    """A workload's copies as every container target sizes them."""

    scaling: Scaling
    """How copies follow the load (decider/cost/capacity.py ``scaling_of``)."""
    copies: tuple[int, int, int]
    """(min, desired, max) copies (decider/cost/capacity.py ``copies``)."""
    hours: Ramp
    """Copy-hours a month, hour by hour for an hourly profile (decider/cost/profile.py ``copy_hours``)."""
    schedule: tuple[int, ...] | None = None
    """The copies kept up in each hour of an hourly profile when copies are assumed for bursts (decider/cost/
    profile.py ``burst_schedule``); None when the minimum holds in every hour."""


def needs_of(workload: Workload, facts: Facts, model: CostModel) -> Needs:
    """The copies of ``workload`` as every container target sizes them."""
    scaling = scaling_of(workload, facts)
    found = copies(workload, facts, model, scaling)
    burst, profile = profiled_burst(workload), workload.traffic.hourly_profile
    schedule = (
        burst_schedule(profile, found[0], burst) if burst is not None and profile and scaling != "per-run" else None
    )
    return Needs(scaling, found, copy_hours(workload, facts, model, scaling), schedule)
