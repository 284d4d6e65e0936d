"""Lambda's bill keeps environments warm where they cost less than on demand: a steady, busy function.

A provisioned environment costs its price kept (per GB-second configured) and runs its work at a lower duration rate;
it costs less than on demand when busy more than price kept ÷ (on-demand rate − provisioned rate) of the time, 60% at
us-east-1's prices (https://aws.amazon.com/lambda/pricing/). A request takes a free provisioned environment, else runs
on demand to its end: the environments are a loss system, carrying a × (1 − B(k, a)) of a executions in flight on
average, Erlang's B the share that spills (focused audit of this stop, F1: a Poisson E[min(N, k)] overstated their
work). For steady traffic that leaves ``runtime.provisioned_concurrency`` to decider, the bill keeps every environment
whose own share of the work, a × (B(k − 1) − B(k)), is 60% or more (decider/cost/warm.py ``cost_warm``), and says so.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.warm import busy_environments, carried, crossover, erlang_b
from decider.decision import LambdaSizing, MonthlyCost, RankedTarget
from decider.traffic_profile import shares

SECONDS_PER_MONTH = 730 * 3600
STEADY: dict[str, Any] = {
    "name": "steady-busy-api",
    "runtime": {"avg_duration_ms": 200, "memory_mb": 3072, "max_duration_s": 30, "architecture": "arm64"},
    "traffic": {"pattern": "steady", "requests_per_month": 260_000_000, "protocols": ["http"]},
}


def steady(requests: float = 260_000_000, **runtime: Any) -> dict[str, Any]:
    return {
        **STEADY,
        "runtime": {**STEADY["runtime"], **runtime},
        "traffic": {**STEADY["traffic"], "requests_per_month": requests},
    }


def lambda_entry(decision: Decision) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == "lambda")


def bill(decision: Decision) -> MonthlyCost:
    cost = lambda_entry(decision).monthly_cost
    assert cost is not None
    return cost


def warm(decision: Decision) -> int | None:
    """Lambda's environments kept warm; None on demand or on Lambda Managed Instances (its other capacity mode)."""
    sizing = lambda_entry(decision).sizing
    return sizing.provisioned_concurrency if isinstance(sizing, LambdaSizing) else None


def blocking(servers: int, load: float) -> float:
    """Erlang's B from its definition, (a^k / k!) ÷ Σ_{j ≤ k} a^j / j!, in log space with a stable sum."""
    logs = [j * math.log(load) - math.lgamma(j + 1) for j in range(servers + 1)]
    top = max(logs)
    return math.exp(logs[-1] - top) / math.fsum(math.exp(value - top) for value in logs)


@pytest.mark.parametrize("mean", [0.7, 1.2, 2.0, 7.6, 19.8, 60.0, 400.0, 1000.0, 2500.0, 30_000.0])
def test_the_environments_kept_are_those_whose_own_work_passes_the_crossover_share(mean: float) -> None:
    count, busy = busy_environments(mean, 0.6)

    def gain(k: int) -> float:  # the work the k-th environment adds, a share of its time
        return mean * (blocking(k - 1, mean) - blocking(k, mean))

    if count:
        assert gain(count) >= 0.6
    assert gain(count + 1) < 0.6
    assert busy == pytest.approx(mean * (1 - blocking(count, mean)), rel=1e-6, abs=1e-9)
    assert busy < min(count, mean) or count == 0


def test_one_execution_in_flight_keeps_none_warm() -> None:
    """1.2 in flight on average: one environment carries 1.2 × (1 − 1.2 ÷ 2.2) = 0.545 of its time (focused audit F1:
    kept, it cost $72.62 against $71.63 on demand), under the 60% past which it pays."""
    assert busy_environments(1.2, 0.6) == (0, 0.0)
    assert carried(1, 1.2) == pytest.approx(1.2 * (1 - 1.2 / 2.2))


