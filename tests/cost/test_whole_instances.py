"""Instance targets bill whole instances: a fleet's bill pays for the instances its sizing tells the team to run.

A steady queue worker of 16 copies, at 15 copies an instance, keeps 2 instances up all month, not 1.07: billing
copy-hours ÷ copies per instance charged a fraction of an instance, ran up to half low for steady fleets, and led the
type choice to the large type whose fraction hid the most (architect audit 28, F1).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import decide, parse_workload
from decider.decision import InstanceSizing, RankedTarget
from decider.rules.model import Ruleset

INSTANCE_TARGETS = ("ecs-ec2", "ecs-managed-instances", "eks")


def steady_fleet(requests: float, **control: Any) -> dict[str, Any]:
    return {
        "name": "steady-fleet",
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 200, "memory_mb": 4096},
        "traffic": {"pattern": "steady", "requests_per_month": requests, "protocols": ["queue"]},
        "preferences": {"optimize_for": "cost"},
        "control": control,
    }


def on_instances(entry: RankedTarget) -> InstanceSizing | None:
    """The entry's sizing when its copies run on instances of its own (not EKS on Fargate, not a shared cluster)."""
    sizing = entry.sizing
    if not isinstance(sizing, InstanceSizing) or sizing.shared_nodes:
        return None
    return sizing


def instance_line_hours(entry: RankedTarget) -> float:
    assert entry.monthly_cost is not None
    (line,) = [line for line in entry.monthly_cost.lines if line.unit == "instance-hour" and "fee" not in line.item]
    return line.quantity


@pytest.mark.parametrize("requests", [20_000_000, 100_000_000, 200_000_000])
def test_a_steady_fleet_pays_for_the_instances_its_sizing_names(ruleset: Ruleset, requests: int) -> None:
    decision = decide(parse_workload(steady_fleet(requests)), ruleset, advice=False)
    checked = 0
    for entry in decision.ranking:
        sizing = on_instances(entry)
        if entry.target not in INSTANCE_TARGETS or sizing is None:
            continue
        whole = -(-sizing.desired_copies // sizing.copies_per_instance)
        assert sizing.desired_instances == max(sizing.min_instances, whole)
        assert sizing.instance_hours_per_month == sizing.desired_instances * 730
        assert instance_line_hours(entry) == pytest.approx(sizing.desired_instances * 730, abs=1e-6)
        checked += 1
    assert checked >= 2  # ECS on EC2 and Managed Instances at least


def test_the_type_is_chosen_on_whole_instances(ruleset: Ruleset) -> None:
    """At 100M a month the worker needs 16 copies of 4 GB. A c7g.8xlarge holds 15: two of them, the second nearly
    empty ($1.16 × 2 × 730 = $1,693.60), where one m7g.8xlarge holds all 16 ($1.3056 × 730 = $953.09)."""
    chosen = decide(parse_workload(steady_fleet(100_000_000)), ruleset, advice=False)
    named = decide(parse_workload(steady_fleet(100_000_000, instance_types=["c7g.8xlarge"])), ruleset, advice=False)
    ec2 = next(entry for entry in chosen.ranking if entry.target == "ecs-ec2")
    ec2_named = next(entry for entry in named.ranking if entry.target == "ecs-ec2")
    assert ec2.monthly_cost is not None
    assert ec2_named.monthly_cost is not None
    sizing, sizing_named = on_instances(ec2), on_instances(ec2_named)
    assert sizing is not None
    assert sizing_named is not None
    assert (sizing_named.instance_type, sizing_named.copies_per_instance) == ("c7g.8xlarge", 15)
    assert instance_line_hours(ec2_named) == pytest.approx(2 * 730)
    assert (sizing.instance_type, sizing.copies_per_instance, sizing.desired_instances) == ("m7g.8xlarge", 16, 1)
    assert ec2.monthly_cost.total_usd < ec2_named.monthly_cost.total_usd


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.floats(min_value=1e5, max_value=5e9),
    memory_mb=st.sampled_from([512, 1024, 2048, 4096, 8192]),
    avg_duration_ms=st.floats(min_value=5, max_value=5000),
    pattern=st.sampled_from(["steady", "diurnal", "spiky"]),
    protocol=st.sampled_from(["http", "queue", "grpc"]),
    concurrency=st.integers(min_value=1, max_value=50),
)
def test_serving_fleets_bill_whole_instances(
    ruleset: Ruleset,
    requests: float,
    memory_mb: int,
    avg_duration_ms: float,
    pattern: str,
    protocol: str,
    concurrency: int,
) -> None:
    """Whatever the load, a fleet kept up (a service, a queue consumer) bills its desired instances all month."""
    workload = {
        "runtime": {"memory_mb": memory_mb, "avg_duration_ms": avg_duration_ms, "concurrency_per_copy": concurrency},
        "traffic": {"pattern": pattern, "requests_per_month": requests, "protocols": [protocol]},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    checked = 0
    for entry in decision.ranking:
        sizing = on_instances(entry)
        if entry.target not in INSTANCE_TARGETS or sizing is None or sizing.scaling not in ("always-on", "serving"):
            continue
        assert sizing.instance_hours_per_month == pytest.approx(sizing.desired_instances * 730, rel=1e-9)
        checked += 1
    assert checked >= 1  # ECS on EC2 at least: every such workload is a fleet kept up on instances
