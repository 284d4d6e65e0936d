"""What a review says of money beside the scores: the cost clause of a ``consider`` verdict, and the shares a
workload's bill carries of a shared EKS cluster's control plane and of an Ingress's load balancer
(decider/review_cluster.py).

A share is not saved by moving one workload off the cluster: the cluster stays, and is paid for, while any of the
review's workloads runs on it (and an Ingress's load balancer while any of its workloads stays behind it). A bill with
lines at $0 for prices the region's book lacks (a load balancer, NAT, data out, logs, EBS volumes) is low by them, and
one with lines at another region's figures taken as a floor (the book's ``floors:``) may be low by the difference, so a
difference that rests on either is said to be not settled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from decider.bill_checks import item_name, listed
from decider.cost.bill import round_usd
from decider.cost.gaps import FLOOR_PRICE, NO_PRICE
from decider.decision import Decision, RankedTarget
from decider.review_cluster import SHARED_BALANCER, SHARED_CONTROL_PLANE, SPLIT_BETWEEN, share_key
from decider.rules.model import Ruleset

#: A workload's shares of what it shares with the review's other workloads: each with what it is a share of (its EKS
#: cluster, named by its region or its definition; an Ingress's load balancer, named by the Ingress), and the share.
Shares = tuple[tuple[str, float], ...]
#: How the lines of the shares start.
SHARE_LINES = (SHARED_CONTROL_PLANE, SHARED_BALANCER)


def cost_clause(
    ruleset: Ruleset,
    best: RankedTarget,
    compared: RankedTarget,
    now_usd: float | None,
    region: str,
    sharing: int = 0,
    balancers: Mapping[str, int] | None = None,
) -> str:
    """ " and costs $X a month less ($best against $now …)" for a consider, with what the figures leave out; empty
    when either cost is not known. ``now_usd`` is the current target's bill (in its current mode, when priced);
    ``sharing``, how many of the review's workloads share its EKS cluster's control plane; ``balancers``, the
    Ingresses whose load balancers it is billed shares of, and how many each is billed to. A verdict is said before
    the others are known, so a share left out is said to be saved only if the others move off too, as the review's
    summary counts it then (audit of round 35's changes, F2); a load balancer billed to it alone goes with it, and is
    in the difference."""
    best_usd = best.monthly_cost.total_usd if best.monthly_cost is not None else None
    if now_usd is None or best_usd is None:
        return ""
    plane = shares_of(compared, SHARED_CONTROL_PLANE)
    split = {where: count for where, count in (balancers or {}).items() if count > 1}
    door = shares_of(compared, SHARED_BALANCER) if split else 0.0
    own = without_shares(now_usd, plane + door)
    saving = round_usd(own - best_usd, 2)
    change = f"${abs(saving):,.2f} a month {'less' if saving >= 0 else 'more'}"
    text = f" and costs {change} (${best_usd:,.2f} against ${own:,.2f}"
    said = []  # each share said as its line says it
    if plane:
        said.append(f"its ${round_usd(plane, 2):,.2f} share of the EKS control plane, {_saved('the cluster', sharing)}")
    if door and len(split) == 1:  # (a share of a load balancer is billed only with the Ingress it is of)
        [(where, count)] = split.items()
        said.append(f"its ${round_usd(door, 2):,.2f} share of the load balancer of {where}, {_saved('it', count)}")
    elif door:
        said.append(
            f"its ${round_usd(door, 2):,.2f} share of the load balancers of {' and '.join(split)}, which is saved only "
            "if the other workloads in this review behind each move off them too"
        )
    if said:
        counted = "it" if len(said) == 1 else "them"
        text += ", leaving out " + ", and ".join(said) + f", as the review's summary then counts {counted}"
    return text + ")" + _unsettled(ruleset, (best, compared), region)


def _saved(what: str, sharing: int) -> str:
    """When a share of ``what`` (the cluster, or the load balancer: "it") is saved: once the others of the ``sharing``
    workloads move off too."""
    others = max(sharing - 1, 1)
    who = "other workload in this review" if others == 1 else f"other {others} workloads in this review"
    where = f"{what}'s {who}" if what != "it" else f"the {who} behind it"
    return f"which is saved only if {where} {'moves' if others == 1 else 'move'} off it too"


def describe_current(ruleset: Ruleset, candidates: Sequence[str], platform: str) -> str:
    """The target a workload runs on now, or its platform's name when that may mean several."""
    one = len(candidates) == 1
    return target_name(ruleset, candidates[0]) if one else {"ecs": "Amazon ECS"}.get(platform, platform)


def cluster_share(decision: Decision, current_target: str | None) -> Shares:
    """Each (what it is a share of, the share) in the bill of the target the workload runs on now: of the control
    plane of a cluster the review's EKS workloads share, named by its region, or by its name and file when the files
    reviewed define it, and of an Ingress's load balancer, named by the Ingress (decider/review_cluster.py
    ``share_key``); empty when it shares nothing."""
    current = next((entry for entry in decision.ranking if entry.target == current_target), None)
    lines = current.monthly_cost.lines if current is not None and current.monthly_cost is not None else ()
    pricing = decision.pricing
    if pricing is None:
        return ()
    shares: dict[str, float] = {}
    for line in lines:
        if line.item.startswith(SHARE_LINES):
            key = share_key(line.item, pricing.region)
            shares[key] = shares.get(key, 0.0) + line.usd
    return tuple(shares.items())


def shares_of(entry: RankedTarget, start: str | tuple[str, ...] = SHARE_LINES) -> float:
    """The shares in the entry's bill whose lines start so (of a shared EKS cluster's control plane, of a load
    balancer split between workloads), which stay behind when the workload moves off while the review's others share
    them, else 0: each as it was added to the bill's total (its hours × its price, unrounded;
    decider/review_cluster.py)."""
    lines = entry.monthly_cost.lines if entry.monthly_cost is not None else ()
    shares = [line for line in lines if line.item.startswith(start) and _split(line.item)]
    return sum(line.quantity * line.unit_price_usd for line in shares)


def without_shares(total: float, shares: float) -> float:
    """A bill's total, to the cent, before ``shares`` were added to it: the review adds them to the total it had and
    rounds half up once (decider/review_cluster.py), so taking them back out and rounding half down gives that total
    again to the cent, whatever the review's count of workloads made each share (audit of the stop's changes, F2: a
    diff listed an untouched workload as changed by -$0.01)."""
    return math.ceil(round((total - shares) * 100.0, 6) - 0.5) / 100.0


def _split(item: str) -> bool:
    """Whether a share line is of something several workloads share (a load balancer all billed to one is its own)."""
    return not item.startswith(SHARED_BALANCER) or SPLIT_BETWEEN in item


def _unsettled(ruleset: Ruleset, entries: tuple[RankedTarget, ...], region: str) -> str:
    """The compared bills' lines at $0 for prices the region's book lacks, said after the difference (the decision's
    warning says the same at length), so nobody acts on it as a settled saving."""
    said = [
        f"{target_name(ruleset, entry.target)}'s {'bill ' if not place else ''}has {listed(items)} at $0"
        for place, (entry, items) in enumerate(_marked(entries, NO_PRICE))
    ]
    low = "that bill is" if len(said) == 1 else "those bills are"
    unknown = f"{' and '.join(said)}, for which the {region} price book has no price, so {low} low by them"
    # Lines at another region's figures, taken as a floor (the book's floors:): low by the difference, if any
    floors = [
        f"{target_name(ruleset, entry.target)}'s {listed(items)}" for entry, items in _marked(entries, FLOOR_PRICE)
    ]
    at_floor = (
        f"{' and '.join(floors)} at another region's figures, a floor for {region}'s, so "
        f"{'that bill' if len(floors) == 1 else 'those bills'} may be low by the difference"
    )
    parts = [*([unknown] if said else []), *([at_floor] if floors else [])]
    return f"; not settled: {'; '.join(parts)}" if parts else ""


def _marked(entries: tuple[RankedTarget, ...], mark: str) -> list[tuple[RankedTarget, list[str]]]:
    """The entries whose bills have lines saying ``mark`` (no price, or a floor), with those lines' items."""
    found = [
        (entry, sorted({item_name(line.item) for line in entry.monthly_cost.lines if mark in line.item}))
        for entry in entries
        if entry.monthly_cost is not None
    ]
    return [(entry, items) for entry, items in found if items]


def target_name(ruleset: Ruleset, target: str) -> str:
    """A target's display name; an id the rules do not know is shown as it is."""
    return ruleset.target(target).name if target in ruleset.target_ids else target
