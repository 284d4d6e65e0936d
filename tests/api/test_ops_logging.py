"""One log format for every logger (api/logs.py): JSON lines with timestamp, level, logger, message and the request
id when there is one; plain text for a terminal; ``decider serve --log-format`` picks, and the image's command
(run here as is, against this virtualenv) logs nothing but JSON."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.logs import LOG_FORMAT_CHOICES, REQUEST_ID, JsonFormatter, TextFormatter, log_config, resolve_format
from api.middleware import access_line, log_access
from tests.api.conftest import ApiClient, problem_of
from tests.api.test_server import DECIDER, REPO_ROOT, Server, free_port
from tests.test_deploy import dockerfile_instructions

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
BASE_KEYS = ["timestamp", "level", "logger", "message"]


def record(message: str, *args: Any, name: str = "decider.api", level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_a_json_line_has_timestamp_level_logger_and_message() -> None:
    line = json.loads(JsonFormatter().format(record("rules loaded: %s", "v1")))
    assert list(line) == BASE_KEYS
    assert TIMESTAMP.fullmatch(line["timestamp"])
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "decider.api", "rules loaded: v1")


def test_a_line_logged_while_answering_a_request_carries_its_id() -> None:
    token = REQUEST_ID.set("req-7")
    try:
        line = json.loads(JsonFormatter().format(record("inside")))
    finally:
        REQUEST_ID.reset(token)
    assert line["request_id"] == "req-7"
    assert "request_id" not in json.loads(JsonFormatter().format(record("outside")))


def test_an_exception_is_one_field_of_the_same_line() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        failed = logging.LogRecord("decider.api", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = JsonFormatter().format(failed)
    assert "\n" not in text
    line = json.loads(text)
    assert line["level"] == "ERROR"
    assert "Traceback" in line["exception"]
    assert "RuntimeError: boom" in line["exception"]
    stacked = record("where am I")
    stacked.stack_info = "Stack (most recent call last):\n  here"
    assert json.loads(JsonFormatter().format(stacked))["stack"].endswith("here")


@pytest.fixture
def access_stream() -> Iterator[io.StringIO]:
    """decider.access written through JsonFormatter to a string, as the server's handler does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("decider.access")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_an_access_line_is_the_same_format_with_the_request_fields(access_stream: io.StringIO) -> None:
    log_access(access_line("POST", "/recommend/ü", "<unmatched>", 404, 1.5, "r-1"), "POST /recommend/ü 404")
    text = access_stream.getvalue()
    assert text.isascii()
    line = json.loads(text)
    assert list(line) == [*BASE_KEYS, "method", "path", "route", "status", "duration_ms", "request_id"]
    assert line["message"] == "POST /recommend/ü 404"
    assert (line["status"], line["duration_ms"], line["request_id"]) == (404, 1.5, "r-1")


def test_the_app_logs_each_request_in_that_format(client: ApiClient, access_stream: io.StringIO) -> None:
    client.get("/rules/nope", headers={"x-request-id": "live-2"})
    [line] = [json.loads(text) for text in access_stream.getvalue().splitlines()]
    assert (line["logger"], line["message"], line["route"]) == (
        "decider.access",
        "GET /rules/nope 404",
        "/rules/{rule_id}",
    )
    assert line["request_id"] == "live-2"


def test_an_error_logged_during_a_request_carries_the_request_id(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: Any) -> Any:
        raise RuntimeError("internal")

    monkeypatch.setattr("api.recommend.decide", explode)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("decider.api")
    logger.addHandler(handler)
    try:
        problem_of(client.post("/recommend", json={}, headers={"x-request-id": "trace-9"}), 500)
    finally:
        logger.removeHandler(handler)
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert (line["level"], line["request_id"]) == ("ERROR", "trace-9")
    assert "RuntimeError: internal" in line["exception"]


