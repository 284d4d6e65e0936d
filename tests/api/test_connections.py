"""The HTTP protocol ``decider serve`` runs: read deadlines for headers and bodies, probes answered past the
concurrency limit; and the supervisor passing SIGHUP to its workers. In process, on a real event loop with a fake
transport (the live suite, tests/live_adversarial.py, does the same over sockets)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

import api.connections
from api.connections import TimedHttpToolsProtocol
from api.server import Supervisor
from api.settings import Settings

SHORT_S = 0.05


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False
        self.protocol: asyncio.Protocol | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        if not self.closed and self.protocol is not None:  # as asyncio's transports do: the protocol hears of it
            asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the whole body, then answers 200 (a body that never ends is never answered)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def connect(state: ServerState, limit: int | None = None) -> tuple[TimedHttpToolsProtocol, FakeTransport]:
    config = Config(app=ok, limit_concurrency=limit, log_config=None)
    config.load()
    protocol = TimedHttpToolsProtocol(config=config, server_state=state, app_state={})
    transport = FakeTransport()
    transport.protocol = protocol
    protocol.connection_made(transport)
    return protocol, transport


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(header_timeout_s=SHORT_S, body_timeout_s=SHORT_S)
    monkeypatch.setattr(api.connections, "get_settings", lambda: settings)


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # nothing at all
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n",  # half the headers
        b"POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n{",  # half the body
    ],
)
def test_a_connection_that_stops_sending_is_closed(sent: bytes) -> None:
    async def main() -> FakeTransport:
        protocol, transport = connect(ServerState())
        if sent:
            protocol.data_received(sent)
        await asyncio.sleep(SHORT_S * 4)
        return transport

    transport = asyncio.run(main())
    assert transport.closed
    assert transport.written == b""


def test_a_whole_request_is_answered_and_the_connection_kept() -> None:
    async def main() -> FakeTransport:
        protocol, transport = connect(ServerState())
        protocol.data_received(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(SHORT_S * 4)  # past the read deadlines; the keep-alive timeout (5 s) still runs
        return transport

    transport = asyncio.run(main())
    assert transport.written.startswith(b"HTTP/1.1 200 OK")
    assert not transport.closed


def test_probes_are_answered_past_the_concurrency_limit() -> None:
    async def main() -> tuple[bytes, bytes]:
        state = ServerState()
        probe, probe_transport = connect(state, limit=1)
        other, other_transport = connect(state, limit=1)  # two connections: over the limit of one
        probe.data_received(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        other.data_received(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(SHORT_S)
        return probe_transport.written, other_transport.written

    probe, other = asyncio.run(main())
    assert probe.startswith(b"HTTP/1.1 200 OK")
    assert other.startswith(b"HTTP/1.1 503 Service Unavailable")


class FakeProcess:
    def __init__(self, pid: int, alive: bool) -> None:
        self.pid = pid
        self.process = self
        self.alive = alive

    def is_alive(self) -> bool:
        return self.alive


def test_sighup_is_passed_to_every_live_worker_instead_of_replacing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr("os.kill", lambda pid, number: sent.append((pid, number)))
    supervisor = Supervisor.__new__(Supervisor)  # its __init__ installs signal handlers in this process
    supervisor.processes = [FakeProcess(11, True), FakeProcess(12, False), FakeProcess(13, True)]  # type: ignore[list-item]
    supervisor.handle_hup()
    assert sent == [(11, signal.SIGHUP), (13, signal.SIGHUP)]
