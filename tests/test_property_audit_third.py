"""What a third property audit (11 invariants over thousands of generated workloads) found, each kept fixed here:

- ``control.instance_types`` is a set, as ``traffic.protocols`` is: a name given twice is the same answer in the
  same words;
- a number that is not finite (NaN, Infinity, from YAML's ``.nan`` or Python) is said to be not finite on every
  field, not to be above a bound.
"""

from __future__ import annotations

import json

import pytest

from decider import WorkloadError, decide, parse_workload
from decider.rules.model import Ruleset


def test_an_instance_type_given_twice_gives_the_same_answer_in_the_same_bytes(ruleset: Ruleset) -> None:
    workload = {"runtime": {"gpu": 1, "memory_mb": 16_384, "vcpu": 4}, "traffic": {"pattern": "steady"}}
    once, twice = (
        decide(parse_workload({**workload, "control": {"instance_types": names}}), ruleset).model_dump(mode="json")
        for names in (["g5"], ["g5", "g5"])
    )
    assert json.dumps(once) == json.dumps(twice)
    assert parse_workload({"control": {"instance_types": ["g5", "p4d", "g5"]}}).workload.control.instance_types == (
        "g5",
        "p4d",
    )


@pytest.mark.parametrize(
    ("section", "field"),
    [("network", "egress_gb_per_month"), ("network", "logs_gb_per_month"), ("runtime", "avg_duration_ms"),
     ("traffic", "requests_per_month"), ("runtime", "memory_mb")],
)  # fmt: skip
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_number_that_is_not_finite_is_said_to_be_so(section: str, field: str, value: float) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({section: {field: value}})
    [problem] = caught.value.problems
    assert str(problem) == f"{section}.{field}: Input should be a finite number, got {value}"
