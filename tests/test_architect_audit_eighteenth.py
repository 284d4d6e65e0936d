"""Defects an eighteenth architect's audit found, each kept fixed here:

- a copy with more memory than any Lambda function was given the CPU Lambda would give that memory (a 64 GB copy
  37 vCPU, billed as a 32 vCPU / 120 GB Fargate task) with no Lambda of the same work to match: the assumed CPU stays
  at Lambda's largest function's, and the memory alone sizes the copy past it;
- a gRPC-only service was recommended Lambda "behind an API Gateway HTTP API", which carries no gRPC: Lambda is kept
  out of it (limits.lambda-grpc-only), and stays in, with its penalty, where HTTP is served too;
- the front door priced when none is named was said nowhere but in each sizing: an assumption says it.
(A mode-switch sentence's rounding is tested in tests/cost/test_modes.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.copy_cpu import container_vcpu_for
from decider.decision import FargateSizing, RankedTarget
from decider.facts import derive

BIG_CACHE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 50, "max_duration_s": 5, "memory_mb": 65536},
    "traffic": {"pattern": "steady", "requests_per_month": 5_000_000},
}


def decided(ruleset: Ruleset, sections: dict[str, Any], *, advice: bool = False) -> Decision:
    return decide(parse_workload(sections), ruleset, advice=advice)


def entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def test_a_copy_larger_than_any_function_gets_the_cpu_its_memory_needs_not_lambdas_ratio(ruleset: Ruleset) -> None:
    assumed = decided(ruleset, BIG_CACHE)
    given = decided(ruleset, {**BIG_CACHE, "runtime": {**BIG_CACHE["runtime"], "vcpu": 16}})
    fargate = entry(assumed, "ecs-fargate").sizing
    assert isinstance(fargate, FargateSizing)
    assert (fargate.task_vcpu, fargate.task_memory_gb) == (16, 64)  # not 32 vCPU / 120 GB
    # the same answer and bills as the workload that gives the 16 vCPU itself
    assert assumed.recommendation == given.recommendation == "ecs-fargate"
    assert [(item.target, item.monthly_cost) for item in assumed.ranking] == [
        (item.target, item.monthly_cost) for item in given.ranking
    ]
    [said] = [note for note in assumed.assumptions if note.startswith("runtime.vcpu not given")]
    assert "past Lambda's largest function (10,240 MB)" in said
    # nothing calls the copy one of Fargate's newest, largest sizes: its CPU does not grow with memory past Lambda's
    fired = {reason.rule for reason in entry(assumed, "ecs-fargate").reasons}
    assert "limits.fargate-large-task" not in fired


@pytest.mark.parametrize("memory_mb", [8192, 10240, 12288, 30720])
def test_the_assumed_cpu_does_not_step_at_lambdas_largest_memory(ruleset: Ruleset, memory_mb: int) -> None:
    """Past 10,240 MB the CPU Lambda would give stops growing: the container CPU and the unrounded vCPU the rules read
    join on at the limit, with no step (a 3% change of memory moves no score by a cliff)."""
    below = derive(parse_workload({"runtime": {"memory_mb": 10240}}).workload, ruleset.cost_model)
    here = derive(parse_workload({"runtime": {"memory_mb": memory_mb}}).workload, ruleset.cost_model)
    if memory_mb >= 10240:
        assert here.container_vcpu == below.container_vcpu == container_vcpu_for(memory_mb, None) == 8
        assert here.fargate_standard_share <= max(below.fargate_standard_share, memory_mb / 122880) + 1e-9
    else:
        assert here.container_vcpu <= below.container_vcpu


GRPC: dict[str, Any] = {
    "runtime": {"max_duration_s": 2, "avg_duration_ms": 80, "memory_mb": 512},
    "traffic": {"pattern": "spiky", "requests_per_month": 400_000, "protocols": ["grpc"]},
}


def test_a_grpc_only_service_keeps_lambda_out_and_says_why(ruleset: Ruleset) -> None:
    decision = decided(ruleset, GRPC, advice=True)
    assert decision.recommendation != "lambda"
    [lambda_out] = [item for item in decision.excluded if item.target == "lambda"]
    [reason] = lambda_out.reasons
    assert reason.rule == "limits.lambda-grpc-only"
    assert "API Gateway has no gRPC integration" in reason.message
    assert reason.source == "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html"
    # no counterfactual claims a change lets Lambda in that does not
    for item in decision.counterfactuals:
        if item.recommendation == "lambda":
            changed = {**GRPC, "traffic": dict(GRPC["traffic"])}
            for path, value in item.change.items():
                section, _, name = path.partition(".")
                changed.setdefault(section, {})[name] = value
            assert decided(ruleset, changed).recommendation == "lambda"


def test_grpc_beside_http_keeps_lambda_in_with_the_translation_penalty(ruleset: Ruleset) -> None:
    both = decided(ruleset, {**GRPC, "traffic": {**GRPC["traffic"], "protocols": ["http", "grpc"]}})
    assert "lambda" in {item.target for item in both.ranking}
    rules = {reason.rule: reason.impact for reason in entry(both, "lambda").reasons}
    assert rules["traffic.grpc-on-lambda"] < 0


@pytest.mark.parametrize(
    ("traffic", "said"),
    [
        ({"protocols": ["http"]}, "AWS Lambda priced behind an API Gateway HTTP API"),
        ({"protocols": ["websocket"], "connections": 100}, "AWS Lambda priced behind an API Gateway WebSocket API"),
        ({"protocols": ["grpc"]}, "traffic.front_door not given: containers behind"),  # no door for a function
        ({"protocols": ["queue"]}, None),  # nothing fronts a queue consumer
        ({"protocols": ["http"], "front_door": "alb"}, None),  # named: nothing assumed
    ],
)
def test_the_front_door_priced_when_none_is_named_is_an_assumption(
    ruleset: Ruleset, traffic: dict[str, Any], said: str | None
) -> None:
    notes = [note for note in parse_workload({"traffic": traffic}).assumptions if note.startswith("traffic.front_door")]
    if said is None:
        assert notes == []
    else:
        [note] = notes
        assert said in note
        assert "containers behind an Application Load Balancer" in note


GRAPHQL: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 800, "max_duration_s": 10, "memory_mb": 2048},
    "traffic": {"pattern": "diurnal", "requests_per_month": 4_000_000, "payload_mb": 9, "protocols": ["http"]},
}


def test_a_mode_sentence_is_not_paired_with_a_crossing_the_bills_pass_again_first(ruleset: Ruleset) -> None:
    """Fargate overtakes Lambda at ~8.4M and Lambda comes back below it at ~15B: Managed Instances moving the far
    crossing to ~4.2M was said "becomes cheaper above ~4.2M", where Lambda is already cheaper today at 4M."""
    decision = decided(ruleset, GRAPHQL)
    crossings = sorted(
        point.requests_per_month
        for point in decision.break_even
        if point.versus in ("lambda", "ecs-fargate") and point.target in ("lambda", "ecs-fargate")
    )
    assert len(crossings) == 2  # the pair's bills cross twice
    assert not [sentence for sentence in decision.what_would_change if sentence.startswith("With Lambda Managed")]
