"""Architect audit, round 27: a container copy's CPU, taken from its memory, tried as a decisive assumption (M1).

With ``runtime.vcpu`` not given, a container copy gets the CPU Lambda gives its memory, rounded to the nearest Fargate
size. Fargate sells only those sizes, so its bill doubles where the rounding moves up a size (about 625, 1,251, 2,502
and 5,004 MB), and the answer between Lambda and the containers can turn on it. That default was never tried by the
counterfactual search: an answer resting on it did not say so. It is now recorded as an assumed field
(``runtime.vcpu``) and tried at the Fargate sizes either side, half and twice it; where one changes the answer, the
assumption is decisive and said.
"""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.alternatives import alternatives

#: A queue consumer in Mumbai at 1,226 MB: its copies get 0.5 vCPU (Lambda gives that memory 0.69).
MUMBAI_QUEUE: dict[str, Any] = {
    "name": "mumbai-queue-1gb",
    "runtime": {"max_duration_s": 10, "avg_duration_ms": 500, "memory_mb": 1226},
    "traffic": {"pattern": "event", "requests_per_month": 10_000_000},
    "preferences": {"region": "ap-south-1"},
}


def test_the_cpu_taken_from_memory_is_an_assumed_field_with_its_value() -> None:
    parsed = parse_workload(MUMBAI_QUEUE)
    assert dict(parsed.defaults)["runtime.vcpu"] == 0.5
    given = parse_workload({**MUMBAI_QUEUE, "runtime": {**MUMBAI_QUEUE["runtime"], "vcpu": 1}})
    assert "runtime.vcpu" not in dict(given.defaults)


def test_it_is_tried_at_the_fargate_sizes_either_side() -> None:
    assert alternatives("runtime.vcpu", 0.5) == [0.25, 1.0]
    assert alternatives("runtime.vcpu", 0.25) == [0.125, 0.5]


def test_an_answer_resting_on_it_says_so_and_the_change_holds(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(MUMBAI_QUEUE), ruleset)
    assert decision.recommendation == "ecs-fargate"
    assert "runtime.vcpu" in decision.decisive_assumptions
    (found,) = [c for c in decision.counterfactuals if "runtime.vcpu" in c.change]
    assert found.change == {"runtime.vcpu": 1.0}
    assert found.recommendation == "lambda"
    assert found.message == (
        "This answer assumes 0.5 vCPU a container copy (runtime.vcpu was not given); with 1 vCPU a container copy, "
        "AWS Lambda would be recommended."
    )
    assert found.message in decision.summary
    # and it is true: given 1 vCPU a copy, Lambda is the answer
    tried = {**MUMBAI_QUEUE, "runtime": {**MUMBAI_QUEUE["runtime"], "vcpu": 1.0}}
    assert decide(parse_workload(tried), ruleset, advice=False).recommendation == "lambda"


@pytest.mark.parametrize("vcpu", [0.5, 1.0])
def test_a_cpu_the_user_gives_is_not_an_assumption_to_try(vcpu: float, ruleset: Ruleset) -> None:
    raw = {**MUMBAI_QUEUE, "runtime": {**MUMBAI_QUEUE["runtime"], "vcpu": vcpu}}
    decision = decide(parse_workload(raw), ruleset)
    assert "runtime.vcpu" not in decision.decisive_assumptions
    assert not [c for c in decision.counterfactuals if "runtime.vcpu" in c.change]
