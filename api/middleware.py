"""Pure ASGI middleware: request ids, the JSON access log, metrics, security headers and crash answers; HEAD
answered as GET; and the request body limit.

Pure ASGI (not BaseHTTPMiddleware) so bodies stream through untouched and the limit applies while reading. All
run on every request, so each step is the cheap form of itself (measured: see ``access_line`` and ``send_with_id``).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import ACCESS_SUMMARY, REQUEST_ID
from api.metrics import Metrics
from api.problems import ApiProblem, problem_response

access_log = logging.getLogger("decider.access")
error_log = logging.getLogger("decider.api")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_REQUEST_ID_HEADER = b"x-request-id"
UNMATCHED_ROUTE = "<unmatched>"
#: Metric labels take only these methods (anything else is OTHER), so clients cannot grow the label set.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
#: On every answer: no MIME sniffing (a JSON body is never run as a script), and no Referer to other sites (a share
#: link carries the whole workload in its address, and the page links to the rules' sources).
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
#: On HTML (the page, the docs): never inside another site's frame (clickjacking). The policy is added only when the
#: route sets none of its own (the page's own policy says frame-ancestors 'none' too).
FRAME_DENIED = (b"x-frame-options", b"DENY")
FRAME_POLICY = (b"content-security-policy", b"frame-ancestors 'none'")
#: On JSON answers and problems whose route sets no caching of its own: decisions and errors are per request.
NO_STORE = (b"cache-control", b"no-store")
_CACHE_CONTROL = b"cache-control"
_CONTENT_TYPE = b"content-type"
_CSP = b"content-security-policy"


def request_id_from(scope: Scope) -> str:
    """The client's X-Request-ID when it is short and plain (it ends up in logs), else a fresh one (32 hex digits)."""
    for name, value in scope.get("headers", ()):
        if name == _REQUEST_ID_HEADER:
            candidate: str = value.decode("latin-1")
            if _SANE_REQUEST_ID.match(candidate):
                return candidate
            break
    return secrets.token_hex(16)  # 128 random bits (uuid4().hex has 122) at a quarter of the cost


def access_line(method: str, path: str, route: str, status: int, duration_ms: float, request_id: str) -> str:
    """The access log line: the same text as ``json.dumps`` of these six fields with ``ensure_ascii=True``.

    Built directly (strings through json's C escaper, numbers by repr, as json.dumps does) at a fifth of the cost of
    building a dict and encoding it.
    """
    return (
        f'{{"method": {encode_basestring_ascii(method)}, "path": {encode_basestring_ascii(path)}, '
        f'"route": {encode_basestring_ascii(route)}, "status": {int(status)}, "duration_ms": {duration_ms!r}, '
        f'"request_id": {encode_basestring_ascii(request_id)}}}'
    )


def log_access(line: str, summary: str) -> None:
    """Log one access line at INFO: ``Logger.info`` minus its caller lookup (a stack walk a third of its cost).

    The record's message is the line; ``summary`` ("GET /path 200") rides along for api/logs.py's formatters. The
    record goes through ``Logger.handle`` like any other, so levels, filters, handlers and propagation apply.
    """
    record = access_log.makeRecord(access_log.name, logging.INFO, __file__, 0, line, (), None)
    setattr(record, ACCESS_SUMMARY, summary)
    access_log.handle(record)


def with_headers(sent: Iterable[tuple[bytes, bytes]], id_header: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """An answer's headers with X-Request-ID (replaced, else added: what ``MutableHeaders(...)[...] = ...`` does, a
    tenth the cost) and the security headers; HTML gets the frame headers (the policy only when it sets none of its
    own), and JSON gets ``Cache-Control: no-store`` unless its route set its caching. One pass over the headers."""
    headers = []
    content_type = b""
    cache_control = csp = False
    for header in sent:
        name = header[0].lower()
        if name == _REQUEST_ID_HEADER:
            continue
        if name == _CONTENT_TYPE:
            content_type = header[1]
        elif name == _CACHE_CONTROL:
            cache_control = True
        elif name == _CSP:
            csp = True
        headers.append(header)
    headers.append(id_header)
    headers.extend(SECURITY_HEADERS)
    if content_type.startswith(b"text/html"):
        headers.append(FRAME_DENIED)
        if not csp:
            headers.append(FRAME_POLICY)
    elif not cache_control and content_type.split(b";", 1)[0].endswith(b"json"):
        headers.append(NO_STORE)
    return headers


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID), logs one JSON line, records metrics, answers crashes.

    A crash is answered here with a 500 problem (no internals) and logged with the request id, so the
    answer still carries X-Request-ID and the access log still has its line.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_token = REQUEST_ID.set(request_id)  # every line logged while answering carries the id
        id_header = (_REQUEST_ID_HEADER, request_id.encode("latin-1"))
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = with_headers(message.get("headers", ()), id_header)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            error_log.error(
                "unhandled error on %s %s request_id=%s", scope["method"], scope["path"], request_id, exc_info=error
            )
            if response_started:
                raise
            response = problem_response(
                Request(scope),
                500,
                "internal",
                "decider failed to answer this request; the error is logged with the request id",
            )
            await response(scope, receive, send_with_id)
        finally:
            duration_s = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            method = scope["method"]
            self.metrics.observe_request(method if method in KNOWN_METHODS else "OTHER", route, status, duration_s)
            if access_log.isEnabledFor(logging.INFO):
                path = scope["path"]
                log_access(
                    access_line(method, path, route, status, round(duration_s * 1000, 3), request_id),
                    f"{method} {path} {status}",
                )
            REQUEST_ID.reset(request_id_token)


class BodyTooLarge(ApiProblem):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            413,
            "body-too-large",
            f"the request body is larger than {limit_bytes} bytes (DECIDER_MAX_BODY_BYTES)",
            title="Content Too Large",
        )


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413 before they are parsed: by Content-Length, and while streaming."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                declared = value.decode("latin-1").strip()
                if not declared.isdigit():
                    await self._answer(ApiProblem(400, "bad-request", "Content-Length is not a number"), scope, send)
                    return
                if int(declared) > self.max_body_bytes:
                    await self._answer(BodyTooLarge(self.max_body_bytes), scope, send)
                    return
        received_bytes = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received_bytes
            message = await receive()
            if message["type"] == "http.request":
                received_bytes += len(message.get("body", b""))
                if received_bytes > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as error:
            if response_started:
                raise
            await self._answer(error, scope, send)

    @staticmethod
    async def _answer(problem: ApiProblem, scope: Scope, send: Send) -> None:
        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        response = problem_response(Request(scope), problem.status, problem.slug, problem.detail, title=problem.title)
        await response(scope, no_body, send)
