"""Architect audit, round 30: a limit the recommended configuration meets is said before acting (M1), a decisive
assumption that flips the answer by keeping the recommendation out says so (M2), a service that answers clients with
every copy on Spot is warned (L3), a Windows node's root volume is the 50 GB EKS gives it (L2), and the summary says
a clause of its reasons once (L4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.volumes import image_room_gb, node_volume_gb
from decider.decision import FargateSizing
from decider.errors import RulesError
from decider.rules.loader import load_ruleset
from tests.conftest import RuleDirFactory, RuleFactory

ALB_NOTE = "limits.lambda-alb-body): AWS Lambda is recommended with this limit against it; plan for it before acting."


def upload(payload_mb: float, door: str = "alb", **traffic: Any) -> dict[str, Any]:
    """A form-upload endpoint behind the team's load balancer: Lambda the cheapest by far."""
    return {
        "name": "form-upload",
        "runtime": {"max_duration_s": 2, "avg_duration_ms": 200, "memory_mb": 1024},
        "traffic": {
            "pattern": "spiky",
            "requests_per_month": 100_000,
            "payload_mb": payload_mb,
            "protocols": ["http"],
            "front_door": door,
            **traffic,
        },
        "preferences": {"optimize_for": "cost"},
    }


def decided(raw: dict[str, Any], ruleset: Ruleset, advice: bool = False) -> Decision:
    return decide(parse_workload(raw), ruleset, advice=advice)


# -- M1: a limit the recommended configuration meets, said before acting ----------------------------------------


def test_bodies_past_what_an_alb_passes_to_lambda_are_said_before_acting(ruleset: Ruleset) -> None:
    # An ALB passes at most 1 MB of body to a Lambda target: Lambda recommended behind it with 2 MB bodies does not
    # work as configured, and the answer must say so before anything else, not only as points.
    decision = decided(upload(2), ruleset)
    assert decision.recommendation == "lambda"
    said = [warning for warning in decision.warnings if ALB_NOTE in warning]
    assert len(said) == 1
    assert said[0].startswith("An Application Load Balancer passes at most 1 MB of request body")
    assert decision.summary.startswith("Check before acting: An Application Load Balancer passes at most 1 MB")
    # Said once: the warning, not again as what the winner wins despite
    assert decision.summary.count("passes at most 1 MB") == 1


def test_bodies_within_the_limit_or_a_target_that_is_not_recommended_are_not_warned(ruleset: Ruleset) -> None:
    assert not any("limits.lambda-alb-body" in warning for warning in decided(upload(0.5), ruleset).warnings)
    # Steady and busy: Lambda is not recommended, and its limit is a reason it ranks lower, not a step before acting
    busy = upload(2, pattern="steady", requests_per_month=300_000_000)
    decision = decided(busy, ruleset)
    assert decision.recommendation != "lambda"
    assert any(reason.rule == "limits.lambda-alb-body" for entry in decision.ranking for reason in entry.reasons)
    assert not any("limits.lambda-alb-body" in warning for warning in decision.warnings)


def test_a_rest_api_past_lambdas_six_mb_is_said_before_acting(ruleset: Ruleset) -> None:
    decision = decided(upload(8, door="rest-api"), ruleset)
    assert decision.recommendation == "lambda"
    assert any(
        warning.startswith("Bodies of 8 MB are past Lambda's 6 MB synchronous limit")
        and "(limits.lambda-payload-streamed-by-the-door): AWS Lambda is recommended" in warning
        for warning in decision.warnings
    )


def test_the_shipped_rules_say_which_limits_are_said_before_acting(ruleset: Ruleset) -> None:
    marked = {rule.id for rule in ruleset.rules if rule.check_before_acting}
    assert marked == {
        "limits.lambda-alb-body",
        "limits.lambda-async-payload",
        "limits.lambda-http-api-body",
        "limits.lambda-payload-needs-streaming",
        "limits.lambda-payload-streamed-by-the-door",
    }
    shown = next(rule for rule in ruleset.rules if rule.id == "limits.lambda-alb-body").to_dict()
    assert shown["check_before_acting"] is True


@pytest.fixture
def one_rule(rules_dir: RuleDirFactory) -> Callable[[dict[str, Any]], Path]:
    return lambda rule: rules_dir({"rules.yaml": [rule]}, shipped_meta=True)


