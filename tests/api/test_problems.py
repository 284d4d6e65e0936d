"""Starlette's own errors as problem+json (api/problems.py): 404 with the nearest route, 405 with Allow."""

from __future__ import annotations

from tests.api.conftest import ApiClient, problem_of


def test_unknown_route_is_404_with_the_nearest_route(client: ApiClient) -> None:
    body = problem_of(client.get("/rulez"), 404)
    assert body["errors"][0]["suggestion"] == "/rules"


def test_wrong_method_is_405_with_allow(client: ApiClient) -> None:
    response = client.request("DELETE", "/recommend")
    problem_of(response, 405)
    assert response.headers["allow"] == "POST"
