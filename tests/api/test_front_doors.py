"""What every route shares at the door: HEAD answered as GET, no trailing-slash redirects, security and caching
headers, ``/mcp`` refusing GET and DELETE, and error messages that quote at most 80 characters of a value."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from api.head import HeadAsGet
from tests.api.conftest import ApiClient, problem_of

GET_ROUTES = ["/", "/rules", "/version", "/targets", "/pricing", "/schema/workload", "/docs", "/redoc", "/healthz"]


@pytest.mark.parametrize("path", [*GET_ROUTES, "/readyz", "/openapi.json", "/page/static/page.css", "/rules/nope"])
def test_head_is_the_get_of_every_route_without_its_body(client: ApiClient, path: str) -> None:
    get = client.get(path)
    head = client.request("HEAD", path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_head_on_a_post_only_route_is_405_naming_post(client: ApiClient) -> None:
    head = client.request("HEAD", "/recommend")
    assert head.status_code == 405
    assert head.headers["allow"] == "POST"
    assert head.content == b""


@pytest.mark.anyio
async def test_the_head_layer_drops_a_streamed_body_and_says_head_in_405s() -> None:
    """Below the layer the request is a GET (so GET routes answer it), and a 405 still names the method sent."""
    seen: list[tuple[str, str | None]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope["method"], scope.get("decider.sent_method")))
        scope["route"] = "picked"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"6")]})
        await send({"type": "http.response.body", "body": b"abc", "more_body": True})
        await send({"type": "http.response.body", "body": b"def"})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    scope: Scope = {"type": "http", "method": "HEAD", "path": "/x", "headers": []}
    await HeadAsGet(app)(scope, receive, send)
    assert seen == [("GET", "HEAD")]
    assert [message.get("body") for message in sent] == [None, b""]
    assert sent[0]["headers"] == [(b"content-length", b"6")]
    assert (scope["method"], scope["route"]) == ("HEAD", "picked")  # the access log and metrics say HEAD


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_mcp_takes_only_post(client: ApiClient, method: str) -> None:
    """Stateless with JSON answers, /mcp has no event stream for GET (one used to stay open for good) and no session
    for DELETE: 405 with Allow: POST, the MCP spec's answer for a server that offers no stream."""
    response = client.request(method, "/mcp", headers={"accept": "text/event-stream"})
    body = problem_of(response, 405)
    assert response.headers["allow"] == "POST"
    assert body["detail"] == f"{method} is not allowed on '/mcp'"


@pytest.mark.parametrize(
    ("method", "path", "nearest"), [("GET", "/rules/", "/rules"), ("POST", "/recommend/", "/recommend")]
)
def test_a_trailing_slash_is_a_404_naming_the_route_not_a_redirect(
    client: ApiClient, method: str, path: str, nearest: str
) -> None:
    response = client.request(method, path, json={} if method == "POST" else None, headers={"host": "evil.example"})
    body = problem_of(response, 404)
    assert "location" not in response.headers
    assert body["errors"][0]["suggestion"] == nearest


def test_every_answer_has_nosniff_and_no_referrer(client: ApiClient) -> None:
    for response in (client.get("/"), client.get("/version"), client.post("/recommend", json={}), client.get("/x")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_the_page_and_the_docs_cannot_be_framed(client: ApiClient) -> None:
    page = client.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    policy = [part.strip() for part in page.headers["content-security-policy"].split(";")]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy  # no inline script and no eval on the page
    docs = client.get("/docs")
    assert docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_json_answers_and_problems_are_not_stored_and_assets_keep_their_caching(client: ApiClient) -> None:
    assert client.post("/recommend", json={}).headers["cache-control"] == "no-store"
    assert client.get("/rules").headers["cache-control"] == "no-store"
    assert problem_of(client.get("/rules/nope"), 404)
    assert client.get("/rules/nope").headers["cache-control"] == "no-store"
    assert client.get("/page/static/page.js").headers["cache-control"] == "public, max-age=3600"


def test_version_takes_no_query_parameters(client: ApiClient) -> None:
    body = problem_of(client.get("/version?x=1"), 422)
    assert body["errors"][0]["location"] == "query.x"
    assert "unknown query parameter" in body["errors"][0]["message"]


def test_a_long_rule_id_is_quoted_cut_with_the_rest_counted(client: ApiClient) -> None:
    body = problem_of(client.get("/rules/" + "x" * 3000), 404)
    assert body["detail"] == "no rule with id '" + "x" * 79 + "… (2,922 more characters)"
    long_path = problem_of(client.get("/nope" + "y" * 3000), 404)["detail"]
    assert long_path == "no route '/nope" + "y" * 74 + "… (2,927 more characters)"


@pytest.mark.parametrize(("workloads", "kind"), [({}, "object"), ("x", "string"), (5, "number"), (None, "null")])
def test_review_workloads_of_the_wrong_type_are_said_so_not_missing(
    client: ApiClient, workloads: object, kind: str
) -> None:
    body = problem_of(client.post("/review", json={"workloads": workloads}), 422)
    assert [(entry["location"], entry["message"]) for entry in body["errors"]] == [
        ("workloads", f"must be a list of workloads, got {kind}")
    ]
    missing = problem_of(client.post("/review", json={}), 422)
    assert missing["errors"][0]["message"].startswith("missing")
