"""Bursts that hold more requests than the month has: the inputs disagree, and the capacity decider sizes for the
bursts is sized from them as given. Said as a warning (decider/engine.py adds it to the decision's warnings)."""

from __future__ import annotations

from decider.cold_budget import burst_requests, container_slow_s, counted_bursts, held_share
from decider.defaults_said import SCALE_OUT_S
from decider.numbers import show
from decider.ranking import Ranked
from decider.workload import ParsedWorkload


def bursts_past_month(ranked: Ranked, parsed: ParsedWorkload) -> tuple[str, ...]:
    """Bursts of clients whose requests, as decider's burst models count them, pass ``traffic.requests_per_month``
    over the month's bursts (``counted_bursts``). Each model that sizes or weighs something from the bursts counts a
    burst's requests at least as:

    - AWS Lambda's throttled share (traffic.burst-beyond-lambda-scaling), when it throttles: the peak rate while the
      environments warm when the burst lands (the average load's, or those kept) catch up (``burst_requests``);
    - the environments kept warm for the bursts (``runtime.provisioned_concurrency`` assumed): the same with none
      kept, as the default was worked out;
    - the copies kept up for the bursts (``runtime.min_copies`` assumed): the peak rate while service auto scaling
      adds copies, less the latency target (``container_slow_s``), as those copies were worked out.

    The largest of those in play, times the month's bursts, past the month's requests is warned of, with each input
    said as given or assumed and what was sized from it; nothing when no model is in play or the month holds them, or
    when decider assumed the bursts a day and Lambda throttles none (the assumption says then that the bursts would
    hold more than the month: "bursts this long, this often")."""
    facts, workload = ranked.facts, ranked.workload
    traffic, runtime = workload.traffic, workload.runtime
    if traffic.bursts_per_day is None or workload.peak_rps <= facts.avg_rps:
        return ()
    assumed = {path for path, _ in parsed.defaults}
    if "traffic.bursts_per_day" in assumed and facts.lambda_throttled_percent <= 0.0:
        return ()  # decider's own figure: its assumption says when the bursts would hold more than the month
    counted: list[tuple[float, str, str]] = []  # a burst's requests, while what, and what was sized from them
    if facts.lambda_throttled_percent > 0.0:
        warm = max(facts.avg_concurrency, runtime.provisioned_concurrency or 0)
        share = held_share(warm, facts.avg_concurrency, facts.peak_concurrency)
        each = burst_requests(workload.peak_rps, facts.avg_rps, workload.avg_duration_s, runtime.startup_s, share)
        counted.append((each, "while AWS Lambda's environments catch up", "the share of requests Lambda throttles"))
    environments = runtime.provisioned_concurrency
    if "runtime.provisioned_concurrency" in assumed and environments:
        share = held_share(facts.avg_concurrency, facts.avg_concurrency, facts.peak_concurrency)
        each = burst_requests(workload.peak_rps, facts.avg_rps, workload.avg_duration_s, runtime.startup_s, share)
        kept = f"the {show(environments)} Lambda environments kept warm for them (runtime.provisioned_concurrency)"
        counted.append((each, "while AWS Lambda's environments catch up", kept))
    copies, slo = runtime.min_copies, traffic.latency_slo_ms
    if "runtime.min_copies" in assumed and copies and slo is not None:
        scale_out = SCALE_OUT_S + runtime.startup_s
        waiting = container_slow_s(scale_out, slo)
        each = workload.peak_rps * waiting
        while_ = f"in the first {show(waiting)} s of the {show(scale_out)} s service auto scaling takes to add copies"
        counted.append((each, while_, f"the {show(copies)} container copies kept up for them (runtime.min_copies)"))
    if not counted:
        return ()
    each, while_, _ = max(counted, key=lambda item: item[0])
    month = counted_bursts(traffic.bursts_per_day) * each
    if month <= workload.requests_per_month:
        return ()
    sized = []
    for _, _, what in counted:
        if what not in sized:
            sized.append(what)

    def how(path: str) -> str:
        return "assumed" if path in assumed else "given"

    return (
        f"{show(traffic.bursts_per_day)} bursts a day (traffic.bursts_per_day, {how('traffic.bursts_per_day')}), "
        f"each to traffic.peak_rps {show(workload.peak_rps)}, send about {show(round(each))} requests a burst "
        f"{while_}, about {show(round(month))} a month: more than traffic.requests_per_month "
        f"({show(workload.requests_per_month)}, {how('traffic.requests_per_month')}). The inputs disagree, and "
        f"{_joined(sized)} {'is' if len(sized) == 1 else 'are'} worked out from the bursts as given. Give the bursts a "
        "day, the peak or the month's requests as they are.",
    )


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
