"""An excluded target's fix (decider/fixes.py): every rule keeping it out made false at its edge, compound and
derived conditions included, said only when the engine lets the target in with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.documents import read_file
from decider.facts import derive
from decider.fixes import MAX_FIELDS, fix, plausible
from decider.ranking import rank
from decider.rules.fields import context
from decider.rules.model import Rule
from decider.rules.tree import tree
from tests.test_advice import _applied

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def _rule(ruleset: Ruleset, rule_id: str) -> Rule:
    return next(rule for rule in ruleset.rules if rule.id == rule_id)


def _service(**runtime: Any) -> dict[str, Any]:
    return {
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 300, "memory_mb": 2048, **runtime},
        "traffic": {"requests_per_month": 5_000_000, "pattern": "steady", "protocols": ["http"]},
    }


def test_the_condition_tree_agrees_with_the_compiled_predicate(ruleset: Ruleset) -> None:
    """The tree a fix walks is the condition the engine fires: on every example and scenario, for every rule."""
    checked = 0
    for path in WORKLOADS:
        data = read_file(path)
        workload = parse_workload(data["workload"] if path.parent.name == "scenarios" else data).workload
        values = context(workload, derive(workload))
        for rule in ruleset.rules:
            if rule.condition is not None and rule.condition.raw:
                assert tree(rule.condition.raw).holds(values) == rule.condition(values), (path.stem, rule.id)
                checked += 1
    assert checked > 5_000


def test_windows_on_arm_is_told_to_run_on_x86_not_to_leave_windows(ruleset: Ruleset) -> None:
    """`all: [os windows, architecture arm64]` is made false by the field the rule's fix names (the architecture)."""
    raw = _service(os="windows", architecture="arm64")
    workload = parse_workload(raw).workload
    for rule_id in ("limits.fargate-windows-x86-only", "limits.windows-instances-x86-only"):
        assert fix(_rule(ruleset, rule_id), workload) == {"runtime.architecture": "x86_64"}
    decision = decide(parse_workload(raw), ruleset)
    said = [item for item in decision.counterfactuals if item.change == {"runtime.architecture": "x86_64"}]
    assert said
    assert said[0].kind == "exclusion"
    again = decide(parse_workload(_applied(raw, said[0].change)), ruleset, advice=False)
    assert again.recommendation == said[0].recommendation
    # Every target kept out is said to be let in by a change that was tried, the ones sharing a fix included: in its
    # own sentence ("Tried:"), or, where the change brings another answer, in that counterfactual's sentence.
    kept_out = [line for line in decision.what_would_change if " kept out by " in line]
    assert len(kept_out) == 4
    # Here both fixes (the architecture, and Linux for the targets that take no Windows) bring another answer.
    fixes = {
        "runtime.architecture x86_64": {"runtime.architecture": "x86_64"},
        "runtime.os = linux": {"runtime.os": "linux"},
    }
    for line in kept_out:
        [change] = [change for named, change in fixes.items() if named in line]
        [counterfactual] = [item for item in decision.counterfactuals if item.change == change]
        assert counterfactual.message in decision.what_would_change
        assert "no longer excluded" in counterfactual.message
        assert "Tried:" not in line, line


def test_lambda_memory_is_fixed_through_the_memory_and_vcpus_given(ruleset: Ruleset) -> None:
    rule = _rule(ruleset, "limits.lambda-memory")
    both = parse_workload(_service(memory_mb=16_384, vcpu=8)).workload
    assert fix(rule, both) == {"runtime.memory_mb": 10_240, "runtime.vcpu": 6.0}
    memory_only = parse_workload(_service(memory_mb=16_384)).workload
    assert fix(rule, memory_only) == {"runtime.memory_mb": 10_240}  # no vCPU given: not the reason, not changed
    vcpu_only = parse_workload(_service(memory_mb=2048, vcpu=8)).workload
    assert fix(rule, vcpu_only) == {"runtime.vcpu": 6.0}  # 6 vCPUs fit in the top setting


def test_a_memory_fix_is_tried_and_said(ruleset: Ruleset) -> None:
    """Lambda kept out by its memory limit: the fix (memory at 10,240 MB) is tried and said to let it in; here it
    also brings Lambda as the answer, so its counterfactual says so (the fix's sentence does not repeat it). Requests
    of up to 20 s: a cold one stays within API Gateway's 30 s."""
    raw = _service(memory_mb=16_384, max_duration_s=20)
    decision = decide(parse_workload(raw), ruleset)
    assert [item.target for item in decision.excluded] == ["lambda"]
    (line,) = [line for line in decision.what_would_change if line.startswith("AWS Lambda is kept out")]
    assert "not set vCPU" not in line  # the vCPUs not given read as such
    [fixed] = [item for item in decision.counterfactuals if item.change == {"runtime.memory_mb": 10_240}]
    assert (fixed.kind, fixed.recommendation) == ("exclusion", "lambda")
    assert "AWS Lambda is no longer excluded" in fixed.message
    changed = parse_workload(_applied(raw, {"runtime.memory_mb": 10_240}))
    assert "lambda" in rank(changed.workload, ruleset).order


