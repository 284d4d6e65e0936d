"""/mcp: the MCP tools over Streamable HTTP in the API, behind the same X-API-Key and body limit, not in OpenAPI."""

from __future__ import annotations

import gzip
from typing import Any

import httpx
import pytest
import yaml

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import KEY, ApiClient, ClientFactory, problem_of
from tests.test_mcp import CHECKOUT

ACCEPT = {"Accept": "application/json, text/event-stream"}
VERSION = {"MCP-Protocol-Version": "2025-06-18"}


def rpc(client: ApiClient, method: str, params: dict[str, Any] | None = None, key: str | None = None) -> httpx.Response:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        message["params"] = params
    extra = {} if method == "initialize" else VERSION
    headers = {**ACCEPT, **extra, **({"X-API-Key": key} if key is not None else {})}
    return client.post("/mcp", json=message, headers=headers)


def initialize(client: ApiClient, key: str | None = None) -> httpx.Response:
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    return rpc(client, "initialize", hello, key)


def result_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


def test_initialize_list_and_call_over_http(client: ApiClient) -> None:
    assert result_of(initialize(client))["serverInfo"]["name"] == "decider"
    tools = result_of(rpc(client, "tools/list"))["tools"]
    assert {tool["name"] for tool in tools} >= {"recommend", "explain_rule", "list_targets", "price_book", "review"}
    workload = yaml.safe_load(CHECKOUT.read_text())
    called = result_of(rpc(client, "tools/call", {"name": "recommend", "arguments": workload}))
    assert called["isError"] is False
    rest = client.post("/recommend", json=workload).json()
    assert called["structuredContent"]["recommendation"] == rest["recommendation"]


def test_bad_input_over_http_is_a_tool_error_with_the_field(client: ApiClient) -> None:
    called = result_of(rpc(client, "tools/call", {"name": "recommend", "arguments": {"traffic": {"rps": "lots"}}}))
    assert called["isError"] is True
    assert called["structuredContent"]["problems"][0]["field"].startswith("traffic")


