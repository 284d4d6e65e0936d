"""Inputs that contradict each other or that decider cannot use as given are warned of (decider/input_checks.py), and
a team that runs EKS is not assumed to lack Kubernetes experience."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload


def _warnings(ruleset: Ruleset, **sections: Any) -> tuple[str, ...]:
    raw: dict[str, Any] = {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 200, "memory_mb": 512},
        "traffic": {"requests_per_month": 5_000_000, "protocols": ["http"]},
    }
    for section, values in sections.items():
        raw[section] = {**raw.get(section, {}), **values}
    return decide(parse_workload(raw), ruleset, advice=False).warnings


BUSY_MORNING = [0] * 9 + [1] * 4 + [0] * 11


@pytest.mark.parametrize(
    ("sections", "said"),
    [
        (
            {"traffic": {"pattern": "diurnal", "hourly_profile": BUSY_MORNING}},
            "counts it twice: ×18 the average rate",
        ),
        (
            {"traffic": {"protocols": ["websocket"], "front_door": "function-url", "connections": 1000}},
            "traffic.front_door function-url cannot hold WebSocket connections for a function",
        ),
        ({"traffic": {"connections": 50_000}}, "traffic.connections is used only for WebSocket connections"),
        (
            {"traffic": {"connections": 50_000}, "runtime": {"connections_per_copy": 1000}},
            "traffic.connections and runtime.connections_per_copy are used only for WebSocket connections",
        ),
        (
            {"team": {"current_platform": "eks", "kubernetes_experience": "none"}},
            "team.current_platform is eks, but team.kubernetes_experience is none",
        ),
        ({"team": {"new_cluster": True}}, "team.new_cluster is true, but team.current_platform is none"),
        (
            {"preferences": {"savings_plan": "ec2-instance"}},
            "preferences.savings_plan ec2-instance applies only with a commitment",
        ),
    ],
    ids=["profile-and-diurnal", "websocket-door", "connections", "both-connection-fields", "eks-no-k8s", "new-cluster",
         "plan-without-commitment"],
)  # fmt: skip
def test_each_contradiction_is_warned_of(ruleset: Ruleset, sections: dict[str, Any], said: str) -> None:
    warnings = _warnings(ruleset, **sections)
    assert any(said in warning for warning in warnings), warnings


@pytest.mark.parametrize(
    "sections",
    [
        {},
        {"traffic": {"pattern": "steady", "hourly_profile": BUSY_MORNING}},  # the documented way: no double count
        {"traffic": {"pattern": "diurnal", "hourly_profile": BUSY_MORNING, "peak_rps": 50}},  # peak given: not assumed
        {"traffic": {"protocols": ["websocket"], "connections": 1000}},
        {"traffic": {"protocols": ["websocket"], "front_door": "none", "connections": 1000}},
        {"team": {"current_platform": "eks", "kubernetes_experience": "some"}},
        {"team": {"current_platform": "ecs", "new_cluster": True}},
        {"preferences": {"savings_plan": "ec2-instance", "commitment": "1yr"}},
    ],
    ids=["plain", "profile-steady", "profile-with-peak", "websocket", "websocket-no-door", "eks-some",
         "new-ecs-cluster", "plan-with-commitment"],
)  # fmt: skip
def test_consistent_inputs_get_no_such_warning(ruleset: Ruleset, sections: dict[str, Any]) -> None:
    assert _warnings(ruleset, **sections) == ()


def test_a_team_on_eks_is_assumed_to_have_run_kubernetes(ruleset: Ruleset) -> None:
    on_eks = parse_workload({"team": {"current_platform": "eks"}})
    assert on_eks.workload.team.kubernetes_experience == "some"
    assert "team.kubernetes_experience not given: assumed some (the team runs EKS today)" in on_eks.assumptions
    assert ("team.kubernetes_experience", "some") in on_eks.defaults
    elsewhere = parse_workload({"team": {"current_platform": "ecs"}})
    assert elsewhere.workload.team.kubernetes_experience == "none"
    fired = {reason.rule for target in decide(on_eks, ruleset).ranking for reason in target.reasons}
    assert "team.no-kubernetes-experience" not in fired
    told_none = parse_workload({"team": {"current_platform": "eks", "kubernetes_experience": "none"}})
    fired = {reason.rule for target in decide(told_none, ruleset).ranking for reason in target.reasons}
    assert "team.no-kubernetes-experience" in fired  # what the user says is scored as said


@pytest.mark.parametrize(
    ("team", "charged"),
    [
        ({"current_platform": "eks"}, False),  # the cluster and its platform work exist already
        ({"current_platform": "eks", "kubernetes_experience": "some"}, False),
        (
            {"current_platform": "eks", "kubernetes_experience": "some", "new_cluster": True},
            True,
        ),  # a cluster of its own
        ({"current_platform": "ecs", "kubernetes_experience": "some"}, True),
        ({"kubernetes_experience": "some"}, True),
    ],
)
def test_the_platform_work_of_a_cluster_is_charged_only_to_a_new_one(
    ruleset: Ruleset, team: dict[str, Any], charged: bool
) -> None:
    """A team that runs EKS pays the 0.5–2 FTE of platform work already; a new cluster costs it again."""
    raw = {
        "runtime": {"max_duration_s": 5, "avg_duration_ms": 120, "memory_mb": 1024, "long_running": True},
        "traffic": {"pattern": "diurnal", "requests_per_month": 40_000_000, "protocols": ["http"]},
        "team": team,
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    fired = {reason.rule for target in decision.ranking for reason in target.reasons}
    assert ("team.some-kubernetes-experience" in fired) is charged