@pytest.mark.parametrize(
    ("effect", "value", "said"),
    [
        ("score", "yes", "check_before_acting: must be true or false, got 'yes'"),
        ("exclude", True, "check_before_acting: only a score rule can be"),
    ],
)
def test_a_bad_check_before_acting_fails_at_load(
    one_rule: Callable[[dict[str, Any]], Path], effect: str, value: object, said: str
) -> None:
    when = {"field": "traffic.payload_mb", "gt": 1}
    factory = RuleFactory()
    rule = (
        factory.score("limits.big-bodies", {"lambda": -5}, when, category="limits", check_before_acting=value)
        if effect == "score"
        else factory.exclude("limits.big-bodies", "lambda", when, check_before_acting=value)
    )
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir=one_rule(rule))
    assert said in str(caught.value)


def test_a_rule_of_ones_own_is_said_before_acting_when_it_marks_so(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    always = {"field": "runtime.gpu", "eq": 0}
    rules = [
        make_rule.score("traffic.lambda-fits", {"lambda": 20}, always, because="Lambda fits."),
        make_rule.score(
            "limits.team-proxy", {"lambda": -5}, always, category="limits", because="The proxy caps bodies at 1 MB.",
            check_before_acting=True,
        ),
    ]  # fmt: skip
    ruleset = load_ruleset(rules_dir=rules_dir({"t.yaml": rules}))
    decision = decide(parse_workload({"runtime": {"max_duration_s": 1}}), ruleset, advice=False)
    assert decision.recommendation == "lambda"
    assert decision.warnings == (
        "The proxy caps bodies at 1 MB (limits.team-proxy): AWS Lambda is recommended with this limit against it; "
        "plan for it before acting.",
    )


# -- M2: a decisive assumption that flips the answer by keeping the recommendation out ----------------------------

INFERENCE: dict[str, Any] = {
    "name": "image-inference",
    "runtime": {
        "max_duration_s": 20,
        "avg_duration_ms": 1800,
        "memory_mb": 6144,
        "startup_s": 12,
        "artifact_mb": 6000,
        "architecture": "x86_64",
    },
    "traffic": {"pattern": "spiky", "requests_per_month": 500_000, "peak_rps": 20, "latency_slo_ms": 5000},
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
    "preferences": {"region": "eu-west-1"},
}


def test_an_assumption_that_flips_by_excluding_the_recommendation_names_the_exclusion(ruleset: Ruleset) -> None:
    # 8 vCPU a copy also sizes Lambda at 8 × 1,769 MB, past its 10,240 MB: Lambda is kept out, which is why the
    # answer changes (Fargate's bill doubles), and the sentence says so.
    decision = decided(INFERENCE, ruleset, advice=True)
    assert decision.recommendation == "lambda"
    vcpu = next(item for item in decision.counterfactuals if "runtime.vcpu" in item.change)
    assert vcpu.change == {"runtime.vcpu": 8.0}
    assert "AWS Lambda would be excluded (limits.lambda-max-vcpu, limits.lambda-memory) and Amazon ECS on AWS " in (
        vcpu.message
    )
    tried = decided({**INFERENCE, "runtime": {**INFERENCE["runtime"], "vcpu": 8}}, ruleset)
    assert {entry.target for entry in tried.excluded} >= {"lambda"}
    assert {reason.rule for entry in tried.excluded if entry.target == "lambda" for reason in entry.reasons} == {
        "limits.lambda-max-vcpu",
        "limits.lambda-memory",
    }
    # An assumption whose other value keeps Lambda eligible says nothing of an exclusion
    others = [item for item in decision.counterfactuals if "runtime.vcpu" not in item.change]
    assert others
    assert not any("would be excluded" in item.message for item in others)


# -- L3: every copy of a service that answers clients on Spot -----------------------------------------------------

SPOT_API: dict[str, Any] = {
    "name": "orders-api",
    "runtime": {"max_duration_s": 10, "avg_duration_ms": 120, "memory_mb": 1536, "vcpu": 1, "concurrency_per_copy": 8},
    "traffic": {"pattern": "diurnal", "requests_per_month": 300_000_000, "payload_mb": 0.1, "latency_slo_ms": 500},
    "preferences": {"spot_ok": True, "optimize_for": "cost"},
}


def test_a_service_on_fargate_spot_alone_is_warned_to_keep_an_on_demand_base(ruleset: Ruleset) -> None:
    decision = decided(SPOT_API, ruleset)
    winner = decision.ranking[0]
    assert winner.target == "ecs-fargate"
    assert isinstance(winner.sizing, FargateSizing)
    assert winner.sizing.capacity_provider == "FARGATE_SPOT"
    said = [warning for warning in decision.warnings if warning.startswith("Every copy of Amazon ECS on AWS Fargate")]
    assert len(said) == 1
    assert "can lose all its copies at once" in said[0]
    assert "(a FARGATE base in the capacity provider strategy)" in said[0]


def test_spot_work_that_answers_no_client_or_runs_on_demand_is_not_warned(ruleset: Ruleset) -> None:
    queue = {**SPOT_API, "traffic": {**SPOT_API["traffic"], "protocols": ["queue"]}}
    on_demand = {**SPOT_API, "preferences": {"optimize_for": "cost"}}
    for raw in (queue, on_demand):
        decision = decided(raw, ruleset)
        assert not any(warning.startswith("Every copy of") for warning in decision.warnings), raw


# -- L4: a clause said once ---------------------------------------------------------------------------------------

NIGHTLY: dict[str, Any] = {
    "name": "nightly-report",
    "runtime": {"max_duration_s": 2400, "memory_mb": 3072, "vcpu": 1, "artifact_mb": 700, "startup_s": 20},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30},
    "team": {"ops_capacity": "low"},
    "preferences": {"region": "ca-central-1"},
}


