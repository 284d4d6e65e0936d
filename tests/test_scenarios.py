"""The scenario suite: named workloads in tests/scenarios/ with the answer the reference documents justify.

Each file holds ``why`` (the justification, citing aws-facts or decision-criteria), ``workload`` (the workload
contract) and ``expect``:

    recommendation: [ecs-fargate]     acceptable winners; null when every target must be excluded
    excluded: [lambda]                exactly the excluded targets (or excluded_include: a subset that must be out)
    excluded_rules: [limits.x]        exclude rules that must fire
    fired_rules: [traffic.y]          rules of any effect that must fire
    ranking_before: [[a, b]]          a must rank above b (both eligible)
    modes: {eks: [auto-mode]}         the capacity mode each named target must be sized in (acceptable modes)
    mode_rules: [modes.x]             rules that must keep a capacity mode out (a rule with ``mode:``)

The suite as a whole must let every target win at least once and exercise every exclude rule of the shipped
ruleset (those on a capacity mode through ``mode_rules``), so a new hard limit without a scenario fails here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, load_ruleset, parse_workload
from decider.documents import read_file
from decider.errors import DocumentError, nearest

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
TOP_KEYS = ("why", "workload", "expect")
EXPECT_KEYS = (
    "recommendation",
    "excluded",
    "excluded_include",
    "excluded_rules",
    "fired_rules",
    "ranking_before",
    "modes",
    "mode_rules",
)
MIN_SCENARIOS = 35


class ScenarioError(ValueError):
    """A scenario file that does not follow the format; the message names the file, the key and the fix."""


@dataclass(frozen=True)
class Scenario:
    name: str
    why: str
    workload: Mapping[str, Any]
    recommendation: frozenset[str] | None
    excluded: frozenset[str] | None
    excluded_include: frozenset[str]
    excluded_rules: frozenset[str]
    fired_rules: frozenset[str]
    ranking_before: tuple[tuple[str, str], ...]
    modes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    mode_rules: frozenset[str] = frozenset()


def _unknown(keys: Sequence[Any], valid: Sequence[str], where: str) -> None:
    bad = [str(key) for key in keys if key not in valid]
    if bad:
        hints = [f"{key!r} (did you mean {hint!r}?)" if (hint := nearest(key, valid)) else repr(key) for key in bad]
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(hints)}; valid keys: {', '.join(valid)}")


def _names(value: Any, where: str, valid: Sequence[str], kind: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ScenarioError(f"{where}: must be a list of {kind}s, got {value!r}")
    for item in value:
        if item not in valid:
            hint = nearest(item, valid)
            suffix = f" (did you mean {hint!r}?)" if hint else ""
            raise ScenarioError(f"{where}: unknown {kind} {item!r}{suffix}")
    return frozenset(value)


def load_scenario(path: Path, ruleset: Ruleset) -> Scenario:
    """Read one scenario file and check its format against the ruleset's targets and rule ids."""
    name = path.stem
    try:
        raw = read_file(path)
    except DocumentError as error:
        raise ScenarioError(str(error)) from None
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{name}: a scenario is a mapping with keys {', '.join(TOP_KEYS)}")
    _unknown(list(raw), TOP_KEYS, name)
    missing = [key for key in TOP_KEYS if key not in raw]
    if missing:
        raise ScenarioError(f"{name}: missing key(s) {', '.join(missing)}")
    why, workload, expect = raw["why"], raw["workload"], raw["expect"]
    if not isinstance(why, str) or len(why.strip()) < 20:
        raise ScenarioError(f"{name}.why: justify the expectation from the reference documents, got {why!r}")
    if not isinstance(workload, Mapping):
        raise ScenarioError(f"{name}.workload: must be a mapping (the workload contract)")
    if not isinstance(expect, Mapping):
        raise ScenarioError(f"{name}.expect: must be a mapping with keys from {', '.join(EXPECT_KEYS)}")
    _unknown(list(expect), EXPECT_KEYS, f"{name}.expect")
    targets = ruleset.target_ids
    rule_ids = [rule.id for rule in ruleset.rules]
    exclude_ids = [rule.id for rule in ruleset.rules if rule.effect == "exclude" and rule.mode is None]
    mode_ids = [rule.id for rule in ruleset.rules if rule.mode is not None]

    if "recommendation" not in expect:
        raise ScenarioError(f"{name}.expect: missing 'recommendation' (a list of target ids, or null)")
    recommendation = (
        None
        if expect["recommendation"] is None
        else _names(expect["recommendation"], f"{name}.expect.recommendation", targets, "target")
    )
    if recommendation is not None and not recommendation:
        raise ScenarioError(f"{name}.expect.recommendation: an empty list; write null when no target may win")
    if ("excluded" in expect) == ("excluded_include" in expect):
        raise ScenarioError(f"{name}.expect: give exactly one of 'excluded' (the exact set) or 'excluded_include'")
    excluded = (
        _names(expect["excluded"], f"{name}.expect.excluded", targets, "target") if "excluded" in expect else None
    )
    excluded_include = _names(expect.get("excluded_include", []), f"{name}.expect.excluded_include", targets, "target")
    excluded_rules = _names(expect.get("excluded_rules", []), f"{name}.expect.excluded_rules", exclude_ids, "rule")
    fired_rules = _names(expect.get("fired_rules", []), f"{name}.expect.fired_rules", rule_ids, "rule")
    pairs_raw = expect.get("ranking_before", [])
    if not isinstance(pairs_raw, list):
        raise ScenarioError(f"{name}.expect.ranking_before: must be a list of [higher, lower] pairs")
    pairs: list[tuple[str, str]] = []
    for index, pair in enumerate(pairs_raw):
        where = f"{name}.expect.ranking_before[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise ScenarioError(f"{where}: must be a pair [higher, lower], got {pair!r}")
        _names(pair, where, targets, "target")
        pairs.append((pair[0], pair[1]))
    modes_raw = expect.get("modes", {})
    if not isinstance(modes_raw, Mapping):
        raise ScenarioError(f"{name}.expect.modes: a mapping from target id to a list of modes")
    modes: dict[str, frozenset[str]] = {}
    for target, listed in modes_raw.items():
        where = f"{name}.expect.modes.{target}"
        _names([target], where, targets, "target")
        modes[str(target)] = _names(listed, where, [mode.id for mode in ruleset.target(str(target)).modes], "mode")
    return Scenario(
        name=name,
        why=why,
        workload=workload,
        recommendation=recommendation,
        excluded=excluded,
        excluded_include=excluded_include,
        excluded_rules=excluded_rules,
        fired_rules=fired_rules,
        ranking_before=tuple(pairs),
        modes=modes,
        mode_rules=_names(expect.get("mode_rules", []), f"{name}.expect.mode_rules", mode_ids, "rule"),
    )


SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml"))


@functools.cache
def _shipped() -> Ruleset:
    return load_ruleset()


@functools.cache
def _run(path: Path) -> tuple[Scenario, Decision]:
    ruleset = _shipped()
    scenario = load_scenario(path, ruleset)
    return scenario, decide(parse_workload(scenario.workload), ruleset)


def _fired(decision: Decision) -> set[str]:
    fired = {reason.rule for entry in decision.ranking for reason in entry.reasons}
    fired |= {reason.rule for entry in decision.excluded for reason in entry.reasons}
    return fired


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[path.stem for path in SCENARIO_FILES])
def test_scenario(path: Path) -> None:
    scenario, decision = _run(path)
    ranked = [entry.target for entry in decision.ranking]
    excluded = {entry.target for entry in decision.excluded}
    context = f"{scenario.name}: ranking {[(e.target, e.score) for e in decision.ranking]}, excluded {sorted(excluded)}"

    if scenario.recommendation is None:
        assert decision.recommendation is None, context
    else:
        assert decision.recommendation in scenario.recommendation, context
    if scenario.excluded is not None:
        assert excluded == scenario.excluded, context
    assert scenario.excluded_include <= excluded, context
    excluding = {reason.rule for entry in decision.excluded for reason in entry.reasons}
    assert scenario.excluded_rules <= excluding, f"{context}; exclude rules fired: {sorted(excluding)}"
    assert scenario.fired_rules <= _fired(decision), f"{context}; rules fired: {sorted(_fired(decision))}"
    for higher, lower in scenario.ranking_before:
        assert higher in ranked, f"{context}; {higher} must be eligible"
        assert lower in ranked, f"{context}; {lower} must be eligible"
        assert ranked.index(higher) < ranked.index(lower), f"{context}; expected {higher} above {lower}"
    sized = {entry.target: entry.sizing for entry in decision.ranking if entry.sizing is not None}
    for target, modes in scenario.modes.items():
        assert target in sized, f"{context}; {target} must be ranked and sized"
        assert sized[target].mode in modes, f"{context}; {target} runs {sized[target].mode}, expected one of {modes}"
    kept_out = _modes_kept_out(decision)
    assert scenario.mode_rules <= kept_out, f"{context}; rules keeping modes out: {sorted(kept_out)}"


