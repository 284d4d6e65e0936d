"""Inputs that contradict each other, or that decider cannot use as given: each is said as a warning, so nothing the
user typed is dropped or counted twice without a word (decider/engine.py adds them to the decision's warnings)."""

from __future__ import annotations

import math

from decider.cold_budget import LAMBDA_SCALING_STEP, burst_misses, held_share
from decider.copies_checks import min_copies_checks
from decider.cost.doors import CLIENT_PROTOCOLS
from decider.cost.sizing import front_door
from decider.network import SERVING_PROTOCOLS
from decider.numbers import show
from decider.ranking import Ranked
from decider.rules.model import Ruleset
from decider.traffic_profile import peak_factor
from decider.workload import JOB_PATTERNS, PEAK_TO_AVERAGE, SECONDS_PER_MONTH, ParsedWorkload, Preferences, Workload

#: The front doors a user can name that cannot hold a WebSocket connection for a function: Lambda is priced behind an
#: API Gateway WebSocket API instead (decider/cost/sizing.py).
FUNCTION_DOORS_WITHOUT_WEBSOCKETS = frozenset({"function-url", "alb", "http-api", "rest-api"})


#: API Gateway's integration timeout per front door, and whether it can be raised: an HTTP API's 30 s cannot
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html); a REST API's 29 s default can,
#: for Regional and private APIs since June 2024, at a lower account throttle quota
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
GATEWAY_TIMEOUT_S = {
    "http-api": (30.0, "which cannot be raised"),
    "rest-api": (29.0, "raisable by a quota request for a Regional or private REST API, at a lower throttle quota"),
}
#: The share of the timeout past which the longest request counts as near it (the headroom issue 10 asks for).
GATEWAY_NEAR = 0.9
#: The largest body API Gateway carries, per front door: 10 MB for an HTTP API
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html) and for a REST API, whose
#: responses streamed with transfer mode STREAM may be larger
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
GATEWAY_PAYLOAD_MB = {
    "http-api": (10.0, "which cannot be raised"),
    "rest-api": (10.0, "except a response streamed with response transfer mode STREAM"),
}


#: An Application Load Balancer closes a connection, client or target side, that sends and receives nothing for its
#: idle timeout: 60 s by default, settable from 1 to 4,000 s (load balancer attribute idle_timeout.timeout_seconds,
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
ALB_IDLE_TIMEOUT_S = 60.0
ALB_IDLE_TIMEOUT_MAX_S = 4000.0


#: API Gateway's default throttle quota, requests a second per account and Region, shared by every HTTP, REST and
#: WebSocket API (raisable on request), and the Regions where it is 2,500
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
GATEWAY_THROTTLE_RPS = 10_000.0
GATEWAY_THROTTLE_LOW_RPS = 2_500.0
GATEWAY_THROTTLE_LOW_REGIONS = frozenset({
    "af-south-1", "eu-south-1", "ap-southeast-3", "me-central-1", "ap-south-2", "ap-southeast-4", "eu-south-2",
    "eu-central-2", "il-central-1", "ca-west-1", "ap-southeast-5", "ap-southeast-7", "mx-central-1",
})  # fmt: skip
#: The share of the quota past which a peak counts as near it: the account's other APIs share it.
GATEWAY_THROTTLE_NEAR = 0.8
GATEWAY_DOORS = {
    "api-gateway-http-api": "an API Gateway HTTP API",
    "api-gateway-rest-api": "an API Gateway REST API",
    "api-gateway-websocket-api": "an API Gateway WebSocket API",
}


def _gateway_cannot_carry(door: str, protocols: frozenset[str] | set[str]) -> str:
    """API Gateway's HTTP and REST APIs have no gRPC integration and hold no WebSocket connection (a WebSocket API is
    an API of its own kind); an Application Load Balancer passes both to instance and IP targets
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html, protocol
    version GRPC; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html,
    WebSockets)."""
    why = {
        "grpc": ("gRPC", "have no gRPC integration"),
        "websocket": ("WebSocket connections", "hold no WebSocket connection (a WebSocket API is an API of its own)"),
    }
    carried = [name for name in why if name in protocols]
    said = (
        f"traffic.front_door {door} cannot carry {' or '.join(why[name][0] for name in carried)}: API Gateway's HTTP "
        f"and REST APIs {' and '.join(why[name][1] for name in carried)}, while an Application Load Balancer passes "
        f"{'them' if len(carried) > 1 or carried == ['websocket'] else 'it'} to instance and IP targets."
    )
    if "http" in protocols:
        return (
            f"{said} The containers' HTTP requests are priced behind the API named, the rest going to the Application "
            "Load Balancer they have behind it (on their bills); every request is billed as an API request, those "
            "too, so the API's line is high by their share."
        )
    said += " The containers are priced behind an Application Load Balancer instead"
    if carried == ["grpc"]:
        return (
            f"{said}; AWS Lambda stays priced behind the API named, with the gRPC-to-HTTP translation in front of it "
            "that traffic.grpc-on-lambda counts."
        )
    return f"{said}."


