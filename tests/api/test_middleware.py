"""The ASGI middleware (api/middleware.py): request ids, the JSON access log, method labels of the metrics,
crash answers, and the request body limit."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.types import Message, Scope

from api.examples import CHECKOUT_API
from tests.api.conftest import ApiClient, ClientFactory, problem_of

# --- request context ----------------------------------------------------------------------------------------------


def test_request_id_is_echoed_when_sane_and_replaced_when_not(client: ApiClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123.x:y"}).headers["x-request-id"] == "abc-123.x:y"
    for bad in ("has space", "x" * 200, "line\tbreak"):
        echoed = client.get("/healthz", headers={"x-request-id": bad}).headers["x-request-id"]
        assert echoed != bad
        assert len(echoed) == 32
    generated = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(generated) == 3


def test_one_json_access_log_line_per_request(client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="decider.access"):
        client.get("/rules/nope", headers={"x-request-id": "log-me"})
    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "decider.access"]
    [line] = lines
    assert line["method"] == "GET"
    assert line["path"] == "/rules/nope"
    assert line["route"] == "/rules/{rule_id}"
    assert line["status"] == 404
    assert line["request_id"] == "log-me"
    assert line["duration_ms"] >= 0


def test_unusual_methods_share_one_metric_label(client: ApiClient) -> None:
    for method in ("BREW", "WHEN"):
        assert client.request(method, "/recommend").status_code == 405
    text = client.get("/metrics").text
    assert 'method="OTHER",route="/recommend",status="405"} 2.0' in text
    assert "BREW" not in text


def test_a_crash_is_a_500_problem_without_internals_logged_with_the_request_id(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_: Any) -> Any:
        raise RuntimeError("secret-internal-state at /srv/app.py")

    monkeypatch.setattr("api.recommend.decide", explode)
    with caplog.at_level(logging.ERROR, logger="decider.api"):
        response = client.post("/recommend", json={}, headers={"x-request-id": "trace-500"})
    body = problem_of(response, 500)
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["request_id"] == "trace-500"
    logged = [record for record in caplog.records if record.name == "decider.api"]
    assert logged
    assert "trace-500" in logged[0].getMessage()
    assert logged[0].exc_info is not None


# --- body limit ---------------------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413_from_content_length(client: ApiClient) -> None:
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    body = problem_of(client.post("/recommend", content=big, headers={"content-type": "application/json"}), 413)
    assert "1048576" in body["detail"]


def test_body_over_the_limit_is_413_while_streaming_without_content_length(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1000)

    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 500

    response = client.post("/recommend", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    problem_of(response, 413)


def test_body_under_a_small_limit_is_served(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2000)
    assert client.post("/recommend", json=CHECKOUT_API).status_code == 200
    problem_of(client.post("/recommend", json={"name": "x" * 3000}), 413)


def test_a_content_length_that_is_not_a_number_is_400(client: ApiClient) -> None:
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/recommend",
        "raw_path": b"/recommend",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"twelve")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    client.portal.call(client.app, scope, receive, send)
    assert messages[0]["status"] == 400
    body = json.loads(messages[1]["body"])
    assert body["detail"] == "Content-Length is not a number"
    assert (b"x-request-id", body["request_id"].encode()) in messages[0]["headers"]
