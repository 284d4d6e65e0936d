"""Findings of the architect audit, round 24, on what decider says of a burst.

- F5: the burst-throttle warning said a burst passes "the 1,000 new environments a function adds every 10 s" whenever
  it held more than 1,000 new environments at once, however long they took to come. A slow-starting function (25 s)
  whose burst climbs to 80 requests a second asks for 80 new environments a second, 800 within 10 s: within
  Lambda's scaling rate (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html), though the 1,508 it holds
  at once pass the account's 1,000 quota. And "raise the quota" was offered against the scaling rate too, which AWS
  does not raise.

(F3, the bursts' assumption counting the requests that miss the target: tests/test_cold_requests_against_p99.py.)
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.render.adr import to_adr
from tests.test_architect_audit_twentythird import FLASH_SALE, burst_warnings

SLOW_START: dict[str, Any] = {
    "name": "slow-start-burst",
    "runtime": {"avg_duration_ms": 200, "max_duration_s": 30, "memory_mb": 1024, "startup_s": 25},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 20_000_000,
        "peak_rps": 80,
        "protocols": ["http"],
        "latency_slo_ms": 60_000,
        "bursts_per_day": 4,
    },
    "team": {"current_platform": "lambda"},
}


def test_a_slow_start_burst_past_the_quota_is_within_the_scaling_rate(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(SLOW_START), ruleset, advice=False)
    average = 20_000_000 / (730 * 3600)
    warm = average * 0.2
    at_once = warm + (80 - warm / 0.2) * 25.2
    assert at_once > 1000  # past the quota
    assert (80 - warm / 0.2) * 10 < 1000  # but the new ones come at 72 a second: 723 within 10 s
    [warning] = burst_warnings(decision)
    assert f"holds about {math.ceil(at_once):,} of AWS Lambda's environments" in warning
    assert "past the account's default quota of 1,000 concurrent executions:" in warning
    assert "new environments a function adds" not in warning
    assert "raise the account's concurrency quota" in warning


def test_a_fast_burst_past_the_scaling_rate_says_the_rate_is_not_raised(ruleset: Ruleset) -> None:
    """The flash sale's 1,704 environments are asked for within its 0.86 s cold request, when a function has 1,086 new
    ones (1,000 at once, 100 a second after, as the p99 budget counts them, decider/cold_budget.py burst_misses): the
    requests past them are throttled, as many as the budget and traffic.burst-beyond-lambda-scaling count."""
    decision = decide(parse_workload(FLASH_SALE), ruleset, advice=False)
    [warning] = burst_warnings(decision)
    average = 52_560_000 / (730 * 3600)
    throttled = (2000 - average) * 0.86 - (1000 + 100 * 0.86)
    assert round(throttled) == 617
    assert (
        "and the new environments a function adds (1,000 at once and 1,000 every 10 s, a rate AWS does not raise; "
        "about 617 requests a burst past them)" in warning
    )
    assert "keep environments warm for the bursts (runtime.provisioned_concurrency) or raise the account's" in warning


def test_bursts_without_a_target_are_not_assumed_where_the_environments_given_hold_them(ruleset: Ruleset) -> None:
    """Property audit 21, F5: with no latency target, traffic.bursts_per_day is assumed only where Lambda's bursts
    throttle; provisioned concurrency given to hold them all left it assumed, said "with no environment kept warm"."""
    traffic = {
        key: value for key, value in FLASH_SALE["traffic"].items() if key not in ("latency_slo_ms", "bursts_per_day")
    }
    bare = parse_workload({**FLASH_SALE, "traffic": traffic})
    [said] = [text for text in bare.assumptions if text.startswith("traffic.bursts_per_day not given")]
    assert "on AWS Lambda with no environment kept warm, each burst asks for new environments faster" in said
    held = parse_workload(
        {**FLASH_SALE, "traffic": traffic, "runtime": {**FLASH_SALE["runtime"], "provisioned_concurrency": 120}}
    )
    assert not [text for text in held.assumptions if text.startswith("traffic.bursts_per_day")]
    assert held.workload.traffic.bursts_per_day is None
    some = parse_workload(
        {**FLASH_SALE, "traffic": traffic, "runtime": {**FLASH_SALE["runtime"], "provisioned_concurrency": 20}}
    )
    [said] = [text for text in some.assumptions if text.startswith("traffic.bursts_per_day not given")]
    assert "on AWS Lambda with the 20 environments kept warm, each burst asks" in said


EKS_CRON: dict[str, Any] = {
    "name": "eks-cleanup-cron",
    "runtime": {"max_duration_s": 300, "memory_mb": 512, "startup_s": 5},
    "traffic": {"pattern": "scheduled", "requests_per_month": 8760},
    "team": {"current_platform": "eks", "kubernetes_experience": "expert"},
}
NODE_RULES = {"team.medium-ops-eks-nodes", "team.low-ops-eks-nodes", "traffic.jobs-on-eks-nodes"}


def eks_rules(raw: dict[str, Any], ruleset: Ruleset) -> set[str]:
    decision = decide(parse_workload(raw), ruleset, advice=False)
    entry = next(item for item in decision.ranking if item.target == "eks")
    return {reason.rule for reason in entry.reasons}


def test_a_job_joining_the_teams_eks_cluster_is_not_charged_for_nodes_of_its_own(ruleset: Ruleset) -> None:
    """F4: a cron the team adds to the EKS cluster it runs was told to go to Fargate (59.8 against 58.0, EKS the
    cheaper), by two reasons about EC2 nodes of its own: "EC2 capacity takes minutes to launch or sits idle between
    runs" and "a fleet of EC2 instances of your own to patch". Its pod joins the cluster's nodes, up and looked after
    already (the bill prices its share of them)."""
    decision = decide(parse_workload(EKS_CRON), ruleset, advice=False)
    assert decision.recommendation == "eks"
    assert not NODE_RULES & eks_rules(EKS_CRON, ruleset)
    low = {**EKS_CRON, "team": {**EKS_CRON["team"], "ops_capacity": "low"}}
    assert "team.low-ops-eks-nodes" not in eks_rules(low, ruleset)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"team": {**EKS_CRON["team"], "new_cluster": True}}, "a cluster of its own"),
        ({"runtime": {**EKS_CRON["runtime"], "gpu": 1}}, "GPU nodes of its own"),
        ({"control": {"instance_types": ["c7i"]}}, "a node group of the named types"),
        ({"team": {"current_platform": "ecs", "kubernetes_experience": "expert"}}, "no EKS cluster yet"),
    ],
)
def test_nodes_of_its_own_still_count(ruleset: Ruleset, change: dict[str, Any], why: str) -> None:
    fired = eks_rules({**EKS_CRON, **change}, ruleset)
    assert "team.medium-ops-eks-nodes" in fired, why
    # Fargate's lead for jobs (what the jobs rules say) counts where Fargate can run the job: not for GPUs or named
    # instance types, which Fargate has neither of, where no rule about what Fargate does well is a reason
    fargate_runs_it = "gpu" not in change.get("runtime", {}) and "control" not in change
    assert ("traffic.jobs-on-eks-nodes" in fired) == fargate_runs_it, why


def test_the_decision_record_marks_what_decider_assumed(ruleset: Ruleset) -> None:
    """F6: the record's context said "It is described as follows: ... 24 bursts a day" where 24 was assumed."""
    traffic = {key: value for key, value in FLASH_SALE["traffic"].items() if key != "bursts_per_day"}
    raw = {**FLASH_SALE, "traffic": traffic}
    parsed = parse_workload(raw)
    assumed = [path for path, _ in parsed.defaults]
    assert "traffic.bursts_per_day" in assumed
    record = to_adr(decide(parsed, ruleset, advice=False), parsed.workload, date="2026-12-06", assumed=assumed)
    [context] = [line for line in record.splitlines() if "It is described as follows" in line]
    assert "in 24 bursts a day (assumed)" in context
    assert "at its peak 2,000 requests a second," in context  # given: not marked
    assert "its p99 latency target is 150 ms." in context
    assert "Values marked assumed were not given: decider assumed them (see Assumptions)." in context
    given = parse_workload(FLASH_SALE)
    record = to_adr(decide(given, ruleset, advice=False), given.workload, date="2026-12-06", assumed=[])
    assert "(assumed)" not in record.split("## Decision Drivers")[0]