def test_a_key_given_twice_is_a_parse_error_as_on_the_rest_routes(client: ApiClient) -> None:
    """The SDK's reader would keep the last of two keys and answer for memory_mb 1024; /mcp reads its body as
    POST /recommend does, so the same body is refused on both, saying which key."""
    initialize(client)
    body = (
        b'{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "recommend", '
        b'"arguments": {"runtime": {"memory_mb": 512, "memory_mb": 1024}}}}'
    )
    response = client.post("/mcp", content=body, headers={**ACCEPT, **VERSION, "Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == -32700
    assert "found key 'memory_mb' twice" in error["message"]
    rest = client.post(
        "/recommend",
        content=b'{"runtime": {"memory_mb": 512, "memory_mb": 1024}}',
        headers={"Content-Type": "application/json"},
    )
    assert "found key 'memory_mb' twice" in str(problem_of(rest, 400))
    # A well-formed body still reaches the tools, its bytes read once here and once by the SDK.
    called = result_of(rpc(client, "tools/call", {"name": "list_targets", "arguments": {}}))
    assert called["isError"] is False


def test_mcp_needs_the_api_key_when_keys_are_set(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY,))
    problem_of(initialize(client), 401)
    problem_of(rpc(client, "tools/list", key="wrong"), 401)
    assert result_of(initialize(client, key=KEY))["serverInfo"]["name"] == "decider"
    assert result_of(rpc(client, "tools/list", key=KEY))["tools"]


def test_mcp_bodies_are_held_to_the_body_limit(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1024)
    response = rpc(client, "tools/call", {"name": "recommend", "arguments": {"name": "x" * 2000}})
    problem_of(response, 413)


def test_a_compressed_mcp_body_is_415_as_on_the_rest_routes(client: ApiClient) -> None:
    message = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}'
    headers = {**ACCEPT, **VERSION, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = client.post("/mcp", content=gzip.compress(message), headers=headers)
    assert problem_of(response, 415)["type"] == "urn:decider:problem:unsupported-content-encoding"
    assert response.headers["accept-encoding"] == "identity"


def test_mcp_is_not_in_the_openapi_document(client: ApiClient) -> None:
    assert "/mcp" not in client.get("/openapi.json").json()["paths"]


def test_mcp_answers_503_before_the_app_starts(make_client: ClientFactory) -> None:
    problem_of(initialize(make_client(lifespan=False)), 503)


def test_the_app_can_start_twice() -> None:
    app = create_app(Settings())
    for _ in range(2):  # each run of the lifespan gets a new session manager (the SDK's runs once)
        client = ApiClient(app)
        try:
            assert result_of(initialize(client))["serverInfo"]["name"] == "decider"
        finally:
            client.close()


def test_json_that_is_not_a_json_rpc_message_is_invalid_request_as_over_stdio(client: ApiClient) -> None:
    """No "jsonrpc", or a batch (which MCP does not take): -32600 with a short message naming what is missing, as
    decider mcp answers over stdio, not -32602 (invalid params) with pydantic's report and its documentation links."""
    headers = {**ACCEPT, **VERSION}
    for message in ({"id": 1, "method": "tools/list"}, [{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}]):
        response = client.post("/mcp", json=message, headers=headers)
        assert response.status_code == 400
        answer = response.json()
        assert answer["id"] is None
        assert answer["error"]["code"] == -32600
        assert answer["error"]["message"].startswith("Invalid request: not a JSON-RPC 2.0 message (")
        assert "pydantic" not in answer["error"]["message"]
    assert "JSONRPCRequest.jsonrpc: Field required" in client.post("/mcp", json={"id": 1}, headers=headers).text


def test_a_body_not_sent_as_json_is_a_415_problem_naming_the_content_type(client: ApiClient) -> None:
    for sent, said in (("text/plain", "got text/plain"), ("", "got no content type")):
        response = client.post("/mcp", content=b"{}", headers={**ACCEPT, **VERSION, "Content-Type": sent})
        problem = problem_of(response, 415)
        assert problem["type"] == "urn:decider:problem:unsupported-media-type"
        assert problem["detail"] == f"send the JSON-RPC message with Content-Type: application/json ({said})"
    message = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}'
    for json_type in ("application/json; charset=utf-8", "Application/JSON"):  # a media type is case-insensitive
        sent_as_json = {**ACCEPT, **VERSION, "Content-Type": json_type}
        assert result_of(client.post("/mcp", content=message, headers=sent_as_json))["tools"]


@pytest.mark.parametrize(
    ("params", "problems"),
    [
        (
            {"name": "recommend", "arguments": []},
            [
                (
                    "arguments",
                    "must be an object (the workload's sections: name, runtime, traffic, control, team, "
                    "preferences, network), got array",
                )
            ],
        ),
        (
            {"name": "price_book", "arguments": "eu-west-1"},
            [("arguments", "must be an object (price_book's arguments: region), got string")],
        ),
        (
            {"name": "list_targets", "arguments": 1},
            [("arguments", "must be an object ({}: list_targets takes no arguments), got number")],
        ),
        (
            {"arguments": {}},
            [("name", "give the tool to call; tools: recommend, review, explain_rule, list_targets, price_book")],
        ),
    ],
)
def test_call_params_the_sdk_would_refuse_are_a_tool_error_naming_the_param(
    client: ApiClient, params: dict[str, Any], problems: list[tuple[str, str]]
) -> None:
    """Arguments that are not an object, or no tool name, are a tool error naming the param, what was given and what
    is allowed, as every other bad argument is, not -32602 "Invalid request parameters" with no detail."""
    called = result_of(rpc(client, "tools/call", params))
    assert called["isError"] is True
    found = [(problem["field"], problem["message"]) for problem in called["structuredContent"]["problems"]]
    assert found == problems
    assert "resultType" not in called  # shaped for the session's protocol version, as the SDK shapes the others
