"""Running decider's API under uvicorn: ``decider serve`` lands here (the CLI imports it only for that command)."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors.multiprocess import Multiprocess

from api import snapshot
from api.connections import TimedHttpToolsProtocol
from api.logs import log_config, resolve_format
from api.metrics import MULTIPROCESS_DIR_VARIABLE
from api.settings import get_settings

#: Seconds uvicorn waits for requests in flight to finish after SIGTERM before closing connections.
GRACEFUL_SHUTDOWN_S = 20
#: Seconds a worker may take to answer its supervisor's health check (also while it starts).
WORKER_HEALTHCHECK_S = 30
#: What ``decider serve`` returns when its one worker failed to start (uvicorn's own code for it).
EXIT_START_FAILED = 3


def app_factory() -> FastAPI:
    """What each uvicorn worker builds: the app with settings from the environment and SIGHUP reloading rules."""
    from api.app import create_app

    if hasattr(signal, "SIGHUP") and threading.current_thread() is threading.main_thread():
        # Until the app's lifespan installs its reload handler, a SIGHUP passed on by the supervisor must not end a
        # worker that is still starting (SIGHUP's default action).
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
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


@contextmanager
def rules_snapshot(workers: int, rules_dirs: Sequence[str]) -> Iterator[None]:
    """With several workers, a folder for the last good rules (api/snapshot.py), filled now from the rules that
    passed their check, so a worker started later never fails on files broken since; removed when the server stops."""
    if workers <= 1:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="decider-rules-") as directory:
        snapshot.save(rules_dirs, Path(directory))
        os.environ[snapshot.SNAPSHOT_VARIABLE] = directory
        try:
            yield
        finally:
            os.environ.pop(snapshot.SNAPSHOT_VARIABLE, None)


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, but SIGHUP reloads the rules in every worker in place (each worker's own SIGHUP
    handler) instead of replacing the workers: no connection is closed, so no request is dropped."""

    def handle_hup(self) -> None:
        for process in self.processes:
            if process.pid is not None and process.process.is_alive():
                os.kill(process.pid, signal.SIGHUP)


def serve(
    host: str,
    port: int,
    workers: int,
    rules_dirs: Sequence[str] = (),
    log_format: str = "auto",
    connections: Mapping[str, float | int | None] | None = None,
) -> int:
    """Check the rules, then serve until SIGINT/SIGTERM (requests in flight are drained). Returns an exit code.

    ``log_format`` is json, text or auto (text on a terminal, else JSON): see api/logs.py. ``connections`` overrides
    the connection settings (header_timeout_s, body_timeout_s, keep_alive_s, limit_concurrency, limit_max_requests)
    given on the command line; they reach the workers as their DECIDER_* variables.
    """
    from decider.rules.loader import load_ruleset

    if rules_dirs:
        # Workers are separate processes that read their settings from the environment.
        os.environ["DECIDER_RULES_DIRS"] = os.pathsep.join(rules_dirs)
    for name, value in (connections or {}).items():
        if value is not None:
            os.environ[f"DECIDER_{name.upper()}"] = str(value)
    get_settings.cache_clear()
    settings = get_settings()
    load_ruleset(settings.rules_dirs)  # a bad rule file stops here, every problem listed, before any socket opens
    with metrics_shared_by_workers(workers), rules_snapshot(workers, settings.rules_dirs):
        config = uvicorn.Config(
            "api.server:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # httptools (a pinned dependency) with read deadlines (api/connections.py); uvloop when installed.
            http=TimedHttpToolsProtocol,
            loop="auto",
            lifespan="on",
            access_log=False,
            log_config=log_config(settings.log_level, resolve_format(log_format)),
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            timeout_keep_alive=settings.keep_alive_s,
            limit_concurrency=settings.limit_concurrency,
            limit_max_requests=settings.limit_max_requests,
            # A worker that imports slowly on a busy node is not hung: uvicorn's 5 s killed healthy starters.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            server_header=False,
        )
        started = run_server(config)
    return 0 if started else EXIT_START_FAILED


def run_server(config: uvicorn.Config) -> bool:
    """Serve with ``config`` until SIGINT/SIGTERM: one worker in this process, several under ``Supervisor``.
    Whether the server started (a worker that fails to start under the supervisor is its concern)."""
    if config.workers > 1:
        Supervisor(config, sockets=[config.bind_socket()]).run()
        return True
    server = uvicorn.Server(config)
    server.run()
    return server.started
