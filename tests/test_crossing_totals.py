"""The crossings' reruns (decider/engine.py ``_totals_at``) take today's volume from the decision's own ranking: the
totals a rerun there prices, without one. The exclusions a rerun takes from the memo's last are those found afresh.
And a container copy's CPU, worked out once per memory (decider/copy_cpu.py), is the CPU worked out afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from decider import copy_cpu, parse_workload
from decider.cost.memo import PlanMemo
from decider.crossings import totals_at
from decider.documents import read_file
from decider.engine import _totals_at
from decider.errors import WorkloadError
from decider.firing import Firing, kept_out
from decider.ranking import _kept_out, rank
from decider.rules.model import Ruleset
from decider.workload import ParsedWorkload
from tests.test_properties import SHIPPED, WORKLOADS

SCENARIOS = sorted((Path(__file__).resolve().parent / "scenarios").glob("*.yaml"))


def _today_alike(parsed: ParsedWorkload, ruleset: Ruleset) -> None:
    """Today's totals of every target, from the ranking and from a rerun at today's volume (its own memo, priced
    afresh), are the same: the same targets, in the same order, to the cent."""
    memo = PlanMemo()
    ranked = rank(parsed.workload, ruleset, memo=memo)
    if ranked.priced is None:
        return
    every = frozenset(target.id for target in ruleset.targets)
    today = parsed.workload.requests_per_month
    seeded = _totals_at(parsed, ruleset, memo, every, ranked).seen[today]
    rerun = totals_at(parsed, ruleset, PlanMemo(), every)(today)
    assert rerun is not None
    assert seeded is not None
    assert list(seeded.items()) == list(rerun.items())
    pair = frozenset(list(ranked.order)[:2])
    assert _totals_at(parsed, ruleset, memo, pair, ranked).seen[today] == totals_at(parsed, ruleset, memo, pair)(today)


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_today_s_totals_are_a_rerun_s_at_today_s_volume(ruleset: Ruleset, path: Path) -> None:
    _today_alike(parse_workload(read_file(path)["workload"]), ruleset)


@given(WORKLOADS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_workload_s_totals_today_are_a_rerun_s(raw: dict[str, Any]) -> None:
    try:
        parsed = parse_workload(raw)
    except WorkloadError:
        return  # a combination the contract refuses
    try:
        _today_alike(parsed, SHIPPED)
    except WorkloadError:
        return  # a region without a price book


def _ids(firing: Firing) -> tuple[object, ...]:
    return (
        [(target, [fired.id for fired in by]) for target, by in firing.exclusions.items()],
        [(key, [fired.id for fired in by]) for key, by in firing.mode_exclusions.items()],
    )


@given(WORKLOADS, WORKLOADS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_exclusions_taken_from_the_memo_are_those_found_afresh(first: dict[str, Any], second: dict[str, Any]) -> None:
    """One memo asked for the exclusions of several workloads in turn (a rerun's volumes, another workload, the same
    one again) gives each the exclusions ``kept_out`` finds afresh."""
    memo = PlanMemo()
    for raw in (first, second, first, {**first, "traffic": {**first.get("traffic", {}), "requests_per_month": 7e8}}):
        try:
            ranked = rank(parse_workload(raw).workload, SHIPPED)
        except WorkloadError:
            continue  # a combination the contract refuses, or a region without a price book
        goal = ranked.workload.preferences.optimize_for
        found = _kept_out(SHIPPED, ranked.workload, ranked.facts, memo)  # from the paths those rules read alone
        assert _ids(found) == _ids(kept_out(SHIPPED, ranked.context, goal))


@pytest.mark.parametrize("os", ["linux", "windows"])
def test_a_copy_s_cpu_worked_out_once_is_the_cpu_worked_out_afresh(os: str) -> None:
    for memory in (*range(128, 20_000, 97), 30_720, 61_440, 61_441, 122_880, 249_856, 300_000, 1024.0, 2048.5):
        first = copy_cpu.container_vcpu_for(memory, None, os)
        assert first == copy_cpu._rounded(memory, os)
        assert copy_cpu.container_vcpu_for(memory, None, os) == first
        assert type(copy_cpu.container_vcpu_for(memory, None, os)) is type(copy_cpu._rounded(memory, os))
    assert copy_cpu.container_vcpu_for(4096, 3.0, os) == 3.0  # given: as given
