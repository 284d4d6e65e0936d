"""``decider review --base REF`` and ``--base-path DIR``: review two versions of the same infrastructure and say what
the change moves (decider/review_diff.py; rendered by decider/render/review_diff.py).

``--base REF`` takes the same paths as they are at a git commit, branch or tag (``git archive`` into a temporary
folder; nothing in the working tree is touched) and compares them with the working tree. ``--base-path DIR`` compares
one folder (the single PATH) with another copy of it, file by file. The usage file applies to both versions (to the
workloads it names that each has; a file none of whose entries names a workload of either is an error); a
``--var-file`` inside the repository is read as it is at the base ref. ``--fail-on`` counts only the findings the
change brings.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from decider.errors import Problem, SourceError
from decider.render import review_diff as render
from decider.review import Review, UnreadableFile, review_imported
from decider.review_diff import compare, new_findings
from decider.review_input import screen_imported
from decider.rules.model import Ruleset
from decider.sources import Discovery, ImportedWorkload, display_path, find_workloads, read_usage
from decider.sources.usage import Usage, answered_by, check_usage_keys, lay_usage

EXIT_OK = 0
EXIT_GATE = 1
GIT_TIMEOUT_S = 120


def run_diff(args: argparse.Namespace, ruleset: Ruleset) -> int:
    """Review the base and the new version, write the diff and the new review, and gate on new findings."""
    if args.base is not None and args.base_path is not None:
        raise SourceError([Problem("--base-path", "give --base REF or --base-path DIR, not both")])
    with tempfile.TemporaryDirectory(prefix="decider-base-") as scratch:
        if args.base is not None:
            root = _git_root()
            base_paths, base_var_files = _extract(args.base, root, args.paths, args.var_file, Path(scratch))
            base_root, head_root, label = Path(scratch), root, args.base
        else:
            if len(args.paths) != 1 or not Path(args.paths[0]).is_dir():
                raise SourceError([Problem("--base-path", "compares one folder (the single PATH) with another")])
            if not Path(args.base_path).is_dir():
                raise SourceError([Problem(f"--base-path {args.base_path}", "no such folder")])
            base_paths, base_var_files = [args.base_path], args.var_file
            base_root, head_root = Path(args.base_path).resolve(), Path(args.paths[0]).resolve()
            label = args.base_path
        head_found = _discover(args.paths, args.var_file, args, None)
        base_found = _discover(base_paths, base_var_files, args, (base_root, head_root))
        usage = read_usage(args.usage) if args.usage else {}
        both = [item for found in (head_found, base_found) for item in (*found.workloads, *found.idle)]
        if usage and not answered_by(both) & set(usage):  # a usage file for other paths, or of misspelt names
            check_usage_keys(usage, both, args.usage or "")
        head = _review(head_found, usage, args, ruleset)
        base = _review(base_found, usage, args, ruleset)
    relative = _relative_to(head_root)
    diff = compare(base, head, label, relative, relative)
    if args.format == "json":
        text = render.to_json(diff, head)
    elif args.format == "markdown":
        text = render.to_markdown(diff, head)
    elif args.format == "sarif":
        text = render.to_sarif(new_findings(head, diff, relative), ruleset)
    else:
        text = render.to_table(diff, head)
    sys.stdout.write(text)
    sys.stdout.flush()
    tripped = render.gate_count(diff, args.fail_on)
    if tripped:
        sys.stderr.write(f"decider: review gate --fail-on {args.fail_on} tripped by {tripped} new finding(s)\n")
        return EXIT_GATE
    return EXIT_OK


def _discover(
    paths: Sequence[str], var_files: Sequence[str], args: argparse.Namespace, rebase: tuple[Path, Path] | None
) -> Discovery:
    """One version's workloads; ``rebase`` (from, to) shows the base's files where they are in the new version, so
    a usage key ``file#name`` or ``file:line`` names the same workload in both."""
    exclude = [args.usage] if args.usage else []
    discovery = find_workloads(paths, exclude=exclude, keep_going=not args.strict, var_files=var_files)
    if rebase is not None:
        _move([*discovery.workloads, *discovery.idle], *rebase)
    return discovery


def _review(discovery: Discovery, usage: Usage, args: argparse.Namespace, ruleset: Ruleset) -> Review:
    """One version's review, with the usage entries its workloads answer to (by name, deployed name, ``file#name``
    or ``file:line``, as a review of one version reads them)."""
    workloads = discovery.workloads
    lay_usage(workloads, usage, args.usage or "")
    good, invalid = screen_imported(workloads, ruleset)
    unreadable = [UnreadableFile(file=item.file, line=item.line, reason=item.reason) for item in discovery.unreadable]
    unreadable += [UnreadableFile(file=file, line=line, reason=reason) for file, line, reason in invalid]
    return review_imported(good, ruleset, args.keep_margin, discovery.skipped, unreadable)


def _move(workloads: list[ImportedWorkload], source: Path, target: Path) -> None:
    for item in workloads:
        try:
            relative = Path(item.file).resolve().relative_to(source)
        except ValueError:
            continue
        item.file = display_path(target / relative)


def _relative_to(root: Path) -> Callable[[str | None], str]:
    def relative(file: str | None) -> str:
        if file is None:
            return ""
        try:
            return Path(file).resolve().relative_to(root).as_posix()
        except ValueError:
            return Path(file).as_posix()

    return relative


def _git(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    """Run git (found on PATH) with fixed subcommands and the user's ref as one argument each: no shell."""
    binary = shutil.which("git")
    if binary is None:
        raise SourceError([Problem("--base", "git is not installed: give the base as a folder with --base-path")])
    try:
        return subprocess.run(  # noqa: S603 - a list of arguments, no shell
            [binary, *arguments], capture_output=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise SourceError([Problem("--base", f"git did not answer within {GIT_TIMEOUT_S} s")]) from None


def _git_root() -> Path:
    done = _git("rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise SourceError(
            [Problem("--base", "not in a git repository: run from inside one, or give a folder with --base-path")]
        )
    return Path(done.stdout.decode().strip()).resolve()


def _extract(
    ref: str, root: Path, paths: Sequence[str], var_files: Sequence[str], into: Path
) -> tuple[list[str], list[str]]:
    """The paths (and var files) as they are at ``ref``, written under ``into``; those the ref lacks are left out."""
    if ref.startswith("-") or _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise SourceError([Problem(f"--base {ref}", "no such commit, branch or tag in this repository")])
    wanted: list[str] = []
    for path in [*paths, *var_files]:
        try:
            relative = Path(path).resolve().relative_to(root).as_posix() or "."
        except ValueError:
            raise SourceError([Problem(path, f"is outside the git repository at {root}")]) from None
        if relative == "." or _git("cat-file", "-e", f"{ref}:{relative}").returncode == 0:
            wanted.append(relative)
    if wanted:
        done = _git("-C", str(root), "archive", "--format=tar", ref, "--", *wanted)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise SourceError([Problem(f"--base {ref}", f"git archive failed: {message[0] if message else ''}")])
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(into, filter="data")
    present = set(wanted)

    def at_base(path: str) -> str | None:
        relative = Path(path).resolve().relative_to(root).as_posix() or "."
        return str(into / relative) if relative in present else None

    base_paths = [found for found in (at_base(path) for path in paths) if found is not None]
    base_vars = [at_base(path) or path for path in var_files]
    if not base_paths:
        base_paths = [str(into)]  # nothing there yet: an empty base, every workload is new
    return base_paths, base_vars
