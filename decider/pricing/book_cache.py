"""A cache of price books and cost models already validated: the checked model, kept as data, keyed by the exact
bytes of the files it was read from.

Validating the 15 shipped price books and the cost model with Pydantic is most of what loading the pricing
directory costs a command-line run (building their validators alone, ~15 ms), while ``recommend`` prices in one
region. A book (or cost model) that passed every check is stored here with its digest; a later load whose files hold
the same bytes takes the stored one instead, unvalidated, and rebuilds it (``model_construct``, field by field, with
the same field types and the same set fields as validation gave) only when it is first read (``Books``; its entry,
~75 KB, is read then too: a command that prices in one region reads one entry, not fifteen). Any change to
a file (a shipped book, an organisation's override, a file added or removed among the layers) is a new key and is
read and checked in full, its problems reported as without a cache; so is any change to the models, the layering or
the reader (their sources are part of the key). Entries are data (JSON, read with orjson) naming model classes of
this package only: nothing in them can run code.

The folder is the document cache's (decider/document_cache.py: ``DECIDER_CACHE_DIR``, ``off`` turns both off),
under ``books/``; at most ``document_cache.MAX_ENTRIES`` entries are kept there.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import VERSION as PYDANTIC_VERSION
from pydantic import BaseModel

from decider import document_cache
from decider.pricing import book as book_module
from decider.pricing import cost_model as cost_model_module

#: Bumped when what an entry holds changes: older entries are then not read.
FORMAT = 1
_INT64 = 2**63
_FOLDER = "books"
M = TypeVar("M", bound=BaseModel)


def _models(*modules: Any) -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[f"{module.__name__.rpartition('.')[2]}.{name}"] = value
    return found


#: The only classes an entry may name: the price book's and the cost model's own.
MODELS = _models(book_module, cost_model_module)
_NAMES = {model: name for name, model in MODELS.items()}


def _salt() -> bytes:
    """What a stored book depends on besides its files: the models and the code that reads, lays over and checks it."""
    digest = hashlib.sha256(f"decider-books/{FORMAT}/pydantic-{PYDANTIC_VERSION}/".encode())
    digest.update(document_cache.salt())
    here = Path(__file__)
    for module in (book_module, cost_model_module, document_cache):
        digest.update(Path(str(module.__file__)).read_bytes())
    for name in ("loader.py", here.name):  # the loader (which imports this module) lays books over, this stores them
        digest.update(here.with_name(name).read_bytes())
    return digest.digest()


_salted: bytes | None = None


def key(name: str, files: Sequence[Path]) -> str | None:
    """The key of the book (or cost model) ``name`` read from ``files`` (the shipped one, then each override folder's,
    each there or not); None when a file cannot be read (the load then reads and reports it as without a cache)."""
    global _salted
    if document_cache.cache_dir() is None:
        return None
    try:
        if _salted is None:
            _salted = _salt()
        digest = hashlib.sha256(_salted)
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
        for file in files:
            if not file.exists():
                digest.update(b"-\0")
                continue
            data = file.read_bytes()
            digest.update(b"+%d\0" % len(data))
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _entry(entry_key: str) -> Path | None:
    folder = document_cache.cache_dir()
    return folder / _FOLDER / f"{entry_key}.json" if folder is not None else None


def load(entry_key: str | None) -> bytes | None:
    """The stored entry's bytes (read, not yet parsed), or None when there is none."""
    path = _entry(entry_key) if entry_key is not None else None
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def stored(entry_key: str | None) -> Path | None:
    """The stored entry's file, not read yet (a book's is read when the book is first read), or None when there is
    none."""
    path = _entry(entry_key) if entry_key is not None else None
    return path if path is not None and path.is_file() else None


def store(entry_key: str | None, model: BaseModel, digest: str | None = None) -> None:
    """Remember a model that passed every check (and its digest, for a price book); never raises."""
    path = _entry(entry_key) if entry_key is not None else None
    if path is None:
        return
    encoded = encode(model)
    if encoded is None:
        return
    document_cache.write(path, orjson.dumps({"model": encoded, "digest": digest}))


