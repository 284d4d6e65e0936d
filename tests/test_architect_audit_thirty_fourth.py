"""Architect audit, round 34: a job whose longest run nobody gave is tried past Lambda's 15 minutes too, so an answer
that rests on a short run says so (F1); names given by meaning (a WebSocket API as a front door, a stream as a
pattern, decider's own target ids as a platform) are told what they mean (F2); a crossing is said where the bills first
cross coming from today's volume, a tooth past it ending a band rather than moving the crossing past it (F3); a whole
number too large to read as one is told the bound it is past, on every front (F4); a size in other words is told the
size it means. With them, from the property audit of round 30 (F1): a threshold cut short by the range said holds 10%
past it too."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from decider import Ruleset, crossing_bands, decide, parse_workload
from decider.alternatives import JOB_LONG_RUN_S, alternatives
from decider.cli import main
from decider.cost.breakeven import SAID_WITHIN
from decider.crossing_bands import WITHIN, earliest, settle
from decider.decision import BreakEven
from decider.errors import WorkloadError

NIGHTLY: dict[str, Any] = {"name": "nightly-etl", "traffic": {"pattern": "scheduled", "requests_per_month": 30}}
BATCH: dict[str, Any] = {
    "name": "batch-4g",
    "traffic": {"pattern": "batch", "requests_per_month": 200},
    "runtime": {"memory_mb": 4096},
}


@pytest.mark.parametrize("raw", [NIGHTLY, BATCH], ids=["scheduled", "batch"])
def test_a_job_with_no_run_time_says_its_answer_assumes_a_short_run(raw: dict[str, Any], ruleset: Ruleset) -> None:
    parsed = parse_workload(raw)
    assert "runtime.max_duration_s not given: assumed 1 s (a short run)" in parsed.assumptions
    decision = decide(parsed, ruleset)
    assert decision.recommendation == "lambda"
    assert decision.decisive_assumptions[0] == "runtime.max_duration_s"
    assert decision.assumptions[0].startswith("runtime.max_duration_s not given")
    (longest,) = [
        item
        for item in decision.counterfactuals
        if item.kind == "assumption" and "runtime.max_duration_s" in item.change
    ]
    assert longest.change["runtime.max_duration_s"] == JOB_LONG_RUN_S
    assert longest.recommendation == "ecs-fargate"
    assert "This answer assumes 1 s for the longest unit of work" in decision.summary
    assert "AWS Lambda would be excluded (limits.lambda-max-duration)" in decision.summary
    # and it is true when applied: the job an hour long goes to a container
    changed = {**raw, "runtime": {**raw.get("runtime", {}), **{k.split(".")[1]: v for k, v in longest.change.items()}}}
    assert decide(parse_workload(changed), ruleset, advice=False).recommendation == "ecs-fargate"


def test_an_hour_is_tried_only_for_a_job_whose_tried_runs_all_fit_lambda() -> None:
    job = parse_workload(NIGHTLY).workload
    assert alternatives("runtime.max_duration_s", 1.0, job) == [0.1, 10.0, JOB_LONG_RUN_S]
    # ×10 past Lambda's limit already: no hour added
    assert alternatives("runtime.max_duration_s", 100.0, job) == [10.0, 1000.0]
    # a request-driven service's longest request is not a run: no hour
    service = parse_workload({"traffic": {"pattern": "steady"}}).workload
    assert alternatives("runtime.max_duration_s", 1.0, service) == [0.1, 10.0]


def test_a_service_with_no_duration_still_says_a_short_request() -> None:
    assert "runtime.max_duration_s not given: assumed 1 s (a short request)" in parse_workload({}).assumptions


#: Names people give that spelling alone suggested wrongly or not at all (F2): each is told what it means.
MEANT: tuple[tuple[dict[str, Any], str], ...] = (
    ({"traffic": {"front_door": "websocket-api"}}, "WebSocket work is traffic.protocols [websocket]"),
    ({"traffic": {"front_door": "wss"}}, "(a REST API has no WebSockets)"),
    ({"traffic": {"front_door": "SQS"}}, "describe it as traffic.protocols [queue]"),
    ({"traffic": {"front_door": "eventbridge"}}, "has no front door"),
    ({"traffic": {"front_door": "cron"}}, "describe it as traffic.protocols [schedule]"),
    ({"traffic": {"pattern": "stream"}}, "(did you mean 'event'?)"),
    ({"traffic": {"pattern": "queue"}}, "(did you mean 'event'?)"),
    ({"traffic": {"pattern": "nightly"}}, "(did you mean 'scheduled'?)"),
    ({"traffic": {"pattern": "job"}}, "(did you mean 'batch'?)"),
    ({"team": {"current_platform": "ecs-fargate"}}, "(did you mean 'ecs'?)"),
    ({"team": {"current_platform": "ecs-managed-instances"}}, "(did you mean 'ecs'?)"),
    ({"team": {"current_platform": "eks-fargate"}}, "(did you mean 'eks'?)"),
    ({"team": {"ops_capacity": "none"}}, "(did you mean 'low'?)"),
    ({"team": {"kubernetes_experience": "high"}}, "(did you mean 'expert'?)"),
    ({"team": {"kubernetes_experience": "low"}}, "(did you mean 'none'?)"),
)


@pytest.mark.parametrize(("raw", "told"), MEANT, ids=[str(raw) for raw, _ in MEANT])
def test_a_name_given_by_meaning_is_told_what_it_means(raw: dict[str, Any], told: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw)
    (problem,) = caught.value.problems
    ((section, fields),) = raw.items()
    ((name, value),) = fields.items()
    assert problem.location == f"{section}.{name}"
    assert repr(value) in problem.message
    meant = re.fullmatch(r"\(did you mean '(.+)'\?\)", told)
    if meant is not None:  # a value meant: suggested as the nearest valid name
        assert problem.suggestion == meant.group(1)
    else:  # no value meant: a note says what to write instead, and no spelling-nearest value is suggested
        assert told in problem.message
        assert problem.suggestion is None  # a REST API is no WebSocket API, nor a queue's door


def test_the_cli_says_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "door.json"
    path.write_text('{"traffic": {"front_door": "websocket-api"}}', encoding="utf-8")
    assert main(["recommend", str(path)]) == 2
    error = capsys.readouterr().err
    assert "traffic.front_door: 'websocket-api' is not allowed" in error
    assert "WebSocket work is traffic.protocols [websocket]" in error


# -- F3: a crossing said where the bills crossed sooner ------------------------------------------------------------

WEBHOOKS: dict[str, Any] = {
    "name": "event-function-url",
    "runtime": {"max_duration_s": 10, "avg_duration_ms": 500, "memory_mb": 512},
    "traffic": {"pattern": "event", "requests_per_month": 500_000, "front_door": "function-url"},
}


def _totals(raw: dict[str, Any], ruleset: Ruleset, volume: float) -> dict[str, float]:
    changed = {**raw, "traffic": {**raw["traffic"], "requests_per_month": volume}}
    decision = decide(parse_workload(changed), ruleset, advice=False)
    return {item.target: item.monthly_cost.total_usd for item in decision.ranking if item.monthly_cost}


def test_ecs_on_ec2_is_said_cheaper_from_where_it_first_is_and_a_tooth_past_it_ends_a_band(ruleset: Ruleset) -> None:
    """ECS on EC2 is cheaper than Lambda from ~23.5M but for a step at ~29.5M: "above ~30.1M" left the band out."""
    decision = decide(parse_workload(WEBHOOKS), ruleset)
    (sentence,) = [text for text in decision.what_would_change if "Amazon ECS on EC2" in text and "AWS Lambda" in text]
    found = re.match(
        r"Between ~23\.5M and ~29M requests a month Amazon ECS on EC2 is cheaper than AWS Lambda, by ~(29\.\d+)M AWS "
        r"Lambda is cheaper again, and above ~(30\.\d+)M Amazon ECS on EC2 is cheaper",
        sentence,
    )
    assert found is not None, sentence
    again, above = (float(text) * 1e6 for text in found.groups())  # where the tooth's ends were narrowed to
    for volume in (23.5e6, 25e6, 28.6e6, 29e6, above, 60e6, 150e6):  # ECS on EC2 cheaper where it says
        totals = _totals(WEBHOOKS, ruleset, volume)
        assert totals["ecs-ec2"] < totals["lambda"], (volume, totals)
    totals = _totals(WEBHOOKS, ruleset, again)  # Lambda cheaper again where it says
    assert totals["lambda"] < totals["ecs-ec2"], totals
    for volume in (0.5e6, 2e6, 8e6, 16e6, 20e6):  # and Lambda cheaper from today's volume to 10% short of the band
        totals = _totals(WEBHOOKS, ruleset, volume)
        assert totals["lambda"] < totals["ecs-ec2"], (volume, totals)


class _Seen:
    """Two bills priced on demand, each volume once (as decider/crossings.py ``Totals`` prices a rerun)."""

    def __init__(self, bills: dict[str, Callable[[float], float]]) -> None:
        self.bills = bills
        self.seen: dict[float, dict[str, float]] = {}

    def __call__(self, volume: float) -> dict[str, float]:
        if volume not in self.seen:
            self.seen[volume] = {name: bill(volume) for name, bill in self.bills.items()}
        return self.seen[volume]


def _earliest_from_20m(other: Callable[[float], float]) -> float | None:
    """``earliest`` from 1M of a crossing narrowed to 20M, "first" costing 100 at every volume and "other" as given."""
    totals = _Seen({"first": lambda volume: 100.0, "other": other})

    def cheaper(volume: float) -> bool:
        found = totals(volume)
        return found["other"] < found["first"] - 0.005

    def gap(volume: float) -> float | None:
        found = totals.seen.get(volume)
        return None if found is None else found["first"] - found["other"]

    return earliest(1e6, 20e6, totals, cheaper, gap)


def test_earliest_finds_the_crossing_met_first_coming_from_today() -> None:
    # "other" is cheaper from 10M to 12M and again from 20M; a bracket narrowed to 20M is told the crossing at 10M
    found = _earliest_from_20m(lambda volume: 50.0 if 10e6 <= volume < 12e6 or volume >= 20e6 else 150.0)
    assert found is not None
    assert 10e6 <= found <= 10e6 * WITHIN  # the first crossing, within the 1% the bracket is narrowed to
    # A stretch between the volumes probed short of the crossing found is not seen (the known residual): 20M stays
    assert _earliest_from_20m(lambda volume: 50.0 if 18.5e6 <= volume < 19e6 or volume >= 20e6 else 150.0) == 20e6
    # One 1.02 to 1.1 times short of it is (round 35, F1): the bracket is narrowed again to where it starts
    found = _earliest_from_20m(_close_stretch)
    assert found is not None
    assert 18.9e6 <= found <= 18.9e6 * WITHIN


def _close_stretch(volume: float) -> float:
    """ "other"'s bill: cheaper from 18.9M to 19.8M, 1.02 to 1.1 times short of 20M, and again from 20M."""
    return 50.0 if 18.9e6 <= volume < 19.8e6 or volume >= 20e6 else 150.0


