"""``Compiled``: values compiled from immutable inputs are remembered while those inputs are the objects asked about."""

from __future__ import annotations

from collections.abc import Callable

from decider.cost.compiled import Compiled
from decider.cost.mode_plans import catalogue_type
from decider.rules.model import Ruleset


class _Book:
    """Stands in for a price book: an object compared by identity."""


def test_a_value_is_built_once_per_key_and_owner() -> None:
    table: Compiled[list[str]] = Compiled()
    book = _Book()
    built: list[str] = []

    def build() -> list[str]:
        built.append("x")
        return ["compiled"]

    first = table.get("key", book, build)
    assert table.get("key", book, build) is first
    assert built == ["x"]


def test_another_object_under_the_same_key_is_compiled_anew() -> None:
    """A reloaded book can reuse an old one's id: the entry counts only for the very object it was built from."""
    table: Compiled[str] = Compiled()
    old, new = _Book(), _Book()
    assert table.get(1, old, lambda: "old prices") == "old prices"
    assert table.get(1, new, lambda: "new prices") == "new prices"
    fits, other_fits = (1, 2), (3, 4)
    assert table.get(2, old, lambda: "with fits", also=fits) == "with fits"
    assert table.get(2, old, lambda: "with other fits", also=other_fits) == "with other fits"


def test_a_full_table_starts_again() -> None:
    table: Compiled[int] = Compiled(limit=2)
    book = _Book()
    for key in range(5):
        table.get(key, book, _constant(key))
    assert table.get(4, book, lambda: -1) == 4  # the newest entry survives the clear before it
    assert table.get(0, book, lambda: -1) == -1  # an early one was dropped and is built again


def _constant(value: int) -> Callable[[], int]:
    return lambda: value


def test_a_catalogue_type_by_name_is_the_one_the_price_book_finds(ruleset: Ruleset) -> None:
    """The table of a catalogue's types by name (decider/cost/mode_plans.py) answers as ``PriceBook.instance``."""
    for book in ruleset.pricing.values():
        for name in [instance.type for instance in book.ec2.instances] + ["no-such.type"]:
            assert catalogue_type(book, name) is book.instance(name)
