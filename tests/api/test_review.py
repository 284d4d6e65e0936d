"""``POST /review``: the same verdicts as ``decider review`` for named workloads; problems located by item index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from anyio.from_thread import start_blocking_portal

from api.app import create_app
from api.settings import Settings
from decider.review import ReviewRequestItem, review_request
from decider.rules.model import Ruleset

PROBLEM = "application/problem+json"
BODY = {
    "workloads": [
        {"name": "report", "current_target": "lambda", "workload": {"runtime": {"max_duration_s": 2400}}},
        {"name": "storefront", "current_platform": "eks", "workload": {"traffic": {"pattern": "steady"}}},
        {"name": "checkout", "current_platform": "lambda", "workload": {"traffic": {"pattern": "spiky"}}},
    ]
}


class InProcessClient:
    """The app in process over httpx's ASGI transport, with its lifespan (rules loading) run as a server would."""

    def __init__(self, stack: ExitStack) -> None:
        app = create_app(Settings())
        self.portal = stack.enter_context(start_blocking_portal())
        stack.enter_context(self.portal.wrap_async_context_manager(app.router.lifespan_context(app)))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        stack.callback(lambda: self.portal.call(self.http.aclose))

    def post(self, url: str, json: Any) -> httpx.Response:
        return self.portal.call(lambda: self.http.post(url, json=json))


@pytest.fixture
def client() -> Iterator[InProcessClient]:
    with ExitStack() as stack:
        yield InProcessClient(stack)


