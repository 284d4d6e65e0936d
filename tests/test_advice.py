"""The advice search: every counterfactual is true when applied, decisive assumptions come first and are said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.documents import read_file

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def _raw(path: Path) -> dict[str, Any]:
    data = read_file(path)
    return dict(data["workload"] if path.parent.name == "scenarios" else data)


def _applied(raw: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = {key: dict(value) if isinstance(value, dict) else value for key, value in raw.items()}
    for path, value in change.items():
        section, _, name = path.partition(".")
        out.setdefault(section, {})[name] = list(value) if isinstance(value, tuple) else value
    return out


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_every_counterfactual_is_true_when_applied(path: Path, ruleset: Ruleset) -> None:
    raw = _raw(path)
    decision = decide(parse_workload(raw), ruleset)
    for item in decision.counterfactuals:
        assert item.recommendation != decision.recommendation, item.message
        again = decide(parse_workload(_applied(raw, item.change)), ruleset, advice=False)
        assert again.recommendation == item.recommendation, f"{path.stem}: {item.message}"
        assert item.message in decision.what_would_change


def _api(**traffic: Any) -> dict[str, Any]:
    return {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 200, "memory_mb": 512},
        "traffic": {"pattern": "diurnal", "protocols": ["http"], **traffic},
    }


def test_a_cost_crossing_is_offered_and_verified(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(_api(requests_per_month=7_000_000)), ruleset)
    assert decision.recommendation == "lambda"
    crossings = [item for item in decision.counterfactuals if item.kind == "cost-crossing"]
    assert crossings, decision.what_would_change
    volume = crossings[0].change["traffic.requests_per_month"]
    assert volume > 7_000_000
    assert (
        decide(parse_workload(_api(requests_per_month=volume)), ruleset).recommendation == crossings[0].recommendation
    )


def test_a_decisive_default_is_listed_first_and_said_in_the_summary(ruleset: Ruleset) -> None:
    # The average duration is not given: a fifth of the 5 s limit (1 s) gives Fargate; a tenth of that, Lambda.
    raw = {
        "runtime": {"max_duration_s": 5, "memory_mb": 512},
        "traffic": {"pattern": "diurnal", "protocols": ["http"], "requests_per_month": 10_000_000},
    }
    decision: Decision = decide(parse_workload(raw), ruleset)
    assert decision.decisive_assumptions[0] == "runtime.avg_duration_ms"
    assert decision.assumptions[0].startswith("runtime.avg_duration_ms not given")
    assert "This answer assumes" in decision.summary
    assumption = next(item for item in decision.counterfactuals if item.kind == "assumption")
    assert assumption.message in decision.summary


def test_given_values_are_never_called_assumptions(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(_api(requests_per_month=7_000_000, peak_rps=10)), ruleset)
    assert "traffic.requests_per_month" not in decision.decisive_assumptions
    assert all(
        "traffic.requests_per_month" not in item.change
        for item in decision.counterfactuals
        if item.kind == "assumption"
    )


def test_the_search_is_deterministic_and_can_be_turned_off(ruleset: Ruleset) -> None:
    parsed = parse_workload(_api())
    assert decide(parsed, ruleset).model_dump_json() == decide(parsed, ruleset).model_dump_json()
    quiet = decide(parsed, ruleset, advice=False)
    assert quiet.counterfactuals == ()
    assert quiet.decisive_assumptions == ()
    assert quiet.recommendation == decide(parsed, ruleset).recommendation


def test_the_search_stops_at_its_budget(ruleset: Ruleset) -> None:
    parsed = parse_workload(_api())
    assert decide(parsed, ruleset, budget=0).counterfactuals == ()
