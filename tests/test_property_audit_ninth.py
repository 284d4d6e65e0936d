"""What a ninth property audit found, kept true:

- when only rules that also make the case for an excluded target put the recommendation ahead, they are its reasons,
  in the summary and in Slack alike; Slack never quotes the winner's biggest reason as why it leads when that reason
  favours the runner-up;
- the implausible-load warning counts container copies, not the environments of Lambda Managed Instances.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.slack.blocks import deciding_reasons, decision_message
from tests.slack.message_text import blocks_text

HOST_NETWORKING: dict[str, Any] = {
    "runtime": {"memory_mb": 4096, "vcpu": 2},
    "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["http"]},
    "control": {"host_networking": True},
    "team": {"ops_capacity": "high"},
    "preferences": {"optimize_for": "simplicity"},
}


def test_rules_that_alone_put_the_winner_ahead_are_its_reasons_everywhere(ruleset: Ruleset) -> None:
    # Managed Instances lead ECS on EC2 by 1.2 points only through the simplicity rule, whose most points go to the
    # excluded Lambda and Fargate; control.host-networking gives ECS on EC2 more than Managed Instances.
    decision = decide(parse_workload(HOST_NETWORKING), ruleset, advice=False)
    assert [entry.target for entry in decision.ranking[:2]] == ["ecs-managed-instances", "ecs-ec2"]
    assert "team.optimize-for-simplicity" in decision.pleading
    assert [rule for _, rule in decision.deciding] == ["team.optimize-for-simplicity"]
    assert [reason.rule for reason, _ in deciding_reasons(decision)] == ["team.optimize-for-simplicity"]
    assert "It wins because simplicity was asked for" in decision.summary
    text = blocks_text(decision_message(decision))
    assert "control.host-networking" not in text.split("*Why", 1)[1].split("\n\n", 1)[0]
    assert "|team.optimize-for-simplicity> (+11.2)" in text


def test_the_load_warning_counts_container_copies_not_lambda_environments(ruleset: Ruleset) -> None:
    # Scheduled runs that Lambda Managed Instances take with ~1,100 environments and containers with ~27,000 copies
    raw = {
        "runtime": {"max_duration_s": 1.412, "memory_mb": 1381, "startup_s": 47.36},
        "traffic": {"pattern": "scheduled", "requests_per_month": 1_449_162_929},
        "preferences": {"optimize_for": "cost"},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert decision.recommendation == "lambda"
    containers = {getattr(entry.sizing, "max_copies", None) for entry in decision.ranking if entry.target != "lambda"}
    [copies] = containers
    assert isinstance(copies, int)
    assert copies > 1000
    assert decision.warnings[0].startswith(f"The load as described needs {copies:,} container copies at peak")
