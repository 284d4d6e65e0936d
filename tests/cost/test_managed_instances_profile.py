"""Lambda Managed Instances hour by hour (decider/cost/mode_plans.py): with a ``traffic.hourly_profile`` its execution
environments follow each hour's load, as the container targets' copies do, on instances never fewer than its three
(architect audit 37, F2: an office-hours portal's instances were billed on the month's average, ~$300 low, and Lambda
was recommended over the cheaper Fargate)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload

#: An HR portal busy in office hours, on a team already on Lambda (architect audit 37, F2).
OFFICE = [0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 10, 10, 8, 10, 10, 10, 8, 4, 2, 1, 0, 0, 0, 0]
PORTAL: dict[str, Any] = {
    "runtime": {"max_duration_s": 3, "avg_duration_ms": 300, "memory_mb": 2048, "architecture": "x86_64"},
    "traffic": {"pattern": "steady", "requests_per_month": 150_000_000, "hourly_profile": OFFICE},
    "team": {"current_platform": "lambda"},
    "preferences": {"region": "us-east-1"},
}


def with_profile(profile: list[float] | None) -> dict[str, Any]:
    traffic = {key: value for key, value in PORTAL["traffic"].items() if key != "hourly_profile"}
    return {**PORTAL, "traffic": traffic if profile is None else {**traffic, "hourly_profile": profile}}


def managed(decision: Decision) -> tuple[float, Any]:
    """Lambda's Managed Instances mode: its month and its sizing."""
    [entry] = [item for item in decision.ranking if item.target == "lambda"]
    assert entry.sizing is not None
    [mode] = [option for option in entry.sizing.modes if option.mode == "managed-instances"]
    assert mode.monthly_usd is not None
    return mode.monthly_usd, entry.sizing


def test_office_hours_bill_each_hours_instances(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(PORTAL), ruleset, advice=False)
    usd, sizing = managed(decision)
    assert sizing.mode == "managed-instances"
    assert (sizing.instance_type, sizing.copies_per_instance) == ("m6i.large", 2)
    # By hand: an hour of weight w carries 150M × w ÷ 95 requests over 730 ÷ 24 hours; its environments are the work
    # in flight (0.3 s each) over 0.7 of one, in whole environments, two to an m6i.large, never fewer than 3 instances.
    # For the 15 minutes after a busier hour, that hour's instances stay up.
    span = 730 / 24
    flight = [150_000_000 * weight / 95 * 0.3 / 3600 / 0.7 / span for weight in OFFICE]
    instances = [max(3, math.ceil(math.ceil(envs - 1e-9) / 2 - 1e-9)) for envs in flight]
    hours = 0.0
    for hour, own in enumerate(instances):
        before = instances[hour - 1]
        hours += span * 0.75 * own + span * 0.25 * before if flight[hour - 1] > flight[hour] else span * own
    assert sizing.instance_hours_per_month == pytest.approx(hours, rel=1e-9)  # 10,265.625
    # $0.096 an hour and the 15% fee on it, and $0.20 a million requests and the HTTP API's $1 a million
    assert usd == pytest.approx(hours * (0.096 + 0.0144) + 30 + 150, abs=0.01)
    # the month's average (no profile) needs 4 instances of 7 environments all month: $1,207.55, ~$100 less
    flat_usd, _ = managed(decide(parse_workload(with_profile(None)), ruleset, advice=False))
    assert flat_usd == pytest.approx(1207.55, abs=0.01)
    assert usd > flat_usd
    # Fargate, billed hour by hour too, is now the cheaper, and the recommendation
    assert decision.recommendation == "ecs-fargate"


def test_a_flat_profile_bills_as_no_profile(ruleset: Ruleset) -> None:
    flat, _ = managed(decide(parse_workload(with_profile([1] * 24)), ruleset, advice=False))
    none, _ = managed(decide(parse_workload(with_profile(None)), ruleset, advice=False))
    assert flat == none
