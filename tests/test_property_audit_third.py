"""What a third property audit (11 invariants over thousands of generated workloads) found, each kept fixed here:

- ``control.instance_types`` is a set, as ``traffic.protocols`` is: a name given twice is the same answer in the
  same words;
- a number that is not finite (NaN, Infinity, from YAML's ``.nan`` or Python) is said to be not finite on every
  field, not to be above a bound;
- points a rule gives only in some capacity modes (``in_modes``) fade over a band of the bills around the switch of
  mode, rather than jumping when a 1% change of the workload switches it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from decider import WorkloadError, decide, parse_workload
from decider.cost.modes import SHARE_BAND, Choice
from decider.decision import RankedTarget
from decider.rules.model import Mode, Ruleset


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


# --- points limited to a capacity mode fade over a band of the bills (no cliff where the mode switches) -------------

SIMPLE_API: dict[str, Any] = {
    "runtime": {"max_duration_s": 60, "memory_mb": 417, "vcpu": 1, "architecture": "x86_64"},
    "traffic": {"pattern": "diurnal", "latency_slo_ms": 100, "requests_per_month": 4_590_000},
    "preferences": {"optimize_for": "simplicity"},
}


def lambda_at(ruleset: Ruleset, volume: float) -> RankedTarget:
    sections = {**SIMPLE_API, "traffic": {**SIMPLE_API["traffic"], "requests_per_month": volume}}
    decision = decide(parse_workload(sections), ruleset, advice=False)
    return next(item for item in decision.ranking if item.target == "lambda")


def test_a_mode_switch_moves_no_score_by_a_cliff(ruleset: Ruleset) -> None:
    """+1% of volume switched Lambda from on demand to Managed Instances and its cold-start penalty (on demand only)
    vanished at once: +7.2 points for a bill 8.5% lower. Now the penalty fades over the band around the switch."""
    before, after = lambda_at(ruleset, 4_590_000), lambda_at(ruleset, 4_636_000)
    assert before.sizing is not None
    assert after.sizing is not None
    assert (before.sizing.mode, after.sizing.mode) == ("on-demand", "managed-instances")
    assert abs(after.score - before.score) <= 3
    volume, last = 4_000_000.0, lambda_at(ruleset, 4_000_000)
    while volume < 5_600_000:  # 3% steps across the switch: no step moves the score by more than 3 points
        volume *= 1.03
        now = lambda_at(ruleset, volume)
        assert abs(now.score - last.score) <= 3, volume
        last = now


def test_mode_shares_are_whole_away_from_the_switch_and_half_at_it() -> None:
    on_demand, managed = (
        Mode("on-demand", "Lambda on demand", "on-demand", 1),
        Mode("managed-instances", "Lambda Managed Instances", "lambda-managed-instances", 2),
    )

    def choice(chosen: Mode, cheap: float, dear: float) -> Choice:
        return Choice(chosen, ((on_demand, cheap, ()), (managed, dear, ())), "cost", "us-east-1", 0.1)

    assert choice(on_demand, 100, 150).shares() == {"on-demand": 1.0}  # a rise of 50% before the other is chosen
    near = choice(on_demand, 100, 100 * (1 + SHARE_BAND / 2)).shares()  # half the band from the switch: a quarter
    assert near["managed-instances"] == pytest.approx(0.25, abs=0.01)
    assert sum(near.values()) == pytest.approx(1.0)
    at = choice(on_demand, 100, 100.01).shares()
    assert at["on-demand"] == pytest.approx(0.5, abs=0.01)
    other_side = choice(managed, 100.01, 100).shares()  # just past the switch, seen from the mode now chosen
    assert other_side["on-demand"] == pytest.approx(0.5, abs=0.01)


def test_a_job_with_a_near_zero_duration_and_a_start_time_is_decided(ruleset: Ruleset) -> None:
    """A run's time from its start over its duration overflowed to infinity for a duration of 1e-308 ms (found by
    the API's fuzzing): the runs in flight at peak are now the peak's rate of runs times each run's time."""
    sections = {
        "runtime": {"avg_duration_ms": 1e-308, "startup_s": 256, "memory_mb": 2048},
        "traffic": {"pattern": "batch", "requests_per_month": 1000},
    }
    decision = decide(parse_workload(sections), ruleset, advice=False)
    assert decision.recommendation is not None
    fargate = next(item for item in decision.ranking if item.target == "ecs-fargate")
    assert fargate.sizing is not None
