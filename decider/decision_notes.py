"""Assumptions a decision adds to those its workload's defaults made (decider/workload.py): figures the cost model
applied that no field gives, said with where they come from, so no bill rests on a default nobody sees."""

from __future__ import annotations

from decider.cost.bill import shares_nodes
from decider.cost.capacity import burst_assumed, min_copies_for, scaling_of, serving_min_copies
from decider.cost.sizing import front_door, lambda_run_s
from decider.cost.warm import crossover
from decider.defaults_said import assumed_for_bursts
from decider.facts import connection_copies
from decider.numbers import show
from decider.ranking import Ranked
from decider.rules.model import Ruleset
from decider.workload import SECONDS_PER_MONTH, Workload

#: How the note on an existing ECS or EKS platform says what is left out of the bills (before the targets' names);
#: a review that bills an EKS control plane's share says it instead (decider/review_cluster.py).
EXISTING_CLUSTER_AND_BALANCER = (
    "its cluster and shared load balancer already exist, so their fixed cost is left out of the bills of"
)
EXISTING_CLUSTER = "its cluster already exists, so its fixed cost is left out of the bills of"


def platform_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    team = ranked.workload.team
    if team.current_platform not in ("ecs", "eks") or team.new_cluster or ranked.priced is None:
        return ()
    names = [ruleset.target(target).name for target in ruleset.on_platform(team.current_platform)]
    # A load balancer is in front of the containers only when they have a front door (an API Gateway API keeps one
    # behind it): queue or scheduled work, or traffic.front_door none, has none to be the workload's own
    fronted = front_door(ranked.workload, serverless=False) is not None
    own = ranked.workload.network.own_load_balancer and fronted
    said = (
        f"team.current_platform is {team.current_platform}: {EXISTING_CLUSTER_AND_BALANCER} {', '.join(names)} (set "
        "team.new_cluster: true if it would be new)"
        if not own
        else f"team.current_platform is {team.current_platform}: {EXISTING_CLUSTER} {', '.join(names)} (set "
        "team.new_cluster: true if it would be new); the workload's own load balancer (network.own_load_balancer) is "
        "billed in full"
    )
    if ranked.workload.network.own_load_balancer and not fronted:
        said += (
            "; network.own_load_balancer is true, but no load balancer is in front of this work on them (it has no "
            "front door: queue or scheduled work, or traffic.front_door none), so nothing is billed for one"
        )
    if team.current_platform == "eks" and not shares_nodes(ranked.workload):
        runtime = ranked.workload.runtime
        need = "Windows nodes" if runtime.os == "windows" else "GPU nodes" if runtime.gpu else "the types named"
        said += f"; its pods need {need} (control.instance_types, runtime.os, runtime.gpu), billed whole as its own"
    return (said,)


def vpc_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """``network.vpc`` not given, with NAT gateways named: AWS Lambda is priced outside a VPC, with no NAT gateway,
    while the containers, which always run in one, pay for them; a difference on the bills that rests on a default
    (architect audit 26, L7), said as one."""
    network, priced = ranked.workload.network, ranked.priced
    if network.vpc or "vpc" in network.model_fields_set or not network.nat_gateways or priced is None:
        return ()
    if "lambda" not in priced.bills:
        return ()
    return (
        f"network.vpc not given: AWS Lambda is taken to run outside a VPC and is billed no NAT gateway, while the "
        f"containers, which run in one, pay for the {show(network.nat_gateways)} network.nat_gateways names; give "
        "network.vpc: true if the function must reach private resources in the VPC (it then pays for them too)",
    )


