"""The one-pass instance choice (``cheapest_instance``) is the choice of pricing every fitting type in full.

``cheapest_instance`` evaluates a month's instance-hours in closed form from numbers compiled per price book; this
checks it against the general form (``instance_options``: every type's ramps built and evaluated) over many generated
workloads, with and without the Managed Instances fee, so a faster choice can never be a different one.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import parse_workload
from decider.cost.instances import cheapest_instance, hourly_price, instance_options
from decider.facts import derive
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
            }
        ),
        "traffic": st.fixed_dictionaries(
            {
                "protocols": st.sampled_from([["http"], ["queue"], ["schedule"], ["tcp"]]),
                "pattern": st.sampled_from(["steady", "spiky", "scheduled", "event", "batch"]),
                "requests_per_month": st.sampled_from([0, 1_000, 250_000, 40_000_000, 3_000_000_000]),
            }
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
    best = min(
        options,
        key=lambda option: (
            hourly_price(option.instance, workload, book, management_fee=fee).total * option.hours,
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
