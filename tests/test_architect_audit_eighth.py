"""Defects an eighth architect's audit of 44 more workload shapes found, each kept fixed here:

- a start past the 10 s Lambda gives a function's Init phase counts against a request-driven function, and a job's
  run on Lambda is billed from its init, as a Fargate task's run is from its start;
- WebSocket connections behind an API Gateway HTTP or REST API named: the containers are priced behind an ALB (an
  HTTP API cannot hold them), and warned of for them, not only for Lambda;
- a load balancer named for TCP or UDP alone is said to be replaced by an NLB;
- gRPC beside HTTP behind an HTTP API: the warning says the gRPC calls reach the ALB already on the containers'
  bills, not a load balancer no bill includes;
- control.instance_types naming only another architecture's types is said as the cause;
- a GPU service joining an existing EKS cluster pays for GPU nodes of its own, not a share of the cluster's nodes.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import RankedTarget


def decided(ruleset: Ruleset, sections: dict[str, Any]) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=False)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def items(decision: Decision, target: str) -> dict[str, float]:
    cost = entry(decision, target).monthly_cost
    assert cost is not None
    return {line.item: line.usd for line in cost.lines}


def test_a_start_past_lambdas_init_limit_counts_against_a_request_driven_function(ruleset: Ruleset) -> None:
    api: dict[str, Any] = {
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 300, "memory_mb": 2048, "startup_s": 30},
        "traffic": {"pattern": "spiky", "requests_per_month": 2_000_000},
    }
    slow = {reason.rule: reason for reason in entry(decided(ruleset, api), "lambda").reasons}
    rule = slow["limits.lambda-init-past-10s"]
    # both in full at 30 s: the start's 8 points, and the caller's wait's 10
    assert slow["limits.lambda-cold-wait-past-15s"].impact < rule.impact < -7.5
    assert rule.message.startswith("A 30 s start is near or past the 10 s Lambda gives a function's Init phase")
    quick = {**api, "runtime": {**api["runtime"], "startup_s": 1}}
    quick_rules = {reason.rule for reason in entry(decided(ruleset, quick), "lambda").reasons}
    assert "limits.lambda-init-past-10s" not in quick_rules


def test_a_jobs_run_on_lambda_is_billed_from_its_init(ruleset: Ruleset) -> None:
    """720 runs of 600 s at 4 GB, each starting in 300 s: 720 × 900 s × 4 GB = 2,592,000 GB-s × $0.0000133334
    (arm64) = $34.56; the job's run on Fargate is billed from its start too."""
    job: dict[str, Any] = {
        "runtime": {"max_duration_s": 600, "memory_mb": 4096, "vcpu": 2, "startup_s": 300, "architecture": "arm64"},
        "traffic": {"pattern": "scheduled", "requests_per_month": 720},
    }
    decision = decided(ruleset, job)
    lambda_ = entry(decision, "lambda")
    assert lambda_.monthly_cost is not None
    (duration,) = [line for line in lambda_.monthly_cost.lines if line.item.startswith("Lambda duration")]
    assert duration.quantity == 2_592_000
    assert lambda_.monthly_cost.total_usd == 34.56
    assert "limits.lambda-init-past-10s" not in {reason.rule for reason in lambda_.reasons}  # a job only pays for it


WEBSOCKET: dict[str, Any] = {
    "runtime": {"max_duration_s": 1, "avg_duration_ms": 20, "memory_mb": 1024, "long_running": True},
    "traffic": {
        "pattern": "diurnal",
        "requests_per_month": 50_000_000,
        "payload_mb": 0.002,
        "protocols": ["websocket"],
        "connections": 20000,
        "front_door": "http-api",
    },
}


def test_websocket_containers_behind_an_http_api_named_are_priced_behind_an_alb_and_warned_of(
    ruleset: Ruleset,
) -> None:
    decision = decided(ruleset, WEBSOCKET)
    (warning,) = [text for text in decision.warnings if "cannot carry WebSocket connections" in text]
    assert "The containers are priced behind an Application Load Balancer instead." in warning
    fargate = items(decision, "ecs-fargate")
    assert not any(item.startswith("API Gateway") for item in fargate)
    assert "Application Load Balancer hours" in fargate
    with_alb = decided(ruleset, {**WEBSOCKET, "traffic": {**WEBSOCKET["traffic"], "front_door": "alb"}})
    assert items(with_alb, "ecs-fargate") == fargate


def test_a_load_balancer_named_for_tcp_alone_is_said_to_be_an_nlb(ruleset: Ruleset) -> None:
    broker: dict[str, Any] = {
        "runtime": {"memory_mb": 2048, "vcpu": 1, "long_running": True, "concurrency_per_copy": 500},
        "traffic": {"pattern": "steady", "requests_per_month": 100_000_000, "protocols": ["tcp"], "front_door": "alb"},
    }
    decision = decided(ruleset, broker)
    assert [text for text in decision.warnings if text.startswith("traffic.front_door alb cannot carry TCP or UDP")]
    assert "Network Load Balancer hours" in items(decision, "ecs-fargate")
    named_none = {**broker, "traffic": {**broker["traffic"], "front_door": None}}
    assert not [text for text in decided(ruleset, named_none).warnings if "cannot carry TCP" in text]


