"""Prometheus metrics (api/metrics.py): requests by route template, decisions by target, one registry per app."""

from __future__ import annotations

from api.examples import CHECKOUT_API
from tests.api.conftest import ApiClient, ClientFactory


def test_metrics_count_requests_by_route_template_and_decisions_by_target(client: ApiClient) -> None:
    recommendation = client.post("/recommend", json=CHECKOUT_API).json()["recommendation"]
    client.get("/rules/a.b")
    client.get("/rules/c.d")
    text = client.get("/metrics").text
    assert 'decider_http_requests_total{method="GET",route="/rules/{rule_id}",status="404"} 2.0' in text
    assert 'decider_http_requests_total{method="POST",route="/recommend",status="200"} 1.0' in text
    assert 'decider_http_request_duration_seconds_count{method="POST",route="/recommend"} 1.0' in text
    assert f'decider_decisions_total{{recommendation="{recommendation}"}} 1.0' in text


def test_each_app_has_its_own_metrics(make_client: ClientFactory) -> None:
    first, second = make_client(), make_client()
    first.get("/healthz")
    assert 'route="/healthz"' in first.get("/metrics").text
    assert 'route="/healthz"' not in second.get("/metrics").text
