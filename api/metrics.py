"""Prometheus metrics of one app: request counts and latency by route template, decisions by recommended target.

Each app has its own CollectorRegistry, so many apps in one process (tests) never share or collide. Under
``decider serve --workers N`` (N > 1) the server turns on Prometheus multiprocess mode (api/server.py): every worker
writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics``, whichever worker answers it, reports
the sum over all workers (MultiProcessCollector) instead of its own counts only.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

#: The variable prometheus_client reads, when it is imported, to write samples to files (multiprocess mode).
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The counters and histograms decider exports at /metrics."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        """``multiprocess_dir``: where all workers' samples are (default: ``PROMETHEUS_MULTIPROC_DIR``, if set)."""
        self.multiprocess_dir = multiprocess_dir or os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "decider_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "decider_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.decisions = Counter(
            "decider_decisions",
            "Decisions made, by recommended target ('none' when every target is excluded).",
            ("recommendation",),
            registry=self.registry,
        )
        self.reloads = Counter(
            "decider_rules_reloads",
            "Rule set reloads, by outcome (ok or rejected).",
            ("outcome",),
            registry=self.registry,
        )
        self.answer_lookups = Counter(
            "decider_answer_cache_lookups",
            "POST /recommend bodies looked up among the decisions kept (api/answers.py), by outcome (hit or miss).",
            ("outcome",),
            registry=self.registry,
        )
        self.answer_bytes = Gauge(
            "decider_answer_cache_bytes",
            "Bytes of decisions kept for repeated POST /recommend bodies, bodies and overhead included.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self._answer_children = {outcome: self.answer_lookups.labels(outcome) for outcome in ("hit", "miss")}
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._decision_children: dict[str, Counter] = {}

    def observe_request(self, method: str, route: str, status: int, duration_s: float) -> None:
        # labels() re-checks and re-joins the label values on every call, so each child is looked up once and kept;
        # these maps never hold more than the metrics' own children (bounded labels: see api/middleware.py).
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            children = (self.requests.labels(method, route, str(status)), self.latency.labels(method, route))
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(duration_s)

    def count_decision(self, recommendation: str | None) -> None:
        label = recommendation or "none"
        child = self._decision_children.get(label)
        if child is None:
            child = self._decision_children[label] = self.decisions.labels(label)
        child.inc()

    def count_answer_lookup(self, hit: bool) -> None:
        """A /recommend body looked up among the decisions kept (api/answers.py)."""
        self._answer_children["hit" if hit else "miss"].inc()

    def render(self) -> bytes:
        """The exposition text: this app's registry, or in multiprocess mode every worker's samples added up."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
