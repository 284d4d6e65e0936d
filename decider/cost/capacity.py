"""Capacity: how many copies a workload needs and the hours they run, as piecewise-linear quantities in the volume.

Copies follow Little's law (in-flight work ÷ (concurrency per copy × utilisation target)); hours are ramps in the
monthly request volume R, so a bill built from them is piecewise linear in R (decider/cost/breakeven.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from decider.cost.frozen import setter
from decider.decision import Scaling
from decider.defaults_said import assumed_for_bursts
from decider.facts import Facts, connection_copies, is_queue_worker, utilisation
from decider.network import SERVING_PROTOCOLS
from decider.pricing.cost_model import CostModel
from decider.workload import JOB_PATTERNS, SECONDS_PER_MONTH, Workload


@dataclass(frozen=True, slots=True, init=False)
class Ramp:
    """The one shape of every quantity decider bills: ``min(high, max(low, slope × R + offset))`` for R requests a
    month. Copy-hours with a floor of always-up copies, instance-hours, requests after a free allowance, one volume
    tier, a fixed charge: each is a ramp, so a bill is piecewise linear in R."""

    slope: float
    offset: float = 0.0
    low: float = 0.0
    high: float = math.inf

    def __init__(self, slope: float, offset: float = 0.0, low: float = 0.0, high: float = math.inf) -> None:
        # The fields set through their slots (decider/cost/frozen.py): a decision with advice makes hundreds of ramps
        _SLOPE(self, slope)
        _OFFSET(self, offset)
        _LOW(self, low)
        _HIGH(self, high)

    @classmethod
    def fixed(cls, quantity: float) -> Ramp:
        """The same quantity at every volume."""
        return cls(0.0, quantity, quantity, quantity)

    def at(self, requests: float) -> float:
        # min(high, max(low, value)) written out: the same result (ties and NaN alike), without two builtin calls
        value = self.slope * requests + self.offset
        value = value if value > self.low else self.low
        return value if value < self.high else self.high

    def scaled(self, factor: float) -> Ramp:
        """``factor`` × this quantity (GB or vCPU per copy-hour, say)."""
        return Ramp(self.slope * factor, self.offset * factor, self.low * factor, self.high * factor)

    def knots(self) -> tuple[float, ...]:
        """Request volumes where the slope changes."""
        if self.slope <= 0:
            return ()
        points = [(self.low - self.offset) / self.slope]
        if self.high != math.inf:
            points.append((self.high - self.offset) / self.slope)
        return tuple(point for point in points if point > 0)


_SLOPE, _OFFSET, _LOW, _HIGH = (setter(Ramp, name) for name in ("slope", "offset", "low", "high"))


def instance_hour_ramps(
    copy: Ramp, per_instance: int, floor: float, per_run: bool, linger_h: float = 0.0, room: float = 0.0
) -> tuple[Ramp, ...]:
    """Instance-hours a month as ramps in R, from copy-hours and copies packed per instance.

    Runs of a job start an instance when none is up, which stays up ``linger_h`` after the run until the cluster
    scales in (a run starting meanwhile reuses it): the first instance is up ``min(runs × (run + linger), 730)``
    hours, and more join once the runs outgrow it (frequent short runs keep one instance up all month).

    With a floor of always-up instances, instances follow copy-hours ÷ copies per instance above it, plus ``room``:
    the instance-hours whole instances leave empty at the workload's volume (``empty_room``). Scaled to zero, an
    instance is up whenever any copy runs (copies are taken not to overlap until one instance is busy all month), and
    more instances join once copies outgrow it:
    ``min(copy-hours, 730) + max(0, copy-hours ÷ per_instance − 730)``. A lone copy therefore never looks cheap on a
    large type, and the same function both picks the type and bills it, so a bill never falls as traffic rises.
    """
    if per_run:
        return (Ramp(copy.slope + linger_h, 0.0, 0.0, 730.0), Ramp(copy.slope / per_instance, -730.0, 0.0))
    if floor > 0:
        return (Ramp(copy.slope / per_instance, room, floor),)
    return (Ramp(copy.slope, 0.0, 0.0, 730.0), Ramp(copy.slope / per_instance, -730.0, 0.0))


def linger_hours(model: CostModel) -> float:
    """How long an instance started for a run of a job stays up after it, until the cluster scales in: the scale-in
    alarm's run of low datapoints (``scale_in_lag_minutes`` in model.yaml), in hours."""
    return model.scale_in_lag_minutes / 60.0


def empty_room(copy: Ramp, per_instance: int, requests: float, hours: float = 730.0) -> float:
    """Instance-hours that whole instances leave empty, at ``requests``, beyond copy-hours ÷ copies per instance (over
    a stretch of ``hours``, the month when not given). A fleet runs whole copies (the average's ceiling) on whole
    instances: 16 copies at 15 an instance keep 2 instances up, not 1.07. Kept as the offset of the instance-hour ramp,
    so the bill at the workload's volume pays for the instances its sizing names (``desired_instances``), and the ramp
    keeps its slope either side, the empty room held as the sizing is (decider/cost/breakeven.py). Nothing while the
    copies kept up (``copy.low``) carry the load: the floor of whole instances holds them already."""
    used = copy.slope * requests + copy.offset
    if used <= copy.low or hours <= 0:
        return 0.0
    whole = math.ceil(math.ceil(used / hours - 1e-9) / per_instance - 1e-9) * hours
    room = whole - copy.slope / per_instance * requests
    return room if room > 0.0 else 0.0


def scaling_of(workload: Workload, facts: Facts) -> Scaling:
    """How copies follow the load: kept up (always-on, serving), started per run, or scaled to zero between work."""
    if workload.traffic.pattern in JOB_PATTERNS and not workload.runtime.long_running:
        return "per-run"
    if facts.always_on:
        return "always-on"
    if set(workload.protocols) & SERVING_PROTOCOLS or is_queue_worker(workload):
        return "serving"  # a listener, or a queue consumer keeping one warm copy polling
    return "scale-to-zero"


