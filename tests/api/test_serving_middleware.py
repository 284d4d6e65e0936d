"""The per-request middleware in its cheap form (api/middleware.py, api/metrics.py): the access line is the same
text ``json.dumps`` gave, X-Request-ID is set exactly once, metric children are counted as before."""

from __future__ import annotations

import json
import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from api.metrics import Metrics
from api.middleware import SECURITY_HEADERS, RequestContextMiddleware, access_line
from tests.api.conftest import ApiClient


@given(
    method=st.text(max_size=8),
    path=st.text(max_size=20),
    route=st.text(max_size=10),
    status=st.integers(min_value=100, max_value=599),
    duration_ms=st.floats(min_value=0, max_value=1e7).map(lambda value: round(value, 3)),
    request_id=st.text(max_size=40),
)
def test_access_line_is_the_text_json_dumps_gave(
    method: str, path: str, route: str, status: int, duration_ms: float, request_id: str
) -> None:
    fields = {
        "method": method,
        "path": path,
        "route": route,
        "status": status,
        "duration_ms": duration_ms,
        "request_id": request_id,
    }
    assert access_line(method, path, route, status, duration_ms, request_id) == json.dumps(fields, ensure_ascii=True)


def test_each_request_logs_one_info_record_of_that_text(client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="decider.access"):
        client.post("/recommend/ü", json={}, headers={"x-request-id": "r-1"})
    [record] = [record for record in caplog.records if record.name == "decider.access"]
    assert record.levelno == logging.INFO
    line = json.loads(record.getMessage())
    assert record.getMessage() == json.dumps(line, ensure_ascii=True)
    assert (line["method"], line["path"], line["status"], line["request_id"]) == ("POST", "/recommend/ü", 404, "r-1")


def test_no_access_record_when_info_is_off(client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="decider.access"):
        client.get("/healthz")
    assert not [record for record in caplog.records if record.name == "decider.access"]


def test_generated_request_ids_are_32_hex_digits(client: ApiClient) -> None:
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(re.fullmatch("[0-9a-f]{32}", request_id) for request_id in ids)


async def run_middleware(inner_headers: list[tuple[bytes, bytes]], request_id: bytes) -> list[Message]:
    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": list(inner_headers)})
        await send({"type": "http.response.body", "body": b""})

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/x",
        "headers": [(b"x-request-id", request_id)],
    }
    await RequestContextMiddleware(inner, Metrics())(scope, receive, send)
    return sent


@pytest.mark.anyio
async def test_x_request_id_is_set_once_replacing_any_the_app_set() -> None:
    sent = await run_middleware([(b"a", b"1"), (b"x-request-id", b"inner"), (b"X-Request-ID", b"inner2")], b"outer")
    assert sent[0]["headers"] == [(b"a", b"1"), (b"x-request-id", b"outer"), *SECURITY_HEADERS]
    sent = await run_middleware([], b"only")
    assert sent[0]["headers"] == [(b"x-request-id", b"only"), *SECURITY_HEADERS]


def test_metrics_count_each_label_set_on_its_own() -> None:
    metrics = Metrics()
    for status in (200, 200, 404):
        metrics.observe_request("GET", "/a", status, 0.002)
    metrics.observe_request("POST", "/a", 200, 0.002)
    for recommendation in ("lambda", "lambda", None):
        metrics.count_decision(recommendation)
    text = metrics.render().decode()
    assert 'decider_http_requests_total{method="GET",route="/a",status="200"} 2.0' in text
    assert 'decider_http_requests_total{method="GET",route="/a",status="404"} 1.0' in text
    assert 'decider_http_requests_total{method="POST",route="/a",status="200"} 1.0' in text
    assert 'decider_http_request_duration_seconds_count{method="GET",route="/a"} 3.0' in text
    assert 'decider_decisions_total{recommendation="lambda"} 2.0' in text
    assert 'decider_decisions_total{recommendation="none"} 1.0' in text
