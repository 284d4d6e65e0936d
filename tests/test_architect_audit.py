"""Defects an architect's audit of 30 workloads from public cases found, each kept fixed here:

- API Gateway's 30 s timeout is held against Lambda only behind API Gateway, not behind the function URL decider
  itself prices for longer requests (nor an ALB);
- a copy on the host's network holds its port: one copy an instance, on ECS on EC2, Managed Instances and EKS;
- the summary excludes a target for the limit the workload is furthest past (no GPU before a 10 GB image);
- a graded rule's message does not assert a threshold the workload does not meet;
- a copy no instance type holds is said to make the recommendation unrunnable;
- the warning about thousands of copies counts them as the recommendation is sized, and blames only the assumptions
  they come from;
- a peak rate above the month's whole volume is said to contradict it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from decider import Decision, Ruleset, decide, load_ruleset, parse_workload
from decider.decision import RankedTarget
from decider.rules.location import PRICING_DIR
from tests.conftest import SHIPPED_RULES_DIR


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def fired(decision: Decision, target: str) -> set[str]:
    return {reason.rule for reason in entry(decision, target).reasons}


SLOW_REPORTS: dict[str, Any] = {
    "runtime": {"max_duration_s": 60, "avg_duration_ms": 20_000, "memory_mb": 1024},
    "traffic": {"pattern": "spiky", "requests_per_month": 100_000, "protocols": ["http"]},
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
}


def limits_against(decision: Decision, target: str) -> set[str]:
    return {reason.rule for reason in entry(decision, target).reasons if reason.category == "limits"}


def test_api_gateways_timeout_counts_only_behind_api_gateway(ruleset: Ruleset) -> None:
    """60 s requests: with no front door named, Lambda is priced behind a function URL (15 minutes), and the -8 for
    API Gateway's 30 s limit fired anyway, flipping the answer to Fargate."""
    chosen = decided(ruleset, SLOW_REPORTS)
    lambda_ = entry(chosen, "lambda")
    assert lambda_.sizing is not None
    assert lambda_.sizing.front_door == "lambda-function-url"
    assert limits_against(chosen, "lambda") == set()
    assert chosen.recommendation == "lambda"
    # An API Gateway the user names binds every target behind it alike: a warning for all, no point against Lambda.
    for door, warned in (("http-api", True), ("rest-api", True), ("alb", False), ("function-url", False)):
        named = decided(ruleset, {**SLOW_REPORTS, "traffic": {**SLOW_REPORTS["traffic"], "front_door": door}})
        assert limits_against(named, "lambda") == set(), door
        assert any("integration timeout" in warning for warning in named.warnings) is warned, door
    # With no door named, decider leaves the 30 s timeout a tenth of headroom: a request that, landing on a new
    # environment (1 s start by default), could run 27 s or more is priced behind a function URL; below, an HTTP API.
    for longest, door in ((25.5, "api-gateway-http-api"), (26.5, "lambda-function-url"), (29, "lambda-function-url")):
        near = decided(ruleset, {**SLOW_REPORTS, "runtime": {**SLOW_REPORTS["runtime"], "max_duration_s": longest}})
        near_lambda = entry(near, "lambda")
        assert near_lambda.sizing is not None
        assert near_lambda.sizing.front_door == door, longest
        assert limits_against(near, "lambda") == set(), longest


def test_a_copy_on_the_host_network_has_an_instance_to_itself(ruleset: Ruleset) -> None:
    """ECS's host network mode runs one task a host (only the first binds its port); decider packed three a node."""
    sections: dict[str, Any] = {
        "runtime": {"memory_mb": 4096, "vcpu": 2, "long_running": True},
        "traffic": {"pattern": "steady", "requests_per_month": 50_000_000, "peak_rps": 100, "protocols": ["tcp"]},
        "control": {"host_networking": True},
        "preferences": {"region": "us-east-1"},
    }
    decision = decided(ruleset, sections)
    sized = 0
    for target in ("ecs-managed-instances", "ecs-ec2", "eks"):
        sizing = entry(decision, target).sizing
        assert sizing is not None, target
        assert sizing.kind == "instances", target
        assert sizing.copies_per_instance == 1, target
        assert sizing.desired_instances >= sizing.desired_copies, target
        sized += 1
    assert sized == 3
    # Without the host network the same copies share instances again.
    shared = decided(ruleset, {**sections, "control": {}})
    assert any(
        item.sizing is not None and item.sizing.kind == "instances" and item.sizing.copies_per_instance > 1
        for item in shared.ranking
    )


