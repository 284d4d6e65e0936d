"""Nearest-name suggestions for "did you mean" messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, choices: Iterable[str]) -> str | None:
    """The valid choice closest to ``name``, or None when nothing is close enough to be a likely typo."""
    options = list(choices)
    if not options:
        return None
    lowered = {option.lower(): option for option in options}
    if name.lower() in lowered:
        return lowered[name.lower()]
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    if matches:
        return lowered[matches[0]]
    # A dotted path whose last part is close ("runtime.memroy_mb") is still a likely typo.
    tail = name.rsplit(".", 1)[-1].lower()
    by_tail = {option.rsplit(".", 1)[-1].lower(): option for option in options}
    matches = difflib.get_close_matches(tail, list(by_tail), n=1, cutoff=0.75)
    return by_tail[matches[0]] if matches else None
