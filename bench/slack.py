"""How fast the Slack slash command and its buttons answer, against GET /healthz in the same run (Slack allows 3 s).

Every scenario and example workload is written as a command (``command_text_of``), signed with the real v0 scheme
and posted to ``POST /slack/commands`` in process (httpx over ASGI, no network): signature check, replay check, form,
grammar, contract, decision, the buttons and Block Kit. A button press carrying the same workload is posted to
``POST /slack/interactions``, and its answer to a stand-in for Slack's response URL (an httpx MockTransport).
Prints the median and p99 of each kind of request and its ratio to the baseline, and a note when any p99 passes a
tenth of Slack's limit (printed, never asserted: the machine may be shared).
Run: ``.venv/bin/python bench/slack.py [rounds] [--quick] [--summary-dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
# The checkout's packages first, ahead of this folder, so `api` and `decider` resolve to the project.
sys.path.insert(0, str(REPO_ROOT))
SECRET = "bench-signing-secret"  # noqa: S105 - signs only in-process requests
SLACK_LIMIT_MS = 3000.0


def workloads() -> list[Any]:
    from decider.documents import read_file

    files = sorted((REPO_ROOT / "tests" / "scenarios").glob("*.yaml")) + sorted((REPO_ROOT / "examples").glob("*.yaml"))
    found = []
    for path in files:
        document = read_file(path)
        found.append(document["workload"] if isinstance(document, dict) and "workload" in document else document)
    return found


def signed(text: str, nonce: int) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"command": "/compute", "text": text, "user_id": "U1", "trigger_id": str(nonce)}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    return body, headers


def signed_press(value: str, nonce: int) -> tuple[bytes, dict[str, str]]:
    """A what-if button press as Slack sends it: the payload JSON in a form, signed like a command."""
    payload = {
        "type": "block_actions",
        "trigger_id": str(nonce),
        "container": {"type": "message", "is_ephemeral": True},
        "response_url": "https://hooks.slack.com/actions/T1/1/bench",
        "actions": [{"type": "button", "action_id": "what-if-0", "value": value, "text": {"text": "bench"}}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return body, {**signed("", 0)[1], "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(rounds: int) -> dict[str, list[float]]:
    os.environ["SLACK_SIGNING_SECRET"] = SECRET
    from api.app import create_app
    from api.settings import Settings
    from decider.errors import CommandError
    from decider.slack.grammar import command_text_of

    texts = []
    for raw in workloads():
        try:
            texts.append(command_text_of(raw))
        except CommandError:
            continue
    app = create_app(Settings())
    app.state.slack_transport = httpx.MockTransport(lambda request: httpx.Response(200, text="ok"))
    nonce = itertools.count()
    names = ("GET /healthz (baseline)", "slack: decision", "slack: button press", "slack: user error", "slack: help")
    timings: dict[str, list[float]] = {name: [] for name in names}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):

        async def timed(name: str, call: Callable[[], Any], expect: int = 200) -> None:
            started = time.perf_counter()
            response = await call()
            timings[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != expect:
                raise SystemExit(f"{name}: unexpected {response.status_code}: {response.text[:300]}")

        def post(text: str) -> Callable[[], Any]:
            body, headers = signed(text, next(nonce))
            return lambda: client.post("/slack/commands", content=body, headers=headers)

        def press(text: str) -> Callable[[], Any]:
            body, headers = signed_press(text, next(nonce))
            return lambda: client.post("/slack/interactions", content=body, headers=headers)

        for _ in range(20):  # warm-up: imports, first compilation paths
            await client.get("/healthz")
            await post("duration=20m memory=2g")()
        for _ in range(rounds):
            for index, text in enumerate(texts):
                await timed("GET /healthz (baseline)", lambda: client.get("/healthz"))
                await timed("slack: decision", post(text))
                await timed("slack: button press", press(text))
                if index % 2:
                    await timed("slack: help", post("help"))
                else:
                    await timed("slack: user error", post(f"memroy=2g {text}"))
    print(f"{len(texts)} workloads as commands, {rounds} rounds")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("rounds", nargs="?", type=int, default=10, help="rounds over every workload (default 10)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds")
    parser.add_argument("--summary-dir", type=Path, help="accepted for make bench; this script adds no summary row")
    args = parser.parse_args(argv)
    timings = anyio.run(measure, 2 if args.quick else args.rounds)
    baseline = statistics.median(timings["GET /healthz (baseline)"])
    print(f"{'request':<26} {'n':>6} {'median ms':>10} {'p99 ms':>8} {'× healthz':>10} {'% of 3 s (p99)':>15}")
    for name, samples in timings.items():
        median, p99 = statistics.median(samples), percentile(samples, 0.99)
        share = 100 * p99 / SLACK_LIMIT_MS
        print(f"{name:<26} {len(samples):>6} {median:>10.2f} {p99:>8.2f} {median / baseline:>10.1f} {share:>14.2f}%")
    worst = max(percentile(samples, 0.99) for samples in timings.values())
    if worst > SLACK_LIMIT_MS / 10:
        print(f"slower than a tenth of Slack's limit: p99 {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
