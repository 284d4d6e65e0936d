"""The Slack slash-command grammar: ``duration=20m memory=2g rps=50 share`` into a raw workload and flags.

A command is a list of tokens: ``key=value`` pairs, bare flags (``privileged``, ``spot``), ``help`` and ``share``.
Keys are case-insensitive and forgiving: aliases (``mem``, ``ram``), units (``20m``, ``2g``, ``3M``) and the
contract's own names (``memory_mb``, ``runtime.memory_mb``) all work. The result is a raw workload mapping that goes
through ``parse_workload``, the same validation as the API; its problems are reported against the token typed.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from decider.errors import CommandError, DeciderError, Problem, WorkloadError, nearest
from decider.numbers import number
from decider.slack.keys import (
    BY_PATH,
    FLAGS,
    HELP_WORDS,
    INDEX,
    KEYS,
    KEYS_BY_VALUE,
    SHARE_WORDS,
    SHOWN,
    Flag,
    Key,
    allowed_for,
    example_of,
    normal,
)
from decider.slack.values import ValueProblem, boolean
from decider.workload import ParsedWorkload, parse_workload

MAX_COMMAND_CHARS = 2000  # far above any real command; keeps the work per request bounded
MAX_TOKENS = 64


@dataclass(frozen=True)
class Command:
    """A command read from text: the raw workload mapping, the flags, and which token set each contract path."""

    workload: Mapping[str, Any]
    share: bool = False
    help: bool = False
    tokens: Mapping[str, str] = field(default_factory=dict)


_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})


def tokenize(text: str) -> list[str]:
    """Split on whitespace; a quote that opens a token or a value (``name="my api"``) runs to its match."""
    text = html.unescape(text) if "&" in text else text  # Slack sends &, < and > escaped as &amp; &lt; &gt;
    text = text.translate(_SMART_QUOTES)
    text = re.sub(r"\s*=\s*", "=", text)  # "memory = 2g" reads as "memory=2g"
    tokens: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for char in text:
        if quote is not None:
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char.isspace():
            if current:
                tokens.append("".join(current))
            current = []
        elif char in "\"'" and (not current or (current[-1] == "=" and current.count("=") == 1)):
            quote = char
        else:
            current.append(char)
    if quote is not None:
        where = "".join(current) or quote
        raise CommandError([Problem(where, f"the quote {quote} opened here is never closed; close it")])
    if current:
        tokens.append("".join(current))
    return tokens


def parse_command(text: str) -> Command:
    """Read a command's text into a raw workload and its flags; raise CommandError naming every bad token."""
    command, problems = _read_tokens(text)
    if problems:
        raise CommandError(problems)
    return command


def _read_tokens(text: str) -> tuple[Command, list[Problem]]:
    """The command made of the tokens that could be read, and a problem for each one that could not."""
    if len(text) > MAX_COMMAND_CHARS:
        message = f"is {len(text):,} characters long; the most decider reads is {MAX_COMMAND_CHARS:,}"
        raise CommandError([Problem("command", message)])
    tokens = tokenize(text)
    if len(tokens) > MAX_TOKENS:
        raise CommandError([Problem("command", f"has {len(tokens)} tokens; the most decider reads is {MAX_TOKENS}")])
    problems: list[Problem] = []
    workload: dict[str, Any] = {}
    set_by: dict[str, str] = {}
    share = want_help = False
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        key_text, equals, value_text = token.partition("=")
        has_value = bool(equals)
        lowered = key_text.strip().lower()
        if lowered in HELP_WORDS or lowered in SHARE_WORDS:
            if has_value:
                problems.append(Problem(token, f"{lowered} is a word on its own, not a key; write {lowered}", lowered))
            elif lowered in HELP_WORDS:
                want_help = True
            else:
                share = True
            continue
        entry = INDEX.get(normal(key_text))
        if entry is None:
            problems.append(_unit_apart(token, lowered, previous) or _unknown(token, key_text, has_value))
            continue
        value: Any = True
        if not has_value and isinstance(entry, Key):
            example = example_of(entry)
            problems.append(Problem(token, f"{entry.name} needs a value, e.g. {example}; it takes {entry.allowed}"))
            continue
        if has_value:
            if not value_text.strip():
                problems.append(Problem(token, f"no value after '='; {entry.name} takes {allowed_for(entry)}"))
                continue
            try:
                value = entry.parse(value_text) if isinstance(entry, Key) else boolean(value_text)
            except ValueProblem as error:
                suggestion = f"{entry.name}={error.suggestion}" if error.suggestion else None
                message = f"cannot read {value_text!r}: " + (
                    error.allowed if error.allowed.startswith("unknown") else f"{entry.name} takes {error.allowed}"
                )
                problems.append(Problem(token, message, suggestion))
                continue
        if entry.path in set_by:
            first = set_by[entry.path]
            problems.append(Problem(token, f"{entry.name} is given twice (first as {first!r}); keep one"))
            continue
        set_by[entry.path] = token
        _put(workload, entry.path, value)
    if _counts_runs(set_by) and not {"traffic.pattern", "traffic.protocols"} & set_by.keys():
        _put(workload, "traffic.protocols", ["schedule"])  # runs=30: thirty runs of a job, started on a schedule
    return Command(workload=workload, share=share, help=want_help or not tokens, tokens=set_by), problems


