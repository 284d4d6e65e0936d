"""What a pricing pass works out once and shares gives what each target working it out alone gives: the copies every
container target sizes (decider/cost/needs.py), and the cheapest-type scan that stops at the first type the hours
every type bills price past the best (decider/cost/choice.py ``past_best``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import parse_workload
from decider.cost import instances as instances_module
from decider.cost.bill import Plan, plan_targets
from decider.cost.instances import cheapest_instance
from decider.facts import derive
from decider.rules.model import Ruleset
from tests.cost.test_choice_paths import SCENARIO_FILES, instance_inputs, scenario_workload


def priced(plan: Plan, requests: float) -> tuple[Any, ...]:
    """Everything a plan answers with: its sizing's fields, its bill and its instance-hour ramps."""
    return plan.draft.data(), plan.bill_data(requests), plan.hours


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
def test_targets_priced_in_one_pass_are_priced_as_each_alone(ruleset: Ruleset, path: Path) -> None:
    workload = parse_workload(scenario_workload(path)).workload
    model = ruleset.cost_model
    book = ruleset.pricing.get(workload.preferences.region)
    assert model is not None
    if book is None:
        pytest.skip("no price book for this region")
    facts = derive(workload, model)
    together_unpriced: dict[str, str] = {}
    together = plan_targets(ruleset.targets, workload, facts, book, model, together_unpriced)
    alone: dict[str, Plan] = {}
    alone_unpriced: dict[str, str] = {}
    for target in ruleset.targets:
        alone |= plan_targets([target], workload, facts, book, model, alone_unpriced)
    requests = workload.requests_per_month
    assert {target: priced(plan, requests) for target, plan in together.items()} == {
        target: priced(plan, requests) for target, plan in alone.items()
    }
    assert together_unpriced == alone_unpriced


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize(("fee", "kubernetes"), [(False, False), (True, False), (False, True)])
def test_the_scan_that_stops_early_chooses_as_the_scan_of_every_type(
    ruleset: Ruleset, path: Path, fee: bool, kubernetes: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    workload, facts, book, model = instance_inputs(ruleset, path)
    for shared in (False, True):
        early = cheapest_instance(
            workload, facts, book, model, management_fee=fee, kubernetes=kubernetes, shared=shared
        )
        with monkeypatch.context() as patched:
            patched.setattr(instances_module, "past_best", lambda least_month, best: False)
            every = cheapest_instance(
                workload, facts, book, model, management_fee=fee, kubernetes=kubernetes, shared=shared
            )
        assert early == every
