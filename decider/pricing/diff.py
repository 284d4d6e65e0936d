"""Comparing two price books: which prices changed and by how much, so a reviewer can read a price-book update.

Every priced figure is keyed by its dotted path (instances by type, tiers by position): a figure in both books with
another value is a change, one in a single book is added or removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.pricing.book import PriceBook

_VALUES = ("usd", "usd_per_hour", "fraction", "quantity", "managed_instances_fee_usd_per_hour")


@dataclass(frozen=True)
class Change:
    """One figure that differs between the books: ``before`` or ``after`` is None when only one book has it."""

    path: str
    before: float | None
    after: float | None

    @property
    def percent(self) -> float | None:
        """The change as a share of the old value, in percent; None for an added, removed or zero figure."""
        if self.before is None or self.after is None or self.before == 0:
            return None
        return (self.after - self.before) / self.before * 100

    def describe(self) -> str:
        if self.before is None:
            return f"added    {self.path}: {self.after:g}"
        if self.after is None:
            return f"removed  {self.path}: was {self.before:g}"
        percent = self.percent
        share = f" ({percent:+.1f}%)" if percent is not None else ""
        return f"changed  {self.path}: {self.before:g} -> {self.after:g}{share}"


def figures(book: PriceBook) -> dict[str, float]:
    """Every priced figure of a book by dotted path."""
    found: dict[str, float] = {}
    _walk(book.summary(), "", found)
    return found


def _walk(node: Any, path: str, found: dict[str, float]) -> None:
    if isinstance(node, Mapping):
        for key in _VALUES:
            value = node.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[f"{path}.{key}" if path else key] = float(value)
        for key, value in node.items():
            if key == "instances" and isinstance(value, list):
                for item in value:
                    _walk(item, f"{path}.instances[{item.get('type')}]", found)
            elif key == "tiers" and isinstance(value, list):
                for index, tier in enumerate(value):
                    _walk(tier, f"{path}.tiers[{index}]", found)
            elif isinstance(value, Mapping):
                _walk(value, f"{path}.{key}" if path else str(key), found)


def diff(before: PriceBook, after: PriceBook) -> list[Change]:
    """The figures that differ, in path order."""
    old, new = figures(before), figures(after)
    return [
        Change(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    ]
