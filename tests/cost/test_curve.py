"""The cost curve (decider/cost/curve.py): each eligible target's bill over 0.1× to 10× the traffic, agreeing with
the decision's bills and its break-even volumes."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from decider import decide, load_ruleset, parse_workload
from decider.cost.curve import volumes
from decider.decision import BreakEven, Decision
from decider.documents import read_file
from decider.rules.model import Ruleset
from tests.conftest import EXAMPLES_DIR

EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.yaml"))


def decision_for(path: Path, ruleset: Ruleset) -> Decision:
    return decide(parse_workload(read_file(path)), ruleset)


def test_volumes_are_log_spaced_from_a_tenth_to_ten_times_the_traffic() -> None:
    xs = volumes(3_000_000)
    assert len(xs) == 21
    assert xs[0] == pytest.approx(300_000)
    assert xs[-1] == pytest.approx(30_000_000)
    assert 3_000_000 in xs
    ratios = {round(later / earlier, 6) for earlier, later in itertools.pairwise(xs)}
    assert ratios == {round(10**0.1, 6)}


def test_crossings_in_range_join_the_volumes_and_others_do_not() -> None:
    inside = BreakEven(target="ecs-fargate", versus="lambda", requests_per_month=12_800_995)
    outside = BreakEven(target="eks", versus="lambda", requests_per_month=62_189_036)
    xs = volumes(3_000_000, [inside, outside])
    assert 12_800_995 in xs
    assert 62_189_036 not in xs
    assert list(xs) == sorted(xs)
    assert len(xs) == 22


def test_a_workload_with_no_requests_is_drawn_around_a_thousand() -> None:
    xs = volumes(0)
    assert xs[0] == pytest.approx(100)
    assert xs[-1] == pytest.approx(10_000)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_one_curve_per_eligible_target_through_its_bill(path: Path, ruleset: Ruleset) -> None:
    parsed = parse_workload(read_file(path))
    decision = decide(parsed, ruleset)
    assert [curve.target for curve in decision.cost_curve] == [entry.target for entry in decision.ranking]
    requests = parsed.workload.requests_per_month
    assert requests > 0
    for entry, curve in zip(decision.ranking, decision.cost_curve, strict=True):
        (at_traffic,) = [point for point in curve.points if math.isclose(point.requests_per_month, requests)]
        assert entry.monthly_cost is not None
        assert at_traffic.monthly_usd == pytest.approx(entry.monthly_cost.total_usd, abs=0.01)
        bills = [point.monthly_usd for point in curve.points]
        assert bills == sorted(bills), "a bill never falls as traffic rises"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_the_curves_cross_where_the_decision_says(path: Path, ruleset: Ruleset) -> None:
    decision = decision_for(path, ruleset)
    curves = {
        curve.target: {p.requests_per_month: p.monthly_usd for p in curve.points} for curve in decision.cost_curve
    }
    xs = sorted(next(iter(curves.values()), {}))
    for point in decision.break_even:
        if not xs or not xs[0] <= point.requests_per_month <= xs[-1]:
            continue
        above, below = curves[point.target], curves[point.versus]
        x = point.requests_per_month
        assert above[x] == pytest.approx(below[x], abs=0.02), "the two bills meet at the break-even volume"
        index = xs.index(x)
        if index > 0:
            assert below[xs[index - 1]] <= above[xs[index - 1]], f"{point.versus} is cheaper below {x:,.0f}"
        if index < len(xs) - 1:
            assert above[xs[index + 1]] <= below[xs[index + 1]], f"{point.target} is cheaper above {x:,.0f}"


def test_the_curve_has_a_point_at_each_crossing_in_its_range(ruleset: Ruleset) -> None:
    """order-events (examples/queue-consumer.yaml): Fargate's bill crosses Lambda's at ~1.2M, within 0.1× to 10× of
    its 4M messages; the curve is priced at that volume too, so the chart's marker sits on both lines."""
    decision = decision_for(EXAMPLES_DIR / "queue-consumer.yaml", ruleset)
    fargate = next(point for point in decision.break_even if point.target == "ecs-fargate")
    xs = [point.requests_per_month for point in decision.cost_curve[0].points]
    assert min(xs) < fargate.requests_per_month < max(xs)
    assert fargate.requests_per_month in xs


def test_no_curve_without_advice(ruleset: Ruleset) -> None:
    parsed = parse_workload(read_file(EXAMPLES_DIR / "checkout-api.yaml"))
    assert decide(parsed, ruleset, advice=False).cost_curve == ()


def test_no_curve_without_price_books(small_ruleset: Ruleset) -> None:
    assert decide(parse_workload({}), small_ruleset).cost_curve == ()


def test_the_curve_is_deterministic() -> None:
    first = decision_for(EXAMPLES_DIR / "checkout-api.yaml", load_ruleset())
    second = decision_for(EXAMPLES_DIR / "checkout-api.yaml", load_ruleset())
    assert first.cost_curve == second.cost_curve
