"""Connections under a deadline: a request's headers and body must arrive in time, and running out of sockets is
logged once in a while, not once per failed accept.

uvicorn times out only idle keep-alive connections; a client that opens a socket and sends half a header (or half
a body) is kept forever, and 1,500 of them exhaust a worker's file descriptors. ``TimedHttpToolsProtocol`` closes a
connection whose headers take longer than DECIDER_HEADER_TIMEOUT_S, or whose body takes longer than
DECIDER_BODY_TIMEOUT_S, and answers the health probes even past DECIDER_LIMIT_CONCURRENCY; ``decider serve``
hands it to uvicorn as its HTTP protocol.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import get_settings

log = logging.getLogger("decider.api")

#: Errors that say the process is out of a resource (file descriptors, buffers), as accept() reports them.
RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
#: Paths answered past DECIDER_LIMIT_CONCURRENCY: liveness and readiness probes must not fail because clients
#: hold connections (they cost no more than the connection already made).
PROBES = frozenset({b"/healthz", b"/readyz"})
#: Seconds between two log lines about running out of a resource.
RESOURCE_LOG_INTERVAL_S = 10.0


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for a request's headers and another for its body."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.header_timeout_s = settings.header_timeout_s
        self.body_timeout_s = settings.body_timeout_s
        self.read_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout_s)  # a connection that sends nothing is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.read_deadline is None:
            self._arm(self.header_timeout_s)

    def on_headers_complete(self) -> None:
        limit = self.limit_concurrency
        if self.url.partition(b"?")[0] in PROBES:
            self.limit_concurrency = None  # a probe is answered even when the worker is full
        try:
            super().on_headers_complete()
        finally:
            self.limit_concurrency = limit
        self._arm(self.body_timeout_s)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self.read_deadline = self.loop.call_later(seconds, self._read_timed_out)

    def _disarm(self) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def _read_timed_out(self) -> None:
        self.read_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def resource_errors_once(
    interval_s: float = RESOURCE_LOG_INTERVAL_S, clock: Callable[[], float] = time.monotonic
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """An event-loop exception handler that logs running out of sockets (EMFILE on accept, say) as one line at most
    every ``interval_s`` seconds, with how many were not logged; anything else goes to the loop's default handler."""
    last = -float("inf")
    unlogged = 0

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        nonlocal last, unlogged
        error = context.get("exception")
        if not (isinstance(error, OSError) and error.errno in RESOURCE_ERRNOS):
            loop.default_exception_handler(context)
            return
        now = clock()
        if now - last < interval_s:
            unlogged += 1
            return
        more = f" ({unlogged} more since the last report)" if unlogged else ""
        log.error("out of a resource while accepting connections: %s%s", error.strerror or error, more)
        last, unlogged = now, 0

    return handle


class RepeatsOncePerInterval(logging.Filter):
    """Lets a message through at most once every ``interval_s`` seconds (uvicorn logs "Exceeded concurrency limit."
    once per refused request: under a flood, that is the flood again in the logs)."""

    def __init__(self, message: str, interval_s: float = RESOURCE_LOG_INTERVAL_S) -> None:
        super().__init__()
        self.message = message
        self.interval_s = interval_s
        self.last = -float("inf")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != self.message:
            return True
        now = time.monotonic()
        if now - self.last < self.interval_s:
            return False
        self.last = now
        return True


CONCURRENCY_EXCEEDED = "Exceeded concurrency limit."


def quiet_repeats() -> None:
    """Rate-limit uvicorn's per-request warning about the concurrency limit (once per process)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, RepeatsOncePerInterval) for existing in logger.filters):
        logger.addFilter(RepeatsOncePerInterval(CONCURRENCY_EXCEEDED))
