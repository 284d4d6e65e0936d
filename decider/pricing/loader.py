"""Loading price books and the cost model from a pricing directory, with an organisation's overrides laid over."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from decider.documents import read_collecting
from decider.errors import Problem
from decider.pricing import book_cache
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import MODEL_FILE, CostModel
from decider.validation import Wording, problems_from_validation

#: How a price book's problems are worded: the file, then the dotted path of the missing or bad price.
WORDING = Wording(
    link=" ",
    values="always",
    by_type={"missing": "missing: the cost model needs this price", "extra_forbidden": "unknown key"},
)


def problems_from(error: ValidationError, where: str) -> list[Problem]:
    """Pydantic's errors as Problems naming the file and the dotted path of the missing or bad price."""
    return problems_from_validation(error, at=where, wording=WORDING)


def load_price_books(
    directory: Path, problems: list[Problem], overrides: Sequence[Path] = ()
) -> tuple[Mapping[str, PriceBook], CostModel | None]:
    """Read every ``<region>.yaml`` and ``model.yaml`` of a pricing directory, then lay each override directory's
    files over them (an organisation's negotiated prices); append every problem found.

    An override is deep-merged over the shipped file of the same name: mappings key by key, ``ec2.instances`` by
    instance type, other lists whole. A price book override must carry its own ``as_of``; a region the shipped
    directory lacks must be a complete book.

    A book or cost model whose files hold the bytes of one validated before is taken from the cache of validated
    books (decider/pricing/book_cache.py), a book's entry read and rebuilt only when it is first read; any other is
    read and checked.
    """
    model = _load_cost_model(directory, overrides, problems)
    names = sorted(
        {
            path.name
            for folder in (directory, *overrides)
            for path in folder.glob("*.y*ml")
            if path.name != MODEL_FILE and path.suffix in (".yaml", ".yml")
        }
    )
    books = book_cache.Books()
    for name in names:
        files = [directory / name, *(folder / name for folder in overrides)]
        entry_key = book_cache.key(name, files)
        entry = book_cache.stored(entry_key)
        if entry is not None:
            books.add_stored(Path(name).stem, entry, partial(_validated_again, directory, overrides, name))
            continue
        book = _load_book(directory, overrides, name, problems)
        if book is not None:
            books.add(book.region, book)
            book_cache.store(entry_key, book, book.digest)
    if not any((directory / name).exists() for name in names):
        problems.append(Problem(str(directory), "no price book (<region>.yaml) found"))
    return books, model


def _load_cost_model(directory: Path, overrides: Sequence[Path], problems: list[Problem]) -> CostModel | None:
    files = [directory / MODEL_FILE, *(folder / MODEL_FILE for folder in overrides)]
    entry_key = book_cache.key(MODEL_FILE, files)
    entry = book_cache.load(entry_key)
    if entry is not None:
        try:
            return book_cache.read(entry, CostModel)
        except ValueError:  # not an entry after all: read and checked below, as without a cache
            pass
    model_raw = _read_layers(directory / MODEL_FILE, overrides, problems, needs_date=False)
    if model_raw is None:
        if not (directory / MODEL_FILE).exists():
            problems.append(Problem(str(directory / MODEL_FILE), "missing: the cost model's parameters"))
        return None
    try:
        model = CostModel.model_validate(model_raw.data)
    except ValidationError as error:
        problems.extend(problems_from(error, model_raw.where))
        return None
    book_cache.store(entry_key, model)
    return model


def _load_book(directory: Path, overrides: Sequence[Path], name: str, problems: list[Problem]) -> PriceBook | None:
    """The price book ``name`` read, laid over and checked; None (with its problems appended) when it is not valid."""
    layered = _read_layers(directory / name, overrides, problems, needs_date=True)
    if layered is None:
        return None
    try:
        book = PriceBook.model_validate(layered.data)
    except ValidationError as error:
        problems.extend(problems_from(error, layered.where))
        return None
    if book.region != Path(name).stem:
        problems.append(Problem(f"{layered.where} region", f"says {book.region!r} but the file is named {name}"))
        return None
    return book


def _validated_again(directory: Path, overrides: Sequence[Path], name: str) -> PriceBook:
    """A stored book whose entry cannot be read after all: its files read and checked as a load does."""
    problems: list[Problem] = []
    book = _load_book(directory, overrides, name, problems)
    if book is None:  # its files changed since the load found them validated
        from decider.errors import RulesError

        raise RulesError(problems)
    return book


@dataclass(frozen=True)
class _Layered:
    data: Mapping[str, Any]
    where: str
    """The files it was read from, for problems."""


def _read_layers(path: Path, overrides: Sequence[Path], problems: list[Problem], needs_date: bool) -> _Layered | None:
    data: Mapping[str, Any] | None = None
    read_from: list[str] = []
    for file in (path, *(folder / path.name for folder in overrides)):
        if not file.exists():
            continue
        raw = read_collecting(file, problems)
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            problems.append(Problem(str(file), "a price book or cost model file is a mapping"))
            return None
        if data is not None and needs_date and "as_of" not in raw:
            problems.append(Problem(str(file), "an override of a price book must say as_of: the date of its prices"))
            return None
        data = raw if data is None else _merged(data, raw)
        read_from.append(str(file))
    return _Layered(data, " + ".join(read_from)) if data is not None else None


def _merged(base: Mapping[str, Any], override: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        here = f"{path}.{key}" if path else str(key)
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = _merged(current, value, here)
        elif here == "ec2.instances" and isinstance(current, list) and isinstance(value, list):
            by_type = {item.get("type"): item for item in current if isinstance(item, Mapping)}
            for item in value:
                kind = item.get("type") if isinstance(item, Mapping) else None
                by_type[kind] = _merged(by_type[kind], item) if kind in by_type else item
            merged[key] = list(by_type.values())
        else:
            merged[key] = value
    return merged