def test_the_summary_names_the_limit_the_workload_is_furthest_past(ruleset: Ruleset) -> None:
    """A GPU service with a 12 GB image: Lambda was said to be excluded for its 10 GB image limit."""
    decision = decided(ruleset, {"runtime": {"gpu": 1, "memory_mb": 24_576, "artifact_mb": 12_000}})
    excluded = decision.summary[decision.summary.index("Excluded:") :]
    # Its memory (24,576 MB) and image (12,000 MB) are past Lambda's limits too: counted, not named.
    assert excluded.startswith(
        "Excluded: AWS Lambda (Lambda has no GPU option; this workload needs 1 GPU per copy; 2 more limits too); "
    )


def test_a_graded_rule_does_not_claim_a_threshold_the_workload_misses(tmp_path: Path) -> None:
    """About 65,753 units of work a day were said to be "well under the ~50,000 a day" below which Lambda is cheaper.
    The rule stands in for cost: it scores a target that has no bill (here every target: rules without price books)."""
    shutil.copytree(SHIPPED_RULES_DIR, tmp_path / "rules", ignore=shutil.ignore_patterns(PRICING_DIR))
    decision = decided(
        load_ruleset(rules_dir=tmp_path / "rules"),
        {
            "runtime": {"max_duration_s": 5, "avg_duration_ms": 150, "memory_mb": 2048},
            "traffic": {"pattern": "spiky", "requests_per_month": 2_000_000, "peak_rps": 40, "protocols": ["http"]},
            "preferences": {"region": "eu-central-1"},
        },
    )
    [message] = [reason.message for reason in entry(decision, "lambda").reasons if reason.rule == "traffic.low-volume"]
    assert message.startswith("About 65,753 units of work a day; below about 50,000 a day")
    assert "well under" not in message


def test_a_copy_no_instance_holds_makes_the_recommendation_unrunnable(ruleset: Ruleset) -> None:
    decision = decided(ruleset, {"runtime": {"gpu": 8, "vcpu": 256, "memory_mb": 3_000_000}})
    assert decision.warnings[0].startswith(
        "No eligible target has a bill here: no instance type in the us-east-1 catalogue holds one copy"
    )
    assert "No type in this price book's catalogue holds one copy as described" in decision.warnings[0]
    assert "check runtime.vcpu, runtime.memory_mb and runtime.gpu, or price the type you mean" in decision.warnings[0]
    for item in decision.ranking:
        assert item.no_price is not None
        assert "(256 vCPU, 3,000,000 MB, 8 GPU)" in item.no_price


def test_the_copies_warned_of_are_the_recommendations_own(ruleset: Ruleset) -> None:
    """20-minute transcodes from a queue: the warning said 3,429 copies (at 70% utilisation) where the sizing said
    4,800 (a queue worker's 50%)."""
    decision = decided(
        ruleset,
        {
            "runtime": {"max_duration_s": 2400, "avg_duration_ms": 1_200_000, "memory_mb": 8192, "vcpu": 4},
            "traffic": {"pattern": "event", "requests_per_month": 5000, "peak_rps": 2, "protocols": ["queue"]},
            "preferences": {"spot_ok": True},
        },
    )
    sizing = entry(decision, decision.recommendation or "").sizing
    assert sizing is not None
    assert sizing.kind == "fargate"
    [warning] = [text for text in decision.warnings if "container copies at peak" in text]
    assert f"needs {sizing.max_copies:,} container copies at peak" in warning


def test_copies_that_hold_given_connections_blame_no_assumed_peak(ruleset: Ruleset) -> None:
    """A million WebSocket connections, one a copy, both given: the warning blamed the assumed peak rate."""
    decision = decided(
        ruleset,
        {
            "runtime": {"avg_duration_ms": 10, "max_duration_s": 1, "memory_mb": 512, "connections_per_copy": 1},
            "traffic": {
                "pattern": "steady",
                "requests_per_month": 1000,
                "protocols": ["websocket"],
                "connections": 1_000_000,
            },
        },
    )
    assert "traffic.peak_rps" in dict(parse_workload({"traffic": {"protocols": ["websocket"]}}).defaults)
    [warning] = [text for text in decision.warnings if "container copies at peak" in text]
    assert warning.startswith("The load as described needs 1,428,572 container copies at peak (over 1,000).")
    assert "rests on values decider assumed" not in warning


def test_a_peak_above_the_months_volume_is_said_to_contradict_it(ruleset: Ruleset) -> None:
    """1,000 requests a month at a peak of 10,000 a second: sized for the peak with no word that one second of it is
    ten months of the volume."""
    decision = decided(ruleset, {"traffic": {"requests_per_month": 1000, "peak_rps": 10_000}})
    assert decision.warnings[0] == (
        "traffic.peak_rps (10,000 a second) is more than traffic.requests_per_month (1,000): one second at that peak "
        "would be more than the month's volume; check both figures (the peak is a rate a second, the volume a count "
        "a month)."
    )
    # A short burst well within the month's volume is no contradiction.
    assert not any(
        "more than traffic.requests_per_month" in text
        for text in decided(ruleset, {"traffic": {"requests_per_month": 1_000_000, "peak_rps": 5_000}}).warnings
    )
