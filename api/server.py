"""Running decider's API under uvicorn: ``decider serve`` lands here (the CLI imports it only for that command)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from fastapi import FastAPI

from api.logs import log_config, resolve_format
from api.metrics import MULTIPROCESS_DIR_VARIABLE
from api.settings import get_settings

#: Seconds uvicorn waits for requests in flight to finish after SIGTERM before closing connections.
GRACEFUL_SHUTDOWN_S = 20


def app_factory() -> FastAPI:
    """What each uvicorn worker builds: the app with settings from the environment and SIGHUP reloading rules."""
    from api.app import create_app

    return create_app(get_settings(), handle_sighup=True)


@contextmanager
def metrics_shared_by_workers(workers: int) -> Iterator[str | None]:
    """With several workers, Prometheus multiprocess mode: each worker writes its samples under one directory and
    ``/metrics`` (in any worker) adds them all up (api/metrics.py).

    The directory is ``PROMETHEUS_MULTIPROC_DIR`` when the operator set it (it must start empty), else a fresh
    temporary one, removed when the server stops. Workers are new processes that inherit the environment, so they
    see it before they import prometheus_client, as multiprocess mode needs. Yields the directory (None: one worker).
    """
    if workers <= 1 or os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        yield os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None
        return
    with tempfile.TemporaryDirectory(prefix="decider-metrics-") as directory:
        os.environ[MULTIPROCESS_DIR_VARIABLE] = directory
        try:
            yield directory
        finally:
            del os.environ[MULTIPROCESS_DIR_VARIABLE]


def serve(host: str, port: int, workers: int, rules_dirs: Sequence[str] = (), log_format: str = "auto") -> int:
    """Check the rules, then serve until SIGINT/SIGTERM (requests in flight are drained). Returns an exit code.

    ``log_format`` is json, text or auto (text on a terminal, else JSON): see api/logs.py.
    """
    import uvicorn

    from decider.rules.loader import load_ruleset

    if rules_dirs:
        # Workers are separate processes that read their settings from the environment.
        os.environ["DECIDER_RULES_DIRS"] = os.pathsep.join(rules_dirs)
        get_settings.cache_clear()
    settings = get_settings()
    load_ruleset(settings.rules_dirs)  # a bad rule file stops here, every problem listed, before any socket opens
    with metrics_shared_by_workers(workers):
        uvicorn.run(
            "api.server:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # "auto": httptools and uvloop (pinned dependencies), else h11 and asyncio; never forced to the slower pair.
            http="auto",
            loop="auto",
            lifespan="on",
            access_log=False,
            log_config=log_config(settings.log_level, resolve_format(log_format)),
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            server_header=False,
        )
    return 0
