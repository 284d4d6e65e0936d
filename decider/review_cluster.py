"""One EKS cluster for a review's Kubernetes workloads: its control plane charged once, split between them.

Alone, a workload on a team's existing EKS cluster pays nothing for the control plane (already paid; the bill's line
says so). Reviewed together, the workloads that run on EKS in one region share one cluster, so its control plane is
charged once and split evenly: each workload's EKS bill (and each of its modes' bills) carries its share, and says
how it was split ("EKS control plane $73.00 a month shared by 12 workloads in this review: $6.08"). A cluster the
files reviewed define (decider/sources/placement.py) is not already paid: the files create it, so its control plane
is split between the workloads the review runs on it ("EKS control plane $73.00 a month of aws_eks_cluster.main
(infra/eks.tf:1), which the files reviewed define, shared by 2 workloads in this review: $36.50"), and one alone on it
is priced as on a new cluster of its own (``team.new_cluster``), its control plane in the bill the ranking compares.
The review's totals add the shares up to the one control plane (to the cent a workload). A workload that asks for a
new cluster (``team.new_cluster``) keeps its own. The decision's note on the existing platform says the same.

A load balancer an Ingress or a Service of type LoadBalancer gets, and routes to several workloads through
(decider/sources/kubernetes_ingress.py), is made by the files as they make the workloads: its hours are split between
them the same way ("Application Load Balancer $16.43 a month of Ingress web (k8s/web.yaml:40), its hours split between
2 workloads in this review: $8.21"), in place of the load balancer their EKS bills have (the existing cluster's, left
out; a new cluster's, billed whole), or beside a workload's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from decider.cost.bill import round_usd
from decider.cost.gaps import FLOOR_PRICE
from decider.cost.kubernetes import monthly_usd
from decider.decision import CostLine, Decision, MonthlyCost, RankedTarget, Sizing
from decider.decision_notes import EXISTING_CLUSTER, EXISTING_CLUSTER_AND_BALANCER
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload
from decider.sources.kubernetes import PODS_MARKS
from decider.sources.kubernetes_files import PODS_UNREAD
from decider.workload import Workload

#: The bill line of an EKS control plane already paid (decider/cost/bill.py), which a shared cluster's share replaces.
ALREADY_PAID = "EKS control plane (existing cluster: already paid)"
#: How the line that charges a workload its share of the shared control plane starts (review_diff.py leaves it out).
SHARED_CONTROL_PLANE = "EKS control plane $"
#: How the line that charges a workload its share of an Ingress's load balancer starts, and what follows the Ingress's
#: name in it (review_costs.py keys the share by the name).
SHARED_BALANCER = "Application Load Balancer $"
SPLIT = ", its hours "
#: What a share line says of a load balancer shared by several workloads (a diff and a consider leave those out).
SPLIT_BETWEEN = "split between"
#: A load balancer's hours billed whole on a bill (decider/cost/doors.py): a new cluster's, or the workload's own.
OWN_BALANCER = "Application Load Balancer hours"
#: The existing cluster's shared load balancer on an EKS bill (decider/cost/doors.py), replaced by an Ingress's share.
CLUSTER_BALANCER = "Application Load Balancer hours (existing cluster's, shared: already paid)"
#: The platform note's words on the existing cluster's shared load balancer, once its control plane is shared.
BALANCER_LEFT_OUT = "its shared load balancer already exists, so its hours are left out of the bills of"
#: What a share line of a cluster the files reviewed define says after its name (review_costs.py keys by the name).
DEFINED = ", which the files reviewed define"
#: How a workload alone on a cluster the files reviewed define is told so (review_diff.py finds it by this).
ALONE_ON_DEFINED = "is defined in the files reviewed and runs no other workload the review found"
#: The existing-platform note's hint (decider/decision_notes.py), not said of a cluster the files reviewed create.
NEW_CLUSTER_HINT = " (set team.new_cluster: true if it would be new)"
HOURS_A_MONTH = 730.0


def _cluster_of(workload: ImportedWorkload) -> str | None:
    """The cluster a workload on EKS shares: the one the files reviewed define that it runs on (unless a usage file
    says whether the cluster is new), else its region's existing cluster (named by the region); None when it runs on
    no shared EKS cluster."""
    team = workload.raw.get("team", {})
    preferences = workload.raw.get("preferences", {})
    if not isinstance(team, dict) or team.get("current_platform") != "eks" or team.get("new_cluster") is True:
        return None
    if workload.cluster is not None and "team.new_cluster" not in workload.given_in:
        return workload.cluster  # (a usage file that says the cluster is not new takes it for an existing one)
    region = preferences.get("region", "us-east-1") if isinstance(preferences, dict) else "us-east-1"
    return str(region)


def share_clusters(workloads: Sequence[ImportedWorkload], skipped: Sequence[tuple[str, str]] = ()) -> None:
    """Tell each workload on EKS how many of the review's workloads share its cluster: the one the files reviewed
    define that it runs on, else its region's existing one. One alone on a cluster the files define is that cluster's
    only workload: priced as on a new cluster of its own (``team.new_cluster``, unless a usage file says), so its
    control plane, nodes and load balancer are on the bill the ranking and the verdict compare (audit of round 35's
    changes, F1: a share added after the ranking kept EKS at $96.03 against Fargate at $23.51). Not when the review
    ``skipped`` objects that run pods it could not read (Helm charts, Flux HelmReleases, other kinds' templates),
    which may run on the cluster too: it is then priced as a cluster others share (real-repositories audit 38, F2: a
    5-minute CronJob was billed a whole cluster the files build for ten HelmReleases)."""
    unseen = sum(1 for _, reason in skipped if any(mark in reason for mark in (*PODS_UNREAD, *PODS_MARKS)))
    clusters = [_cluster_of(workload) for workload in workloads]
    counts = Counter(cluster for cluster in clusters if cluster is not None)
    for workload, cluster in zip(workloads, clusters, strict=True):
        if cluster is not None and workload.cluster == cluster and counts[cluster] == 1 and unseen:
            workload.assume(
                f"its EKS cluster, {cluster}, is defined in the files reviewed and runs no other workload the review "
                f"read, but the review skipped {unseen} file(s) or object(s) that run pods it does not read (Helm "
                "charts, HelmReleases), which may run on it: priced as a cluster others share, its control plane and "
                "shared load balancer left out (set team.new_cluster: true in the usage file if it runs this alone)"
            )
        elif cluster is not None and workload.cluster == cluster and counts[cluster] == 1:
            workload.set("team.new_cluster", True)
            workload.assume(
                f"its EKS cluster, {cluster}, {ALONE_ON_DEFINED}: priced as a new cluster of its own "
                "(team.new_cluster: true), its control plane, nodes and load balancer billed to it"
            )
            cluster = None
        workload.cluster_workloads = counts[cluster] if cluster is not None else 0
    _one_version(workloads, clusters)
    behind = Counter(where for workload in workloads for where in _balancers_of(workload))
    for workload in workloads:
        workload.balancer_counts = {where: behind[where] for where in _balancers_of(workload)}


def _one_version(workloads: Sequence[ImportedWorkload], clusters: Sequence[str | None]) -> None:
    """One Kubernetes version for the workloads that share a cluster, so its control plane is billed at one price: a
    version a usage file gives (the first), else the one its file gives; those that said another, or none, are told
    (audit of round 39's changes, F3: one cluster was billed at 1.32's hour for one workload and 1.35's for another)."""
    on: dict[str, list[ImportedWorkload]] = {}
    for workload, cluster in zip(workloads, clusters, strict=True):
        if cluster is not None:
            on.setdefault(cluster, []).append(workload)
    path = "control.kubernetes_version"
    for cluster, group in on.items():
        given = [w.get(path) for w in group if w.get(path) is not None and path in w.given_in]
        read = [w.get(path) for w in group if w.get(path) is not None]
        versions = list(dict.fromkeys(read))
        if not versions or (len(versions) == 1 and len(read) == len(group)):
            continue
        chosen = (given or read)[0]
        for workload in group:
            if workload.get(path) != chosen:
                said = "none" if workload.get(path) is None else workload.get(path)
                workload.assume(
                    f"the review's workloads on its cluster, {cluster}, give Kubernetes {' and '.join(versions)} "
                    f"(this one {said}): a cluster runs one, so its control plane is billed at {chosen}'s support "
                    f"(give each the same {path})"
                )
                workload.set(path, chosen)


def _balancers_of(workload: ImportedWorkload) -> tuple[str, ...]:
    """The Ingresses whose load balancers a workload is billed a share of, none when a usage file says whether it has
    a load balancer of its own."""
    return workload.balancers if "network.own_load_balancer" not in workload.given_in else ()


def share_fixed_costs(
    decision: Decision,
    ruleset: Ruleset,
    workload: Workload,
    cluster: tuple[int, str | None],
    balancers: Mapping[str, int],
) -> Decision:
    """The decision with its shares of what the review's workloads share billed: the EKS cluster's control plane
    (``cluster``: how many share it, and the one the files define, if so) and load balancers of Ingresses or Services
    (``balancers``: each and how many it is billed to). The first load balancer's share takes the place of the door's
    load balancer on the EKS bill (the existing cluster's, left out, or a new cluster's, billed whole) unless the door's
    is the workload's own (``network.own_load_balancer``); any other is added beside it. The shares are added to a
    bill's total (and its modes') at once, rounded once, as every bill's lines are. The control plane's hour is that of
    the cluster's Kubernetes version (``control.kubernetes_version``) on the book's date (decider/cost/kubernetes.py).
    """
    book, own_door = ruleset.pricing.get(workload.preferences.region), workload.network.own_load_balancer
    if book is None:
        return decision
    sharing, defined = cluster
    edits: list[tuple[str, CostLine, float]] = []  # (what it is a share of, its line, the share)
    notes = decision.assumptions
    if sharing == 1 and defined is not None:  # may run what the review skipped
        said = (
            f"its cluster is {defined}, which the files reviewed define, and may run the objects the review skipped: "
            "its control plane is left out, as the cluster's other workloads pay it"
        )
        notes = tuple(_billed_share(note, said, False) for note in notes)
    elif sharing >= 2:
        version, model = workload.control.kubernetes_version, ruleset.cost_model
        monthly, extended = (
            monthly_usd(version, book, model) if model else (book.eks.control_plane_hour.usd * 730, False)
        )
        line, share, said = _plane_share(monthly / HOURS_A_MONTH, sharing, defined, extended)
        edits.append(("plane", line, share))
        notes = tuple(_billed_share(note, said, defined is not None) for note in notes)
    prices = book.load_balancers  # none in the book: no share of a load balancer is billed
    floor = f": {FLOOR_PRICE}" if "load_balancers" in book.floors else ""
    hour = prices.alb_hour.usd if prices is not None else 0.0
    priced = {where: count for where, count in balancers.items() if count >= 1} if prices is not None else {}
    for where, count in priced.items():
        edits.append((where, *_balancer_share(hour, where, count, floor)))
    if not edits:
        return decision.model_copy(update={"assumptions": notes}) if notes != decision.assumptions else decision
    on_eks = {target for target in ruleset.target_ids if ruleset.platform_of(target) == "eks"}
    ranking, placed = _with_shares(decision.ranking, edits, on_eks, own_door)
    for where, count in priced.items():
        if where in placed:
            notes = tuple(_balancer_said(note, where, count, hour, placed[where]) for note in notes)
    summary = decision.summary + _shares_said(decision.ranking, ranking, ruleset)
    return decision.model_copy(update={"ranking": ranking, "assumptions": notes, "summary": summary})


def _shares_said(before: Sequence[RankedTarget], after: Sequence[RankedTarget], ruleset: Ruleset) -> str:
    """What the summary says of bills the shares changed: its figures are the ranking's, without them (architect audit
    39, F5: EKS's bill said $40.94 with its share of the control plane, its summary "about $4.44")."""
    said = []
    for old, new in zip(before, after, strict=True):
        was, now = (item.monthly_cost.total_usd if item.monthly_cost is not None else None for item in (old, new))
        if was is not None and now is not None and now != was:
            said.append(
                f"{ruleset.target(new.target).name}'s bill is ${now:,.2f} with its shares of what the review's "
                f"workloads share, against the ${was:,.2f} the ranking and the figures above compare"
            )
    if not said:
        return ""
    return f" {'; '.join(said)}: a share is saved only if every workload sharing it moves."


def _plane_share(hour: float, sharing: int, defined: str | None, extended: bool) -> tuple[CostLine, float, str]:
    """A ``sharing``-th of the control plane at ``hour`` (the month's average: ``extended``, some or all of it billed
    the extended-support hour): its line, the share, and what the platform's note says of it."""
    monthly = hour * HOURS_A_MONTH
    support_said = " in extended support" if extended else ""
    share = monthly / sharing
    split = f"shared by {sharing} workloads in this review: ${round_usd(share, 2):,.2f}"
    line = CostLine(
        item=f"{SHARED_CONTROL_PLANE}{monthly:,.2f} a month"
        + (f" of {defined}{DEFINED}," if defined is not None else "")
        + (" in extended support," if extended else "")
        + f" {split}",
        quantity=HOURS_A_MONTH / sharing,
        unit="cluster-hour",
        unit_price_usd=hour,
        usd=round_usd(share, 4),
    )
    said = (
        f"its cluster already exists, and its control plane (${monthly:,.2f} a month{support_said}) is shared by the "
        f"{sharing} workloads this review runs on it"
        if defined is None
        else f"its cluster is {defined}, which the files reviewed define, so its control plane (${monthly:,.2f} a "
        f"month{support_said}) is billed to the {sharing} workloads this review runs on it"
    )
    return line, share, said


def _balancer_share(hour: float, where: str, sharing: int, floor: str) -> tuple[CostLine, float]:
    """A ``sharing``-th of the hours of ``where``'s load balancer: its line and the share."""
    monthly = hour * HOURS_A_MONTH
    share = monthly / sharing
    split = f"{SPLIT_BETWEEN} {sharing} workloads in this review" if sharing > 1 else "all billed to this workload"
    line = CostLine(
        item=f"{SHARED_BALANCER}{monthly:,.2f} a month of {where}{SPLIT}{split}: ${round_usd(share, 2):,.2f}{floor}",
        quantity=HOURS_A_MONTH / sharing,
        unit="ALB-hour",
        unit_price_usd=hour,
        usd=round_usd(share, 4),
    )
    return line, share


def _with_shares(
    ranking: tuple[RankedTarget, ...], edits: Sequence[tuple[str, CostLine, float]], on_eks: set[str], own_door: bool
) -> tuple[tuple[RankedTarget, ...], dict[str, bool]]:
    """``ranking`` with each share's line on the bills it belongs to: the control plane's in place of the line that
    leaves it out, a load balancer's (EKS bills with a load balancer only) in place of the door's or beside it; each
    bill's total and priced modes raised by the shares at once. With it, each load balancer placed, and whether it
    took the door's place."""
    placed: dict[str, bool] = {}
    found = []
    for entry in ranking:
        cost = entry.monthly_cost
        if cost is None:
            found.append(entry)
            continue
        lines, added, changed = list(cost.lines), 0.0, False
        for what, line, share in edits:
            at = _place(lines, what, own_door) if what == "plane" or entry.target in on_eks else None
            if at is None:
                continue
            replacing = at < len(lines)
            if replacing:  # the line it replaces leaves the total (a new cluster's load balancer, billed whole)
                added -= lines[at].quantity * lines[at].unit_price_usd
                lines[at] = line
            else:
                lines.append(line)
            added, changed = added + share, True
            if what != "plane":
                placed[what] = replacing
        if changed:
            shared = MonthlyCost(total_usd=round_usd(cost.total_usd + added, 2), lines=tuple(lines))  # as bills are
            entry = entry.model_copy(update={"monthly_cost": shared, "sizing": _shared_modes(entry, added)})
        found.append(entry)
    return tuple(found), placed


def _place(lines: Sequence[CostLine], what: str, own_door: bool) -> int | None:
    """Where a share's line goes on a bill: the index of the line it replaces, the bill's length to add it, or None
    when it has no place there (no control plane left out; no load balancer)."""
    items = [line.item for line in lines]
    if what == "plane":
        return items.index(ALREADY_PAID) if ALREADY_PAID in items else None
    if CLUSTER_BALANCER in items:
        return items.index(CLUSTER_BALANCER)
    if not own_door:  # a new cluster's load balancer, billed whole: the door's is this one
        door = [index for index, item in enumerate(items) if item.startswith(OWN_BALANCER)]
        if door:
            return door[0]
    return len(items) if any(item.startswith((OWN_BALANCER, SHARED_BALANCER)) for item in items) else None


def _billed_share(note: str, said: str, defined: bool) -> str:
    """The note on the existing EKS platform (decider/decision_notes.py) saying the control plane's share is billed,
    and what else of the cluster is still left out; any other note as it is."""
    if not note.startswith("team.current_platform is eks: "):
        return note
    if defined:  # the files create the cluster: it is new, and billed so already
        note = note.replace(NEW_CLUSTER_HINT, "")
    note = note.replace(EXISTING_CLUSTER_AND_BALANCER, f"{said}; {BALANCER_LEFT_OUT}")
    return note.replace(EXISTING_CLUSTER, f"{said}; nothing else of the cluster is on the bills of")


def _balancer_said(note: str, where: str, sharing: int, hour: float, replaced: bool) -> str:
    """The note on the existing EKS platform saying whose load balancer the workload's bill shares, or (not
    ``replaced``) another that routes to it too (any other note as it is)."""
    if not note.startswith("team.current_platform is eks: "):
        return note
    monthly = hour * HOURS_A_MONTH
    billed = f"split between the {sharing} workloads it routes to" if sharing > 1 else "all billed to it"
    if not replaced:
        return f"{note}; the load balancer {where} gets routes to it too, its hours (${monthly:,.2f} a month) {billed}"
    said = f"its load balancer is the one {where} gets, whose hours (${monthly:,.2f} a month) are {billed}"
    note = note.replace(BALANCER_LEFT_OUT, f"{said} on the bills of")
    left_out = f"{said} on its bill, and its cluster already exists, so its fixed cost is left out of the bills of"
    return note.replace(EXISTING_CLUSTER_AND_BALANCER, left_out)


def share_key(item: str, region: str) -> str:
    """The shared cluster or load balancer a share line (of ``share_fixed_costs``) is for: the Ingress or Service it
    names, or the cluster the files reviewed define that it names, else its region's existing one."""
    if item.startswith(SHARED_BALANCER):
        return item[item.index(" a month of ") + len(" a month of ") : item.index(SPLIT)]
    if DEFINED in item:
        return item[item.index(" a month of ") + len(" a month of ") : item.index(DEFINED)]
    return region


def _shared_modes(entry: RankedTarget, share: float) -> Sizing | None:
    """The entry's sizing with the share added to every priced mode's bill: each of EKS's modes runs on the cluster."""
    sizing = entry.sizing
    if sizing is None or not sizing.modes:
        return sizing
    modes = tuple(
        option.model_copy(update={"monthly_usd": round_usd(option.monthly_usd + share, 2)})
        if option.monthly_usd is not None
        else option
        for option in sizing.modes
    )
    return sizing.model_copy(update={"modes": modes})