def _counts_runs(set_by: Mapping[str, str]) -> bool:
    """Whether the monthly volume was typed as ``runs=``: runs of a job, not requests to a service."""
    token = set_by.get("traffic.requests_per_month", "")
    return normal(token.partition("=")[0]) == "runs"


def workload_of(command: Command) -> ParsedWorkload:
    """Validate the command's workload exactly as the API does; report each problem against the token typed."""
    try:
        return parse_workload(command.workload)
    except WorkloadError as error:
        raise CommandError([_relocate(problem, command) for problem in error.problems]) from None


def read_command(text: str) -> tuple[Command, ParsedWorkload | None]:
    """Parse and validate in one step: the command, and its workload unless it only asks for help.

    Every problem is reported at once: those of the grammar and those the contract finds in the tokens that read.
    """
    command, problems = _read_tokens(text)
    if command.help:
        return command, None
    try:
        parsed = workload_of(command)
    except CommandError as error:
        problems.extend(error.problems)
    if problems:
        raise CommandError(problems)
    return command, parsed


def blame_tokens(error: DeciderError, command: Command) -> CommandError:
    """An error found after reading (say, no price book for the region) restated against the tokens typed."""
    return CommandError([_relocate(problem, command) for problem in error.problems], headline=error.headline)


def _relocate(problem: Problem, command: Command) -> Problem:
    """Name the token the person typed, and the contract field and value it became."""
    path = problem.location
    while path and path not in command.tokens:
        path = path.rpartition(".")[0]
    if not path:
        return problem
    token = command.tokens[path]
    entry = BY_PATH[path]
    converted = _number_at(command.workload, path)
    became = f" = {converted}" if converted is not None and converted != token.partition("=")[2] else ""
    message = f"{problem.message} ({entry.name} sets {path}{became})"
    return Problem(token, message, f"{entry.name}={problem.suggestion}" if problem.suggestion else None)


def _number_at(workload: Mapping[str, Any], path: str) -> str | None:
    value: Any = workload
    for part in path.split("."):
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _figure(float(value))


def _figure(value: float) -> str:
    """``value`` as number() writes it; past 2**53, where a float keeps no exact digits, the shortest figure that reads
    back as it, zeros written out (1e26 is 100,000,000,000,000,000,000,000,000, not …004,764,729,344)."""
    if abs(value) < 2**53 or not math.isfinite(value):
        return number(value)
    return f"{int(Decimal(repr(value))):,}"


def _put(workload: dict[str, Any], path: str, value: Any) -> None:
    *sections, leaf = path.split(".")
    target = workload
    for section in sections:
        target = target.setdefault(section, {})
    target[leaf] = value


#: Unit words people type apart from the number ("duration=20 minutes"), and the unit a value takes instead.
_UNITS = {"ms": "ms", "millisecond": "ms", "milliseconds": "ms", "s": "s", "sec": "s", "secs": "s", "second": "s"}
_UNITS |= {"seconds": "s", "min": "m", "mins": "m", "minute": "m", "minutes": "m", "h": "h", "hr": "h", "hrs": "h"}
_UNITS |= {"hour": "h", "hours": "h", "mb": "m", "mib": "m", "gb": "g", "gib": "g", "k": "k", "thousand": "k"}
_UNITS |= {"million": "m", "millions": "m", "bn": "bn", "billion": "bn", "g": "g", "m": "m"}


def _unit_apart(token: str, word: str, previous: str) -> Problem | None:
    """A unit written apart from the last value ("duration=20 minutes"): say to join them, when the key's own parser
    reads the two joined as it reads the short spelling offered (so "memory=2 minutes" is not offered memory=2m)."""
    key, _, value = previous.partition("=")
    entry, unit = INDEX.get(normal(key)), _UNITS.get(word)
    if not isinstance(entry, Key) or unit is None or not value:
        return None
    try:
        if entry.parse(value + word) != entry.parse(value + unit):
            return None
    except ValueProblem:
        return None
    hint = f"{key}={value}{unit}"
    return Problem(token, f"{word!r} is a unit apart from its number; write {hint}", hint)


