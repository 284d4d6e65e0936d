"""Lambda's provisioned concurrency on its bill: the environments kept warm (``runtime.provisioned_concurrency``, given
or assumed for a bursting service's latency target, decider/defaults_said.py ``warm_environments``), billed per
GB-second configured, and the work they run, billed at the provisioned duration rate instead of the on-demand one.

A request goes to a provisioned environment when one is free, and otherwise to an on-demand one, where it runs to its
end: the provisioned environments are a loss system, whose overflow runs on demand. With requests arriving at random
(a Poisson stream) and the executions in flight a of the workload, k environments carry a × (1 − B(k, a)) of them,
Erlang's B the share that finds all k busy (any work time: the formula holds for any service-time law); the rest of
the work, and its volume tiers, is on demand (decider/cost/line.py ``tier_lines``' ``taken``). With an hourly profile,
each hour by its own load and its own environments. Bursts above the average load spill more than random arrivals do:
the bill is a lower bound there, as the container bills are, which keep the copies for the burst without adding the
copies the burst itself launches. The free tier does not apply to a function with provisioned concurrency. A book with
no provisioned duration price bills all the work at the on-demand rate (an upper bound). Compute Savings Plans cover
both (https://aws.amazon.com/lambda/pricing/).

Kept warm for cost (``cost_warm``): a provisioned environment costs less than on demand when the work it adds carries
it more than its price kept ÷ (on-demand duration rate − provisioned duration rate) of the time, 60% at us-east-1's
prices. For steady traffic that leaves the field to decider (or, with an hourly profile, steady or diurnal traffic,
each hour by its load, as scheduled scaling of provisioned concurrency does), the bill keeps every environment whose
own share of the work, a × (B(k − 1, a) − B(k, a)), is at least that share; and keeps them only when its total is
lower with them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.line import Line, tier_lines
from decider.cost.profile import HOURS_PER_MONTH, warm_hours
from decider.decision import LambdaSizing
from decider.defaults_said import MOST_COPIES, assumed_for_bursts
from decider.pricing.book import Discount, LambdaPrices
from decider.traffic_profile import shares
from decider.workload import Workload


def provisioned_lines(
    workload: Workload,
    sizing: Draft[LambdaSizing],
    prices: LambdaPrices,
    per_request_gbs: float,
    discount: Discount | None,
    in_flight: float,
    chosen: Kept | None = None,
) -> tuple[list[Line], float]:
    """The lines of the environments kept warm and of the work they run, and the GB-seconds of work they take from
    the on-demand duration lines (0 when none are kept, or their work has no price of its own): for ``in_flight``
    executions at once on average over the month, as given or assumed, or as ``chosen`` for cost (``cost_warm``)."""
    warm = sizing.provisioned_concurrency
    if not warm or prices.provisioned_concurrency is None:
        return [], 0.0
    architecture, memory_mb = sizing.architecture, sizing.memory_mb
    factor = 1 - discount.fraction if discount else 1.0
    plan = f", Compute Savings Plan {workload.preferences.commitment}" if discount is not None else ""
    if chosen is None:
        chosen = None if prices.provisioned_duration is None else kept_as_sized(workload, warm, in_flight)
        hours = warm_hours(workload, warm)
    else:
        hours = chosen.hours
    configured_gbs = hours * 3600.0 * memory_mb / 1024.0
    profile = workload.traffic.hourly_profile
    # kept by each hour's load: assumed for bursts, or for cost, with a profile that is not flat (a flat one bills as
    # none)
    varies = profile is not None and len(set(profile)) > 1
    hourly = varies and ((chosen is not None and chosen.for_cost) or assumed_for_bursts(workload.runtime)[1] == warm)
    kept = f"up to {warm:,}" if hourly else f"{warm:,}"
    each = "environment" if warm == 1 and not hourly else "environments"
    by_hour = ", each hour by its load" if hourly else ""
    if chosen is not None and chosen.for_cost:
        share = crossover(prices, architecture) or 0.0
        load = "its load" if hourly else "this steady load"
        by_hour += f", each busy {share:.0%} of the time or more: cheaper than on demand at {load}"
    configured = prices.provisioned_concurrency[architecture]
    lines = [
        Line(
            f"Lambda provisioned concurrency ({kept} {each} of {memory_mb} MB kept warm{by_hour}{plan})",
            configured.unit,
            configured.usd * factor,
            Ramp.fixed(configured_gbs),
        )
    ]
    if prices.provisioned_duration is None:
        return lines, 0.0
    rate = prices.provisioned_duration[architecture]
    run_gbs = chosen.busy_hours * 3600.0 * memory_mb / 1024.0 if chosen is not None else configured_gbs
    lines.append(
        Line(
            f"Lambda duration on provisioned environments ({memory_mb} MB, {architecture}{plan})",
            rate.unit,
            rate.usd * factor,
            Ramp(per_request_gbs, 0.0, 0.0, run_gbs),
        )
    )
    return lines, run_gbs


def crossover(prices: LambdaPrices, architecture: str) -> float | None:
    """The share of the time past which a provisioned environment costs less than on demand: its price kept ÷ the
    duration it saves per GB-second (the first on-demand tier less the provisioned rate); None without those prices."""
    kept, run = prices.provisioned_concurrency, prices.provisioned_duration
    if kept is None or run is None:
        return None
    saved = prices.duration[architecture].tiers[0].usd - run[architecture].usd  # type: ignore[index]
    return kept[architecture].usd / saved if saved > 0 else None  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class Kept:
    """Environments kept warm: the most at once (``count``), the environment-hours configured a month, the
    execution-hours they run, and whether they are kept for cost (``cost_warm``) or as sized."""

    count: int
    hours: float
    busy_hours: float
    for_cost: bool = True


def cost_warm(workload: Workload, prices: LambdaPrices, architecture: str, in_flight: float) -> Kept | None:
    """Environments to keep warm because they cost less than on demand, for steady traffic, or steady or diurnal
    traffic with an hourly profile (each hour by its load, as scheduled scaling keeps them), whose
    ``runtime.provisioned_concurrency`` nothing gave or assumed; ``in_flight`` executions at once on average over the
    month. None for none."""
    traffic, profile = workload.traffic, workload.traffic.hourly_profile
    varies = profile is not None and len(set(profile)) > 1
    if workload.runtime.provisioned_concurrency is not None:
        return None
    if traffic.pattern != "steady" and not (varies and traffic.pattern == "diurnal"):
        return None
    share = crossover(prices, architecture)
    if share is None or not 0 < share < 1 or in_flight <= 0:
        return None
    if profile is None or not varies:
        count, busy = _at_most(*busy_environments(in_flight, share), in_flight)
        return Kept(count, count * HOURS_PER_MONTH, busy * HOURS_PER_MONTH) if count >= 1 else None
    span, counts, hours, busy_hours = HOURS_PER_MONTH / len(profile), [], 0.0, 0.0
    for own in shares(profile):  # each hour's executions in flight: the month's average × its share × the hours
        load = in_flight * own * len(profile)
        count, busy = _at_most(*busy_environments(load, share), load)
        counts.append(count)
        hours += count * span
        busy_hours += busy * span
    most = max(counts)
    return Kept(most, hours, busy_hours) if most >= 1 else None


def _at_most(count: int, busy: float, in_flight: float) -> tuple[int, float]:
    """The environments kept for cost, no more than ``runtime.provisioned_concurrency`` takes (``MOST_COPIES``), so
    the count the answer says can be given back; the work they then carry."""
    return (count, busy) if count <= MOST_COPIES else (MOST_COPIES, carried(MOST_COPIES, in_flight))


def kept_as_sized(workload: Workload, environments: int, in_flight: float) -> Kept:
    """The work ``environments`` given or assumed for bursts run, for ``in_flight`` executions at once on average over
    the month: all month; or, assumed for bursts with an hourly profile, each hour its share of them by its load
    (decider/cost/profile.py ``warm_hours``), each hour's own load."""
    profile = workload.traffic.hourly_profile
    if profile is None or len(set(profile)) <= 1:
        return Kept(
            environments, environments * HOURS_PER_MONTH, carried(environments, in_flight) * HOURS_PER_MONTH, False
        )
    by_load = assumed_for_bursts(workload.runtime)[1] == environments
    share, span = shares(profile), HOURS_PER_MONTH / len(profile)
    top, busy = max(share), 0.0
    for own in share:
        kept = math.ceil(environments * own / top - 1e-9) if by_load else environments
        busy += carried(kept, in_flight * own * len(profile)) * span
    return Kept(environments, warm_hours(workload, environments), busy, False)


