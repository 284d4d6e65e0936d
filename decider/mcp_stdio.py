"""decider's MCP server over stdio: frames read as ``/mcp`` reads a body, and every request answered before it ends.

The SDK's stdio transport reads each line with its own JSON reader, which keeps the last of two keys given twice and
takes NaN and Infinity as numbers; ``/mcp`` over HTTP and the REST routes refuse both (decider.documents.parse_json).
``StrictLines`` hands the transport stdin's lines and reads each one with decider's strict reader too: a line it
refuses is answered with a JSON-RPC parse error (-32700, ``id`` null, the problem worded as ``/mcp`` words it) and
never reaches the server. A frame the transport itself cannot read (JSON that is not a JSON-RPC message, a batch) is
answered with -32600 rather than dropped, as the SDK would: a client that sent it would wait for an answer that
never comes (``Answering``).

When the client closes stdin, the server would stop at once and drop the answers to requests still running (a
script that pipes a few requests in gets none). ``StrictLines`` ends the stream only once every request read has its
answer written (``Pending``), or after ``DRAIN_S`` seconds.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import AsyncIterator
from io import TextIOWrapper
from types import TracebackType
from typing import Any, Self

import anyio
from mcp import types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from decider.documents import parse_json
from decider.errors import DocumentError

#: The longest the server keeps running after stdin ends, for the answers to requests still running.
DRAIN_S = 600.0


class Pending:
    """The ids of requests read whose answers are not written yet (a request the client cancels gets none, by the
    MCP specification, and is no longer waited for)."""

    def __init__(self) -> None:
        self.ids: set[str | int] = set()

    async def settled(self, limit_s: float = DRAIN_S) -> None:
        with anyio.move_on_after(limit_s):
            while self.ids:
                await anyio.sleep(0.01)


class StrictLines:
    """stdin's lines for the SDK's transport, each read by the strict reader as well: its verdict (None, or the
    problem) is queued for ``Answering``, in the order the transport hands the lines on."""

    def __init__(self, lines: Any, pending: Pending) -> None:
        self.lines, self.pending = lines, pending
        self.verdicts: deque[str | None] = deque()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._read()

    async def _read(self) -> AsyncIterator[str]:
        async for line in self.lines:
            self.verdicts.append(_problem(line))
            yield line
        await self.pending.settled()


def _problem(line: str) -> str | None:
    frame = line.rstrip("\r\n")  # a frame is one line: its end is not part of it
    if not frame.strip():
        return "Parse error: frame: an empty line, not JSON"
    try:
        parse_json(frame, "frame")
    except DocumentError as error:
        return f"Parse error: {error.problem}"
    return None


def stdin_lines() -> Any:
    """This process's stdin as the SDK's transport reads it (UTF-8 text, an undecodable byte replaced)."""
    return anyio.wrap_file(TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"))


class _Closing:
    """A stream wrapper used as an async context manager: leaving it closes the stream it wraps (``aclose``)."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool | None:
        await self.aclose()
        return None


class Counting(_Closing):
    """The transport's write stream, counting each answer to a request off ``Pending``."""

    def __init__(self, write: Any, pending: Pending) -> None:
        self.write, self.pending = write, pending

    async def send(self, item: SessionMessage) -> None:
        await self.write.send(item)
        root = item.message
        if isinstance(root, types.JSONRPCResponse | types.JSONRPCError) and root.id is not None:
            self.pending.ids.discard(root.id)

    async def aclose(self) -> None:
        await self.write.aclose()


class Answering(_Closing):
    """The transport's read stream (``ReadStream`` of the SDK), less the frames that are not answered by the server:
    those the strict reader refused (``lines``' verdicts) and those the transport could not read, each answered on
    ``write`` with a JSON-RPC error. Each request passed on is counted in ``pending``."""

    def __init__(self, read: Any, write: Any, lines: StrictLines | None = None, pending: Pending | None = None) -> None:
        self.read, self.write, self.lines = read, write, lines
        self.pending = pending if pending is not None else Pending()

    @property
    def last_context(self) -> Any:
        """The sender's context of the last message (the SDK's context-aware stream has one; the server reads it)."""
        return getattr(self.read, "last_context", None)

    async def _kept(self, item: SessionMessage | Exception) -> SessionMessage | None:
        problem = self.lines.verdicts.popleft() if self.lines is not None and self.lines.verdicts else None
        if problem is not None:
            error = types.ErrorData(code=types.PARSE_ERROR, message=problem)
            await self.write.send(SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=None, error=error)))
            return None
        if isinstance(item, Exception):
            await self.write.send(SessionMessage(error_for(item)))
            return None
        message = item.message
        if isinstance(message, types.JSONRPCRequest):
            self.pending.ids.add(message.id)
        elif isinstance(message, types.JSONRPCNotification) and message.method == "notifications/cancelled":
            self.pending.ids.discard((message.params or {}).get("requestId"))
        return item

    async def receive(self) -> SessionMessage:
        while True:
            kept = await self._kept(await self.read.receive())
            if kept is not None:
                return kept

    def __aiter__(self) -> Answering:
        return self

    async def __anext__(self) -> SessionMessage:
        while True:
            # StopAsyncIteration at the stream's end, as the stream says it
            kept = await self._kept(await self.read.__anext__())
            if kept is not None:
                return kept

    async def aclose(self) -> None:
        await self.read.aclose()


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
