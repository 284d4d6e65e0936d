"""A team with low ops capacity that asks for a balanced answer has each target's capacity mode chosen as
``optimize_for: simplicity`` chooses it: the mode it runs less of, when that costs at most ``mode_tilt`` more
(decider/cost/mode_goal.py). The ranking then weighs the EKS such a team would run, and the advice search's change of
the team's capacity prices its modes anew."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.advice import ranked_with
from decider.cost.memo import PlanMemo
from decider.cost.mode_goal import LOW_OPS, mode_goal
from decider.documents import read_file
from decider.ranking import rank

SCENARIO = Path("tests/scenarios/grpc-only-service-keeps-lambda-out.yaml")


def scenario_workload() -> dict[str, Any]:
    raw: dict[str, Any] = read_file(SCENARIO)["workload"]
    assert raw["team"]["ops_capacity"] == "low"  # the scenario's own team: the case this module is about
    return raw


def with_team(raw: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(raw)
    changed.setdefault("team", {}).update(changes)
    return changed


def with_goal(raw: dict[str, Any], goal: str) -> dict[str, Any]:
    changed = copy.deepcopy(raw)
    changed.setdefault("preferences", {})["optimize_for"] = goal
    return changed


def eks_modes(decision: Any) -> tuple[str, dict[str, float | None], dict[str, str]]:
    (eks,) = [item for item in decision.ranking if item.target == "eks"]
    assert eks.sizing is not None
    assert eks.monthly_cost is not None
    assert eks.monthly_cost.total_usd == pytest.approx(
        next(option.monthly_usd for option in eks.sizing.modes if option.chosen), abs=0.01
    )
    return (
        eks.sizing.mode,
        {option.mode: option.monthly_usd for option in eks.sizing.modes},
        {option.mode: option.note for option in eks.sizing.modes},
    )


@pytest.mark.parametrize("goal", ["balanced", "cost", "simplicity", "control"])
@pytest.mark.parametrize("ops", ["low", "medium", "high"])
def test_the_goal_is_simplicity_only_for_a_low_ops_team_asking_for_balance(goal: str, ops: str) -> None:
    raw = with_goal(with_team(scenario_workload(), ops_capacity=ops), goal)
    workload = parse_workload(raw).workload
    found, why = mode_goal(workload)
    if goal == "balanced" and ops == "low":
        assert (found, why) == ("simplicity", LOW_OPS)
    else:
        assert (found, why) == (goal, "")


def test_a_low_ops_team_gets_the_less_hands_on_eks_mode_within_the_tilt(ruleset: Ruleset) -> None:
    model = ruleset.cost_model
    assert model is not None
    low = decide(parse_workload(scenario_workload()), ruleset, advice=False)
    medium = decide(parse_workload(with_team(scenario_workload(), ops_capacity="medium")), ruleset, advice=False)
    mode_low, bills_low, notes = eks_modes(low)
    mode_medium, bills_medium, _ = eks_modes(medium)
    priced = {mode: bill for mode, bill in bills_medium.items() if bill is not None}
    cheapest = min(priced, key=lambda mode: priced[mode])
    # The medium team runs the cheapest mode; the low-ops team one with fewer hands on, at most the tilt dearer
    assert mode_medium == cheapest == "managed-node-group"
    assert mode_low != cheapest
    hands_on = {mode.id: mode.hands_on for mode in ruleset.target("eks").modes}
    assert hands_on[mode_low] < hands_on[cheapest]
    chosen_bill, cheapest_bill = bills_low[mode_low], bills_low[cheapest]
    assert chosen_bill is not None
    assert cheapest_bill is not None
    assert cheapest_bill < chosen_bill <= cheapest_bill * (1 + model.mode_tilt) + 0.01
    assert notes[mode_low].endswith(f"within the tilt; {LOW_OPS} favours it")
    names = {mode.id: mode.name for mode in ruleset.target("eks").modes}
    assert notes[cheapest].endswith(f"a month less, but {LOW_OPS} favours {names[mode_low]}")
    # The rule that marks node groups down for a low-ops team counts for less than half its points: the mode the team
    # runs is another (its share fades in near the switch: Choice.shares)
    (eks,) = [item for item in low.ranking if item.target == "eks"]
    nodes = [reason.impact for reason in eks.reasons if reason.rule == "team.low-ops-eks-nodes"]
    full = 10 * ruleset.weights["balanced"]["team"]
    assert all(-0.5 * full < impact <= 0 for impact in nodes)


def test_a_low_ops_team_asking_for_cost_still_gets_the_cheapest_mode(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(with_goal(scenario_workload(), "cost")), ruleset, advice=False)
    mode, bills, notes = eks_modes(decision)
    priced = {name: bill for name, bill in bills.items() if bill is not None}
    assert mode == min(priced, key=lambda name: priced[name])
    assert notes[mode] == "the cheapest mode allowed"


def test_the_search_prices_the_modes_anew_when_it_changes_the_team(ruleset: Ruleset) -> None:
    """The search lays a change of the team's capacity over today's ranking and shares today's plans: the mode
    chosen for the changed team is the one a decision of that team chooses, at its bill."""
    medium = parse_workload(with_team(scenario_workload(), ops_capacity="medium"))
    memo = PlanMemo()
    today = rank(medium.workload, ruleset, memo=memo)
    assert medium.given is not None
    trial = ranked_with(medium.given, ruleset, {"team.ops_capacity": "low"}, memo, today)
    direct = rank(parse_workload(scenario_workload()).workload, ruleset)
    assert trial is not None
    assert trial.priced is not None
    assert direct.priced is not None
    assert today.priced is not None
    assert trial.priced.choices["eks"].chosen.id == direct.priced.choices["eks"].chosen.id != "managed-node-group"
    assert today.priced.choices["eks"].chosen.id == "managed-node-group"
    assert trial.priced.totals["eks"] == direct.priced.totals["eks"]
