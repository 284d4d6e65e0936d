"""Bursts that hold more requests than the month has: the inputs disagree, and what decider works out for the bursts
is worked out from them as given. Said as a warning (decider/engine.py adds it to the decision's warnings)."""

from __future__ import annotations

from decider.cold_budget import burst_requests, counted_bursts, held_share
from decider.numbers import show
from decider.ranking import Ranked
from decider.workload import ParsedWorkload


def bursts_past_month(ranked: Ranked, parsed: ParsedWorkload) -> tuple[str, ...]:
    """Bursts of clients whose requests, as AWS Lambda's burst model counts them, pass ``traffic.requests_per_month``
    over the month's bursts (``counted_bursts``): the peak rate while the environments warm when a burst lands catch
    up with it (``burst_requests``), the least a burst must hold for what is worked out from it to hold. Counted for
    each thing worked out from the bursts:

    - the share of requests Lambda throttles (traffic.burst-beyond-lambda-scaling), when it throttles, with the
      environments warm then (the average load's, or those kept);
    - the environments kept warm for the bursts (``runtime.provisioned_concurrency`` assumed), with none kept, as
      the default was worked out (those it keeps leave Lambda throttling none, which once silenced this warning).

    The larger, times the month's bursts, past the month's requests is warned of: the inputs disagree. Each input is
    said as given or assumed, with what was worked out from it. The containers' copies kept for bursts take each burst
    to last as long as scaling out, an upper bound of its slow requests, not a least: their assumption says when that
    passes the month ("bursts this long, this often")."""
    facts, workload = ranked.facts, ranked.workload
    traffic, runtime = workload.traffic, workload.runtime
    if traffic.bursts_per_day is None or workload.peak_rps <= facts.avg_rps:
        return ()
    assumed = {path for path, _ in parsed.defaults}
    counted: list[tuple[float, str]] = []  # a burst's requests, and what was worked out from them
    if facts.lambda_throttled_percent > 0.0:
        warm = max(facts.avg_concurrency, runtime.provisioned_concurrency or 0)
        share = held_share(warm, facts.avg_concurrency, facts.peak_concurrency)
        each = burst_requests(workload.peak_rps, facts.avg_rps, workload.avg_duration_s, runtime.startup_s, share)
        counted.append((each, "the share of requests Lambda throttles"))
    environments = runtime.provisioned_concurrency
    if "runtime.provisioned_concurrency" in assumed and environments:
        share = held_share(facts.avg_concurrency, facts.avg_concurrency, facts.peak_concurrency)
        each = burst_requests(workload.peak_rps, facts.avg_rps, workload.avg_duration_s, runtime.startup_s, share)
        counted.append((each, f"the {show(environments)} environments kept warm (runtime.provisioned_concurrency)"))
    if not counted:
        return ()
    each = max(requests for requests, _ in counted)
    month = counted_bursts(traffic.bursts_per_day) * each
    if month <= workload.requests_per_month:
        return ()
    sized = [what for _, what in counted]

    def how(path: str) -> str:
        return "assumed" if path in assumed else "given"

    return (
        f"{show(traffic.bursts_per_day)} bursts a day (traffic.bursts_per_day, {how('traffic.bursts_per_day')}), "
        f"each to traffic.peak_rps {show(workload.peak_rps)}, send about {show(round(each))} requests a burst while "
        f"AWS Lambda's environments catch up, about {show(round(month))} a month: more than "
        f"traffic.requests_per_month ({show(workload.requests_per_month)}, {how('traffic.requests_per_month')}). The "
        f"inputs disagree, and {' and '.join(sized)} {'is' if len(sized) == 1 else 'are'} worked out from the bursts "
        "as given. Give the bursts a day, the peak or the month's requests as they are.",
    )