def _alb_without_http(door: str | None, protocols: frozenset[str] | set[str]) -> str | None:
    """A load balancer named for TCP or UDP alone: an ALB's listeners are HTTP and HTTPS
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html)."""
    if door != "alb" or not protocols & {"tcp", "udp"} or protocols & {"http", "grpc", "websocket"}:
        return None
    return (
        "traffic.front_door alb cannot carry TCP or UDP: an Application Load Balancer's listeners are HTTP and HTTPS. "
        "The containers are priced behind a Network Load Balancer, whose listeners carry both."
    )


def _layer4_beside_http(workload: Workload) -> str | None:
    """TCP or UDP beside HTTP, gRPC or WebSocket: the containers are priced behind the Application Load Balancer their
    HTTP part needs, whose listeners are HTTP and HTTPS only; the TCP or UDP part needs a Network Load Balancer
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html), not priced."""
    protocols = set(workload.protocols)
    layer4 = sorted(protocols & {"tcp", "udp"})
    if not layer4 or not protocols & {"http", "grpc", "websocket"}:
        return None
    if front_door(workload, serverless=False) in (None, "network-load-balancer"):
        return None
    named = " and ".join(name.upper() for name in layer4)
    return (
        f"traffic.protocols has {named} beside HTTP: the containers are priced behind an Application Load Balancer, "
        f"whose listeners carry HTTP and HTTPS only. The {named} part needs a Network Load Balancer beside it (or the "
        "whole service behind one), whose hours and capacity units these bills leave out."
    )


def _peak_past_pattern(workload: Workload) -> str | None:
    """A peak given for steady traffic (no hourly profile) past the spiky pattern's 10× the average: a burst the
    pattern does not weigh, and copies the bills do not keep (architect audit 28, F3). Not for diurnal traffic, whose
    busy hours and, at a low volume, whose busiest second may well pass 10× the month's average."""
    traffic, average = workload.traffic, workload.requests_per_month / SECONDS_PER_MONTH
    # a peak past the month's volume (``most``) is a contradiction decider/engine.py says; within it, a finite ratio
    peak, spiky, most = traffic.peak_rps, PEAK_TO_AVERAGE["spiky"] * average, workload.requests_per_month
    if traffic.pattern != "steady" or traffic.hourly_profile or peak is None or not 0 < spiky < peak <= most:
        return None
    return (
        f"traffic.peak_rps {show(peak)} is {show(round(peak / average))}× the average rate ({show(average)} a second) "
        f"of steady traffic, which peaks at about {show(PEAK_TO_AVERAGE['steady'])}× its average: "
        "a peak that far above the average is a burst, which this pattern neither weighs nor keeps copies up for. "
        "Say traffic.pattern spiky (or event) so the bursts are weighed and priced, or check the peak and the volume."
    )


