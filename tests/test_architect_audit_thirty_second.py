"""Architect audit, round 32: a front door named makes requests arrive over HTTP when no protocols are given, and a
door named beside protocols it cannot answer is said before acting (F1); ..."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

#: A webhook receiver (a payment provider's callbacks): bursty event traffic that arrives over HTTP through an ALB.
WEBHOOKS: dict[str, Any] = {
    "name": "partner-webhook-receiver",
    "runtime": {"avg_duration_ms": 200, "memory_mb": 1024},
    "traffic": {"pattern": "event", "requests_per_month": 100_000_000, "front_door": "alb"},
    "preferences": {"region": "us-east-1"},
}


def _decided(ruleset: Ruleset, **traffic: Any) -> Decision:
    raw = copy.deepcopy(WEBHOOKS)
    raw["traffic"].update(traffic)
    return decide(parse_workload(raw), ruleset, advice=False)


def _door_lines(decision: Decision) -> dict[str, list[str]]:
    return {
        entry.target: [line.item for line in entry.monthly_cost.lines if "Load Balancer" in line.item]
        for entry in decision.ranking
        if entry.monthly_cost is not None
    }


@pytest.mark.parametrize("door", ["alb", "http-api", "rest-api", "function-url"])
def test_a_front_door_named_with_no_protocols_means_requests_arrive_over_http(ruleset: Ruleset, door: str) -> None:
    parsed = parse_workload({**WEBHOOKS, "traffic": {**WEBHOOKS["traffic"], "front_door": door}})
    assert parsed.workload.protocols == ("http",)
    assert f"traffic.protocols not given: assumed [http] (traffic.front_door {door})" in parsed.assumptions
    assert not any("assumed [queue]" in said for said in parsed.assumptions)


def test_the_door_named_is_billed_and_no_queue_reason_is_given(ruleset: Ruleset) -> None:
    decision = _decided(ruleset)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    assert fargate.sizing is not None
    assert fargate.sizing.front_door == "application-load-balancer"
    assert _door_lines(decision)["ecs-fargate"], "the ALB the user named is on the containers' bill"
    assert "work arrives on a queue" not in decision.summary
    for entry in decision.ranking:
        assert all(reason.rule != "traffic.queue-event-source" for reason in entry.reasons)
    # as if the protocols were given: the same answer
    given = _decided(ruleset, protocols=["http"])
    assert given.recommendation == decision.recommendation
    assert given.ranking == decision.ranking


def test_no_door_named_keeps_event_work_on_a_queue(ruleset: Ruleset) -> None:
    for traffic in ({"front_door": "none"}, {}):
        raw = copy.deepcopy(WEBHOOKS)
        raw["traffic"].pop("front_door")
        raw["traffic"].update(traffic)
        parsed = parse_workload(raw)
        assert parsed.workload.protocols == ("queue",)
        assert "traffic.protocols not given: assumed [queue]" in parsed.assumptions


@pytest.mark.parametrize("protocols", [["queue"], ["schedule"], ["queue", "schedule"]])
def test_a_door_named_beside_protocols_no_door_answers_is_said_before_acting(
    ruleset: Ruleset, protocols: list[str]
) -> None:
    decision = _decided(ruleset, protocols=protocols)
    said = [warning for warning in decision.warnings if "traffic.front_door alb answers clients' requests" in warning]
    assert len(said) == 1
    assert f"traffic.protocols ({protocols!r}".replace("'", "") in said[0].replace("'", "")
    assert "Give traffic.protocols [http]" in said[0]
    assert decision.summary.startswith("Check before acting:")
    assert not any(_door_lines(decision).values()), "as the warning says, no door is priced"


@pytest.mark.parametrize("protocols", [["http"], ["grpc"], ["queue", "http"]])
def test_a_door_named_beside_protocols_it_answers_is_no_contradiction(ruleset: Ruleset, protocols: list[str]) -> None:
    decision = _decided(ruleset, protocols=protocols)
    assert not any("answers clients' requests" in warning for warning in decision.warnings)
