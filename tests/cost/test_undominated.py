"""The types no other dominates, found in one sweep (decider/cost/choice.py ``undominated``), are the ones every pair
compared by ``dominates`` leaves: on every scenario's priced fitting types and on made-up catalogues full of equal
prices, equal copies and equal list prices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import Ruleset
from decider.cost.choice import dominates, undominated
from decider.cost.hourly import compute_factor, hourly_price
from decider.cost.instances import instance_fits
from decider.cost.volumes import node_disk, volume_hour_usd
from tests.cost.test_choice_paths import SCENARIO_FILES, instance_inputs

Priced = tuple[Any, int, float, float]


def pairwise(priced: Sequence[Priced]) -> tuple[Priced, ...]:
    """``undominated`` as first written: each type against every other."""
    kept = [item for item in priced if not any(dominates(other, item) for other in priced)]
    return tuple(sorted(kept, key=lambda item: item[2]))


@dataclass(frozen=True)
class Named:
    """A catalogue type as ``dominates`` reads it: by name."""

    type: str


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize(("fee", "kubernetes"), [(False, False), (True, False), (False, True)])
def test_the_sweep_keeps_what_every_pair_keeps_on_every_scenario(
    ruleset: Ruleset, path: Path, fee: bool, kubernetes: bool
) -> None:
    workload, facts, book, model = instance_inputs(ruleset, path)
    runtime = workload.runtime
    priced = tuple(
        (
            item,
            per_instance,
            hourly_price(item, workload, book, management_fee=fee).billed(compute_factor(workload, book))
            + volume_hour_usd(book, model, *node_disk(runtime, per_instance)),
            item.usd_per_hour,
        )
        for item, per_instance in instance_fits(workload, facts, book, model, kubernetes=kubernetes)
    )
    assert undominated(priced) == pairwise(priced)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.large", "b.large", "c.large", "d.large", "e.large"]),
            st.integers(1, 4),
            st.sampled_from([0.1, 0.2, 0.3, 0.30000000000000004]),
            st.sampled_from([0.1, 0.2, 0.3]),
        ),
        max_size=12,
    )
)
def test_the_sweep_keeps_what_every_pair_keeps_on_any_catalogue(rows: list[tuple[str, int, float, float]]) -> None:
    priced: tuple[Priced, ...] = tuple(
        (Named(name), copies, hourly, list_price) for name, copies, hourly, list_price in rows
    )
    assert undominated(priced) == pairwise(priced)
