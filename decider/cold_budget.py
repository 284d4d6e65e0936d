"""The slow requests a p99 latency target absorbs: Lambda's cold starts and the containers' scale-outs, burst by burst.

``traffic.latency_slo_ms`` is a p99: one request in a hundred may be slower (``P99_SLOW_SHARE``), taken over the
month. A burst lifts the request rate from the average to ``traffic.peak_rps``; the requests past the average rate
find no capacity ready for as long as new capacity takes to serve them (``slow_per_burst``):

- on AWS Lambda, each goes to a new execution environment, which is busy through its Init phase and the request
  ("An execution environment ... is busy and cannot process other requests" while it initialises,
  https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html), so the requests past the average rate for a
  start and a request's work each start cold, and each misses the target when the cold request is past it
  (``lambda_slow_s``); and a function adds at most 1,000 environments at once and 1,000 every 10 s, so the requests
  past those are throttled (429) and miss it too (``burst_misses``, ``lambda_budget_share``);
- on a container service, they wait while target tracking sees the load and launches copies, which then start
  (decider/defaults_said.py ``SCALE_OUT_S`` and the copy's start): those that wait longer than the target, arriving
  before the last target's worth of it, miss it (``container_slow_s``).

A month has ``traffic.bursts_per_day`` of them (when not given, one an hour with traffic, ``default_bursts``: decider's
judgement), but capacity left idle for less than about 15 minutes is still there for the next
(``IDLE_ENVIRONMENT_KEPT_S``, an estimate): bursts closer than that count once (``counted_bursts``). Capacity kept warm
for a share of the burst leaves the rest slow; the share that must be kept is the one past what the target absorbs
(``budget_share``): none when a month of bursts makes fewer slow requests than 1% of its requests.

Steady and diurnal traffic has no bursts: a request starts cold on Lambda when every environment has sat idle past
about 15 minutes (``steady_need``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from decider.numbers import number

#: A p99 latency target (``traffic.latency_slo_ms``, docs/workload.md) lets one request in a hundred be slower.
P99_SLOW_SHARE = 0.01
#: Bursts a day taken for a bursting service when ``traffic.bursts_per_day`` is not given: one an hour. decider's
#: judgement, said in the assumptions; the advice search tries a tenth and ten times it.
DEFAULT_BURSTS_PER_DAY = 24.0
DAYS_PER_MONTH = 730.0 / 24.0
#: How long Lambda is taken to keep an idle execution environment before a request or run needs a new one (a cold
#: start): an estimate, not an AWS figure (AWS says only that environments are kept "for some time" after an
#: invocation, https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). Container copies added
#: for a burst are taken to stay about as long (target tracking scales in after about 15 minutes of lower load).
IDLE_ENVIRONMENT_KEPT_S = 900.0
#: Traffic with no bursts: its cold starts come when an environment has sat idle past ``IDLE_ENVIRONMENT_KEPT_S``.
STEADY_PATTERNS = frozenset({"steady", "diurnal"})
#: Where ``traffic.cold-start-vs-slo`` starts to weigh Lambda's cold request against the target: at nine tenths of it
#: (the lower end of its ramp on ``derived.cold_start_slo_ratio``, rules/traffic.yaml; tests hold the two alike).
COLD_NEAR_TARGET = 0.9


#: Where a cold request, against the target, misses it every time: a tenth past it. Between ``COLD_NEAR_TARGET`` and
#: this a growing share misses (starts and requests' work vary about their averages; half at the target itself):
#: decider's judgement, so the environments kept for bursts grow from none as the cold request passes the target
#: instead of jumping to the whole budget at it.
COLD_PAST_TARGET = 1.1


def missed_share(cold_s: float, slo_ms: float) -> float:
    """The share of Lambda's cold requests (``cold_s``: a start and a request's work) that miss the target: none up to
    ``COLD_NEAR_TARGET`` of it, all from ``COLD_PAST_TARGET`` of it, in proportion between."""
    if slo_ms <= 0.0:
        return 1.0
    ratio = cold_s * 1000.0 / slo_ms
    return min(1.0, max(0.0, (ratio - COLD_NEAR_TARGET) / (COLD_PAST_TARGET - COLD_NEAR_TARGET)))


def lambda_slow_s(cold_s: float, slo_ms: float) -> float:
    """How long a burst's requests past the average rate go to new environments and miss the target, for
    ``slow_per_burst``: each waits the environment's start and runs (``cold_s``), so every one of them is slow when the
    cold request is past the target (``missed_share``)."""
    return cold_s * missed_share(cold_s, slo_ms)


def container_slow_s(scale_out_s: float, slo_ms: float) -> float:
    """How long a burst's requests past the average rate wait longer than the target for the containers to scale out,
    for ``slow_per_burst``: a request arriving while copies are launched waits until they serve it, so those arriving in
    the first ``scale_out_s`` − target seconds wait past it (none for a target as long as scaling out)."""
    return max(0.0, scale_out_s - slo_ms / 1000.0)


def burst_concurrency(peak_rps: float, avg_duration_s: float, startup_s: float, warm: float) -> float:
    """Lambda's executions at once while a burst's requests start cold: the environments already warm (``warm``: the
    average load's, or those kept with provisioned concurrency when more) and, for the requests a second past what
    they serve, one new environment each, busy through its start and the request ("An execution environment ... is
    busy and cannot process other requests" while it initialises, the Lambda concurrency page); never fewer than the
    peak's in flight once warm (peak rate × average duration). A burst from 20 to 2,000 requests a second of 60 ms
    work with a 0.8 s start holds about 1,700 environments at once in its first second, not the 120 it keeps busy
    after."""
    peak = peak_rps * avg_duration_s
    if avg_duration_s <= 0.0:
        return peak
    served = warm / avg_duration_s
    return max(peak, warm + max(0.0, peak_rps - served) * (startup_s + avg_duration_s))


def default_bursts(profile: Sequence[float] | None) -> float:
    """Bursts a day taken when ``traffic.bursts_per_day`` is not given: one an hour (``DEFAULT_BURSTS_PER_DAY``); with
    ``traffic.hourly_profile``, one for each hour with traffic, an hour quieter than the busiest counting by its rate
    against the busiest's (a quiet night hour a small part of one, an hour with none not at all), so a service busy
    eight hours a day is taken to burst about eight times and a flat profile, like none, 24 times. A share, not a
    count of hours with traffic, so an hour's rate moving from 0 to a little moves the figure a little."""
    if not profile:
        return DEFAULT_BURSTS_PER_DAY
    busiest = max(profile)
    return math.fsum(value / busiest for value in profile) * 24.0 / len(profile)


def bursts_said(profile: Sequence[float] | None) -> str:
    """``default_bursts`` as an assumption says it: the figure and where it comes from."""
    if not profile:
        return f"{number(DEFAULT_BURSTS_PER_DAY)} (a burst an hour)"
    return (
        f"{number(default_bursts(profile))} (a burst an hour with traffic, each hour of traffic.hourly_profile counted "
        "by its rate against the busiest)"
    )


def counted_bursts(bursts_per_day: float) -> float:
    """The month's bursts that each find the capacity of the last one gone: at most one every
    ``IDLE_ENVIRONMENT_KEPT_S`` (96 a day) counts."""
    return min(bursts_per_day, 86_400.0 / IDLE_ENVIRONMENT_KEPT_S) * DAYS_PER_MONTH


def slow_per_burst(peak_rps: float, average_rps: float, wait_s: float) -> float:
    """The requests of one burst that find no capacity ready: those past the average rate for ``wait_s``, as long as
    new capacity takes to serve them (Lambda: a start and a request's work; containers: scaling out and a start); with
    ``lambda_slow_s`` or ``container_slow_s`` for ``wait_s``, those that miss the latency target."""
    return max(0.0, peak_rps - average_rps) * wait_s


def budget_share(
    bursts_per_day: float, requests_per_month: float, peak_rps: float, average_rps: float, wait_s: float
) -> float:
    """The share of a burst over the average load whose slow requests a p99 latency target cannot absorb, which
    capacity kept warm must hold: 0 when a month of bursts makes fewer slow requests than 1% of its requests, rising
    towards 1 as bursts come more often or are larger against the month's requests. Capacity kept warm for a share s
    leaves (1 − s) of each burst's slow requests, so s = 1 − the 1% allowed a burst ÷ its slow requests; ``wait_s``
    is how long they come for (``lambda_slow_s``, ``container_slow_s``)."""
    per_burst = slow_per_burst(peak_rps, average_rps, wait_s)
    if per_burst <= 0.0:
        return 0.0
    allowed = P99_SLOW_SHARE * requests_per_month / counted_bursts(bursts_per_day)
    return max(0.0, 1.0 - allowed / per_burst)


#: Execution environments a function adds at most, all at once, and again every ``SCALING_WINDOW_S``: "each
#: function can scale up to 1,000 execution environments every 10 seconds"; requests past them are throttled
#: (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html). A per-function rate AWS does not raise.
LAMBDA_SCALING_STEP = 1000
SCALING_WINDOW_S = 10.0


def held_share(warm: float, average: float, peak: float) -> float:
    """The share of a burst over the average load (``average`` to ``peak`` executions in flight) that ``warm``
    environments hold, 0 to 1: all of it when the peak is no more than the average (there is no burst to hold)."""
    return min(1.0, max(0.0, (warm - average) / (peak - average))) if peak > average else 1.0


def burst_misses(
    peak_rps: float, average_rps: float, avg_duration_s: float, startup_s: float, slo_ms: float, share: float = 0.0
) -> tuple[float, float]:
    """The requests of one burst of clients on AWS Lambda that miss the p99 target, with ``share`` of the burst over
    the average load kept warm: (the cold requests past the target and the throttled requests, the throttled ones
    alone). The requests a second past what the warm environments serve (``u``) each take a new environment for a
    cold request (a start and the request's work, ``c``) while new ones are left: ``LAMBDA_SCALING_STEP`` at once and
    a tenth of that a second after (AWS adds them in steps every ``SCALING_WINDOW_S``; taken as a steady rate, an
    estimate). Of those that start cold, ``missed_share`` miss the target; those past the environments available are
    throttled (u × c − (1,000 + 100 × c)). Then the environments up serve a request each per ``avg_duration_s`` and
    100 more come a second: the requests past them are throttled until the new ones catch up with the peak, a
    shrinking excess ((u − (1,000 + 100 × c) ÷ d)² × d ÷ 200). With no throttling, the cold requests past the target
    alone: ``slow_per_burst`` of ``lambda_slow_s`` for the burst's share left cold."""
    excess, cold_s, available, climb = _climb(peak_rps, average_rps, avg_duration_s, startup_s, share)
    cold = excess * cold_s
    started = min(cold, available)
    throttled = cold - started + climb * climb * avg_duration_s / (2.0 * _SCALING_RATE)
    return missed_share(cold_s, slo_ms) * started + throttled, throttled


#: The new environments a function is taken to get a second after its first step (an estimate of AWS's steps).
_SCALING_RATE = LAMBDA_SCALING_STEP / SCALING_WINDOW_S


def _climb(
    peak_rps: float, average_rps: float, avg_duration_s: float, startup_s: float, share: float
) -> tuple[float, float, float, float]:
    """What ``burst_misses`` and ``burst_requests`` count a burst from: (the requests a second past the warm
    environments, a cold request's seconds, the new environments available through it, the requests a second past
    what the environments up after it serve)."""
    excess = (1.0 - share) * max(0.0, peak_rps - average_rps)
    cold_s = startup_s + avg_duration_s
    available = LAMBDA_SCALING_STEP + _SCALING_RATE * cold_s
    climb = max(0.0, excess - available / avg_duration_s) if avg_duration_s > 0.0 else 0.0
    return excess, cold_s, available, climb


def lambda_budget_share(
    bursts_per_day: float,
    requests_per_month: float,
    peak_rps: float,
    average_rps: float,
    avg_duration_s: float,
    startup_s: float,
    slo_ms: float,
) -> float:
    """``budget_share`` for AWS Lambda, throttling counted: the least share of a burst over the average load kept
    warm whose burst leaves no more than the 1% a p99 lets be slower of requests that miss the target, cold or
    throttled (``burst_misses``). Environments kept warm for a share s serve s of the burst from its start, so the
    requests a second past them are e = (1 − s) × (peak − average), and the misses grow with e in three pieces:
    while the new environments suffice (e × c within the 1,000 + 100 × c available), the cold requests past the target
    alone, which is ``budget_share`` of ``lambda_slow_s``; then every request past them is throttled too (linear in e);
    then the climb after the first cold request adds its throttles (a quadratic in e). Each piece is solved in closed
    form for the misses allowed a burst."""
    excess = max(0.0, peak_rps - average_rps)
    cold_s = startup_s + avg_duration_s
    allowed = P99_SLOW_SHARE * requests_per_month / counted_bursts(bursts_per_day)
    if excess <= 0.0 or burst_misses(peak_rps, average_rps, avg_duration_s, startup_s, slo_ms)[0] <= allowed:
        return 0.0
    missed = missed_share(cold_s, slo_ms)
    rate = LAMBDA_SCALING_STEP / SCALING_WINDOW_S
    available = LAMBDA_SCALING_STEP + rate * cold_s
    if missed * available >= allowed:  # within the new environments: the cold requests alone decide
        return budget_share(bursts_per_day, requests_per_month, peak_rps, average_rps, lambda_slow_s(cold_s, slo_ms))
    # Past them: m × A + (e × c − A) = allowed, while e stays within what the environments up after the first cold
    # request serve (A ÷ d); past that, the climb's throttles add (e − A ÷ d)² × d ÷ (2 × rate).
    left = allowed - (missed - 1.0) * available
    kept = left / cold_s
    if avg_duration_s > 0.0 and kept > available / avg_duration_s:
        # (d ÷ 2r) × y² + c × y − (left − c × A ÷ d) = 0, y = e − A ÷ d
        half = avg_duration_s / (2.0 * rate)
        over = left - cold_s * available / avg_duration_s
        kept = available / avg_duration_s + (math.sqrt(cold_s * cold_s + 4.0 * half * over) - cold_s) / (2.0 * half)
    return min(1.0, max(0.0, 1.0 - kept / excess))


def throttled_percent(
    bursts_per_day: float | None,
    requests_per_month: float,
    peak_rps: float,
    average_rps: float,
    avg_duration_s: float,
    startup_s: float,
    warm: float,
) -> float:
    """The percentage of the month's requests AWS Lambda throttles while its bursts climb from the ``warm``
    environments (the average load's, or those kept with provisioned concurrency): ``burst_misses``' throttled
    requests a burst, at ``bursts_per_day`` (None: no bursts of clients, 0). A share of the month, not seconds to
    climb: the same climb matters less the more requests the month holds besides."""
    if bursts_per_day is None or requests_per_month <= 0.0 or peak_rps <= average_rps or avg_duration_s <= 0.0:
        return 0.0
    share = held_share(warm, average_rps * avg_duration_s, peak_rps * avg_duration_s)
    throttled = burst_misses(peak_rps, average_rps, avg_duration_s, startup_s, 0.0, share)[1]
    bursts = counted_bursts(bursts_per_day)
    # A month holds at least its bursts' requests: inputs whose bursts hold more (decider/input_checks.py warns) are
    # counted against those, so a step of the peak moves the share by no more than it moves the bursts' requests
    month = max(requests_per_month, bursts * burst_requests(peak_rps, average_rps, avg_duration_s, startup_s, share))
    return min(100.0, 100.0 * throttled * bursts / month)


def burst_requests(
    peak_rps: float, average_rps: float, avg_duration_s: float, startup_s: float, share: float = 0.0
) -> float:
    """The requests one burst of clients sends while AWS Lambda's environments catch up with it, as ``burst_misses``
    counts them: the peak rate through the first cold request (a start and the request's work) and through the climb
    after it, while the environments up serve fewer requests a second than arrive. The least a burst holds for the
    throttling ``burst_misses`` counts; each request's share of it is at most one (``throttled_percent``)."""
    _, cold_s, _, climb = _climb(peak_rps, average_rps, avg_duration_s, startup_s, share)
    return peak_rps * (cold_s + climb * avg_duration_s / _SCALING_RATE)


def steady_need(requests_per_month: float, profile: Sequence[float] | None) -> float:
    """The share of the cold starts of steady (or diurnal) traffic that a p99 latency target cannot absorb. With no
    bursts, a request starts cold when no environment ran one in the last ``IDLE_ENVIRONMENT_KEPT_S``: for requests
    arriving at random at rate r, a share e^(−r × 900 s) of them (with an hourly profile, each hour's share at its
    own rate, weighed by its requests). A busy function's cold starts are a sliver of its requests (AWS: "typically
    under 1% of invocations" in production, https://docs.aws.amazon.com/lambda/latest/operatorguide/execution-
    environments.html); a function called a few times an hour starts cold on most of them. None when that share is
    within the 1% a p99 lets be slower (``P99_SLOW_SHARE``); else the part of it past that, 1 − 1% ÷ share."""
    rate = requests_per_month / (730.0 * 3600.0)
    if profile is None:
        cold = math.exp(-rate * IDLE_ENVIRONMENT_KEPT_S)
    else:
        total, hours = math.fsum(profile), len(profile)
        cold = math.fsum(
            value / total * math.exp(-rate * value / total * hours * IDLE_ENVIRONMENT_KEPT_S) for value in profile
        )
    return max(0.0, 1.0 - P99_SLOW_SHARE / cold) if cold > 0.0 else 0.0


def said_per_month(per_burst: float, requests: float, bursts_per_day: float, *, against_p99: bool = True) -> str:
    """A burst's slow (or throttled) requests as people read them: the burst's, the month's at ``bursts_per_day``
    and their share of its ``requests``; ``against_p99``: within or past the 1% a p99 lets be slower."""
    month = per_burst * counted_bursts(bursts_per_day)
    share = month / requests if requests > 0 else 1.0
    counted = (
        f"{number(round(month))} a month, {percent(share)} of the requests"
        if share < 1.0
        else "more than the month's requests (bursts this long, this often, hold more than the month has)"
    )
    verdict = f", {'within' if share <= P99_SLOW_SHARE else 'past'} the 1%" if against_p99 else ""
    return f"about {number(round(per_burst))} a burst, {counted}{verdict}"


def percent(share: float) -> str:
    """A share as a percentage people read: one decimal from 1%, two significant figures below."""
    value = share * 100.0
    return f"{value:.1f}%" if value >= 1 else f"{value:.2g}%"


def copies_holding_peak(
    peak_rps: float, average_rps: float, avg_duration_s: float, per_copy: int, utilisation: float
) -> int | None:
    """The copies up for the average load (its work in flight at ``utilisation`` of ``per_copy`` each, one at least)
    when they hold the whole peak at that utilisation too: then no request of a burst waits for scaling out (architect
    audit 39, F3: one copy serving 100 at once held a peak of 10 in flight, and 83% of the month's requests were said
    to wait); None when the peak needs more. At the utilisation target, not at full occupancy: near it a queue forms
    within the minutes scaling takes (audit of that change, F2: 59% of a burst past the target on one copy at 100%)."""
    copies = max(1, math.ceil(average_rps * avg_duration_s / (per_copy * utilisation) - 1e-9))
    return copies if peak_rps * avg_duration_s <= copies * per_copy * utilisation + 1e-9 else None


def burst_in_flight(peak_rps: float, average_rps: float, avg_duration_ms: float, share: float) -> float:
    """The work in flight kept up for bursts: the average's and ``share`` of the burst over it (the peak's, in flight
    at ``peak_rps``, never below the average's)."""
    average = average_rps * avg_duration_ms / 1000.0
    return average + share * (max(peak_rps, average_rps) * avg_duration_ms / 1000.0 - average)
