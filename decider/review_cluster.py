"""One EKS cluster for a review's Kubernetes workloads: its control plane charged once, split between them.

Alone, a workload on a team's existing EKS cluster pays nothing for the control plane (already paid; the bill's line
says so). Reviewed together, the workloads that run on EKS in one region share one cluster, so its control plane is
charged once and split evenly: each workload's EKS bill (and each of its modes' bills) carries its share, and says
how it was split ("EKS control plane $73.00 a month shared by 12 workloads in this review: $6.08"). The review's
totals add the shares up to the one control plane (to the cent a workload). A workload that asks for a new cluster
(``team.new_cluster``) keeps its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from decider.decision import CostLine, Decision, MonthlyCost, RankedTarget, Sizing
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload

#: The bill line of an EKS control plane already paid (decider/cost/bill.py), which a shared cluster's share replaces.
ALREADY_PAID = "EKS control plane (existing cluster: already paid)"
#: How the line that charges a workload its share of the shared control plane starts (review_diff.py leaves it out).
SHARED_CONTROL_PLANE = "EKS control plane $"
HOURS_A_MONTH = 730.0


def _cluster_region(workload: ImportedWorkload) -> str | None:
    """The region of the shared cluster a workload runs on, or None when it runs on no shared EKS cluster."""
    team = workload.raw.get("team", {})
    preferences = workload.raw.get("preferences", {})
    if not isinstance(team, dict) or team.get("current_platform") != "eks" or team.get("new_cluster") is True:
        return None
    region = preferences.get("region", "us-east-1") if isinstance(preferences, dict) else "us-east-1"
    return str(region)


def share_clusters(workloads: Sequence[ImportedWorkload]) -> None:
    """Tell each workload on EKS how many of the review's workloads share its region's cluster."""
    regions = [_cluster_region(workload) for workload in workloads]
    counts = Counter(region for region in regions if region is not None)
    for workload, region in zip(workloads, regions, strict=True):
        workload.cluster_workloads = counts[region] if region is not None else 0


def share_control_plane(decision: Decision, sharing: int, ruleset: Ruleset, region: str) -> Decision:
    """The decision with its EKS bill charged a ``sharing``-th of the control plane instead of nothing, when two or
    more of the review's workloads share the cluster; alone, a workload on an existing cluster pays nothing for it, as
    ``decider recommend`` says (the cluster may run much else)."""
    book = ruleset.pricing.get(region)
    if sharing < 2 or book is None:
        return decision
    hour = book.eks.control_plane_hour.usd
    monthly = hour * HOURS_A_MONTH
    share = monthly / sharing
    line = CostLine(
        item=f"{SHARED_CONTROL_PLANE}{monthly:,.2f} a month shared by {sharing} workload{'s' if sharing > 1 else ''} "
        f"in this review: ${share:,.2f}",
        quantity=HOURS_A_MONTH / sharing,
        unit="cluster-hour",
        unit_price_usd=hour,
        usd=round(share, 4),
    )
    ranking = []
    for entry in decision.ranking:
        cost = entry.monthly_cost
        if cost is not None and any(item.item == ALREADY_PAID for item in cost.lines):
            lines = tuple(line if item.item == ALREADY_PAID else item for item in cost.lines)
            shared = MonthlyCost(total_usd=round(cost.total_usd + share, 2), lines=lines)  # to the cent, as bills are
            entry = entry.model_copy(update={"monthly_cost": shared, "sizing": _shared_modes(entry, share)})
        ranking.append(entry)
    return decision.model_copy(update={"ranking": tuple(ranking)})


def _shared_modes(entry: RankedTarget, share: float) -> Sizing | None:
    """The entry's sizing with the share added to every priced mode's bill: each of EKS's modes runs on the cluster."""
    sizing = entry.sizing
    if sizing is None or not sizing.modes:
        return sizing
    modes = tuple(
        option.model_copy(update={"monthly_usd": round(option.monthly_usd + share, 2)})
        if option.monthly_usd is not None
        else option
        for option in sizing.modes
    )
    return sizing.model_copy(update={"modes": modes})
