"""Architect audit, round 35: a crossing found on a step of EKS's bill (F1); the review's Kubernetes LoadBalancer
Service says its Network Load Balancer is priced as the Application Load Balancer every target is priced behind (F2);
Slack's ``platform=`` (F3, in tests/slack/test_grammar.py)."""

from __future__ import annotations

from typing import Any

from decider.engine import decide
from decider.rules.model import Ruleset
from decider.workload import parse_workload

#: An IoT ingest on Lambda (iRobot's serverless backend, as the audit built it): 900M queue messages a month.
INGEST: dict[str, Any] = {
    "name": "irobot-iot-ingest",
    "runtime": {"max_duration_s": 5, "avg_duration_ms": 80, "memory_mb": 512},
    "traffic": {"pattern": "event", "requests_per_month": 900_000_000, "protocols": ["queue"]},
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
    "preferences": {"region": "us-east-1"},
}


def totals(raw: dict[str, Any], ruleset: Ruleset, volume: float) -> dict[str, float]:
    changed = {**raw, "traffic": {**raw["traffic"], "requests_per_month": volume}}
    decision = decide(parse_workload(changed), ruleset, advice=False)
    return {item.target: item.monthly_cost.total_usd for item in decision.ranking if item.monthly_cost}


def test_a_crossing_found_on_a_step_is_not_said_where_the_bills_first_crossed_further_up(ruleset: Ruleset) -> None:
    """Down from 900M, Lambda is first cheaper than EKS below ~655M (EKS's bill steps at ~641M, ~594M and ~572M, and
    the two take turns down to ~509M). A bisection landed on the step at ~570M and "Between ~520M and ~570M Lambda is
    cheaper than EKS" was said, while Lambda was cheaper at 575M–594M too; the search short of a crossing now looks
    within 10% of it, finds the crossing further up and, the bills taking turns below it, says no threshold."""
    for volume, cheaper, dearer in ((650e6, "lambda", "eks"), (620e6, "eks", "lambda"), (580e6, "lambda", "eks")):
        priced = totals(INGEST, ruleset, volume)
        assert priced[cheaper] < priced[dearer], (volume, priced)  # the bills take turns, as the docstring says
    decision = decide(parse_workload(INGEST), ruleset)
    said = [text for text in decision.what_would_change if "Amazon EKS" in text and "AWS Lambda" in text]
    assert not any("~570M" in text or "~520M" in text for text in said), said
    [point] = [item for item in decision.break_even if {item.target, item.versus} == {"eks", "lambda"}]
    # Said, it would start where Lambda is first cheaper on the way down: not below ~640M
    assert point.resized_requests_per_month is None or point.resized_requests_per_month >= 640e6
