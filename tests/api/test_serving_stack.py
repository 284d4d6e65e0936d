"""``decider serve`` on the fast serving stack: uvicorn left to pick httptools and uvloop (pinned dependencies),
never forced to h11 and asyncio."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
import uvloop
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api import server


def test_serve_lets_uvicorn_pick_httptools_and_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    assert server.serve(host="127.0.0.1", port=8000, workers=1) == 0
    [options] = calls
    assert (options["http"], options["loop"]) == ("auto", "auto")

    config = uvicorn.Config(options["app"], factory=True, http=options["http"], loop=options["loop"], log_config=None)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    loop_factory = config.get_loop_factory()
    assert loop_factory is not None
    loop = loop_factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
