"""Evaluating rules: which targets are excluded, weighted scores per optimize_for, and the reasons behind each point."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.documents import read_file
from decider.engine import decide
from decider.facts import derive
from decider.firing import kept_out
from decider.rules.fields import context
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.scoring import Evaluation, Fired, Firing, Quiet, evaluate, fire, fold
from decider.workload import parse_workload
from tests.conftest import RuleDirFactory, RuleFactory


def evaluation_for(ruleset: Ruleset, optimize_for: str = "balanced", **sections: Any) -> Evaluation:
    workload = parse_workload(sections).workload
    return evaluate(ruleset, context(workload, derive(workload)), optimize_for)


def test_no_rule_fires_every_target_has_the_base_score(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "steady"})
    assert evaluation.scores == dict.fromkeys(small_ruleset.target_ids, 50.0)
    assert evaluation.exclusions == {}
    assert evaluation.fired == ()
    assert all(reasons == () for reasons in evaluation.reasons.values())


def test_scores_are_the_base_plus_the_impacts(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "spiky"})
    assert evaluation.scores == {
        "lambda": 60.0,
        "ecs-fargate": 52.0,
        "ecs-managed-instances": 50.0,
        "ecs-ec2": 50.0,
        "eks": 50.0,
    }


def test_impacts_add_up_across_rules(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "spiky"}, control={"sidecars": True})
    assert evaluation.scores["ecs-fargate"] == 58.0  # 50 + 2 (traffic) + 6 (control)
    assert evaluation.scores["eks"] == 54.0


def test_optimize_for_weights_the_categories(small_ruleset: Ruleset) -> None:
    # control: traffic counts half, control double.
    evaluation = evaluation_for(small_ruleset, "control", traffic={"pattern": "spiky"}, control={"sidecars": True})
    assert evaluation.scores["lambda"] == 55.0  # 50 + 10 × 0.5
    assert evaluation.scores["ecs-fargate"] == 63.0  # 50 + 2 × 0.5 + 6 × 2
    assert evaluation.scores["eks"] == 58.0  # 50 + 4 × 2
    [(fired, points)] = [item for item in evaluation.reasons["eks"] if item[0].id == "control.sidecars"]
    assert points == 8.0
    assert fired.impacts == {"ecs-fargate": 12.0, "eks": 8.0}


def test_weighted_impacts_are_rounded_to_a_tenth(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    weights = {goal: {"limits": 1, "traffic": 0.33, "control": 1, "team": 1, "cost": 1} for goal in ("balanced",)}
    weights |= dict.fromkeys(("cost", "simplicity", "control"), weights["balanced"])
    base = rules_dir(
        {"t.yaml": [make_rule.score("traffic.x", {"lambda": 7}, {"field": "runtime.gpu", "eq": 0})]}, weights=weights
    )
    evaluation = evaluation_for(load_ruleset(rules_dir=base))
    assert evaluation.scores["lambda"] == 52.3  # 7 × 0.33 = 2.31 → 2.3
    assert evaluation.reasons["lambda"][0][1] == 2.3


def test_reasons_are_sorted_by_size_then_rule_id(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "spiky"}, control={"sidecars": True})
    assert [(fired.id, points) for fired, points in evaluation.reasons["ecs-fargate"]] == [
        ("control.sidecars", 6.0),
        ("traffic.spiky", 2.0),
    ]


def test_negative_impacts_are_reasons_too(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "event"})
    assert evaluation.scores["ecs-fargate"] == 46.0
    assert [(fired.id, points) for fired, points in evaluation.reasons["ecs-fargate"]] == [
        ("traffic.event-not-fargate", -4.0)
    ]


def test_a_zero_impact_is_not_a_reason(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "batch"})
    assert evaluation.reasons["lambda"] == ()
    assert [fired.id for fired, _ in evaluation.reasons["eks"]] == ["traffic.batch"]


def test_messages_are_rendered_from_the_workload(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, traffic={"pattern": "spiky"})
    [(fired, _)] = evaluation.reasons["lambda"]
    assert fired.message == "Spiky traffic suits Lambda."


def test_exclusions_list_every_rule_per_target(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(small_ruleset, runtime={"max_duration_s": 1200, "gpu": 1})
    assert set(evaluation.exclusions) == {"lambda", "ecs-fargate"}
    assert [fired.id for fired in evaluation.exclusions["lambda"]] == ["limits.lambda-long", "limits.no-gpu"]
    assert [fired.id for fired in evaluation.exclusions["ecs-fargate"]] == ["limits.no-gpu"]
    assert evaluation.exclusions["lambda"][0].message == (
        "Lambda stops every invocation at 900 s; this work takes 1,200 s."
    )


def test_fired_holds_every_score_rule_that_held_once_and_exclusions_apart(small_ruleset: Ruleset) -> None:
    evaluation = evaluation_for(
        small_ruleset, runtime={"gpu": 1}, traffic={"pattern": "spiky"}, control={"sidecars": True}
    )
    # traffic.spiky favours only Lambda, which the GPU excludes: a rule about excluded targets is no reason at all
    assert sorted(fired.id for fired in evaluation.fired) == ["control.sidecars"]
    assert {target: [fired.id for fired in items] for target, items in evaluation.exclusions.items()} == {
        "lambda": ["limits.no-gpu"],
        "ecs-fargate": ["limits.no-gpu"],
    }


def test_a_computed_criterion_is_folded_like_a_rule(small_ruleset: Ruleset) -> None:
    parsed = parse_workload({"traffic": {"pattern": "spiky"}})
    firing = fire(small_ruleset, context(parsed.workload, derive(parsed.workload)), "balanced")
    computed = Fired("cost.from-bills", "cost", "https://example.com/prices", "bills", {"lambda": 5.0, "eks": -2.5})
    plain, folded = fold(small_ruleset, firing), fold(small_ruleset, firing, (computed,))
    assert folded.scores["lambda"] == round(plain.scores["lambda"] + 5.0, 1)
    assert folded.scores["eks"] == round(plain.scores["eks"] - 2.5, 1)
    assert folded.scores["ecs-fargate"] == plain.scores["ecs-fargate"]
    assert (computed, 5.0) in folded.reasons["lambda"]
    assert folded.fired[-1] is computed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(min_value=-60, max_value=60).map(lambda points: round(points, 1)), min_size=1, max_size=7))
def test_reasons_add_up_to_the_score_even_where_a_sum_is_scaled_into_range(
    small_ruleset: Ruleset, impacts: list[float]
) -> None:
    """Criteria past the range are scaled into 0–100 and each reason rounded to a tenth: the reasons still add up
    to the score exactly (the clamped end, not a tenth past it), and the unexplained fold scores the same."""
    parsed = parse_workload({"traffic": {"pattern": "steady"}})
    firing = fire(small_ruleset, context(parsed.workload, derive(parsed.workload)), "balanced")
    computed = tuple(
        Fired(f"cost.c{index}", "cost", "https://example.com/prices", "bills", {"eks": points, "lambda": -points})
        for index, points in enumerate(impacts)
    )
    folded = fold(small_ruleset, firing, computed)
    for target in ("eks", "lambda"):
        shown = round(small_ruleset.base_score + sum(points for _, points in folded.reasons[target]), 1)
        assert 0.0 <= shown <= 100.0
        assert shown == folded.scores[target]
    assert fold(small_ruleset, firing, computed, explain=False).scores == folded.scores


@pytest.mark.parametrize("optimize_for", ["balanced", "cost", "simplicity", "control"])
def test_every_goal_of_the_shipped_rules_has_weights(ruleset: Ruleset, optimize_for: str) -> None:
    evaluation = evaluation_for(ruleset, optimize_for, traffic={"pattern": "spiky"})
    assert set(evaluation.scores) == set(ruleset.target_ids)


FIELD_PATH = re.compile(r"[a-z_]+\.[a-z_.]+ ")
SCENARIO_FILES = sorted((Path(__file__).resolve().parent / "scenarios").glob("*.yaml"))
GOALS = ("balanced", "cost", "simplicity", "control")


def scenario_contexts(ruleset: Ruleset) -> list[dict[str, Any]]:
    found = []
    for path in SCENARIO_FILES:
        workload = parse_workload(read_file(path)["workload"]).workload
        found.append(context(workload, derive(workload)))
    return found


def test_the_advice_search_fires_its_trials_as_a_full_firing_would(
    ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every trial of every scenario's advice search fires only the rules whose inputs changed since the last trial;
    each firing is the one all the rules give."""
    compared = []
    quiet_fire = Quiet.fire

    def checked(self: Quiet, rules: Ruleset, values: dict[str, Any], goal: str) -> Firing:
        firing = quiet_fire(self, rules, values, goal)
        assert firing == quiet_fire(Quiet(), rules, values, goal)  # fire(..., explain=False), not patched
        compared.append(goal)
        return firing

    monkeypatch.setattr(Quiet, "fire", checked)
    for path in SCENARIO_FILES:
        decide(parse_workload(read_file(path)["workload"]), ruleset)
    assert len(compared) > 10 * len(SCENARIO_FILES)  # about twelve trials a decision
    assert set(compared) == set(GOALS)  # the goal flips are among them


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, len(SCENARIO_FILES) - 1), st.sampled_from(GOALS)), max_size=12))
def test_firing_only_what_changed_gives_the_full_firing(ruleset: Ruleset, steps: list[tuple[int, str]]) -> None:
    """Any sequence of workloads and goals, however different one is from the last, fires as every rule fired anew."""
    contexts = scenario_contexts(ruleset)
    quiet = Quiet()
    for index, goal in steps:
        assert quiet.fire(ruleset, contexts[index], goal) == fire(ruleset, contexts[index], goal, explain=False)


