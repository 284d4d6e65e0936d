"""Violations a fourteenth property audit (bills and sizing) found, each kept fixed here:

- the copies a container target keeps up whatever the load, the cost model's minimum when ``runtime.min_copies`` is
  not given, reached every container bill (two copies of an always-on service, half of a small bill) with no
  assumption saying so.
(The audit's other findings are in the closing note of its stop: an instance type chosen at on-demand prices under
Spot, node volumes sized for copies that never run, WebSocket copies from memory, the door at 6 MB.)
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.decision import FargateSizing

NOTE = "runtime.min_copies not given"


@pytest.mark.parametrize(
    ("traffic", "kept", "why"),
    [
        ({"pattern": "steady", "protocols": ["http"]}, 2, "always_on_min_copies"),
        ({"pattern": "diurnal", "protocols": ["http"]}, 2, "always_on_min_copies"),
        ({"pattern": "spiky", "protocols": ["http"]}, 1, "serving_min_copies"),
        ({"pattern": "event", "protocols": ["queue"]}, 1, "serving_min_copies"),
    ],
)
def test_the_copies_kept_up_by_default_are_said_as_the_bill_keeps_them(
    ruleset: Ruleset, traffic: dict[str, Any], kept: int, why: str
) -> None:
    decision = decide(parse_workload({"traffic": {"requests_per_month": 100_000, **traffic}}), ruleset, advice=False)
    [note] = [note for note in decision.assumptions if note.startswith(NOTE)]
    assert f"keep {kept} cop{'y' if kept == 1 else 'ies'} up whatever the load" in note
    assert why in note
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate").sizing
    assert isinstance(fargate, FargateSizing)
    assert fargate.min_copies == kept  # the figure said is the one billed


@pytest.mark.parametrize(
    "sections",
    [
        {"runtime": {"min_copies": 3}, "traffic": {"pattern": "steady"}},  # given: nothing assumed
        {"traffic": {"pattern": "batch"}},  # runs of a job keep no copy up
    ],
)
def test_no_copies_are_said_kept_where_none_is_assumed(ruleset: Ruleset, sections: dict[str, Any]) -> None:
    decision = decide(parse_workload(sections), ruleset, advice=False)
    assert not [note for note in decision.assumptions if note.startswith(NOTE)]
