"""The one quantity decider bills, ``min(high, max(low, slope × R + offset))``, and a plan's total built from it: both
are written out for speed, and must give what the formula gives, to the last bit."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from decider.cost.bill import Plan, round_usd
from decider.cost.capacity import Ramp
from decider.cost.line import Line
from decider.cost.profile import RampSum
from decider.ranking import rank
from decider.rules.model import Ruleset
from decider.workload import parse_workload

EDGES = [0.0, -0.0, 1.0, -1.0, 730.0, 1e-12, 1e12, math.inf, -math.inf, math.nan]
numbers = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=True, allow_infinity=True))


def formula(ramp: Ramp, requests: float) -> float:
    return min(ramp.high, max(ramp.low, ramp.slope * requests + ramp.offset))


def same(one: float, other: float) -> bool:
    """Equal to the bit: NaN is NaN, and 0.0 is not -0.0."""
    if math.isnan(one) or math.isnan(other):
        return math.isnan(one) and math.isnan(other)
    return one == other and math.copysign(1, one) == math.copysign(1, other)


@given(slope=numbers, offset=numbers, low=numbers, high=numbers, requests=numbers)
def test_a_ramp_gives_what_its_formula_gives(
    slope: float, offset: float, low: float, high: float, requests: float
) -> None:
    """Ties, signed zeros, infinities, NaN and a low above the high included."""
    ramp = Ramp(slope, offset, low, high)
    assert same(ramp.at(requests), formula(ramp, requests))


def test_a_ramp_at_its_edges() -> None:
    ramp = Ramp(1e-3, -10.0, 0.0, 100.0)
    assert (ramp.at(0), ramp.at(10_000), ramp.at(50_000), ramp.at(1e9)) == (0.0, 0.0, 40.0, 100.0)
    assert Ramp.fixed(3.5).at(123_456) == 3.5


lines = st.lists(
    st.builds(
        Line,
        st.just("item"),
        st.just("unit"),
        st.floats(0, 10),
        st.builds(Ramp, st.floats(-1, 1), st.floats(-1e6, 1e6), st.floats(0, 1e6), st.floats(0, 1e9)),
    ),
    max_size=8,
)


@given(lines=lines, requests=st.floats(0, 1e11))
def test_a_plan_totals_its_lines_in_order(lines: list[Line], requests: float) -> None:
    """The total is each line's price × quantity added in line order, as the itemised bill adds them: the bill's
    total and the total that ranks and crosses are the same number."""
    plan = Plan("t", None, tuple(lines))  # type: ignore[arg-type]
    expected = 0.0
    for line in lines:
        expected += line.unit_price_usd * formula(line.ramp, requests)
    assert same(plan.total(requests), expected)
    assert same(plan.total(requests), expected)  # asked again: the remembered total


def test_a_plan_with_an_hourly_profile_totals_as_its_bill(ruleset: Ruleset) -> None:
    """Copy-hours hour by hour (a RampSum, summed part by part) are totalled as they are billed: the total that ranks
    the targets and picks their modes is the bill's, for every target, with a profile too."""
    busy_4_hours = [0.0] * 8 + [6.0] * 4 + [0.0] * 12
    for profile in (None, busy_4_hours):
        traffic: dict[str, object] = {"requests_per_month": 20_000_000, "pattern": "steady"}
        if profile is not None:
            traffic["hourly_profile"] = profile
        ranked = rank(parse_workload({"runtime": {"avg_duration_ms": 200}, "traffic": traffic}).workload, ruleset)
        assert ranked.priced is not None
        plans = [plan for target, plan in ranked.priced.plans.items()]
        plans += [plan for others in ranked.priced.alternatives.values() for plan in others.values()]
        assert any(isinstance(line.ramp, RampSum) for plan in plans for line in plan.lines) == (profile is not None)
        for plan in plans:
            requests = ranked.workload.requests_per_month
            billed = 0.0
            for line in plan.lines:
                billed += line.usd(requests)
            assert plan.total(requests) == billed
            assert round_usd(plan.total(requests), 2) == plan.bill_data(requests)["total_usd"]
