"""A job's start-up minutes weigh against short runs only (architect 26, a note).

``traffic.jobs-run-as-tasks`` and ``traffic.jobs-on-eks-nodes`` give Fargate points because it starts a job in about
30 seconds while instances take minutes to launch. Minutes matter to a run of minutes, not to one of hours: the rules
count in full for runs of half an hour or less, fall on a ramp, and count nothing from four hours.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload

JOB_RULES = ("traffic.jobs-run-as-tasks", "traffic.jobs-on-eks-nodes")


def job(avg_s: float) -> dict[str, Any]:
    return {
        "name": "nightly-export",
        "runtime": {"avg_duration_ms": avg_s * 1000, "max_duration_s": avg_s * 1.5, "memory_mb": 4096},
        "traffic": {"pattern": "scheduled", "requests_per_month": 30},
    }


def points(avg_s: float, ruleset: Ruleset) -> dict[tuple[str, str], float]:
    decision = decide(parse_workload(job(avg_s)), ruleset, advice=False)
    return {
        (entry.target, reason.rule): reason.impact
        for entry in decision.ranking
        for reason in entry.reasons
        if reason.rule in JOB_RULES
    }


def test_a_half_hour_run_counts_the_start_up_minutes_in_full_and_a_four_hour_run_not_at_all(ruleset: Ruleset) -> None:
    short = points(1800, ruleset)
    assert short[("ecs-fargate", "traffic.jobs-run-as-tasks")] > 0
    assert short[("ecs-ec2", "traffic.jobs-run-as-tasks")] < 0
    assert ("eks", "traffic.jobs-on-eks-nodes") in short
    assert points(14400, ruleset) == {}  # a four-hour run: the minutes to launch are not a reason


@pytest.mark.parametrize("rule", JOB_RULES)
def test_the_points_fall_as_runs_get_longer(rule: str, ruleset: Ruleset) -> None:
    fargate = [points(seconds, ruleset).get(("ecs-fargate", rule), 0.0) for seconds in (1800, 3600, 7200, 10800)]
    assert fargate == sorted(fargate, reverse=True)
    assert fargate[0] > fargate[-1] > 0


def test_the_reason_names_the_run_it_weighs_the_minutes_against(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(job(3600)), ruleset, advice=False)
    messages = {reason.message for entry in decision.ranking for reason in entry.reasons if reason.rule in JOB_RULES}
    assert messages
    assert all("count against a run of 3,600 s, less the longer the run" in m for m in messages)
