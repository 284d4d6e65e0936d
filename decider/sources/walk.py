"""Walking a folder given to a review: the files to read and the Terraform folders, each reached once.

Only regular files inside the folder are read, within the size limit. A folder reached through a symlink is followed
when it stays inside the folder given; a symlink out of the folder, a symlink loop (back to a folder it is in), a
second symlink to a folder walked already, a device, FIFO or socket and an oversize file are listed as skipped with
the reason; a folder or file that cannot be opened is listed as unreadable (the review is incomplete).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from decider.document_limits import MAX_FILE_BYTES

#: The suffixes of the files a folder search reads (Terraform's ``.tf`` files are read by folder).
SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})
#: Folders left out below the folders given: build output and dependencies, never the infrastructure's source.
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "cdk.out", ".aws-sam"})
TERRAFORM_SUFFIX = ".tf"

#: Called with a file or folder and why it is not read: ``skip`` lists it, ``deny`` records that it cannot be opened.
Report = Callable[[Path, str], None]


def walk(root: Path, skip: Report, deny: Report) -> tuple[list[Path], list[Path]]:
    """The files to read under ``root`` and the folders holding ``*.tf`` files, in a stable order (names sorted, a
    folder's files before its subfolders')."""
    inside = root.resolve()
    files: list[Path] = []
    terraform: list[Path] = []
    walked: set[Path] = set()

    def denied(error: OSError) -> None:
        deny(Path(error.filename or root), f"cannot read: {error.strerror or error}")

    for folder, subfolders, names in os.walk(root, onerror=denied, followlinks=True):
        here = Path(folder)
        real = here.resolve()
        if real in walked:  # reached again through a symlink: its files are read already
            if here.is_symlink():
                skip(here, "not read: a symlink to a folder reviewed already")
            subfolders[:] = []
            continue
        walked.add(real)
        kept: list[str] = []
        for name in sorted(subfolders):
            if name.startswith(".") or name in SKIPPED_FOLDERS:
                continue
            reason = _not_followed(here / name, inside, real) if (here / name).is_symlink() else None
            if reason is None:
                kept.append(name)
            else:
                skip(here / name, reason)
        subfolders[:] = kept
        if any(name.endswith(TERRAFORM_SUFFIX) for name in names):
            terraform.append(here)
        for name in sorted(names):
            if Path(name).suffix.lower() not in SUFFIXES:
                continue
            file = here / name
            reason = not_readable(file, inside)
            if reason is None:
                files.append(file)
            elif reason.startswith("cannot read"):
                deny(file, reason)
            else:
                skip(file, reason)
    return files, terraform


def _not_followed(link: Path, inside: Path, real: Path) -> str | None:
    """Why a symlink to a folder is not followed (None: it is): it must stay inside the folder reviewed and not lead
    back to a folder it is in (``real``, resolved, or one above it), which would be walked without end."""
    target = _resolved(link, inside)
    if isinstance(target, str):
        return target
    if real.is_relative_to(target):
        return "not read: a symlink loop (it leads back to a folder it is in)"
    return None


def _resolved(path: Path, inside: Path) -> Path | str:
    """``path`` with its symlinks resolved, or why it is not read: a loop, a broken link, or a link leading outside
    the folder reviewed (``inside``, resolved)."""
    try:
        resolved = path.resolve(strict=True)
    except RuntimeError:
        return "not read: a symlink loop"
    except OSError as error:
        return f"not read: a broken symlink ({error.strerror or error})"
    if not resolved.is_relative_to(inside):
        return "not read: a symlink to outside the folder reviewed"
    return resolved


def not_readable(file: Path, inside: Path) -> str | None:
    """Why ``file`` is not read (None: it is read): it must be a regular file under ``inside``, small enough."""
    resolved = _resolved(file, inside)
    if isinstance(resolved, str):
        return resolved
    try:
        status = resolved.stat()
    except OSError as error:
        return f"cannot read: {error.strerror or error}"
    if not stat.S_ISREG(status.st_mode):
        return "not read: not a regular file (a device, FIFO or socket)"
    if status.st_size > MAX_FILE_BYTES:
        return f"not read: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    if not os.access(resolved, os.R_OK):
        return "cannot read: permission denied"
    return None


def tree_distance(file: str, other: str) -> tuple[int, int]:
    """How far apart two files are in the tree: minus the depth of the deepest folder they share, then how many
    folders below it ``file`` lies (the same folder: the deepest shared, 0 below)."""
    mine, theirs = PurePosixPath(file).parent.parts, PurePosixPath(other).parent.parts
    shared = 0
    for a, b in zip(mine, theirs, strict=False):
        if a != b:
            break
        shared += 1
    return -shared, len(mine) - shared
