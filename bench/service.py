"""What decider adds over the web framework's floor: POST /recommend against a fixed pre-serialised decision.

One uvicorn worker (``decider serve``, in a subprocess on a free loopback port) serves both routes in the same
run: ``POST /recommend`` with examples/checkout-api.yaml, and ``POST /bench/fixed-decision`` (only present with
DECIDER_BENCH_ROUTES=1, kept out of the OpenAPI document), which reads the same body and answers the same decision's
bytes without validating or deciding. Rounds alternate the two routes; each round sends a fixed number of requests
from a few client threads over keep-alive connections. Printed: the median throughput over rounds and the p50/p99
latency of every request, per route, and their ratios (aim: /recommend at least 0.5 of the floor's throughput;
printed, never asserted). The throughput figure is the ratio of the two routes' median throughputs.

Liveness under load: GET /healthz every 20 ms while /recommend is being posted, and for 2 s idle before, each
probe's latency (p50/p99 printed): every decision runs off the event loop, so a probe waits on the GIL, not on a
decision.

Memory: the server's resident set (VmRSS from /proc/<pid>/status) after the first 100 requests and after
``--total`` (default 2,000; 20,000 or more shows slow growth better) (aim: growth under 10%). That phase stops
early, and says so, at a time cap of 60 s counted from the server's start.

Run: ``.venv/bin/python bench/service.py [--rounds N] [--requests N] [--threads N] [--total N] [--json] [--quick]
[--summary-dir DIR]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from summary import Figure, record  # noqa: E402 - bench/summary.py, beside this script

from api.examples import CHECKOUT_API  # noqa: E402
from decider.engine import decide  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.workload import parse_workload  # noqa: E402

RECOMMEND = "/recommend"
FLOOR = "/bench/fixed-decision"
AIM_RATIO = 0.5
AIM_RSS_GROWTH = 0.10
TIME_CAP_S = 60.0
JSON_HEADERS = {"content-type": "application/json"}


@dataclass
class RouteStats:
    throughputs_rps: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server() -> Iterator[tuple[str, int, int]]:
    port = free_port()
    env = {**os.environ, "DECIDER_BENCH_ROUTES": "1", "DECIDER_LOG_LEVEL": "warning"}
    command = [str(Path(sys.executable).parent / "decider"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("decider serve did not start")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class RawClient:
    """A minimal HTTP/1.1 keep-alive client over one socket: the request bytes are built once, so the client's own
    cost stays far below the server's and the two routes are told apart by the server's work, not the client's."""

    def __init__(self, port: int, path: str, body: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.request = head.encode() + body
        self.buffer = b""

    def post(self) -> tuple[int, int]:
        """Send the request; return (status, body length)."""
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return status, length

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        return chunk

    def close(self) -> None:
        self.sock.close()


def send(port: int, path: str, body: bytes, count: int, threads: int) -> tuple[float, list[float]]:
    """``count`` POSTs spread over ``threads`` keep-alive connections; returns (requests per second, latencies ms)."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    shares = [count // threads + (1 if index < count % threads else 0) for index in range(threads)]
    clients = [RawClient(port, path, body) for _ in range(threads)]

    def work(index: int) -> None:
        client = clients[index]
        for _ in range(shares[index]):
            started = time.perf_counter()
            status, _ = client.post()
            latencies[index].append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(f"{path}: {status}")

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    if errors:
        raise SystemExit(f"benchmark requests failed: {errors[:3]}")
    return count / elapsed, [value for chunk in latencies for value in chunk]


@contextmanager
def healthz_probe(url: str, into: list[float], every_s: float = 0.02) -> Iterator[None]:
    """GET /healthz every ``every_s`` from a thread of its own while the body runs, each latency (ms) into ``into``:
    how long a liveness probe waits while the server decides (every decision is made off the event loop)."""
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                into.append((time.perf_counter() - started) * 1000)
                stop.wait(every_s)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        yield
    finally:
        stop.set()
        prober.join()


def engine_ms(calls: int = 200, *, advice: bool = True) -> float:
    """Median time of parse_workload + decide + JSON for the same workload, in this process (before the server);
    ``advice=False`` leaves out the counterfactual search."""
    ruleset = load_ruleset()
    timings = []
    for index in range(calls + 20):
        started = time.perf_counter()
        decide(parse_workload(CHECKOUT_API), ruleset, advice=advice).model_dump_json()
        if index >= 20:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(rounds: int, requests: int, threads: int, total: int) -> dict[str, Any]:
    body = json.dumps(CHECKOUT_API).encode()
    in_process_ms = engine_ms()
    without_advice_ms = engine_ms(advice=False)
    stats = {RECOMMEND: RouteStats(), FLOOR: RouteStats()}
    started = time.monotonic()
    capped = False
    with running_server() as (url, port, pid):
        recommend_bytes = len(httpx.post(f"{url}{RECOMMEND}", content=body, headers=JSON_HEADERS).content)
        floor_bytes = len(httpx.post(f"{url}{FLOOR}", content=body, headers=JSON_HEADERS).content)
        send(port, RECOMMEND, body, 98, threads)
        sent = 100
        rss_first_kib = rss_kib(pid)
        idle = RouteStats()
        with healthz_probe(url, idle.latencies_ms):
            time.sleep(2.0)
        busy = RouteStats()
        for _ in range(rounds):
            for path in (RECOMMEND, FLOOR):
                with healthz_probe(url, busy.latencies_ms) if path == RECOMMEND else contextlib.nullcontext():
                    throughput, latencies = send(port, path, body, requests, threads)
                stats[path].throughputs_rps.append(throughput)
                stats[path].latencies_ms.extend(latencies)
                sent += requests
        while sent < total:
            if time.monotonic() - started > TIME_CAP_S:
                capped = True
                break
            batch = min(1000, total - sent)
            send(port, RECOMMEND, body, batch, threads)
            sent += batch
        rss_last_kib = rss_kib(pid)
    return {
        "rounds": rounds,
        "requests_per_round": requests,
        "threads": threads,
        "response_bytes": {RECOMMEND: recommend_bytes, FLOOR: floor_bytes},
        "routes": {
            path: {
                "median_rps": statistics.median(route.throughputs_rps),
                "p50_ms": route.percentile_ms(0.50),
                "p99_ms": route.percentile_ms(0.99),
            }
            for path, route in stats.items()
        },
        "healthz_ms": {
            "idle": {"p50": idle.percentile_ms(0.50), "p99": idle.percentile_ms(0.99), "count": len(idle.latencies_ms)},
            "during_recommend": {
                "p50": busy.percentile_ms(0.50),
                "p99": busy.percentile_ms(0.99),
                "count": len(busy.latencies_ms),
            },
        },
        "engine_ms": in_process_ms,
        "engine_without_advice_ms": without_advice_ms,
        "rss_kib": {"after_100": rss_first_kib, f"after_{sent}": rss_last_kib},
        "requests_sent": sent,
        "time_capped": capped,
        "seconds": round(time.monotonic() - started, 1),
    }


def report(result: dict[str, Any]) -> None:
    routes = result["routes"]
    print(
        f"decider API on one uvicorn worker, {result['threads']} client threads, {result['rounds']} rounds × "
        f"{result['requests_per_round']} requests per route; response {result['response_bytes'][RECOMMEND]} B "
        f"(floor {result['response_bytes'][FLOOR]} B)"
    )
    print(f"{'route':<26}{'median req/s':>14}{'p50 ms':>10}{'p99 ms':>10}")
    for path, figures in routes.items():
        print(f"{path:<26}{figures['median_rps']:>14.1f}{figures['p50_ms']:>10.2f}{figures['p99_ms']:>10.2f}")
    ratio = routes[RECOMMEND]["median_rps"] / routes[FLOOR]["median_rps"]
    verdict = "meets" if ratio >= AIM_RATIO else "below"
    print(f"throughput ratio /recommend ÷ floor: {ratio:.2f} ({verdict} the aim of {AIM_RATIO})")
    print(f"p50 latency ratio floor ÷ /recommend: {routes[FLOOR]['p50_ms'] / routes[RECOMMEND]['p50_ms']:.2f}")
    per_request_ms = {path: 1000 / figures["median_rps"] for path, figures in routes.items()}
    api_layer_ms = per_request_ms[RECOMMEND] - per_request_ms[FLOOR] - result["engine_ms"]
    print(
        f"server time per request: /recommend {per_request_ms[RECOMMEND]:.2f} ms, floor {per_request_ms[FLOOR]:.2f} ms;"
        f" parse + decide + JSON in process {result['engine_ms']:.2f} ms (median), leaving about {api_layer_ms:+.2f} ms"
        " for the API's own checks (an estimate: noisy when other work shares the cores)"
    )
    # The best the ratio could be if the API added nothing to the engine's own work: floor ÷ (floor + engine).
    floor_ms = per_request_ms[FLOOR]
    ceiling = floor_ms / (floor_ms + result["engine_ms"])
    ceiling_bare = floor_ms / (floor_ms + result["engine_without_advice_ms"])
    print(
        f"ceiling of the ratio with an API that adds nothing to the engine: {ceiling:.2f} with the counterfactual "
        f"search ({result['engine_ms']:.2f} ms in process), {ceiling_bare:.2f} without it "
        f"({result['engine_without_advice_ms']:.2f} ms)"
    )
    health = result["healthz_ms"]
    idle, busy = health["idle"], health["during_recommend"]
    print(
        f"GET /healthz while {result['threads']} clients post /recommend: p50 {busy['p50']:.2f} ms, p99 "
        f"{busy['p99']:.2f} ms ({busy['count']} probes); idle: p50 {idle['p50']:.2f} ms, p99 {idle['p99']:.2f} ms"
    )
    (first_label, first), (last_label, last) = result["rss_kib"].items()
    growth = (last - first) / first
    verdict = "meets" if growth < AIM_RSS_GROWTH else "above"
    print(
        f"server RSS: {first / 1024:.1f} MiB {first_label.replace('_', ' ')} requests, {last / 1024:.1f} MiB "
        f"{last_label.replace('_', ' ')}: growth {growth:+.1%} ({verdict} the aim of {AIM_RSS_GROWTH:.0%})"
    )
    if result["time_capped"]:
        print(f"stopped at the {TIME_CAP_S:.0f} s time cap after {result['requests_sent']} requests")


def throughput_figure(result: dict[str, Any]) -> Figure:
    routes = result["routes"]
    recommend, floor = routes[RECOMMEND]["median_rps"], routes[FLOOR]["median_rps"]
    return Figure(
        "service.throughput",
        "POST /recommend throughput ÷ fixed-response route, same server and client",
        recommend / floor,
        "",
        "ge",
        AIM_RATIO,
        f"{recommend:.0f} ÷ {floor:.0f} req/s, {result['threads']} client threads",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="requests per route per round (default 200)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--total", type=int, default=2_000, help="requests before the second RSS reading")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 rounds of 150 requests, 1,000 in all")
    parser.add_argument("--summary-dir", type=Path, help="also write the summary figure here (for bench/summary.py)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.requests, args.total = 3, 150, 1_000
    result = run(args.rounds, args.requests, args.threads, args.total)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    if args.summary_dir is not None:
        record(args.summary_dir, "service", [throughput_figure(result)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
