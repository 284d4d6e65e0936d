"""Property audit, round 28: a target that no allowed instance type can hold one copy of was recommended without a
bill, "because it costs less than the alternatives", and naming a tighter type moved the answer to it (F1); a cost
proxy whose favoured targets were all excluded still scored an unbilled target (F2)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.decision import Decision

#: find-1: a 4-vCPU copy, only m7i.xlarge (4 vCPU) allowed, a team of Kubernetes experts that runs EKS.
FIND_1: dict[str, Any] = {
    "runtime": {"vcpu": 4},
    "control": {"instance_types": ["m7i.xlarge"]},
    "team": {"kubernetes_experience": "expert", "current_platform": "eks"},
}
EKS_RULE = "limits.eks-named-types-hold-no-copy"
ECS_RULE = "limits.named-types-hold-no-copy"


def entry(decision: Decision, target: str) -> Any:
    (found,) = [item for item in decision.ranking if item.target == target]
    return found


def excluded_by(decision: Decision, target: str) -> list[str]:
    return [reason.rule for item in decision.excluded if item.target == target for reason in item.reasons]


def with_changes(raw: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with a counterfactual's dotted changes laid over it."""
    out = {section: dict(values) for section, values in raw.items()}
    for path, value in change.items():
        section, _, name = path.partition(".")
        out.setdefault(section, {})[name] = value
    return out


def test_a_named_type_no_eks_node_of_which_holds_the_pod_excludes_eks(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(FIND_1), ruleset)
    assert excluded_by(decision, "eks") == [EKS_RULE]
    assert "eks" not in [item.target for item in decision.ranking]
    assert decision.recommendation == "ecs-managed-instances"
    assert entry(decision, "ecs-managed-instances").monthly_cost is not None
    (reason,) = next(item for item in decision.excluded if item.target == "eks").reasons
    assert reason.source.startswith("https://")
    # the allowed types, the copy's size and what the roomiest node gives a pod (4 - 0.08 kubelet - 0.125 DaemonSets)
    assert "([m7i.xlarge])" in reason.message
    assert "(4 vCPU, 512 MB)" in reason.message
    assert "m7i.xlarge (at most 3.795 vCPU, 14,976 MB a copy)" in reason.message
    # ECS registers all of a node's vCPUs: the ECS targets are billed on m7i.xlarge
    assert ECS_RULE not in excluded_by(decision, "ecs-ec2")
    assert "m7i.xlarge" in entry(decision, "ecs-ec2").sizing.instance_type


def test_the_fix_is_said_and_the_counterfactual_that_lets_eks_in_holds(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(FIND_1), ruleset)
    (said,) = [text for text in decision.what_would_change if EKS_RULE in text]
    assert "control.instance_types naming a larger type" in said
    assert "a copy within m7i.xlarge (at most 3.795 vCPU" in said
    letting_in = [item for item in decision.counterfactuals if item.recommendation == "eks"]
    assert letting_in, decision.counterfactuals
    for item in letting_in:
        again = decide(parse_workload(with_changes(FIND_1, dict(item.change))), ruleset, advice=False)
        assert again.recommendation == "eks"
        assert entry(again, "eks").monthly_cost is not None


def test_the_whole_family_allowed_is_answered_as_before(ruleset: Ruleset) -> None:
    """find-1b: with [m7i], EKS fits an m7i.2xlarge and is billed ($593.55, the dearest); Managed Instances wins."""
    decision = decide(parse_workload({**FIND_1, "control": {"instance_types": ["m7i"]}}), ruleset, advice=False)
    assert decision.recommendation == "ecs-managed-instances"
    eks = entry(decision, "eks")
    assert eks.monthly_cost is not None
    assert eks.monthly_cost.total_usd == pytest.approx(593.55)
    assert eks.sizing.instance_type == "m7i.2xlarge"
    assert eks.score == pytest.approx(56.8)
    assert not decision.excluded or excluded_by(decision, "eks") == []


