"""The ``decider`` command line. Exit codes: 0 success, 2 bad input or bad rules (message on stderr, no traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from decider import render
from decider.documents import DocumentError, parse_text, read_file
from decider.engine import decide
from decider.errors import DeciderError, Problem
from decider.facts import FIELDS
from decider.pricelist import add_pricing_commands
from decider.review_command import add_review_commands
from decider.rules import CATEGORIES, Ruleset, default_rules_dir, load_ruleset
from decider.suggest import nearest
from decider.workload import Workload, parse_workload

EXIT_OK = 0
EXIT_GATE = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


class UsageError(DeciderError):
    """The command line itself is wrong (unknown option value, missing file)."""

    headline = "usage error"


def read_input(path: str, stdin: TextIO | None = None) -> Any:
    """Read a YAML or JSON document from a file, or from stdin when ``path`` is '-'."""
    if path == "-":
        return parse_text((stdin or sys.stdin).read(), "<stdin>")
    file = Path(path)
    if not file.exists():
        raise UsageError([Problem(path, "no such file")])
    if file.is_dir():
        raise UsageError([Problem(path, "is a directory; give a workload file (YAML or JSON)")])
    return read_file(file)


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra rule directory (repeatable); a rule there replaces a shipped rule with the same id",
    )


def ruleset_from(args: argparse.Namespace) -> Ruleset:
    return load_ruleset(args.rules)


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
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _rules_list(args: argparse.Namespace) -> int:
    ruleset = ruleset_from(args)
    if args.target and args.target not in ruleset.target_ids:
        raise UsageError(
            [
                Problem(
                    "--target",
                    f"unknown target {args.target!r}; valid: {', '.join(ruleset.target_ids)}",
                    nearest(args.target, ruleset.target_ids),
                )
            ]
        )
    rows = [
        rule
        for rule in ruleset.rules
        if (not args.category or rule.category == args.category) and (not args.target or args.target in rule.targets)
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps([rule.to_dict() for rule in rows], indent=2) + "\n")
        return EXIT_OK
    width = max((len(rule.id) for rule in rows), default=10)
    for rule in rows:
        effect = (
            "exclude " + ",".join(rule.targets)
            if rule.effect == "exclude"
            else "score " + " ".join(f"{target}{points:+g}" for target, points in rule.impacts.items())
        )
        sys.stdout.write(f"{rule.id:<{width}}  {rule.category:<8} {effect}\n")
    sys.stdout.write(f"{len(rows)} rule(s); ruleset {ruleset.version} {ruleset.digest}\n")
    return EXIT_OK


def _rules_show(args: argparse.Namespace) -> int:
    ruleset = ruleset_from(args)
    rule = ruleset.rule(args.id)
    if rule is None:
        ids = [item.id for item in ruleset.rules]
        raise UsageError(
            [Problem(args.id, "no rule with this id; `decider rules list` shows them all", nearest(args.id, ids))]
        )
    sys.stdout.write(json.dumps(rule.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _rules_lint(args: argparse.Namespace) -> int:
    ruleset = load_ruleset([*args.rules, *args.dirs])
    counts = {category: sum(rule.category == category for rule in ruleset.rules) for category in CATEGORIES}
    detail = ", ".join(f"{count} {category}" for category, count in counts.items())
    sys.stdout.write(
        f"ok: {len(ruleset.rules)} rules ({detail}) over {len(ruleset.targets)} targets from "
        f"{', '.join(ruleset.sources)}\nruleset {ruleset.version} {ruleset.digest}\n"
    )
    return EXIT_OK


def _rules_fields(args: argparse.Namespace) -> int:
    for spec in FIELDS.values():
        choices = f" [{', '.join(spec.choices)}]" if spec.choices else ""
        sys.stdout.write(f"{spec.path:<36} {spec.kind}{choices}\n")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(workload_schema(), indent=2) + "\n")
    return EXIT_OK


def workload_schema() -> dict[str, Any]:
    """The JSON Schema of a workload file, for editors and the API."""
    schema = Workload.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "decider workload"
    return schema


def _serve(args: argparse.Namespace) -> int:
    from api.server import serve  # the web stack is loaded only by this command

    return serve(host=args.host, port=args.port, workers=args.workers, rules_dirs=args.rules)


def _openapi(args: argparse.Namespace) -> int:
    from api.openapi import REGENERATE_COMMAND, stale_documents, write_documents

    root = Path(__file__).resolve().parent.parent
    if args.check:
        stale = stale_documents(root)
        for path in stale:
            sys.stderr.write(f"decider: {path} is out of date; regenerate with: {REGENERATE_COMMAND}\n")
        return EXIT_GATE if stale else EXIT_OK
    for path in write_documents(root):
        sys.stdout.write(f"wrote {path}\n")
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

    rules = commands.add_parser("rules", help="list, show and lint rules")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    listing = rules_commands.add_parser("list", help="list rules")
    listing.add_argument("--category", choices=CATEGORIES)
    listing.add_argument("--target")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_rules_option(listing)
    listing.set_defaults(handler=_rules_list)
    show = rules_commands.add_parser("show", help="show one rule")
    show.add_argument("id")
    add_rules_option(show)
    show.set_defaults(handler=_rules_show)
    lint = rules_commands.add_parser("lint", help="check the shipped rules plus extra rule directories")
    lint.add_argument(
        "dirs", nargs="*", help=f"extra rule directories (the shipped ones, {default_rules_dir()}, are always read)"
    )
    add_rules_option(lint)
    lint.set_defaults(handler=_rules_lint)
    fields = rules_commands.add_parser("fields", help="list the field names and derived facts rules may use")
    fields.set_defaults(handler=_rules_fields)

    schema = commands.add_parser("schema", help="print the workload JSON Schema")
    schema.set_defaults(handler=_schema)
    add_review_commands(commands)
    add_pricing_commands(commands)

    serve = commands.add_parser("serve", help="serve the REST API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (each loads the rules)")
    add_rules_option(serve)
    serve.set_defaults(handler=_serve)

    openapi = commands.add_parser("openapi", help="write openapi/openapi.json and openapi/workload.schema.json")
    openapi.add_argument("--check", action="store_true", help="only check they are up to date (exit 1 if not)")
    openapi.set_defaults(handler=_openapi)
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
    except DocumentError as error:
        sys.stderr.write(f"decider: {error}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
