"""How a slash command's values are read: durations, sizes, counts, words and flags, with their units.

Each reader takes the text after ``key=`` and returns the contract's value in the contract's unit, or raises
ValueProblem saying what the key takes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from decider.errors import nearest

MB_PER_GB = 1024  # memory and disk in the contract are binary (AWS's "MB" for Lambda and Fargate is a MiB)


class ValueProblem(ValueError):
    """A token's value is not in the form its key takes; ``allowed`` says what is."""

    def __init__(self, allowed: str, suggestion: str | None = None) -> None:
        self.allowed = allowed
        self.suggestion = suggestion
        super().__init__(allowed)


Parser = Callable[[str], Any]


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_DURATION_UNITS_S = {
    "ms": 0.001,
    "msec": 0.001,
    "millis": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
_SIZE_UNITS_MB = {
    "b": 1 / (1024 * 1024),
    "k": 1 / 1024,
    "kb": 1 / 1024,
    "ki": 1 / 1024,
    "kib": 1 / 1024,
    "m": 1.0,
    "mb": 1.0,
    "mi": 1.0,
    "mib": 1.0,
    "g": 1024.0,
    "gb": 1024.0,
    "gi": 1024.0,
    "gib": 1024.0,
    "t": 1024.0**2,
    "tb": 1024.0**2,
    "ti": 1024.0**2,
    "tib": 1024.0**2,
}
#: Size units under a megabyte: no copy's memory, disk or image is given in them.
_UNDER_A_MB = frozenset({"b", "k", "kb", "ki", "kib"})
_COUNT_SUFFIXES = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "thousand": 1e3, "million": 1e6}
_COUNT_SUFFIXES |= {"millions": 1e6, "billion": 1e9}
_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0"})


def _split_number(text: str) -> tuple[float, str]:
    """A leading number and the unit after it (``"1.5gb"`` → ``(1.5, "gb")``); raises ValueError without one."""
    cleaned = re.sub(r"(?<=\d)[,_](?=\d)", "", text.strip().lower())
    match = _NUMBER.match(cleaned)
    if match is None:
        raise ValueError(text)
    value = float(match.group(0))
    if not math.isfinite(value):
        raise ValueError(text)
    return value, cleaned[match.end() :].strip()


def duration(bare_unit_s: float, unit_name: str, scale_to: float) -> Parser:
    """Read ``20m``, ``90s``, ``2h``, ``1500ms``; a bare number is in ``unit_name``; the result is in ``scale_to`` s."""
    allowed = f"a duration such as 20m, 90s, 2h or 1500ms (a bare number is {unit_name})"

    def read(text: str) -> float:
        try:
            value, unit = _split_number(text)
        except ValueError:
            raise ValueProblem(allowed) from None
        factor = bare_unit_s if unit == "" else _DURATION_UNITS_S.get(unit)
        if factor is None:
            raise ValueProblem(f"unknown unit {unit!r}; {allowed}", _with_number(text, unit, _DURATION_UNITS_S))
        return _tidy(value * factor / scale_to)

    return read


def _with_number(text: str, unit: str, units: Iterable[str]) -> str | None:
    """The value with its unknown unit swapped for the nearest known one, the number kept ("120us" → "120s"): a
    suggestion that is a value, not a bare unit."""
    guess, written = nearest(unit, units), text.strip().lower()
    return written[: len(written) - len(unit)].strip() + guess if guess is not None and written.endswith(unit) else None


def size(bare_unit_mb: float, unit_name: str, scale_to_mb: float, *, whole: bool = False) -> Parser:
    """Read ``2g``, ``512m``, ``1.5gb``; a bare number is in ``unit_name``. ``whole`` rounds up to a whole unit."""
    allowed = f"a size such as 2g, 512m or 1.5gb (a bare number is {unit_name}; 1g = {MB_PER_GB}m)"

    def read(text: str) -> float | int:
        try:
            value, unit = _split_number(text)
        except ValueError:
            raise ValueProblem(allowed) from None
        factor = bare_unit_mb if unit == "" else _SIZE_UNITS_MB.get(unit)
        if factor is None:
            raise ValueProblem(f"unknown unit {unit!r}; {allowed}", _with_number(text, unit, _SIZE_UNITS_MB))
        if unit in _UNDER_A_MB and value > 0:  # 512k: kilobytes here, where counts read k as thousand; no copy is that
            meant = f"{text.strip().lower()[: -len(unit)].strip()}m"  # small: the megabytes meant, most likely
            raise ValueProblem(f"megabytes or gigabytes, not {unit!r} (under a megabyte): {allowed}", meant)
        scaled = _tidy(value * factor / scale_to_mb)
        # A copy needs at least what was asked: round memory up to the next whole MB, never down.
        return math.ceil(scaled) if whole else scaled

    return read


def count(text: str) -> float:
    """Read ``3000000``, ``3m``, ``3M``, ``2.5k``, ``3,000,000``, ``1e6``, ``1bn``."""
    allowed = "a number such as 3000000, 3m, 2.5k or 1bn (k = thousand, m = million, b = billion)"
    try:
        value, suffix = _split_number(text)
    except ValueError:
        raise ValueProblem(allowed) from None
    suffix = suffix.removesuffix("/mo").removesuffix("/s")
    factor = 1.0 if suffix == "" else _COUNT_SUFFIXES.get(suffix)
    if factor is None:
        raise ValueProblem(f"unknown suffix {suffix!r}; {allowed}", nearest(suffix, _COUNT_SUFFIXES))
    return _tidy(value * factor)


def plain_number(text: str) -> float:
    """Read a plain number (``2``, ``0.5``)."""
    try:
        value, rest = _split_number(text)
    except ValueError:
        raise ValueProblem("a number such as 2 or 0.5") from None
    if rest:
        raise ValueProblem(f"a number such as 2 or 0.5, without {rest!r}")
    return _tidy(value)


def word(aliases: Mapping[str, str] | None = None) -> Parser:
    """A lower-cased word, with friendly aliases mapped to the contract's value; the contract validates it."""
    table = dict(aliases or {})

    def read(text: str) -> str:
        lowered = text.strip().lower()
        return table.get(lowered.replace("-", "").replace("_", ""), table.get(lowered, lowered))

    return read


def words(aliases: Mapping[str, str] | None = None) -> Parser:
    """A comma-separated list of words (``http,websocket``); ``+`` and ``/`` separate too."""
    one = word(aliases)

    def read(text: str) -> list[str]:
        return [one(part) for part in re.split(r"[,+/]", text) if part.strip()]

    return read


def numbers(text: str) -> list[float]:
    """A comma-separated list of plain numbers (``0,0,1,1``); the contract checks how many and which."""
    return [plain_number(part) for part in re.split(r"[,+/]", text) if part.strip()]


def boolean(text: str) -> bool:
    """Read yes/no, true/false, on/off, 1/0."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueProblem("yes or no (also true/false, on/off, 1/0)", nearest(lowered, sorted(_TRUE | _FALSE)))


def text_value(text: str) -> str:
    return text.strip()


def _tidy(value: float) -> float:
    # 0.1 * 3 style noise would show up in messages ("0.30000000000000004 s"); 12 significant digits are plenty.
    return float(f"{value:.12g}")
