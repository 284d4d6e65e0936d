"""Property audit, round 26, F1: an instance type is chosen by the price its purchase option bills (Spot's or a
Savings Plan's discount on compute; the Windows licence, the Managed Instances fee and the root volumes in full), so
no other fitting type, named in ``control.instance_types``, bills the same target less in the same mode. F2 and F3
(cost crossings) are tested in tests/cost/test_resized_crossings.py."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import InstanceSizing

INSTANCE_TARGETS = ("ecs-ec2", "ecs-managed-instances", "eks")


def chosen(decision: Decision) -> dict[str, tuple[float, str, str | None]]:
    """Each instance target's bill, instance type and capacity mode, where it runs on instances (EKS may run pods on
    Fargate)."""
    found = {}
    for entry in decision.ranking:
        if entry.target in INSTANCE_TARGETS and entry.monthly_cost and isinstance(entry.sizing, InstanceSizing):
            found[entry.target] = (entry.monthly_cost.total_usd, entry.sizing.instance_type, entry.sizing.mode)
    return found


def named(raw: dict[str, Any], instance_type: str) -> dict[str, Any]:
    return {**raw, "control": {**raw.get("control", {}), "instance_types": [instance_type]}}


def assert_no_named_type_bills_less(raw: dict[str, Any], ruleset: Ruleset, types: list[str]) -> None:
    before = chosen(decide(parse_workload(raw), ruleset, advice=False))
    assert before
    for instance_type in types:
        after = chosen(decide(parse_workload(named(raw, instance_type)), ruleset, advice=False))
        for target, (usd, _, mode) in after.items():
            if target in before and mode == before[target][2]:
                assert usd >= before[target][0] - 0.01, (target, before[target], instance_type, usd)


WINDOWS_SPOT = {"name": "windows-spot", "runtime": {"memory_mb": 42250, "vcpu": 0.5, "os": "windows"}}


@pytest.mark.parametrize(
    "preferences", [{"spot_ok": True}, {"commitment": "3yr"}, {"commitment": "1yr", "savings_plan": "ec2-instance"}]
)
def test_a_windows_copy_with_a_discount_runs_on_the_type_it_bills_least_on(
    ruleset: Ruleset, preferences: dict[str, Any]
) -> None:
    """With Spot the r7i.2xlarge (8 vCPU to license) was chosen at list price: $867.64 on ECS on EC2, where two
    x2iedn.xlarge (4 vCPU) bill $776.78 in the same mode ($779.98 since a Windows node's root volume is 50 GB)."""
    raw = {**WINDOWS_SPOT, "preferences": preferences}
    assert_no_named_type_bills_less(raw, ruleset, ["r7i.2xlarge", "x2iedn.xlarge", "r7i.xlarge", "m7i.4xlarge"])
    if preferences == {"spot_ok": True}:
        usd, instance_type, _ = chosen(decide(parse_workload(raw), ruleset, advice=False))["ecs-ec2"]
        assert (instance_type, usd) == ("x2iedn.xlarge", 779.98)


def test_more_requests_on_spot_do_not_lower_the_bill(ruleset: Ruleset) -> None:
    """116.6M → 120.1M requests (3% more) on Spot moved ECS on EC2 from 13 m7g.medium (their 13 root volumes in full)
    to 2 c7g.2xlarge, and its bill fell from $211.61 to $199.97: the 2 c7g.2xlarge were the cheaper at 116.6M too."""
    bills = []
    for volume in (116_625_000, 120_124_000):
        raw = {
            "name": "spot-fleet",
            "runtime": {"memory_mb": 2048},
            "traffic": {"requests_per_month": volume},
            "preferences": {"spot_ok": True},
        }
        bills.append(chosen(decide(parse_workload(raw), ruleset, advice=False))["ecs-ec2"][0])
    assert bills[0] <= bills[1], bills


TYPES = ("m7g.medium", "c7g.2xlarge", "m7i.xlarge", "r7i.2xlarge", "x2iedn.xlarge", "c7i.4xlarge", "m7g.4xlarge")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    memory_mb=st.sampled_from([512, 2048, 8192, 30000, 56833]),
    vcpu=st.sampled_from([0.25, 0.5, 1, 2]),
    os=st.sampled_from(["linux", "windows"]),
    requests=st.sampled_from([100_000, 5_000_000, 120_000_000]),
    purchase=st.sampled_from([{"spot_ok": True}, {"commitment": "1yr"}, {"commitment": "3yr"}, {}]),
    scratch=st.sampled_from([0.5, 30.0]),
)
def test_no_named_type_bills_an_instance_target_less_than_the_type_chosen(
    ruleset: Ruleset, memory_mb: int, vcpu: float, os: str, requests: int, purchase: dict[str, Any], scratch: float
) -> None:
    raw = {
        "name": "fleet",
        "runtime": {"memory_mb": memory_mb, "vcpu": vcpu, "os": os, "ephemeral_storage_gb": scratch},
        "traffic": {"pattern": "steady", "requests_per_month": requests},
        "preferences": purchase,
    }
    assert_no_named_type_bills_less(raw, ruleset, list(TYPES))
