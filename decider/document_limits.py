"""The limits every document is read under, checked before a document is built: nesting depth, what YAML aliases
may add, and what a file may be (a regular file, at most so large).

libyaml builds a document recursively, so a 100,000-level ``[[[`` would overflow the C stack; and a few kilobytes of
aliases (each naming a list of aliases) stand for billions of nodes once anything walks them. Both are found from
libyaml's event stream, which is read without recursion and abandoned at the first level past the limit, so a
hostile document costs a few hundred events. docs/limits.md lists these limits with the others.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from decider.errors import DocumentError, Problem

if TYPE_CHECKING:
    import yaml

#: Deepest nesting of lists and mappings a document may have (real workloads, templates and rules use under 20).
MAX_DEPTH = 100
#: Nodes that YAML aliases may add to a stream, counting each alias as the whole node it names.
ALIAS_NODE_BUDGET = 100_000
#: Largest file read as a document (CloudFormation caps a template at 1 MB; manifests of CRDs reach a few MB).
MAX_FILE_BYTES = 16 * 1024 * 1024


def check_yaml(text: str, source: str) -> None:
    """Raise DocumentError (file and line) when a YAML stream nests deeper than MAX_DEPTH or its aliases would add
    more than ALIAS_NODE_BUDGET nodes. Syntax errors are left to the parser that reads the stream after this."""
    import yaml  # only for a YAML text being parsed (read_text and check_depth need no PyYAML)

    try:
        source_class: Any = yaml.CSafeLoader
    except AttributeError:  # PyYAML built without libyaml
        source_class = yaml.SafeLoader
    loader = source_class(text)
    depth = 0
    added = 0
    sizes: dict[str, int] = {}  # anchor → nodes in the node it names (its aliases expanded)
    open_nodes: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] of each collection being read
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DocumentError(_at(source, event, f"nested more than {MAX_DEPTH} levels deep"))
                open_nodes.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, size = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = size
                open_nodes[-1][1] += size
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                open_nodes[-1][1] += 1
            elif isinstance(event, yaml.AliasEvent):
                size = sizes.get(event.anchor or "", 1)
                added += size
                if added > ALIAS_NODE_BUDGET:
                    raise DocumentError(
                        _at(
                            source,
                            event,
                            f"its aliases expand to more than {ALIAS_NODE_BUDGET:,} nodes; write the "
                            "values out instead of nesting aliases",
                        )
                    )
                open_nodes[-1][1] += size
    except yaml.YAMLError:
        return  # the parser that reads the stream next words the syntax error, with its line
    finally:
        loader.dispose()


def _at(source: str, event: yaml.Event, message: str) -> Problem:
    mark = event.start_mark
    return Problem(f"{source}:{mark.line + 1}" if mark is not None else source, message)


def check_depth(value: Any, source: str) -> None:
    """Raise DocumentError when parsed data (JSON) nests deeper than MAX_DEPTH; walks without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > MAX_DEPTH:
            raise DocumentError(Problem(source, f"nested more than {MAX_DEPTH} levels deep"))
        stack.extend((child, depth + 1) for child in children)


def read_text(path: Path) -> str:
    """A file's text when it is a regular file of at most MAX_FILE_BYTES; else DocumentError saying why.

    Opened without blocking (a FIFO would wait for a writer forever), then checked on the open file, so a symlink to
    a device or a file swapped after the check cannot be read instead."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise DocumentError(Problem(str(path), f"cannot read: {error.strerror or error}")) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):  # checked before wrapping: a folder's descriptor cannot be wrapped at all
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a device, FIFO or socket"
        raise DocumentError(Problem(str(path), f"not a regular file ({kind}); not read"))
    with os.fdopen(descriptor, "rb") as handle:
        if status.st_size > MAX_FILE_BYTES:
            raise DocumentError(
                Problem(str(path), f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB ({status.st_size:,} bytes)")
            )
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(Problem(str(path), f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"cannot read: not UTF-8 ({error.reason} at byte {error.start})"
        raise DocumentError(Problem(str(path), reason)) from None
