"""Lambda's provisioned concurrency on its bill: the environments kept warm (``runtime.provisioned_concurrency``, given
or assumed for a bursting service's latency target, decider/defaults_said.py ``warm_environments``), billed per
GB-second configured, and the work they run, billed at the provisioned duration rate instead of the on-demand one.

Requests go to the provisioned environments first and spill to on-demand ones past them, so the work they run is the
month's work up to what they hold: at most the GB-seconds configured (all of it when the environments outnumber the
executions in flight). The rest is on-demand duration, its volume tiers counted after it (decider/cost/line.py
``tier_lines``' ``taken``); the free tier does not apply to a function with provisioned concurrency. A book with no
provisioned duration price bills all the work at the on-demand rate (an upper bound). Compute Savings Plans cover
both (https://aws.amazon.com/lambda/pricing/).

Kept warm for cost (``cost_warm``): a provisioned environment costs less than on demand when it is busy more than its
price kept ÷ (on-demand duration rate − provisioned duration rate) of the time, 60% at us-east-1's prices. For steady
traffic that leaves the field to decider, the executions in flight are taken to follow a Poisson law around their
average (requests arriving at random), and the bill keeps warm every environment busy at least that share of the time:
the k-th is busy while k or more run at once. With an hourly profile (steady or diurnal traffic), each hour keeps its
own by its load, as scheduled scaling of provisioned concurrency does. The bill keeps them only when its total is lower
with them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.line import Line, tier_lines
from decider.cost.profile import HOURS_PER_MONTH, warm_hours
from decider.decision import LambdaSizing
from decider.defaults_said import assumed_for_bursts
from decider.pricing.book import Discount, LambdaPrices
from decider.traffic_profile import shares
from decider.workload import Workload


def provisioned_lines(
    workload: Workload,
    sizing: Draft[LambdaSizing],
    prices: LambdaPrices,
    per_request_gbs: float,
    discount: Discount | None,
    chosen: Kept | None = None,
) -> tuple[list[Line], float]:
    """The lines of the environments kept warm and of the work they run, and the GB-seconds of work they take from
    the on-demand duration lines (0 when none are kept, or their work has no price of its own). ``chosen``: kept warm
    for cost (``cost_warm``), their hours and the executions they run; else they run all the work up to what they
    hold."""
    warm = sizing.provisioned_concurrency
    if not warm or prices.provisioned_concurrency is None:
        return [], 0.0
    architecture, memory_mb = sizing.architecture, sizing.memory_mb
    factor = 1 - discount.fraction if discount else 1.0
    plan = f", Compute Savings Plan {workload.preferences.commitment}" if discount is not None else ""
    hours = chosen.hours if chosen is not None else warm_hours(workload, warm)
    configured_gbs = hours * 3600.0 * memory_mb / 1024.0
    profile = workload.traffic.hourly_profile
    # kept by each hour's load: assumed for bursts, or for cost, with a profile that is not flat (a flat one bills as
    # none)
    varies = profile is not None and len(set(profile)) > 1
    hourly = varies and (chosen is not None or assumed_for_bursts(workload.runtime)[1] == warm)
    kept = f"up to {warm:,}" if hourly else f"{warm:,}"
    each = "environment" if warm == 1 and not hourly else "environments"
    by_hour = ", each hour by its load" if hourly else ""
    if chosen is not None:
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
    run_gbs = configured_gbs if chosen is None else chosen.busy_hours * 3600.0 * memory_mb / 1024.0
    lines.append(
        Line(
            f"Lambda duration on provisioned environments ({memory_mb} MB, {architecture}{plan})",
            rate.unit,
            rate.usd * factor,
            Ramp(per_request_gbs, 0.0, 0.0, run_gbs),
        )
    )
    return lines, run_gbs


#: Executions in flight on average up to which the Poisson law is summed term by term; above, its normal approximation.
EXACT_UP_TO = 100.0


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
    """Environments kept warm for cost: the most at once (``count``), the environment-hours configured a month, and
    the execution-hours they run."""

    count: int
    hours: float
    busy_hours: float


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
        count, busy = busy_environments(in_flight, share)
        return Kept(count, count * HOURS_PER_MONTH, busy * HOURS_PER_MONTH) if count >= 1 else None
    span, counts, hours, busy_hours = HOURS_PER_MONTH / len(profile), [], 0.0, 0.0
    for own in shares(profile):  # each hour's executions in flight: the month's average × its share × the hours
        count, busy = busy_environments(in_flight * own * len(profile), share)
        counts.append(count)
        hours += count * span
        busy_hours += busy * span
    most = max(counts)
    return Kept(most, hours, busy_hours) if most >= 1 else None


def busy_environments(average: float, share: float) -> tuple[int, float]:
    """For executions in flight N following a Poisson law of mean ``average``: the most environments k such that the
    k-th is busy (N ≥ k) at least ``share`` of the time, and the executions they run on average (E[min(N, k)])."""
    if average <= EXACT_UP_TO:
        term = cdf = math.exp(-average)  # P(N = 0), P(N ≤ 0)
        count, busy = 0, 0.0
        while 1.0 - cdf >= share:  # P(N ≥ count + 1)
            count += 1
            busy += 1.0 - cdf
            term *= average / count
            cdf += term
        return count, busy
    # Normal approximation with a continuity correction: P(N ≥ k) ≈ 1 − Φ((k − ½ − mean) / σ)
    sigma, normal = math.sqrt(average), NormalDist()
    count = math.floor(average + 0.5 + sigma * normal.inv_cdf(1.0 - share))
    if count < 1:
        return 0, 0.0

    def integral(z: float) -> float:  # ∫ Φ(z) dz = z Φ(z) + φ(z)
        return z * normal.cdf(z) + normal.pdf(z)

    # Σ over k ≤ count of P(N ≥ k) ≈ ∫ from ½ to count + ½ of (1 − Φ((x − ½ − mean) / σ)) dx
    return count, count - sigma * (integral((count - average) / sigma) - integral(-average / sigma))


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
        warm, taken = provisioned_lines(workload, sized, prices, gb_seconds, discount, chosen)
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
