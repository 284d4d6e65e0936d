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