def managed_instances_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """AWS Lambda on Managed Instances with ``runtime.concurrency_per_copy`` not given: its environments are priced
    taking one request at a time, as container copies are, where AWS lets an environment take up to 1,600 at once
    (PerExecutionEnvironmentMaxConcurrency,
    https://docs.aws.amazon.com/lambda/latest/api/API_LambdaManagedInstancesCapacityProviderConfig.html); the
    instances billed rest on it (architect audit 26, a note)."""
    priced, runtime = ranked.priced, ranked.workload.runtime
    if priced is None or "concurrency_per_copy" in runtime.model_fields_set or "lambda" not in priced.bills:
        return ()
    choice = priced.choices.get("lambda")
    if choice is None or choice.chosen.price != "lambda-managed-instances":
        return ()
    return (
        f"runtime.concurrency_per_copy not given: AWS Lambda runs on {choice.chosen.name} priced at "
        f"{runtime.concurrency_per_copy:,} request at a time per execution environment, as container copies are; AWS "
        "lets an environment take up to 1,600 at once (PerExecutionEnvironmentMaxConcurrency), so code written for "
        "concurrency needs fewer instances: give runtime.concurrency_per_copy",
    )


#: Bill lines metered by the body: a load balancer's capacity units and API Gateway's HTTP API requests and WebSocket
#: messages (decider/cost/doors.py).
_METERED_BY_BODY = ("Load Balancer capacity units", "API Gateway HTTP API requests", "API Gateway WebSocket messages")


def body_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The average body the front doors are billed for, when a bill has a line metered by it: nothing in the
    workload gives it, so it is an assumption like any default."""
    model, priced = ruleset.cost_model, ranked.priced
    if model is None or priced is None:
        return ()
    if not any(
        door in line["item"] for bill in priced.bills.values() for line in bill["lines"] for door in _METERED_BY_BODY
    ):
        return ()
    workload = ranked.workload
    fraction = model.load_balancer_capacity_unit.average_payload_fraction
    text = (
        f"traffic.payload_mb is the largest body: front doors are billed for an average body of {show(fraction * 100)}%"
        f" of it ({show(workload.traffic.payload_mb * fraction)} MB, average_payload_fraction in "
        "rules/pricing/model.yaml)"
    )
    egress = workload.network.egress_gb_per_month
    if egress:
        text += f"; a load balancer processes at least the {show(egress)} GB of network.egress_gb_per_month"
    alb = "Application Load Balancer capacity units"
    if "websocket" not in workload.protocols and any(
        line["item"].startswith(alb) for bill in priced.bills.values() for line in bill["lines"]
    ):
        per = model.load_balancer_capacity_unit.alb_requests_per_new_connection
        return text, (
            f"An Application Load Balancer is billed a new connection for every {show(per)} requests, as clients that "
            "keep connections alive open them (alb_requests_per_new_connection in rules/pricing/model.yaml, AWS's "
            f"pricing example); clients that send one request a connection open {show(per)} times as many"
        )
    return (text,)


#: Where the cost model's minimum copies come from, by how copies follow the load (decider/cost/capacity.py).
_KEPT_BECAUSE = {
    "always-on": "always_on_min_copies in rules/pricing/model.yaml, for a steady or diurnal service: one copy per "
    "Availability Zone",
    "serving": "serving_min_copies in rules/pricing/model.yaml, for a listener or queue consumer that answers at once",
}


def copies_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The copies a container target keeps up whatever the load, when the workload gives no ``runtime.min_copies``
    and a container bill pays for them (the cost model's minimum for the kind of work); and, with an hourly profile,
    that a minimum given is kept in every hour."""
    priced = ranked.priced is not None and ruleset.cost_model is not None
    return (*_copies_kept(ranked, ruleset), *(_kept_every_hour(ranked.workload) if priced else ()))


