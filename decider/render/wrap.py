"""Long lines of a plain-text report wrapped to a terminal's width, each continuation indented under its text.

The table format prints a sentence or a sizing on one line, for tools that read lines; on a terminal (decider/cli
asks for it only when standard output is one) a line past the width is broken at spaces, and its continuations line
up after the line's indent and its label ("configure: ", "- ", "$  4.80  "), as a person would lay it out. Colour
codes take no columns.
"""

from __future__ import annotations

import re
import textwrap

_CODES = re.compile(r"\033\[[0-9;]*m")
#: What a continuation lines up after: the line's indent, then a list marker, a "label: " or a bill line's amount.
_HANGING = re.compile(r"^(\s*)(- |\d+\. |[a-z][a-z ]*: |\$\s*[\d,.]+\s+)?")
#: Narrower than this, wrapping would do more harm than good (a continuation would hold a word or two).
MIN_WIDTH = 40


def wrapped(text: str, width: int) -> str:
    """``text`` with every line wider than ``width`` columns broken at spaces, continuations hanging under it."""
    if width < MIN_WIDTH:
        return text
    return "\n".join(_wrap_line(line, width) for line in text.split("\n"))


def _wrap_line(line: str, width: int) -> str:
    plain = _CODES.sub("", line)
    if len(plain) <= width:
        return line
    match = _HANGING.match(plain)
    hang = len(match.group(0)) if match is not None else 0
    if hang > width // 2:
        hang = len(match.group(1)) if match is not None else 0
    pieces = textwrap.wrap(
        line,
        width=width + len(line) - len(plain),  # the colour codes, at the line's ends, take no columns
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(pieces) if pieces else line
