"""``decider serve`` as a real process: the container's command line, its health check, SIGHUP reload, draining
requests in flight on SIGTERM, and refusing to start on bad rules."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.test_deploy import dockerfile_instructions, health_check_command

REPO_ROOT = Path(__file__).resolve().parents[2]
DECIDER = str(Path(sys.executable).parent / "decider")
NO_EKS = {
    "id": "org.no-eks",
    "category": "control",
    "effect": "exclude",
    "target": "eks",
    "when": {"field": "team.kubernetes_experience", "ne": "expert"},
    "because": "Platform policy: no EKS without Kubernetes experts.",
    "source": "https://wiki.example.com/platform/compute-policy",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    def __init__(self, command: list[str], port: int, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60  # a busy 2-core machine takes half a minute to start two workers
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def stop(self) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        stdout, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stdout, stderr


@pytest.fixture
def image_server() -> Iterator[Server]:
    """The Dockerfile's CMD, run as is (the port moved off 8000 so tests never collide)."""
    command = json.loads(dockerfile_instructions()["CMD"])
    port = free_port()
    server = Server([DECIDER, *command[1:], "--port", str(port)], port)
    yield server
    server.stop()


def test_the_image_command_serves_and_its_health_check_passes(image_server: Server) -> None:
    assert httpx.get(f"{image_server.url}/healthz").json() == {"status": "ok"}
    check = [part.replace(":8000/", f":{image_server.port}/") for part in health_check_command()]
    check[0] = sys.executable
    assert subprocess.run(check, check=False, timeout=10).returncode == 0
    decision = httpx.post(f"{image_server.url}/recommend", json={"runtime": {"max_duration_s": 2}}).json()
    assert decision["recommendation"]


def exchange(server: Server, sent: bytes) -> bytes:
    """Send ``sent`` on one connection and read every byte back until the server closes it."""
    received = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(sent)
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_head_probes_get_the_headers_alone_on_the_wire(image_server: Server) -> None:
    """A load balancer's HEAD probes, pipelined on one connection: each answer is GET's status and headers with no
    body, so the next answer on the connection starts right after them."""
    lengths = {path: len(httpx.get(f"{image_server.url}{path}").content) for path in ("/healthz", "/readyz")}
    sent = b"".join(f"HEAD {path} HTTP/1.1\r\nHost: probe\r\n\r\n".encode() for path in lengths)
    sent += b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
    received = exchange(image_server, sent)
    healthz, readyz, get, body = received.split(b"\r\n\r\n")
    for head, length in zip((healthz, readyz), lengths.values(), strict=True):
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert f"content-length: {length}\r\n".encode() in head.lower() + b"\r\n"
        assert b"content-type: application/json" in head.lower()
    assert get.startswith(b"HTTP/1.1 200 OK\r\n")
    assert json.loads(body) == {"status": "ok"}


def test_head_on_any_get_route_and_get_on_mcp_answer_at_once_on_the_wire(image_server: Server) -> None:
    """On one connection: HEAD /rules is GET's headers alone, GET /mcp is a 405 problem that ends (it used to open an
    event stream that never closed), and the connection then answers the next request."""
    length = len(httpx.get(f"{image_server.url}/rules").content)
    sent = b"HEAD /rules HTTP/1.1\r\nHost: probe\r\n\r\n"
    sent += b"GET /mcp HTTP/1.1\r\nHost: probe\r\nAccept: text/event-stream\r\n\r\n"
    sent += b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
    received = exchange(image_server, sent)
    head, mcp, rest = received.split(b"\r\n\r\n", 2)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"content-length: {length}\r\n".encode() in head.lower() + b"\r\n"
    assert mcp.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"allow: POST" in mcp
    assert b"content-type: application/problem+json" in mcp.lower()
    problem, _, healthz = rest.partition(b"HTTP/1.1 ")
    assert json.loads(problem)["detail"] == "GET is not allowed on '/mcp'"
    assert healthz.startswith(b"200 OK\r\n")
    assert healthz.endswith(b'{"status":"ok"}')


def test_the_live_openapi_document_is_the_committed_one(image_server: Server) -> None:
    committed = json.loads((REPO_ROOT / "openapi" / "openapi.json").read_text())
    assert httpx.get(f"{image_server.url}/openapi.json").json() == committed


def test_access_log_is_one_json_line_per_request_on_stdout(image_server: Server) -> None:
    httpx.get(f"{image_server.url}/rules/nope", headers={"x-request-id": "live-1"})
    _, stdout, _ = image_server.stop()
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line["request_id"] == "live-1"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/rules/nope", 404)


def test_health_check_fails_when_nothing_serves() -> None:
    check = [part.replace(":8000/", f":{free_port()}/") for part in health_check_command()]
    check[0] = sys.executable
    assert subprocess.run(check, check=False, capture_output=True, timeout=10).returncode != 0


def test_sighup_reloads_rules_and_a_bad_set_keeps_the_old_one(tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    port = free_port()
    server = Server([DECIDER, "serve", "--port", str(port), "--rules", str(org)], port)
    try:

        def digest() -> Any:
            return httpx.get(f"{server.url}/version").json()["ruleset"]["digest"]

        def wait_for(change: str) -> str:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                current = digest()
                if current != change:
                    return str(current)
                time.sleep(0.1)
            return str(digest())

        first = digest()
        (org / "policy.yaml").write_text(json.dumps([NO_EKS]))
        server.process.send_signal(signal.SIGHUP)
        second = wait_for(first)
        assert second != first
        assert httpx.get(f"{server.url}/rules/org.no-eks").status_code == 200

        (org / "broken.yaml").write_text(json.dumps([{**NO_EKS, "id": "org.typo", "target": "ekss"}]))
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 15
        metrics = ""
        while 'outcome="rejected"' not in metrics and time.monotonic() < deadline:
            metrics = httpx.get(f"{server.url}/metrics").text
            time.sleep(0.1)
        assert 'decider_rules_reloads_total{outcome="rejected"} 1.0' in metrics
        assert digest() == second
        assert httpx.post(f"{server.url}/recommend", json={}).status_code == 200
    finally:
        _, _, stderr = server.stop()
    assert "ekss" in stderr


def test_sigterm_drains_a_request_in_flight(tmp_path: Path) -> None:
    port = free_port()
    server = Server([DECIDER, "serve", "--port", str(port)], port)
    answers: list[httpx.Response] = []

    def post_batch() -> None:
        answers.append(httpx.post(f"{server.url}/recommend/batch", json={"workloads": [{}] * 400}, timeout=60))

    worker = threading.Thread(target=post_batch)
    worker.start()
    time.sleep(0.5)  # the batch is being decided now
    code, _, _ = server.stop()
    worker.join(timeout=60)
    [answer] = answers
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 400
    # uvicorn re-raises SIGTERM once it has drained, so the exit status is that of the signal.
    assert code in (0, -signal.SIGTERM)


def test_serve_refuses_to_start_on_bad_rules_listing_every_problem(tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    (org / "broken.yaml").write_text(json.dumps([{**NO_EKS, "target": "ekss"}, {"id": "org.b"}]))
    result = subprocess.run(
        [DECIDER, "serve", "--port", str(free_port()), "--rules", str(org)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "ekss" in result.stderr
    assert "org.b" in result.stderr
    assert "Traceback" not in result.stderr
