"""Lambda's bill keeps a bursting service's environments warm when its cold start would miss the latency target, as
the container bills keep copies up for the same bursts (architect audit, round 20, H2).

A ticket drop (8,000 requests a second at the peak, 250 ms each, an 800 ms target, a 30 s start) billed the
containers for the 2,858 copies the burst needs all month and Lambda for none: Fargate ($20,620.81) was recommended
over Lambda ($37.33), whose own fix, provisioned concurrency at the peak, the answer priced in a warning at $8,797.51,
and three rules took points from Lambda for lacking it. Now Lambda's bill keeps warm the executions in flight on
average and the share of the burst over them whose cold start would miss the target (decider/defaults_said.py
``warm_environments``), and the cold-start rules weigh only the share left cold.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import LambdaSizing, RankedTarget
from decider.render.decision import to_table

SECONDS_PER_MONTH = 730 * 3600
TICKET_DROP: dict[str, Any] = {
    "name": "ticket-drop",
    "runtime": {"avg_duration_ms": 250, "max_duration_s": 2, "memory_mb": 1024, "startup_s": 30},
    "traffic": {"pattern": "spiky", "requests_per_month": 20_000_000, "peak_rps": 8000, "latency_slo_ms": 800},
}
COLD_START_RULES = ("traffic.cold-start-vs-slo", "limits.lambda-init-past-10s", "limits.lambda-cold-wait-past-15s")


def kept_warm(startup_s: float, slo_ms: float = 800, requests: float = 20_000_000, peak: float = 8000) -> int:
    """The executions in flight on average and the share of the burst over them whose cold start misses the
    target (1 − target ÷ start), one an environment."""
    average = requests / SECONDS_PER_MONTH * 0.25
    share = max(0.0, 1.0 - slo_ms / 1000 / startup_s)
    return math.ceil(average + share * (peak * 0.25 - average) - 1e-9)


def with_changes(runtime: dict[str, Any] | None = None, traffic: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        **TICKET_DROP,
        "runtime": {**TICKET_DROP["runtime"], **(runtime or {})},
        "traffic": {**TICKET_DROP["traffic"], **(traffic or {})},
    }


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def points(decision: Decision, rule: str) -> float:
    return sum(reason.impact for reason in entry(decision, "lambda").reasons if reason.rule == rule)


def test_a_burst_that_cold_starts_would_miss_the_target_for_is_kept_warm_on_lambdas_bill(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(TICKET_DROP), ruleset)
    function = entry(decision, "lambda")
    assert isinstance(function.sizing, LambdaSizing)
    assert function.monthly_cost is not None
    environments = kept_warm(30)
    assert function.sizing.provisioned_concurrency == environments
    [line] = [line for line in function.monthly_cost.lines if line.item.startswith("Lambda provisioned concurrency")]
    assert line.quantity == pytest.approx(environments * SECONDS_PER_MONTH * 1.0)  # GB-seconds configured, 1 GB each
    assert line.unit_price_usd == 0.0000033334  # arm64, us-east-1
    assert f"provisioned concurrency {environments:,} for bursts" in to_table(decision)
    # the bills now price both sides' warm capacity, and the ranking follows them
    fargate = entry(decision, "ecs-fargate")
    assert fargate.monthly_cost is not None
    assert function.monthly_cost.total_usd < fargate.monthly_cost.total_usd / 2
    assert decision.recommendation == "lambda"
    # the cold-start rules weigh only the share of the burst left cold (2.7% of it here), and no warning says the
    # bill leaves provisioned concurrency out
    assert all(-0.5 <= points(decision, rule) <= 0 for rule in COLD_START_RULES)
    assert not [warning for warning in decision.warnings if "leaves out provisioned concurrency" in warning]
    [said] = [note for note in decision.assumptions if note.startswith("runtime.provisioned_concurrency not given")]
    assert f"assumed {environments:,}, AWS Lambda's environments kept warm for the bursts" in said
    assert "traffic.latency_slo_ms 800" in said
    assert ("runtime.provisioned_concurrency", environments) in parse_workload(TICKET_DROP).defaults


def test_environments_given_are_kept_as_given_and_weigh_the_cold_starts_left(ruleset: Ruleset) -> None:
    """None kept warm (0): the bill keeps none and the cold-start rules weigh in full, with the warning that prices
    what warm environments would add; as many as the peak holds in flight: none of the burst starts cold."""
    cold = decide(parse_workload(with_changes(runtime={"provisioned_concurrency": 0})), ruleset, advice=False)
    function = entry(cold, "lambda")
    assert isinstance(function.sizing, LambdaSizing)
    assert function.monthly_cost is not None
    assert function.sizing.provisioned_concurrency is None
    assert not [line for line in function.monthly_cost.lines if "provisioned concurrency" in line.item]
    assert points(cold, "traffic.cold-start-vs-slo") == pytest.approx(-8 * 1.0, abs=0.6)
    assert [warning for warning in cold.warnings if "leaves out provisioned concurrency" in warning]
    warm = decide(parse_workload(with_changes(runtime={"provisioned_concurrency": 2000})), ruleset, advice=False)
    assert all(points(warm, rule) == 0 for rule in COLD_START_RULES)
    function = entry(warm, "lambda")
    assert isinstance(function.sizing, LambdaSizing)
    assert function.sizing.provisioned_concurrency == 2000


def test_the_answer_says_what_it_would_be_if_bursts_wait_for_cold_starts(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(TICKET_DROP), ruleset)
    """With no environment kept warm, the cold starts weigh in full and Lambda's bill drops to its requests: the
    assumption decides the answer, which says so, and the change it states holds when decided again."""
    assert "runtime.provisioned_concurrency" in decision.decisive_assumptions
    [item] = [item for item in decision.counterfactuals if "runtime.provisioned_concurrency" in item.change]
    assert item.change == {"runtime.provisioned_concurrency": 0}
    assert item.recommendation == "ecs-fargate"
    assert "with 0 Lambda environments kept warm with provisioned concurrency" in item.message
    again = decide(parse_workload(with_changes(runtime={"provisioned_concurrency": 0})), ruleset, advice=False)
    assert again.recommendation == item.recommendation


def test_no_environment_is_kept_warm_when_a_cold_start_meets_the_target(ruleset: Ruleset) -> None:
    for changes in ({"startup_s": 0.5}, {"startup_s": 0.8}):
        decision = decide(parse_workload(with_changes(runtime=changes)), ruleset, advice=False)
        function = entry(decision, "lambda")
        assert isinstance(function.sizing, LambdaSizing)
        assert function.sizing.provisioned_concurrency is None
    # nor for traffic that does not burst, a peak decider assumed, or no latency target: a warning says what it costs
    for traffic in ({"pattern": "steady"}, {"peak_rps": None}, {"latency_slo_ms": None}):
        workload = with_changes(traffic=traffic)
        workload["traffic"] = {key: value for key, value in workload["traffic"].items() if value is not None}
        function = entry(decide(parse_workload(workload), ruleset, advice=False), "lambda")
        assert isinstance(function.sizing, LambdaSizing)
        assert function.sizing.provisioned_concurrency is None, traffic


def test_the_environments_kept_warm_grow_with_the_cold_start_without_a_step(ruleset: Ruleset) -> None:
    """From a start that meets the target to one forty times it, the environments rise with the share of the burst
    whose cold start misses the target, and the cold-start rule's points fall as they do."""
    kept, rule = [], []
    startup = 0.85
    while startup < 32:
        decision = decide(parse_workload(with_changes(runtime={"startup_s": startup})), ruleset, advice=False)
        function = entry(decision, "lambda")
        assert isinstance(function.sizing, LambdaSizing)
        assert function.sizing.provisioned_concurrency == kept_warm(startup)
        kept.append(kept_warm(startup))
        rule.append(points(decision, "traffic.cold-start-vs-slo"))
        startup *= 1.03
    assert kept == sorted(kept)
    assert all(later - earlier <= 0.03 * 2000 + 1 for earlier, later in itertools.pairwise(kept))
    assert all(abs(later - earlier) <= 1.0 for earlier, later in itertools.pairwise(rule))


def test_with_an_hourly_profile_the_environments_are_kept_warm_by_each_hours_load(ruleset: Ruleset) -> None:
    profile = [1] * 20 + [40] + [1] * 3  # the drop at 20:00
    decision = decide(parse_workload(with_changes(traffic={"hourly_profile": profile})), ruleset, advice=False)
    function = entry(decision, "lambda")
    assert isinstance(function.sizing, LambdaSizing)
    assert function.monthly_cost is not None
    environments = function.sizing.provisioned_concurrency
    assert environments is not None
    [line] = [line for line in function.monthly_cost.lines if line.item.startswith("Lambda provisioned concurrency")]
    hour = 730 / 24 * 3600
    quiet = math.ceil(environments / 40 - 1e-9)
    assert line.quantity == pytest.approx((environments + 23 * quiet) * hour)
