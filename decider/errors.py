"""The one error hierarchy of decider; every error builds its message from its fields.

    DeciderError                      base: anything decider reports to a user
    ├── DocumentError                 a YAML or JSON document cannot be parsed (one Problem: file and line)
    ├── WorkloadError                 a workload failed validation (one Problem per field)
    ├── RulesError                    rule files failed to load (every Problem, with file and rule id)
    ├── PricingError                  a price book is missing, malformed or names an unknown region
    ├── SourceError                   a path, template or usage file cannot be read as workloads (review)
    ├── CommandError                  a Slack slash command's text cannot be read (one Problem per token)
    ├── UsageError                    the command line itself is wrong (unknown option value, missing file)
    └── SettingsError                 a DECIDER_* environment variable has a value decider cannot use

A Problem is one thing wrong: where it is, what is wrong, and the nearest valid choice when there is one
(``nearest``, the one "did you mean" of decider; ``unknown_choice`` words a value or field that is not one of the
choices). ``relocate`` places problems found in a part of an input inside the whole (``workloads[3]`` + ``runtime.
memory_mb``). The CLI prints ``str(error)`` and exits 2; the API turns ``error.problems`` into problem+json entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

#: Most problems one error lists; the rest are counted in one last problem (an input with 80,000 unknown fields is
#: answered in a few kilobytes, not ten megabytes).
MAX_PROBLEMS = 50
#: How much of a value a message quotes; the rest is said as a count.
MAX_QUOTED_CHARS = 80
#: Longest name ``nearest`` compares: difflib's cost grows with the square of the length, and no typo is this long.
MAX_NEAREST_CHARS = 200
#: Other names people give an architecture: a suggestion goes by meaning, not by spelling ("amd64" is x86_64, not
#: the "arm64" it is spelt like).
ARCHITECTURE_SPELLINGS = {
    "x86": "x86_64",
    "x8664": "x86_64",
    "x64": "x86_64",
    "amd64": "x86_64",
    "intel": "x86_64",
    "arm": "arm64",
    "aarch64": "arm64",
    "graviton": "arm64",
}


def quoted(value: object) -> str:
    """A value as the user wrote it (JSON and YAML's null, true, [..], {..}; text in quotes), cut to
    MAX_QUOTED_CHARS with the length of the rest said, so no message echoes a whole input."""
    try:
        text = _as_written(value)
    except ValueError:  # an integer longer than Python will print
        return f"an integer of more than {MAX_QUOTED_CHARS} digits"
    if len(text) <= MAX_QUOTED_CHARS:
        return text
    return f"{text[:MAX_QUOTED_CHARS]}… ({len(text) - MAX_QUOTED_CHARS:,} more characters)"


def _as_written(value: object) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int) and abs(value) >= 10**16:  # a whole number too long to read (1e300 as JSON gives it)
        try:
            return f"{float(value):g}"
        except OverflowError:
            pass
    if isinstance(value, list | tuple | dict):
        try:
            return json.dumps(_readable(value), ensure_ascii=False, default=repr)
        except (TypeError, ValueError, RecursionError):  # a key JSON cannot hold (a YAML date), a huge integer
            pass
    return repr(value)


def _readable(value: Any, depth: int = 0) -> Any:
    """``value`` with each whole number too long to read inside its lists and objects as a float (JSON's 1e300, read
    as a whole number, is written 1e+300), to a few levels deep (past them, as it is)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        try:
            return float(value)
        except OverflowError:
            return value
    if depth >= 4:
        return value
    if isinstance(value, list | tuple):
        return [_readable(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: _readable(item, depth + 1) for key, item in value.items()}
    return value


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type (object, array, string, boolean, number, null), for messages."""
    names = {dict: "object", list: "array", tuple: "array", str: "string", bool: "boolean", int: "number"}
    return "null" if value is None else names.get(type(value), "number" if isinstance(value, float) else "value")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: its location, a message, and an optional suggestion."""

    location: str
    message: str
    suggestion: str | None = None
    line: int | None = field(default=None, kw_only=True)
    """The line of the text where the problem is (1-based), when it has a place in the text (malformed JSON)."""
    column: int | None = field(default=None, kw_only=True)
    """The column of that line (1-based, in characters), when known."""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text


class DeciderError(Exception):
    """Base of every error decider reports; carries a headline and a list of problems."""

    headline = "decider error"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], headline: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = capped(tuple(problems))
        if headline is not None:
            self.headline = headline
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [f"{self.headline} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}):"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class DocumentError(DeciderError):
    """A document could not be parsed; its one Problem names the file and line."""

    headline = "unreadable document"

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])

    @property
    def problem(self) -> Problem:
        return self.problems[0]

    @property
    def message(self) -> str:
        return str(self.problems[0])


class WorkloadError(DeciderError):
    """The workload description is not valid."""

    headline = "invalid workload"


class RulesError(DeciderError):
    """One or more rule files could not be loaded; every problem found is listed."""

    headline = "invalid rules"


class PricingError(DeciderError):
    """A price book could not be loaded or does not cover what was asked."""

    headline = "invalid pricing"


class SourceError(DeciderError):
    """A path given for review is missing, or a template, manifest or usage file cannot be read as workloads."""

    headline = "cannot review"