def test_text_lines_read_as_one_event_each() -> None:
    formatter = TextFormatter()
    plain = formatter.format(record("rules loaded"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO decider\.api: rules loaded", plain)
    access = logging.LogRecord(
        "decider.access", logging.INFO, __file__, 1, access_line("GET", "/x", "/x", 200, 0.5, "r-2"), (), None
    )
    access.access_summary = "GET /x 200"
    assert formatter.format(access).endswith("INFO decider.access [r-2]: GET /x 200 0.5 ms")


def test_auto_is_text_on_a_terminal_and_json_elsewhere() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert resolve_format("auto", Terminal()) == "text"
    assert resolve_format("auto", io.StringIO()) == "json"
    assert resolve_format("json", Terminal()) == "json"
    assert resolve_format("text", io.StringIO()) == "text"
    with pytest.raises(ValueError, match="unknown log format"):
        resolve_format("xml")


def test_the_cli_offers_the_formats_the_server_knows(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.server
    from decider.cli.main import build_parser, main

    calls: list[dict[str, Any]] = []

    def fake_serve(**options: Any) -> int:
        calls.append(options)
        return 0

    monkeypatch.setattr(api.server, "serve", fake_serve)
    assert main(["serve", "--log-format", "text"]) == 0
    assert main(["serve"]) == 0
    assert [call["log_format"] for call in calls] == ["text", "auto"]
    for choice in LOG_FORMAT_CHOICES:
        assert build_parser().parse_args(["serve", "--log-format", choice]).log_format == choice
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--log-format", "xml"])


CONFIGURED = """
import logging, logging.config, sys
from api.logs import log_config
for log_format in ("json", "text"):
    logging.config.dictConfig(log_config("info", log_format))
    logging.getLogger("uvicorn.error").info("uvicorn says")
    logging.getLogger("decider.api").warning("decider says")
    logging.getLogger("some.library").warning("a library says")
    logging.getLogger("decider.api").debug("not at info")
    print("--", file=sys.stderr)
"""


def test_every_logger_writes_the_one_format_to_stderr() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CONFIGURED], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    as_json, as_text, _ = result.stderr.split("--\n")
    lines = [json.loads(text) for text in as_json.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("uvicorn.error", "uvicorn says"),
        ("decider.api", "decider says"),
        ("some.library", "a library says"),
    ]
    assert all(list(line) == BASE_KEYS for line in lines)
    assert [line.split(" ", 3)[3] for line in as_text.splitlines()] == [
        "uvicorn.error: uvicorn says",
        "decider.api: decider says",
        "some.library: a library says",
    ]
    assert result.stdout == ""


def test_log_config_names_one_formatter_for_every_handler() -> None:
    config = log_config("warning", "json")
    assert {handler["formatter"] for handler in config["handlers"].values()} == {"decider"}
    assert config["formatters"]["decider"] == {"()": "api.logs.JsonFormatter"}
    assert config["loggers"]["decider"]["level"] == "WARNING"
    assert config["root"]["handlers"] == ["default"]


def test_the_image_command_answers_healthz_and_logs_only_json_lines() -> None:
    """The Dockerfile's CMD, run as is against this virtualenv (only the port moved off 8000)."""
    command = json.loads(dockerfile_instructions()["CMD"])
    port = free_port()
    server = Server([DECIDER, *command[1:], "--port", str(port)], port)
    try:
        assert httpx.get(f"{server.url}/healthz", headers={"x-request-id": "image-1"}).json() == {"status": "ok"}
    finally:
        _, stdout, stderr = server.stop()
    out = [json.loads(text) for text in stdout.splitlines()]
    err = [json.loads(text) for text in stderr.splitlines()]
    assert all(list(line)[:4] == BASE_KEYS and TIMESTAMP.fullmatch(line["timestamp"]) for line in out + err)
    assert {line["logger"] for line in out} == {"decider.access"}
    assert [line["status"] for line in out if line["request_id"] == "image-1"] == [200]
    assert {"uvicorn.error", "decider.api"} <= {line["logger"] for line in err}


def test_serve_logs_text_when_asked() -> None:
    port = free_port()
    server = Server([DECIDER, "serve", "--port", str(port), "--log-format", "text"], port)
    try:
        httpx.get(f"{server.url}/healthz", headers={"x-request-id": "text-1"})
    finally:
        _, stdout, stderr = server.stop()
    assert not [line for line in stdout.splitlines() + stderr.splitlines() if line.startswith("{")]
    assert re.search(r"INFO decider\.access \[text-1\]: GET /healthz 200 [0-9.]+ ms$", stdout, re.MULTILINE)
    assert re.search(r"INFO decider\.api: rules loaded", stderr)
