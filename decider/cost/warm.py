"""Lambda's provisioned concurrency on its bill: the environments kept warm (``runtime.provisioned_concurrency``, given
or assumed for a bursting service's latency target, decider/defaults_said.py ``warm_environments``), billed per
GB-second configured, and the work they run, billed at the provisioned duration rate instead of the on-demand one.

Requests go to the provisioned environments first and spill to on-demand ones past them, so the work they run is the
month's work up to what they hold: at most the GB-seconds configured (all of it when the environments outnumber the
executions in flight). The rest is on-demand duration, its volume tiers and free tier counted after it
(decider/cost/line.py ``tier_lines``' ``taken``); the free tier does not cover provisioned concurrency. A book with no
provisioned duration price bills all the work at the on-demand rate (an upper bound). Compute Savings Plans cover
both (https://aws.amazon.com/lambda/pricing/)."""

from __future__ import annotations

from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.line import Line
from decider.cost.profile import warm_hours
from decider.decision import LambdaSizing
from decider.defaults_said import assumed_for_bursts
from decider.pricing.book import Discount, LambdaPrices
from decider.workload import Workload


def provisioned_lines(
    workload: Workload,
    sizing: Draft[LambdaSizing],
    prices: LambdaPrices,
    per_request_gbs: float,
    discount: Discount | None,
) -> tuple[list[Line], float]:
    """The lines of the environments kept warm and of the work they run, and the GB-seconds of work they take from
    the on-demand duration lines (0 when none are kept, or their work has no price of its own)."""
    warm = sizing.provisioned_concurrency
    if not warm or prices.provisioned_concurrency is None:
        return [], 0.0
    architecture, memory_mb = sizing.architecture, sizing.memory_mb
    factor = 1 - discount.fraction if discount else 1.0
    plan = f", Compute Savings Plan {workload.preferences.commitment}" if discount is not None else ""
    configured_gbs = warm_hours(workload, warm) * 3600.0 * memory_mb / 1024.0
    profile = workload.traffic.hourly_profile
    # kept by each hour's load: assumed for bursts, with a profile that is not flat (a flat one bills as none)
    hourly = profile is not None and len(set(profile)) > 1 and assumed_for_bursts(workload.runtime)[1] == warm
    kept = f"up to {warm:,}" if hourly else f"{warm:,}"
    each = "environment" if warm == 1 and not hourly else "environments"
    by_hour = ", each hour by its load" if hourly else ""
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
    lines.append(
        Line(
            f"Lambda duration on provisioned environments ({memory_mb} MB, {architecture}{plan})",
            rate.unit,
            rate.usd * factor,
            Ramp(per_request_gbs, 0.0, 0.0, configured_gbs),
        )
    )
    return lines, configured_gbs
