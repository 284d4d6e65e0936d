"""How much of Lambda's cold starts its environments kept warm hold, and how much its p99 latency target cannot absorb:
the two facts the cold-start rules are graded by (``derived.lambda_warm_share``, ``derived.lambda_cold_past_p99``,
decider/facts.py).

Both are shares, which the rules weigh whatever the size of what they are shares of, so each is kept continuous where
the model of the load changes: at a peak that reaches the average rate (a burst appears) the share held fades from the
flat load's to the burst's (``BURST_FADE``), and a burst's share to keep warm never drops below the steady load's idle
cold starts (property audit 22, F1 and F2: a peak 3% past the average moved Lambda by up to 11 points, with no bill
moving).
"""

from __future__ import annotations

from decider.cold_budget import STEADY_PATTERNS, lambda_budget_share, steady_need
from decider.defaults_said import assumed_for_bursts, bursting
from decider.workload import SECONDS_PER_MONTH, Runtime, Workload

#: The peak past the average rate, as a share of it, over which the share of the load that given environments hold
#: fades from the flat load's (their share of the average's executions) to the burst's (their share of the executions
#: past the average): a peak a little past the average is hardly a burst. decider's judgement, as the capacity modes'
#: fading band (decider/cost/modes.py).
BURST_FADE = 0.25


def warm_share(runtime: Runtime, average: float, peak: float) -> float:
    """The share of a burst over the average load that Lambda's environments kept warm hold: given, the environments
    past those the average keeps busy over the burst's executions (a load with no burst: the share of the average they
    hold; a peak within ``BURST_FADE`` of the average, in between); assumed for a bursting service's latency target
    (decider/defaults_said.py ``warm_environments``), the share before the count is rounded up to whole environments,
    or what the count holds when it is capped. The rest of the burst starts cold."""
    environments = runtime.provisioned_concurrency
    if not environments:
        return 0.0
    flat = min(1.0, environments / average) if average > 0 else 1.0
    if peak <= average:
        held = flat
    else:
        burst = min(1.0, max(0.0, (environments - average) / (peak - average)))
        fade = max(0.0, 1.0 - (peak / average - 1.0) / BURST_FADE) if average > 0 else 0.0
        held = burst + (flat - burst) * fade  # flat ≥ burst: a count holds at least as much of the average
    _, assumed, share = assumed_for_bursts(runtime)
    # assumed: the share before rounding up, never more than the count holds (capped at the most the field takes)
    return min(share, held) if assumed == environments and share is not None else held


def cold_past_p99(workload: Workload, average: float, peak: float, held: float) -> float:
    """The share of Lambda's cold starts that its p99 latency target cannot absorb and no environment kept warm
    holds (``held``, ``warm_share``), 0 to 1. For a bursting service with a target and ``traffic.bursts_per_day``
    (given, or assumed where the cold request nears the target), the share of the burst that must be kept warm: the
    one whose cold requests past the target and requests throttled while the function scales pass the 1% a p99 lets
    be slower (decider/cold_budget.py ``lambda_budget_share``), which is the share the default keeps warm; and never
    less than the share of the requests that find every environment reclaimed after idling (``steady_need``), which a
    function called rarely meets between its bursts as a steady one does. For steady or diurnal traffic, or a peak at
    or below the average rate (no burst), that idle share alone. Otherwise every cold start of the burst."""
    runtime, traffic = workload.runtime, workload.traffic
    slo, bursts, need = traffic.latency_slo_ms, traffic.bursts_per_day, 1.0
    if slo is not None and bursting(traffic, workload.protocols) and peak > average and bursts is not None:
        average_rps = workload.requests_per_month / SECONDS_PER_MONTH
        peak_rps = max(workload.peak_rps, average_rps)
        need = max(
            lambda_budget_share(
                bursts,
                workload.requests_per_month,
                peak_rps,
                average_rps,
                workload.avg_duration_s,
                runtime.startup_s,
                slo,
            ),
            steady_need(workload.requests_per_month, traffic.hourly_profile),
        )
    elif slo is not None and (
        traffic.pattern in STEADY_PATTERNS or (bursting(traffic, workload.protocols) and peak <= average)
    ):
        need = steady_need(workload.requests_per_month, traffic.hourly_profile)
    return max(0.0, need - held)
