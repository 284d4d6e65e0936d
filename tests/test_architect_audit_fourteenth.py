"""What a sixteenth architect's review (the fourteenth kept in tests) found, kept true:

- how far a burst outgrows the copies kept for the average load counts against the containers (target tracking adds
  copies only after its alarm and a task start), on a ramp; a queue's burst waits in the queue and does not count;
- having no reason for hosts is worth as much to Lambda as to Fargate: neither has hosts to manage;
- a Fargate task per run of a job pulls its image through the VPC's NAT gateways every run, and the bill says so;
- a volume where a bill with a line at $0 (a price the region's book lacks) overtakes another says that it may move;
- a job's crossings are said in runs a month, not requests.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.memo import PlanMemo
from decider.decision import RankedTarget
from decider.ranking import rank
from tests.pricing.unpriced import without_load_balancers

WEBHOOKS: dict[str, Any] = {
    "runtime": {"max_duration_s": 1, "avg_duration_ms": 60, "memory_mb": 256, "artifact_mb": 15, "startup_s": 0.4},
    "traffic": {"pattern": "spiky", "requests_per_month": 40_300_000, "protocols": ["http"], "payload_mb": 1},
    "preferences": {"optimize_for": "cost"},
}


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=False)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(ranked for ranked in decision.ranking if ranked.target == target)


def burst_points(decision: Decision, target: str) -> float:
    reasons = entry(decision, target).reasons
    return sum(reason.impact for reason in reasons if reason.rule == "traffic.burst-over-warm-copies")


def with_peak(peak_rps: float, protocols: tuple[str, ...] = ("http",)) -> dict[str, Any]:
    traffic = {**WEBHOOKS["traffic"], "peak_rps": peak_rps, "protocols": list(protocols)}
    return {**WEBHOOKS, "traffic": traffic}


def test_a_higher_burst_over_the_warm_copies_costs_the_containers_more(ruleset: Ruleset) -> None:
    # 40.3M requests of 60 ms keep about 1.3 copies busy on average: a peak of 20/s needs no more (within 4×), 400/s
    # about 26 times as many, 8,000/s over 500 times
    within, high, extreme = (decided(ruleset, with_peak(peak)) for peak in (20, 400, 8000))
    assert burst_points(within, "ecs-fargate") == 0
    assert burst_points(extreme, "ecs-fargate") < burst_points(high, "ecs-fargate") < 0
    for target in ("ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"):
        assert burst_points(extreme, target) == burst_points(extreme, "ecs-fargate")
    assert burst_points(extreme, "lambda") == 0
    # The bills are within 2% of each other and the burst is 26 times the warm copies: Lambda, the cheaper, wins
    assert high.recommendation == extreme.recommendation == "lambda"
    # At 8,000 a second a burst holds about 3,700 of Lambda's environments at once while its requests start cold
    # (0.4 s of start and 60 ms each), past the 1,000 quota and the 1,000 new ones Lambda adds every 10 s (architect
    # audit 23, F2): the answer warns of it; at 400 a second (178 at once) it does not
    assert [warning for warning in extreme.warnings if "holds about 3,674 of AWS Lambda's environments" in warning]
    assert not [warning for warning in high.warnings if "of AWS Lambda's environments at once" in warning]
    message = next(
        reason.message
        for reason in entry(high, "ecs-fargate").reasons
        if reason.rule == "traffic.burst-over-warm-copies"
    )
    assert message.startswith(
        "Bursts need 26.08 times the container capacity kept up for the average load (35 whole copies at peak)"
    )


def test_a_queue_burst_waits_in_the_queue_and_costs_the_containers_nothing(ruleset: Ruleset) -> None:
    traffic = {**with_peak(8000)["traffic"], "pattern": "event", "protocols": ["queue"]}
    queued = decided(ruleset, {**WEBHOOKS, "traffic": traffic})
    assert all(burst_points(queued, ranked.target) == 0 for ranked in queued.ranking)


def test_the_burst_ramp_has_no_step(ruleset: Ruleset) -> None:
    # Around the ramp's start (4× the warm copies) a 3% higher peak moves the points by under a point
    points = [burst_points(decided(ruleset, with_peak(peak)), "ecs-fargate") for peak in (58.0, 59.7, 61.5, 63.4)]
    assert points[0] == 0
    assert all(abs(later - earlier) < 1 for earlier, later in itertools.pairwise(points))


def test_no_reason_for_hosts_is_worth_as_much_to_lambda_as_to_fargate(ruleset: Ruleset) -> None:
    decision = decided(ruleset, with_peak(20))
    points = {
        ranked.target: reason.impact
        for ranked in decision.ranking
        for reason in ranked.reasons
        if reason.rule == "control.no-reason-for-hosts"
    }
    assert points["lambda"] == points["ecs-fargate"] > 0


JOB: dict[str, Any] = {
    "runtime": {
        "max_duration_s": 120,
        "avg_duration_ms": 40_000,
        "memory_mb": 1024,
        "artifact_mb": 800,
        "startup_s": 5,
    },
    "traffic": {"pattern": "scheduled", "requests_per_month": 8760, "protocols": ["schedule"]},
    "preferences": {"optimize_for": "cost"},
    "network": {"vpc": True, "nat_gateways": 1},
}


def pull_lines(decision: Decision, target: str) -> list[Any]:
    cost = entry(decision, target).monthly_cost
    assert cost is not None
    return [line for line in cost.lines if "image pulls" in line.item]


def test_a_fargate_task_per_run_pulls_its_image_through_the_nat_gateway_every_run(ruleset: Ruleset) -> None:
    decision = decided(ruleset, JOB)
    (line,) = pull_lines(decision, "ecs-fargate")
    assert line.item == "NAT gateway data processed (image pulls, 800 MB a run; none through ECR VPC endpoints)"
    assert line.quantity == pytest.approx(8760 * 800 / 1024)
    assert line.unit_price_usd == 0.045  # us-east-1's NAT gateway data processing, per GB
    # Nodes keep the image they pulled, and Lambda pulls nothing through the VPC's NAT gateway
    for target in ("lambda", "ecs-ec2", "ecs-managed-instances"):
        assert not pull_lines(decision, target)
    # About $308 a month of pulls: Lambda, no longer the dearer, is the cheapest
    assert decision.recommendation == "lambda"
    # No NAT gateway, or a service instead of runs: no pull line
    assert not pull_lines(decided(ruleset, {**JOB, "network": {"vpc": True}}), "ecs-fargate")
    service = {**JOB, "traffic": {"pattern": "steady", "requests_per_month": 8760, "protocols": ["http"]}}
    assert not pull_lines(decided(ruleset, service), "ecs-fargate")


def test_a_changed_image_size_is_priced_again_when_the_job_pulls_it_through_nat(ruleset: Ruleset) -> None:
    memo = PlanMemo()
    rank(parse_workload(JOB).workload, ruleset, memo=memo, explain=False)
    smaller = parse_workload({**JOB, "runtime": {**JOB["runtime"], "artifact_mb": 200}}).workload
    shared = rank(smaller, ruleset, memo=memo, explain=False)
    alone = rank(smaller, ruleset)
    assert shared.totals == alone.totals


def test_a_crossing_with_a_bill_missing_prices_says_its_volume_may_move(ruleset: Ruleset) -> None:
    """A book without load balancer prices (eu-west-1's, with them taken out): the crossings rest on lines at $0."""
    bare = without_load_balancers(ruleset, "eu-west-1")
    abroad = decide(parse_workload({**with_peak(400), "preferences": {"region": "eu-west-1"}}), bare)
    crossings = [text for text in abroad.what_would_change if "becomes cheaper than" in text]
    assert crossings
    for text in crossings:
        assert "lines at $0 for prices this region's book lacks, so this volume may move" in text
    home = decide(parse_workload(with_peak(400)), ruleset)
    assert not [text for text in home.what_would_change if "book lacks" in text]


def test_a_jobs_crossings_are_said_in_runs(ruleset: Ruleset) -> None:
    nightly = {
        "runtime": {"max_duration_s": 120, "avg_duration_ms": 60_000, "memory_mb": 4096},
        "traffic": {"pattern": "scheduled", "requests_per_month": 1000, "protocols": ["schedule"]},
    }
    sentences = [text for text in decide(parse_workload(nightly), ruleset).what_would_change if "cheaper than" in text]
    assert sentences
    assert all(" runs a month " in text and "requests a month" not in text for text in sentences)


def test_copies_kept_warm_by_the_minimum_given_carry_the_burst(ruleset: Ruleset) -> None:
    # 500 requests a second of 120 ms need 86 copies at peak: 100 kept up whatever the load (and billed) carry it
    api: dict[str, Any] = {
        "runtime": {"max_duration_s": 2, "avg_duration_ms": 120, "memory_mb": 1024, "vcpu": 0.5},
        "traffic": {"pattern": "spiky", "requests_per_month": 3_000_000, "peak_rps": 500, "protocols": ["http"]},
    }
    assert burst_points(decided(ruleset, api), "ecs-fargate") < -4  # 86 times the one copy kept: nearly all 6
    warm = {**api, "runtime": {**api["runtime"], "min_copies": 100}}
    assert burst_points(decided(ruleset, warm), "ecs-fargate") == 0


def test_the_copies_holding_connections_weigh_the_burst_unrounded(ruleset: Ruleset) -> None:
    # 690 and 711 connections at 1,000 a copy are one and two copies held: the burst over them moves smoothly
    def points(connections: int) -> float:
        chat: dict[str, Any] = {
            "runtime": {
                "max_duration_s": 60,
                "avg_duration_ms": 100,
                "memory_mb": 512,
                "vcpu": 0.25,
                "connections_per_copy": 1000,
            },
            "traffic": {
                "pattern": "spiky",
                "requests_per_month": 1_000_000,
                "peak_rps": 224,
                "protocols": ["websocket"],
                "connections": connections,
            },
        }
        return burst_points(decided(ruleset, chat), "ecs-ec2")

    assert abs(points(711) - points(690)) < 0.5
