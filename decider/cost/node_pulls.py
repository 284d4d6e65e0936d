"""The image pulls of runs of a job on instances the cluster starts for them, through the VPC's NAT gateways.

A node started for a run keeps the image it pulled only while it is up, until the cluster scales it in
``scale_in_lag_minutes`` after its last run (decider/cost/capacity.py ``linger_hours``), and the ECS agent and the
kubelet pull an image an instance does not have
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html, ``ECS_IMAGE_PULL_BEHAVIOR``): a run
that starts a new node pulls ``runtime.artifact_mb``, billed as NAT data processed as Fargate's tasks' pulls are
(decider/cost/network.py ``image_pull_lines``; none where ECR is reached through VPC endpoints, the line says). Copies
kept up, and copies on an existing cluster's shared nodes, keep their nodes: no line.

- Runs of a schedule start evenly spaced, as the bill's instance-hours hold them (``capacity.instance_hour_ramps``):
  while they are further apart than a node's time up (the run and the lag), each starts a node; once they follow
  closer, one node stays up all month and keeps the image. The line is held so at every volume (``Tooth``): each run's
  pull up to a tenth short of the volume where the node stays up, none from it, falling in between as runs come to
  catch the node up part of the time (architect audit 37, F1; audit 38, F2: past that volume, the curve left out the
  pulls below it).
- Runs of a batch start at random: a run starts a new node when every node up is busy with as many runs as it holds, or
  none is up. Nodes taken in turn, the runs the first ``k`` copies' nodes cannot take go to the next (Erlang's loss
  formula, B(n, a) for n copies and a runs in flight on average), and a node gets a run while it is down with the
  chance that none of the runs sent to it started within its time up, e^(−its runs × hours up ÷ 730): the share of runs
  that start a node is Σ B(k·i, a) × e^(−runs × B(k·i, a) × hours up ÷ 730) over the nodes i = 0, 1, …, held at the
  workload's volume as Lambda's cold runs are (decider/cost/sizing.py ``lambda_run_s``; audit 38, F1: a node's slots,
  4.6 runs in flight against 5, were taken to be always free).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.cost.capacity import Ramp
from decider.cost.gaps import NO_PRICE
from decider.cost.line import Line
from decider.cost.profile import RampSum
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import Workload

MONTH_S = 730.0 * 3600.0
#: How far short of the volume where a schedule's node stays up its pulls start to fall (a share of that volume).
CATCH = 0.1
#: Nodes past the first taken in turn until a run reaches one less often than this.
LEAST_SHARE = 1e-9


@dataclass(frozen=True, slots=True)
class Tooth(RampSum):
    """A quantity that rises with R to a top and falls to zero at a foot, and stays there: the sum of its two parts
    (a ramp up to the top, a fall down to the foot), its knots at the top and the foot."""

    def knots(self) -> tuple[float, ...]:
        rise, fall = self.parts
        return (rise.high / rise.slope, (fall.offset - fall.low) / -fall.slope)

    def scaled(self, factor: float) -> Tooth:
        parts = tuple(part.scaled(factor) for part in self.parts)
        return Tooth(self.slope * factor, 0.0, 0.0, self.high * factor, parts, self.spans)


def tooth(per_run: float, foot: float) -> Tooth:
    """``per_run`` a run up to ``CATCH`` short of ``foot`` runs, none from ``foot``, falling linearly in between."""
    top = foot * (1.0 - CATCH)
    peak = per_run * top
    fall = peak / (foot - top)
    parts = (Ramp(per_run, 0.0, 0.0, peak), Ramp(-fall, fall * top, -peak, 0.0))
    return Tooth(per_run, 0.0, 0.0, peak, parts, (0.0, 0.0))


def new_node_share(runs: float, run_s: float, node_up_s: float, per_node: int) -> float:
    """The share of a batch's ``runs`` (started at random) that start a new node (the module's docstring)."""
    in_flight = runs * run_s / MONTH_S
    blocked, copies, share = 1.0, 0, 0.0
    while blocked > LEAST_SHARE:
        share += blocked * math.exp(-runs * blocked * node_up_s / MONTH_S)
        for _ in range(max(per_node, 1)):  # Erlang B's recursion, a copy at a time
            copies += 1
            blocked = in_flight * blocked / (copies + in_flight * blocked)
    return min(share, 1.0)


def node_pulls(
    workload: Workload, book: PriceBook, model: CostModel, run_s: float, sizing: Mapping[str, Any]
) -> list[Line]:
    """The image pulls a job's runs make on new nodes (the module's docstring), one line; none for copies kept up or
    on a cluster's existing nodes, without a NAT gateway or an image."""
    gateways, image_mb, runs = workload.network.nat_gateways, workload.runtime.artifact_mb, workload.requests_per_month
    if sizing.get("scaling") != "per-run" or sizing.get("shared_nodes") or sizing.get("min_instances"):
        return []
    if not gateways or image_mb <= 0 or runs <= 0:
        return []
    node_up_s = run_s + model.scale_in_lag_minutes * 60.0  # a run's node: the run, and the lag until it scales in
    gb = image_mb / 1024.0
    pulls: Ramp
    if workload.traffic.pattern == "batch":
        cold = new_node_share(runs, run_s, node_up_s, int(sizing.get("copies_per_instance") or 1))
        share = f"{cold:.0%}" if cold >= 0.1 else f"{cold:.1%}" if cold >= 0.001 else "under 0.1%"
        pulls, said = Ramp(gb * cold), f"{image_mb:g} MB for the {share} of runs that start a new node"
    else:
        pulls = tooth(gb, MONTH_S / node_up_s)
        said = f"{image_mb:g} MB a run on a new node, while runs are further apart than {node_up_s / 60:.0f} min"
        if pulls.at(runs) <= 0:
            said = f"none: the runs keep a node up all month; {image_mb:g} MB a run below {MONTH_S / node_up_s:,.0f}"
    item = f"NAT gateway data processed (image pulls, {said}; none through ECR VPC endpoints)"
    per_gb = book.network.nat_gateway_gb if book.network is not None else None
    if per_gb is None:
        return [Line(f"{item}: {NO_PRICE}", "GB processed", 0.0, pulls)]
    return [Line(item, per_gb.unit, per_gb.usd, pulls)]
