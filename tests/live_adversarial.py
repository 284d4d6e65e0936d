"""The adversarial suite against a live ``decider serve --workers 2`` on a free loopback port (run by ``make test``).

Every check is bounded (counts, timeouts) and says what it measured; the exit code is the number of checks failed.

1. slow connections: sockets holding half a header or half a body are closed by the server within the deadlines,
   and /healthz answers meanwhile;
2. many connections: past DECIDER_LIMIT_CONCURRENCY new requests get 503 but /healthz and /readyz still answer;
3. soak: a few thousand mixed requests from several clients on keep-alive connections while SIGHUP reloads every
   worker and /admin/reload runs: 0 failed requests;
4. bad rules on disk: a broken rule file, SIGHUP (rejected), then one worker killed: its replacement serves the last
   good rules and no request fails; the parent never stops;
5. memory: concurrent batches of 1,000 workloads leave every worker's peak memory within bounds.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root
from tests.live_schemathesis import BIN, REPO_ROOT, free_port, wait_ready

HEADER_TIMEOUT_S = 2
BODY_TIMEOUT_S = 3
LIMIT_CONCURRENCY = 150
SOAK_REQUESTS = int(os.environ.get("DECIDER_SOAK_REQUESTS", "2000"))
SOAK_CLIENTS = 6
CONCURRENT_BATCHES = 8
#: What one worker may reach; the Kubernetes pod's limit is 512 Mi (two workers share it only with --workers 2).
WORKER_MEMORY_MIB = 256
CHILD_TIMEOUT_S = 60

HALF_A_BODY = b"POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{"
WORKLOAD = {"runtime": {"max_duration_s": 30}, "traffic": {"pattern": "spiky", "peak_rps": 50}}


class Live:
    """A ``decider serve --workers 2`` with API keys and an organisation rules folder of its own."""

    def __init__(self, rules: Path, log: IO[bytes]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = secrets.token_urlsafe(16)
        self.headers = {"X-API-Key": self.key}
        env = {**os.environ, "DECIDER_API_KEYS": self.key, "DECIDER_LOG_LEVEL": "warning"}
        command = [
            str(BIN / "decider"),
            "serve",
            "--port",
            str(self.port),
            "--workers",
            "2",
            "--rules",
            str(rules),
            "--log-format",
            "text",
            "--header-timeout",
            str(HEADER_TIMEOUT_S),
            "--body-timeout",
            str(BODY_TIMEOUT_S),
            "--limit-concurrency",
            str(LIMIT_CONCURRENCY),
        ]
        self.log = log  # the server's log: shown only when a check fails
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        wait_ready(self.base, self.process)
        self.wait_workers(2)

    def workers(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        return [int(pid) for pid in found.stdout.split()]

    def wait_workers(self, count: int) -> None:
        """Until ``count`` workers answer (each started with the rules loaded), or CHILD_TIMEOUT_S."""
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while time.monotonic() < deadline:
            # uvicorn also runs a resource tracker child; a worker is a child that is not it.
            if len(self.workers()) >= count + 1 and self.ready_everywhere():
                return
            time.sleep(0.5)

    def ready_everywhere(self) -> bool:
        with httpx.Client(timeout=5) as client:
            return all(client.get(f"{self.base}/readyz").status_code == 200 for _ in range(6))

    def stop(self, show_log: bool) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if show_log:
            self.log.seek(0)
            sys.stdout.write(self.log.read()[-20_000:].decode("utf-8", "replace"))


def slow_connections(live: Live) -> str | None:
    sockets = []
    for index in range(300):
        sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
        if index % 2:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        else:  # a body never finished
            sock.sendall(
                b"POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{"
            )
        sockets.append(sock)
    try:
        if httpx.get(f"{live.base}/healthz", timeout=5).status_code != 200:
            return "/healthz did not answer 200 while 300 slow connections were held"
        deadline = time.monotonic() + max(HEADER_TIMEOUT_S, BODY_TIMEOUT_S) + 10
        open_sockets = list(sockets)
        while open_sockets and time.monotonic() < deadline:
            still = []
            for sock in open_sockets:
                sock.settimeout(0.05)
                try:
                    sock.recv(1024)  # b"" (closed) or an answer followed by the close
                except TimeoutError:
                    still.append(sock)
                except OSError:
                    pass
            open_sockets = still
        if open_sockets:
            return f"{len(open_sockets)} of 300 slow connections were still open past the read deadlines"
        return None
    finally:
        for sock in sockets:
            sock.close()


def many_connections(live: Live) -> str | None:
    sockets = [socket.create_connection(("127.0.0.1", live.port), timeout=5) for _ in range(2 * LIMIT_CONCURRENCY + 50)]
    try:
        time.sleep(0.5)
        with httpx.Client(timeout=5) as client:
            for path in ("/healthz", "/readyz"):
                status = client.get(f"{live.base}{path}").status_code
                if status != 200:
                    return f"{path} answered {status} with {len(sockets)} idle connections held"
            status = client.post(f"{live.base}/recommend", json={}, headers=live.headers).status_code
            if status not in (200, 503):
                return f"/recommend answered {status} past the concurrency limit (200 or 503 expected)"
        return None
    finally:
        for sock in sockets:
            sock.close()


def soak(live: Live, requests: int, during: Callable[[int], None]) -> str | None:
    """``requests`` mixed requests from SOAK_CLIENTS keep-alive clients; ``during(n)`` runs every 100 requests."""
    failures: list[str] = []
    done = 0
    lock = threading.Lock()
    calls: list[tuple[str, str, object]] = [
        ("POST", "/recommend", WORKLOAD),
        ("POST", "/recommend", {}),
        ("POST", "/recommend/batch", {"workloads": [WORKLOAD, {}, {"runtime": {"memory_mb": -1}}]}),
        ("POST", "/review", {"workloads": [{"name": "api", "current_target": "lambda", "workload": WORKLOAD}]}),
        ("GET", "/version", None),
        ("GET", "/rules?category=limits", None),
        ("GET", "/healthz", None),
        ("POST", "/recommend", {"unknown": 1}),
    ]

    def client(offset: int) -> None:
        nonlocal done
        with httpx.Client(base_url=live.base, headers=live.headers, timeout=30) as session:
            for index in range(offset, requests, SOAK_CLIENTS):
                method, path, body = calls[index % len(calls)]
                try:
                    answer = session.request(method, path, json=body) if body is not None else session.get(path)
                    if answer.status_code >= 500:
                        failures.append(f"{method} {path}: {answer.status_code}")
                except httpx.HTTPError as error:
                    failures.append(f"{method} {path}: {type(error).__name__}")
                with lock:
                    done += 1
                    if done % 100 == 0:
                        during(done)

    threads = [threading.Thread(target=client, args=(offset,)) for offset in range(SOAK_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if failures:
        return f"{len(failures)} of {requests} requests failed, e.g. {failures[:3]}"
    return None


def sighup_soak(live: Live) -> str | None:
    def reload(count: int) -> None:
        if count % 500 == 0:
            httpx.post(f"{live.base}/admin/reload", headers=live.headers, timeout=30).raise_for_status()
        else:
            live.process.send_signal(signal.SIGHUP)

    return soak(live, SOAK_REQUESTS, reload)


def bad_rules_and_killed_worker(live: Live, rules: Path) -> str | None:
    digest = httpx.get(f"{live.base}/version", headers=live.headers, timeout=5).json()["ruleset"]["digest"]
    (rules / "broken.yaml").write_text("rules:\n  - id: [unclosed\n")
    live.process.send_signal(signal.SIGHUP)  # rejected by every worker: the old rules stay
    time.sleep(1)
    workers = live.workers()
    os.kill(max(workers), signal.SIGKILL)  # the newest child: a worker, not the resource tracker
    error = soak(live, 300, lambda count: None)
    live.wait_workers(2)
    if live.process.poll() is not None:
        return f"the server stopped (exit {live.process.returncode}) after a worker was killed with bad rules on disk"
    served = {
        httpx.get(f"{live.base}/version", headers=live.headers, timeout=5).json()["ruleset"]["digest"] for _ in range(8)
    }
    (rules / "broken.yaml").unlink()
    if served != {digest}:
        return f"after the replacement, the workers serve {served}, not the last good rules {digest}"
    return error


def peak_rss_mib(pid: int) -> int:
    """A process's peak resident memory (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def concurrent_batches(live: Live) -> str | None:
    body: dict[str, list[dict[str, int]]] = {"workloads": [{}] * 1000}  # each answer is about 12 MB of decisions
    statuses: list[int | str] = []

    def batch() -> None:
        try:
            statuses.append(
                httpx.post(f"{live.base}/recommend/batch", json=body, headers=live.headers, timeout=300).status_code
            )
        except httpx.HTTPError as error:
            statuses.append(type(error).__name__)

    threads = [threading.Thread(target=batch) for _ in range(CONCURRENT_BATCHES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    peaks = {pid: peak_rss_mib(pid) for pid in live.workers()}
    print(f"     peak worker memory after {CONCURRENT_BATCHES} concurrent batches of 1,000: {peaks} MiB")
    if statuses != [200] * CONCURRENT_BATCHES:
        return f"batches answered {statuses}"
    if max(peaks.values()) > WORKER_MEMORY_MIB:
        return f"a worker peaked at {max(peaks.values())} MiB, over {WORKER_MEMORY_MIB} MiB"
    return None


def main() -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="decider-adversarial-") as folder, tempfile.TemporaryFile() as log:
        rules = Path(folder)
        live = Live(rules, log)
        try:
            checks: list[tuple[str, Callable[[], str | None]]] = [
                ("slow connections are closed, /healthz answers", lambda: slow_connections(live)),
                ("many connections: probes answer past the limit", lambda: many_connections(live)),
                (f"soak: {SOAK_REQUESTS} requests with reloads, 0 failures", lambda: sighup_soak(live)),
                (
                    "bad rules + SIGHUP + a killed worker: still serving",
                    lambda: bad_rules_and_killed_worker(live, rules),
                ),
                (f"{CONCURRENT_BATCHES} concurrent batches stay in memory bounds", lambda: concurrent_batches(live)),
            ]
            for name, check in checks:
                started = time.monotonic()
                problem = check()
                took = time.monotonic() - started
                print(f"{'FAIL' if problem else 'ok  '} {name} ({took:.1f} s){': ' + problem if problem else ''}")
                failed += problem is not None
        finally:
            live.stop(show_log=failed > 0)
    return failed


if __name__ == "__main__":
    sys.exit(main())
