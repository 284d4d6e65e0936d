"""The words of a decision: the summary paragraph, the deciding reasons, and what would change the answer."""

from __future__ import annotations

from typing import Any

from decider import explain
from decider.engine import decide
from decider.facts import derive
from decider.rules.fields import context
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.scoring import Evaluation, evaluate
from decider.workload import parse_workload
from tests.conftest import RuleDirFactory, RuleFactory

LAMBDA, FARGATE = "AWS Lambda", "Amazon ECS on AWS Fargate"


def evaluated(ruleset: Ruleset, optimize_for: str = "balanced", **sections: Any) -> tuple[Evaluation, dict[str, Any]]:
    workload = parse_workload(sections).workload
    values = context(workload, derive(workload))
    return evaluate(ruleset, values, optimize_for), values


def ranked(ruleset: Ruleset, evaluation: Evaluation) -> list[str]:
    eligible = [target for target in ruleset.targets if target.id not in evaluation.exclusions]
    eligible.sort(key=lambda target: (-evaluation.scores[target.id], target.simplicity))
    return [target.id for target in eligible]


def summary_for(ruleset: Ruleset, **sections: Any) -> str:
    evaluation, values = evaluated(ruleset, **sections)
    return explain.summary(ruleset, evaluation, ranked(ruleset, evaluation), {}, context=values)


def changes_for(ruleset: Ruleset, optimize_for: str = "balanced", **sections: Any) -> list[str]:
    evaluation, values = evaluated(ruleset, optimize_for, **sections)
    return explain.exclusion_fixes(ruleset, evaluation, values)


# -- the summary -------------------------------------------------------------------------------------------------


def test_summary_names_the_winner_the_reason_and_the_runner_up(small_ruleset: Ruleset) -> None:
    text = summary_for(small_ruleset, traffic={"pattern": "spiky"})
    assert text == (
        f"Recommended: {LAMBDA} (score 60). It wins because spiky traffic suits Lambda. "
        f"Runner-up: {FARGATE} at 52, 8 points behind."
    )


def test_summary_of_a_tie_says_the_simpler_target_won(small_ruleset: Ruleset) -> None:
    text = summary_for(small_ruleset, traffic={"pattern": "steady"})
    assert text.startswith(f"Recommended: {LAMBDA} (score 50).")
    assert "It wins because" not in text
    assert f"Runner-up: {FARGATE} at 50, tied and placed second as the less simple option." in text


def test_summary_lists_the_excluded_targets_with_their_limit(small_ruleset: Ruleset) -> None:
    text = summary_for(small_ruleset, runtime={"max_duration_s": 1200})
    assert text.endswith(f"Excluded: {LAMBDA} (Lambda stops every invocation at 900 s; this work takes 1,200 s).")


def test_summary_names_a_missing_capability_before_a_size_and_counts_the_other_limits(small_ruleset: Ruleset) -> None:
    # 1,200 s is past Lambda's 900 s, but no resizing gives Lambda a GPU: that is the limit to name.
    text = summary_for(small_ruleset, runtime={"max_duration_s": 1200, "gpu": 1})
    assert text.endswith(f"Excluded: {LAMBDA}, {FARGATE} (No GPU here; this work needs 1; {LAMBDA}: 1 more limit too).")


def test_summary_names_the_size_limit_the_workload_is_furthest_past(small_ruleset: Ruleset) -> None:
    # 10,000 s is 11 times Lambda's 900 s, 1,500,000 MB one and a half times the 1,000,000 MB every target allows.
    text = summary_for(small_ruleset, runtime={"max_duration_s": 10_000, "memory_mb": 1_500_000})
    assert f"{LAMBDA} (Lambda stops every invocation at 900 s; this work takes 10,000 s; 1 more limit too)" in text
    # 1,000 s is only just past 900 s, 3,000,000 MB three times the memory limit: Lambda joins the others under it.
    text = summary_for(small_ruleset, runtime={"max_duration_s": 1000, "memory_mb": 3_000_000})
    assert f"Excluded: {LAMBDA}, " in text  # named with the others, the reason said once, its own count kept
    assert text.count("limits.too-big fired") == 1
    assert f"limits.too-big fired; {LAMBDA}: 1 more limit too)" in text
    assert "stops every invocation" not in text