def _modes_kept_out(decision: Decision) -> set[str]:
    return {
        rule
        for entry in decision.ranking
        if entry.sizing is not None
        for option in entry.sizing.modes
        for rule in option.excluded_by
    }


def test_the_suite_is_large_enough() -> None:
    assert len(SCENARIO_FILES) >= MIN_SCENARIOS


def test_every_target_wins_at_least_once() -> None:
    winners = {_run(path)[1].recommendation for path in SCENARIO_FILES}
    missing = set(_shipped().target_ids) - winners
    assert not missing, f"no scenario where these targets win: {sorted(missing)}"


def test_every_exclude_rule_is_exercised_and_checked() -> None:
    # A rule counts only when a scenario both expects it (excluded_rules) and sees it fire (test_scenario).
    expected = set().union(*(_run(path)[0].excluded_rules for path in SCENARIO_FILES))
    fired = set().union(*({r.rule for e in _run(path)[1].excluded for r in e.reasons} for path in SCENARIO_FILES))
    exclude_rules = {rule.id for rule in _shipped().rules if rule.effect == "exclude" and rule.mode is None}
    assert not exclude_rules - expected, f"exclude rules no scenario expects: {sorted(exclude_rules - expected)}"
    assert exclude_rules <= fired


def test_every_mode_rule_is_exercised_and_checked() -> None:
    expected = set().union(*(_run(path)[0].mode_rules for path in SCENARIO_FILES))
    kept_out = set().union(*(_modes_kept_out(_run(path)[1]) for path in SCENARIO_FILES))
    mode_rules = {rule.id for rule in _shipped().rules if rule.mode is not None}
    assert not mode_rules - expected, f"mode rules no scenario expects: {sorted(mode_rules - expected)}"
    assert mode_rules <= kept_out


def test_every_capacity_mode_is_chosen_at_least_once() -> None:
    chosen = {
        (entry.target, entry.sizing.mode)
        for path in SCENARIO_FILES
        for entry in _run(path)[1].ranking
        if entry.sizing is not None
    }
    every = {(target.id, mode.id) for target in _shipped().targets for mode in target.modes}
    assert not every - chosen, f"modes no scenario chooses: {sorted(every - chosen)}"


def test_a_null_recommendation_is_covered() -> None:
    assert any(_run(path)[1].recommendation is None for path in SCENARIO_FILES)


# -- the loader itself ------------------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = """\
why: "aws-facts §1: Lambda max 900 s, so a two-hour job is excluded from Lambda."
workload: {runtime: {max_duration_s: 7200}}
expect:
  recommendation: [ecs-fargate]
  excluded: [lambda]
"""


def test_loader_accepts_a_valid_file(tmp_path: Path, ruleset: Ruleset) -> None:
    scenario = load_scenario(_write(tmp_path, VALID), ruleset)
    assert scenario.recommendation == frozenset({"ecs-fargate"})
    assert scenario.excluded == frozenset({"lambda"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            VALID.replace("  excluded: [lambda]", "  exclude: [lambda]"),
            "unknown key(s) 'exclude' (did you mean 'excluded'?)",
        ),
        (VALID + "  ranking_befor: []\n", "did you mean 'ranking_before'?"),
        (VALID.replace("why:", "reason:"), "unknown key(s) 'reason'"),
        (VALID.replace("[ecs-fargate]", "[ecs-fargat]"), "unknown target 'ecs-fargat' (did you mean 'ecs-fargate'?)"),
        (VALID + "  excluded_rules: [limits.lambda-max-durations]\n", "did you mean 'limits.lambda-max-duration'?"),
        (VALID + "  excluded_include: [lambda]\n", "exactly one of 'excluded'"),
        (VALID.replace("[ecs-fargate]", "[]"), "write null"),
        (VALID + "  ranking_before: [[lambda]]\n", "must be a pair"),
    ],
    ids=[
        "typo-in-expect",
        "typo-ranking-before",
        "unknown-top-key",
        "unknown-target",
        "unknown-rule",
        "both-excluded-forms",
        "empty-recommendation",
        "bad-pair",
    ],
)
def test_loader_rejects_bad_files_clearly(tmp_path: Path, ruleset: Ruleset, text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, text), ruleset)
    assert message in str(caught.value)
    assert "case" in str(caught.value)


def test_loader_rejects_a_score_rule_listed_as_exclusion(tmp_path: Path, ruleset: Ruleset) -> None:
    text = VALID + "  excluded_rules: [traffic.spiky-favours-lambda]\n"
    with pytest.raises(ScenarioError, match=r"unknown rule 'traffic\.spiky-favours-lambda'"):
        load_scenario(_write(tmp_path, text), ruleset)
