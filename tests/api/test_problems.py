"""Starlette's own errors as problem+json (api/problems.py): 404 with the nearest route, 405 with Allow."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, problem_of


def test_unknown_route_is_404_with_the_nearest_route(client: ApiClient) -> None:
    body = problem_of(client.get("/rulez"), 404)
    assert body["errors"][0]["suggestion"] == "/rules"


def test_wrong_method_is_405_with_allow(client: ApiClient) -> None:
    response = client.request("DELETE", "/recommend")
    problem_of(response, 405)
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("method", "path", "nearest"),
    [
        ("GET", "/metric", "/metrics"),
        ("POST", "/mcp/", "/mcp"),
        ("GET", "/rules/", "/rules"),
        ("POST", "/slack/command", "/slack/commands"),
        ("GET", "/openapi", "/openapi.json"),
        ("GET", "/doc", "/docs"),
        ("POST", "/page/results", "/page/result"),
    ],
)
def test_a_typo_of_a_route_kept_out_of_the_openapi_document_gets_its_nearest_too(
    client: ApiClient, method: str, path: str, nearest: str
) -> None:
    [entry] = problem_of(client.request(method, path), 404)["errors"]
    assert entry["suggestion"] == nearest
    listed = entry["message"].removeprefix("no such route; routes: ").split(", ")
    assert {
        "/",
        "/metrics",
        "/mcp",
        "/slack/commands",
        "/slack/interactions",
        "/docs",
        "/redoc",
        "/openapi.json",
    } <= set(listed)
    assert {"/recommend", "/rules/{rule_id}"} <= set(listed)
