"""Reading a JSON body (api/dependencies.py): 415 unless the content type is JSON, 400 locating malformed JSON."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import ApiClient, problem_of


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"runtime": ', "body:1"),
        (b'{"runtime": {"memory_mb": NaN}}', "body.runtime.memory_mb"),
        (b'{"workloads": [{}, {"runtime": {"vcpu": -Infinity}}]}', "body.workloads[1].runtime.vcpu"),
        (b'{"name": "a", "name": "b"}', "'name' twice"),
        (b"\xff\xfe{}", "body"),
        (b"[" * 100_000 + b"]" * 100_000, "body"),
        (b'{"name": ' + b"9" * 5000 + b"}", "body"),
    ],
)
def test_malformed_json_is_400(client: ApiClient, content: bytes, fragment: str) -> None:
    response = client.post("/recommend", content=content, headers={"content-type": "application/json"})
    body = problem_of(response, 400)
    assert body["type"] == "urn:decider:problem:malformed-json"
    assert fragment in json.dumps(body["errors"])


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_415(client: ApiClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = problem_of(client.post("/recommend", content=b"{}", headers=headers), 415)
    assert "application/json" in body["detail"]


def test_json_with_a_charset_or_a_json_suffix_type_is_accepted(client: ApiClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.decider+json"):
        response = client.post("/recommend", content=b"{}", headers={"content-type": content_type})
        assert response.status_code == 200, content_type