def encode(value: Any) -> Any:
    """A validated model as JSON data that ``decode`` turns back into an equal model with the same types throughout
    (a tuple stays a tuple, a float a float) and the same set fields; None when something in it would not come back
    exactly (such a model is simply not stored)."""
    try:
        return _encode(value)
    except _NotPlain:
        return None


class _NotPlain(Exception):
    pass


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if not -_INT64 <= value < _INT64:
            raise _NotPlain
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotPlain
        return value
    if kind is tuple or kind is list:
        return ["t" if kind is tuple else "l", [_encode(item) for item in value]]
    if kind is dict:
        if not all(type(item) is str for item in value):
            raise _NotPlain
        return ["d", {name: _encode(item) for name, item in value.items()}]
    name = _NAMES.get(kind)
    if name is None or value.__pydantic_extra__ or value.__pydantic_private__:
        raise _NotPlain
    fields = {field: _encode(getattr(value, field)) for field in kind.model_fields}
    return ["m", name, fields, sorted(value.model_fields_set)]


def decode(data: Any) -> Any:
    """``encode``'s data back as the model it was; ValueError when it is not such data."""
    if not isinstance(data, list):
        return data
    tag = data[0]
    if tag == "t":
        return tuple(decode(item) for item in data[1])
    if tag == "l":
        return [decode(item) for item in data[1]]
    if tag == "d":
        return {name: decode(item) for name, item in data[1].items()}
    if tag == "m":
        model = MODELS.get(data[1])
        fields = data[2]
        if model is None or not isinstance(fields, dict) or set(fields) != set(model.model_fields):
            raise ValueError("not a stored model")
        values = {name: decode(item) for name, item in fields.items()}
        return model.model_construct(_fields_set=set(data[3]), **values)
    raise ValueError("not a stored value")


def read(entry: bytes, expected: type[M]) -> M:
    """The model an entry holds (a price book with its digest set); ValueError when the entry is not one."""
    try:
        stored = orjson.loads(entry)
        model = decode(stored["model"])
        digest = stored["digest"]
    except (KeyError, TypeError, IndexError, orjson.JSONDecodeError) as error:
        raise ValueError("not a stored model") from error
    if type(model) is not expected:
        raise ValueError("not a stored model")
    if isinstance(digest, str):
        model.__dict__["digest"] = digest  # PriceBook.digest, a cached_property, as computed when it was stored
    return model


class Books(Mapping[str, "book_module.PriceBook"]):
    """Price books by region, each stored one read from its cache entry and rebuilt when first read: a command that
    prices in one region reads and rebuilds one. Iterating, ``len`` and ``in`` read no entry; the order is the order
    books were added."""

    def __init__(self) -> None:
        self._books: dict[str, book_module.PriceBook | tuple[Path, Callable[[], book_module.PriceBook]]] = {}

    def add(self, region: str, book: book_module.PriceBook) -> None:
        """A book validated by this load."""
        self._books[region] = book

    def add_stored(self, region: str, entry: Path, validate: Callable[[], book_module.PriceBook]) -> None:
        """The cache entry (its file) of a book whose files were validated before; ``validate`` reads and checks them
        anew, for an entry that turns out unreadable or gone."""
        self._books[region] = (entry, validate)

    def __getitem__(self, region: str) -> book_module.PriceBook:
        value = self._books[region]
        if isinstance(value, tuple):
            entry, validate = value
            try:
                book = read(entry.read_bytes(), book_module.PriceBook)
            except (OSError, ValueError):
                book = validate()
            self._books[region] = book
            return book
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._books)

    def __len__(self) -> int:
        return len(self._books)

    def __contains__(self, region: object) -> bool:
        return region in self._books

    def __repr__(self) -> str:
        return f"Books({sorted(self._books)})"
