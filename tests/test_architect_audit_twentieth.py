"""Defects a twentieth architect's audit found, each kept fixed here (the others have their own files:
tests/test_burst_copies.py for the copies kept for bursts by latency target and hourly profile,
tests/test_lambda_kept_warm.py for Lambda's provisioned concurrency on its bill, tests/cost/test_eks_node_memory.py
for the memory an EKS node keeps):

- the implausible-load warning said the copies came from ``runtime.concurrency_per_copy`` "as given" when decider had
  assumed it (1): it now names it among the values decider assumed;
- the assumed CPU of a copy was said to do "the same work" as Lambda's for a copy that serves 20 requests at once,
  which share it where Lambda gives each request its own.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from tests.pricing.unpriced import without_windows_licence

TICKET_DROP: dict[str, Any] = {
    "name": "ticket-drop",
    "runtime": {"avg_duration_ms": 250, "max_duration_s": 2, "memory_mb": 1024, "startup_s": 30},
    "traffic": {"pattern": "spiky", "requests_per_month": 20_000_000, "peak_rps": 8000, "latency_slo_ms": 800},
}


def load_warning(ruleset: Ruleset, workload: dict[str, Any]) -> str:
    [warning] = [item for item in decide(parse_workload(workload), ruleset, advice=False).warnings if "at peak" in item]
    return warning


def test_the_load_warning_names_an_assumed_concurrency_per_copy_as_assumed(ruleset: Ruleset) -> None:
    warning = load_warning(ruleset, TICKET_DROP)
    assert "container copies at peak" in warning
    assert "It rests on values decider assumed (runtime.concurrency_per_copy)" in warning
    assert "as given" not in warning
    given = {**TICKET_DROP, "runtime": {**TICKET_DROP["runtime"], "concurrency_per_copy": 1}}
    warning = load_warning(ruleset, given)
    assert "traffic.peak_rps, runtime.avg_duration_ms, runtime.concurrency_per_copy as given" in warning


def test_the_cpu_assumed_for_a_copy_serving_many_requests_at_once_says_they_share_it() -> None:
    many = parse_workload({"runtime": {"memory_mb": 1024, "concurrency_per_copy": 20}})
    [said] = [note for note in many.assumptions if note.startswith("runtime.vcpu not given")]
    assert "so both do the same work for one request" in said
    assert "a copy serving 20 at once (runtime.concurrency_per_copy) shares that CPU among them" in said
    [one] = [note for note in parse_workload({"runtime": {"memory_mb": 1024}}).assumptions if "runtime.vcpu" in note]
    assert one.endswith("so both do the same work")


def test_the_throttle_warning_names_only_targets_priced_behind_the_gateway(ruleset: Ruleset) -> None:
    """Windows containers in ap-northeast-1, on a book with no licence-included EC2 price (the shipped one's, with it
    taken out): ECS on EC2 and EKS have no bill, so they are priced behind no door (property audit, round 16, a
    note)."""
    raw = {
        "runtime": {"max_duration_s": 1, "avg_duration_ms": 50, "memory_mb": 2048, "os": "windows"},
        "traffic": {
            "pattern": "steady",
            "requests_per_month": 20_000_000_000,
            "peak_rps": 15_000,
            "front_door": "http-api",
        },
        "preferences": {"region": "ap-northeast-1"},
    }
    decision = decide(parse_workload(raw), without_windows_licence(ruleset, "ap-northeast-1"), advice=False)
    assert {item.target for item in decision.ranking if item.monthly_cost is None} == {"ecs-ec2", "eks"}
    [warning] = [item for item in decision.warnings if "default throttle quota" in item]
    assert "Amazon ECS on AWS Fargate is priced behind an API Gateway HTTP API" in warning
    assert "Amazon EKS" not in warning
    assert "Amazon ECS on EC2" not in warning


def test_a_reason_is_not_opened_twice_in_one_sentence(ruleset: Ruleset) -> None:
    """Two rules about a team with little time for operations both opened with that clause, and the summary said it
    twice in one sentence: the second says the rest."""
    raw = {
        "name": "privileged-daemon-svc",
        "runtime": {"long_running": True, "memory_mb": 1024, "vcpu": 0.5},
        "traffic": {"pattern": "steady", "requests_per_month": 5_000_000, "protocols": ["http"]},
        "control": {"privileged": True, "host_daemons": True},
        "team": {"kubernetes_experience": "none", "ops_capacity": "low"},
    }
    summary = decide(parse_workload(raw), ruleset, advice=False).summary
    because = summary.split("It wins because ")[1].split(". ")[0]
    assert because.count("the team has little time for operations") == 1
    assert "on ECS Managed Instances AWS provisions, patches and replaces the instances" in because