def min_copies_for(
    scaling: Scaling, model: CostModel, workload: Workload | None = None, *, holds_connections: bool = True
) -> int:
    """Copies that always run: the workload's ``runtime.min_copies`` when it gives one (a service's DesiredCount, a
    Deployment's replicas), else the cost model's minimum for the kind of work, and never fewer than hold a WebSocket
    workload's open connections (unless the copies hold none: Lambda Managed Instances run per message behind an API
    Gateway WebSocket API, which holds them); none for runs of a job. Copies assumed for bursts with an hourly profile
    are kept hour by hour instead (``profiled_burst``)."""
    if scaling == "per-run":
        return 0
    held = connection_copies(workload) if workload is not None and holds_connections else 0
    if workload is not None and workload.runtime.min_copies is not None and profiled_burst(workload) is None:
        return max(workload.runtime.min_copies, held)
    if scaling == "always-on":
        return max(model.always_on_min_copies, held)
    if scaling == "serving":
        return max(serving_min_copies(model, workload), held)
    return held


def serving_min_copies(model: CostModel, workload: Workload | None) -> int:
    """The copies a serving workload keeps up whatever the load: a listener busy at every moment (its average
    requests in flight reach the cost model's ``busy_listener_in_flight``) one per Availability Zone
    (``always_on_min_copies``), else ``serving_min_copies``."""
    if (
        workload is None
        or not set(workload.protocols) & SERVING_PROTOCOLS
        or not model.busy_listener(in_flight(workload))
    ):
        return model.serving_min_copies
    return max(model.always_on_min_copies, model.serving_min_copies)


def in_flight(workload: Workload) -> float:
    """The requests in flight on average over the month (Little's law), as decider/facts.py ``avg_concurrency``."""
    return workload.requests_per_month / SECONDS_PER_MONTH * workload.avg_duration_s


def burst_assumed(workload: Workload) -> int | None:
    """``runtime.min_copies`` when decider assumed it for bursts (decider/defaults_said.py ``burst_copies``)."""
    burst = assumed_for_bursts(workload.runtime)[0]
    return burst if burst is not None and workload.runtime.min_copies == burst else None


def profiled_burst(workload: Workload) -> int | None:
    """The copies decider assumed for bursts of a workload with an hourly profile: each hour keeps its share of them
    (decider/cost/profile.py), so every hour's minimum, and the copies and instances kept up whatever the load, are
    the kind of work's (``min_copies_for`` leaves them out); None otherwise."""
    return burst_assumed(workload) if workload.traffic.hourly_profile is not None else None


def run_seconds(workload: Workload, facts: Facts) -> float:
    """How long one run of a job holds its copy: from the start (Fargate bills from the image pull, a node holds it
    as long) to the end of the work, ``runtime.startup_s`` + the average duration."""
    return facts.avg_duration_s + workload.runtime.startup_s


def run_hours(workload: Workload, facts: Facts) -> Ramp:
    """A job's copy-hours a month on instances, a run's time from its start each: no minimum, as EC2 bills instances
    per second and a pod on nodes pays nothing a run (Fargate's minute a task is ``copy_hours``'s; the real
    repositories audit, round 36, F1: a CronJob every minute of 6 s runs billed as 60 s each on a cluster's nodes)."""
    return Ramp(run_seconds(workload, facts) / 3600.0)


def copy_hours(workload: Workload, facts: Facts, model: CostModel, scaling: Scaling) -> Ramp:
    """Copy-hours a month as Fargate bills them: per run (one copy each from its start, billed at least a minute) or
    in-flight work over copy capacity. Instances take a job's runs without the minute (``run_hours``)."""
    avg_s = facts.avg_duration_s
    if scaling == "per-run":
        return Ramp(max(run_seconds(workload, facts), model.fargate_minimum_billed_s) / 3600.0)
    per_copy = workload.runtime.concurrency_per_copy * utilisation(workload, model)
    floor = min_copies_for(scaling, model, workload) * 730.0
    return Ramp(avg_s / (3600.0 * per_copy), 0.0, floor)


def copies(
    workload: Workload,
    facts: Facts,
    model: CostModel,
    scaling: Scaling,
    *,
    holds_connections: bool = True,
    kept_given: bool = True,
) -> tuple[int, int, int]:
    """(min, desired, max) copies: desired from average in-flight work, max from peak (Little's law). Without
    ``kept_given`` the copies kept up are the cost model's for the kind of work, not ``runtime.min_copies`` (Lambda
    Managed Instances, whose bill keeps its own minimum of instances: docs/workload.md)."""
    if scaling == "per-run":  # runs in flight at peak, each held from its start: a run a minute of 90 s is two
        # The peak's rate of runs times each run's time from its start: the rate first, as work over its duration,
        # so a duration near zero (1e-308 s) gives a rate, not a start a near-infinite number of times as long
        rate = facts.peak_concurrency / facts.avg_duration_s if facts.avg_duration_s > 0 else 0.0
        in_flight = rate * run_seconds(workload, facts) if rate else facts.peak_concurrency
        peak = max(1, math.ceil(in_flight - 1e-9))
        return 0, peak, peak
    per_copy = workload.runtime.concurrency_per_copy * utilisation(workload, model)
    low = min_copies_for(scaling, model, workload if kept_given else None, holds_connections=holds_connections)
    desired = max(low, math.ceil(facts.avg_concurrency / per_copy - 1e-9))
    high = max(desired, math.ceil(facts.peak_concurrency / per_copy - 1e-9), 1)
    return low, desired, high
