"""A number written with an exponent means the same in a YAML workload as in a JSON one (property audit, round 23,
L1): YAML 1.1 read ``1e3`` and ``1.0e3`` as text, so ``memory_mb: 1e3`` was refused in YAML ("must be a whole
number") and answered in JSON. decider reads them as YAML 1.2's core schema does, as numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decider import Ruleset, decide, parse_workload
from decider.documents import parse_text, read_file


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e3", 1000.0), ("1.0e3", 1000.0), ("-2.5E-2", -0.025), (".5e1", 5.0), ("2E+6", 2_000_000.0)],
)
def test_an_exponent_is_a_number(text: str, value: float) -> None:
    assert parse_text(f"memory_mb: {text}", "workload.yaml") == {"memory_mb": value}


@pytest.mark.parametrize("text", ["1e", "e3", '"1e3"', "1e3x", "0x1e3"])
def test_what_is_not_a_number_with_an_exponent_stays_as_written(text: str) -> None:
    value = parse_text(f"name: {text}", "workload.yaml")["name"]
    assert not isinstance(value, float)


def test_a_workload_with_exponents_is_decided_alike_in_yaml_and_json(tmp_path: Path, ruleset: Ruleset) -> None:
    yaml_file = tmp_path / "exponents.yaml"
    yaml_file.write_text(
        "name: exponents\nruntime: {memory_mb: 1e3, avg_duration_ms: 2.5e2}\n"
        "traffic: {pattern: steady, requests_per_month: 1.0e6}\n",
        encoding="utf-8",
    )
    json_file = tmp_path / "exponents.json"
    json_file.write_text(
        json.dumps({"name": "exponents", "runtime": {"memory_mb": 1e3, "avg_duration_ms": 2.5e2},
                    "traffic": {"pattern": "steady", "requests_per_month": 1.0e6}}),
        encoding="utf-8",
    )  # fmt: skip
    from_yaml = decide(parse_workload(read_file(yaml_file)), ruleset, advice=False)
    from_json = decide(parse_workload(read_file(json_file)), ruleset, advice=False)
    assert from_yaml.model_dump_json() == from_json.model_dump_json()
