"""Score rules that carry one criterion between them (``shares_with:``): checked at load, and counted as one in the
summary's leads (decider/leads.py), so a criterion that gives two targets the same points is no lead (architect audit
38, F3: EKS was said to lead ECS on EC2 by 2.4 points from job start-up minutes both pay, each through its own rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider.engine import decide
from decider.errors import RulesError
from decider.leads import leads
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.workload import parse_workload
from tests.conftest import RuleDirFactory, RuleFactory

HIGH_OPS = {"field": "team.ops_capacity", "eq": "high"}
#: A Zoox-style simulation batch on a new EKS cluster, optimised for control (architect audit 38, F3).
BATCH: dict[str, Any] = {
    "runtime": {
        "max_duration_s": 1800,
        "avg_duration_ms": 900_000,
        "memory_mb": 16384,
        "vcpu": 4,
        "artifact_mb": 10000,
    },
    "traffic": {"pattern": "batch", "requests_per_month": 4000},
    "team": {"current_platform": "eks", "kubernetes_experience": "expert", "ops_capacity": "high", "new_cluster": True},
    "network": {"nat_gateways": 2},
    "preferences": {"region": "us-west-2", "optimize_for": "control"},
}


def test_twin_rules_that_give_both_targets_the_same_are_no_lead(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(BATCH), ruleset)
    assert decision.recommendation == "eks"
    points = {
        entry.target: {reason.rule: reason.impact for reason in entry.reasons}
        for entry in decision.ranking
        if entry.target in ("eks", "ecs-ec2")
    }
    # each pays the criterion through its own rule, the same points
    assert points["eks"]["traffic.jobs-on-eks-nodes"] == points["ecs-ec2"]["traffic.jobs-run-as-tasks"] < 0
    leading = [rule for _, rule in decision.leads_over("ecs-ec2")]
    assert "traffic.jobs-run-as-tasks" not in leading
    assert "traffic.jobs-on-eks-nodes" not in leading
    assert "traffic.jobs-run-as-tasks (+" not in decision.summary


def test_a_shared_criterion_still_leads_by_what_it_gives_one_target_more() -> None:
    """Fargate +2 from each twin, EC2 -3 from one: the criterion leads by 7, said by the rule that moved more."""
    ahead = [("traffic.jobs-run-as-tasks", 2.0), ("traffic.jobs-on-eks-nodes", 2.0)]
    behind = [("traffic.jobs-run-as-tasks", -3.0)]
    shared = {"traffic.jobs-on-eks-nodes": "traffic.jobs-run-as-tasks"}
    assert leads(ahead, behind, (), shared) == ((7.0, "traffic.jobs-run-as-tasks"),)
    assert leads(ahead, behind) == ((5.0, "traffic.jobs-run-as-tasks"), (2.0, "traffic.jobs-on-eks-nodes"))


@pytest.mark.parametrize(
    ("shares_with", "words"),
    [("team.no-such-rule", "names no other score rule"), ("team.owns-nodes", "names no other score rule")],
    ids=["unknown", "itself"],
)
def test_a_shares_with_that_names_no_other_score_rule_is_refused_at_load(
    rules_dir: RuleDirFactory, make_rule: RuleFactory, shares_with: str, words: str
) -> None:
    rule = make_rule.score("team.owns-nodes", {"ecs-ec2": 5}, HIGH_OPS, "team", shares_with=shares_with)
    base: Path = rules_dir({"team.yaml": [rule]}, shipped_meta=True)
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=base)
    [problem] = [item for item in caught.value.problems if "shares_with" in item.location]
    assert words in problem.message
