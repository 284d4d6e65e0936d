"""Reading a JSON body (api/dependencies.py): 415 unless the content type is JSON and the body is not encoded
(compressed), 400 locating malformed JSON by line and column."""

from __future__ import annotations

import gzip
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


@pytest.mark.parametrize(
    ("content", "line", "column", "reason"),
    [
        (b'{"runtime": \n{"vcpu": }}', 2, 10, "Expecting value"),
        (b'{"runtime": {"memory_mb": 512,}}', 1, 31, "Expecting property name enclosed in double quotes"),
        (b'{\n  "name": "caf\xc3\xa9 \xe2\x98\x95"\n  "team": {}\n}', 3, 3, "Expecting ',' delimiter"),
        (b"{}\n\n   x", 3, 4, "Extra data"),
        (b"  {", 1, 4, "Expecting property name enclosed in double quotes"),
    ],
)
def test_malformed_json_names_line_and_column(
    client: ApiClient, content: bytes, line: int, column: int, reason: str
) -> None:
    response = client.post("/recommend", content=content, headers={"content-type": "application/json"})
    body = problem_of(response, 400)
    assert body["type"] == "urn:decider:problem:malformed-json"
    assert body["errors"] == [
        {
            "location": f"body:{line}",
            "message": f"not valid JSON: {reason} at line {line}, column {column}",
            "suggestion": None,
            "line": line,
            "column": column,
        }
    ]


def test_the_column_counts_characters_not_bytes(client: ApiClient) -> None:
    ascii_body = b'{"name": "xx" "team": {}}'
    accented = b'{"name": "\xc3\xa9\xc3\xa9" "team": {}}'  # two characters of two bytes each
    columns = [
        problem_of(client.post("/recommend", content=body, headers={"content-type": "application/json"}), 400)[
            "errors"
        ][0]["column"]
        for body in (ascii_body, accented)
    ]
    assert columns == [15, 15]


@pytest.mark.parametrize(
    "content",
    [b'{"name": "a", "name": "b"}', b'{"runtime": {"memory_mb": NaN}}', b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000],
)
def test_problems_with_no_place_in_the_text_carry_no_line_or_column(client: ApiClient, content: bytes) -> None:
    response = client.post("/recommend", content=content, headers={"content-type": "application/json"})
    [entry] = problem_of(response, 400)["errors"]
    assert set(entry) == {"location", "message", "suggestion"}


ROUTES_WITH_BODIES = [
    pytest.param(path, content_type, content, id=path)
    for path, content_type, content in [
        ("/recommend", "application/json", b"{}"),
        ("/recommend/batch", "application/json", b'{"workloads": [{}]}'),
        ("/recommend/chart", "application/json", b"{}"),
        ("/review", "application/json", b'{"workloads": [{"workload": {}}]}'),
        ("/", "application/x-www-form-urlencoded", b"runtime.memory_mb=512"),
        ("/page/result", "application/x-www-form-urlencoded", b"runtime.memory_mb=512"),
    ]
]


@pytest.mark.parametrize(("path", "content_type", "content"), ROUTES_WITH_BODIES)
@pytest.mark.parametrize("coding", ["gzip", "br", "deflate", "GZip", "identity, gzip"])
def test_a_compressed_body_is_415_naming_the_coding_and_what_is_accepted(
    client: ApiClient, path: str, content_type: str, content: bytes, coding: str
) -> None:
    headers = {"content-type": content_type, "content-encoding": coding}
    response = client.post(path, content=gzip.compress(content), headers=headers)
    body = problem_of(response, 415)
    assert body["type"] == "urn:decider:problem:unsupported-content-encoding"
    assert f"Content-Encoding '{coding}'" in body["detail"]
    assert "accepts only identity" in body["detail"]
    assert body["errors"] == [
        {
            "location": "Content-Encoding",
            "message": f"got '{coding}'; accepted: identity, or no Content-Encoding",
            "suggestion": None,
        }
    ]
    assert response.headers["accept-encoding"] == "identity"


@pytest.mark.parametrize("coding", ["identity", "Identity", " identity "])
def test_a_body_sent_as_is_may_say_identity(client: ApiClient, coding: str) -> None:
    headers = {"content-type": "application/json", "content-encoding": coding}
    response = client.post("/recommend", content=b"{}", headers=headers)
    assert response.status_code == 200, response.text
