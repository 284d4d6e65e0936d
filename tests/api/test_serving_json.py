"""JSON on the hot path (api/recommend.py, api/dependencies.py): decisions as the model's own JSON bytes, the same
bytes as before for every example workload, and request bodies read fast but refused exactly as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.recommend import decision_json
from decider.documents import read_file
from decider.engine import decide
from decider.rules.model import Ruleset
from decider.workload import parse_workload
from tests.api.conftest import ApiClient, problem_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
JSON_HEADERS = {"content-type": "application/json"}


def example_workloads() -> dict[str, Any]:
    return {path.name: read_file(path) for path in sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json"))}


def test_decision_json_is_model_dump_json_byte_for_byte(ruleset: Ruleset) -> None:
    for name, workload in example_workloads().items():
        decision = decide(parse_workload(workload, strict_json=True), ruleset)
        assert decision_json(decision) == decision.model_dump_json().encode(), name


def test_recommend_answers_every_example_with_the_previous_bytes(client: ApiClient, ruleset: Ruleset) -> None:
    for name, workload in example_workloads().items():
        response = client.post("/recommend", content=json.dumps(workload).encode(), headers=JSON_HEADERS)
        assert response.status_code == 200, name
        assert response.headers["content-type"] == "application/json"
        expected = decide(parse_workload(workload, strict_json=True), ruleset).model_dump_json().encode()
        assert response.content == expected, name
        assert response.headers["content-length"] == str(len(expected))


def test_a_batch_answers_with_the_previous_bytes(client: ApiClient, ruleset: Ruleset) -> None:
    workloads = [*example_workloads().values(), {"runtime": {"gpu": 99}}]
    response = client.post("/recommend/batch", json={"workloads": workloads})
    assert response.status_code == 200
    entries = [
        f'{{"index":{index},"decision":{decide(parse_workload(workload), ruleset, advice=False).model_dump_json()}}}'
        for index, workload in enumerate(workloads[:-1])
    ]
    problem = response.json()["results"][-1]
    assert problem["index"] == len(workloads) - 1
    assert problem["problem"]["errors"][0]["location"] == f"workloads[{len(workloads) - 1}].runtime.gpu"
    assert response.text.startswith('{"results":[' + ",".join(entries) + ',{"index":')


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (b'{"name": "a", "name": "b"}', "body", "not valid JSON: found key 'name' twice"),
        (b'{"team": {"owner": "x:y", "owner": "x:y"}}', "body", "not valid JSON: found key 'owner' twice"),
        (
            b'{"name": "a:b", "runtime": {"memory_mb": NaN}}',
            "body.runtime.memory_mb",
            "NaN and Infinity are not JSON numbers",
        ),
        (
            b'{"runtime": {"vcpu": 1e999}}',
            "body.runtime.vcpu",
            "a number out of range: 1e999 is beyond ±1.8e308, the largest number decider reads",
        ),
    ],
)
def test_malformed_bodies_are_the_same_400_problem(
    client: ApiClient, content: bytes, location: str, message: str
) -> None:
    body = problem_of(client.post("/recommend", content=content, headers=JSON_HEADERS), 400)
    assert body["type"] == "urn:decider:problem:malformed-json"
    assert body["detail"] == "the body is not valid JSON"
    assert body["errors"] == [{"location": location, "message": message, "suggestion": None}]


def test_a_body_with_colons_in_its_strings_is_served(client: ApiClient) -> None:
    response = client.post("/recommend", content=b'{"name": "arn:aws:ecs:checkout"}', headers=JSON_HEADERS)
    assert response.status_code == 200