def test_summary_of_a_single_eligible_target(small_ruleset: Ruleset) -> None:
    text = summary_for(small_ruleset, runtime={"gpu": 1, "os": "windows"})
    assert text.startswith("Recommended: Amazon ECS on EC2 (score 50).")
    assert "It is the only eligible target." in text
    assert "Runner-up" not in text


def test_summary_when_every_target_is_excluded_says_why(small_ruleset: Ruleset) -> None:
    text = summary_for(small_ruleset, runtime={"memory_mb": 2_000_000})
    assert text.startswith("No target can run this workload as described: every target is excluded by a hard limit.")
    # One limit keeps all five out: their names, then its reason, once.
    names = ", ".join((LAMBDA, FARGATE, "Amazon ECS Managed Instances", "Amazon ECS on EC2", "Amazon EKS"))
    assert f"Excluded: {names} (limits.too-big fired)." in text
    assert text.count("limits.too-big fired") == 1
    assert "what_would_change" in text


def test_summary_quotes_costs_when_given(small_ruleset: Ruleset) -> None:
    evaluation, _ = evaluated(small_ruleset, traffic={"pattern": "spiky"})
    text = explain.summary(small_ruleset, evaluation, ["lambda", "ecs-fargate"], {"lambda": 12.5, "ecs-fargate": 1234})
    assert "(score 60, about $12.50 a month)" in text
    assert "(about $1,234.00 a month)" in text


