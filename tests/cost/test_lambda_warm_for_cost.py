"""Lambda's bill keeps environments warm where they cost less than on demand: a steady, busy function.

A provisioned environment costs its price kept (per GB-second configured) and runs its work at a lower duration rate;
it costs less than on demand when busy more than price kept ÷ (on-demand rate − provisioned rate) of the time, 60% at
us-east-1's prices (https://aws.amazon.com/lambda/pricing/). For steady traffic that leaves
``runtime.provisioned_concurrency`` to decider, the bill keeps warm every environment busy at least that share of the
time, the executions in flight taken to follow a Poisson law (decider/cost/warm.py ``cost_warm``), and says so.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.warm import EXACT_UP_TO, busy_environments, crossover
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


def poisson_tail(mean: float, k: int) -> float:
    """P(N ≥ k) for N Poisson of ``mean``, summed in log space (exact at any mean this test uses)."""
    below = math.fsum(math.exp(j * math.log(mean) - mean - math.lgamma(j + 1)) for j in range(k))
    return 1.0 - below


@pytest.mark.parametrize("mean", [0.7, 1.0, 3.0, 19.8, 60.0, EXACT_UP_TO, 150.0, 400.0, 2500.0])
def test_the_environments_kept_are_those_busy_at_least_the_crossover_share(mean: float) -> None:
    count, busy = busy_environments(mean, 0.6)
    # the last environment kept is busy 60% of the time or more, the next one less (to the normal approximation's
    # rounding above EXACT_UP_TO: within one environment)
    slack = 0 if mean <= EXACT_UP_TO else 1
    if count:
        assert poisson_tail(mean, count - slack) >= 0.6
    assert poisson_tail(mean, count + 1 + slack) < 0.6
    expected = math.fsum(poisson_tail(mean, k) for k in range(1, count + 1))
    assert busy == pytest.approx(expected, rel=2e-3, abs=1e-9)
    assert busy <= min(count, mean)


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
    # all of it on demand: the requests and every GB-second at arm64's first-tier rate; about 13% more at 19.8 in flight
    prices = ruleset.pricing["us-east-1"].lambda_
    gb_seconds = 260_000_000 * 0.2 * 3
    all_on_demand = 260 * prices.request.usd + gb_seconds * prices.duration["arm64"].tiers[0].usd
    assert kept_bill.total_usd < all_on_demand * 0.9
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
        ):  # 3% more requests: the bill moves by no more than about 3%, whole environments and all
            assert kept / previous < 1.035
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
    assert warm(decide(parse_workload(steady(60_000_000)), ruleset, advice=False)) == 4  # 4.6 in flight
    decision = decide(parse_workload(steady(60_000_000, provisioned_concurrency=2)), ruleset, advice=False)
    assert warm(decision) == 2
    assert not any("cheaper than on demand" in line.item for line in bill(decision).lines)


OFFICE_DAY = [1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 10, 10, 10, 10, 8, 6, 4, 3, 2, 1, 1, 1]


@pytest.mark.parametrize("pattern", ["diurnal", "steady"])
def test_with_an_hourly_profile_each_hour_keeps_its_own_by_its_load(ruleset: Ruleset, pattern: str) -> None:
    """A working day's profile: each hour keeps the environments busy 60% of the time at its own load, as scheduled
    scaling of provisioned concurrency keeps them; the configured hours and the work they run are the hours' sums."""
    raw = {
        **steady(60_000_000),
        "traffic": {**STEADY["traffic"], "pattern": pattern, "requests_per_month": 60_000_000},
    }
    raw["traffic"]["hourly_profile"] = OFFICE_DAY
    decision = decide(parse_workload(raw), ruleset, advice=False)
    average = 60_000_000 / SECONDS_PER_MONTH * 0.2
    hours = [busy_environments(average * share * 24, 0.6) for share in shares(OFFICE_DAY)]
    span_s, gb = 730 / 24 * 3600, 3
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
    """1,000 executions in flight on average keep 992 warm for cost, past the 900 an account may configure by default
    (its 1,000 concurrent executions less the 100 kept for functions with none reserved)."""
    raw = {
        "name": "busy-function",
        "runtime": {"avg_duration_ms": 1000, "memory_mb": 512, "max_duration_s": 5},
        "traffic": {"pattern": "steady", "requests_per_month": 2_628_000_000, "protocols": ["http"]},
        "team": {"current_platform": "lambda", "ops_capacity": "low"},
        "preferences": {"optimize_for": "simplicity"},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert "lambda" in [item.target for item in decision.ranking[:2]]
    assert warm(decision) == busy_environments(1000.0, 0.6)[0] == 992
    [warning] = [item for item in decision.warnings if "can configure by default" in item]
    assert "992 environments kept warm" in warning
