"""What a peak decider assumed leaves out: the copies and environments the same peak, given, would keep up for bursts.

A peak assumed from the pattern keeps nothing up for bursts, where the same peak given does (docs/workload.md): a
peak decider guessed is no ground for paying for capacity kept warm all month. An answer that rests on that must say
so, with what the peak given would keep (property audit 25, F5).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from decider.defaults_said import BurstRuntime, BurstTraffic, burst_copies, warm_environments
from decider.numbers import number

#: How the assumption ``unnamed_peak`` says begins: the counterfactual search (decider/advice.py) tries the assumed
#: peak, given as it is, where it was said.
UNNAMED_PEAK = "traffic.peak_rps was assumed"


def unnamed_peak(
    traffic: BurstTraffic,
    runtime: BurstRuntime,
    protocols: Collection[str],
    average_rps: float,
    avg_duration_ms: float,
    bursts_per_day: float | None,
    peak_rps: float,
) -> tuple[str, ...]:
    """The assumption to say when ``traffic.peak_rps`` was assumed (``peak_rps``, resolved) and, given, would keep
    container copies or Lambda environments up for bursts that neither ``runtime.min_copies`` nor
    ``runtime.provisioned_concurrency`` given already settles; none otherwise."""
    if traffic.peak_rps is not None:
        return ()
    # The traffic section is a model (decider/workload.py Traffic): the same section with the peak written in
    named = cast(Any, traffic).model_copy(update={"peak_rps": peak_rps})
    kept: list[str] = []
    if runtime.min_copies is None:
        copies = burst_copies(named, runtime, protocols, average_rps, avg_duration_ms, bursts_per_day)
        if copies is not None:
            kept.append(f"{copies[0]:,} container copies up (runtime.min_copies)")
    if runtime.provisioned_concurrency is None:
        warm = warm_environments(named, runtime, protocols, average_rps, avg_duration_ms, bursts_per_day)
        if warm is not None:
            kept.append(f"{warm[0]:,} Lambda environments warm (runtime.provisioned_concurrency)")
    if not kept:
        return ()
    return (
        f"{UNNAMED_PEAK} ({number(peak_rps)} a second), so nothing is kept up for bursts: given, the "
        f"same peak would keep {' and '.join(kept)} all month for its bursts to meet the latency target; give "
        "traffic.peak_rps when the peak is known",
    )
