"""The plan memo's twins (decider/cost/memo.py): rankings that differ only in what no instance choice reads share
the instance types chosen, and a ranking on another Savings Plans term buys the plans priced on the first term anew
(decider/cost/repurchase.py) instead of sizing them again. Either way every plan is the plan priced afresh."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from decider import parse_workload
from decider.cost import instances as instances_module
from decider.cost import sizing as sizing_module
from decider.cost.memo import PlanMemo
from decider.errors import WorkloadError
from decider.network import FrontDoorChoice
from decider.rules.model import Ruleset
from decider.workload import Workload
from tests.cost.test_memo import SCENARIOS, _changed, _image_billed, _others, _plans_by_mode, _price, _workload
from tests.test_properties import SHIPPED, WORKLOADS

#: The fields no instance choice reads (each with the section it is in), but that the bills read.
UNSIZED = (
    ("preferences", "commitment"),
    ("preferences", "savings_plan"),
    ("preferences", "free_tier"),
    ("traffic", "payload_mb"),
    ("traffic", "front_door"),
    ("network", "vpc"),
    ("network", "nat_gateways"),
    ("network", "egress_gb_per_month"),
    ("network", "logs_gb_per_month"),
)


def _values(workload: Workload, section: str, name: str) -> list[Any]:
    now = getattr(getattr(workload, section), name)
    if name == "front_door":
        return [door for door in (None, *typing.get_args(FrontDoorChoice)) if door != now]
    return _others(section, name, now)


def _count_choices(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of the instance choices made (decider/cost/instances.py ``cheapest_instance``)."""
    calls = [0]
    choose = instances_module.cheapest_instance

    def counted(*args: Any, **options: Any) -> Any:
        calls[0] += 1
        return choose(*args, **options)

    monkeypatch.setattr(sizing_module, "cheapest_instance", counted)
    return calls


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_a_change_no_instance_choice_reads_prices_as_afresh_on_the_choices_made(
    ruleset: Ruleset, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each field of ``UNSIZED`` changed to each other value, priced in the memo of the unchanged workload: every plan
    of every target in every mode is the plan priced afresh, and no instance type is chosen again (but for a job's
    image, billed through NAT gateways: its size is keyed then)."""
    workload = parse_workload(_workload(path)).workload
    calls = _count_choices(monkeypatch)
    for section, name in UNSIZED:
        for value in _values(workload, section, name):
            changed = _changed(workload, section, name, value)
            memo = PlanMemo()
            _price(ruleset, workload, memo)
            chosen = calls[0]
            try:
                shared = _plans_by_mode(_price(ruleset, changed, memo))
            except WorkloadError:
                continue  # a door or a network price the region's book lacks
            # the choices of the unchanged workload, taken; but a job's NAT gateways bill its image (keyed by size),
            # and the purchase terms set the compute price a type is chosen by
            terms = section == "preferences" and name != "free_tier"
            if _image_billed(ruleset, changed) == _image_billed(ruleset, workload) and not terms:
                assert calls[0] == chosen, (section, name, value)
            assert shared == _plans_by_mode(_price(ruleset, changed, PlanMemo())), (section, name, value)


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_a_plan_on_another_term_is_bought_from_the_first_term_s(
    ruleset: Ruleset, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On another Savings Plans term, the plans of targets on Fargate are bought anew from the unchanged workload's (no
    task size sized), and those on EC2 instances taken where bought on Spot; all are the plans priced afresh; a
    Windows cluster's plan (its Linux system node is bought on the term too) is not taken."""
    workload = parse_workload(_workload(path)).workload
    memo = PlanMemo()
    first = _price(ruleset, workload, memo)
    sized = [0]
    size = sizing_module.size_fargate

    def counted(*args: Any, **options: Any) -> Any:
        sized[0] += 1
        return size(*args, **options)

    monkeypatch.setattr("decider.cost.bill.size_fargate", counted)
    for term in _values(workload, "preferences", "commitment"):
        changed = _changed(workload, "preferences", "commitment", term)
        fresh = _plans_by_mode(_price(ruleset, changed, PlanMemo()))
        before = sized[0]
        assert _plans_by_mode(_price(ruleset, changed, memo)) == fresh, term
        windows = workload.runtime.os == "windows" and "eks" in first.plans
        if "ecs-fargate" in first.plans and not windows:
            # EKS on Fargate (a mode of its own, priced on the term) sizes its pods; ECS on Fargate is bought anew
            assert sized[0] - before <= ("eks" in first.plans), term


def test_a_windows_cluster_s_plan_on_another_term_is_not_taken(ruleset: Ruleset) -> None:
    """EKS on Windows nodes bills a Linux system node on the term: the memo does not lend it to another term."""
    workload = parse_workload(
        {"runtime": {"os": "windows", "memory_mb": 2048}, "traffic": {"requests_per_month": 5_000_000}}
    ).workload
    memo = PlanMemo()
    _price(ruleset, workload, memo)
    number = next(iter(memo.keys.values()))
    assert memo.bases[(number, False, "eks")][0] is not None
    changed = _changed(workload, "preferences", "commitment", "3yr")
    _price(ruleset, changed, memo)
    twin = max(memo.keys.values())
    assert memo.terms[twin] == number  # the twin is known ...
    assert memo.bought(twin, False, "eks", changed) is None  # ... and its EKS plan not taken
    assert memo.bought(twin, False, "ecs-ec2", changed) is None  # bought on another term: its type chosen anew
    assert memo.bought(twin, False, "ecs-fargate", changed) is not None
    assert _plans_by_mode(_price(ruleset, changed, memo)) == _plans_by_mode(_price(ruleset, changed, PlanMemo()))


@given(WORKLOADS, st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_workload_prices_alike_on_its_twins_plans(raw: dict[str, Any], data: st.DataObject) -> None:
    """The scenarios' tests on workloads generated over the whole contract: one field of ``UNSIZED`` changed to
    another value prices in the unchanged workload's memo exactly as afresh."""
    try:
        workload = parse_workload(raw).workload
    except WorkloadError:
        return  # a combination the contract refuses is no workload to price
    section, name = data.draw(st.sampled_from(UNSIZED))
    others = _values(workload, section, name)
    assume(others)
    changed = _changed(workload, section, name, data.draw(st.sampled_from(others)))
    memo = PlanMemo()
    try:
        _price(SHIPPED, workload, memo)
        fresh = _plans_by_mode(_price(SHIPPED, changed, PlanMemo()))
    except WorkloadError:
        return  # a price the region's book lacks
    assert _plans_by_mode(_price(SHIPPED, changed, memo)) == fresh


@pytest.mark.parametrize("egress", [0.0, 500.0])
def test_the_free_tier_is_bought_anew_only_where_no_container_line_reads_it(ruleset: Ruleset, egress: float) -> None:
    """With no data out and no logs, no line of a container's plan reads the free tier: the plans of the workload
    without it are taken (bought anew, as priced afresh); with data out, its lines read it, and the plans are not."""
    workload = parse_workload(
        {"traffic": {"requests_per_month": 5_000_000}, "network": {"egress_gb_per_month": egress}}
    ).workload
    memo = PlanMemo()
    _price(ruleset, workload, memo)
    changed = _changed(workload, "preferences", "free_tier", True)
    shared = _plans_by_mode(_price(ruleset, changed, memo))
    number = max(memo.keys.values())
    assert (memo.terms[number] != number) is (egress == 0.0)
    assert (memo.bought(number, False, "ecs-fargate", changed) is not None) is (egress == 0.0)
    assert shared == _plans_by_mode(_price(ruleset, changed, PlanMemo()))
