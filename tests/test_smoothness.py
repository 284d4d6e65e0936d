"""No cliffs: a 3% change of a continuous input moves no target's score by more than 3 points, unless an exclusion
changes or a bill moves by 10% or more (a new instance, a volume tier)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.documents import read_file

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
CONTINUOUS = (
    ("traffic", "requests_per_month", 2_000_000),
    ("traffic", "peak_rps", 20),
    ("runtime", "avg_duration_ms", 300),
    ("runtime", "max_duration_s", 10),
    ("runtime", "memory_mb", 1024),
    ("traffic", "payload_mb", 0.5),
    ("runtime", "startup_s", 1),
)


def _raw(path: Path) -> dict[str, Any]:
    data = read_file(path)
    return dict(data["workload"] if path.parent.name == "scenarios" else data)


def _moved(raw: dict[str, Any], section: str, field: str, value: float) -> dict[str, Any]:
    out = {key: dict(value) if isinstance(value, dict) else value for key, value in raw.items()}
    out.setdefault(section, {})[field] = round(value) if field == "memory_mb" else value
    return out


def _scores(decision: Decision) -> dict[str, float]:
    return {entry.target: entry.score for entry in decision.ranking}


def _bills(decision: Decision) -> dict[str, float]:
    return {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost is not None}


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
@pytest.mark.parametrize("factor", [1.03, 1 / 1.03])
def test_a_three_percent_change_moves_no_score_by_more_than_three_points(
    path: Path, factor: float, ruleset: Ruleset
) -> None:
    raw = _raw(path)
    for section, field, typical in CONTINUOUS:
        value = raw.get(section, {}).get(field, typical)
        before = decide(parse_workload(_moved(raw, section, field, value)), ruleset, advice=False)
        after = decide(parse_workload(_moved(raw, section, field, value * factor)), ruleset, advice=False)
        if {entry.target for entry in before.excluded} != {entry.target for entry in after.excluded}:
            continue
        old_bills, new_bills = _bills(before), _bills(after)
        if any(abs(new_bills[target] - cost) >= 0.1 * max(cost, 0.01) for target, cost in old_bills.items()):
            continue
        old, new = _scores(before), _scores(after)
        jumps = {target: round(new[target] - old[target], 1) for target in old if abs(new[target] - old[target]) > 3}
        assert not jumps, f"{path.stem}: {section}.{field} {value} → {value * factor:g} moved {jumps}"


@pytest.mark.parametrize("startup_s", [0, 2, 6])
@pytest.mark.parametrize(
    ("requests", "average_ms", "mode"), [(240_000, 2000, "on-demand"), (200_000_000, 200, "managed-instances")]
)
def test_no_jump_where_lambdas_front_door_changes(
    ruleset: Ruleset, startup_s: float, requests: int, average_ms: int, mode: str
) -> None:
    """With no door named, Lambda moves from an HTTP API to a function URL as a cold request nears the HTTP API's
    30 s timeout: across that edge (requests of 20 s to 35 s in 3% steps) no score moves by more than 3 points and
    the door does change, on demand and on Lambda Managed Instances. Where the door's step moves a bill by 10% or
    more (200M requests: the HTTP API's $200 of a $985 bill), the step is a bill's, not a cliff."""
    doors: set[str | None] = set()
    last: tuple[dict[str, float], dict[str, float]] | None = None
    compared = 0
    for step in range(16):
        raw = {
            "runtime": {
                "max_duration_s": round(20 * 1.03**step, 3),
                "avg_duration_ms": average_ms,
                "memory_mb": 2048,
                "startup_s": startup_s,
            },
            "traffic": {"pattern": "spiky" if mode == "on-demand" else "steady", "requests_per_month": requests},
        }
        decision = decide(parse_workload(raw), ruleset, advice=False)
        lambda_ = next(entry for entry in decision.ranking if entry.target == "lambda")
        assert lambda_.sizing is not None
        assert lambda_.sizing.mode == mode
        doors.add(lambda_.sizing.front_door)
        scores, bills = _scores(decision), _bills(decision)
        if last is not None and all(abs(bills[target] - cost) < 0.1 * cost for target, cost in last[1].items()):
            moved = {target: round(scores[target] - last[0][target], 1) for target in scores}
            assert max(abs(points) for points in moved.values()) <= 3, (raw["runtime"], moved)
            compared += 1
        last = scores, bills
    assert doors == {"api-gateway-http-api", "lambda-function-url"}
    assert compared >= 14  # at most the door's own step is left out, where a bill drops the HTTP API's charge


def test_points_held_in_one_lambda_mode_fade_slowly_enough_for_a_three_percent_step(ruleset: Ruleset) -> None:
    """A function 6% dearer on demand than on Lambda Managed Instances, with 18 points that count on demand only (a
    40 s start; its latency target's cold starts are within the 1% its p99 absorbs at this steady volume): 3% more
    memory moves the on-demand bill 2.8% and must move Lambda's score by at most 3 points, so those points fade over
    a band of the bills wide enough (``SHARE_BAND``)."""
    raw: dict[str, Any] = {
        "runtime": {
            "avg_duration_ms": 29235.8,
            "architecture": "x86_64",
            "startup_s": 40,
            "min_copies": 5,
            "max_duration_s": 52.908,
            "memory_mb": 6141,
        },
        "traffic": {
            "pattern": "steady",
            "requests_per_month": 231613613,
            "payload_mb": 0.009,
            "latency_slo_ms": 375,
            "protocols": ["http", "grpc"],
        },
        "team": {"kubernetes_experience": "none", "new_cluster": True},
    }
    before = decide(parse_workload(raw), ruleset, advice=False)
    after = decide(parse_workload(_moved(raw, "runtime", "memory_mb", 6141 * 1.03)), ruleset, advice=False)
    lambda_before, lambda_after = (next(e for e in d.ranking if e.target == "lambda") for d in (before, after))
    assert lambda_before.sizing is not None
    assert lambda_before.sizing.mode == "managed-instances"
    on_demand_only = {"limits.lambda-init-past-10s", "limits.lambda-cold-wait-past-15s"}
    assert on_demand_only <= {reason.rule for reason in lambda_before.reasons}  # in part: the modes' bills are near
    assert _bills(before) == _bills(after)  # the bills shown do not move
    assert abs(lambda_after.score - lambda_before.score) <= 3