def test_earliest_says_nothing_when_its_last_narrowing_still_has_a_crossing_short_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The crossing the last narrowing finds is probed as every other: "other" cheaper again short of it means where
    the bills first cross is not known, and no crossing is returned rather than that one (audit of round 35's changes,
    F3: "~31M–~31.7M" said where Lambda was cheaper over 32.3M–36.5M). With no narrowing left, the stretch 1.02 to
    1.1 times short of 20M is such a crossing."""
    monkeypatch.setattr(crossing_bands, "EARLIER_TRIES", 0)
    assert _earliest_from_20m(_close_stretch) is None
    monkeypatch.setattr(crossing_bands, "EARLIER_TRIES", 1)
    found = _earliest_from_20m(_close_stretch)  # narrowed once, to the stretch, and nothing short of it
    assert found is not None
    assert 18.9e6 <= found <= 18.9e6 * WITHIN


# -- F4: a whole number too large to read as one is told its bound ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "told"),
    [
        ({"runtime": {"memory_mb": 1e40}}, "Input should be less than or equal to 33554432, got 1e+40"),
        ({"runtime": {"gpu": 1e20}}, "Input should be less than or equal to 16, got 1e+20"),
        ({"runtime": {"memory_mb": -1e40}}, "Input should be greater than or equal to 1, got -1e+40"),
        ({"runtime": {"memory_mb": 1e10}}, "Input should be less than or equal to 33554432, got 10000000000.0"),
    ],
)
def test_a_number_too_large_for_a_whole_one_is_told_the_bound(raw: dict[str, Any], told: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw)
    (problem,) = caught.value.problems
    assert problem.location == "runtime." + next(iter(raw["runtime"]))
    assert problem.message == told


#: Past a turn back found just past a first narrow crossing, the crossing sought again is the one met first, not one a
#: bisection between the turn and a far rung lands on (an audit of this round's changes, F1): ECS on EC2 is cheaper
#: than Lambda at 1.79M–1.85M, 2.54M–2.76M and 3.12M–3.69M; the first cut of ``earliest`` said it from ~3.13M, skipping
#: the band at 2.54M (the stretch at 1.79M is within 10% of a crossing, a step ``settle`` seeks past). (The middle
#: band began at 2.35M while Lambda Managed Instances were priced on a .medium type, which it does not offer, and
#: chosen under optimize_for control: architect audit 39, F1; Lambda on demand is cheaper there now.)
ARM_API: dict[str, Any] = {
    "name": "g119",
    "runtime": {"memory_mb": 1024, "vcpu": 1, "avg_duration_ms": 2000, "architecture": "arm64"},
    "traffic": {"pattern": "steady", "requests_per_month": 240107},
    "team": {"ops_capacity": "medium", "kubernetes_experience": "some"},
    "preferences": {"optimize_for": "control", "region": "eu-west-2"},
}


def test_a_crossing_sought_past_a_turn_is_the_one_met_first_past_it(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(ARM_API), ruleset)
    (sentence,) = [text for text in decision.what_would_change if "Amazon ECS on EC2" in text and "AWS Lambda" in text]
    assert sentence.startswith("Between ~2.54M and ~2.7M requests a month Amazon ECS on EC2 is cheaper than AWS Lambda")
    assert "by ~3.12M Amazon ECS on EC2 is cheaper once more" in sentence
    for volume in (2.54e6, 2.6e6, 2.7e6, 3.12e6):
        totals = _totals(ARM_API, ruleset, volume)
        assert totals["ecs-ec2"] < totals["lambda"], (volume, totals)
    totals = _totals(ARM_API, ruleset, 2.8e6)
    assert totals["lambda"] < totals["ecs-ec2"], totals


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("m7g.1xlarge", "m7g.xlarge"),  # by spelling, m7g.12xlarge: by meaning, xlarge
        ("c6i.2xl", "c6i.2xlarge"),
        ("m7g.xl", "m7g.xlarge"),
        ("m5.lg", "m5.large"),
        ("m7g.larg", "m7g.large"),  # a typo: by spelling, as before
    ],
)
def test_a_size_written_in_other_words_is_told_the_size_it_means(name: str, meant: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"control": {"instance_types": [name]}})
    (problem,) = caught.value.problems
    assert problem.location == "control.instance_types.0"
    assert "is not an EC2 size" in problem.message
    assert problem.suggestion == meant


#: Property audit, round 30, F1: "Above ~293M … Amazon EKS becomes cheaper than Amazon ECS Managed Instances (…checked
#: to ~300M; now 310K)" was false from ~313M (EKS's ninth node before Managed Instances'): the 2%, 5% and 10% past a
#: threshold were checked only as far as the range said (a thousand times today's volume), not 10% past it.


def test_a_threshold_cut_short_by_the_range_said_holds_ten_percent_past_it() -> None:
    today, found = 310e3, 293e6  # the range said ends at 310M: the claim is checked to there, ~6% past the crossing

    def other(volume: float) -> float:  # cheaper than "first" from 290M, but for a step from 313M to 330M
        return 90.0 if volume >= 290e6 and not 313e6 <= volume < 330e6 else 110.0

    totals = _Seen({"first": lambda volume: 100.0, "other": other})
    totals(today)
    totals(300.7e6)  # priced by an earlier check: the claim is checked to there
    point = BreakEven(target="other", versus="first", requests_per_month=291e6)
    assert settle(point, found, today, totals) is None  # not said "above ~293M": 10% past it, "first" is cheaper
    assert any(313e6 <= volume < 330e6 for volume in totals.seen)  # the step was priced: 1.1 × 293M
    # with no step there, the claim holds 10% past it and is said, checked to the end of the range said
    totals = _Seen({"first": lambda volume: 100.0, "other": lambda volume: 90.0 if volume >= 290e6 else 110.0})
    totals(today)
    totals(300.7e6)
    settled = settle(point, found, today, totals)
    assert settled is not None
    assert settled[0] == found
    assert settled[1][1] is None  # a threshold
    assert settled[1][0] <= today * SAID_WITHIN
