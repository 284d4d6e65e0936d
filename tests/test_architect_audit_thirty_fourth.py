"""Architect audit, round 34: a job whose longest run nobody gave is tried past Lambda's 15 minutes too, so an answer
that rests on a short run says so (F1)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.alternatives import JOB_LONG_RUN_S, alternatives

NIGHTLY: dict[str, Any] = {"name": "nightly-etl", "traffic": {"pattern": "scheduled", "requests_per_month": 30}}
BATCH: dict[str, Any] = {
    "name": "batch-4g",
    "traffic": {"pattern": "batch", "requests_per_month": 200},
    "runtime": {"memory_mb": 4096},
}


@pytest.mark.parametrize("raw", [NIGHTLY, BATCH], ids=["scheduled", "batch"])
def test_a_job_with_no_run_time_says_its_answer_assumes_a_short_run(raw: dict[str, Any], ruleset: Ruleset) -> None:
    parsed = parse_workload(raw)
    assert "runtime.max_duration_s not given: assumed 1 s (a short run)" in parsed.assumptions
    decision = decide(parsed, ruleset)
    assert decision.recommendation == "lambda"
    assert decision.decisive_assumptions[0] == "runtime.max_duration_s"
    assert decision.assumptions[0].startswith("runtime.max_duration_s not given")
    (longest,) = [
        item
        for item in decision.counterfactuals
        if item.kind == "assumption" and "runtime.max_duration_s" in item.change
    ]
    assert longest.change["runtime.max_duration_s"] == JOB_LONG_RUN_S
    assert longest.recommendation == "ecs-fargate"
    assert "This answer assumes 1 s for the longest unit of work" in decision.summary
    assert "AWS Lambda would be excluded (limits.lambda-max-duration)" in decision.summary
    # and it is true when applied: the job an hour long goes to a container
    changed = {**raw, "runtime": {**raw.get("runtime", {}), **{k.split(".")[1]: v for k, v in longest.change.items()}}}
    assert decide(parse_workload(changed), ruleset, advice=False).recommendation == "ecs-fargate"


def test_an_hour_is_tried_only_for_a_job_whose_tried_runs_all_fit_lambda() -> None:
    job = parse_workload(NIGHTLY).workload
    assert alternatives("runtime.max_duration_s", 1.0, job) == [0.1, 10.0, JOB_LONG_RUN_S]
    # ×10 past Lambda's limit already: no hour added
    assert alternatives("runtime.max_duration_s", 100.0, job) == [10.0, 1000.0]
    # a request-driven service's longest request is not a run: no hour
    service = parse_workload({"traffic": {"pattern": "steady"}}).workload
    assert alternatives("runtime.max_duration_s", 1.0, service) == [0.1, 10.0]


def test_a_service_with_no_duration_still_says_a_short_request() -> None:
    assert "runtime.max_duration_s not given: assumed 1 s (a short request)" in parse_workload({}).assumptions
