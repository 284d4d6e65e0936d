"""The ALB's idle timeout, something to configure for long requests (architect 26, L4).

An Application Load Balancer ends a request that sends nothing back for its idle timeout, 60 s by default, with a
504. A container target priced behind one, recommended for requests near or past a minute, gets a warning that names
the value to set: the longest request with a tenth of headroom, at most the 4,000 s AWS allows.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload

REPORT_API: dict[str, Any] = {
    "name": "report-api",
    "runtime": {"avg_duration_ms": 40_000, "max_duration_s": 120, "memory_mb": 2048},
    "traffic": {"pattern": "steady", "requests_per_month": 2_000_000, "protocols": ["http"]},
}


def warned(raw: dict[str, Any], ruleset: Ruleset) -> tuple[str | None, list[str]]:
    decision = decide(parse_workload(raw), ruleset, advice=False)
    return decision.recommendation, [w for w in decision.warnings if "idle_timeout.timeout_seconds" in w]


def with_runtime(**runtime: Any) -> dict[str, Any]:
    return {**REPORT_API, "runtime": {**REPORT_API["runtime"], **runtime}}


def test_a_container_behind_an_alb_with_two_minute_requests_is_told_the_idle_timeout_to_set(ruleset: Ruleset) -> None:
    recommendation, found = warned(REPORT_API, ruleset)
    assert recommendation != "lambda"
    assert found == [
        "Requests take up to 120 s behind the Application Load Balancer priced for "
        f"{ruleset.target(recommendation or '').name}: raise its idle timeout (idle_timeout.timeout_seconds, 60 s by "
        "default) to 134 s, or a request that sends nothing back for 60 s ends with a 504."
    ]


@pytest.mark.parametrize(("longest", "said"), [(55, "62 s"), (3000, "3,334 s"), (3700, "4,000 s (its most")])
def test_the_value_to_set_leaves_a_tenth_of_headroom_up_to_the_most_aws_allows(
    longest: float, said: str, ruleset: Ruleset
) -> None:
    _, found = warned(with_runtime(max_duration_s=longest, avg_duration_ms=longest * 300), ruleset)
    assert len(found) == 1
    assert f"to {said}" in found[0]


@pytest.mark.parametrize(
    ("case", "raw"),
    [
        ("requests well within a minute", with_runtime(max_duration_s=50, avg_duration_ms=20_000)),
        (
            "an API Gateway named as the door",
            {**REPORT_API, "traffic": {**REPORT_API["traffic"], "front_door": "http-api"}},
        ),
        ("a queue consumer, no door", {**REPORT_API, "traffic": {**REPORT_API["traffic"], "protocols": ["queue"]}}),
        ("a batch job", {**REPORT_API, "traffic": {**REPORT_API["traffic"], "pattern": "batch"}}),
    ],
)
def test_no_idle_timeout_is_said_where_no_alb_holds_a_long_request(
    case: str, raw: dict[str, Any], ruleset: Ruleset
) -> None:
    assert warned(raw, ruleset)[1] == [], case


def test_a_lambda_recommendation_is_not_told_of_a_load_balancer_it_is_not_behind(ruleset: Ruleset) -> None:
    raw = {
        **with_runtime(max_duration_s=120, avg_duration_ms=2_000),
        "team": {"current_platform": "lambda", "ops_capacity": "low"},
    }
    raw["traffic"] = {**REPORT_API["traffic"], "pattern": "spiky", "requests_per_month": 200_000}
    recommendation, found = warned(raw, ruleset)
    assert recommendation == "lambda"
    assert found == []
