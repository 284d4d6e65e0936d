"""``decider serve`` on the fast serving stack: httptools (with decider's read deadlines) and uvloop, both pinned
dependencies, never h11 and asyncio."""

from __future__ import annotations

import pytest
import uvicorn
import uvloop
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api import server
from api.connections import TimedHttpToolsProtocol


def test_serve_runs_httptools_with_read_deadlines_and_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[uvicorn.Config] = []

    def run(config: uvicorn.Config) -> bool:
        calls.append(config)
        return True

    monkeypatch.setattr(server, "run_server", run)
    assert server.serve(host="127.0.0.1", port=8000, workers=1) == 0
    [config] = calls
    assert config.loop == "auto"
    config.load()
    assert config.http_protocol_class is TimedHttpToolsProtocol
    assert issubclass(TimedHttpToolsProtocol, HttpToolsProtocol)
    loop_factory = config.get_loop_factory()
    assert loop_factory is not None
    loop = loop_factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