class CommandError(DeciderError):
    """A slash command's text could not be read: unknown key, bad value, duplicate key or unclosed quote."""

    headline = "could not read the command"


class UsageError(DeciderError):
    """The command line itself is wrong (unknown option value, missing file)."""

    headline = "usage error"


class SettingsError(DeciderError):
    """A DECIDER_* environment variable has a value decider cannot use."""

    headline = "invalid settings"


@dataclass(frozen=True)
class MoreProblems(Problem):
    """Stands for ``count`` problems that are not listed."""

    count: int = 0


def capped(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """The first MAX_PROBLEMS problems, and when there were more, one more problem that counts the rest (problems
    already counted so by an earlier cap are added in)."""
    listed = [problem for problem in problems if not isinstance(problem, MoreProblems)]
    unlisted = sum(problem.count for problem in problems if isinstance(problem, MoreProblems))
    if len(listed) <= MAX_PROBLEMS and not unlisted:
        return tuple(listed)
    return (*listed[:MAX_PROBLEMS], more_problems(unlisted + max(0, len(listed) - MAX_PROBLEMS)))


def more_problems(count: int) -> MoreProblems:
    """The problem that stands for ``count`` problems not listed."""
    plural = "s" if count != 1 else ""
    return MoreProblems(
        "", f"and {count:,} more problem{plural} (only the first {MAX_PROBLEMS} are listed)", None, count
    )


def nearest(name: str, choices: Iterable[str]) -> str | None:
    """The valid choice closest to ``name``, or None when nothing is close enough to be a likely typo."""
    options = list(choices)
    if not options or len(name) > MAX_NEAREST_CHARS:
        return None
    lowered = {option.lower(): option for option in options}
    key = name.strip().lower()
    if key in lowered:
        return lowered[key]
    meant = ARCHITECTURE_SPELLINGS.get(_squashed(key))
    if meant in lowered:
        return lowered[meant]
    # The same letters and digits, other separators ("us-east1", "useast1", "US_EAST_1").
    squashed = {_squashed(option): option for option in lowered}
    if _squashed(key) in squashed:
        return lowered[squashed[_squashed(key)]]
    import difflib  # only for a name that is not one of the options: a typo, on the way to an error

    matches = difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.6)
    if matches:
        return lowered[matches[0]]
    # A dotted path whose last part is close ("runtime.memroy_mb") is still a likely typo.
    tail = key.rsplit(".", 1)[-1]
    by_tail = {option.rsplit(".", 1)[-1].lower(): option for option in options}
    matches = difflib.get_close_matches(tail, list(by_tail), n=1, cutoff=0.75)
    return by_tail[matches[0]] if matches else None


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class Meant:
    """What another word for a choice means (decider/synonyms.py): the choice, or None when no choice is it, and a
    note for the message."""

    choice: str | None
    note: str = ""


def meant_by(given: str, synonyms: Mapping[str, str | Meant]) -> Meant | None:
    """What ``given`` means by ``synonyms`` (compared in lower case without separators: "API Gateway" is
    "api-gateway"); None when it is not one of them."""
    key = _squashed(given.strip().lower())
    for word, meant in synonyms.items():
        if _squashed(word) == key:
            return meant if isinstance(meant, Meant) else Meant(meant)
    return None


def relocate(problems: Iterable[Problem], where: str, link: str = ".") -> list[Problem]:
    """The problems found in a part of an input, located in the whole: ``where`` + ``link`` + each location.

    A problem of the part itself (no location) is at ``where``; with no ``where`` the locations stay as they are.
    """
    return [
        replace(problem, location=link.join(part for part in (where, problem.location) if part)) for problem in problems
    ]


def unknown_choice(
    location: str,
    given: object,
    choices: Iterable[str],
    *,
    field: bool = False,
    noun: str | None = None,
    fallback: Iterable[str] = (),
    match_any_value: bool = False,
    synonyms: Mapping[str, str | Meant] | None = None,
) -> Problem:
    """The Problem for a value, or (``field=True``) a field name, that is not one of ``choices``.

    A value reads "'x' is not allowed; choose one of a, b"; a field "unknown field; valid fields here: a, b"; with a
    ``noun`` (rule and price files: "key", "value") "unknown key 'x'; valid: a, b". The
    nearest choice is suggested; when none is close, the nearest of ``fallback`` (say, the full path of a field written
    in the wrong section). A value that is not text gets a suggestion only with ``match_any_value`` (by its printed
    form). A value that is another word for a choice (``synonyms``) is told the choice it means, and the note.
    """
    options = list(choices)
    listed = ", ".join(options)
    if noun is not None:
        message = f"unknown {noun} {quoted(given)}; valid: {listed}"
    elif field:
        message = f"unknown field; valid fields here: {listed}"
    else:
        message = f"{quoted(given)} is not allowed; choose one of {listed}"
    text = given if isinstance(given, str) else str(given) if field or noun or match_any_value else None
    suggestion = None
    meant = meant_by(text, synonyms) if text is not None and synonyms else None
    if meant is not None:
        suggestion = meant.choice if meant.choice in options else None
        message += f"; {meant.note}" if meant.note else ""
    elif text is not None:
        suggestion = nearest(text, options) or nearest(text, fallback)
    return Problem(location, message, suggestion)