@pytest.mark.parametrize("load", [500.0, 12_000.0, 100_000.0])
@pytest.mark.parametrize("offset", [-12.0, -3.0, 0.0, 3.0])
def test_erlang_b_started_below_the_load_agrees_with_its_definition(load: float, offset: float) -> None:
    """The recursion starts ten standard deviations below the load from 1 − k ÷ load: the start's error is gone."""
    servers = round(load + offset * math.sqrt(load))
    assert erlang_b(servers, load) == pytest.approx(blocking(servers, load), rel=1e-9)


@pytest.mark.parametrize("share", [0.05, 0.6, 0.95])
def test_the_count_is_the_same_counted_from_none_or_from_below_the_load(share: float) -> None:
    load = 900.0
    count, blocked = 0, 1.0
    while load * (blocked - load * blocked / (count + 1 + load * blocked)) >= share:
        count, blocked = count + 1, load * blocked / (count + 1 + load * blocked)
    found, busy = busy_environments(load, share)
    assert found == count
    assert busy == pytest.approx(load * (1 - blocked), rel=1e-9)


def test_crossover_is_sixty_percent_at_us_east_1_prices(ruleset: Ruleset) -> None:
    prices = ruleset.pricing["us-east-1"].lambda_
    for architecture in ("x86_64", "arm64"):
        assert crossover(prices, architecture) == pytest.approx(0.6, abs=0.001)
    assert crossover(prices.model_copy(update={"provisioned_duration": None}), "arm64") is None