def contradictions(parsed: ParsedWorkload) -> tuple[str, ...]:
    """Every contradiction or unused input in ``parsed``, in the order of the workload's sections."""
    workload = parsed.workload
    assumed = {path for path, _ in parsed.defaults}
    traffic, team, preferences = workload.traffic, workload.team, workload.preferences
    found: list[str] = []
    profile = traffic.hourly_profile
    if profile is not None and traffic.pattern == "diurnal" and "traffic.peak_rps" in assumed:
        factor, _ = peak_factor(PEAK_TO_AVERAGE["diurnal"], "diurnal", profile)
        if factor > PEAK_TO_AVERAGE["diurnal"]:
            found.append(
                f"traffic.hourly_profile and traffic.pattern diurnal both describe the day's swing, so the assumed "
                f"peak (traffic.peak_rps) counts it twice: ×{show(round(factor, 2))} the average rate. With a "
                "profile, give the pattern steady, or give traffic.peak_rps."
            )
    found.extend(past for past in (_peak_past_pattern(workload),) if past is not None)
    websocket = "websocket" in workload.protocols
    door = traffic.front_door
    # Said only where Lambda may run the work (a long-running process keeps it out: limits.lambda-no-long-running)
    if websocket and door in FUNCTION_DOORS_WITHOUT_WEBSOCKETS and not workload.runtime.long_running:
        found.append(
            f"traffic.front_door {door} cannot hold WebSocket connections for a function: AWS Lambda is priced "
            "behind an API Gateway WebSocket API, which holds them and runs the function per message."
        )
    protocols = set(workload.protocols)
    if door in GATEWAY_TIMEOUT_S and protocols & {"grpc", "websocket"}:
        found.append(_gateway_cannot_carry(door, protocols))
    alb = _alb_without_http(door, protocols)
    if alb is not None:
        found.append(alb)
    elif door not in (None, "none") and not protocols & SERVING_PROTOCOLS:  # work off a queue or a schedule alone
        listed = show(list(workload.protocols))
        said = (
            f"the protocols assumed for traffic.pattern {traffic.pattern} ({listed}) have"
            if "traffic.protocols" in assumed
            else f"traffic.protocols ({listed}) has"
        )
        found.append(
            f"traffic.front_door {door} answers clients' requests, and {said} none: no front door is priced, and the "
            "work is taken as it arrives (off a queue, or started by a schedule). Give traffic.protocols [http] if "
            "requests come through the door, or drop traffic.front_door."
        )
    beside = _layer4_beside_http(workload)
    if beside is not None:
        found.append(beside)
    if door in GATEWAY_TIMEOUT_S and CLIENT_PROTOCOLS & set(workload.protocols):
        limit, how = GATEWAY_TIMEOUT_S[door]
        longest = workload.max_duration_s
        if longest > limit * GATEWAY_NEAR:
            found.append(
                f"Requests take up to {show(longest)} s, near or past the {show(limit)} s integration timeout of the "
                f"API Gateway named as the front door (traffic.front_door {door}), {how}: it ends such a request on "
                "every target behind it, containers (through a VPC link) as well as Lambda. Shorten the requests, "
                "make them asynchronous (request and poll), or name another front door."
            )
    if door in GATEWAY_PAYLOAD_MB and CLIENT_PROTOCOLS & set(workload.protocols):
        limit, how = GATEWAY_PAYLOAD_MB[door]
        if traffic.payload_mb > limit * GATEWAY_NEAR:
            found.append(
                f"Bodies reach {show(traffic.payload_mb)} MB, near or past the {show(limit)} MB an API Gateway "
                f"{'HTTP' if door == 'http-api' else 'REST'} API carries (traffic.front_door {door}), {how}: it "
                "refuses such a body on every target behind it, containers (through a VPC link) as well as Lambda. "
                "Move large bodies through S3 (presigned URLs), or name another front door."
            )
    found += min_copies_checks(workload, protocols)
    network = workload.network
    # A function in a VPC reaches the internet only through a NAT gateway
    # (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html); with no front door to return
    # its answers through, the data out is sent by the function itself.
    sent = network.egress_gb_per_month > 0 and front_door(workload, serverless=True) is None
    if network.vpc and network.nat_gateways == 0 and sent:
        found.append(
            f"network.egress_gb_per_month ({show(network.egress_gb_per_month)} GB) goes out to the internet, "
            "network.vpc is true and network.nat_gateways is 0: a Lambda function in a VPC reaches the internet "
            "only through a NAT gateway (its network interfaces get no public IP), so AWS Lambda cannot send it "
            "as described, and its bill has no NAT gateway. Give network.nat_gateways (one per Availability "
            "Zone) to price them; containers in a public subnet with public IPs need none."
        )
    unused = [
        path
        for path, value in (
            ("traffic.connections", traffic.connections),
            ("runtime.connections_per_copy", workload.runtime.connections_per_copy),
        )
        if path not in assumed and value is not None
    ]
    if unused and not websocket:
        found.append(
            f"{' and '.join(unused)} {'are' if len(unused) > 1 else 'is'} used only for WebSocket connections, and "
            f"traffic.protocols ({show(list(workload.protocols))}) has no websocket: "
            f"{'they are' if len(unused) > 1 else 'it is'} ignored."
        )
    if team.current_platform == "eks" and team.kubernetes_experience == "none":  # given: else assumed some
        found.append(
            "team.current_platform is eks, but team.kubernetes_experience is none: a team that runs EKS today has "
            "run Kubernetes, and the answer scores both; check team.kubernetes_experience."
        )
    if team.new_cluster and "team.new_cluster" not in assumed and team.current_platform not in ("ecs", "eks"):
        found.append(
            f"team.new_cluster is true, but team.current_platform is {team.current_platform}: with no ECS or EKS "
            "platform today every cluster is priced as new, so it changes nothing."
        )
    # The default plan (compute) written out asks for nothing the default does not: only another plan is a contradiction
    if (
        "preferences.savings_plan" not in assumed
        and preferences.commitment == "none"
        and preferences.savings_plan != (Preferences.model_fields["savings_plan"].default)
    ):
        found.append(
            f"preferences.savings_plan {preferences.savings_plan} applies only with a commitment, and "
            "preferences.commitment is none: it is ignored (give commitment 1yr or 3yr to price the plan)."
        )
    return tuple(found)


