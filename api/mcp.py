"""``/mcp``: decider's MCP tools (decider/mcp.py) over Streamable HTTP, behind the REST routes' X-API-Key check.

Stateless, with plain JSON answers: any worker or replica answers any request (no session to pin). The body limit is
the app's own middleware, as for every route, and a compressed body, or one not sent as ``application/json``, is a 415
problem as on the REST routes; the route is left out of the OpenAPI document (MCP describes itself: ``tools/list``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.types import PARSE_ERROR, jsonrpc_message_adapter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from api.auth import require_api_key
from api.dependencies import refuse_content_coding
from api.problems import ApiProblem
from api.state import RulesetHolder
from decider.documents import parse_json
from decider.errors import DocumentError, Problem, quoted
from decider.mcp import build_server
from decider.mcp_stdio import error_for

PATH = "/mcp"
#: The one content type a JSON-RPC message is posted with (the MCP specification's Streamable HTTP).
CONTENT_TYPE = "application/json"


class McpEndpoint:
    """The SDK's Streamable HTTP handler, answering only requests with an accepted X-API-Key (when keys are
    configured): the same dependency the REST routes use, so the same 401 problem.

    The SDK's session manager runs once; each run of the app's lifespan gets a new one (tests run it many times).
    """

    def __init__(self, holder: RulesetHolder) -> None:
        self.server = build_server(lambda: holder.ruleset)
        self.manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        manager = StreamableHTTPSessionManager(app=self.server, json_response=True, stateless=True)
        async with manager.run():
            self.manager = manager
            try:
                yield
            finally:
                self.manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        await require_api_key(request)  # raises the 401 ApiProblem; the app's handler answers it
        refuse_content_coding(request)  # 415 for a compressed body, as on the REST routes
        refuse_content_type(request)
        manager = self.manager
        if manager is None:
            raise ApiProblem(503, "not-ready", "the MCP server is not started yet")
        # The body is read as the REST routes read theirs (a key given twice, NaN, too deep a nesting are refused),
        # not left to the SDK's reader, which keeps the last of two keys: a JSON-RPC parse error says what is wrong.
        body = await request.body()
        try:
            raw = parse_json(body, "body")
        except DocumentError as error:
            message = f"Parse error: {error.problem}"
            answer = {"jsonrpc": "2.0", "id": None, "error": {"code": PARSE_ERROR, "message": message}}
            await JSONResponse(answer, status_code=400)(scope, receive, send)
            return
        # JSON that is not one JSON-RPC message (no "jsonrpc", a batch) is -32600 in a line, as over stdio; the SDK
        # would answer -32602 (invalid params) with pydantic's whole report.
        try:
            jsonrpc_message_adapter.validate_python(raw, by_name=False)
        except ValidationError as error:
            answer = error_for(error).model_dump(mode="json", by_alias=True, exclude_unset=True)
            await JSONResponse(answer, status_code=400)(scope, receive, send)
            return
        await manager.handle_request(_json_typed(scope), _replaying(body, receive), send)


def _json_typed(scope: Scope) -> Scope:
    """``scope`` with its Content-Type written ``application/json``: a media type is case-insensitive (RFC 9110,
    8.3.1), so ``Application/JSON`` passed refuse_content_type, and the SDK compares it as written."""
    headers = [(name, value) for name, value in scope["headers"] if name.lower() != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", CONTENT_TYPE.encode())]}


def refuse_content_type(request: Request) -> None:
    """415 problem naming the content type sent unless it is JSON's: the SDK would answer a plain-text 400."""
    sent = request.headers.get("content-type")
    if (sent or "").split(";", 1)[0].strip().lower() != CONTENT_TYPE:
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"send the JSON-RPC message with Content-Type: {CONTENT_TYPE} (got {sent or 'no content type'})",
            [Problem("Content-Type", f"got {quoted(sent) if sent else 'none'}; accepted: {CONTENT_TYPE}")],
        )


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` with the body already read given again first, for the SDK to read it as it would have."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def router(holder: RulesetHolder) -> APIRouter:
    """A router with ``/mcp`` (an ASGI endpoint, so it gets the raw request) and the lifespan its manager runs in."""
    endpoint = McpEndpoint(holder)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with endpoint.running():
            yield

    mcp_router = APIRouter(lifespan=lifespan)
    # POST only: stateless with JSON answers, the server has no stream to offer on GET and no session to end on
    # DELETE, so both are 405 with Allow: POST (the spec's answer for a server without a GET stream). A GET used to
    # open an event stream that never closed, and enough of them held every connection the server allows.
    mcp_router.routes.append(Route(PATH, endpoint, methods=["POST"], include_in_schema=False))
    return mcp_router