def test_an_ecs_copy_larger_than_every_named_node_excludes_the_ecs_targets(ruleset: Ruleset) -> None:
    raw = {"runtime": {"vcpu": 8, "memory_mb": 4096}, "control": {"instance_types": ["m7i.xlarge"]}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert excluded_by(decision, "ecs-ec2") == [ECS_RULE]
    assert excluded_by(decision, "ecs-managed-instances") == [ECS_RULE]
    assert excluded_by(decision, "eks") == [EKS_RULE]
    assert decision.recommendation is None  # Lambda and Fargate cannot take a named type: nothing runs it


@pytest.mark.parametrize("named", [["p4dd"], ["m7i.xlarge", "m7ii"]])
def test_a_name_the_book_does_not_price_is_no_price_not_no_fit(ruleset: Ruleset, named: list[str]) -> None:
    decision = decide(parse_workload({**FIND_1, "control": {"instance_types": named}}), ruleset, advice=False)
    assert EKS_RULE not in excluded_by(decision, "eks")
    eks = entry(decision, "eks")
    assert eks.monthly_cost is None
    assert eks.no_price


def test_outgrowing_the_whole_catalogue_without_named_types_keeps_the_unbilled_ranking_and_warns(
    ruleset: Ruleset,
) -> None:
    """The scope: the catalogue lists a part of EC2's types, so a copy no type in it holds is not excluded."""
    raw = {"runtime": {"vcpu": 191.6}, "team": {"kubernetes_experience": "expert", "current_platform": "eks"}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert excluded_by(decision, "eks") == []
    assert decision.recommendation == "eks"
    assert entry(decision, "eks").monthly_cost is None
    assert any("Amazon EKS has no bill here" in text for text in decision.warnings)
    assert "costs less" not in decision.summary
    assert "cheapest option" not in decision.summary.split("It wins because", 1)[1].split(".", 1)[0]


def test_an_unbilled_winner_is_given_no_cost_lead(ruleset: Ruleset) -> None:
    raw = {"runtime": {"vcpu": 191.6}, "team": {"kubernetes_experience": "expert", "current_platform": "eks"}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert decision.recommendation == "eks"
    assert entry(decision, "eks").monthly_cost is None
    # the runner-up has cost points and EKS none: no lead for EKS, which has no bill to compare
    assert any(reason.rule == "cost.relative-monthly-cost" for reason in decision.ranking[1].reasons)
    assert "cost.relative-monthly-cost" not in [rule for _, rule in decision.deciding]
    because = decision.summary.split("It wins because", 1)[1].split(". ", 1)[0]
    assert "cost" not in because


#: A small sweep: copies of several sizes, one size of a family against the whole family.
SIZES = ("large", "xlarge", "2xlarge")
FAMILIES = ("m7i", "c7i", "m7g")


@pytest.mark.parametrize("family", FAMILIES)
def test_a_tighter_named_type_never_moves_the_answer_to_a_target_without_a_bill(ruleset: Ruleset, family: str) -> None:
    checked = 0
    for vcpu, memory, size, team in itertools.product((1, 2, 3.9, 4, 8), (512, 7000), SIZES, ("expert", "none")):
        teamed = {"kubernetes_experience": team, **({"current_platform": "eks"} if team == "expert" else {})}
        runtime = {"vcpu": vcpu, "memory_mb": memory, "architecture": "arm64" if family == "m7g" else "x86_64"}
        for named in ([family], [f"{family}.{size}"]):
            raw = {"runtime": runtime, "control": {"instance_types": named}, "team": teamed}
            decision = decide(parse_workload(raw), ruleset, advice=False)
            billed = [item.target for item in decision.ranking if item.monthly_cost is not None]
            if decision.recommendation is not None and billed:
                checked += 1
                winner = entry(decision, decision.recommendation)
                assert winner.monthly_cost is not None, (raw, winner.no_price)
            for item in decision.ranking:  # no ranked target is one no named type holds
                assert not (item.no_price or "").startswith("no instance type in"), (raw, item.no_price)
    assert checked > 40


def test_a_proxy_whose_favoured_targets_are_all_excluded_scores_no_unbilled_target(ruleset: Ruleset) -> None:
    """F2: traffic.low-duty-cycle favours Lambda and Fargate (both excluded here); EKS has no bill (no catalogue type
    holds a 191.6-vCPU pod), so the proxy was narrowed to EKS alone and took 3 points from it."""
    raw = {
        "runtime": {"vcpu": 191.6},
        "traffic": {"requests_per_month": 100_000},
        "team": {"kubernetes_experience": "expert", "current_platform": "eks"},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert {item.target for item in decision.excluded} == {"lambda", "ecs-fargate"}
    eks = entry(decision, "eks")
    assert eks.monthly_cost is None
    rules = [reason.rule for reason in eks.reasons]
    assert "traffic.low-duty-cycle" not in rules
    assert "cost.bin-packing" in rules  # a proxy that favours a target still eligible still scores it


def test_find_2_no_longer_scores_a_proxy_for_excluded_targets(ruleset: Ruleset) -> None:
    raw = {"runtime": {"vcpu": 2}, "control": {"instance_types": ["m7g.large"]}}
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert excluded_by(decision, "eks") == [EKS_RULE]  # a 2-vCPU pod fits no m7g.large (1.805 vCPU for pods)
    for item in decision.ranking:
        assert item.monthly_cost is not None
        assert "traffic.low-duty-cycle" not in [reason.rule for reason in item.reasons]


def test_the_counterfactual_search_survives_a_fix_it_cannot_compute(ruleset: Ruleset) -> None:
    """A GPU-less named type for a GPU copy is not judged (no size of it is allowed); a copy on a type with too
    few GPUs is: moving the vCPUs and memory cannot let it in, so no change is offered, and nothing raises."""
    raw = {
        "runtime": {"vcpu": 4, "memory_mb": 16384, "gpu": 8},
        "control": {"instance_types": ["g5.xlarge"]},
        "traffic": {"pattern": "batch", "requests_per_month": 100},
    }
    decision = decide(parse_workload(raw), ruleset)
    assert excluded_by(decision, "eks") == [EKS_RULE]
    assert not [item for item in decision.counterfactuals if set(item.change) <= {"runtime.vcpu", "runtime.memory_mb"}]
    assert any(EKS_RULE in text for text in decision.what_would_change)


# -- an audit of this round's changes: families, names the book leaves out, GPUs, the roomiest -----------------------


def test_a_family_the_book_lists_in_part_is_not_judged_to_hold_no_copy(ruleset: Ruleset) -> None:
    # The us-east-1 book lists t3.medium and t3.large; AWS sells t3.xlarge (4 vCPU, 16 GiB), which holds this copy
    raw = {"runtime": {"vcpu": 4, "memory_mb": 8192}, "control": {"instance_types": ["t3"]}}
    decision = decide(parse_workload(raw), ruleset)
    for target in ("ecs-managed-instances", "ecs-ec2", "eks"):
        assert not {ECS_RULE, EKS_RULE} & set(excluded_by(decision, target)), target
    assert decision.recommendation is not None
    named = decide(parse_workload({**raw, "control": {"instance_types": ["t3.medium", "t3.large"]}}), ruleset)
    assert excluded_by(named, "ecs-ec2") == [ECS_RULE]  # the sizes named, each priced: judged


def test_a_name_the_book_leaves_out_keeps_the_list_from_being_judged(ruleset: Ruleset) -> None:
    # eu-west-1's book leaves g6.12xlarge out (4 GPUs); g5.xlarge (1 GPU) alone holds no copy of 4 GPUs
    raw = {
        "runtime": {"gpu": 4},
        "control": {"instance_types": ["g6.12xlarge", "g5.xlarge"]},
        "preferences": {"region": "eu-west-1"},
    }
    decision = decide(parse_workload(raw), ruleset)
    for target in ("ecs-managed-instances", "ecs-ec2", "eks"):
        assert not {ECS_RULE, EKS_RULE} & set(excluded_by(decision, target)), target
    alone = decide(parse_workload({**raw, "control": {"instance_types": ["g5.xlarge"]}}), ruleset)
    assert excluded_by(alone, "ecs-ec2") == [ECS_RULE]


def test_a_copy_whose_gpus_fit_no_named_node_is_said_with_its_gpus(ruleset: Ruleset) -> None:
    raw = {"runtime": {"vcpu": 1, "memory_mb": 2048, "gpu": 2}, "control": {"instance_types": ["g5.xlarge"]}}
    decision = decide(parse_workload(raw), ruleset)
    (reason,) = next(item for item in decision.excluded if item.target == "ecs-ec2").reasons
    assert "holds one copy of this workload (1 vCPU, 2,048 MB and 2 GPUs)" in reason.message
    assert any("(now 1 vCPU, 2,048 MB and 2 GPUs)" in text for text in decision.what_would_change)


def test_the_roomiest_of_two_types_short_of_the_same_vcpu_is_the_one_with_more_memory(ruleset: Ruleset) -> None:
    raw = {"runtime": {"vcpu": 4, "memory_mb": 2048}, "control": {"instance_types": ["t3.medium", "t3.large"]}}
    decision = decide(parse_workload(raw), ruleset)
    (reason,) = next(item for item in decision.excluded if item.target == "ecs-ec2").reasons
    assert "the roomiest is t3.large" in reason.message


@pytest.mark.parametrize(
    ("runtime", "named", "why"),
    [
        ({"gpu": 1}, ["m7i.xlarge"], "m7i.xlarge has no GPU, and a copy needs 1"),
        ({"os": "windows"}, ["m7g.xlarge"], "m7g.xlarge is arm64, and Windows containers run on x86_64 hosts"),
        ({"architecture": "arm64"}, ["m7i.xlarge"], "m7i.xlarge is x86_64, the workload arm64"),
    ],
)
def test_named_types_of_no_use_to_the_workload_exclude_the_instance_targets(
    runtime: dict[str, Any], named: list[str], why: str, ruleset: Ruleset
) -> None:
    decision = decide(parse_workload({"runtime": runtime, "control": {"instance_types": named}}), ruleset)
    for target in ("ecs-managed-instances", "ecs-ec2", "eks"):
        reasons = next(item for item in decision.excluded if item.target == target).reasons
        assert "limits.named-types-unsuited" in [reason.rule for reason in reasons], target
        assert any(why in reason.message for reason in reasons), target
    assert decision.recommendation is None  # Lambda and Fargate take no instance type


def test_one_named_type_of_use_keeps_the_instance_targets_in(ruleset: Ruleset) -> None:
    raw = {"runtime": {"architecture": "arm64"}, "control": {"instance_types": ["m7i.xlarge", "m7g.large"]}}
    decision = decide(parse_workload(raw), ruleset)
    assert "limits.named-types-unsuited" not in [r.rule for item in decision.excluded for r in item.reasons]
    billed = entry(decision, "ecs-ec2")
    assert billed.monthly_cost is not None
    assert billed.sizing.instance_type.startswith("m7g")