def test_the_free_tier_covers_the_first_5_gb_of_logs(ruleset: Ruleset) -> None:
    """F7: with preferences.free_tier, CloudWatch Logs' first 5 GB ingested and 5 GB-months stored each month are free
    (an AWS bill: "First 5GB per month of log data ingested is free", "First 5GB-mo per month of logs storage is
    free"); they were billed in full."""

    def logs(gb: float, free_tier: bool) -> list[tuple[str, float, float]]:
        raw = {
            "runtime": {"avg_duration_ms": 100, "memory_mb": 512},
            "traffic": {"pattern": "diurnal", "requests_per_month": 1_000_000},
            "network": {"logs_gb_per_month": gb},
            "preferences": {"free_tier": free_tier},
        }
        decision = decide(parse_workload(raw), ruleset, advice=False)
        function = next(entry for entry in decision.ranking if entry.target == "lambda")
        assert function.monthly_cost is not None
        return [(line.item, line.quantity, line.usd) for line in function.monthly_cost.lines if "Logs" in line.item]

    assert logs(12, True) == [
        ("CloudWatch Logs ingested after 5 GB free", 7, 3.5),
        ("CloudWatch Logs stored (one month's volume) after 5 GB free", 7, 0.21),
    ]
    assert [usd for _, _, usd in logs(5, True)] == [0.0, 0.0]
    assert all("within the free tier" in item for item, _, _ in logs(5, True))
    assert logs(12, False) == [
        ("CloudWatch Logs ingested", 12, 6.0),
        ("CloudWatch Logs stored (one month's volume)", 12, 0.36),
    ]
