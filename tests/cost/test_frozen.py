"""Ramps, bill lines and plans are made through their slots (decider/cost/frozen.py) and stay frozen dataclasses:
the fields as given, the defaults as declared, equality, hashing, copies and pickles as a generated __init__ made."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import pytest

from decider.cost.bill import Plan
from decider.cost.capacity import Ramp
from decider.cost.draft import Draft
from decider.cost.line import Line
from decider.cost.profile import RampSum
from decider.decision import LambdaSizing


def test_a_ramp_keeps_its_fields_and_defaults_and_stays_frozen() -> None:
    ramp = Ramp(2.0)
    assert (ramp.slope, ramp.offset, ramp.low, ramp.high) == (2.0, 0.0, 0.0, math.inf)
    assert Ramp(1.0, 2.0, 3.0, 4.0) == Ramp(slope=1.0, offset=2.0, low=3.0, high=4.0)
    assert hash(Ramp(1.0, 2.0)) == hash(Ramp(1.0, 2.0))
    assert dataclasses.replace(ramp, low=5.0) == Ramp(2.0, 0.0, 5.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ramp.slope = 3.0  # type: ignore[misc]
    for again in (copy.copy(ramp), copy.deepcopy(ramp), pickle.loads(pickle.dumps(ramp))):  # noqa: S301 - our own bytes
        assert again == ramp
    summed = RampSum(1.0, parts=(ramp,), spans=(730.0,))  # a subclass keeps its own generated __init__
    assert summed.parts == (ramp,)
    assert summed.at(10.0) == ramp.at(10.0)


def test_a_line_and_a_plan_keep_their_fields_and_stay_frozen() -> None:
    line = Line("compute", "hour", 0.5, Ramp(1.0))
    assert (line.item, line.unit, line.unit_price_usd, line.ramp, line.free) == (
        "compute",
        "hour",
        0.5,
        Ramp(1.0),
        False,
    )
    assert line == Line(item="compute", unit="hour", unit_price_usd=0.5, ramp=Ramp(1.0))
    assert hash(line) == hash(Line("compute", "hour", 0.5, Ramp(1.0)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.item = "other"  # type: ignore[misc]
    draft = Draft(LambdaSizing, memory_mb=1024)
    plan = Plan("lambda", draft, (line,))
    assert (plan.target, plan.draft, plan.lines, plan.hours) == ("lambda", draft, (line,), ())
    assert plan.total(4.0) == 2.0
    assert plan.totals == {4.0: 2.0}
    assert Plan("lambda", draft, (line,)).totals == {}  # each plan its own totals
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.lines = ()  # type: ignore[misc]
