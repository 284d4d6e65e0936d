"""API keys (api/auth.py): with DECIDER_API_KEYS set, every route but health needs a matching X-API-Key."""

from __future__ import annotations

from tests.api.conftest import KEY, ClientFactory, problem_of


def test_api_keys_guard_every_route_but_health(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY, "second-key"))
    for method, path in [("POST", "/recommend"), ("GET", "/rules"), ("GET", "/version"), ("GET", "/metrics")]:
        body = problem_of(client.request(method, path, json={}), 401)
        assert "X-API-Key" in body["detail"]
        problem_of(client.request(method, path, json={}, headers={"x-api-key": KEY + "x"}), 401)
    assert client.post("/recommend", json={}, headers={"x-api-key": KEY}).status_code == 200
    assert client.get("/rules", headers={"x-api-key": "second-key"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