def _lambda_warm(ranked: Ranked) -> bool:
    """Whether Lambda's bill chose a mode other than on demand (Lambda Managed Instances), whose environments start
    before they take requests: no request waits a cold start there."""
    choice = ranked.priced.choices.get("lambda") if ranked.priced is not None else None
    return choice is not None and choice.chosen.id != "on-demand"


def cold_requests_at_gateway(ranked: Ranked) -> tuple[str, ...]:
    """An API Gateway named as the front door, whose integration timeout a request within it passes when it lands on
    a new Lambda environment and waits its start too: said while Lambda on demand is eligible (Lambda Managed
    Instances start environments before they take work). With no door named, decider prices a function URL once a
    cold request nears the HTTP API's timeout (sizing.front_door), so there is nothing to warn of."""
    workload = ranked.workload
    door = workload.traffic.front_door
    if door not in GATEWAY_TIMEOUT_S or not CLIENT_PROTOCOLS & set(workload.protocols) or "lambda" not in ranked.order:
        return ()
    if _lambda_warm(ranked):
        return ()
    limit, how = GATEWAY_TIMEOUT_S[door]
    longest, start = workload.max_duration_s, workload.runtime.startup_s
    if longest > limit * GATEWAY_NEAR or longest + start <= limit * GATEWAY_NEAR:
        return ()  # said for every target already (contradictions), or within the timeout
    return (
        f"A request that lands on a new AWS Lambda environment waits its {show(start)} s start and up to "
        f"{show(longest)} s of work, {show(longest + start)} s, near or past the {show(limit)} s integration timeout "
        f"of the API Gateway named as the front door (traffic.front_door {door}), {how}: Lambda's cold requests end "
        "there, while a container copy starts before it takes traffic. Lambda would need provisioned concurrency or "
        "SnapStart (neither is in its bill), or a faster start.",
    )


