"""A frame over stdio that is not a JSON-RPC message gets a JSON-RPC error back, as ``/mcp`` answers it over HTTP.

The SDK's stdio transport hands a line it cannot read to the server as an exception, and the server drops it: a
client that sent a request in a malformed frame waits for an answer that never comes. ``Answering`` stands between
the transport and the server and writes the error back instead: -32700 (parse error) for text that is not JSON,
-32600 (invalid request) for JSON that is not a JSON-RPC message (no ``jsonrpc``, a batch, too deep a nesting), with
``id`` null, since a frame that cannot be read has no id to answer to.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from mcp import types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError


class Answering:
    """The transport's read stream (``ReadStream`` of the SDK), less the frames it could not read, each answered on
    ``write`` with a JSON-RPC error."""

    def __init__(self, read: Any, write: Any) -> None:
        self.read, self.write = read, write

    @property
    def last_context(self) -> Any:
        """The sender's context of the last message (the SDK's context-aware stream has one; the server reads it)."""
        return getattr(self.read, "last_context", None)

    async def receive(self) -> SessionMessage:
        while True:
            item = await self.read.receive()
            if not isinstance(item, Exception):
                return item  # type: ignore[no-any-return]
            await self.write.send(SessionMessage(error_for(item)))

    def __aiter__(self) -> Answering:
        return self

    async def __anext__(self) -> SessionMessage:
        while True:
            item = await self.read.__anext__()  # StopAsyncIteration at the stream's end, as the stream says it
            if not isinstance(item, Exception):
                return item  # type: ignore[no-any-return]
            await self.write.send(SessionMessage(error_for(item)))

    async def aclose(self) -> None:
        await self.read.aclose()

    async def __aenter__(self) -> Answering:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool | None:
        await self.aclose()
        return None


def error_for(error: Exception) -> types.JSONRPCError:
    """The JSON-RPC error for a frame the transport could not read."""
    problems = error.errors() if isinstance(error, ValidationError) else []
    not_json = any(problem.get("type") == "json_invalid" for problem in problems)
    if not_json:
        code, message = types.PARSE_ERROR, "Parse error: the frame is not JSON"
    else:
        found = "; ".join(
            f"{'.'.join(str(part) for part in problem.get('loc', ())) or 'message'}: {problem.get('msg', '')}"
            for problem in problems[:3]
        )
        code, message = types.INVALID_REQUEST, f"Invalid request: not a JSON-RPC 2.0 message ({found or error})"
    return types.JSONRPCError(jsonrpc="2.0", id=None, error=types.ErrorData(code=code, message=message))
