"""Numbers compiled once from immutable inputs (a price book, its catalogue, a list of fitting types) and remembered.

The cost model asks the same questions of the same price book for every workload: which types hold a copy of this
shape, what an instance-hour of each costs. ``Compiled`` remembers each answer by a key built from the inputs, and
holds the input objects themselves beside it: an ``id`` can be reused once an object is gone (a reloaded price book),
so an entry counts only while its inputs are the very objects asked about, and it keeps them alive until then. A
table that fills starts again empty, so memory stays bounded whatever a long-running server is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Compiled(Generic[V]):
    """A bounded table of values compiled from ``owner`` (and ``also``, when a value reads two objects), by key."""

    def __init__(self, limit: int = 4096) -> None:
        self._entries: dict[Hashable, tuple[object, object, V]] = {}
        self._limit = limit

    def get(self, key: Hashable, owner: object, build: Callable[[], V], also: object = None) -> V:
        """The value remembered for ``key`` while ``owner`` and ``also`` are the objects it was built from; else
        ``build()``, remembered."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] is owner and entry[1] is also:
            return entry[2]
        if len(self._entries) >= self._limit:
            self._entries.clear()
        value = build()
        self._entries[key] = (owner, also, value)
        return value