def _unknown(token: str, key_text: str, has_value: bool) -> Problem:
    """An unknown key or flag: name it, say what exists, and suggest the nearest spelling."""
    lowered = key_text.strip().lower()
    if not has_value and lowered in KEYS_BY_VALUE:
        # A bare "steady" or "arm64" is a value without its key: suggest the key it belongs to.
        hint = f"{KEYS_BY_VALUE[lowered][0].name}={lowered}"
        return Problem(token, f"{lowered!r} is a value, not a flag; write {hint}", hint)
    spellings = list(SHOWN) + ([] if has_value else ["help", "share"])
    spelled = nearest(key_text, spellings) or nearest(normal(key_text), spellings)
    suggestion = SHOWN.get(spelled, spelled) if spelled else None
    if "." in key_text:  # the contract's own name, mistyped: the nearest contract name, as the other fronts say it
        suggestion = nearest(key_text, list(BY_PATH)) or suggestion
    if has_value:
        keys = ", ".join(key.name for key in KEYS)
        return Problem(token, f"unknown key {key_text!r}; keys are {keys}", suggestion)
    flags = ", ".join([flag.name for flag in FLAGS] + ["help", "share"])
    return Problem(token, f"unknown word {key_text!r}; flags are {flags}; other settings are key=value", suggestion)


def command_text_of(raw: Mapping[str, Any]) -> str:
    """The command text that describes a raw workload mapping (the inverse of ``parse_command``, in contract units).

    Every field of the workload contract has a key or flag, so any valid workload can be written as a command.
    """
    parts: list[str] = []
    for path, value in _leaves(raw):
        entry = BY_PATH.get(path)
        if entry is None:
            raise CommandError([Problem(path, "no command key sets this field")])
        if isinstance(entry, Flag):
            parts.append(entry.name if value is True else f"{entry.name}={'yes' if value else 'no'}")
        elif isinstance(value, list | tuple):
            if value:
                parts.append(f"{entry.name}={','.join(str(item) for item in value)}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            text = str(value)
            quote = "'" if '"' in text else '"'
            parts.append(
                f"{entry.name}={quote}{text}{quote}" if re.search(r"[\s=\"']", text) else f"{entry.name}={text}"
            )
        else:
            parts.append(f"{entry.name}={_bare(value)}")  # bare numbers are in the contract's own unit
    return " ".join(parts)


def _bare(value: float) -> str:
    """A number as it reads back exactly: ``7200.0`` as ``7200``, others in full (``repr``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _leaves(raw: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    leaves: list[tuple[str, Any]] = []
    for name, value in raw.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            leaves.extend(_leaves(value, f"{path}."))
        elif value is not None:
            leaves.append((path, value))
    return leaves


def usage(command_name: str = "/compute") -> list[str]:
    """The help text as short mrkdwn paragraphs (each well under Slack's 3,000-character section limit)."""
    lines = [
        f"• `{key.name}` — {key.allowed}" + (f" _(also {', '.join(key.aliases[:2])})_" if key.aliases else "")
        for key in KEYS
    ]
    half = (len(lines) + 1) // 2  # two sections: one would pass Slack's 3,000 characters a section
    keys, more = "\n".join(lines[:half]), "\n".join(lines[half:])
    flags = "\n".join(f"• `{flag.name}` — {flag.help}" for flag in FLAGS)
    return [
        f"*Usage:* `{command_name} key=value … [flags] [share]` describes a workload and answers where it should run.\n"
        f"Example: `{command_name} duration=20m memory=2g rps=50 pattern=steady`\n"
        "Keys are case-insensitive; what you leave out is assumed and listed in the answer. "
        "`share` posts the answer in the channel instead of only to you; `help` shows this.",
        "*Keys*\n" + keys,
        "*Keys, continued*\n" + more,
        "*Flags* (the word alone means yes)\n" + flags,
    ]


def short_usage(command_name: str = "/compute") -> str:
    """One paragraph of usage for answers to a command that could not be read."""
    names = ", ".join(key.name for key in KEYS)
    flags = ", ".join(flag.name for flag in FLAGS)
    return (
        f"*Usage:* `{command_name} duration=20m memory=2g rps=50 [share]`\n"
        f"Keys: {names}.\nFlags: {flags}.\n`{command_name} help` lists every key with its units."
    )
