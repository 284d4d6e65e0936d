"""One log format for every logger decider's server writes through: JSON lines, or plain text for a terminal.

JSON (the default off a terminal, and what the container commands ask for): one object per line with
``timestamp`` (UTC, ISO 8601, milliseconds), ``level``, ``logger``, ``message``, and ``request_id`` when the line
was logged while a request was being answered; ``exception`` holds a traceback. An access line (``decider.access``)
adds its fields (method, path, route, status, duration_ms, request_id) at the top level.

Text (the default on a terminal): ``2026-01-31 12:00:00.123 INFO decider.api [request id]: message``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from json.encoder import encode_basestring_ascii
from typing import Any, Literal, TextIO

LogFormat = Literal["json", "text"]
#: ``decider serve --log-format`` choices; ``auto`` is text on a terminal (stderr is a TTY), else JSON.
LOG_FORMAT_CHOICES = ("auto", "json", "text")

#: The id of the request being answered, set by api/middleware.py around each request.
REQUEST_ID: ContextVar[str | None] = ContextVar("decider_request_id", default=None)

#: The attribute of an access record that holds its one-line summary (api/middleware.py's ``log_access``).
ACCESS_SUMMARY = "access_summary"


def resolve_format(choice: str, stream: TextIO | None = None) -> LogFormat:
    """``auto`` becomes text when ``stream`` (stderr by default) is a terminal, else JSON; the others stay."""
    if choice == "auto":
        stream = stream if stream is not None else sys.stderr
        return "text" if stream.isatty() else "json"
    if choice not in ("json", "text"):
        raise ValueError(f"unknown log format {choice!r}; choose one of {', '.join(LOG_FORMAT_CHOICES)}")
    return "json" if choice == "json" else "text"


def _request_id_of(record: logging.LogRecord) -> str | None:
    request_id: str | None = getattr(record, "request_id", None) or REQUEST_ID.get()
    return request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per record, ASCII only (like the access line), keys in a fixed order."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._second_text = ""

    def timestamp(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:  # strftime once per second, not once per line
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = second
        return f"{self._second_text}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        head = (
            f'{{"timestamp": "{self.timestamp(record)}", "level": "{record.levelname}", '
            f'"logger": {encode_basestring_ascii(record.name)}, "message": '
        )
        summary = getattr(record, ACCESS_SUMMARY, None)
        if summary is not None:
            # An access record's message is already a JSON object of its fields: splice them in, no re-encoding.
            return f"{head}{encode_basestring_ascii(summary)}, {record.msg[1:]}"
        line = head + encode_basestring_ascii(record.getMessage())
        request_id = _request_id_of(record)
        if request_id:
            line += f', "request_id": {encode_basestring_ascii(request_id)}'
        if record.exc_info:
            line += f', "exception": {encode_basestring_ascii(self.formatException(record.exc_info))}'
        if record.stack_info:
            line += f', "stack": {encode_basestring_ascii(self.formatStack(record.stack_info))}'
        return line + "}"


class TextFormatter(logging.Formatter):
    """``time level logger [request id]: message`` for people at a terminal; access lines read as one request."""

    def __init__(self) -> None:
        super().__init__(fmt="%(asctime)s.%(msecs)03d %(levelname)s %(name)s%(request)s: %(message)s")
        self.datefmt = "%Y-%m-%d %H:%M:%S"

    def format(self, record: logging.LogRecord) -> str:
        summary = getattr(record, ACCESS_SUMMARY, None)
        if summary is not None:
            fields: dict[str, Any] = json.loads(record.msg)
            request_id = fields.get("request_id")
            message = f"{summary} {fields.get('duration_ms')} ms"
        else:
            request_id = _request_id_of(record)
            message = record.getMessage()
        # A copy, so other handlers of the same record see it unchanged.
        shown = logging.makeLogRecord({**record.__dict__, "msg": message, "args": None})
        shown.request = f" [{request_id}]" if request_id else ""
        return super().format(shown)


FORMATTERS: dict[LogFormat, type[logging.Formatter]] = {"json": JsonFormatter, "text": TextFormatter}


def log_config(level: str, log_format: LogFormat = "json") -> dict[str, Any]:
    """``logging.config.dictConfig`` for ``decider serve``: every logger in one format.

    Access lines go to stdout, everything else (decider, uvicorn, any library through the root logger) to stderr.
    uvicorn's own access log is off: decider's middleware writes one line per request instead.
    """
    formatter = {"()": f"{FORMATTERS[log_format].__module__}.{FORMATTERS[log_format].__qualname__}"}
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"decider": formatter},
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "decider", "stream": "ext://sys.stdout"},
            "default": {"class": "logging.StreamHandler", "formatter": "decider", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "decider.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "decider": {"handlers": ["default"], "level": upper, "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }
