"""``create_app()``: the FastAPI application around decider's engine — settings, rules lifespan, errors, routers."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

import decider
from api import admin, catalog, chart, docs, health, page, recommend, review, slack, slack_interactions, snapshot
from api.answers import Answers
from api.auth import require_api_key
from api.connections import quiet_repeats, resource_errors_once
from api.head import HeadAsGet
from api.mcp import router as mcp_router
from api.metrics import Metrics
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.openapi import build_openapi
from api.problems import install_problem_handlers
from api.settings import MIB, Settings, get_settings
from api.state import RulesetHolder
from api.work import Work
from decider.errors import RulesError

log = logging.getLogger("decider.api")

#: Routers whose every route needs X-API-Key when keys are configured: include them with ``dependencies=PROTECTED``.
PROTECTED = [Depends(require_api_key)]


def create_app(settings: Settings | None = None, *, handle_sighup: bool = False) -> FastAPI:
    """Build the API. Rules load in the lifespan (start-up); a bad rule file stops start-up listing every problem.

    ``handle_sighup`` makes SIGHUP reload the rules (the server turns it on; tests and embedders leave it off).
    """
    settings = settings or get_settings()
    holder = RulesetHolder(settings.rules_dirs, snapshot.snapshot_root())
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            loaded = holder.load_at_start()
        except RulesError as error:
            log.critical("decider cannot start: %s", error)
            raise
        log.info("rules loaded: ruleset %s %s", loaded.ruleset.version, loaded.ruleset.digest)
        if settings.api_keys:
            log.info("authentication is on: %d API key(s) accepted in X-API-Key", len(settings.api_keys))
        else:
            log.warning("authentication is off: DECIDER_API_KEYS is not set, so every route answers without a key")
        sighup_installed = handle_sighup and _install_sighup(holder, metrics, settings.reload_timeout_s)
        if handle_sighup:  # serving for real (decider serve): errors under load are logged once in a while
            asyncio.get_running_loop().set_exception_handler(resource_errors_once())
            quiet_repeats()
        try:
            yield
        finally:
            if sighup_installed:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    app = FastAPI(
        title="decider",
        version=decider.__version__,
        summary="Where should this workload run on AWS: Lambda, ECS (Fargate, Managed Instances, EC2) or EKS?",
        description=(
            "POST a workload description to `/recommend`; get a ranked recommendation in which every exclusion "
            "and every point of score is traced to a named rule with a source. Every error is "
            "`application/problem+json` (RFC 9457)."
        ),
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api/docs.py, with their assets served here (no CDN)
        redoc_url=None,
        # No 307 to the path without (or with) a trailing slash: its Location would echo the client's Host header
        # over http://. /rules/ is a 404 naming the nearest route, like any other unknown path.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.rules = holder
    app.state.metrics = metrics
    app.state.work = Work(settings.batch_concurrency)
    app.state.answers = Answers(int(settings.answer_cache_mb * MIB))
    install_problem_handlers(app)

    # --- routers ---------------------------------------------------------------------------------------------
    # One line per router. Routers that need X-API-Key (when keys are configured) pass dependencies=PROTECTED;
    # health routes and routers with their own authentication (e.g. signed webhooks) do not.
    app.include_router(page.router)  # GET /: the web page (form, answer, cost chart); links to the docs
    app.include_router(docs.router)  # /docs, /redoc and their assets, like /openapi.json never behind a key
    app.include_router(health.router)
    app.include_router(health.version_router, dependencies=PROTECTED)
    app.include_router(recommend.router, dependencies=PROTECTED)
    app.include_router(chart.router, dependencies=PROTECTED)
    app.include_router(review.router, dependencies=PROTECTED)
    app.include_router(catalog.router, dependencies=PROTECTED)
    app.include_router(admin.router, dependencies=PROTECTED)
    app.include_router(health.metrics_router, dependencies=PROTECTED)
    app.include_router(slack.router)  # signed by Slack instead of X-API-Key
    app.include_router(slack_interactions.router)  # likewise
    app.include_router(mcp_router(holder))  # /mcp: MCP tools; X-API-Key checked inside, not in OpenAPI
    if settings.bench_routes:
        app.include_router(recommend.bench_router)
    # --- end of routers --------------------------------------------------------------------------------------

    # Added last = outermost: ids, logs and metrics see every request, including 413s from the body limit; HEAD is
    # routed as GET inside them, so the access log and metrics say HEAD.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _install_sighup(holder: RulesetHolder, metrics: Metrics, timeout_s: float) -> bool:
    """SIGHUP reloads the rules in a worker thread (the event loop keeps serving), within ``timeout_s``; a bad new
    rule set is logged with its problems and the old one stays in service."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return False
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    async def reload() -> None:
        try:
            loaded = await holder.reload(timeout_s)
        except RulesError as error:
            metrics.reloads.labels("rejected").inc()
            log.error("SIGHUP reload rejected, previous rules stay in service: %s", error)
            return
        metrics.reloads.labels("ok").inc()
        log.info("SIGHUP reload: ruleset %s %s", loaded.ruleset.version, loaded.ruleset.digest)

    def start_reload() -> None:
        task = loop.create_task(reload())
        running.add(task)
        task.add_done_callback(running.discard)

    loop.add_signal_handler(signal.SIGHUP, start_reload)
    return True
