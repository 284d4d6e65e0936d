"""An hourly traffic profile, priced hour by hour: a service busy 4 hours a day and idle 20 is billed as such.

The bills below are worked out by hand from the shipped us-east-1 book (rules/pricing/us-east-1.yaml) and the cost
model's parameters (rules/pricing/model.yaml); a flat profile reproduces the bills without one, to the cent, for
every example and scenario.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

from decider import decide, load_ruleset, parse_workload
from decider.cost.bill import plan_targets
from decider.cost.profile import profile_copy_hours
from decider.documents import read_file
from decider.errors import WorkloadError
from decider.facts import derive
from decider.rules.model import Ruleset
from tests.conftest import REPO_ROOT

BUSY_4_HOURS = [0.0] * 8 + [1.0] * 4 + [0.0] * 12  # 08:00–12:00 busy, the other 20 hours idle
SERVICE: dict[str, Any] = {
    "runtime": {"memory_mb": 2048, "vcpu": 1, "avg_duration_ms": 200, "max_duration_s": 10, "architecture": "x86_64"},
    "traffic": {"pattern": "steady", "requests_per_month": 20_000_000, "protocols": ["http"]},
    "team": {"current_platform": "ecs"},
}


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset([])


def with_profile(workload: dict[str, Any], profile: list[float] | None) -> dict[str, Any]:
    """The workload with ``profile`` as its hourly profile, or with none (the month priced as a whole)."""
    changed = copy.deepcopy(workload)
    if profile is not None:
        changed.setdefault("traffic", {})["hourly_profile"] = profile
    else:
        changed.get("traffic", {}).pop("hourly_profile", None)
    return changed


def bill(ruleset: Ruleset, workload: dict[str, Any], target: str) -> Any:
    resolved = parse_workload(workload).workload
    assert ruleset.cost_model is not None
    plans = plan_targets(
        [ruleset.target(target)], resolved, derive(resolved), ruleset.pricing["us-east-1"], ruleset.cost_model
    )
    return plans[target].bill(resolved.requests_per_month)


def test_fargate_bill_for_a_service_busy_4_hours_a_day_by_hand(ruleset: Ruleset) -> None:
    # One copy serves 1 request at a time at 70% utilisation: copy-hours per request = 0.2 s / 3600 / 0.7.
    # A steady HTTP service is always on: at least 2 copies in every hour. Each hour of the day stands for 730/24 h.
    slope = 0.2 / 3600 / 0.7
    span = 730 / 24
    busy = max(2 * span, slope * 20_000_000 / 4)  # each busy hour carries a quarter of the requests: 396.83 copy-h
    # The first idle hour keeps the busy hour's copies for the 15-minute scale-in lag, then falls to the 2 copies.
    first_idle = 2 * span * 0.75 + max(2 * span * 0.25, slope * 20_000_000 / 4 * 0.25)
    idle = 2 * span
    task_hours = 4 * busy + first_idle + 19 * idle
    assert task_hours == pytest.approx(2887.9, abs=0.1)
    task_price = 1 * 0.04048 + 2 * 0.004445  # 1 vCPU, 2 GB, Linux/x86
    day = bill(ruleset, with_profile(SERVICE, BUSY_4_HOURS), "ecs-fargate")
    flat = bill(ruleset, SERVICE, "ecs-fargate")
    tasks = next(line for line in day.lines if line.item.startswith("Fargate tasks"))
    assert tasks.quantity == pytest.approx(task_hours, abs=1e-6)
    assert tasks.usd == pytest.approx(task_hours * task_price, abs=1e-4)
    # Every other line (the load balancer) is billed on the month's requests, as without a profile.
    others = {line.item: line.usd for line in day.lines if line is not tasks}
    assert others == {line.item: line.usd for line in flat.lines if not line.item.startswith("Fargate tasks")}
    assert day.total_usd == round(task_hours * task_price + sum(others.values()), 2)
    # Averaged over the month the same requests need far fewer copies: the profile costs more than the flat month.
    flat_tasks = next(line for line in flat.lines if line.item.startswith("Fargate tasks"))
    assert flat_tasks.quantity == pytest.approx(max(2 * 730, slope * 20_000_000), abs=1e-6)
    assert day.total_usd > flat.total_usd


def test_lambda_bill_with_the_profile_by_hand(ruleset: Ruleset) -> None:
    # Lambda bills each request and GB-second whatever the hour: 20M requests × $0.20/M = $4.00, and
    # 20M × 0.2 s × 2 GB = 8,000,000 GB-s × $0.0000166667 (x86, tier 1) = $133.3336, and its HTTP API front door:
    # 20M requests of up to 512 KB × $1.00/M = $20.00; total $157.33.
    # with none kept warm (else the busy hours keep environments warm where that costs less than on demand,
    # tests/cost/test_lambda_warm_for_cost.py)
    on_demand = {**SERVICE, "runtime": {**SERVICE["runtime"], "provisioned_concurrency": 0}}
    day = bill(ruleset, with_profile(on_demand, BUSY_4_HOURS), "lambda")
    assert [round(line.usd, 4) for line in day.lines] == [4.0, 133.3336, 20.0]
    assert day.total_usd == 157.33
    assert day == bill(ruleset, on_demand, "lambda")


def test_the_profile_sets_the_peak_and_the_duty_cycle() -> None:
    flat = parse_workload(SERVICE)
    day = parse_workload(with_profile(SERVICE, BUSY_4_HOURS))
    # The busiest hour runs at 6× the average hour (24 / 4), times steady's 1.5 for the bursts within an hour.
    assert day.workload.peak_rps == pytest.approx(flat.workload.peak_rps * 6)
    assert any("average rate × 9 for steady and the hourly profile" in note for note in day.assumptions)
    given = with_profile(SERVICE, BUSY_4_HOURS)
    given["traffic"]["peak_rps"] = 50
    assert parse_workload(given).workload.peak_rps == 50  # an explicit peak wins
    # Duty cycle: 20M × 0.2 s over the month is 1.52 requests in flight on average; in each busy hour 6 × that,
    # so one copy is fully busy those 4 hours and idle the other 20: 4/24 of the time.
    avg = 20_000_000 * 0.2 / (730 * 3600)
    assert derive(flat.workload).duty_cycle == min(1.0, avg)
    assert derive(day.workload).duty_cycle == pytest.approx(4 / 24)


def test_a_week_profile_prices_each_hour_of_the_week(ruleset: Ruleset) -> None:
    week = ([0.0] * 8 + [1.0] * 10 + [0.0] * 6) * 5 + [0.0] * 48  # weekdays 08:00–18:00 only
    day = bill(ruleset, with_profile(SERVICE, week), "ecs-fargate")
    slope = 0.2 / 3600 / 0.7
    span = 730 / 168
    busy = max(2 * span, slope * 20_000_000 / 50)
    first_idle = 2 * span * 0.75 + max(2 * span * 0.25, slope * 20_000_000 / 50 * 0.25)
    expected = 50 * busy + 5 * first_idle + (168 - 50 - 5) * 2 * span
    tasks = next(line for line in day.lines if line.item.startswith("Fargate tasks"))
    assert tasks.quantity == pytest.approx(expected, abs=1e-6)


def workloads() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((REPO_ROOT / "examples").glob("*.y*ml")) + sorted((REPO_ROOT / "examples").glob("*.json")):
        data = read_file(path)
        if isinstance(data, dict) and {"runtime", "traffic"} & set(data):
            found.append((path.name, data))
    for path in sorted((REPO_ROOT / "tests" / "scenarios").glob("*.yaml")):
        data = read_file(path)
        assert isinstance(data, dict)
        found.append((path.name, data["workload"]))
    return found


WORKLOADS = workloads()


@pytest.mark.parametrize(("name", "workload"), WORKLOADS, ids=[name for name, _ in WORKLOADS])
@pytest.mark.parametrize("hours", [24, 168])
def test_a_flat_profile_reproduces_every_bill_to_the_cent(
    ruleset: Ruleset, name: str, workload: dict[str, Any], hours: int
) -> None:
    plain = decide(parse_workload(with_profile(workload, None)), ruleset)
    flat = decide(parse_workload(with_profile(workload, [3.0] * hours)), ruleset)
    # the whole answer, sizing too (property audit 18, F4: a flat profile's sizing said min 1, desired 6, max 143
    # copies while its bill, as the plain one's, kept 143 up every hour)
    assert flat.model_dump(mode="json") == plain.model_dump(mode="json")
    assert [entry.target for entry in flat.ranking] == [entry.target for entry in plain.ranking]
    for before, after in zip(plain.ranking, flat.ranking, strict=True):
        assert after.score == before.score
        if before.monthly_cost is None:
            assert after.monthly_cost is None
            continue
        assert after.monthly_cost is not None
        assert after.monthly_cost.total_usd == before.monthly_cost.total_usd, (name, before.target)
        assert [line.item for line in after.monthly_cost.lines] == [line.item for line in before.monthly_cost.lines]
    assert [item.target for item in flat.excluded] == [item.target for item in plain.excluded]


def test_the_examples_include_container_targets() -> None:
    # The flat-profile check above must cover hour-by-hour container pricing, not only Lambda.
    assert len(WORKLOADS) >= 50
    assert any(name.startswith("ec2-") for name, _ in WORKLOADS)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([1.0] * 23, "give 24 values (one per hour of the day) or 168 (one per hour of the week), got 23"),
        ([0.0] * 24, "at least one hour must have traffic"),
        ([1.0] * 23 + [-2.0], "every value must be a number from 0 to 1e+12: hour 23 is -2.0"),
        ([1.0] * 23 + [math.inf], "traffic.hourly_profile.23: Input should be a finite number, got inf"),
    ],
)
def test_bad_profiles_are_clear_errors(profile: list[float], message: str) -> None:
    with pytest.raises(WorkloadError, match=r"traffic\.hourly_profile") as error:
        parse_workload({"traffic": {"hourly_profile": profile}})
    assert message in str(error.value)


def test_usage_file_gives_a_profile(tmp_path: Path) -> None:
    from decider.sources import read_usage

    usage = tmp_path / "usage.yaml"
    usage.write_text("Api:\n  traffic:\n    hourly_profile: [" + ", ".join(["1"] * 24) + "]\n")
    assert read_usage(str(usage))["Api"]["traffic"]["hourly_profile"] == (1.0,) * 24


def test_extreme_profiles_are_answered_not_crashed_on() -> None:
    # The smallest positive number is a valid profile: all the traffic in hour 0.
    tiny = parse_workload({"traffic": {"requests_per_month": 730 * 3600, "hourly_profile": [5e-324] + [0.0] * 23}})
    assert tiny.workload.peak_rps == pytest.approx(1.0 * 24 * 1.5)
    with pytest.raises(WorkloadError, match=r"every value must be a number from 0 to 1e\+12: hour 0 is 1e\+308"):
        parse_workload({"traffic": {"hourly_profile": [1e308] * 24}})
    largest = parse_workload({"traffic": {"hourly_profile": [1e12] * 167 + [1.0]}})  # the bound: its sum is finite
    assert largest.workload.traffic.hourly_profile == (1e12,) * 167 + (1.0,)
    # a flat one, at the bound too, is decided as no profile
    assert parse_workload({"traffic": {"hourly_profile": [1e12] * 168}}).workload == parse_workload({}).workload


def test_copy_hours_remembered_are_the_ones_built_afresh() -> None:
    """``profile_copy_hours`` is remembered by its arguments (every target and mode of every ranking asks it alike):
    what it gives again is what building the ramps anew gives, and ints and floats of one value are kept apart."""
    profile = (1.0, 1.0, 2.0, 10.0, 400.0, 20.0, 5.0, 3.0)
    for burst in (None, 7):
        first = profile_copy_hours(profile, 0.0004, 2, 5.0, burst)
        assert profile_copy_hours(profile, 0.0004, 2, 5.0, burst) is first
        assert first == profile_copy_hours.__wrapped__(profile, 0.0004, 2, 5.0, burst)
        assert profile_copy_hours(profile, 0.0004, 2.0, 5.0, burst) == first  # the same hours from a float