def test_a_steady_busy_function_is_billed_with_environments_kept_warm_for_cost(ruleset: Ruleset) -> None:
    kept = decide(parse_workload(steady()), ruleset, advice=False)
    on_demand = decide(parse_workload(steady(provisioned_concurrency=0)), ruleset, advice=False)
    in_flight = 260_000_000 / SECONDS_PER_MONTH * 0.2
    count, _ = busy_environments(in_flight, 0.6)
    assert warm(kept) == count == 19
    assert warm(on_demand) is None
    kept_bill, on_demand_bill = bill(kept), bill(on_demand)
    assert kept_bill.total_usd < on_demand_bill.total_usd  # on demand, Lambda Managed Instances is its cheaper mode
    # all of it on demand: the requests and every GB-second at arm64's first-tier rate ($2,132.80); kept warm, 19
    # environments carry 16.2 of the 19.8 executions in flight and the bill is about 10% less ($1,923.54)
    prices = ruleset.pricing["us-east-1"].lambda_
    gb_seconds = 260_000_000 * 0.2 * 3
    all_on_demand = 260 * prices.request.usd + gb_seconds * prices.duration["arm64"].tiers[0].usd
    assert kept_bill.total_usd < all_on_demand * 0.92
    lines = {line.item.split(" (")[0]: line for line in kept_bill.lines}
    run = lines["Lambda duration on provisioned environments"].quantity
    assert run == pytest.approx(carried(19, in_flight) * SECONDS_PER_MONTH * 3)
    items = [line.item for line in kept_bill.lines]
    assert any(item.startswith("Lambda provisioned concurrency (19 environments") for item in items)
    assert any("cheaper than on demand at this steady load" in item for item in items)
    assert any(item.startswith("Lambda duration on provisioned environments") for item in items)
    said = [text for text in kept.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert len(said) == 1
    assert "19 environments" in said[0]
    assert "give runtime.provisioned_concurrency 0" in said[0]
    assert not any(text.startswith("runtime.provisioned_concurrency") for text in on_demand.assumptions)


def test_the_bill_never_costs_more_and_moves_smoothly_with_the_volume(ruleset: Ruleset) -> None:
    previous: float | None = None
    requests = 5_000_000.0
    while requests < 2e9:
        kept = bill(decide(parse_workload(steady(requests)), ruleset, advice=False)).total_usd
        given = steady(requests, provisioned_concurrency=0)
        on_demand = bill(decide(parse_workload(given), ruleset, advice=False)).total_usd
        assert kept <= on_demand
        if (
            previous is not None
        ):  # 3% more requests: the bill moves by little, whole environments and all: on Lambda Managed Instances
            # (its cheaper mode at some volumes) one more whole instance at most, until provisioned concurrency wins
            assert kept / previous < 1.07
            assert kept >= previous
        previous, requests = kept, requests * 1.03


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"traffic": {"pattern": "diurnal"}}, "not steady"),
        ({"traffic": {"pattern": "spiky"}}, "in bursts"),
        ({"traffic": {"requests_per_month": 3_000_000}}, "under one execution in flight on average"),
        ({"runtime": {"provisioned_concurrency": 0}}, "given as none"),
    ],
)
def test_no_environments_are_kept_for_cost_where_the_load_is_not_steady_and_busy(
    ruleset: Ruleset, change: dict[str, Any], why: str
) -> None:
    raw = {**STEADY, **{key: {**STEADY[key], **value} for key, value in change.items()}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert warm(decision) is None, why


def test_environments_given_are_kept_as_given(ruleset: Ruleset) -> None:
    chosen = decide(parse_workload(steady(60_000_000, memory_mb=1024)), ruleset, advice=False)
    assert warm(chosen) == 4  # 4.6 in flight
    decision = decide(
        parse_workload(steady(60_000_000, memory_mb=1024, provisioned_concurrency=2)), ruleset, advice=False
    )
    assert warm(decision) == 2
    # the count chosen, given: the same bill (the same work carried), the line not said to be chosen for cost
    given = decide(parse_workload(steady(60_000_000, memory_mb=1024, provisioned_concurrency=4)), ruleset, advice=False)
    assert bill(given).total_usd == bill(chosen).total_usd
    assert not any("cheaper than on demand" in line.item for line in bill(decision).lines)


OFFICE_DAY = [1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 10, 10, 10, 10, 8, 6, 4, 3, 2, 1, 1, 1]


@pytest.mark.parametrize("pattern", ["diurnal", "steady"])
def test_with_an_hourly_profile_each_hour_keeps_its_own_by_its_load(ruleset: Ruleset, pattern: str) -> None:
    """A working day's profile: each hour keeps the environments busy 60% of the time at its own load, as scheduled
    scaling of provisioned concurrency keeps them; the configured hours and the work they run are the hours' sums."""
    raw = {
        **steady(60_000_000, memory_mb=1024),  # 1 GB: Lambda on demand, not Managed Instances, is its cheaper mode
        "traffic": {**STEADY["traffic"], "pattern": pattern, "requests_per_month": 60_000_000},
    }
    raw["traffic"]["hourly_profile"] = OFFICE_DAY
    decision = decide(parse_workload(raw), ruleset, advice=False)
    average = 60_000_000 / SECONDS_PER_MONTH * 0.2
    hours = [busy_environments(average * share * 24, 0.6) for share in shares(OFFICE_DAY)]
    span_s, gb = 730 / 24 * 3600, 1
    assert warm(decision) == max(count for count, _ in hours)
    lines = {line.item.split(" (")[0]: line for line in bill(decision).lines}
    kept = lines["Lambda provisioned concurrency"]
    assert "each hour by its load" in kept.item
    assert kept.quantity == pytest.approx(math.fsum(count * span_s * gb for count, _ in hours))
    run = lines["Lambda duration on provisioned environments"]
    assert run.quantity == pytest.approx(math.fsum(busy * span_s * gb for _, busy in hours))
    raw["runtime"] = {**raw["runtime"], "provisioned_concurrency": 0}
    on_demand = decide(parse_workload(raw), ruleset, advice=False)
    assert bill(decision).total_usd < bill(on_demand).total_usd
    [said] = [text for text in decision.assumptions if text.startswith("runtime.provisioned_concurrency not given")]
    assert "each hour of traffic.hourly_profile by its load" in said


def test_environments_kept_for_cost_past_what_an_account_configures_are_warned_of(ruleset: Ruleset) -> None:
    """1,000 executions in flight on average keep 1,004 warm for cost, past the 900 an account may configure by
    default (its 1,000 concurrent executions less the 100 kept for functions with none reserved)."""
    raw = {
        "name": "busy-function",
        "runtime": {"avg_duration_ms": 1000, "memory_mb": 512, "max_duration_s": 5},
        "traffic": {"pattern": "steady", "requests_per_month": 2_628_000_000, "protocols": ["http"]},
        "team": {"current_platform": "lambda", "ops_capacity": "low"},
        "preferences": {"optimize_for": "simplicity"},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert "lambda" in [item.target for item in decision.ranking[:2]]
    assert warm(decision) == busy_environments(1000.0, 0.6)[0] == 1004
    [warning] = [item for item in decision.warnings if "can configure by default" in item]
    assert "1,004 environments kept warm" in warning


def test_cold_starts_past_the_environments_kept_for_cost_are_warned_of(ruleset: Ruleset) -> None:
    """A steady function's cold starts fit its p99 target once it is busy enough to keep an environment warm for cost
    (tests/test_cold_requests_against_p99.py): 100M requests a month, 7 environments kept for cost, and no warning.
    One busy hour a week and requests 20 minutes apart the rest of it: 4 environments kept for cost in that hour,
    and the quiet hours' requests start cold, 1.3% of the month's, past the 1% a p99 lets be slower: one environment
    of 1 GB kept warm all month adds 730 × 3,600 × $0.0000041667 = $10.95."""
    raw: dict[str, Any] = {
        "name": "steady-cold",
        "runtime": {"avg_duration_ms": 200, "memory_mb": 1024, "architecture": "x86_64", "startup_s": 1.5},
        "traffic": {
            "pattern": "steady",
            "requests_per_month": 100_000_000,
            "protocols": ["http"],
            "latency_slo_ms": 500,
        },
        "team": {"current_platform": "lambda", "ops_capacity": "low"},
        "preferences": {"optimize_for": "simplicity"},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert warm(decision) == 7
    assert not [item for item in decision.warnings if "warm for cost" in item]
    weekly = {
        **raw,
        "runtime": {**raw["runtime"], "avg_duration_ms": 1000},
        "traffic": {
            **raw["traffic"],
            "pattern": "diurnal",
            "requests_per_month": 80_000,
            "hourly_profile": [0.00012] * 167 + [1.0],
        },
    }
    decision = decide(parse_workload(weekly), ruleset, advice=False)
    assert warm(decision) == 4
    [warning] = [item for item in decision.warnings if "warm for cost" in item]
    assert "keeps 4 environments warm for cost, each hour by its load, yet its cold start (1.5 s) misses" in warning
    assert "One environment of 1,024 MB kept warm all month adds at most about $10.95 a month" in warning
    total = bill(decision).total_usd + 10.95
    assert f"for at most about ${total:,.2f}" in warning
    raw = weekly
    met = {**raw, "traffic": {**raw["traffic"], "latency_slo_ms": 3000}}  # the cold request (2.5 s) within the target
    assert not [item for item in decide(parse_workload(met), ruleset, advice=False).warnings if "warm for cost" in item]


def test_environments_kept_for_cost_are_no_more_than_the_field_takes(ruleset: Ruleset) -> None:
    """Property audit 18, note: a steady function at tens of thousands of executions in flight kept 34,454
    environments warm for cost, a count ``runtime.provisioned_concurrency`` (at most 10,000) could not take back. The
    bill keeps at most 10,000, the rest on demand, still cheaper than none; the same count given prices the same.
    Here 16,000 in flight on average, 128 MB each (its GB-seconds within the first duration tier)."""
    shape: dict[str, Any] = {"avg_duration_ms": 1000, "memory_mb": 128}
    requests = 16_000 * SECONDS_PER_MONTH
    decision = decide(parse_workload(steady(requests, **shape)), ruleset, advice=False)
    assert warm(decision) == 10_000
    none = decide(parse_workload(steady(requests, **shape, provisioned_concurrency=0)), ruleset, advice=False)
    assert bill(decision).total_usd < bill(none).total_usd
    given = decide(parse_workload(steady(requests, **shape, provisioned_concurrency=10_000)), ruleset, advice=False)
    assert bill(given).total_usd == bill(decision).total_usd
