"""The compiled firing (decider/firing.py): the same outcomes as each rule read plainly, compiled once per rule set and
goal, and anew for a reloaded rule set."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from decider.documents import read_file
from decider.facts import derive
from decider.firing import Fired, Firing, Quiet, fire, plan
from decider.headroom_said import near_limit
from decider.rules.fields import context
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.workload import parse_workload
from tests.conftest import write_yaml

SCENARIO_FILES = sorted(Path("tests/scenarios").glob("*.yaml"))
GOALS = ("balanced", "cost", "simplicity", "control")


def read_plainly(ruleset: Ruleset, values: Mapping[str, Any], goal: str, *, explain: bool = True) -> Firing:
    """Every rule evaluated on its own from its condition, ramps and headroom, as DESIGN describes them, sorted the
    long way round: what the compiled firing must give."""
    names = {target.id: target.name for target in ruleset.targets}
    exclusions: dict[str, list[Fired]] = {}
    modes: dict[tuple[str, str], list[Fired]] = {}
    scored: list[Fired] = []
    for rule in ruleset.rules:
        weight = ruleset.weights[goal][rule.category]
        message = rule.explain(values) if explain else ""
        if not rule.condition(values):
            if rule.headroom is None or rule.headroom.factor(values) <= 0:
                continue
            factor = rule.headroom.factor(values)
            whose = " and ".join(names[target] for target in rule.targets)
            said = near_limit(
                rule.headroom.field, float(values[rule.headroom.field]), rule.headroom.limit, whose, rule.id
            )
            points = round(-rule.headroom.points * factor * weight, 1)
            impacts = dict.fromkeys(rule.targets, points)
            scored.append(
                Fired(f"{rule.id}.headroom", rule.category, rule.source, said if explain else "", impacts, rule)
            )
        elif rule.effect == "score":
            factor = weight * rule.grade(values)
            if rule.ramps and not factor:
                continue
            impacts = {target: round(points * factor, 1) for target, points in rule.impacts.items()}
            scored.append(Fired(rule.id, rule.category, rule.source, message, impacts, rule))
        else:
            fired = Fired(rule.id, rule.category, rule.source, message, {}, rule)
            for target in rule.targets:
                if rule.mode is None:
                    exclusions.setdefault(target, []).append(fired)
                else:
                    modes.setdefault((target, rule.mode), []).append(fired)
    for each in ruleset.targets:
        kept_out = [modes.get((each.id, mode.id)) for mode in each.modes]
        if each.modes and all(kept_out):
            exclusions.setdefault(each.id, []).extend(fired for found in kept_out if found for fired in found)
    return Firing(
        {target: tuple(exclusions[target]) for target in ruleset.target_ids if target in exclusions},
        tuple(scored),
        {key: tuple(found) for key, found in modes.items()},
    )


def scenario_contexts() -> list[dict[str, Any]]:
    found = []
    for path in SCENARIO_FILES:
        workload = parse_workload(read_file(path)["workload"]).workload
        found.append(context(workload, derive(workload)))
    return found


@pytest.mark.parametrize("goal", GOALS)
def test_the_compiled_firing_is_each_rule_read_plainly(ruleset: Ruleset, goal: str) -> None:
    for values in scenario_contexts():
        assert fire(ruleset, values, goal) == read_plainly(ruleset, values, goal)
        assert fire(ruleset, values, goal, explain=False) == read_plainly(ruleset, values, goal, explain=False)


def test_a_rule_set_is_compiled_once_per_goal_and_anew_when_reloaded(ruleset: Ruleset) -> None:
    assert plan(ruleset, "cost") is plan(ruleset, "cost")
    assert plan(ruleset, "cost") is not plan(ruleset, "balanced")
    reloaded = load_ruleset()
    assert plan(reloaded, "cost") is not plan(ruleset, "cost")
    assert plan(reloaded, "cost").rules is reloaded.rules


def test_a_reload_fires_the_rules_it_loaded(ruleset: Ruleset, tmp_path: Path) -> None:
    """An organisation's layer that disables a rule: the reloaded rule set never fires it, the shipped one still
    does, each compiled from its own rules."""
    workload = parse_workload({"runtime": {"max_duration_s": 3600}}).workload
    values = context(workload, derive(workload))
    assert "limits.lambda-max-duration" in [
        fired.id for fired in fire(ruleset, values, "balanced").exclusions["lambda"]
    ]
    write_yaml(tmp_path / "org.yaml", [{"id": "limits.lambda-max-duration", "disabled": True}])
    reloaded = load_ruleset([tmp_path])
    firing = fire(reloaded, values, "balanced")
    assert "limits.lambda-max-duration" not in [fired.id for found in firing.exclusions.values() for fired in found]
    assert firing == read_plainly(reloaded, values, "balanced")
    quiet = Quiet()
    assert quiet.fire(ruleset, values, "balanced") == fire(ruleset, values, "balanced", explain=False)
    assert quiet.fire(reloaded, values, "balanced") == read_plainly(reloaded, values, "balanced", explain=False)


def test_a_value_of_another_type_is_a_change(ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """1 and 1.0 are equal, yet a rule may read them apart: a value of another type than the reference's fires the
    rules that read it again (and only those), and the reference keeps its own."""
    from decider import firing as firing_module

    values = scenario_contexts()[0]
    compiled = plan(ruleset, "balanced")
    evaluated: list[int] = []

    def counted(index: int, predicate: Any) -> Any:
        def holds(context: Mapping[str, Any]) -> Any:
            evaluated.append(index)
            return predicate(context)

        return holds

    entries = tuple((counted(index, entry[0]), *entry[1:]) for index, entry in enumerate(compiled.entries))
    monkeypatch.setattr(firing_module, "plan", lambda rules, goal: dataclasses.replace(compiled, entries=entries))
    quiet = Quiet()
    quiet.fire(ruleset, values, "balanced")
    kept = quiet.types
    changed = {**values, "runtime.gpu": float(values["runtime.gpu"])}
    assert type(changed["runtime.gpu"]) is not type(values["runtime.gpu"])
    evaluated.clear()
    assert quiet.fire(ruleset, changed, "balanced") == fire(ruleset, changed, "balanced", explain=False)
    assert sorted(evaluated) == sorted(compiled.readers[compiled.paths.index("runtime.gpu")])
    assert quiet.types == kept


def test_fold_asks_no_excluded_target_its_mode_shares(ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """fold() leaves an excluded target's points limited to modes unscaled (it drops them) and never asks its shares:
    the scores and reasons are those of a fold that scales every target's points."""
    from decider import scoring
    from decider.cost.memo import PlanMemo
    from decider.ranking import _shares, rank

    scale_all = scoring._in_part
    for path in SCENARIO_FILES:
        ranked = rank(parse_workload(read_file(path)["workload"]).workload, ruleset, memo=PlanMemo())
        priced = ranked.priced
        if priced is None:
            continue
        asked: list[str] = []
        shares = _shares(priced)

        def recorded(target: str, shares: Any = shares, asked: list[str] = asked) -> Mapping[str, float]:
            asked.append(target)
            return shares(target)  # type: ignore[no-any-return]

        firing = fire(ruleset, ranked.context, ranked.workload.preferences.optimize_for)
        arguments = (ruleset, firing, (priced.cost,) if priced.cost is not None else (), priced.plans)
        modes = {target: choice.chosen.id for target, choice in priced.choices.items()}
        folded = scoring.fold(*arguments, modes=modes, shares=recorded)
        assert not set(asked) & set(firing.exclusions)
        with monkeypatch.context() as patched:
            patched.setattr(
                scoring,
                "_in_part",
                lambda item, limited, shares, outside, excluded=(): scale_all(item, limited, shares, outside),
            )
            assert scoring.fold(*arguments, modes=modes, shares=shares) == folded
