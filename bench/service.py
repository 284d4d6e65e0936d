"""What decider adds over the web framework's floor: POST /recommend against a fixed pre-serialised decision.

One uvicorn worker (``decider serve``, in a subprocess on a free loopback port) serves every route in the same
run: ``POST /recommend`` with examples/checkout-api.yaml, and ``POST /bench/fixed-decision`` (only present with
DECIDER_BENCH_ROUTES=1, kept out of the OpenAPI document), which reads the same body and answers the same decision's
bytes without validating or deciding. /recommend is posted two ways: each request a workload never sent before (the
checkout API under a name of its own, so every request is decided: the headline figure), and the same body again
and again (answered from the worker's decisions kept for repeated bodies, api/answers.py; every answer's
``X-Decider-Answer`` is checked to be ``decided``, resp. ``cached``). Rounds alternate the three; each round sends a
fixed number of requests from a few client threads over keep-alive connections. Printed: the median throughput over
rounds and the p50/p99 latency of every request, per route, and their ratios to the floor (aim: /recommend at least
0.5 of the floor's throughput; printed, never asserted). A throughput figure is the ratio of two median throughputs.

Liveness under load: GET /healthz every 20 ms while /recommend is being posted, and for 2 s idle before, each
probe's latency (p50/p99 printed): every decision runs off the event loop, so a probe waits on the GIL, not on a
decision.

Memory: the server's resident set (VmRSS from /proc/<pid>/status) after the first 100 requests and after
``--total`` (default 2,000; 20,000 or more shows slow growth better), every one a new workload (aim: growth under
10%, less the decisions kept for repeated bodies, whose bytes ``/metrics`` reports and DECIDER_ANSWER_CACHE_MB
bounds). That phase stops
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
REPEATED = "/recommend (same body)"
FLOOR = "/bench/fixed-decision"
ANSWER_HEADER = b"x-decider-answer"
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
    """A minimal HTTP/1.1 keep-alive client over one socket: the request bytes are built before timing, so the
    client's own cost stays far below the server's and the routes are told apart by the server's work, not the
    client's. ``bodies``: one body sent again and again, or each request's own."""

    def __init__(self, port: int, path: str, bodies: list[bytes]) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.requests = [
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
            for body in bodies
        ]
        self.sent = 0
        self.buffer = b""

    def post(self) -> tuple[int, int, bytes]:
        """Send the next request; return (status, body length, the X-Decider-Answer header's value or b"")."""
        self.sock.sendall(self.requests[self.sent % len(self.requests)])
        self.sent += 1
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, answer = 0, b""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == ANSWER_HEADER:
                answer = value.strip()
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return status, length, answer

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        return chunk

    def close(self) -> None:
        self.sock.close()


class Bodies:
    """The bodies posted: the checkout API as is, or under a name never used before in this run (a new workload
    for the server, decided, however many requests came before)."""

    def __init__(self) -> None:
        self.same = json.dumps(CHECKOUT_API).encode()
        self.made = 0

    def new(self, count: int) -> list[bytes]:
        bodies = []
        for _ in range(count):
            self.made += 1
            bodies.append(json.dumps({**CHECKOUT_API, "name": f"checkout-api-{self.made}"}).encode())
        return bodies


def send(
    port: int, path: str, bodies: Bodies, count: int, threads: int, *, expect: bytes | None = None
) -> tuple[float, list[float]]:
    """``count`` POSTs spread over ``threads`` keep-alive connections, each a new workload (``bodies.new``) unless
    ``path`` is ``REPEATED`` (the same body each time); returns (requests per second, latencies ms). ``expect``: the
    X-Decider-Answer every answer must carry."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    shares = [count // threads + (1 if index < count % threads else 0) for index in range(threads)]
    route = RECOMMEND if path == REPEATED else path
    clients = [
        RawClient(port, route, [bodies.same] if path in (REPEATED, FLOOR) else bodies.new(share)) for share in shares
    ]

    def work(index: int) -> None:
        client = clients[index]
        for _ in range(shares[index]):
            started = time.perf_counter()
            status, _, answer = client.post()
            latencies[index].append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(f"{path}: {status}")
            elif expect is not None and answer != expect:
                errors.append(f"{path}: X-Decider-Answer {answer.decode() or 'missing'}, {expect.decode()} expected")

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


#: The X-Decider-Answer each route's answers carry.
EXPECTED_ANSWER = {RECOMMEND: b"decided", REPEATED: b"cached", FLOOR: None}


def cache_bytes(url: str) -> float:
    """The bytes of decisions the server keeps for repeated bodies, from its /metrics."""
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith("decider_answer_cache_bytes "):
            return float(line.split()[-1])
    return 0.0


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
    bodies = Bodies()
    in_process_ms = engine_ms()
    without_advice_ms = engine_ms(advice=False)
    stats = {RECOMMEND: RouteStats(), REPEATED: RouteStats(), FLOOR: RouteStats()}
    started = time.monotonic()
    capped = False
    with running_server() as (url, port, pid):
        recommend_bytes = len(httpx.post(f"{url}{RECOMMEND}", content=bodies.same, headers=JSON_HEADERS).content)
        floor_bytes = len(httpx.post(f"{url}{FLOOR}", content=bodies.same, headers=JSON_HEADERS).content)
        send(port, RECOMMEND, bodies, 98, threads, expect=b"decided")
        sent = 100
        rss_first_kib, cache_first = rss_kib(pid), cache_bytes(url)
        idle = RouteStats()
        with healthz_probe(url, idle.latencies_ms):
            time.sleep(2.0)
        busy = RouteStats()
        for _ in range(rounds):
            for path in (RECOMMEND, REPEATED, FLOOR):
                with healthz_probe(url, busy.latencies_ms) if path == RECOMMEND else contextlib.nullcontext():
                    throughput, latencies = send(port, path, bodies, requests, threads, expect=EXPECTED_ANSWER[path])
                stats[path].throughputs_rps.append(throughput)
                stats[path].latencies_ms.extend(latencies)
                sent += requests
        while sent < total:
            if time.monotonic() - started > TIME_CAP_S:
                capped = True
                break
            batch = min(1000, total - sent)
            send(port, RECOMMEND, bodies, batch, threads, expect=b"decided")
            sent += batch
        rss_last_kib, cache_last = rss_kib(pid), cache_bytes(url)
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
        "answer_cache_kib": {"after_100": cache_first / 1024, f"after_{sent}": cache_last / 1024},
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
    print(f"throughput ratio /recommend ÷ floor, every request decided: {ratio:.2f} ({verdict} the aim of {AIM_RATIO})")
    repeated = routes[REPEATED]["median_rps"] / routes[FLOOR]["median_rps"]
    verdict = "meets" if repeated >= AIM_RATIO else "below"
    print(
        f"throughput ratio /recommend ÷ floor, the same body again (answered from memory): {repeated:.2f} ({verdict} "
        f"the aim of {AIM_RATIO})"
    )
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
    cache_first, cache_last = result["answer_cache_kib"].values()
    growth = (last - first - (cache_last - cache_first)) / first
    verdict = "meets" if growth < AIM_RSS_GROWTH else "above"
    print(
        f"server RSS: {first / 1024:.1f} MiB {first_label.replace('_', ' ')} requests, {last / 1024:.1f} MiB "
        f"{last_label.replace('_', ' ')}, of which {cache_last / 1024:.1f} MiB decisions kept for repeated bodies "
        f"({cache_first / 1024:.1f} MiB before): growth besides them {growth:+.1%} ({verdict} the aim of "
        f"{AIM_RSS_GROWTH:.0%})"
    )
    if result["time_capped"]:
        print(f"stopped at the {TIME_CAP_S:.0f} s time cap after {result['requests_sent']} requests")


def throughput_figures(result: dict[str, Any]) -> list[Figure]:
    routes = result["routes"]
    floor = routes[FLOOR]["median_rps"]
    threads = result["threads"]
    return [
        Figure(
            "service.throughput",
            "POST /recommend throughput ÷ fixed-response route, same server and client",
            routes[RECOMMEND]["median_rps"] / floor,
            "",
            "ge",
            AIM_RATIO,
            f"{routes[RECOMMEND]['median_rps']:.0f} ÷ {floor:.0f} req/s, {threads} client threads, each a new workload",
        ),
        Figure(
            "service.throughput_repeated",
            "POST /recommend throughput ÷ fixed-response route, the same body again (answered from memory)",
            routes[REPEATED]["median_rps"] / floor,
            "",
            "ge",
            AIM_RATIO,
            f"{routes[REPEATED]['median_rps']:.0f} ÷ {floor:.0f} req/s, {threads} client threads",
        ),
    ]


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
        record(args.summary_dir, "service", throughput_figures(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
