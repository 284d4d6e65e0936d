"""What every ``decider`` subcommand shares: exit codes, the ``--rules`` option and reading a workload file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from decider.documents import parse_text, read_file
from decider.errors import Problem, UsageError
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset

EXIT_OK = 0
EXIT_GATE = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


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
