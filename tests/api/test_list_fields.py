"""Property audit, round 29: a list field given a value that is neither a list nor text is told what the list may
hold (F1), a word suggested as a list of one is one the field accepts (F1), and a number too long to read inside a
list is quoted as JSON would write it, not as hundreds of digits (F2)."""

from __future__ import annotations

import json

import pytest

from decider import parse_workload
from decider.errors import WorkloadError, quoted
from tests.api.conftest import ApiClient, problem_of

PROTOCOLS = "http, grpc, websocket, tcp, udp, queue, schedule"


@pytest.mark.parametrize(("value", "said"), [(True, "boolean (true)"), (1, "number (1)"), ({}, "object ({})")])
def test_a_list_field_given_no_list_is_told_what_the_list_may_hold(client: ApiClient, value: object, said: str) -> None:
    body = problem_of(client.post("/recommend", json={"traffic": {"protocols": value}}), 422)
    (error,) = body["errors"]
    assert error["location"] == "traffic.protocols"
    assert error["message"] == f"must be a list, got {said}: give a list of any of {PROTOCOLS}"


def test_a_list_of_names_given_a_number_names_it() -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"control": {"instance_types": 5}})
    (problem,) = raised.value.problems
    assert problem.message == "must be a list, got number (5)"


def test_a_name_given_as_a_word_is_suggested_as_a_list_the_field_accepts() -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"control": {"instance_types": "M7G"}})
    (problem,) = raised.value.problems
    assert problem.message.endswith('a list of one is written [m7g] in YAML, ["m7g"] in JSON')
    assert parse_workload({"control": {"instance_types": ["m7g"]}}).workload.control.instance_types == ("m7g",)


def test_a_number_too_long_to_read_inside_a_list_is_quoted_as_json_writes_it(client: ApiClient) -> None:
    profile = [1e308] + [1.0] * 23
    response = client.post(
        "/recommend",
        content=json.dumps({"traffic": {"hourly_profile": profile}}),
        headers={"content-type": "application/json"},
    )
    (error,) = problem_of(response, 422)["errors"]
    assert error["location"] == "traffic.hourly_profile"
    assert "got [1e+308, 1, 1, " in error["message"]
    assert "0" * 30 not in error["message"]
    assert quoted([10**308, [10**20], {"a": 10**17}]) == '[1e+308, [1e+20], {"a": 1e+17}]'


def test_names_written_as_text_are_suggested_as_a_list_the_field_accepts() -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"control": {"instance_types": "M7G.LARGE, C7G"}})
    (problem,) = raised.value.problems
    assert problem.message.endswith('a list is written [m7g.large, c7g] in YAML, ["m7g.large", "c7g"] in JSON')
    assert parse_workload({"control": {"instance_types": ["m7g.large", "c7g"]}}).workload.control.instance_types
