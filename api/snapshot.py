"""The last good rules, kept on disk for workers that start later: a replacement worker (one crashed, or was
recycled by DECIDER_LIMIT_MAX_REQUESTS) serves the rules its siblings serve even when the files in the rules folders
have since been broken. The service never goes down because the files on disk are bad.

``decider serve --workers N`` makes a snapshot folder (DECIDER_RULES_SNAPSHOT_DIR) and fills it once the rules pass
their check; every worker refreshes it after each good load. A snapshot is the rule and price files of every layer,
copied (regular files only) to a fresh folder that a ``current`` symlink is swapped to, so a reader sees one whole
snapshot or the one before.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from decider.document_limits import read_text
from decider.errors import DocumentError
from decider.rules.location import PRICING_DIR, default_rules_dir

SNAPSHOT_VARIABLE = "DECIDER_RULES_SNAPSHOT_DIR"
_CURRENT = "current"


def snapshot_root() -> Path | None:
    """The snapshot folder of this server, or None (one worker: nothing starts later)."""
    configured = os.environ.get(SNAPSHOT_VARIABLE)
    return Path(configured) if configured else None


def save(extra_dirs: Sequence[str], root: Path) -> None:
    """Copy the rule layers (the shipped rules, then ``extra_dirs``) as loaded now into a new snapshot."""
    fresh = root / secrets.token_hex(8)
    for index, layer in enumerate((default_rules_dir(), *(Path(extra) for extra in extra_dirs))):
        target = fresh / f"layer-{index}"
        for folder in (layer, layer / PRICING_DIR):
            for file in sorted(folder.glob("*.y*ml")) if folder.is_dir() else ():
                try:
                    text = read_text(file)
                except DocumentError:
                    continue  # the load that succeeded did not read it either (or it changed since: next load)
                copy = target / file.relative_to(layer)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_text(text, encoding="utf-8")
    link = root / f".{fresh.name}.link"
    os.symlink(fresh.name, link)
    previous = _current(root)
    os.replace(link, root / _CURRENT)
    if previous is not None and previous != fresh:
        shutil.rmtree(previous, ignore_errors=True)


def layers(root: Path) -> tuple[Path, tuple[Path, ...]] | None:
    """The shipped-rules folder and the extra folders of the current snapshot, or None when there is none."""
    current = _current(root)
    if current is None:
        return None
    found = sorted(current.glob("layer-*"), key=lambda path: int(path.name.removeprefix("layer-")))
    return (found[0], tuple(found[1:])) if found else None


def _current(root: Path) -> Path | None:
    link = root / _CURRENT
    return (root / os.readlink(link)) if link.is_symlink() else None