def test_a_change_of_goal_alone_fires_as_every_rule_fired_anew(ruleset: Ruleset) -> None:
    """A goal changed on the same workload (the advice search's goal flips) re-weighs the rules with the conditions
    as they held, without evaluating them again: each firing is the full one, and so are the reference's conditions."""
    contexts = scenario_contexts(ruleset)
    for values in contexts[:8]:
        quiet = Quiet()
        for goal in (*GOALS, *reversed(GOALS)):
            assert quiet.fire(ruleset, values, goal) == fire(ruleset, values, goal, explain=False)
            fresh = Quiet()
            fresh.fire(ruleset, values, goal)
            assert quiet.held == fresh.held


def test_a_firing_with_no_outcome_changed_is_the_reference_firing_itself(ruleset: Ruleset) -> None:
    """A ranking nobody reads learns that its rules scored as another's did from the firing's identity
    (decider/ranking.py takes that ranking whole then): the reference's firing, the same object, only when every
    outcome is the reference's; a firing after another that differed is diffed against the reference, not that one."""
    contexts = scenario_contexts(ruleset)
    quiet = Quiet()
    first = quiet.fire(ruleset, contexts[0], "balanced")
    assert quiet.fire(ruleset, dict(contexts[0]), "balanced") is first  # equal values, another mapping
    moved = {**contexts[0], "runtime.startup_s": 0.0}  # the reference's firing or a new one: the full firing either way
    unchanged = quiet.fire(ruleset, moved, "balanced")
    assert unchanged == fire(ruleset, moved, "balanced", explain=False)
    assert quiet.fire(ruleset, contexts[1], "balanced") is not first
    assert quiet.fire(ruleset, dict(contexts[0]), "balanced") is first  # back to the reference after another
    other_goal = quiet.fire(ruleset, moved, "cost")
    assert other_goal is not first
    assert other_goal == fire(ruleset, moved, "cost", explain=False)
    different = quiet.fire(ruleset, contexts[1], "cost")
    assert different is not other_goal
    assert different == fire(ruleset, contexts[1], "cost", explain=False)


