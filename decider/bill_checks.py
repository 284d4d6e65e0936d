"""What decider's own bills warn of, beside the answer: a line the region's book cannot price, GPUs a copy leaves
idle on the only type that holds it, and an EKS node priced larger for the kubelet's reserve. Each is said only for
the recommendation or the runner-up, whose bills weigh on the answer."""

from __future__ import annotations

import math
from datetime import date

from decider.cost.bill import round_usd
from decider.cost.doors import CLIENT_PROTOCOLS
from decider.cost.gaps import FLOOR_PRICE, NO_PRICE
from decider.cost.kubernetes import support
from decider.numbers import show
from decider.ranking import Ranked
from decider.rules.model import Ruleset
from decider.workload import JOB_PATTERNS, SECONDS_PER_MONTH


def partial_bills(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The eligible targets' bills with a line the region's book has no price for (a load balancer, NAT gateways,
    data transfer, CloudWatch Logs or EBS volumes, billed at $0): each such bill is low by that line, and its
    comparison with the others is weaker for it. Every eligible target is covered, since the summary can quote any
    of them (the cheapest, when it is not the recommendation)."""
    priced = ranked.priced
    if priced is None:
        return ()
    billed = [target for target in ranked.order if target in priced.bills]
    partial = {
        target: sorted({item_name(line["item"]) for line in bill["lines"] if NO_PRICE in line["item"]})
        for target, bill in priced.bills.items()
        if target in ranked.order
    }
    partial = {target: items for target, items in partial.items() if items}
    if not partial:
        return ()
    targets = [target for target in billed if target in partial]
    complete = [target for target in billed if target not in partial]
    # Targets missing the same lines are named together, each group with its own lines, in ranking order.
    groups: dict[tuple[str, ...], list[str]] = {}
    for target in targets:
        groups.setdefault(tuple(partial[target]), []).append(target)
    items = {item for found in partial.values() for item in found}
    many = len(targets) > 1
    whole = (
        f" The bill{'s' if len(complete) > 1 else ''} of {names(ruleset, complete)} "
        f"{'are' if len(complete) > 1 else 'is'} complete."
        if complete
        else ""
    )
    said = "; ".join(
        f"{'the' if place else 'The'} bill{'s' if len(group) > 1 else ''} of {names(ruleset, group)} "
        f"include{'' if len(group) > 1 else 's'} {listed(list(found))} at $0"
        for place, (found, group) in enumerate(groups.items())
    )
    # The recommendation's own bill low by a price nobody knows: the answer itself, and the volumes where one bill
    # overtakes another, rest on it (a rival's line at $0 because its cluster is already paid is a real $0; this is not)
    own = (
        f" The recommendation's own bill ({ruleset.target(ranked.order[0]).name}) is one of them, so the answer itself "
        "may change once those prices are known."
        if ranked.order[0] in partial
        else ""
    )
    overtake = "these bills overtake" if many else "it overtakes"
    return (
        f"{said}: the {priced.pricing.region} price book has no price for "
        f"{'them' if len(items) > 1 else 'it'}, so {'these bills are' if many else 'that bill is'} low "
        f"by that much: weigh close comparisons, and the volumes where {overtake} another, with care.{own}{whole}",
    )


def floor_bills(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The eligible targets' bills with a line priced at another region's figure, taken as a floor where no source
    gives the region's (the book's ``floors:``, said on the line), when the recommendation's own bill is one of them:
    a floor can only be low, so a bill at a floor can only rise once the region's price is known, and only the
    recommendation's rising can change the answer (a rival's rising widens its lead). Each may be low by the
    difference; ``decider pricing show`` says why each floor was taken."""
    priced = ranked.priced
    if priced is None or not ranked.order:
        return ()
    lines = {
        target: {item_name(line["item"]) for line in priced.bills[target]["lines"] if FLOOR_PRICE in line["item"]}
        for target in ranked.order
        if target in priced.bills
    }
    floored = [target for target, found in lines.items() if found]
    if ranked.order[0] not in floored:
        return ()
    region = priced.pricing.region
    items = sorted(set().union(*lines.values()))
    many = len(floored) > 1
    return (
        f"The bill{'s' if many else ''} of {names(ruleset, floored)} price{'' if many else 's'} {listed(items)} at "
        f"another region's figures, as a floor (no source gives {region}'s; `decider pricing show --region {region}` "
        f"says why): {'they' if many else 'it'} may be low by the difference, the recommendation's among them.",
    )


def listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def item_name(line: str) -> str:
    """A bill line's item without its details: "NAT gateways (2): no price in this region" is "NAT gateways"."""
    return line.split(" (", 1)[0].split(":", 1)[0]


def idle_gpus(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommendation or the runner-up billed on instances whose GPUs its copies leave at least half idle: the
    region's book has no GPU type nearer the copy's need (us-west-1's holds only 8-GPU p5), so the bill, many times a
    single-GPU type's, says more about the book than about the region."""
    priced = ranked.priced
    if priced is None:
        return ()
    for target in ranked.order[:2]:
        plan = priced.plans.get(target)
        fields = plan.draft.fields if plan is not None else {}
        if not fields.get("copy_gpu") or not fields.get("desired_instances"):
            continue
        gpus = fields["instance_gpu"] * fields["desired_instances"]
        used = fields["copy_gpu"] * min(
            fields["desired_copies"], fields["copies_per_instance"] * fields["desired_instances"]
        )
        if gpus >= 2 * used:
            return (
                f"{ruleset.target(target).name} is billed on {fields['instance_type']} ({fields['instance_gpu']} GPUs "
                f"an instance) for copies that use {used} of the {gpus} GPUs it keeps up: the {priced.pricing.region} "
                "price book has no GPU type nearer the need, so the bill pays for idle GPUs. Check which GPU types "
                "AWS offers there, or compare in a region whose book has smaller ones (us-east-1's has single-GPU "
                "types).",
            )
    return ()


def kubelet_reserve(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """A pod asking for (nearly) all of a node's vCPUs: an EKS node keeps some for the kubelet and its DaemonSets, so
    EKS was priced on a larger node than the copy seems to need, which a slightly smaller request would avoid. Said
    when EKS is recommended or the runner-up, where its bill weighs on the answer."""
    reserve = ruleset.cost_model.kubelet_reserved_cpu if ruleset.cost_model is not None else None
    near = ranked.priced is not None and "eks" in ranked.order[:2]
    plan = ranked.priced.plans.get("eks") if ranked.priced is not None and near else None
    fields = plan.draft.fields if plan is not None else {}
    if reserve is None or "instance_vcpu" not in fields:
        return ()
    # The node the copy would have but for the reserve: the one ECS on EC2, which keeps none, is priced on (same
    # catalogue and copy); without it, or on the same node, there is nothing a smaller request would save.
    ecs = ranked.priced.plans.get("ecs-ec2") if ranked.priced is not None else None
    other = ecs.draft.fields if ecs is not None else {}
    if "instance_vcpu" not in other or fields.get("copies_per_instance") != 1:
        return ()
    copy, node, smaller = float(fields["copy_vcpu"]), float(fields["instance_vcpu"]), float(other["instance_vcpu"])
    kept = reserve.vcpu(smaller)
    if not (smaller - kept < copy <= smaller < node):
        return ()
    return (
        f"Each copy asks for {show(copy)} vCPU, and an EKS node of {show(smaller)} vCPU ({other['instance_type']}, "
        f"as ECS on EC2 is priced) keeps {show(round(kept, 3))} for the kubelet and its DaemonSets, so EKS is priced "
        f"on {fields['instance_type']} ({show(node)} vCPU); a request of "
        f"{show(math.floor((smaller - kept) * 1000) / 1000)} vCPU or less would fit {other['instance_type']}.",
    )


#: The longest unit of work (seconds) from which a run on Spot capacity is warned of: Spot can take the capacity back
#: with two minutes' notice at any time (a Fargate Spot task's stopTimeout is at most 120 s), so a run of hours
#: is likely to be stopped at least once and must checkpoint
#: (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
SPOT_LONG_RUN_S = 3600.0


def spot_long_runs(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommendation or the runner-up priced on Spot capacity for work that runs an hour or more: interruption
    is taken as tolerable (``preferences.spot_ok``), but at that length the work must checkpoint to finish."""
    priced = ranked.priced
    longest = ranked.workload.max_duration_s
    if priced is None or longest < SPOT_LONG_RUN_S:
        return ()
    spot = [
        target
        for target in ranked.order[:2]
        if (choice := priced.choices.get(target)) is not None and choice.chosen.price == "spot"
    ]
    if not spot:
        return ()
    modes = [f"{priced.choices[target].chosen.name} for {ruleset.target(target).name}" for target in spot]
    hours = show(round(longest / 3600, 1))
    return (
        f"Priced on Spot capacity ({' and '.join(modes)}), units of work that run up to {hours} h can be stopped: "
        "Spot capacity is taken back with two minutes' notice at any time (a Fargate Spot task stops within 120 s), "
        "so runs this long must checkpoint to finish, or mix on-demand capacity into the capacity provider strategy.",
    )


def spot_serving(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommendation priced with every copy on Spot capacity for a service that answers clients (HTTP or gRPC,
    not a job): ``preferences.spot_ok`` says the work tolerates interruption, not that the service may lose every copy
    at once when Spot capacity is taken back, which no on-demand capacity replaces: Fargate Spot has no fallback to
    on-demand capacity, its tasks wait for Spot capacity, and an Auto Scaling group or node group on Spot alone
    likewise (https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/ec2-and-fargate-spot.html). The bill
    prices them all on Spot; an on-demand base for the copies it cannot lose costs more."""
    priced, workload = ranked.priced, ranked.workload
    if priced is None or not ranked.order or workload.traffic.pattern in JOB_PATTERNS:
        return ()
    if not CLIENT_PROTOCOLS & set(workload.protocols):
        return ()
    winner = ranked.order[0]
    choice = priced.choices.get(winner)
    if choice is None or choice.chosen.price != "spot":
        return ()
    cost = ruleset.target(winner).cost
    fargate = cost is not None and cost.model == "fargate"
    base = (
        "a FARGATE base in the capacity provider strategy"
        if fargate
        else "an on-demand base in the Auto Scaling group or node group"
    )
    return (
        f"Every copy of {ruleset.target(winner).name} is priced on Spot capacity ({choice.chosen.name}) for a "
        "service that answers clients: when Spot capacity is taken back, no on-demand capacity replaces it (a "
        "reclaimed task waits for Spot capacity), so the service can lose all its copies at once. Keep the copies it "
        f"cannot lose on demand ({base}), at on-demand prices the bill leaves out.",
    )


#: The rule that says a cold start misses the latency target (rules/traffic.yaml): Lambda would need its
#: environments kept warm.
COLD_START_RULE = "traffic.cold-start-vs-slo"


def provisioned_concurrency(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """Lambda, recommended or the runner-up, whose cold request (start and work) misses the latency target
    (``COLD_START_RULE`` fired; not said when ``runtime.provisioned_concurrency`` 0 was given): its bill is for
    on-demand environments, which meet the target only warm. Provisioned concurrency kept configured
    all month is what that costs on top: from environments for the executions in flight on average (cold starts left
    in the bursts above it) to those at peak (none left). SnapStart may cost less, where the runtime has it. The
    answer's bill leaves it out, and the rule's points stand for it."""
    priced = ranked.priced
    if priced is None or "lambda" not in ranked.order[:2] or "lambda" not in priced.bills:
        return ()
    if ranked.workload.runtime.provisioned_concurrency == 0 or not ranked.facts.cold_start_exceeds_slo:
        return ()  # none given on purpose; or a cold request within the target (the rule weighs one near it)
    if not any(fired.id == COLD_START_RULE for fired, _ in ranked.evaluation.reasons.get("lambda", ())):
        return ()
    book = ruleset.pricing.get(priced.pricing.region)
    prices = book.lambda_.provisioned_concurrency if book is not None else None
    sizing = priced.sizing("lambda")
    workload, facts = ranked.workload, ranked.facts
    # kept for cost (decider/cost/warm.py): nothing given or assumed, the bill's own choice, which the peak may pass
    for_cost = sizing.get("provisioned_concurrency") if workload.runtime.provisioned_concurrency is None else None
    if (
        book is None
        or prices is None
        or "memory_mb" not in sizing
        or (sizing.get("provisioned_concurrency") and not for_cost)
    ):
        return ()  # environments given, or kept warm for a bursting service's bursts, are on the bill already
    architecture = sizing["architecture"]
    # Warm for the average load, cold starts left in the bursts above it; or warm for the peak, none left
    average = max(1, math.ceil(workload.requests_per_month / SECONDS_PER_MONTH * workload.avg_duration_s - 1e-9))
    peak = max(average, math.ceil(facts.peak_concurrency - 1e-9))
    month = sizing["memory_mb"] / 1024 * book.hours_per_month * 3600 * prices[architecture].usd  # one environment
    if for_cost:
        return _beyond_kept(ranked, for_cost, month, f"{prices[architecture].usd:.10f}".rstrip("0"))
    bill = priced.bills["lambda"]["total_usd"]
    other = next((target for target in ranked.order[:2] if target != "lambda"), None)
    against = (
        f", against {ruleset.target(other).name}'s {_usd(priced.bills[other]['total_usd'])}"
        if other is not None and other in priced.bills
        else ""
    )
    unit = f"{prices[architecture].usd:.10f}".rstrip("0")  # 0.0000033334, as the price book gives it
    if peak == average:
        kept = f"{peak} environment{'s' if peak != 1 else ''} of {show(sizing['memory_mb'])} MB kept warm all month,"
        adds, total = _usd(peak * month), _usd(bill + peak * month)
    else:
        kept = (
            f"environments of {show(sizing['memory_mb'])} MB kept warm all month, {average} for the executions in "
            f"flight on average to {peak} for those at peak,"
        )
        adds = f"{_usd(average * month)} to {_usd(peak * month)}"
        total = f"{_usd(bill + average * month)} to {_usd(bill + peak * month)}"
    return (
        f"AWS Lambda's bill leaves out provisioned concurrency, which its cold start "
        f"({show(workload.runtime.startup_s)} s) against the {show(workload.traffic.latency_slo_ms)} ms latency target "
        f"would need: {kept} add about {adds} a month ({architecture}, ${unit} per GB-second), for at most about "
        f"{total} (work run on provisioned environments is billed at a lower duration rate){against}. SnapStart, "
        "where the runtime has it, may cost less.",
    )


def _beyond_kept(ranked: Ranked, kept: int, month: float, unit: str) -> tuple[str, ...]:
    """``provisioned_concurrency``'s warning where the bill keeps environments warm for cost (steady or diurnal
    traffic, each hour by its load with a profile): the cold-start rule fires there only when more requests start cold
    than a p99 target absorbs (decider/cold_budget.py ``steady_need``), which are requests that come far apart, in
    hours the environments kept for cost do not cover; one environment kept warm all month covers them."""
    priced, workload = ranked.priced, ranked.workload
    assert priced is not None  # noqa: S101 - only called with a priced ranking
    sizing = priced.sizing("lambda")
    bill = priced.bills["lambda"]["total_usd"]
    hours = ", each hour by its load," if workload.traffic.hourly_profile is not None else ""
    return (
        f"AWS Lambda's bill keeps {kept:,} environment{'s' if kept != 1 else ''} warm for cost{hours} yet its cold "
        f"start ({show(workload.runtime.startup_s)} s) misses the {show(workload.traffic.latency_slo_ms)} ms latency "
        "target on more requests than a p99 target lets be slower: requests that come far apart (an environment left "
        f"idle about 15 minutes is reclaimed) start cold. One environment of {show(sizing['memory_mb'])} MB kept warm "
        f"all month adds at most about {_usd(month)} a month ({sizing['architecture']}, ${unit} per GB-second), for "
        f"at most about {_usd(bill + month)}. SnapStart, where the runtime has it, may cost less.",
    )


#: Concurrency an account keeps for functions with none reserved: provisioned concurrency may take the unreserved
#: account concurrency less this (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: "You
#: can reserve up to the Unreserved account concurrency value that is shown, minus 100").
UNRESERVED_KEPT = 100


def provisioned_quota(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """Lambda, recommended or the runner-up, kept warm with more environments than an account can configure by
    default: its concurrency quota less the 100 kept for functions with none reserved (a quota raise comes first)."""
    priced, asked = ranked.priced, ranked.workload.runtime.provisioned_concurrency
    if priced is None or asked == 0 or "lambda" not in ranked.order[:2] or ruleset.cost_model is None:
        return ()
    if "lambda" not in priced.plans:  # no bill (a book without Lambda's prices): no sizing to read
        return ()
    most = ruleset.cost_model.lambda_concurrency_quota - UNRESERVED_KEPT
    # given or assumed past the quota; or, none given, kept warm for cost (decider/cost/warm.py): the sizing says
    warm = priced.sizing("lambda").get("provisioned_concurrency") if asked is None or asked > most else None
    if not isinstance(warm, int) or warm <= most:
        return ()
    return (
        f"AWS Lambda is priced with {warm:,} environments kept warm (runtime.provisioned_concurrency), past the "
        f"{most:,} an account can configure by default: its {ruleset.cost_model.lambda_concurrency_quota:,} concurrent "
        f"executions less the {UNRESERVED_KEPT} kept for functions with none reserved. Raise the account's concurrency "
        "quota (Service Quotas) before configuring them.",
    )


def _usd(amount: float) -> str:
    """Money as every other sentence of the answer writes it: to the cent, half up."""
    return f"${round_usd(amount, 2):,.2f}"


def names(ruleset: Ruleset, targets: list[str]) -> str:
    """The targets' names as a sentence lists them: "A", "A and B", "A, B and C"."""
    return listed([ruleset.target(target).name for target in targets])


#: How near the end of a version's standard support is said (days after the price book's date): AWS announces it at
#: least 60 days ahead (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
SOON_DAYS = 92


def extended_support(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """An EKS cluster whose Kubernetes version (``control.kubernetes_version``) is in extended support on the price
    book's date, when EKS is ranked: the control plane's hour is six times the standard one, and an upgrade to a
    version in standard support saves the difference (decider/cost/kubernetes.py). Said whether the cluster is new or
    the team's (a review bills the clusters its files define)."""
    version = ranked.workload.control.kubernetes_version
    book = ruleset.pricing.get(ranked.workload.preferences.region)
    model = ruleset.cost_model
    on_eks = [target for target in ranked.order if ruleset.platform_of(target) == "eks"]
    if version is None or book is None or model is None or not on_eks:
        return ()
    found = support(version, model, book.as_of)
    extended, standard = book.eks.extended_support_control_plane_hour.usd, book.eks.control_plane_hour.usd
    saved = (extended - standard) * 730
    days = (date.fromisoformat(found.ends) - date.fromisoformat(book.as_of)).days if found.ends else None
    if days is not None and days <= SOON_DAYS:
        return (
            f"Kubernetes {version} leaves EKS standard support on {found.ends}, {days} days after the price book's "
            f"date ({book.as_of}): from then its control plane costs ${extended:.2f} an hour instead of "
            f"${standard:.2f} ({_usd(saved)} a month more) unless the cluster is upgraded first.",
        )
    if not found.extended:
        return (found.said,) if found.said is not None and found.ends is None else ()  # newer than the calendar
    return (
        f"{found.said} Its control plane costs ${extended:.2f} an hour ({_usd(extended * 730)} a month) against "
        f"${standard:.2f} in standard support: upgrading the cluster to a version in standard support saves it "
        f"{_usd(saved)} a month.",
    )
