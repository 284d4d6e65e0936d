"""Schemathesis against a live ``decider serve`` on a free loopback port (run by ``make test``).

Starts the server exactly as the container does, waits for /readyz, runs ``schemathesis run openapi/openapi.json
--checks all`` with positive and negative data and a bounded number of examples per operation (``POST
/recommend/chart`` in a second, shorter run: each of its valid cases draws an image), then stops the server; twice:
with API keys (so authentication and /admin/reload are exercised) and without (the document declares the key
optional, and a server without keys must answer as the document says too). Exit code: the first failure's.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_EXAMPLES = int(os.environ.get("DECIDER_FUZZ_EXAMPLES", "60"))
#: POST /recommend/chart draws an image for every valid case (a hundred times the work of a decision): it gets its
#: own, shorter run.
CHART_OPERATION = "recommend_chart"
CHART_EXAMPLES = int(os.environ.get("DECIDER_FUZZ_CHART_EXAMPLES", "15"))
RUN_TIMEOUT_S = 240
#: Seconds one request may take: a review or batch of 1,000 workloads (the largest the API takes, docs/limits.md) is
#: several seconds of work by design, past schemathesis's default of 10 s on a loaded machine.
REQUEST_TIMEOUT_S = 60
READY_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"decider serve exited with {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"decider serve was not ready within {READY_TIMEOUT_S} s")


def main() -> int:
    with_keys = run(secrets.token_urlsafe(24), MAX_EXAMPLES)
    return with_keys or run(None, max(10, MAX_EXAMPLES // 2))


def run(key: str | None, examples: int) -> int:
    """One server (with ``key`` as its only API key, or none) and one schemathesis run against it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DECIDER_LOG_LEVEL": "warning"}
    env.pop("DECIDER_API_KEYS", None)
    if key is not None:
        env["DECIDER_API_KEYS"] = key
    command = [str(BIN / "decider"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_ready(base_url, server)
        for selection, count in (
            (["--exclude-operation-id", CHART_OPERATION], examples),
            (["--include-operation-id", CHART_OPERATION], min(examples, CHART_EXAMPLES)),
        ):
            fuzz = [
                str(BIN / "schemathesis"),
                "run",
                "openapi/openapi.json",
                "--url",
                base_url,
                *selection,
                "--checks",
                "all",
                "--mode",
                "all",
                "--max-examples",
                str(count),
                "--request-timeout",
                str(REQUEST_TIMEOUT_S),
                "--no-color",
            ]
            if key is not None:
                fuzz += ["--header", f"X-API-Key: {key}"]
            keys = "with an API key (--header 'X-API-Key: ***')" if key else "without API keys"
            print(f"live schemathesis, {keys}: {' '.join(fuzz[:14])}", flush=True)
            code = subprocess.run(fuzz, cwd=REPO_ROOT, timeout=RUN_TIMEOUT_S, check=False).returncode
            if code != 0:
                return code
        return 0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