def test_the_exclusions_alone_are_the_full_firing_s(ruleset: Ruleset) -> None:
    """Pricing without ranking (decider/ranking.py ``totals``) evaluates only the rules that keep something out: its
    exclusions, per target and per capacity mode, are the full firing's, criterion for criterion and in order."""
    for values in scenario_contexts(ruleset):
        for goal in GOALS:
            full, alone = fire(ruleset, values, goal, explain=False), kept_out(ruleset, values, goal)
            assert alone == Firing(full.exclusions, (), full.mode_exclusions)
            assert list(alone.exclusions) == list(full.exclusions)
            assert list(alone.mode_exclusions) == list(full.mode_exclusions)


def test_every_shipped_message_starts_a_sentence(ruleset: Ruleset) -> None:
    """Reasons are shown as sentences under each rule id; a message whose template opens with a value
    ("{traffic.pattern} work runs as tasks …") starts with a capital letter like the rest, in every scenario."""
    rendered: list[str] = []
    for values in scenario_contexts(ruleset):
        evaluation = evaluate(ruleset, values, "balanced")
        for reasons in evaluation.reasons.values():
            rendered.extend(fired.message for fired, _ in reasons)
    opening_with_a_value = {message for message in rendered if message.split(" ", 1)[0] in {"Scheduled", "Batch"}}
    assert opening_with_a_value  # the scenarios include jobs, whose reasons open with their pattern
    # A headroom reason opens with the field it measures ("runtime.max_duration_s is 899, …"), kept as written.
    lower = [message for message in rendered if message[:1].islower() and not FIELD_PATH.match(message)]
    assert lower == []
