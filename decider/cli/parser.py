"""The command line's argument parser: argparse's, with decider's "did you mean" in its errors.

argparse names an unknown option or a choice not offered and stops there; a typo then costs a trip to ``--help``.
Here the error also names the nearest valid option or choice (decider.errors.nearest, as every other bad input
does), and an option the command does not know is reported under the command's own usage, not the top level's.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from decider.errors import nearest

_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<value>.*)' \(choose from (?P<choices>.*)\)$", re.DOTALL)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors suggest the nearest option or choice."""

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = command_parser(self, parsed)
            parser.error(unrecognized(extras, option_strings(parser)))
        return parsed

    def error(self, message: str) -> NoReturn:
        found = _INVALID_CHOICE.search(message)
        if found is not None:
            choices = re.findall(r"'([^']*)'", found["choices"])
            meant = nearest(found["value"], choices)
            if meant is not None and meant != found["value"]:
                message += f"; did you mean '{meant}'?"
        super().error(message)


def command_parser(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command that ran, the deepest one chosen, whose options an unknown one was meant as."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(parsed, action.dest, None) or "")
            if chosen is not None:
                return command_parser(chosen, parsed)
    return parser


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions for option in action.option_strings]


def unrecognized(extras: Sequence[str], options: Sequence[str]) -> str:
    """argparse's message for arguments no option took, with the nearest option to each one that looks like one."""
    message = f"unrecognized arguments: {' '.join(extras)}"
    hints = []
    for extra in extras:
        if not extra.startswith("-") or len(extra) < 2:
            continue
        name = extra.split("=", 1)[0]
        meant = nearest(name, options)
        if meant is not None and meant != name:
            hints.append(f"{name}: did you mean {meant}?")
    return message + (f" ({'; '.join(hints)})" if hints else "")