def _copies_kept(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """``copies_notes``' first part: the copies kept up whatever the load."""
    model, priced, workload = ruleset.cost_model, ranked.priced, ranked.workload
    burst = burst_assumed(workload)
    if model is None or priced is None:
        return ()
    if workload.runtime.min_copies is not None and burst is None:
        return ()
    if not any(target.platform in ("ecs", "eks") and target.id in priced.bills for target in ruleset.targets):
        return ()
    scaling = scaling_of(workload, ranked.facts)
    why = _KEPT_BECAUSE.get(scaling)
    if why is None:
        return ()
    if scaling == "serving" and serving_min_copies(model, workload) > model.serving_min_copies:
        why = (
            f"busy_listener_in_flight in rules/pricing/model.yaml: a listener with {show(ranked.facts.avg_concurrency)}"
            f" requests in flight on average, {show(model.busy_listener_in_flight)} or more, is busy at every moment, "
            "so it keeps one copy per Availability Zone"
        )
    kept = min_copies_for(scaling, model, workload, holds_connections=False)
    held = connection_copies(workload)
    if held > kept:  # the open connections keep more up than the minimum (decider/cost/capacity.py)
        minimum = (
            f"the copies assumed for bursts are {burst:,}"
            if burst is not None
            else f"the cost model's minimum is {_copies(kept)} ({why})"
        )
        return (
            f"runtime.min_copies not given: container targets keep {_copies(held)} up whatever the load, to hold "
            f"the {show(workload.traffic.connections)} open WebSocket connections (traffic.connections) at "
            f"{show(workload.runtime.connections_per_copy)} a copy (runtime.connections_per_copy) at 70%; {minimum}",
        )
    if burst is not None:  # the burst default says its copies itself
        return ()
    return (f"runtime.min_copies not given: container targets keep {_copies(kept)} up whatever the load ({why})",)


def _copies(count: int) -> str:
    return f"{count:,} cop{'y' if count == 1 else 'ies'}"


def _kept_every_hour(workload: Workload) -> tuple[str, ...]:
    """With an hourly profile, a minimum the workload gives is kept in every hour, the quiet ones too, where the copies
    and environments decider assumes for bursts follow each hour's load (decider/cost/profile.py): said, since the
    bills differ."""
    runtime, profile = workload.runtime, workload.traffic.hourly_profile
    if profile is None or len(set(profile)) <= 1:  # no quiet hours: every hour keeps them alike either way
        return ()
    copies, environments, _ = assumed_for_bursts(runtime)
    given = [
        f"runtime.{name} ({value:,})"
        for name, value, assumed in (
            ("min_copies", runtime.min_copies, copies),
            ("provisioned_concurrency", runtime.provisioned_concurrency, environments),
        )
        if value and value != assumed
    ]
    if not given:
        return ()
    return (
        f"{' and '.join(given)} given: kept in every hour of traffic.hourly_profile, the quiet ones too; left out, a "
        "bursting service's copies and environments are kept by each hour's load, as scheduled scaling keeps them",
    )


def warm_notes(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """Lambda's environments kept warm because they cost less than on demand (decider/cost/warm.py ``cost_warm``):
    nothing in the workload asked for them, so the bill's choice is said, with how to price it on demand."""
    priced, workload = ranked.priced, ranked.workload
    if priced is None or "lambda" not in priced.bills or workload.runtime.provisioned_concurrency is not None:
        return ()
    sizing = priced.sizing("lambda")
    kept = sizing.get("provisioned_concurrency")
    book = ruleset.pricing.get(priced.pricing.region)
    share = crossover(book.lambda_, sizing["architecture"]) if book is not None and kept else None
    if not kept or share is None:
        return ()
    in_flight = workload.requests_per_month / SECONDS_PER_MONTH * lambda_run_s(workload, ranked.facts)
    profile = workload.traffic.hourly_profile
    if profile is not None and len(set(profile)) > 1:  # each hour by its load (decider/cost/warm.py cost_warm)
        kept_text = f"up to {kept:,} environments warm, each hour of traffic.hourly_profile by its load"
        average = show(round(in_flight, 1))
        load = f"about {average} executions in flight on average over the month, more or fewer by the hour"
        each = "each one kept"
    else:
        kept_text = f"{kept:,} environment{'s' if kept != 1 else ''} warm"
        load = f"about {show(round(in_flight, 1))} executions in flight on average"
        each = f"each of the {kept:,}" if kept != 1 else "it"
    return (
        f"runtime.provisioned_concurrency not given: AWS Lambda's bill keeps {kept_text} with provisioned concurrency, "
        f"which costs less than on demand at this load: with {load}, requests arriving at random, {each} adds work "
        f"for {share:.0%} of its time or more (a request that finds them all busy runs on demand, Erlang's loss "
        "formula), the share past which a provisioned environment (its price kept plus a lower duration rate) costs "
        "less than on-demand duration; give runtime.provisioned_concurrency 0 to price it on demand",
    )
