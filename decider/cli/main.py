"""The ``decider`` command line. Exit codes: 0 success, 1 a review gate tripped, 2 bad input or bad rules.

Messages go to stderr without a traceback. Each command family lives in a module of its own; only ``serve`` loads
the web stack, and only when it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from decider.cli.arguments import EXIT_BAD_INPUT, EXIT_OK, Handler, add_rules_option, read_input, ruleset_from
from decider.cli.pricing import add_pricing_commands
from decider.cli.review import add_review_commands
from decider.cli.rules import add_rules_commands
from decider.cli.serve import add_serve_commands
from decider.engine import decide
from decider.errors import DeciderError
from decider.render import decision as render
from decider.workload import parse_workload, workload_schema


def _recommend(args: argparse.Namespace) -> int:
    ruleset = ruleset_from(args)
    decision = decide(parse_workload(read_input(args.path)), ruleset)
    if args.format == "json":
        text = render.to_json(decision) + "\n"
    elif args.format == "markdown":
        text = render.to_markdown(decision)
    else:
        text = render.to_table(decision, colour=_colour(args))
    sys.stdout.write(text)
    return EXIT_OK


def _colour(args: argparse.Namespace) -> bool:
    if args.colour == "always":
        return True
    if args.colour == "never":
        return False
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(workload_schema(), indent=2) + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decider",
        description="Where should this workload run on AWS: Lambda, ECS (Fargate, Managed Instances, EC2) or EKS?",
        epilog="Exit codes: 0 success, 1 review gate tripped, 2 bad input or bad rules.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    recommend = commands.add_parser("recommend", help="rank the targets for one workload file")
    recommend.add_argument("path", help="workload file (YAML or JSON), or - for stdin")
    recommend.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    recommend.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")
    add_rules_option(recommend)
    recommend.set_defaults(handler=_recommend)

    add_rules_commands(commands)
    schema = commands.add_parser("schema", help="print the workload JSON Schema")
    schema.set_defaults(handler=_schema)
    add_review_commands(commands)
    add_pricing_commands(commands)
    add_serve_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except DeciderError as error:
        sys.stderr.write(f"decider: {error}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