def gateway_throttle(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """A peak near or past API Gateway's account throttle quota, while an eligible target is priced behind an API
    Gateway API (Lambda behind the HTTP API decider chose, or any target behind the API named as the front door):
    requests past the quota are refused with 429 until it is raised, whatever runs behind it."""
    workload = ranked.workload
    region = workload.preferences.region
    quota = GATEWAY_THROTTLE_LOW_RPS if region in GATEWAY_THROTTLE_LOW_REGIONS else GATEWAY_THROTTLE_RPS
    peak = max(workload.peak_rps, workload.requests_per_month / SECONDS_PER_MONTH)
    if peak <= quota * GATEWAY_THROTTLE_NEAR:
        return ()
    warm = _lambda_warm(ranked)  # Lambda Managed Instances: a door chosen on the work alone
    billed = ranked.totals  # a target with no bill is priced behind no door
    behind = [
        (target.name, door)
        for target in ruleset.targets
        if target.id in ranked.order
        and (not billed or target.id in billed)
        and (door := front_door(workload, serverless=target.id == "lambda", cold=not warm)) in GATEWAY_DOORS
    ]
    if not behind:
        return ()
    doors = sorted({door for _, door in behind})
    names = ", ".join(name for name, _ in behind)
    where = " and ".join(GATEWAY_DOORS[door] for door in doors)
    past = "past" if peak > quota else "within a fifth of"
    return (
        f"A peak of {show(peak)} requests a second is {past} API Gateway's default throttle quota of {show(quota)} "
        f"requests a second in {region}, shared by every HTTP, REST and WebSocket API of the account: {names} "
        f"{'is' if len(behind) == 1 else 'are'} priced behind {where}, which answers 429 to requests over it. Raise "
        "the quota (Service Quotas, on request) before the peak comes, or name another front door "
        "(traffic.front_door alb, or function-url for Lambda).",
    )


def lambda_burst_throttle(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """AWS Lambda, recommended or the runner-up, whose bursts of clients hold more environments at once while their
    requests start cold (``derived.lambda_burst_concurrency``: each request a second past what the warm environments
    serve holds a new one through its start and the request) than the account's default concurrency quota, or need
    new ones faster than a function adds them (the requests ``burst_misses`` throttles): requests past them are
    throttled in every burst. The count at once is warned of, not scored: it grows by a whole start per request a
    second, too steeply for points; the throttled requests are scored as a share of the month
    (traffic.burst-beyond-lambda-scaling)."""
    facts, workload = ranked.facts, ranked.workload
    if "lambda" not in ranked.order[:2] or ruleset.cost_model is None:
        return ()
    at_once = facts.lambda_burst_concurrency
    if at_once <= facts.peak_concurrency + 1e-9:
        return ()
    quota = ruleset.cost_model.lambda_concurrency_quota
    # The requests the scaling rate throttles, as the p99 budget and traffic.burst-beyond-lambda-scaling count them
    # (decider/cold_budget.py burst_misses), from the share of the burst the warm environments hold
    warm, kept = _warm(ranked)
    runtime = workload.runtime
    throttled = burst_misses(workload.peak_rps, facts.avg_rps, workload.avg_duration_s, runtime.startup_s, 0.0, kept)[1]
    past, fixes = [], ["keep environments warm for the bursts (runtime.provisioned_concurrency)"]
    if at_once > quota:
        past.append(f"the account's default quota of {quota:,} concurrent executions")
        fixes.append("raise the account's concurrency quota")
    if throttled > 0.0:
        past.append(
            f"the new environments a function adds ({LAMBDA_SCALING_STEP:,} at once and {LAMBDA_SCALING_STEP:,} every "
            f"10 s, a rate AWS does not raise; about {show(round(throttled))} requests a burst past them)"
        )
    if not past:
        return ()
    start, held = show(workload.runtime.startup_s), math.ceil(warm - 1e-9)
    warm_said = "one warm environment serves" if held == 1 else f"{show(held)} warm ones serve"
    return (
        f"A burst to traffic.peak_rps {show(workload.peak_rps)} holds about {show(math.ceil(at_once - 1e-9))} of AWS "
        f"Lambda's environments at once while its requests start cold (each request a second past what the "
        f"{warm_said} holds a new one through its {start} s start and the request), past {' and '.join(past)}: "
        f"requests past them are throttled (429) in every burst. To avoid it, {' or '.join(fixes)}; or give "
        "traffic.peak_rps as the bursts reach it.",
    )


def _warm(ranked: Ranked) -> tuple[float, float]:
    """AWS Lambda's environments warm when a burst lands (the average load's, or those kept with provisioned
    concurrency when more), and the share of the burst over the average they hold."""
    facts = ranked.facts
    warm = max(facts.avg_concurrency, ranked.workload.runtime.provisioned_concurrency or 0)
    return warm, held_share(warm, facts.avg_concurrency, facts.peak_concurrency)


def alb_idle_timeout(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommended container target priced behind an Application Load Balancer (named, or chosen for HTTP and
    gRPC), with requests near or past its default idle timeout: a request that sends nothing back for 60 s is cut
    off with a 504, so the timeout is something to configure, said with the value to set."""
    workload, recommended = ranked.workload, ranked.recommendation
    if recommended is None or recommended == "lambda" or workload.traffic.pattern in JOB_PATTERNS:
        return ()
    if not CLIENT_PROTOCOLS & set(workload.protocols) or "websocket" in workload.protocols:
        return ()  # WebSocket connections idle past the timeout are closed too: pings keep them open
    if front_door(workload, serverless=False) != "application-load-balancer":
        return ()  # a long-running listener's requests and streams pass its load balancer as any server's do
    longest = workload.max_duration_s
    if longest <= ALB_IDLE_TIMEOUT_S * GATEWAY_NEAR:
        return ()
    setting = int(min(ALB_IDLE_TIMEOUT_MAX_S, math.ceil(longest / GATEWAY_NEAR)))
    past = "" if longest / GATEWAY_NEAR <= ALB_IDLE_TIMEOUT_MAX_S else " (its most: a request silent longer is cut off)"
    return (
        f"Requests take up to {show(longest)} s behind the Application Load Balancer priced for "
        f"{ruleset.target(recommended).name}: raise its idle timeout (idle_timeout.timeout_seconds, "
        f"{show(ALB_IDLE_TIMEOUT_S)} s by default) to {setting:,} s{past}, or a request that sends nothing back for "
        f"{show(ALB_IDLE_TIMEOUT_S)} s ends with a 504.",
    )
