"""A WebSocket server's container copies hold its open connections: never fewer copies than hold them all, whatever
the message rate; Lambda, behind an API Gateway WebSocket API that holds them, is not sized by them."""

from __future__ import annotations

import math
from typing import Any

from decider.decision import Decision, FargateSizing, InstanceSizing
from decider.engine import decide
from decider.render.decision import to_table
from decider.rules.model import Ruleset
from decider.websocket import MAX_CONNECTIONS_PER_COPY, default_connections_per_copy
from decider.workload import parse_workload

LIVE_SCORES: dict[str, Any] = {
    "runtime": {"max_duration_s": 5, "avg_duration_ms": 30, "memory_mb": 1024},
    "traffic": {
        "pattern": "diurnal",
        "requests_per_month": 40_000_000,
        "peak_rps": 200,
        "protocols": ["websocket"],
        "connections": 2_000_000,
    },
}


def answer(ruleset: Ruleset, **runtime: Any) -> Decision:
    workload = {**LIVE_SCORES, "runtime": {**LIVE_SCORES["runtime"], **runtime}}
    return decide(parse_workload(workload), ruleset, advice=False)


def entry(decision: Decision, target: str) -> Any:
    return next(item for item in decision.ranking if item.target == target)


def test_copies_hold_every_open_connection_at_the_default_limit(ruleset: Ruleset) -> None:
    decision = answer(ruleset)
    held = math.ceil(2_000_000 / (16_384 * 0.7))  # 175 copies of 1,024 MB at 64 KB a connection, at 70%
    fargate = entry(decision, "ecs-fargate").sizing
    assert isinstance(fargate, FargateSizing)
    assert fargate.min_copies == fargate.desired_copies == held == 175
    assert fargate.connections_per_copy == default_connections_per_copy(1024) == 16_384
    assert fargate.task_hours_per_month >= held * 730
    for target in ("ecs-ec2", "ecs-managed-instances"):
        sizing = entry(decision, target).sizing
        assert isinstance(sizing, InstanceSizing)
        assert sizing.min_copies == held
        assert sizing.desired_instances * sizing.copies_per_instance >= held
    assert any(text.startswith("runtime.connections_per_copy not given: assumed") for text in decision.assumptions)
    assert "up to 16,384 open connections per copy" in to_table(decision)
    assert (
        "runtime.connections_per_copy not given: assumed a container copy holds up to 16,384 open connections (its "
        "memory at 64 KB a connection, decider's estimate)" in decision.assumptions
    )


def test_the_default_connections_a_copy_holds_follow_its_memory_up_to_the_open_file_limit() -> None:
    """25,000 connections on a 512 MB task is not credible: the open-file limit is a ceiling, memory binds first."""
    assert default_connections_per_copy(512) == 8_192
    assert default_connections_per_copy(2048) == 32_768
    assert default_connections_per_copy(4096) == default_connections_per_copy(30_720) == MAX_CONNECTIONS_PER_COPY
    assert default_connections_per_copy(0.001) == 1


def test_copies_follow_the_connections_a_copy_is_said_to_hold(ruleset: Ruleset) -> None:
    default, given = answer(ruleset), answer(ruleset, connections_per_copy=2000)
    fargate = entry(given, "ecs-fargate")
    assert fargate.sizing.min_copies == math.ceil(2_000_000 / (2000 * 0.7)) == 1429
    # 1,429 copies all month where the default holds the connections in 175: the task-hours follow the copies.
    tasks = [line.quantity for line in fargate.monthly_cost.lines if line.item.startswith("Fargate tasks")]
    held = [
        line.quantity
        for line in entry(default, "ecs-fargate").monthly_cost.lines
        if line.item.startswith("Fargate tasks")
    ]
    assert tasks == [1429 * 730]
    assert held == [175 * 730]
    assert fargate.monthly_cost.total_usd > 3 * entry(default, "ecs-fargate").monthly_cost.total_usd
    assert not any(text.startswith("runtime.connections_per_copy") for text in given.assumptions)
    # Lambda runs per message behind the WebSocket API, which holds the connections: its bill does not move.
    assert entry(given, "lambda").monthly_cost.total_usd == entry(default, "lambda").monthly_cost.total_usd


def test_few_connections_leave_the_copies_to_the_message_rate(ruleset: Ruleset) -> None:
    few = {**LIVE_SCORES, "traffic": {**LIVE_SCORES["traffic"], "connections": 20_000}}
    decision = decide(parse_workload(few), ruleset, advice=False)
    assert entry(decision, "ecs-fargate").sizing.min_copies == 2  # an always-on service's minimum


def test_work_without_websockets_is_not_sized_by_connections(ruleset: Ruleset) -> None:
    http = {**LIVE_SCORES, "traffic": {**LIVE_SCORES["traffic"], "protocols": ["http"]}}
    http["runtime"] = {**LIVE_SCORES["runtime"], "connections_per_copy": 10}
    decision = decide(parse_workload(http), ruleset, advice=False)
    fargate = entry(decision, "ecs-fargate").sizing
    assert fargate.connections_per_copy is None
    assert fargate.min_copies == 2
    assert not any("connections_per_copy" in text for text in decision.assumptions)
