"""The one-pass instance choice (``cheapest_instance``) is the choice of pricing every fitting type in full.

``cheapest_instance`` evaluates a month's instance-hours in closed form from numbers compiled per price book; this
checks it against the general form (``instance_options``: every type's ramps built and evaluated) over many generated
workloads, with and without the Managed Instances fee, so a faster choice can never be a different one.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import parse_workload
from decider.cost.capacity import Ramp, empty_room
from decider.cost.hourly import compute_factor, hourly_price
from decider.cost.instances import cheapest_instance, instance_options
from decider.cost.mode_plans import _environment_fits, lambda_managed_instances
from decider.cost.profile import profile_billed_hours, profile_copy_hours
from decider.cost.volumes import volume_hour_usd
from decider.facts import derive, utilisation
from decider.pricing.book import Instance
from decider.rules.model import Ruleset

WORKLOADS = st.fixed_dictionaries(
    {
        "runtime": st.fixed_dictionaries(
            {
                "memory_mb": st.sampled_from([128, 512, 1024, 3000, 8192, 30000]),
                "vcpu": st.sampled_from([0.25, 0.5, 1, 2, 3, 8]),
                "avg_duration_ms": st.sampled_from([5, 120, 900, 60_000]),
                "concurrency_per_copy": st.sampled_from([1, 4, 50]),
                "architecture": st.sampled_from(["any", "x86_64", "arm64"]),
                "os": st.sampled_from(["linux", "windows"]),
                "long_running": st.booleans(),
                "ephemeral_storage_gb": st.sampled_from([0.5, 20, 60]),
            },
            optional={"min_copies": st.sampled_from([0, 3])},  # 0: copies scale to zero between bursts
        ),
        "traffic": st.fixed_dictionaries(
            {
                "protocols": st.sampled_from([["http"], ["queue"], ["schedule"], ["tcp"]]),
                "pattern": st.sampled_from(["steady", "spiky", "scheduled", "event", "batch"]),
                "requests_per_month": st.sampled_from([0, 1_000, 250_000, 40_000_000, 3_000_000_000]),
            },
            # Hour by hour: office hours, one busy hour a day, a flat day (copy-hours are then a sum of stretches)
            optional={
                "hourly_profile": st.sampled_from(
                    [
                        [0] * 7 + [1, 3, 4, 4, 4, 3, 4, 4, 4, 3, 2, 1] + [0] * 5,
                        [0] * 9 + [1] + [0] * 14,
                        [1] * 24,
                    ]
                )
            },
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sections=WORKLOADS, fee=st.booleans())
def test_the_one_pass_choice_is_the_cheapest_of_every_option(
    ruleset: Ruleset, sections: dict[str, Any], fee: bool
) -> None:
    workload = parse_workload(sections).workload
    facts, book, model = derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model
    assert model is not None
    options = instance_options(workload, facts, book, model)
    chosen = cheapest_instance(workload, facts, book, model, management_fee=fee)
    if not options:
        assert chosen is None
        return
    # Each type's instance-hour with its node's root volume: a smaller type that holds fewer copies needs more nodes,
    # each with a volume, so it is not the cheaper one for costing the same per copy-hour
    scratch = workload.runtime.ephemeral_storage_gb
    best = min(
        options,
        key=lambda option: (
            (
                hourly_price(option.instance, workload, book, management_fee=fee).billed(compute_factor(workload, book))
                + volume_hour_usd(book, model, option.per_instance * scratch, 0.0, workload.runtime.os)
            )
            * option.hours,
            option.instance.usd_per_hour,
            option.instance.type,
        ),
    )
    assert chosen is not None
    assert (chosen.instance.type, chosen.per_instance, chosen.ramps) == (
        best.instance.type,
        best.per_instance,
        best.ramps,
    )
    assert chosen.hours == best.hours  # the same float: the closed form runs the ramps' own operations


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sections=WORKLOADS,
    commitment=st.sampled_from(["none", "1yr", "3yr"]),
    region=st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1"]),
)
def test_lambda_managed_instances_choose_the_cheapest_environment_host(
    ruleset: Ruleset, sections: dict[str, Any], commitment: str, region: str
) -> None:
    """Lambda Managed Instances scan a list compiled per catalogue, environment shape and discount, without the types
    another beats at every volume: the type chosen is the one pricing every fitting type would choose."""
    sections = {**sections, "preferences": {"commitment": commitment, "region": region}}
    workload = parse_workload(sections).workload
    facts, book, model = derive(workload), ruleset.pricing[region], ruleset.cost_model
    assert model is not None
    prices = book.modes.lambda_managed_instances
    target = ruleset.target("lambda")
    plan = lambda_managed_instances(target, workload, facts, book, model)
    if prices is None:
        assert plan is None
        return
    vcpu = max(prices.minimum_environment_vcpu.quantity, facts.container_vcpu)
    memory_mb = max(prices.minimum_environment_memory_mb.quantity, float(workload.runtime.memory_mb), 2048.0 * vcpu)
    vcpu = max(vcpu, memory_mb / 8192.0)
    discount = book.savings_plans.ec2.for_term(commitment)
    per_copy = workload.runtime.concurrency_per_copy * utilisation(workload, model)
    hours = facts.avg_duration_s / (3600.0 * per_copy)  # the model's own operations: equal costs tie exactly
    floor = prices.minimum_instances.quantity * 730.0

    requests = workload.requests_per_month
    environments = math.ceil(hours * requests / 730.0 - 1e-9)  # whole environments, on whole instances

    profile = workload.traffic.hourly_profile  # hour by hour, as the container targets' copies (architect audit 37)
    by_hour = profile_copy_hours(profile, hours, 0.0, model.scale_in_lag_minutes) if profile is not None else None

    def month(instance: Instance, fits: int) -> tuple[float, float, str]:
        compute = instance.usd_per_hour * (1 - discount.fraction) if discount is not None else instance.usd_per_hour
        hourly = compute + instance.usd_per_hour * prices.fee_fraction.fraction
        if by_hour is not None:
            billed = profile_billed_hours(by_hour, fits, floor, requests)
            assert billed >= floor * (1 - 1e-12)  # never below the three instances kept
            return (hourly * billed, instance.usd_per_hour, instance.type)
        ramp = Ramp(hours / fits, empty_room(Ramp(hours), fits, requests), floor)
        billed = ramp.at(requests)
        assert billed == pytest.approx(max(floor, math.ceil(environments / fits - 1e-9) * 730.0), rel=1e-9)
        return (hourly * billed, instance.usd_per_hour, instance.type)

    every = _environment_fits(workload, book, model, vcpu, memory_mb)
    if not every:
        assert plan is None
        return
    best, fits = min(every, key=lambda item: month(*item))
    assert plan is not None
    chosen = next(item for item in every if item[0].type == plan.draft.instance_type)
    assert month(*chosen)[0] == month(best, fits)[0]  # no fitting type is cheaper
    assert (plan.draft.instance_type, plan.draft.copies_per_instance) == (best.type, fits)  # and ties break alike
