"""Score rules limited to capacity modes (``in_modes:``): checked at load, and a target's points counting only in the
modes listed, the one its bill chose (or its default without a bill)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider.engine import decide
from decider.errors import Problem, RulesError
from decider.facts import derive
from decider.rules.fields import context
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.scoring import fire, fold
from decider.workload import parse_workload
from tests.conftest import RuleDirFactory, RuleFactory

HIGH_OPS = {"field": "team.ops_capacity", "eq": "high"}
# edge-sync (tests/scenarios/eks-portability.yaml): only EKS is eligible, and its cheapest mode is EKS on Fargate.
EDGE_SYNC: dict[str, Any] = {
    "name": "edge-sync",
    "runtime": {
        "max_duration_s": 10,
        "avg_duration_ms": 200,
        "memory_mb": 4096,
        "vcpu": 2,
        "long_running": True,
        "concurrency_per_copy": 20,
    },
    "traffic": {"pattern": "steady", "requests_per_month": 20_000_000, "protocols": ["http"]},
    "control": {"portability": True, "kubernetes_api": True},
    "team": {"kubernetes_experience": "some", "ops_capacity": "high"},
}


def problems(base: Path) -> tuple[Problem, ...]:
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=base)
    return caught.value.problems


def limited(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> Ruleset:
    rule = make_rule.score(
        "team.owns-nodes", {"ecs-ec2": 5, "eks": 3}, HIGH_OPS, "team", in_modes={"eks": ["managed-node-group"]}
    )
    return load_ruleset(rules_dir=rules_dir({"team.yaml": [rule]}, shipped_meta=True))


def points(ruleset: Ruleset, modes: dict[str, str] | None) -> dict[str, float]:
    workload = parse_workload({"team": {"ops_capacity": "high"}}).workload
    evaluation = fold(ruleset, fire(ruleset, context(workload, derive(workload)), "balanced"), modes=modes)
    return {
        target: sum(points for fired, points in reasons if fired.id == "team.owns-nodes")
        for target, reasons in evaluation.reasons.items()
    }


def test_a_target_outside_the_listed_modes_gets_none_of_the_points(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    ruleset = limited(rules_dir, make_rule)
    assert points(ruleset, {"eks": "fargate"}) == {**dict.fromkeys(ruleset.target_ids, 0), "ecs-ec2": 5.0}
    assert points(ruleset, {"eks": "auto-mode"})["eks"] == 0


def test_a_target_in_a_listed_mode_or_its_default_mode_gets_them(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    ruleset = limited(rules_dir, make_rule)
    assert points(ruleset, {"eks": "managed-node-group"})["eks"] == 3.0
    # Without bills no mode is chosen: a target runs in its default (first) mode, EKS's managed node groups.
    assert points(ruleset, None)["eks"] == 3.0
    assert ruleset.rule("team.owns-nodes").to_dict()["in_modes"] == {"eks": ["managed-node-group"]}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rule", "message", "hint"),
    [
        (
            {"impacts": {"eks": 3}, "in_modes": {"eks": ["fargte"]}},
            "eks has no mode 'fargte'; its modes: managed-node-group, auto-mode, fargate",
            "fargate",
        ),
        (
            {"impacts": {"ecs-ec2": 5, "eks": 3}, "in_modes": {"ecs-fargat": ["spot"]}},
            "'ecs-fargat' is not a target this rule scores; it scores: ecs-ec2, eks",
            None,
        ),
        ({"impacts": {"eks": 3}, "in_modes": {"eks": "fargate"}}, "must be a list of eks's modes", None),
        ({"impacts": {"eks": 3}, "in_modes": ["eks"]}, "must map targets to lists of their modes", None),
    ],
    ids=["unknown-mode", "target-not-scored", "not-a-list", "not-a-map"],
)
def test_a_bad_in_modes_fails_at_load_clearly(
    rules_dir: RuleDirFactory, make_rule: RuleFactory, rule: dict[str, Any], message: str, hint: str | None
) -> None:
    raw = make_rule.score("team.bad", rule["impacts"], HIGH_OPS, "team", in_modes=rule["in_modes"])
    found = list(problems(rules_dir({"team.yaml": [raw]}, shipped_meta=True)))
    assert any(message in problem.message and "team.bad in_modes" in problem.location for problem in found), found
    if hint is not None:
        assert any(problem.suggestion == hint for problem in found), found


def test_only_a_score_rule_limits_its_points_to_modes(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    rule = make_rule.exclude("limits.bad", "eks", HIGH_OPS, in_modes={"eks": ["fargate"]})
    found = problems(rules_dir({"limits.yaml": [rule]}, shipped_meta=True))
    assert any("only a score rule limits its points to capacity modes" in problem.message for problem in found)


def eks_reasons(workload: dict[str, Any], ruleset: Ruleset) -> tuple[str | None, list[str]]:
    decision = decide(parse_workload(workload), ruleset, advice=False)
    eks = next(item for item in decision.ranking if item.target == "eks")
    mode = eks.sizing.mode if eks.sizing is not None else None
    return mode, [reason.rule for reason in eks.reasons]


def test_a_team_with_ops_to_spare_gains_nothing_from_eks_nodes_aws_runs(ruleset: Ruleset) -> None:
    """The shipped team.high-ops-capacity: owning instances, AMIs and Auto Scaling groups is no reason for EKS when
    EKS runs on Fargate, where AWS runs the nodes; on managed node groups it still is."""
    mode, rules = eks_reasons(EDGE_SYNC, ruleset)
    assert mode == "fargate"
    # Managed node groups are priced within a quarter of Fargate here (SHARE_BAND): their points fade in, a small
    # share of the rule's 3, never the half they reach where the choice of mode switches
    decision = decide(parse_workload(EDGE_SYNC), ruleset, advice=False)
    eks = next(item for item in decision.ranking if item.target == "eks")
    shared = [reason.impact for reason in eks.reasons if reason.rule == "team.high-ops-capacity"]
    assert all(0 < points < 3 * 0.5 for points in shared)
    # Host daemons keep EKS on Fargate out (modes.eks-fargate-no-daemonsets): EKS runs on its own node groups.
    mode, rules = eks_reasons({**EDGE_SYNC, "control": {**EDGE_SYNC["control"], "host_daemons": True}}, ruleset)
    assert mode == "managed-node-group"
    assert "team.high-ops-capacity" in rules


BIDDER: dict[str, Any] = {
    "runtime": {"max_duration_s": 1, "avg_duration_ms": 25, "memory_mb": 512, "vcpu": 1, "concurrency_per_copy": 50},
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 500_000_000,
        "peak_rps": 400,
        "protocols": ["http"],
        "latency_slo_ms": 100,
    },
    "preferences": {"optimize_for": "cost"},
}


def lambda_reasons(workload: dict[str, Any], ruleset: Ruleset) -> tuple[str | None, list[str]]:
    decision = decide(parse_workload(workload), ruleset, advice=False)
    entry = next(item for item in decision.ranking if item.target == "lambda")
    return entry.sizing.mode if entry.sizing is not None else None, [reason.rule for reason in entry.reasons]


def test_a_cold_start_is_no_reason_against_lambda_managed_instances(ruleset: Ruleset) -> None:
    """Lambda Managed Instances scale with no cold starts: traffic.cold-start-vs-slo counts only on demand."""
    mode, rules = lambda_reasons(BIDDER, ruleset)
    assert mode == "managed-instances"
    assert "traffic.cold-start-vs-slo" not in rules
    # Spiky traffic keeps Managed Instances out (modes.lambda-managed-instances-bursts): on demand, with no environment
    # kept warm for bursts whose cold requests pass the 1% a p99 lets be slower (10 a minute, 5M a month), it counts.
    spiky = {
        **BIDDER,
        "traffic": {**BIDDER["traffic"], "pattern": "spiky", "requests_per_month": 5_000_000, "bursts_per_day": 1440},
    }
    mode, rules = lambda_reasons({**spiky, "runtime": {**BIDDER["runtime"], "provisioned_concurrency": 0}}, ruleset)
    assert mode == "on-demand"
    assert "traffic.cold-start-vs-slo" in rules
