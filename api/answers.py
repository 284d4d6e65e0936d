"""Decisions kept for a repeated ``POST /recommend`` body: the same bytes under the same rule set, the same answer.

``decide()`` is a function of the workload and the rule set (with its price books) alone: its answer carries no clock
and no request id. Review jobs in CI post the same workloads run after run, the web page posts a form again when a
field is set back, and a decision with its counterfactual search costs tens of milliseconds of CPU where answering
from memory costs well under one. So a worker keeps each decision's JSON bytes by the request body's bytes, the most
recently used kept longest, up to ``DECIDER_ANSWER_CACHE_MB`` in all (0 turns it off).

What is kept is exact: the key is the whole body, compared byte for byte (a body that differs by a space is decided
anew, as it would be without the cache). A body that is refused (malformed, invalid) is never kept, so it is read and
refused again. A rules reload puts another rule set in service, and the first request under it empties the table:
nothing decided under the old rules is answered under the new ones.

Only the event loop reads and writes the table (the route looks it up before handing work to a thread and fills it
after), so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict

from decider.rules.model import Ruleset

#: What an entry costs besides its body and answer bytes: the table's slot, the two bytes objects' headers and the
#: recommendation, as CPython holds them (measured with sys.getsizeof, rounded up).
ENTRY_OVERHEAD_BYTES = 240


class Answers:
    """A bounded table of decisions (recommendation, JSON bytes) by request body, for one rule set at a time."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self.held_bytes = 0
        self._ruleset: Ruleset | None = None
        self._entries: OrderedDict[bytes, tuple[str | None, bytes]] = OrderedDict()

    @property
    def on(self) -> bool:
        return self.limit_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, body: bytes, ruleset: Ruleset) -> tuple[str | None, bytes] | None:
        """The decision kept for ``body`` under ``ruleset`` (its recommendation and JSON), or None; a hit is moved to
        the end kept longest. Another rule set than the one the table holds answers for empties it first."""
        if ruleset is not self._ruleset:
            self.clear()
            self._ruleset = ruleset
        found = self._entries.get(body)
        if found is not None:
            self._entries.move_to_end(body)
        return found

    def put(self, body: bytes, ruleset: Ruleset, recommendation: str | None, answer: bytes) -> None:
        """Keep ``answer`` for ``body`` under ``ruleset``, dropping the least recently used entries until the table
        fits its limit; an entry larger than the whole limit is not kept, and nor is an answer from a rule set no
        longer the table's (a reload happened while it was decided)."""
        if self._ruleset is None:
            self._ruleset = ruleset
        size = _size(body, answer)
        if size > self.limit_bytes or ruleset is not self._ruleset or body in self._entries:
            return
        while self._entries and self.held_bytes + size > self.limit_bytes:
            dropped, (_, dropped_answer) = self._entries.popitem(last=False)
            self.held_bytes -= _size(dropped, dropped_answer)
        self._entries[body] = (recommendation, answer)
        self.held_bytes += size

    def clear(self) -> None:
        self._entries.clear()
        self.held_bytes = 0


def _size(body: bytes, answer: bytes) -> int:
    return len(body) + len(answer) + ENTRY_OVERHEAD_BYTES
