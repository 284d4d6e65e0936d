"""Architect audit, round 28: WebSocket messages past what API Gateway carries (F2), a steady peak far above its
average (F3), headroom before Fargate's largest task (F4), and a reason for the winner that offered a target the answer
keeps out (F5). Whole instances on the instance targets (F1) are tested in tests/cost/test_whole_instances.py."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import RankedTarget


def ranked(decision: Decision) -> dict[str, RankedTarget]:
    return {entry.target: entry for entry in decision.ranking}


def points(decision: Decision, target: str, rule_id: str) -> float:
    return sum(reason.impact for reason in ranked(decision)[target].reasons if reason.rule == rule_id)


def websocket(payload_mb: float, *protocols: str) -> dict[str, Any]:
    return {
        "name": "editor",
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 30, "memory_mb": 512},
        "traffic": {
            "pattern": "diurnal",
            "requests_per_month": 5_000_000,
            "peak_rps": 20,
            "payload_mb": payload_mb,
            "protocols": ["websocket", *protocols],
        },
        "preferences": {"optimize_for": "cost"},
    }


def test_websocket_messages_past_128_kb_keep_lambda_out(ruleset: Ruleset) -> None:
    """An API Gateway WebSocket API carries at most 128 KB a message: a 1 MB message closes the connection."""
    decision = decide(parse_workload(websocket(1.0)), ruleset, advice=False)
    (out,) = [entry for entry in decision.excluded if entry.target == "lambda"]
    assert [reason.rule for reason in out.reasons] == ["limits.lambda-websocket-message"]
    assert "at most 128 KB" in out.reasons[0].message
    assert "Messages here reach 1 MB" in out.reasons[0].message
    assert decision.recommendation != "lambda"


def test_messages_up_to_128_kb_keep_lambda_on_a_ramp(ruleset: Ruleset) -> None:
    at = {size: decide(parse_workload(websocket(size)), ruleset, advice=False) for size in (0.09, 0.11, 0.12, 0.128)}
    assert all("lambda" in ranked(decision) for decision in at.values())
    near = [points(at[size], "lambda", "limits.lambda-websocket-message-near") for size in (0.09, 0.11, 0.12, 0.128)]
    assert near[0] == 0  # more than a fifth short of the limit: nothing
    assert 0 > near[1] > near[2] > near[3]  # graded: more the nearer, no step
    message = next(
        reason.message
        for reason in ranked(at[0.12])["lambda"].reasons
        if reason.rule == "limits.lambda-websocket-message-near"
    )
    assert "within 20% of the 128 KB" in message


def test_large_bodies_beside_http_lower_lambda_without_keeping_it_out(ruleset: Ruleset) -> None:
    """With HTTP beside WebSocket the largest body may be an HTTP one: Lambda stays, with the limit against it."""
    decision = decide(parse_workload(websocket(1.0, "http")), ruleset, advice=False)
    assert "lambda" in ranked(decision)
    assert points(decision, "lambda", "limits.lambda-websocket-large-bodies") < 0
    small = decide(parse_workload(websocket(0.05, "http")), ruleset, advice=False)
    assert points(small, "lambda", "limits.lambda-websocket-large-bodies") == 0


def test_a_steady_peak_far_above_its_average_is_warned_of(ruleset: Ruleset) -> None:
    raw: dict[str, Any] = {
        "name": "steady-with-a-flash-peak",
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 100, "memory_mb": 512},
        "traffic": {"pattern": "steady", "requests_per_month": 10_000_000, "peak_rps": 5000, "protocols": ["http"]},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    (said,) = [text for text in decision.warnings if text.startswith("traffic.peak_rps 5,000")]
    assert "1,314× the average rate" in said
    assert "traffic.pattern spiky" in said
    within = {**raw, "traffic": {**raw["traffic"], "peak_rps": 30}}  # 7.9× the average: a steady peak, not a burst
    assert not any("× the average rate" in text for text in decide(parse_workload(within), ruleset).warnings)
    for pattern in ("spiky", "diurnal"):  # bursts weighed; a diurnal API's busiest second may pass 10× its average
        other = {**raw, "traffic": {**raw["traffic"], "pattern": pattern}}
        assert not any("× the average rate" in text for text in decide(parse_workload(other), ruleset).warnings)


@pytest.mark.parametrize(
    ("memory_mb", "vcpu", "expected"),
    [
        (150_000, 16, "none"),  # a copy past 16 vCPU / 120 GB, far from 244 GB
        (220_000, 16, "some"),  # within a fifth of 244 GB by memory
        (120_000, 30, "some"),  # within a fifth of 32 vCPU
        (245_760, 16, "all"),  # at 240 GiB the ramp is full, just short of the limit
    ],
)
def test_fargate_loses_points_within_a_fifth_of_its_largest_task(
    ruleset: Ruleset, memory_mb: int, vcpu: float, expected: str
) -> None:
    raw: dict[str, Any] = {
        "name": "big-batch",
        "runtime": {"max_duration_s": 3600, "memory_mb": memory_mb, "vcpu": vcpu},
        "traffic": {"pattern": "batch", "requests_per_month": 30, "protocols": ["schedule"]},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert "ecs-fargate" in ranked(decision)
    near = next(
        (
            reason
            for reason in ranked(decision)["ecs-fargate"].reasons
            if reason.rule == "limits.fargate-task-size-near"
        ),
        None,
    )
    if expected == "none":
        assert near is None
    else:
        assert near is not None
        assert near.impact < 0
        assert "32 vCPU with 244 GB" in near.message
    past = {**raw, "runtime": {**raw["runtime"], "memory_mb": 250_000}}
    assert "ecs-fargate" not in ranked(decide(parse_workload(past), ruleset, advice=False))


def test_a_reason_for_a_fleet_of_ones_own_does_not_offer_the_target_kept_out(ruleset: Ruleset) -> None:
    """A custom AMI keeps Managed Instances out; the GPU team's reason for ECS on EC2 no longer offers it."""
    raw: dict[str, Any] = {
        "name": "gpu-custom-ami",
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 500, "memory_mb": 16384, "vcpu": 4, "gpu": 1},
        "traffic": {"pattern": "steady", "requests_per_month": 5_000_000, "protocols": ["http"]},
        "control": {"custom_ami": True},
        "team": {"kubernetes_experience": "some", "ops_capacity": "high", "current_platform": "eks"},
    }
    decision = decide(parse_workload(raw), ruleset)
    assert decision.recommendation == "ecs-ec2"
    assert "ecs-managed-instances" in {entry.target for entry in decision.excluded}
    wins_because = decision.summary.split("It wins because", 1)[1].split(". ", 1)[0]
    assert "run its own GPU fleet" in wins_because
    assert "Managed Instances" not in wins_because
    # Managed Instances keep their points where they run: the same team without a custom AMI
    without = {**raw, "control": {}}
    managed = decide(parse_workload(without), ruleset, advice=False)
    assert points(managed, "ecs-managed-instances", "control.gpu-ops-team-managed-instances") > 0
    assert points(managed, "ecs-ec2", "control.gpu-ops-team") > 0


@pytest.mark.parametrize("requests", [1e-310, 1e-300, 0.5, 3.0])
def test_a_peak_past_the_months_volume_is_not_also_a_burst(ruleset: Ruleset, requests: float) -> None:
    """A peak past the month's whole volume is a contradiction of its own, said by the engine: not also a burst, and
    no count of times an average near zero (a property test's case, whose ratio overflowed)."""
    raw: dict[str, Any] = {"traffic": {"pattern": "steady", "requests_per_month": requests, "peak_rps": 5}}
    warnings = decide(parse_workload(raw), ruleset, advice=False).warnings
    assert not [text for text in warnings if "× the average rate" in text]
    assert [text for text in warnings if "is more than traffic.requests_per_month" in text]
