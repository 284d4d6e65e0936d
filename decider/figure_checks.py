"""Figures given that cannot all be right: an average unit of work longer than the longest, a peak rate below the
average, a latency target shorter than a typical request. Each is said as a warning (decider/engine.py)."""

from __future__ import annotations

from decider.numbers import apart, show
from decider.ranking import Ranked
from decider.workload import SECONDS_PER_MONTH, ParsedWorkload


def durations(parsed: ParsedWorkload) -> tuple[str, ...]:
    """An average unit of work given as longer than the longest one given: one of the two figures is wrong."""
    runtime = parsed.given.runtime if parsed.given is not None else None
    if runtime is None or runtime.avg_duration_ms is None or runtime.max_duration_s is None:
        return ()
    if runtime.avg_duration_ms <= runtime.max_duration_s * 1000.0 * (1 + 1e-9):  # 4.02 s × 1000 is 4019.99…: equal
        return ()
    return (
        f"runtime.avg_duration_ms ({show(runtime.avg_duration_ms)} ms) is longer than runtime.max_duration_s "
        f"({show(runtime.max_duration_s)} s): an average unit of work cannot outlast the longest one, and the bills "
        "are sized on the average; check them.",
    )


def slo_below_work(ranked: Ranked) -> tuple[str, ...]:
    """A latency target shorter than a typical request: no target meets it, warm or cold (the cold-start rule keeps
    its full weight: a cold start misses it by more)."""
    workload = ranked.workload
    slo = workload.traffic.latency_slo_ms
    if slo is None or ranked.facts.work_slo_ratio < 1:
        return ()
    shown_slo, shown_average = apart(slo, workload.avg_duration_s * 1000.0)
    return (
        f"traffic.latency_slo_ms ({shown_slo} ms) is shorter than a typical request (runtime.avg_duration_ms, "
        f"{shown_average} ms): no target can meet it, and a cold start misses it "
        "by more, so it counts against AWS Lambda as fully as a target just above a typical request; check both "
        "figures.",
    )


def peak_below_average(parsed: ParsedWorkload) -> tuple[str, ...]:
    """A peak rate given as lower than the average rate the monthly volume gives: one of the two figures is wrong."""
    traffic = parsed.given.traffic if parsed.given is not None else None
    if traffic is None or traffic.peak_rps is None or traffic.requests_per_month is None:
        return ()
    average = traffic.requests_per_month / SECONDS_PER_MONTH
    if traffic.peak_rps > max(traffic.requests_per_month, 1.0) * 1.000001:
        # One second at the peak holds more than the whole month: the copies are sized for a peak the month's volume
        # cannot carry, and the bills for a volume that could not have reached it.
        return (
            f"traffic.peak_rps ({show(traffic.peak_rps)} a second) is more than traffic.requests_per_month "
            f"({show(traffic.requests_per_month)}): one second at that peak would be more than the month's volume; "
            "check both figures (the peak is a rate a second, the volume a count a month).",
        )
    if traffic.peak_rps >= average * (1 - 1e-9):
        return ()
    shown_peak, shown_average = apart(traffic.peak_rps, average)
    return (
        f"traffic.peak_rps ({shown_peak} a second) is below the average rate traffic.requests_per_month "
        f"gives ({shown_average} a second over a 730-hour month): a peak cannot be lower than the average, "
        "and the copies are sized on the average; check both figures.",
    )