def test_summary_keeps_product_names_capitalised_mid_sentence(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    ruleset = load_ruleset(
        rules_dir=rules_dir(
            {
                "t.yaml": [
                    make_rule.score("traffic.a", {"lambda": 5}, {"field": "runtime.gpu", "eq": 0}, because="A queue."),
                    make_rule.score("traffic.b", {"lambda": 4}, {"field": "runtime.gpu", "eq": 0}, because="ECS is."),
                    make_rule.score(
                        "traffic.c", {"lambda": 3}, {"field": "runtime.gpu", "eq": 0}, because="Lambda is."
                    ),
                ]
            }
        )
    )
    assert "It wins because a queue; ECS is; Lambda is." in summary_for(ruleset)


def test_a_one_point_gap_is_one_point(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    ruleset = load_ruleset(
        rules_dir=rules_dir(
            {"t.yaml": [make_rule.score("traffic.a", {"lambda": 1}, {"field": "runtime.gpu", "eq": 0}, because="A.")]}
        )
    )
    assert ", 1 point behind." in summary_for(ruleset)


def _against(rules_dir: RuleDirFactory, make_rule: RuleFactory, points: float) -> str:
    """The summary where Lambda leads Fargate by 12 points and one rule gives Fargate ``points`` over Lambda."""
    always = {"field": "runtime.gpu", "eq": 0}
    rules = [
        make_rule.score("traffic.lambda-fits", {"lambda": 12 + points}, always, because="Lambda fits."),
        make_rule.score("team.knows-ecs", {"ecs-fargate": points}, always, because="The team knows ECS well."),
    ]
    return summary_for(load_ruleset(rules_dir=rules_dir({"t.yaml": rules})))


def test_the_strongest_rule_against_the_winner_is_said(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    # A reviewer reading "it wins because" alone would not know the runner-up's 8-point case.
    text = _against(rules_dir, make_rule, 8)
    assert f"Against it (team.knows-ecs, 8 points to {FARGATE}): The team knows ECS well." in text
    assert text.index("It wins because") < text.index("Against it") < text.index("Runner-up")


def test_a_rule_against_the_winner_below_a_rules_weight_is_not_said(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    assert "Against it" in _against(rules_dir, make_rule, explain.DESPITE_POINTS)
    assert "Against it" not in _against(rules_dir, make_rule, explain.DESPITE_POINTS - 1)


def test_a_kubernetes_team_told_fargate_hears_the_case_for_eks() -> None:
    # The team's Kubernetes experts are EKS's strongest point; Fargate wins on cost and convenience, and the summary
    # says what it wins against, with the points the rule gives EKS in the ranking.
    raw = {
        "name": "profile-api",
        "runtime": {"max_duration_s": 2, "avg_duration_ms": 100, "memory_mb": 1024, "vcpu": 0.5},
        "traffic": {"pattern": "steady", "requests_per_month": 200_000_000, "protocols": ["http"]},
        "team": {"kubernetes_experience": "expert", "ops_capacity": "medium"},
    }
    decision = decide(parse_workload(raw), load_ruleset(), advice=False)
    winner, runner_up = decision.ranking[0], decision.ranking[1]
    assert (winner.target, runner_up.target) == ("ecs-fargate", "eks")
    points = {reason.rule: reason.impact for reason in runner_up.reasons}
    lead = points["team.kubernetes-experts"] - sum(
        reason.impact for reason in winner.reasons if reason.rule == "team.kubernetes-experts"
    )
    assert lead >= explain.DESPITE_POINTS
    assert f"Against it (team.kubernetes-experts, {lead:g} points to Amazon EKS): The team has Kubernetes experts" in (
        decision.summary
    )


# -- deciding reasons --------------------------------------------------------------------------------------------


def test_deciding_reasons_are_the_biggest_leads_first(small_ruleset: Ruleset) -> None:
    evaluation, _ = evaluated(small_ruleset, traffic={"pattern": "spiky"}, control={"sidecars": True})
    # Over Fargate: spiky gives Lambda +10 against +2 (lead 8); sidecars gives Lambda nothing (lead −6, not a reason).
    assert [fired.id for fired in explain.deciding_reasons(evaluation, "lambda", "ecs-fargate")] == ["traffic.spiky"]
    assert [(lead, fired.id) for lead, fired in explain.leads(evaluation, "ecs-fargate", "eks")] == [
        (2.0, "control.sidecars"),
        (2.0, "traffic.spiky"),
    ]


def test_a_rule_that_lowers_the_runner_up_is_a_deciding_reason(small_ruleset: Ruleset) -> None:
    evaluation, _ = evaluated(small_ruleset, traffic={"pattern": "event"})
    assert [(lead, fired.id) for lead, fired in explain.leads(evaluation, "lambda", "ecs-fargate")] == [
        (4.0, "traffic.event-not-fargate")
    ]


def test_deciding_reasons_stop_at_three(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    always = {"field": "runtime.gpu", "eq": 0}
    rules = [make_rule.score(f"traffic.r{points}", {"eks": points}, always) for points in (1, 2, 3, 4, 5)]
    ruleset = load_ruleset(rules_dir=rules_dir({"t.yaml": rules}))
    evaluation, _ = evaluated(ruleset)
    assert [fired.id for fired in explain.deciding_reasons(evaluation, "eks", "lambda")] == [
        "traffic.r5",
        "traffic.r4",
        "traffic.r3",
    ]


# -- what would change -------------------------------------------------------------------------------------------


def test_an_excluded_target_names_the_limit_and_the_value_that_lets_it_in(small_ruleset: Ruleset) -> None:
    changes = changes_for(small_ruleset, runtime={"max_duration_s": 1200})
    assert changes == [
        f"{LAMBDA} is kept out by limits.lambda-long; this would let it in: runtime.max_duration_s ≤ 900 (now 1,200)."
    ]


def test_a_rules_own_fix_text_is_used(small_ruleset: Ruleset) -> None:
    changes = changes_for(small_ruleset, runtime={"gpu": 2})
    assert changes == [
        f"{LAMBDA} and {FARGATE} are kept out by limits.no-gpu; this would let them in: runtime.gpu = 0 (now 2)."
    ]


def test_every_limit_on_a_target_is_listed(small_ruleset: Ruleset) -> None:
    changes = changes_for(small_ruleset, runtime={"max_duration_s": 1200, "gpu": 1})
    assert changes[0] == (
        f"{LAMBDA} is kept out by limits.lambda-long, limits.no-gpu; all of these would let it in: "
        "runtime.max_duration_s ≤ 900 (now 1,200); runtime.gpu = 0 (now 1)."
    )


def test_an_enum_limit_names_the_value_to_avoid(small_ruleset: Ruleset) -> None:
    changes = changes_for(small_ruleset, runtime={"os": "windows"})
    assert changes == [
        "Amazon ECS Managed Instances and Amazon EKS are kept out by limits.no-windows; this would let them in: "
        "runtime.os ≠ windows (now windows)."
    ]


def test_a_limit_without_a_simple_inverse_says_so(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    when = {"all": [{"field": "runtime.gpu", "eq": 0}, {"field": "runtime.os", "eq": "linux"}]}
    ruleset = load_ruleset(rules_dir=rules_dir({"l.yaml": [make_rule.exclude("limits.both", "eks", when)]}))
    assert changes_for(ruleset) == [
        "Amazon EKS is kept out by limits.both; this would let it in: the workload no longer matching limits.both."
    ]


def test_targets_kept_out_by_the_same_limits_share_one_sentence(
    rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    """One limit on two targets is one fix, said once with both names; a target kept out by more is said apart."""
    gpu = {"field": "runtime.gpu", "gt": 0}
    rules = [
        make_rule.exclude("limits.no-gpu", ["lambda", "ecs-fargate", "eks"], gpu),
        make_rule.exclude("limits.eks-gpu-quota", "eks", gpu),
    ]
    ruleset = load_ruleset(rules_dir=rules_dir({"l.yaml": rules}))
    assert changes_for(ruleset, runtime={"gpu": 1}) == [
        f"{LAMBDA} and {FARGATE} are kept out by limits.no-gpu; this would let them in: runtime.gpu ≤ 0 (now 1).",
        "Amazon EKS is kept out by limits.eks-gpu-quota, limits.no-gpu; all of these would let it in: "
        "runtime.gpu ≤ 0 (now 1); runtime.gpu ≤ 0 (now 1).",
    ]


def test_leads_alone_are_not_stated_as_what_would_change(small_ruleset: Ruleset) -> None:
    # A rule's lead is not a verified change: only the advice search (tests/test_advice.py) states flips.
    assert changes_for(small_ruleset, traffic={"pattern": "spiky"}, control={"sidecars": True}) == []


def test_every_excluded_target_has_a_change_when_all_are_excluded(small_ruleset: Ruleset) -> None:
    changes = changes_for(small_ruleset, runtime={"memory_mb": 2_000_000})
    names = ", ".join((LAMBDA, FARGATE, "Amazon ECS Managed Instances", "Amazon ECS on EC2"))
    assert changes == [
        f"{names} and Amazon EKS are kept out by limits.too-big; this would let them in: "
        "runtime.memory_mb ≤ 1,000,000 (now 2,000,000)."
    ]


def test_with_lambda_excluded_no_reason_for_the_winner_speaks_of_lambda(ruleset: Ruleset) -> None:
    """Spiky or event traffic favours Lambda and, among containers, Fargate: two rules, so that with Lambda kept out
    (50 GB of scratch disk) the reason Fargate wins names only container engines."""
    runtime = {
        "max_duration_s": 1800,
        "avg_duration_ms": 600000,
        "memory_mb": 8192,
        "vcpu": 4,
        "ephemeral_storage_gb": 50,
    }
    workload = {
        "runtime": runtime,
        "traffic": {"pattern": "event", "requests_per_month": 20000, "peak_rps": 0.5, "protocols": ["http"]},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    assert [item.target for item in decision.excluded] == ["lambda"]
    assert decision.recommendation == "ecs-fargate"
    fargate = {reason.rule: reason.message for reason in decision.ranking[0].reasons}
    assert "traffic.spiky-favours-lambda" not in fargate
    # The container rule counts against the engines that wait for an instance, and none for Fargate against Lambda
    runner_up = {reason.rule: reason for reason in decision.ranking[1].reasons}
    burst = runner_up["traffic.spiky-favours-fargate"]
    assert burst.impact < 0
    assert burst.message.startswith("Among container engines, Fargate absorbs event bursts")
    because = decision.summary.split(" It wins because ", 1)[1].split(" Runner-up: ", 1)[0]
    assert "Lambda" not in because


def test_a_winner_tied_with_the_cheaper_target_is_not_said_to_lead_it(ruleset: Ruleset) -> None:
    """Tied on points and placed first by the tie-break: the summary says so, not that the winner "still leads"."""
    workload = {
        "runtime": {"avg_duration_ms": 792.0, "memory_mb": 256},
        "traffic": {"pattern": "scheduled", "requests_per_month": 10, "payload_mb": 11.7, "protocols": ["schedule"]},
        "control": {"host_daemons": True, "sidecars": True, "portability": True},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    first, second = decision.ranking[:2]
    assert first.score == second.score
    assert "still leads it" not in decision.summary
    assert (
        f"{first.name} ties with it on points, its points through team.medium-ops-capacity (+4 points between "
        "them), team.medium-ops-managed-instances (+2 points between them) making up for the bill." in decision.summary
    )
