"""The bursts a day decider takes when ``traffic.bursts_per_day`` is not given follow the hourly profile (architect
audit, round 23, F5).

A service busy eight office hours a day was taken to burst 24 times a day, one burst an hour of the day, when most of
those hours have no traffic to burst from. The default is now one burst an hour with traffic, each hour counted by its
rate against the busiest (decider/cold_budget.py ``default_bursts``): eight for eight equal office hours, 24 for a flat
profile (as for none), and a quiet hour a small part of one, so the figure moves a little when an hour's rate does.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cold_budget import DEFAULT_BURSTS_PER_DAY, default_bursts

OFFICE_HOURS = [0.0] * 9 + [1.0] * 8 + [0.0] * 7
OFFICE_API: dict[str, Any] = {
    "name": "office-burst-api",
    "runtime": {"avg_duration_ms": 300, "memory_mb": 1024, "startup_s": 2},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 3_000_000,
        "peak_rps": 300,
        "latency_slo_ms": 1000,
        "protocols": ["http"],
        "hourly_profile": OFFICE_HOURS,
    },
    "team": {"ops_capacity": "medium"},
}


def assumed_bursts(raw: dict[str, Any]) -> float:
    return float(dict(parse_workload(raw).defaults)["traffic.bursts_per_day"])


def test_a_service_busy_eight_hours_a_day_is_taken_to_burst_eight_times() -> None:
    parsed = parse_workload(OFFICE_API)
    assert dict(parsed.defaults)["traffic.bursts_per_day"] == pytest.approx(8.0)
    said = next(line for line in parsed.assumptions if line.startswith("traffic.bursts_per_day not given"))
    assert "assumed 8 (a burst an hour with traffic, each hour of traffic.hourly_profile counted" in said


def test_without_a_profile_or_with_a_flat_one_a_burst_an_hour_is_taken() -> None:
    plain = copy.deepcopy(OFFICE_API)
    del plain["traffic"]["hourly_profile"]
    flat = copy.deepcopy(OFFICE_API)
    flat["traffic"]["hourly_profile"] = [3.0] * 24
    assert assumed_bursts(plain) == assumed_bursts(flat) == DEFAULT_BURSTS_PER_DAY == 24.0
    assert "assumed 24 (a burst an hour)" in " ".join(parse_workload(plain).assumptions)


def test_a_weekly_profile_counts_its_hours_with_traffic_a_day_on_average() -> None:
    weekday = OFFICE_HOURS
    week = weekday * 5 + [0.0] * 48
    assert default_bursts(week) == pytest.approx(8.0 * 5 / 7)


def test_quiet_hours_count_by_their_rate_against_the_busiest_so_the_figure_moves_without_a_step() -> None:
    evening = list(OFFICE_HOURS)
    assert default_bursts(evening) == pytest.approx(8.0)
    evening[20] = 0.001  # an hour that was empty gets a trickle: a thousandth of a burst, not a whole one
    assert default_bursts(evening) == pytest.approx(8.001)
    evening[20] = 0.5
    assert default_bursts(evening) == pytest.approx(8.5)


def test_giving_the_assumed_bursts_gives_the_same_decision(ruleset: Ruleset) -> None:
    assumed = decide(parse_workload(OFFICE_API), ruleset, advice=False)
    given_raw = copy.deepcopy(OFFICE_API)
    given_raw["traffic"]["bursts_per_day"] = 8
    given = decide(parse_workload(given_raw), ruleset, advice=False)
    assert [(r.target, r.score, r.monthly_cost) for r in given.ranking] == [
        (r.target, r.score, r.monthly_cost) for r in assumed.ranking
    ]


def test_fewer_bursts_a_day_keep_fewer_environments_warm_than_a_burst_every_hour(ruleset: Ruleset) -> None:
    every_hour = copy.deepcopy(OFFICE_API)
    every_hour["traffic"]["bursts_per_day"] = 24
    kept_then = dict(parse_workload(every_hour).defaults)["runtime.provisioned_concurrency"]
    kept_now = dict(parse_workload(OFFICE_API).defaults)["runtime.provisioned_concurrency"]
    assert kept_now < kept_then
