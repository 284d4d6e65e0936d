"""Running decider's API under uvicorn: ``decider serve`` lands here (the CLI imports it only for that command)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from api.settings import get_settings

#: Seconds uvicorn waits for requests in flight to finish after SIGTERM before closing connections.
GRACEFUL_SHUTDOWN_S = 20


def app_factory() -> FastAPI:
    """What each uvicorn worker builds: the app with settings from the environment and SIGHUP reloading rules."""
    from api.app import create_app

    return create_app(get_settings(), handle_sighup=True)


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, plus decider's JSON access lines on stdout (uvicorn's own access log is off)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(message)s"},
            "default": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"},
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "decider.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "decider": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
        },
    }


def serve(host: str, port: int, workers: int, rules_dirs: Sequence[str] = ()) -> int:
    """Check the rules, then serve until SIGINT/SIGTERM (requests in flight are drained). Returns an exit code."""
    import uvicorn

    from decider.rules.loader import load_ruleset

    if rules_dirs:
        # Workers are separate processes that read their settings from the environment.
        os.environ["DECIDER_RULES_DIRS"] = os.pathsep.join(rules_dirs)
        get_settings.cache_clear()
    settings = get_settings()
    load_ruleset(settings.rules_dirs)  # a bad rule file stops here, every problem listed, before any socket opens
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
        log_config=log_config(settings.log_level),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        server_header=False,
    )
    return 0
