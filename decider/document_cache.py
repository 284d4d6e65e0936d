"""A cache of YAML documents already read: the parsed data of a file's exact text, as JSON, keyed by its sha256.

Reading YAML is most of what loading the rules directory costs (15 price books of ~25 KB: ~0.1 s, against ~5 ms
from this cache), and a command-line run loads it every time; a run whose rule files and workload file all come from
here does not import PyYAML at all (~8 ms; decider/yaml_reader.py), which is why short texts are kept too. A text is
stored only once it has passed every check of the strict reader (decider/documents.py: limits, duplicate keys,
syntax) and only when its data is plain JSON data plus dates (``as_of``), so reading the entry back gives exactly
what parsing the text gives; any change of the text is a new key and is read, and checked, in full. Entries are data
(JSON, read with orjson): nothing in them can run code.

Where: ``$DECIDER_CACHE_DIR``, else ``$XDG_CACHE_HOME/decider``, else ``~/.cache/decider``; ``DECIDER_CACHE_DIR=off``
turns it off. A folder that cannot be written is skipped without a word (the files are read in full, as without a
cache). At most ``MAX_ENTRIES`` entries are kept: the least recently written go first.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.util
import math
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

#: Bumped when what an entry holds, or how a text is read, changes: older entries are then not read.
FORMAT = 2
MAX_ENTRIES = 512
_salt: bytes | None = None
_INT64 = 2**63


def cache_dir() -> Path | None:
    """The cache's folder, or None when it is turned off; worked out again only when the variables it comes from
    change (a load asks ~40 times)."""
    global _found
    environ = os.environ
    given = (environ.get("DECIDER_CACHE_DIR"), environ.get("XDG_CACHE_HOME"), environ.get("HOME"))
    if _found is None or _found[0] != given:
        _found = (given, _cache_dir(given[0], given[1]))
    return _found[1]


_found: tuple[tuple[str | None, ...], Path | None] | None = None


def _cache_dir(configured: str | None, xdg_cache_home: str | None) -> Path | None:
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "false", "no") else Path(configured)
    base = xdg_cache_home or str(Path.home() / ".cache")
    return Path(base) / "decider"


def salt() -> bytes:
    """What every key depends on besides the text: this format and the YAML reader's version."""
    global _salt
    if _salt is None:
        _salt = f"decider-documents/{FORMAT}/pyyaml-{_yaml_version()}/".encode()
    return _salt


def _yaml_version() -> str:
    """PyYAML's ``__version__``, read from its source when it is not imported yet: a run answered from the cache never
    imports it (decider/yaml_reader.py)."""
    if "yaml" not in sys.modules:
        spec = importlib.util.find_spec("yaml")
        if spec is not None and spec.origin is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                written = _VERSION.search(Path(spec.origin).read_text(encoding="utf-8"))
                if written is not None:
                    return written.group(1)
    import yaml

    return str(yaml.__version__)


_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)


def key(text: str) -> str:
    return hashlib.sha256(salt() + text.encode("utf-8", "surrogatepass")).hexdigest()


def _entry(text: str) -> Path | None:
    folder = cache_dir()
    return folder / "documents" / f"{key(text)}.json" if folder is not None else None


def load(text: str) -> tuple[bool, Any]:
    """(True, data) when the text's data is cached, else (False, None)."""
    path = _entry(text)
    if path is None:
        return False, None
    try:
        raw = path.read_bytes()
        stored = orjson.loads(raw)
        data = stored["data"]
        for where in stored["dates"]:
            data = _with_date(data, where)
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # absent, unreadable or not an entry: read anew
        return False, None
    return True, data


def store(text: str, data: Any) -> None:
    """Remember the data parsed from ``text``, when it is plain enough to come back exactly; never raises."""
    path = _entry(text)
    if path is None:
        return
    dates: list[list[Any]] = []
    if not _plain(data, [], dates):
        return
    write(path, orjson.dumps({"data": data, "dates": dates}, default=_iso))


def write(path: Path, encoded: bytes) -> None:
    """Write an entry whole or not at all (a temporary file renamed into place), then prune its folder; never raises:
    a read-only home or a full disk leaves the files to be read in full next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encoded)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        prune(path.parent)
    except OSError:
        return


def _plain(value: Any, where: list[Any], dates: list[list[Any]]) -> bool:
    """Whether ``value`` comes back from JSON exactly (dates are noted in ``dates`` to be restored)."""
    kind = type(value)
    if kind is dict or kind is list:
        items = value.items() if kind is dict else enumerate(value)
        for step, item in items:
            if kind is dict and type(step) is not str:
                return False  # JSON's keys are text
            where.append(step)
            ok = _plain(item, where, dates)
            where.pop()
            if not ok:
                return False
        return True
    if kind is float:
        return math.isfinite(value)  # JSON has no NaN or Infinity
    if kind is int:
        return bool(-_INT64 <= value < _INT64)  # orjson's integers
    if kind is datetime.date:
        dates.append(list(where))
        return True
    return kind in (str, bool, type(None))


def _iso(value: Any) -> str:
    if type(value) is datetime.date:
        return value.isoformat()
    raise TypeError  # _plain let nothing else through


def _with_date(data: Any, where: list[Any]) -> Any:
    if not where:
        return datetime.date.fromisoformat(data)
    holder = data
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] = datetime.date.fromisoformat(holder[where[-1]])
    return data


def prune(folder: Path) -> None:
    """Keep the ``MAX_ENTRIES`` most recently written entries of a cache folder."""
    entries = list(folder.glob("*.json"))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime)
    for stale in entries[: len(entries) - MAX_ENTRIES]:
        stale.unlink(missing_ok=True)