#: Standard deviations of the load below which Erlang's recursion starts from 1 − k ÷ load (every environment busy,
#: the rest spilling), when it does not start from none: each step shrinks the start's error by k ÷ load, so it is
#: gone (e^−50) by the load.
SEED_SIGMAS = 10.0


def _start(servers: int, load: float) -> tuple[int, float]:
    """Where Erlang's recursion starts for ``servers`` under ``load``: none (B = 1), or far below the load."""
    start = max(0, math.floor(min(servers, load) - SEED_SIGMAS * math.sqrt(load)))
    return (start, 1.0 - start / load) if start else (0, 1.0)


def erlang_b(servers: int, load: float) -> float:
    """The share of arrivals (a Poisson stream) that find all ``servers`` busy, under an offered ``load`` (the
    executions in flight on average were every arrival served): Erlang's B, by its recursion
    B(k) = load × B(k − 1) ÷ (k + load × B(k − 1))."""
    if servers <= 0:
        return 1.0
    if load <= 0 or servers > load + 12.0 * math.sqrt(load) + 12.0:  # past twelve standard deviations: none spills
        return 0.0
    start, blocked = _start(servers, load)
    for k in range(start + 1, servers + 1):
        blocked = load * blocked / (k + load * blocked)
    return blocked


def carried(servers: int, load: float) -> float:
    """The executions ``servers`` environments run on average under an offered ``load``: load × (1 − B)."""
    return load * (1.0 - erlang_b(servers, load)) if servers > 0 and load > 0 else 0.0