def test_grpc_beside_http_behind_an_http_api_goes_to_the_alb_on_the_containers_bills(ruleset: Ruleset) -> None:
    both: dict[str, Any] = {
        "runtime": {"memory_mb": 1024, "vcpu": 0.5, "concurrency_per_copy": 50},
        "traffic": {"pattern": "steady", "requests_per_month": 100_000_000, "protocols": ["http", "grpc"]},
    }
    decision = decided(ruleset, {**both, "traffic": {**both["traffic"], "front_door": "http-api"}})
    (warning,) = [text for text in decision.warnings if "cannot carry gRPC" in text]
    assert "the rest going to the Application Load Balancer they have behind it (on their bills)" in warning
    assert "no bill includes" not in warning
    assert "Application Load Balancer hours" in items(decision, "ecs-fargate")


def test_instance_types_of_another_architecture_are_said_as_the_cause(ruleset: Ruleset) -> None:
    decision = decided(
        ruleset,
        {
            "runtime": {"memory_mb": 2048, "vcpu": 1, "architecture": "x86_64"},
            "traffic": {"pattern": "steady", "requests_per_month": 30_000_000},
            "control": {"instance_types": ["m7g"]},
        },
    )
    # m7g is arm64 at every size: the instance targets are kept out for it (a family is judged as a type is), with
    # the architecture named as the cause, not ranked without a bill
    assert decision.recommendation is None
    for target in ("ecs-ec2", "ecs-managed-instances", "eks"):
        [kept_out] = [item for item in decision.excluded if item.target == target]
        said = [reason.message for reason in kept_out.reasons if reason.rule == "limits.named-types-unsuited"]
        assert len(said) == 1
        assert "m7g is arm64, the workload x86_64" in said[0]
        assert "x2iedn" not in said[0]
    assert not any("no Arm GPU type" in text for text in decision.warnings)


def test_a_gpu_service_on_an_existing_eks_cluster_pays_for_gpu_nodes_of_its_own(ruleset: Ruleset) -> None:
    service: dict[str, Any] = {
        "runtime": {"memory_mb": 30000, "vcpu": 8, "gpu": 1, "architecture": "x86_64", "long_running": True},
        "traffic": {"pattern": "steady", "requests_per_month": 2_000_000, "front_door": "alb"},
        "team": {"current_platform": "eks", "kubernetes_experience": "expert"},
    }
    existing = decided(ruleset, service)
    new = decided(ruleset, {**service, "team": {**service["team"], "new_cluster": True}})
    nodes = {item: usd for item, usd in items(existing, "eks").items() if item.startswith("EKS nodes")}
    assert not any("share of the existing cluster's nodes" in item for item in nodes)
    new_nodes = {item: usd for item, usd in items(new, "eks").items() if item.startswith("EKS nodes")}
    assert nodes == new_nodes  # its own whole nodes, as on a cluster of its own; the control plane is the cluster's
    (said,) = [text for text in existing.assumptions if text.startswith("team.current_platform is eks")]
    assert "its pods need GPU nodes" in said


def test_copies_kept_up_given_for_a_job_are_said_to_be_unused(ruleset: Ruleset) -> None:
    """A job's run starts its own copy and stops it: two copies "always running" are neither billed nor kept."""
    job: dict[str, Any] = {
        "runtime": {"memory_mb": 2048, "vcpu": 1, "min_copies": 2},
        "traffic": {"pattern": "scheduled", "requests_per_month": 30},
    }
    (warning,) = [text for text in decided(ruleset, job).warnings if text.startswith("runtime.min_copies")]
    assert warning.startswith("runtime.min_copies (2) is the copies a service keeps running, and traffic.pattern")
    assert "it is not used" in warning
    service = {**job, "traffic": {"pattern": "steady", "requests_per_month": 30}}
    assert not [text for text in decided(ruleset, service).warnings if text.startswith("runtime.min_copies")]


def test_a_jobs_runs_that_follow_one_another_reuse_a_warm_environment_and_pay_no_init(ruleset: Ruleset) -> None:
    """400,000 runs of 20 s a month start about every 6.6 s: the environment stays warm, no run pays its init; runs
    15 minutes apart or more all start cold; in between, by the idle time (no cliff)."""

    def duration(runs: float, average_ms: float) -> float:
        job: dict[str, Any] = {
            "runtime": {"avg_duration_ms": average_ms, "max_duration_s": 120, "memory_mb": 1024, "startup_s": 10},
            "traffic": {"pattern": "batch", "requests_per_month": runs},
        }
        cost = entry(decided(ruleset, job), "lambda").monthly_cost
        assert cost is not None
        return sum(line.quantity for line in cost.lines if line.item.startswith("Lambda duration"))

    assert duration(400_000, 20_000) == 400_000 * 20  # GB-seconds at 1 GB: the work alone
    assert duration(720, 60_000) == 720 * 70  # an hour apart: each run's 10 s init too
    # every 15 minutes (2,920 a month), 60 s each: 840 s idle of 900, so 0.9333 of the runs start cold
    assert duration(2920, 60_000) == pytest.approx(2920 * (60 + 10 * 840 / 900))