def test_review_returns_the_verdicts_decider_review_gives(client: InProcessClient, ruleset: Ruleset) -> None:
    response = client.post("/review", json=BODY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = review_request([ReviewRequestItem.model_validate(item) for item in BODY["workloads"]], ruleset)
    assert response.json() == expected.model_dump(mode="json")
    verdicts = {entry["name"]: entry["verdict"] for entry in response.json()["workloads"]}
    assert verdicts["report"] == "move"
    assert response.json()["summary"]["workloads"] == 3


def problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("invalid-review")
    return body


def test_item_problems_are_422_entries_with_the_item_index(client: InProcessClient) -> None:
    body = {
        "workloads": [
            {"name": "ok"},
            {"name": "bad", "current_target": "fargate", "workload": {"runtime": {"memroy_mb": 1}}},
        ]
    }
    errors = problem(client.post("/review", json=body))["errors"]
    assert [(error["location"], error["suggestion"]) for error in errors] == [
        ("workloads[1].current_target", "ecs-fargate"),
        ("workloads[1].workload.runtime.memroy_mb", "memory_mb"),
    ]


def test_the_batch_is_bounded(client: InProcessClient) -> None:
    errors = problem(client.post("/review", json={"workloads": [{"name": "a"}] * 1001}))["errors"]
    assert errors[0]["message"] == "give 1 to 1000 workloads, got 1001"
    assert problem(client.post("/review", json={"workload": []}))["errors"][0]["location"] == "workload"


def test_workloads_in_a_json_body_are_held_to_json_types(client: InProcessClient) -> None:
    body = {"workloads": [{"name": "a", "workload": {"runtime": {"long_running": 0}}}]}
    [error] = problem(client.post("/review", json=body))["errors"]
    assert error["location"] == "workloads[0].workload.runtime.long_running"


def test_a_json_review_item_takes_json_numbers_and_arrays(client: InProcessClient) -> None:
    workload = {"runtime": {"memory_mb": 1024.0}, "traffic": {"protocols": ["http"]}}
    response = client.post(
        "/review", json={"workloads": [{"name": "a", "current_target": "lambda", "workload": workload}]}
    )
    assert response.status_code == 200
    assert response.json()["workloads"][0]["current_platform"] == "lambda"


def test_a_review_body_that_is_not_json_is_400_located_in_the_body(client: InProcessClient) -> None:
    response = client.portal.call(
        lambda: client.http.post(
            "/review", content=b'{"workloads": [NaN]}', headers={"content-type": "application/json"}
        )
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == "body.workloads[0]"


def test_a_current_mode_prices_the_cost_now_in_that_mode(client: InProcessClient) -> None:
    workload = {"traffic": {"pattern": "steady", "requests_per_month": 2_000_000}, "preferences": {"spot_ok": True}}
    items = [
        {"name": "spot", "current_target": "ecs-fargate", "current_mode": "spot", "workload": workload},
        {"name": "on-demand", "current_target": "ecs-fargate", "current_mode": "on-demand", "workload": workload},
    ]
    response = client.post("/review", json={"workloads": items})
    assert response.status_code == 200
    spot, on_demand = response.json()["workloads"]
    [fargate] = [entry for entry in spot["decision"]["ranking"] if entry["target"] == "ecs-fargate"]
    bills = {option["mode"]: option["monthly_usd"] for option in fargate["sizing"]["modes"]}
    assert (spot["current_mode"], spot["monthly_cost_now_usd"]) == ("spot", bills["spot"])
    assert (on_demand["current_mode"], on_demand["monthly_cost_now_usd"]) == ("on-demand", bills["on-demand"])
    assert bills["spot"] < bills["on-demand"]
    assert "Amazon ECS on AWS Fargate (Fargate Spot)" in spot["why"]
    assert (
        f"Switching to Fargate Spot would save ${bills['on-demand'] - bills['spot']:,.2f} a month" in (on_demand["why"])
    )


def test_a_current_mode_its_target_lacks_is_a_422_naming_the_allowed_modes(client: InProcessClient) -> None:
    body = {
        "workloads": [
            {"name": "a", "current_target": "eks", "current_mode": "fargat"},
            {"name": "b", "current_platform": "ecs", "current_mode": "managed-instances"},
            {"name": "c", "current_mode": "spot"},
            {"name": "d", "current_target": "lambda", "current_mode": 3},
        ]
    }
    errors = problem(client.post("/review", json=body))["errors"]
    assert [(error["location"], error["suggestion"]) for error in errors] == [("workloads[3].current_mode", None)]
    body["workloads"].pop()
    errors = problem(client.post("/review", json=body))["errors"]
    assert [(error["location"], error["message"], error["suggestion"]) for error in errors] == [
        (
            "workloads[0].current_mode",
            "'fargat' is not allowed; choose one of managed-node-group, auto-mode, fargate (the modes of eks)",
            "fargate",
        ),
        (
            "workloads[1].current_mode",
            "'managed-instances' is not allowed; choose one of on-demand, spot (the modes of platform ecs)",
            None,
        ),
        ("workloads[2].current_mode", "give current_target (or current_platform) with current_mode", None),
    ]


def test_a_current_mode_on_a_platform_decider_does_not_rank_is_a_422(client: InProcessClient) -> None:
    body = {"workloads": [{"name": "a", "current_platform": "ec2", "current_mode": "spot"}]}
    [error] = problem(client.post("/review", json=body))["errors"]
    assert (error["location"], error["message"]) == (
        "workloads[0].current_mode",
        "platform ec2 has no capacity modes; leave current_mode out",
    )


def test_a_workload_without_traffic_is_told_to_give_it_in_the_workload_not_a_usage_file(
    client: InProcessClient,
) -> None:
    """The API's review takes each workload whole: there is no usage file to add its traffic to, nor a --usage flag."""
    body = {"workloads": [{"name": "quiet", "current_platform": "lambda", "workload": {"runtime": {"memory_mb": 512}}}]}
    response = client.post("/review", json=body)
    assert response.status_code == 200, response.text
    (reviewed,) = response.json()["workloads"]
    assert reviewed["verdict"] == "unknown"
    assert reviewed["why"].startswith("Traffic not known: give it in the workload, e.g. `traffic: {requests_per_month")
    assert "--usage" not in reviewed["why"]
    assert "usage file" not in reviewed["why"]