def test_any_is_made_false_in_every_part_that_holds(ruleset: Ruleset) -> None:
    rule = _rule(ruleset, "limits.fargate-task-size")
    both = parse_workload(_service(memory_mb=393_216, vcpu=48)).workload
    assert fix(rule, both) == {"runtime.vcpu": 32.0, "runtime.memory_mb": 249_856}
    cpu_only = parse_workload(_service(memory_mb=65_536, vcpu=48)).workload
    assert fix(rule, cpu_only) == {"runtime.vcpu": 32.0}


def test_an_int_field_is_moved_to_the_whole_number_past_the_edge(ruleset: Ruleset) -> None:
    """`runtime.gpu > 0` is made false at 0 GPUs (a field's lower bound clamp must not turn it into 1)."""
    workload = parse_workload(_service(gpu=1, memory_mb=16_384)).workload
    assert fix(_rule(ruleset, "limits.fargate-no-gpu"), workload) == {"runtime.gpu": 0}


def test_lists_are_fixed_by_what_they_must_not_hold(ruleset: Ruleset) -> None:
    rule = _rule(ruleset, "limits.lambda-no-raw-listeners")
    mixed = parse_workload(
        {**_service(long_running=True), "traffic": {"requests_per_month": 1e6, "protocols": ["http", "tcp"]}}
    )
    assert fix(rule, mixed.workload) == {"traffic.protocols": ("http",)}
    raw_only = parse_workload({**_service(long_running=True), "traffic": {"protocols": ["tcp"]}})
    assert fix(rule, raw_only.workload) is None  # nothing would be left to serve: no fix to claim
    named = parse_workload({**_service(), "control": {"instance_types": ["c7g"]}}).workload
    assert fix(_rule(ruleset, "limits.lambda-no-instance-choice"), named) == {"control.instance_types": ()}


def test_a_rule_that_does_not_hold_needs_no_change(ruleset: Ruleset) -> None:
    workload = parse_workload(_service()).workload
    assert fix(_rule(ruleset, "limits.fargate-windows-x86-only"), workload) == {}


def test_fixes_that_rewrite_the_workload_are_not_said(ruleset: Ruleset) -> None:
    """A copy cut to a tenth of its size, or a change of more than MAX_FIELDS fields, is another workload."""
    workload = parse_workload(_service(memory_mb=2_097_152, vcpu=256)).workload
    assert not plausible(workload, {"runtime.memory_mb": 10_240})
    assert plausible(workload, {"runtime.memory_mb": 249_856, "runtime.vcpu": 32.0})
    assert plausible(workload, {"runtime.max_duration_s": 900.0})  # a run's length is not a size
    many = {f"control.{name}": False for name in ("privileged", "host_daemons", "custom_ami", "kubernetes_api")}
    assert len(many) > MAX_FIELDS
    assert not plausible(workload, many)
    decision = decide(parse_workload(_service(memory_mb=2_097_152, vcpu=256)), ruleset)
    for item in decision.counterfactuals:
        assert item.change.get("runtime.memory_mb") != 10_240, item.message


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_every_fix_said_lets_its_targets_in(path: Path, ruleset: Ruleset) -> None:
    data = read_file(path)
    raw = dict(data["workload"] if path.parent.name == "scenarios" else data)
    decision = decide(parse_workload(raw), ruleset)
    for item in decision.counterfactuals:
        if item.kind != "exclusion":
            continue
        assert len(item.change) <= MAX_FIELDS
        order = rank(parse_workload(_applied(raw, item.change)).workload, ruleset).order
        before = item.message.split(" no longer excluded")[0].rsplit("), ", 1)[-1]
        names = before.removesuffix(" is").removesuffix(" are").replace(" and ", ", ").split(", ")
        excluded = {exclusion.name: exclusion.target for exclusion in decision.excluded}
        assert names, item.message
        assert all(name in excluded for name in names), (path.stem, item.message)
        for name in names:
            assert excluded[name] in order, (path.stem, item.message)


def test_a_fix_found_at_a_denormal_value_is_said_without_rounding_it(ruleset: Ruleset) -> None:
    """A vCPU of 1e-323 (the API's fuzzing sent it): the fix search's edge, rounded to four figures towards its far end,
    divided by a step below the smallest float and failed the request with a 500. Such a value is said as it is."""
    body = {
        "runtime": {
            "os": "linux",
            "vcpu": 1e-323,
            "long_running": True,
            "startup_s": 374.99139130546314,
            "memory_mb": 292559,
            "max_duration_s": 3.683974111458663e-112,
            "gpu": 4,
        },
        "team": {
            "kubernetes_experience": "none",
            "new_cluster": True,
            "current_platform": "ec2",
            "ops_capacity": "high",
        },
    }
    decision = decide(parse_workload(body, strict_json=True), ruleset)
    assert decision.recommendation is not None
    assert all(item.change for item in decision.counterfactuals)
