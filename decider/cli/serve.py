"""``decider serve`` and ``decider openapi``: the only commands that load the web stack, and only when they run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from decider.cli.arguments import EXIT_GATE, EXIT_OK, add_rules_option
from decider.errors import Problem, UsageError

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
#: ``decider serve`` options for connections: flag, the setting it overrides (DECIDER_ + its name), type, help.
CONNECTION_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
    ("--header-timeout", "header_timeout_s", float, "seconds a request's headers may take"),
    ("--body-timeout", "body_timeout_s", float, "seconds a request's body may take"),
    ("--keep-alive", "keep_alive_s", int, "seconds an idle keep-alive connection stays open"),
    ("--limit-concurrency", "limit_concurrency", int, "connections and requests per worker before 503"),
    ("--limit-max-requests", "limit_max_requests", int, "requests a worker serves before it is replaced"),
)


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An option's type: a whole number from ``low`` to ``high`` (a port past 65,535 would wrap to another one)."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"give {what}, a whole number from {low} to {high:,}, got {text!r}")
        return value

    return read


def add_serve_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``serve`` and ``openapi``."""
    serve = commands.add_parser("serve", help="serve the REST API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    serve.add_argument("--port", type=_whole(1, 65_535, "a TCP port"), default=8000, help="1-65535 (default 8000)")
    serve.add_argument(
        "--workers",
        type=_whole(1, 256, "the number of worker processes"),
        default=1,
        help="worker processes (each loads the rules)",
    )
    serve.add_argument(
        "--log-format",
        choices=("auto", "json", "text"),
        default="auto",
        help="every log line as JSON or as plain text; auto (the default): text on a terminal, else JSON",
    )
    connections = serve.add_argument_group(
        "connections", "each overrides its DECIDER_* setting; docs/limits.md lists the defaults"
    )
    for flag, setting, kind, text in CONNECTION_OPTIONS:
        connections.add_argument(
            flag, dest=setting, type=kind, default=None, metavar="N", help=f"{text} (DECIDER_{setting.upper()})"
        )
    add_rules_option(serve)
    serve.set_defaults(handler=_serve)

    openapi = commands.add_parser(
        "openapi",
        help="write openapi/openapi.json and openapi/workload.schema.json",
        description=(
            "Write (or check) openapi/openapi.json and openapi/workload.schema.json of the clone of decider's "
            "repository this decider runs from (installed with `pip install -e .`), from whatever folder it is run. "
            "An installed package has no such folder: a running server serves the document at /openapi.json."
        ),
    )
    openapi.add_argument("--check", action="store_true", help="only check they are up to date (exit 1 if not)")
    openapi.set_defaults(handler=_openapi)


def _serve(args: argparse.Namespace) -> int:
    from api.server import serve  # the web stack is loaded only by this command

    connections = {setting: getattr(args, setting) for _, setting, _, _ in CONNECTION_OPTIONS}
    return serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        rules_dirs=args.rules,
        log_format=args.log_format,
        connections=connections,
    )


def documents() -> dict[Path, str]:
    """Every committed document and its current text, from an app with default settings."""
    from api.app import create_app
    from api.openapi import OPENAPI_PATH, WORKLOAD_SCHEMA_PATH, render_document
    from api.settings import Settings

    app = create_app(Settings(rules_dirs=(), api_keys=(), bench_routes=False))
    from decider.workload_schema import workload_schema

    return {OPENAPI_PATH: render_document(app.openapi()), WORKLOAD_SCHEMA_PATH: render_document(workload_schema())}


def stale_documents(root: Path) -> list[Path]:
    """The committed documents under ``root`` that differ from what the code generates now."""
    return [
        path for path, text in documents().items() if not (root / path).exists() or (root / path).read_text() != text
    ]


def write_documents(root: Path) -> list[Path]:
    """Write every generated document that changed under ``root``; the paths written."""
    written = []
    for path, text in documents().items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            written.append(path)
    return written


def _openapi(args: argparse.Namespace) -> int:
    from api.openapi import REGENERATE_COMMAND

    if not (REPOSITORY_ROOT / "pyproject.toml").is_file():  # installed from a package: no committed documents here
        raise UsageError(
            [
                Problem(
                    "decider openapi",
                    f"writes and checks the documents of a clone of decider's repository, and this decider runs "
                    f"from an installed package ({REPOSITORY_ROOT}); run it from a clone installed with "
                    "`pip install -e .`, or read the document a running server serves at /openapi.json",
                )
            ]
        )
    if args.check:
        stale = stale_documents(REPOSITORY_ROOT)
        for path in stale:
            state = "is out of date" if (REPOSITORY_ROOT / path).exists() else "is missing"
            sys.stderr.write(f"decider: {path} {state}; regenerate with: {REGENERATE_COMMAND}\n")
        return EXIT_GATE if stale else EXIT_OK
    for path in write_documents(REPOSITORY_ROOT):
        sys.stdout.write(f"wrote {path}\n")
    return EXIT_OK