def test_the_summary_says_a_clause_of_its_reasons_once(ruleset: Ruleset) -> None:
    decision = decided(NIGHTLY, ruleset)
    reasons = {reason.rule for reason in decision.ranking[0].reasons}
    assert {"traffic.jobs-run-as-tasks", "traffic.jobs-on-eks-nodes"} <= reasons
    summary = decision.summary
    assert summary.count("Fargate provisions a job in about 30 seconds and bills per second") == 1
    assert summary.count("minutes that count against a run of 2,400 s") == 1
    # The two rules carry one criterion (shares_with): against the runner-up, ECS Managed Instances, it is said once,
    # by the rule that gives the runner-up its points, and not by EKS's nodes, which are no part of that comparison
    assert decision.ranking[1].target == "ecs-managed-instances"
    assert "EKS nodes of its own" not in summary


# -- L2: a Windows node's root volume ------------------------------------------------------------------------------

WINDOWS_SERVICE: dict[str, Any] = {
    "name": "dotnet-orders",
    "runtime": {
        "max_duration_s": 20,
        "avg_duration_ms": 400,
        "memory_mb": 4096,
        "vcpu": 2,
        "os": "windows",
        "artifact_mb": 3000,
        "concurrency_per_copy": 10,
    },
    "traffic": {"pattern": "diurnal", "requests_per_month": 5_000_000},
    "team": {"kubernetes_experience": "expert"},
    "preferences": {"region": "eu-west-1"},
}


def volume_lines(decision: Decision, target: str) -> list[str]:
    entry = next(entry for entry in decision.ranking if entry.target == target)
    assert entry.monthly_cost is not None
    return [line.item for line in entry.monthly_cost.lines if line.item.startswith("EBS root volumes")]


def test_windows_nodes_are_billed_the_50_gb_root_volume_eks_gives_them(ruleset: Ruleset) -> None:
    # EKS node groups default to 50 GiB for Windows (20 GiB for Linux): Windows Server takes more of the volume. The
    # Linux node that runs CoreDNS for the Windows nodes keeps the Linux volume.
    decision = decided(WINDOWS_SERVICE, ruleset)
    for target in ("eks", "ecs-ec2"):
        assert volume_lines(decision, target) == ["EBS root volumes (50 GB gp3 a node)"], target
    eks = next(entry for entry in decision.ranking if entry.target == "eks")
    assert eks.monthly_cost is not None
    assert any(line.item == "EBS root volume of the Linux node (30 GB gp3)" for line in eks.monthly_cost.lines)
    linux = {**WINDOWS_SERVICE, "runtime": {**WINDOWS_SERVICE["runtime"], "os": "linux"}}
    assert volume_lines(decided(linux, ruleset), "ecs-ec2") == ["EBS root volumes (30 GB gp3 a node)"]


def test_a_windows_nodes_image_room_is_the_rest_of_its_larger_volume(ruleset: Ruleset) -> None:
    model = ruleset.cost_model
    assert model is not None
    assert (image_room_gb(model, "windows"), image_room_gb(model, "linux")) == (30, 10)
    # A 16 GB image takes 31.25 GB pulled and unpacked: 1.25 GB past a Windows node's room, 21.25 past a Linux one's
    assert node_volume_gb(model, 0.0, 31.25, "windows") == 52
    assert node_volume_gb(model, 0.0, 31.25, "linux") == 52
    assert node_volume_gb(model, 0.0, 20.0, "windows") == 50
    assert node_volume_gb(model, 25.0, 0.0, "windows") == 55


# -- an audit of this round's changes: "Against it" counts a rule lowering both; clauses; several words -------------

PORTABLE_API: dict[str, Any] = {
    "name": "despite-not-largest",
    "runtime": {"avg_duration_ms": 5, "memory_mb": 10240, "vcpu": 2, "startup_s": 5},
    "traffic": {
        "pattern": "batch",
        "requests_per_month": 3_000_000,
        "peak_rps": 100,
        "protocols": ["http", "websocket"],
        "latency_slo_ms": 50,
        "front_door": "http-api",
    },
    "control": {"portability": True},
    "team": {"ops_capacity": "high"},
    "preferences": {"optimize_for": "cost", "commitment": "1yr"},
}


def test_against_it_counts_a_rule_that_lowers_both_the_winner_more(ruleset: Ruleset) -> None:
    # Portability takes 9.4 points from Lambda and 0.9 from Fargate: 8.5 between them, more than the cold start's 5.
    decision = decided(PORTABLE_API, ruleset)
    winner, runner_up = decision.ranking[0], decision.ranking[1]
    assert (winner.target, runner_up.target) == ("lambda", "ecs-fargate")
    points = {entry.target: {r.rule: r.impact for r in entry.reasons} for entry in (winner, runner_up)}
    lead = points["ecs-fargate"]["control.portability"] - points["lambda"]["control.portability"]
    assert (
        lead > points["ecs-fargate"].get("traffic.cold-start-vs-slo", 0) - points["lambda"]["traffic.cold-start-vs-slo"]
    )
    said = f"Against it (control.portability, {lead:g} points to Amazon ECS on AWS Fargate): The workload must"
    assert said in decision.summary
    assert ") (" not in decision.summary.split("Against it", 1)[1].split(". Runner-up", 1)[0]  # one parenthesis


def test_a_reason_left_with_a_contrast_only_says_it_likewise(ruleset: Ruleset) -> None:
    raw = {
        "name": "gen",
        "network": {"egress_gb_per_month": 50000},
        "preferences": {"optimize_for": "simplicity"},
        "runtime": {"architecture": "arm64", "artifact_mb": 5000, "max_duration_s": 15},
        "team": {"kubernetes_experience": "expert", "ops_capacity": "high"},
        "traffic": {"pattern": "batch", "protocols": ["udp", "schedule"], "requests_per_month": 100_000},
    }
    summary = decided(raw, ruleset).summary
    reasons = summary.split("It wins because ", 1)[1].split(". Against it", 1)[0]
    assert "; while " not in reasons
    assert reasons.count("Fargate provisions a job in about 30 seconds") == 1
    # One criterion in two rules (shares_with), said once against the runner-up, EKS, by the rule that scores it
    assert "while EKS nodes of its own take minutes to launch or sit idle between runs" in reasons
    assert "EC2 capacity takes minutes" not in reasons


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("queue,http", "must be a list, got string ('queue,http'): a list is written [queue, http] in YAML"),
        ("queue, htp", "('htp' is not allowed; choose one of http, grpc, websocket, tcp, udp, queue, schedule); a list "
         "is written [queue, http] in YAML, [\"queue\", \"http\"] in JSON"),
    ],
)  # fmt: skip
def test_several_words_for_a_list_are_told_the_list_they_make(given: str, said: str) -> None:
    from decider.errors import WorkloadError

    with pytest.raises(WorkloadError) as caught:
        parse_workload({"traffic": {"protocols": given}})
    (problem,) = caught.value.problems
    assert said in problem.message
