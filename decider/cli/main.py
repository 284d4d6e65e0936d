"""The ``decider`` command line. Exit codes: 0 success, 1 a review gate tripped, 2 bad input or bad rules, 3 the
server could not start (``decider serve``).

Messages go to stderr without a traceback. Each command family lives in a module of its own, imported only when its
command runs (or shows its help): ``recommend`` loads the engine and its renderer, never the review, the sources,
the price list or SARIF; only ``serve`` loads the web stack, and only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO, cast

from decider.cli.arguments import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Handler,
    add_global_options,
    add_rules_option,
    end_of_command,
    fewer_collections,
    is_json,
    read_document,
    ruleset_from,
    start_up,
)
from decider.cli.parser import Parser
from decider.cli.serve import add_serve_commands
from decider.errors import DeciderError, WorkloadError

#: The commands whose module is imported only when they run: name → (one-line help, "module:function" that adds the
#: command's options, actions and handler to its parser). The order is the order ``decider --help`` lists them in.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "rules": ("list, show and lint rules", "decider.cli.rules:define_rules"),
    "review": (
        "review workloads in files and folders (workload files, SAM/CloudFormation, ECS, Kubernetes, Terraform)",
        "decider.cli.review:define_review",
    ),
    "adr": ("write an Architecture Decision Record (MADR) for one workload", "decider.cli.adr:define_adr"),
    "pricing": ("show or rebuild price books", "decider.cli.pricing:define_pricing"),
    "usage": ("write a usage file from exported CloudWatch metrics", "decider.cli.usage:define_usage"),
    "mcp": ("serve decider's tools to MCP clients (IDEs, assistants) over stdio", "decider.mcp:define_command"),
}


class LazyParser(Parser):
    """A command's parser that is filled in the first time it parses or shows its help, by ``define`` — a
    ``module:function`` path — so a command's module is imported only for the command that runs."""

    def __init__(self, *args: Any, define: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._define = define

    def define(self) -> None:
        """Add this command's options and actions now (importing the module that defines them), once."""
        if self._define is not None:
            module, _, function = self._define.partition(":")
            self._define = None
            getattr(importlib.import_module(module), function)(self)

    # Whatever parses with this parser or shows its help passes through one of these (their signatures vary by version).
    def parse_known_args(self, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
        self.define()
        return super().parse_known_args(*args, **kwargs)

    def format_usage(self, *args: Any, **kwargs: Any) -> str:
        self.define()
        return super().format_usage(*args, **kwargs)

    def format_help(self, *args: Any, **kwargs: Any) -> str:
        self.define()
        return super().format_help(*args, **kwargs)


def _recommend(args: argparse.Namespace) -> int:
    if args.chart is not None:
        from decider.render import image

        image.format_of(args.chart)  # a bad extension fails before any work is done
    with start_up():
        ruleset = ruleset_from(args)
        from decider.engine import decide  # the engine and its models: only for the commands that decide
        from decider.render import decision as render
        from decider.workload import parse_workload

    with fewer_collections():
        raw, text, source = read_document(args.path)
        try:
            parsed = parse_workload(_in_region(raw, args.region), strict_json=is_json(text, args.path))
            decision = decide(parsed, ruleset)
        except WorkloadError as error:
            from decider.document_lines import placed

            raise placed(_region_flag(error, args.region), text, source) from None
    if args.chart is not None:
        from decider.render.chart import cost_chart

        image.write(cost_chart(decision, parsed.workload.requests_per_month), args.chart)
    if args.format == "json":
        text = render.to_json(decision) + "\n"
    elif args.format == "markdown":
        text = render.to_markdown(decision)
    else:
        text = render.to_table(decision, colour=_colour(args))
        if sys.stdout.isatty():  # a person reading: long lines wrapped to the terminal; piped, one line each
            import shutil

            from decider.render.wrap import wrapped

            text = wrapped(text, shutil.get_terminal_size().columns)
    sys.stdout.write(text)
    return EXIT_OK


def _in_region(raw: Any, region: str | None) -> Any:
    """The workload document with ``--region`` as its ``preferences.region``; a document that is not a mapping (or
    whose preferences are not one) is left as it is, for the workload's validation to say what is wrong with it."""
    if region is None or not isinstance(raw, dict):
        return raw
    preferences = raw.get("preferences") or {}
    if not isinstance(preferences, dict):
        return raw
    return {**raw, "preferences": {**preferences, "region": region}}


def _region_flag(error: WorkloadError, region: str | None) -> WorkloadError:
    """A problem with the region given by ``--region`` is the option's, not the file's line that it replaced."""
    if region is None:
        return error
    problems = [replace(p, location="--region") if p.location == "preferences.region" else p for p in error.problems]
    only_the_option = all(problem.location == "--region" for problem in problems)
    return WorkloadError(problems, headline="invalid option" if only_the_option else error.headline)


def _colour(args: argparse.Namespace) -> bool:
    if args.colour == "always":
        return True
    if args.colour == "never":
        return False
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _schema(args: argparse.Namespace) -> int:
    from decider.workload_schema import workload_schema

    sys.stdout.write(json.dumps(workload_schema(), indent=2) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="decider",
        description="Where should this workload run on AWS: Lambda, ECS (Fargate, Managed Instances, EC2) or EKS?",
        epilog="Exit codes: 0 success, 1 review gate tripped, 2 bad input or bad rules, 3 the server could not start.",
    )
    add_global_options(parser)
    commands = cast(  # every command's parser is a LazyParser; those with nothing to define are plain parsers
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=LazyParser),
    )

    recommend = commands.add_parser("recommend", help="rank the targets for one workload file")
    recommend.add_argument("path", help="workload file (YAML or JSON), or - for stdin")
    recommend.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    recommend.add_argument(
        "--region", metavar="REGION", help="price in this region instead of the workload's preferences.region"
    )
    recommend.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")
    recommend.add_argument(
        "--chart",
        metavar="FILE",
        help="also write the cost-vs-traffic chart here: SVG or PNG by the extension (needs the 'chart' extra)",
    )
    add_rules_option(recommend)
    recommend.set_defaults(handler=_recommend)

    _add_lazy(commands, "rules")
    schema = commands.add_parser("schema", help="print the workload JSON Schema")
    schema.set_defaults(handler=_schema)
    for name in ("review", "adr", "pricing", "usage", "mcp"):
        _add_lazy(commands, name)
    add_serve_commands(commands)
    return parser


def _add_lazy(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    help_text, define = LAZY_COMMANDS[name]
    commands.add_parser(name, help=help_text, define=define)


class OutputError(Exception):
    """Standard output cannot be written: it is closed (``>&-``), or the write failed (``> /dev/full``)."""


class _Output:
    """``sys.stdout`` while a command runs: a failure to write it is an OutputError that names stdout, where it would
    be an AttributeError (no stdout at all) or a bare OSError. A pipe closed by the reader stays a BrokenPipeError."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def _open(self) -> TextIO:
        if self.stream is None:
            raise OutputError("it is closed")
        return self.stream

    def write(self, text: str) -> int:
        try:
            return self._open().write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error.strerror or str(error)) from None

    def flush(self) -> None:
        if self.stream is None:
            return  # nothing was written (a write would have failed), so nothing is lost
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error.strerror or str(error)) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._open(), name)


#: Commands that serve until stopped and own their streams (logs, the MCP stdio transport): stdout is left as is.
SERVERS = frozenset({"serve", "mcp"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    stdout = sys.stdout
    if args.command not in SERVERS:
        sys.stdout = cast(TextIO, _Output(stdout))
    try:
        code = handler(args)
        sys.stdout.flush()  # output still buffered fails here, not unreported at exit
        return code
    except OutputError as error:
        sys.stderr.write(f"decider: could not write the output to stdout: {error}\n")
        return EXIT_BAD_INPUT
    except DeciderError as error:
        sys.stderr.write(f"decider: {error}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except (RecursionError, MemoryError) as error:  # an input decider's own limits let through: still bad input
        sys.stderr.write(f"decider: the input is too large or too deeply nested to read ({type(error).__name__})\n")
        return EXIT_BAD_INPUT
    finally:
        sys.stdout = stdout
        end_of_command()


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
