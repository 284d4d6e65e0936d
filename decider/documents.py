"""Reading YAML and JSON as plain data: safe loading only, duplicate keys refused, errors with line numbers.

The one reader of documents for everyone: workload, rule and price files (``read_file``), templates and manifests
(``parse_all``), and request bodies (``parse_json``: strict JSON, as an API must take it).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from decider import document_cache
from decider.document_limits import MAX_DEPTH, check_depth, read_text
from decider.errors import MAX_QUOTED_CHARS, DocumentError, Problem, quoted

if TYPE_CHECKING:
    import yaml

#: What a text may begin with to say it is UTF-8 (U+FEFF); JSON does not allow it (RFC 8259, section 8.1).
BYTE_ORDER_MARK = "\ufeff"


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; a workload must not silently lose a value.
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKeyError(key)
        mapping[key] = value
    return mapping


class _OutOfRange(float):
    """A JSON number too large for a float (``1e400``), which Python's parser reads as infinity: kept with its text,
    so the strict reader says the number is out of range rather than that it is Infinity."""

    text = ""


def _float_in_range(text: str) -> float:
    number = float(text)
    if math.isfinite(number):
        return number
    out_of_range = _OutOfRange(number)
    out_of_range.text = text
    return out_of_range


def compose(text: str) -> yaml.Node | None:
    """One YAML (or JSON) document's node tree, each node with its place in the text, nothing constructed: for
    placing a problem with a parsed value on its line (decider/document_lines.py)."""
    from decider.yaml_reader import compose

    return compose(text)


def parse_text(text: str, source: str, *, json_only: bool = False) -> Any:
    """Parse one YAML (a superset of JSON) or JSON document from text; raise DocumentError naming the line. JSON
    (``json_only``) is read as strictly as a request body: no key twice, no NaN or Infinity, no number out of range.
    A byte-order mark before the text (some editors save one) is not part of it, as YAML's reader takes it too."""
    if json_only:  # NaN, Infinity and 1e400 refused in the words the API's strict reader uses
        return _parse_json_strictly(text.removeprefix(BYTE_ORDER_MARK), source, in_text=True)
    from decider.yaml_reader import parse_yaml  # PyYAML only for a text the cache did not answer

    return parse_yaml(text, source)


def _parse_json_text(text: str, source: str, *, strict_floats: bool = False) -> Any:
    """JSON text, keys given twice refused; ``strict_floats`` marks numbers out of a float's range (_OutOfRange)."""
    if text.startswith(BYTE_ORDER_MARK):  # json says "decode using utf-8-sig", which a sender cannot act on
        raise DocumentError(
            Problem(
                f"{source}:1",
                "not valid JSON: it begins with a UTF-8 byte-order mark (the bytes EF BB BF), which JSON does not "
                "allow; remove it",
                line=1,
                column=1,
            )
        )
    try:
        value = json.loads(
            text, object_pairs_hook=_refuse_duplicate_keys, parse_float=_float_in_range if strict_floats else None
        )
    except json.JSONDecodeError as error:
        place = f"at line {error.lineno}, column {error.colno}"
        raise DocumentError(
            Problem(
                f"{source}:{error.lineno}",
                f"not valid JSON: {error.msg} {place}",
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except _DuplicateKeyError as error:
        raise DocumentError(Problem(source, f"not valid JSON: found key {quoted(error.key)} twice")) from None
    except RecursionError:
        raise DocumentError(Problem(source, f"nested more than {MAX_DEPTH} levels deep")) from None
    except ValueError:  # an integer longer than Python converts (sys.int_max_str_digits)
        raise DocumentError(Problem(source, "not valid JSON: an integer has too many digits")) from None
    check_depth(value, source)
    return value


def parse_json(data: bytes | str, source: str, *, in_text: bool = False, finite: bool = True) -> Any:
    """Strict JSON (a request body): UTF-8, no key given twice, no NaN or Infinity; DocumentError says where.

    ``source`` names the document; a problem inside it is located as ``source:line`` or ``source.key[index]``
    (``source:line: key[index]`` for a file, ``in_text``). Without ``finite`` a NaN, an Infinity or a number out of
    range is left where it is, for the caller to refuse with the part that holds it (``non_finite``): a batch
    refuses only the workload with one.

    Fast path: orjson reads the document (it refuses NaN, Infinity, bad UTF-8 and lone surrogates by itself) and a
    count proves no key was given twice; anything it cannot prove goes to the strict reader below, which alone
    words every error, so answers are the same either way, only sooner.
    """
    try:
        value = orjson.loads(data)
    except ValueError:  # orjson.JSONDecodeError: the strict reader says what is wrong, and where
        pass
    else:
        if _proven_plain(value, data):
            if _brackets(data) > MAX_DEPTH:  # else it cannot nest too deeply
                check_depth(value, source)
            return value
    return _parse_json_strictly(data, source, in_text=in_text, finite=finite)


def _brackets(data: bytes | str) -> int:
    if isinstance(data, bytes):
        return data.count(b"[") + data.count(b"{")
    return data.count("[") + data.count("{")


#: orjson reads an integer beyond 64 bits as a float (json keeps it an int); such a float is at least this large.
_INT64_MAGNITUDE = float(2**63)


def _proven_plain(value: Any, data: bytes | str) -> bool:
    """Whether orjson's ``value`` is exactly what the strict reader returns for ``data``.

    Numbers: orjson refuses NaN and Infinity (and numbers that overflow to them) by itself; an integer too large for
    64 bits it reads as a float of magnitude 2**63 or more (json keeps an int), so such a float is not proven.

    Keys given twice (orjson keeps the last): in the text, every key is followed by one ':' and every other ':' is
    inside a string. Keys in ``value`` <= keys in the text, with equality exactly when no key was given twice.
    1. No ':' inside strings is the common case: then keys in ``value`` == ':' in the text proves it.
    2. Otherwise, when the text has no backslash (so no escape: every string in ``value`` is one of the text's, as
       written), the ':' in orjson's own dump of ``value`` (its keys, plus the ':' inside its strings) can equal the
       ':' in the text only if no key and no string was dropped.
    Anything else (a key given twice, or a ':' inside a string of a text with escapes) goes to the strict reader.
    """
    keys = 0
    stack = [value]
    pop = stack.pop
    push = stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            keys += len(item)
            push(item.values())
        elif kind is list:
            push(item)
        elif kind is float and not -_INT64_MAGNITUDE < item < _INT64_MAGNITUDE:
            return False
    colons = data.count(b":") if isinstance(data, bytes) else data.count(":")
    if keys == colons:
        return True
    escaped = b"\\" in data if isinstance(data, bytes) else "\\" in data
    return not escaped and orjson.dumps(value).count(b":") == colons


def _parse_json_strictly(data: bytes | str, source: str, *, in_text: bool = False, finite: bool = True) -> Any:
    """The strict reader: json with a duplicate-key hook, then a walk for NaN and Infinity; every error worded. A
    number JSON has not is located as ``source.key[index]`` in a body, as ``source:line: key[index]`` in a file or
    other text a person edits (``in_text``), as every other problem with a file's value is."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise DocumentError(Problem(source, f"not UTF-8: {error.reason} at byte {error.start}")) from None
    value = _parse_json_text(text, source, strict_floats=True)  # syntax, keys given twice, depth, long integers
    non_finite = _non_finite_at(value, ()) if finite else None
    if non_finite:
        path, message = non_finite
        if not in_text:
            raise DocumentError(Problem(_dotted(source, path), message))
        line = _line_in(text, path)
        where = f"{source}:{line}" if line is not None else source
        field = _dotted("", path).removeprefix(".")
        raise DocumentError(Problem(f"{where}: {field}" if field else where, message, line=line))
    return value


def non_finite(value: Any, source: str) -> Problem | None:
    """The problem with the first NaN, Infinity or number out of range in parsed JSON (``parse_json`` without
    ``finite``), located in ``source``; None when every number is one JSON and decider read."""
    found = _non_finite_at(value, ())
    return Problem(_dotted(source, found[0]).removeprefix("."), found[1]) if found else None


def _non_finite_at(value: Any, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str] | None:
    """NaN, Infinity or a number out of range in parsed JSON: the keys and indexes leading to it, and what is wrong
    (Python's parser takes them as floats; JSON has no NaN or Infinity, and no float holds 1e400)."""
    if isinstance(value, _OutOfRange):
        written = value.text if len(value.text) <= MAX_QUOTED_CHARS else quoted(value.text)
        return path, f"a number out of range: {written} is beyond ±1.8e308, the largest number decider reads"
    if isinstance(value, float) and not math.isfinite(value):
        return path, "NaN and Infinity are not JSON numbers"
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite_at(item, (*path, key))
        if found:
            return found
    return None


def _dotted(source: str, path: tuple[str | int, ...]) -> str:
    return source + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _line_in(text: str, path: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at ``path`` in a JSON text, composed again as YAML (whose nodes keep their
    place); None when the text does not compose so or the path is not found in it."""
    import yaml

    try:
        node: yaml.Node | None = compose(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if getattr(key, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    return None if node is None else node.start_mark.line + 1


def parse_all(text: str, source: str) -> list[Any]:
    """Parse every document of a multi-document YAML stream."""
    from decider.yaml_reader import parse_all

    return parse_all(text, source)


def read_file(path: Path) -> Any:
    """Read one YAML or JSON file: a regular file within the size limit (decider/document_limits.py)."""
    text = read_text(path)
    return parse_text(text, str(path), json_only=path.suffix == ".json")


def parse_remembered(text: str, source: str) -> Any:
    """``parse_text`` for a YAML text, answered from the document cache (decider/document_cache.py) when this exact
    text was read and checked before: the same data, without PyYAML; any other text is parsed, checked and stored."""
    found, data = document_cache.load(text)
    if found:
        return data
    data = parse_text(text, source)
    document_cache.store(text, data)
    return data


def read_collecting(path: Path, problems: list[Problem]) -> Any:
    """Read one rule, price or cost-model file for a loader that reports every problem at once: on failure, record it
    and return None. A YAML text already read and checked comes from the document cache (decider/document_cache.py)."""
    try:
        if path.suffix == ".json":
            return read_file(path)
        return parse_remembered(read_text(path), str(path))
    except DocumentError as error:
        problems.append(error.problem)
        return None
