"""The quick paths of the mode choice and the instance choice give what the general ones give: a mode's share tried
without ``_pick`` for two modes and no tilt, a decision's plans priced with no memo to number them for, and the priced
fitting types looked up once by everything they read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import Ruleset, decide, parse_workload
from decider.cost.choice import undominated
from decider.cost.hourly import compute_factor, hourly_price
from decider.cost.instances import _priced_fits, instance_fits
from decider.cost.memo import PlanMemo
from decider.cost.mode_goal import pick_mode as _pick
from decider.cost.modes import SHARE_HALVINGS, Choice
from decider.cost.volumes import volume_hour_usd
from decider.documents import read_file
from decider.facts import Facts, derive
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Mode
from decider.workload import Workload

SCENARIO_FILES = sorted(Path("tests/scenarios").glob("*.yaml"))
GOALS = ("balanced", "cost", "simplicity", "control")
MODES = (
    Mode("on-demand", "On demand", "on-demand", hands_on=0),
    Mode("managed", "Managed", "lambda-managed-instances", hands_on=1),
    Mode("spot", "Spot", "spot", hands_on=2),
)


def weight_by_pick(choice: Choice, mode: Mode, band: float) -> float:
    """``Choice._weight`` as first written: every rise tried through ``_pick`` on a copy of all the totals."""
    modes = [item for item, total, _ in choice.priced if total is not None]
    totals = {item.id: total for item, total, _ in choice.priced if total is not None}
    chosen = choice.chosen
    pair = [candidate for candidate in modes if candidate is chosen or candidate is mode]

    def picked(factor: float) -> Mode:
        return _pick(pair, {**totals, chosen.id: totals[chosen.id] * factor}, choice.optimize_for, choice.tilt)

    if picked(1 + band) is chosen:
        return 0.0
    low, high = 1.0, 1 + band
    for _ in range(SHARE_HALVINGS):
        middle = (low + high) / 2
        low, high = (middle, high) if picked(middle) is chosen else (low, middle)
    nearness = 1 - (high - 1) / band
    return nearness / (2 - nearness)


@settings(max_examples=300, deadline=None)
@given(
    totals=st.lists(st.floats(min_value=0.01, max_value=1e5, allow_nan=False), min_size=2, max_size=3),
    goal=st.sampled_from(GOALS),
    tilt=st.sampled_from((0.0, 0.05, 0.1)),
    near=st.floats(min_value=0.0, max_value=0.3),
)
def test_a_modes_share_weight_is_the_one_pick_gives(totals: list[float], goal: str, tilt: float, near: float) -> None:
    modes = MODES[: len(totals)]
    # One mode's total close to another's, so that the halving has a switch to find
    totals[-1] = totals[0] * (1 + near)
    by_id = {mode.id: total for mode, total in zip(modes, totals, strict=True)}
    chosen = _pick(modes, by_id, goal, tilt)
    choice = Choice(chosen, tuple((mode, by_id[mode.id], ()) for mode in modes), goal, "us-east-1", tilt)
    for mode in modes:
        if mode is not chosen:
            assert choice._weight(mode, modes, by_id, 0.25) == weight_by_pick(choice, mode, 0.25)


def scenario_workload(path: Path) -> Any:
    document = read_file(path)
    return document["workload"] if isinstance(document, dict) and "workload" in document else document


def instance_inputs(ruleset: Ruleset, path: Path) -> tuple[Workload, Facts, PriceBook, CostModel]:
    """A scenario's workload, its facts, its region's price book and the cost model, for a test of the instance
    choice; skipped where the region's book prices no instance."""
    workload = parse_workload(scenario_workload(path)).workload
    model = ruleset.cost_model
    book = ruleset.pricing.get(workload.preferences.region)
    assert model is not None
    if book is None or not book.ec2.instances:
        pytest.skip("no instance prices in this region")
    return workload, derive(workload, model), book, model


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
def test_a_decision_priced_with_no_memo_is_the_one_priced_with_a_memo(ruleset: Ruleset, path: Path) -> None:
    parsed = parse_workload(scenario_workload(path))
    alone = decide(parsed, ruleset, advice=False)
    with_memo = decide(parsed, ruleset, advice=False, memo=PlanMemo())
    assert alone.model_dump() == with_memo.model_dump()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize(("fee", "kubernetes"), [(False, False), (True, False), (False, True)])
def test_the_priced_fitting_types_are_the_fitting_types_priced(
    ruleset: Ruleset, path: Path, fee: bool, kubernetes: bool
) -> None:
    workload, facts, book, model = instance_inputs(ruleset, path)
    runtime = workload.runtime
    expected = undominated(
        tuple(
            (
                instance,
                per_instance,
                hourly_price(instance, workload, book, management_fee=fee).billed(compute_factor(workload, book))
                + volume_hour_usd(
                    book,
                    model,
                    per_instance * runtime.ephemeral_storage_gb,
                    2 * runtime.artifact_mb / 1024,
                    runtime.os,
                ),
                instance.usd_per_hour,
            )
            for instance, per_instance in instance_fits(workload, facts, book, model, kubernetes=kubernetes)
        )
    )
    assert _priced_fits(workload, facts, book, model, fee, kubernetes) == expected
    assert _priced_fits(workload, facts, book, model, fee, kubernetes) is _priced_fits(
        workload, facts, book, model, fee, kubernetes
    )