def busy_environments(average: float, share: float) -> tuple[int, float]:
    """For ``average`` executions in flight (a Poisson stream of requests): the most environments k such that the k-th
    adds at least ``share`` of its time of work, average × (B(k − 1) − B(k)), and the executions they run on average
    (average × (1 − B(k))). Far below the load each adds nearly all of its time, past any share below 1."""
    if average <= 0:
        return 0, 0.0
    count, blocked = _start(math.ceil(average), average)
    # the start's error gone by six standard deviations below the load (e^−32), where each still adds all but a
    # hair of its time: gains are weighed from there
    settled = math.floor(average - 6.0 * math.sqrt(average))
    while count < settled:
        count += 1
        blocked = average * blocked / (count + average * blocked)
    while True:
        after = average * blocked / (count + 1 + average * blocked)
        if average * (blocked - after) < share:
            return count, average * (1.0 - blocked)
        count, blocked = count + 1, after


def lambda_work(
    workload: Workload,
    sizing: Draft[LambdaSizing],
    prices: LambdaPrices,
    billed_s: float,
    discount: Discount | None,
    in_flight: float,
) -> tuple[Draft[LambdaSizing], list[Line], list[Line]]:
    """Lambda on demand's sizing, its requests and duration lines, and the lines of its environments kept warm and
    their work: as sized (given or assumed for bursts), or with those ``cost_warm`` keeps (steady traffic, or an hourly
    profile's hours) when the month's total is lower with them. The free tier covers a function with no provisioned
    concurrency only ("the Lambda free tier does not apply to functions that have Provisioned Concurrency enabled",
    https://aws.amazon.com/lambda/pricing/)."""
    gb_seconds = billed_s * sizing.memory_mb / 1024.0
    factor = 1 - discount.fraction if discount else 1.0
    plan = f", Compute Savings Plan {workload.preferences.commitment}" if discount is not None else ""

    def lines(sized: Draft[LambdaSizing], chosen: Kept | None = None) -> tuple[list[Line], list[Line]]:
        asked = workload.preferences.free_tier
        free = asked and not sized.provisioned_concurrency
        free_requests = prices.free_tier_requests.quantity if free else 0.0
        free_gbs = prices.free_tier_gb_seconds.quantity if free else 0.0
        none = " (no free tier with provisioned concurrency)" if asked and not free else ""
        requests_item = "Lambda requests" + (f" after {free_requests / 1e6:g}M free" if free else none)
        duration_item = f"Lambda duration ({sized.memory_mb} MB, {sized.architecture})"
        duration_item += f" after {free_gbs:,.0f} GB-s free" if free else ""
        warm, taken = provisioned_lines(workload, sized, prices, gb_seconds, discount, in_flight, chosen)
        duration = prices.duration[sized.architecture]
        first = [
            Line(requests_item, prices.request.unit, prices.request.usd, Ramp(1e-6, -free_requests / 1e6), free=free),
            *tier_lines(duration_item + plan, duration, gb_seconds, free_gbs, factor, taken),
        ]
        return first, warm

    first, warm = lines(sizing)
    cheaper = cost_warm(workload, prices, sizing.architecture, in_flight)
    if cheaper is not None:  # steady traffic: environments kept warm where they cost less than on demand
        warmed = Draft(LambdaSizing, **{**sizing.fields, "provisioned_concurrency": cheaper.count})
        kept = lines(warmed, cheaper)
        requests = workload.requests_per_month
        now = math.fsum(line.usd(requests) for part in (first, warm) for line in part)
        if math.fsum(line.usd(requests) for part in kept for line in part) < now - 0.005:
            return warmed, *kept
    return sizing, first, warm
