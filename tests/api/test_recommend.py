"""``POST /recommend`` and ``POST /recommend/batch`` against the app in process: the engine's decision byte for
byte, every workload problem as problem+json, batches answered item by item, and the benchmark floor route."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.examples import CHECKOUT_API
from decider.engine import decide
from decider.rules.model import Ruleset
from decider.workload import parse_workload
from tests.api.conftest import ApiClient, ClientFactory, problem_of

# --- POST /recommend ----------------------------------------------------------------------------------------------


def test_recommend_returns_the_engines_decision_byte_for_byte(client: ApiClient, ruleset: Ruleset) -> None:
    response = client.post("/recommend", json=CHECKOUT_API)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = decide(parse_workload(CHECKOUT_API), ruleset).model_dump_json()
    assert response.text == expected


def test_an_empty_workload_gets_defaults_reported_as_assumptions(client: ApiClient) -> None:
    body = client.post("/recommend", json={}).json()
    assert body["recommendation"] in {entry["target"] for entry in body["ranking"]}
    assert any("memory_mb not given" in line for line in body["assumptions"])


def test_unknown_field_is_422_naming_the_field_with_did_you_mean(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"runtime": {"memroy_mb": 1024}}), 422)
    assert body["type"] == "urn:decider:problem:invalid-workload"
    [error] = body["errors"]
    assert error["location"] == "runtime.memroy_mb"
    assert error["suggestion"] == "memory_mb"
    assert "unknown field" in error["message"]


def test_out_of_range_value_is_422_with_the_allowed_range(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"runtime": {"gpu": 99}}), 422)
    [error] = body["errors"]
    assert error["location"] == "runtime.gpu"
    assert "16" in error["message"]
    assert "99" in error["message"]


def test_wrong_enum_value_suggests_the_nearest(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"traffic": {"pattern": "spikey"}}), 422)
    assert body["errors"][0]["suggestion"] == "spiky"


@pytest.mark.parametrize(
    ("workload", "location"),
    [
        ({"runtime": {"long_running": 0}}, "runtime.long_running"),
        ({"runtime": {"memory_mb": "1024"}}, "runtime.memory_mb"),
        ({"runtime": {"memory_mb": True}}, "runtime.memory_mb"),
        ({"traffic": {"protocols": "http"}}, "traffic.protocols"),
        ({"runtime": 5}, "runtime"),
    ],
)
def test_wrong_json_type_is_422(client: ApiClient, workload: dict[str, Any], location: str) -> None:
    body = problem_of(client.post("/recommend", json=workload), 422)
    assert [error["location"] for error in body["errors"]] == [location]


@pytest.mark.parametrize("body", [None, [], "checkout", 3])
def test_a_body_that_is_not_an_object_is_422(client: ApiClient, body: Any) -> None:
    response = client.post("/recommend", content=json.dumps(body), headers={"content-type": "application/json"})
    problem = problem_of(response, 422)
    assert "must be a mapping of sections (a JSON object), got " in problem["errors"][0]["message"]
    batch = client.post("/recommend/batch", json={"workloads": [body]}).json()
    assert "must be a mapping of sections (a JSON object)" in batch["results"][0]["problem"]["errors"][0]["message"]


def test_every_problem_is_listed_at_once(client: ApiClient) -> None:
    workload = {"runtime": {"memroy_mb": 1, "gpu": -1}, "traffic": {"pattern": "x"}}
    body = problem_of(client.post("/recommend", json=workload), 422)
    assert {error["location"] for error in body["errors"]} == {"runtime.memroy_mb", "runtime.gpu", "traffic.pattern"}


def test_an_integral_float_counts_as_an_integer_as_in_json_schema(client: ApiClient) -> None:
    assert client.post("/recommend", json={"runtime": {"gpu": 1.0, "memory_mb": 2048.0}}).status_code == 200
    problem_of(client.post("/recommend", json={"runtime": {"gpu": 1.5}}), 422)


def test_a_region_without_a_price_book_is_422_naming_the_priced_regions(client: ApiClient, ruleset: Ruleset) -> None:
    body = problem_of(client.post("/recommend", json={"preferences": {"region": "xx-nowhere-9"}}), 422)
    [error] = body["errors"]
    assert error["location"] == "preferences.region"
    assert "xx-nowhere-9" in error["message"]
    assert all(region in error["message"] for region in ruleset.pricing)


# --- POST /recommend/batch ----------------------------------------------------------------------------------------


def test_batch_answers_each_item_in_order_and_a_bad_item_never_sinks_the_batch(client: ApiClient) -> None:
    workloads = [CHECKOUT_API, {"runtime": {"gpuu": 1}}, 7, {}]
    response = client.post("/recommend/batch", json={"workloads": workloads})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["index"] for item in results] == [0, 1, 2, 3]
    assert results[0]["decision"]["name"] == "checkout-api"
    assert results[3]["decision"]["recommendation"]
    problem = results[1]["problem"]
    assert problem["status"] == 422
    assert problem["instance"] == "/recommend/batch#/workloads/1"
    assert problem["errors"] == [
        {"location": "workloads[1].runtime.gpuu", "message": problem["errors"][0]["message"], "suggestion": "gpu"}
    ]
    assert results[2]["problem"]["errors"][0]["location"] == "workloads[2]"
    # Each item's problem carries the batch request's id, for finding the request in the logs
    assert problem["request_id"] == response.headers["x-request-id"]
    assert results[2]["problem"]["request_id"] == response.headers["x-request-id"]


def test_a_number_json_or_decider_cannot_hold_fails_only_its_item(client: ApiClient) -> None:
    """1e400 is JSON (the grammar sets no range) that no float holds; NaN is read by lenient parsers: either fails the
    workload that has it, located in it, and the batch answers the others."""
    body = b'{"workloads": [{"traffic": {"requests_per_month": 1e400}}, {}, {"runtime": {"memory_mb": NaN}}]}'
    response = client.post("/recommend/batch", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[1]["decision"]["recommendation"]
    [far] = results[0]["problem"]["errors"]
    assert far["location"] == "workloads[0].traffic.requests_per_month"
    assert far["message"].startswith("a number out of range: 1e400")
    [nan] = results[2]["problem"]["errors"]
    assert (nan["location"], nan["message"]) == (
        "workloads[2].runtime.memory_mb",
        "NaN and Infinity are not JSON numbers",
    )
    # A single workload still refuses its body whole, where the number is
    single = client.post("/recommend", content=b'{"traffic": {"requests_per_month": 1e400}}',
                         headers={"content-type": "application/json"})  # fmt: skip
    assert single.status_code == 400
    assert single.json()["errors"][0]["location"] == "body.traffic.requests_per_month"


def test_batch_decisions_are_single_decisions_without_the_advice_search(client: ApiClient) -> None:
    single = client.post("/recommend", json=CHECKOUT_API).json()
    assert single["counterfactuals"]
    batch = client.post("/recommend/batch", json={"workloads": [CHECKOUT_API] * 3}).json()
    for item in batch["results"]:
        decision = item["decision"]
        assert decision["counterfactuals"] == []
        assert decision["decisive_assumptions"] == []
        for key in ("recommendation", "ranking", "excluded", "warnings", "ruleset", "pricing"):
            assert decision[key] == single[key], key
        # the same crossings; where a rerun finds them is sought by the search alone
        resized = ("resized_requests_per_month", "resized_until_requests_per_month", "resized_again_requests_per_month")
        held = [{**point, **dict.fromkeys(resized)} for point in single["break_even"]]
        assert decision["break_even"] == held


def test_batch_of_1000_is_served_and_1001_is_422(client: ApiClient) -> None:
    ok = client.post("/recommend/batch", json={"workloads": [{}] * 1000})
    assert ok.status_code == 200
    assert len(ok.json()["results"]) == 1000
    body = problem_of(client.post("/recommend/batch", json={"workloads": [{}] * 1001}), 422)
    assert "at most 1000" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("payload", "location", "suggestion"),
    [
        ({"workload": []}, "workload", "workloads"),
        ({}, "workloads", None),
        ({"workloads": {}}, "workloads", None),
        ([], "", None),
    ],
)
def test_a_malformed_batch_is_422(client: ApiClient, payload: Any, location: str, suggestion: str | None) -> None:
    body = problem_of(client.post("/recommend/batch", json=payload), 422)
    assert body["errors"][0]["location"] == location
    assert body["errors"][0]["suggestion"] == suggestion


# --- POST /bench/fixed-decision -----------------------------------------------------------------------------------


def test_the_benchmark_floor_route_exists_only_in_bench_mode_and_answers_the_same_bytes(
    make_client: ClientFactory,
) -> None:
    assert make_client().post("/bench/fixed-decision", json=CHECKOUT_API).status_code == 404
    bench = make_client(bench_routes=True)
    floor = bench.post("/bench/fixed-decision", json=CHECKOUT_API)
    assert floor.status_code == 200
    assert floor.content == bench.post("/recommend", json=CHECKOUT_API).content
    assert "/bench/fixed-decision" not in bench.app.openapi()["paths"]


@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_an_empty_body_is_said_to_be_empty(client: ApiClient, body: bytes) -> None:
    response = client.post("/recommend", content=body, headers={"content-type": "application/json"})
    problem = problem_of(response, 400)
    assert problem["detail"] == "the body is empty"
    assert problem["errors"][0] == {
        "location": "body",
        "message": "empty: send a JSON object ({} for a workload of defaults)",
        "suggestion": None,
    }
