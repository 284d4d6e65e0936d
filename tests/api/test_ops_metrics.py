"""Prometheus multiprocess mode (api/metrics.py, api/server.py): with ``--workers N`` > 1, ``decider serve`` points
every worker at one temporary PROMETHEUS_MULTIPROC_DIR and /metrics, in whichever worker answers, adds up the
samples of all of them; with one worker nothing changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from api import server
from api.metrics import MULTIPROCESS_DIR_VARIABLE, Metrics
from tests.api.test_server import DECIDER, REPO_ROOT, Server, free_port

#: Another process recording requests into a multiprocess directory, as a worker does.
OTHER_WORKER = """
import importlib.util, sys
# api/metrics.py alone (not the api package, which loads the whole app): it needs only prometheus_client.
spec = importlib.util.spec_from_file_location("metrics", "api/metrics.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
metrics = module.Metrics()
for _ in range(int(sys.argv[1])):
    metrics.observe_request("GET", "/healthz", 200, 0.001)
metrics.count_decision("lambda")
"""


def record_in_another_process(directory: Path, requests: int) -> None:
    env = {**os.environ, MULTIPROCESS_DIR_VARIABLE: str(directory)}
    subprocess.run([sys.executable, "-c", OTHER_WORKER, str(requests)], cwd=REPO_ROOT, env=env, check=True)


def healthz_count(text: str) -> float:
    match = re.search(r'^decider_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$', text, re.M)
    assert match, text
    return float(match.group(1))


def test_metrics_add_up_the_samples_of_every_process(tmp_path: Path) -> None:
    record_in_another_process(tmp_path, 3)
    record_in_another_process(tmp_path, 4)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process
    text = Metrics(multiprocess_dir=str(tmp_path)).render().decode()
    assert healthz_count(text) == 7.0
    assert 'decider_http_request_duration_seconds_count{method="GET",route="/healthz"} 7.0' in text
    assert 'decider_decisions_total{recommendation="lambda"} 2.0' in text


def test_metrics_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_VARIABLE, raising=False)
    assert Metrics().multiprocess_dir is None
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(tmp_path))
    assert Metrics().multiprocess_dir == str(tmp_path)


def run_serve(monkeypatch: pytest.MonkeyPatch, workers: int) -> dict[str, Any]:
    """serve() with the server's run replaced: what uvicorn was given and the environment it ran in."""
    seen: dict[str, Any] = {}

    def run(config: uvicorn.Config) -> bool:
        directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
        seen.update(workers=config.workers, directory=directory, listing=os.listdir(directory) if directory else None)
        return True

    monkeypatch.setattr(server, "run_server", run)
    assert server.serve(host="127.0.0.1", port=8000, workers=workers) == 0
    return seen


def test_several_workers_share_a_fresh_directory_removed_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_VARIABLE, raising=False)
    seen = run_serve(monkeypatch, workers=2)
    assert seen["workers"] == 2
    assert seen["directory"]
    assert seen["listing"] == []  # multiprocess mode needs an empty directory at start
    assert not Path(seen["directory"]).exists()
    assert MULTIPROCESS_DIR_VARIABLE not in os.environ


def test_one_worker_keeps_its_own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_VARIABLE, raising=False)
    assert run_serve(monkeypatch, workers=1)["directory"] is None


def test_a_directory_the_operator_set_is_used_and_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(tmp_path))
    assert run_serve(monkeypatch, workers=3)["directory"] == str(tmp_path)
    assert tmp_path.is_dir()
    assert os.environ[MULTIPROCESS_DIR_VARIABLE] == str(tmp_path)


def test_two_live_workers_report_every_request(tmp_path: Path) -> None:
    """``decider serve --workers 2``: whichever worker answers /metrics counts the requests both answered, and the
    samples another process (a third "worker") wrote into the same directory."""
    port = free_port()
    env = {"TMPDIR": str(tmp_path)}  # where serve makes its directory, so the test can find it
    live = Server(
        [DECIDER, "serve", "--port", str(port), "--workers", "2"], port, env={**env, "DECIDER_LOG_LEVEL": "warning"}
    )
    try:
        [directory] = tmp_path.glob("decider-metrics-*")
        sent = 20
        # A new connection for each request (no keep-alive), so the workers, sharing the socket, take turns.
        with httpx.Client(base_url=live.url, limits=httpx.Limits(max_keepalive_connections=0)) as http:
            for _ in range(sent):
                assert http.get("/healthz").status_code == 200
            record_in_another_process(directory, 5)
            # Every scrape, from either worker, reports the sum (scrapes count under /metrics, not /healthz).
            counts = set()
            for _ in range(6):
                text = http.get("/metrics").text
                counts.add(healthz_count(text))
                assert "_created" not in text  # the multiprocess collector's output, not one registry's
        assert counts == {float(sent + 5)}
        assert len({path.name.split("_")[1] for path in directory.glob("counter_*.db")}) >= 2  # workers + other
    finally:
        live.stop()
    deadline = time.monotonic() + 5
    while directory.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not directory.exists()  # removed when the server stops
