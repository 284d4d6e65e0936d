"""Violations a fifteenth property audit found, each kept fixed here:

- near Lambda's switch between on demand and Managed Instances, a 3% change of the volume moved Lambda's score by up
  to 3.5 points with every bill within 3%: the points that count on demand only fade over a band of 25% of the bill
  (``SHARE_BAND``), not 15%;
- a mode sentence ("With EKS managed node groups, Amazon EKS becomes cheaper than AWS Lambda above ~10.3K runs a
  month") was false at twice the crossing it names, where Lambda's rerun moves onto Managed Instances: "above" is now
  tried past the crossing, as the break-even sentences are;
- the summary named the three rules that did most to outweigh a cheaper bill, when a fourth tipped it;
- the copies kept up for a WebSocket service were said to be the cost model's 2, while its bills keep the copies that
  hold its open connections;
- the front-door assumption said a cold start counts towards the HTTP API's timeout on Lambda Managed Instances too.
(The audit's other findings are in the closing note of its stop.)
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.explain import summary
from decider.scoring import Evaluation, Fired

SHARE_SWITCH: tuple[dict[str, Any], ...] = (
    {  # optimize_for cost: on demand and Managed Instances cross near 7M requests
        "runtime": {"avg_duration_ms": 618.7, "memory_mb": 8192, "startup_s": 40, "max_duration_s": 5},
        "traffic": {"pattern": "steady", "requests_per_month": 6_829_982, "latency_slo_ms": 300},
        "preferences": {"optimize_for": "cost"},
    },
    {  # balanced
        "runtime": {"avg_duration_ms": 997.4, "memory_mb": 4096, "startup_s": 40, "max_duration_s": 5},
        "traffic": {"pattern": "steady", "requests_per_month": 4_256_219, "latency_slo_ms": 3000},
    },
)


def with_volume(workload: dict[str, Any], volume: float) -> dict[str, Any]:
    return {**workload, "traffic": {**workload["traffic"], "requests_per_month": volume}}


@pytest.mark.parametrize("workload", SHARE_SWITCH)
def test_no_score_moves_3_points_across_lambdas_mode_switch(ruleset: Ruleset, workload: dict[str, Any]) -> None:
    """3% steps across ±30% of the volume where the audit saw 3.5 points: where no bill moves 10% or more and no
    exclusion changes, no score moves more than 3 points (issue 10's smoothness promise), the step where Lambda
    switches modes among them. A fleet that needs one more whole instance is a bill step of its own, and may."""
    start = workload["traffic"]["requests_per_month"]
    volumes = [start * 1.03**step for step in range(-10, 11)]
    decisions = [decide(parse_workload(with_volume(workload, volume)), ruleset, advice=False) for volume in volumes]
    modes = [next(getattr(i.sizing, "mode", None) for i in d.ranking if i.target == "lambda") for d in decisions]
    assert len(set(modes)) == 2, "the sweep crosses Lambda's switch between its modes"
    checked = switches = 0
    for (before, after), (mode, next_mode) in zip(
        itertools.pairwise(decisions), itertools.pairwise(modes), strict=True
    ):
        bills = [{i.target: i.monthly_cost.total_usd for i in d.ranking if i.monthly_cost} for d in (before, after)]
        smooth = all(abs(bills[1][t] / bills[0][t] - 1) < 0.1 for t in bills[0])
        same = {e.target for e in before.excluded} == {e.target for e in after.excluded}
        if mode != next_mode:
            assert smooth, "Lambda's mode switch moves no bill by 10%"
            switches += 1
        if not (smooth and same):
            continue
        scores = [{item.target: item.score for item in d.ranking} for d in (before, after)]
        for target, score in scores[0].items():
            assert abs(scores[1][target] - score) <= 3.0, (target, score, scores[1][target])
        checked += 1
    assert switches >= 1
    assert checked >= 15  # most of the 20 steps move no bill by 10%


def test_a_mode_sentence_above_a_volume_holds_past_the_crossing_it_names(ruleset: Ruleset) -> None:
    """At twice the crossing, EKS on managed node groups bills $152.47 against Lambda's $152.44 (on Managed
    Instances): the sentence that it is cheaper above ~10.3K runs is not said."""
    workload = {
        "runtime": {"max_duration_s": 232.4, "memory_mb": 4096},
        "traffic": {"pattern": "batch", "requests_per_month": 228},
    }
    decision = decide(parse_workload(workload), ruleset)
    assert not [said for said in decision.what_would_change if said.startswith("With EKS managed node groups")]
    # the held crossing the sentence spoke of is still there, said as the break-even it is
    assert any(point.target == "eks" and point.versus == "lambda" for point in decision.break_even)


def test_the_summary_names_rules_until_they_outweigh_the_cheaper_bill(ruleset: Ruleset) -> None:
    """Managed Instances leads the cheaper ECS on EC2 by 0.2 points: its bill costs it 7.5 points, and rules give it
    3 + 2.5 + 1.7 + 0.5. The three largest (7.2) do not outweigh the bill; the fourth is named too."""
    rule = ruleset.rules[0]

    def fired(rule_id: str, points: float, *, computed: bool = False) -> Fired:
        impacts = {"ecs-managed-instances": points}
        return Fired(rule_id, "cost" if computed else "control", "", "", impacts, None if computed else rule)

    cost = Fired("cost.relative-monthly-cost", "cost", "", "", {"ecs-managed-instances": -7.5}, None)
    rules = [fired("a.first", 3.0), fired("b.second", 2.5), fired("c.third", 1.7), fired("d.fourth", 0.5)]
    reasons = {
        "ecs-managed-instances": ((cost, -7.5), *((each, each.impacts["ecs-managed-instances"]) for each in rules)),
        "ecs-ec2": (),
    }
    evaluation = Evaluation({}, {"ecs-managed-instances": 50.2, "ecs-ec2": 50.0}, reasons, (cost, *rules))
    costs = {"ecs-managed-instances": 722.76, "ecs-ec2": 555.97}
    text = summary(ruleset, evaluation, ["ecs-managed-instances", "ecs-ec2"], costs)
    assert "Amazon ECS on EC2 would cost less (about $555.97 a month)" in text
    for rule_id in ("a.first", "b.second", "c.third", "d.fourth"):
        assert rule_id in text


def test_the_copies_kept_up_for_open_connections_are_the_ones_said(ruleset: Ruleset) -> None:
    workload = {
        "runtime": {"memory_mb": 80, "avg_duration_ms": 20, "max_duration_s": 1},
        "traffic": {
            "pattern": "steady",
            "protocols": ["websocket"],
            "requests_per_month": 5_000_000,
            "connections": 18_407,
        },
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    [said] = [note for note in decision.assumptions if note.startswith("runtime.min_copies not given")]
    fargate = next(item for item in decision.ranking if item.target == "ecs-fargate")
    kept = getattr(fargate.sizing, "min_copies", None)
    assert kept is not None
    assert kept > 2
    assert f"container targets keep {kept} copies up whatever the load, to hold the 18,407 open WebSocket" in said
    assert "the cost model's minimum is 2 copies" in said


def test_the_front_door_assumption_says_a_managed_instance_request_waits_no_start(ruleset: Ruleset) -> None:
    parsed = parse_workload({"traffic": {"protocols": ["http"]}})
    [said] = [note for note in parsed.assumptions if note.startswith("traffic.front_door not given")]
    assert "30 s timeout, the request alone on Lambda Managed Instances, which start environments before" in said
