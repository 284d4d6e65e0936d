"""A plan bought the other way (decider/cost/repurchase.py) is the plan a second sizing pass prices for the workload
with the other Spot preference: the same sizing fields and the same lines, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from decider import parse_workload
from decider.cost.bill import plan_targets
from decider.cost.hourly import compute_factor
from decider.cost.modes import _with_spot
from decider.cost.repurchase import repurchased
from decider.decision import InstanceSizing
from decider.errors import WorkloadError
from decider.facts import derive
from decider.rules.model import Ruleset

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def _workload(path: Path) -> object:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document.get("workload", document) if isinstance(document, dict) else document


@pytest.mark.parametrize("path", SCENARIOS + EXAMPLES, ids=[path.stem for path in SCENARIOS + EXAMPLES])
def test_a_plan_bought_the_other_way_is_the_plan_priced_afresh(ruleset: Ruleset, path: Path) -> None:
    try:
        workload = parse_workload(_workload(path)).workload
    except WorkloadError:
        pytest.skip("not a valid workload")
    book = ruleset.pricing.get(workload.preferences.region)
    model = ruleset.cost_model
    if book is None or model is None:
        pytest.skip("no price book for the region")
    facts = derive(workload, model)
    other = _with_spot(workload, not workload.preferences.spot_ok)
    targets = list(ruleset.targets)
    first = plan_targets(targets, workload, facts, book, model)
    afresh = plan_targets(targets, other, facts, book, model)
    redone = 0
    for target in targets:
        if target.id not in first:
            continue
        twin = repurchased(first[target.id], target, other, book, model)
        if twin is None:
            # an instance type is chosen by the compute price billed: bought with another discount, sized anew
            instances = first[target.id].draft.kind is InstanceSizing
            assert not instances or compute_factor(workload, book) != compute_factor(other, book), target.id
            continue
        redone += 1
        plan = afresh[target.id]
        assert twin.target == plan.target
        assert twin.draft.kind is plan.draft.kind
        assert twin.draft.fields == plan.draft.fields
        assert list(twin.draft.fields) == list(plan.draft.fields)
        assert twin.lines == plan.lines
        assert twin.hours == plan.hours
        assert twin.total(workload.requests_per_month) == plan.total(workload.requests_per_month)
    assert redone or "ecs-fargate" not in first
