"""The slow requests a p99 latency target absorbs: Lambda's cold starts and the containers' scale-outs, burst by burst.

``traffic.latency_slo_ms`` is a p99: one request in a hundred may be slower (``P99_SLOW_SHARE``), taken over the
month. A burst lifts the request rate from the average to ``traffic.peak_rps``; the requests past the average rate
find no capacity ready for as long as new capacity takes to serve them (``slow_per_burst``):

- on AWS Lambda, each goes to a new execution environment, which is busy through its Init phase and the request
  ("An execution environment ... is busy and cannot process other requests" while it initialises,
  https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html), so the requests past the average rate for a
  start and a request's work each start cold;
- on a container service, they wait while target tracking sees the load and launches copies, which then start
  (decider/defaults_said.py ``SCALE_OUT_S`` and the copy's start).

A month has ``traffic.bursts_per_day`` of them (24 taken when not given, decider's judgement), but capacity left idle
for less than about 15 minutes is still there for the next (``IDLE_ENVIRONMENT_KEPT_S``, an estimate): bursts closer
than that count once (``counted_bursts``). Capacity kept warm for a share of the burst leaves the rest slow; the share
that must be kept is the one past what the target absorbs (``budget_share``): none when a month of bursts makes fewer
slow requests than 1% of its requests.

Steady and diurnal traffic has no bursts: a request starts cold on Lambda when every environment has sat idle past
about 15 minutes (``steady_need``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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


def counted_bursts(bursts_per_day: float) -> float:
    """The month's bursts that each find the capacity of the last one gone: at most one every
    ``IDLE_ENVIRONMENT_KEPT_S`` (96 a day) counts."""
    return min(bursts_per_day, 86_400.0 / IDLE_ENVIRONMENT_KEPT_S) * DAYS_PER_MONTH


def slow_per_burst(peak_rps: float, average_rps: float, wait_s: float) -> float:
    """The requests of one burst that find no capacity ready: those past the average rate for ``wait_s``, as long as
    new capacity takes to serve them (Lambda: a start and a request's work; containers: scaling out and a start)."""
    return max(0.0, peak_rps - average_rps) * wait_s


def budget_share(
    bursts_per_day: float, requests_per_month: float, peak_rps: float, average_rps: float, wait_s: float
) -> float:
    """The share of a burst over the average load whose slow requests a p99 latency target cannot absorb, which
    capacity kept warm must hold: 0 when a month of bursts makes fewer slow requests than 1% of its requests, rising
    towards 1 as bursts come more often or are larger against the month's requests."""
    per_burst = slow_per_burst(peak_rps, average_rps, wait_s)
    if per_burst <= 0.0:
        return 0.0
    allowed = P99_SLOW_SHARE * requests_per_month / counted_bursts(bursts_per_day)
    return max(0.0, 1.0 - allowed / per_burst)


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


def percent(share: float) -> str:
    """A share as a percentage people read: one decimal from 1%, two significant figures below."""
    value = share * 100.0
    return f"{value:.1f}%" if value >= 1 else f"{value:.2g}%"
