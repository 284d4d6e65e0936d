"""The ``decider review`` and ``decider adr`` subcommands: read sources, review or decide, render, gate.

Exit codes: 0 the review ran, 1 the ``--fail-on`` gate tripped (the report is still written), 2 bad command-line
input — a missing path, a bad option, a bad usage file — with the problem named on stderr. A file that cannot be read
(it does not parse, or holds an invalid workload) is recorded in the report with its reason and the review goes on;
with ``--strict`` it is bad input, as is a file named explicitly that is no source of workloads. A folder or file
that cannot be opened at all (permissions) makes the review incomplete: it is reported, and the exit code is 2.

Every file is read and every workload validated before anything is written; then the report is written as the
workloads are reviewed, each workload's decision dropped once its part of the report is made. From
``MIN_PARALLEL_WORKLOADS`` workloads on, ``--jobs`` worker processes (each loading the rules once) review chunks of
them; the report comes out in the same order and the same bytes as a review in this process.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from decider.cli import charts
from decider.errors import DeciderError, Problem, SourceError
from decider.render import comment, sarif
from decider.render import review as review_report
from decider.review import (
    KEEP_MARGIN_POINTS,
    ReviewedWorkload,
    SkippedFile,
    Tally,
    UnreadableFile,
    Verdict,
    review_each,
)
from decider.review_cluster import share_clusters
from decider.review_costs import Shares, cluster_share
from decider.review_input import check_imported, screen_imported
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage

EXIT_OK = 0
EXIT_GATE = 1
EXIT_BAD_INPUT = 2
FORMATS = ("table", "json", "markdown", "sarif")
#: At least this many workloads for each worker started (and so at least two workers' worth before any starts):
#: fewer are reviewed sooner in this process than a worker process starts and gets going.
WORKLOADS_PER_WORKER = 25
MIN_PARALLEL_WORKLOADS = 2 * WORKLOADS_PER_WORKER
#: At most this many workloads in one chunk of work for a worker (fewer when there are few workloads per worker).
CHUNK_WORKLOADS = 32
#: Chunks under way per worker: enough to keep each busy, few enough that finished parts wait in memory briefly.
CHUNKS_PER_WORKER = 2
#: Allocations between young-generation collections during a review (Python's default is 700): a review makes many
#: short-lived objects, freed as they go out of use, and few cycles.
REVIEW_GC_THRESHOLD = 20_000
#: Each format's part of the report for one reviewed workload (small: not the decision).
PARTS: dict[str, Callable[[ReviewedWorkload], Any]] = {
    "table": review_report.table_part,
    "json": review_report.json_part,
    "markdown": comment.markdown_part,
    "sarif": sarif.sarif_part,
}


def define_review(review: argparse.ArgumentParser) -> None:
    """Add the options of ``decider review`` to its parser."""
    review.description = (
        "For each workload found, where it runs now against decider's recommendation: keep, consider or move. "
        "Exit 0 when the review ran (files that cannot be read are listed in the report), 1 when --fail-on trips, "
        "2 for bad input (and, with --strict, for any file that cannot be read)."
    )
    review.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    review.add_argument("--usage", metavar="FILE", help="YAML map: resource name → partial workload (traffic …)")
    review.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        help="a .tfvars file applied to the Terraform configurations read (after terraform.tfvars and *.auto.tfvars)",
    )
    review.add_argument("--format", choices=FORMATS, default="table")
    review.add_argument(
        "--base",
        metavar="REF",
        help="also review the same paths at this git commit, branch or tag, and report what the change moves "
        "(new workloads, changed verdicts, monthly cost delta); --fail-on then counts only new findings",
    )
    review.add_argument(
        "--base-path",
        metavar="DIR",
        help="as --base, with the base version in a folder (the single PATH is the new one)",
    )
    review.add_argument(
        "--fail-on", choices=("move", "consider"), default=None, help="exit 1 when any verdict is this or worse"
    )
    review.add_argument(
        "--keep-margin",
        type=float,
        default=KEEP_MARGIN_POINTS,
        metavar="POINTS",
        help=f"keep the current target when within this many points of the best (default {KEEP_MARGIN_POINTS:g})",
    )
    review.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")
    review.add_argument(
        "--chart-dir",
        metavar="DIR",
        help="also write each workload's cost-vs-traffic chart as DIR/<name>.svg (linked from the Markdown report; "
        "one full decision per workload, so slower)",
    )
    review.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 on the first file that cannot be read or workload that is not valid, instead of listing it",
    )
    review.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help=f"worker processes for a review of {MIN_PARALLEL_WORKLOADS} workloads or more (default: the number "
        "of CPUs); 1 reviews in this process. The report is the same either way",
    )
    review.set_defaults(handler=run_review)


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of worker processes, 1 or more, got {text!r}")
    return jobs


def run_review(args: argparse.Namespace) -> int:
    if not 0 <= args.keep_margin <= 100:
        raise SourceError([Problem("--keep-margin", f"must be between 0 and 100 points, got {args.keep_margin:g}")])
    ruleset = load_ruleset(args.rules)
    if args.chart_dir is not None:
        charts.prepare(args.chart_dir)
    if args.base is not None or args.base_path is not None:
        from decider.cli.review_base import run_diff  # only a review of a change needs git and the diff

        return run_diff(args, ruleset)
    with _fewer_collections():
        discovery = find_workloads(
            args.paths,
            exclude=[args.usage] if args.usage else [],
            keep_going=not args.strict,
            var_files=args.var_file,
        )
        if args.usage:
            apply_usage(discovery.workloads, read_usage(args.usage), args.usage, discovery.idle)
        unreadable = [
            UnreadableFile(file=item.file, line=item.line, reason=item.reason) for item in discovery.unreadable
        ]
        workloads = discovery.workloads
        if args.strict:
            check_imported(workloads, ruleset)  # every error is found before anything is written
        else:
            workloads, invalid = screen_imported(workloads, ruleset)
            unreadable += [UnreadableFile(file=file, line=line, reason=reason) for file, line, reason in invalid]
        share_clusters(workloads, discovery.skipped)  # the EKS workloads reviewed share one cluster's control plane
        writer = _writer(args.format, ruleset)
        tally = Tally()
        for outcome in _review(workloads, ruleset, args):
            tally.add(outcome.verdict, outcome.now_usd, outcome.recommended_usd, outcome.cluster_share)
            writer.add(outcome.part)
        skipped = [SkippedFile(file=f, reason=r) for f, r in discovery.skipped]
        writer.finish(tally.summary(args.keep_margin), skipped, unreadable)
        if args.chart_dir is not None:
            written = charts.write_each(workloads, ruleset, args.chart_dir)
            if args.format == "markdown":
                sys.stdout.write(charts.markdown_links(written))
    sys.stdout.flush()
    if unreadable:
        sys.stderr.write(f"decider: {len(unreadable)} file(s) or workload(s) could not be read; see the report\n")
    denied = [item.file for item in discovery.unreadable if item.denied]
    if denied:
        sys.stderr.write(f"decider: the review is incomplete: cannot open {', '.join(denied)}\n")
        return EXIT_BAD_INPUT
    tripped = tally.tripped_by(args.fail_on)
    if tripped:
        sys.stderr.write(f"decider: review gate --fail-on {args.fail_on} tripped by {tripped} workload(s)\n")
        return EXIT_GATE
    return EXIT_OK


def _writer(format: str, ruleset: Ruleset) -> review_report.ReviewWriter:
    if format == "json":
        return review_report.JsonWriter(sys.stdout)
    if format == "markdown":
        return comment.MarkdownWriter(sys.stdout)
    if format == "sarif":
        return sarif.SarifWriter(sys.stdout, ruleset)
    return review_report.TableWriter(sys.stdout)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a review runs, and never look again at what is alive when it starts (the
    modules, the rules): a review holds little, so a collection that walks the long-lived objects is wasted."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(REVIEW_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@dataclass(frozen=True, slots=True)
class Outcome:
    """One reviewed workload as the summary counts it, and its part of the report; its decision is gone."""

    verdict: Verdict | None
    now_usd: float | None
    recommended_usd: float | None
    part: Any
    cluster_share: Shares = ()


def outcomes(
    imported: Sequence[ImportedWorkload], ruleset: Ruleset, keep_margin: float, format: str
) -> Iterator[Outcome]:
    """Review each workload in order and keep only what the summary and the report in ``format`` need of it."""
    part = PARTS[format]
    for item in review_each(imported, ruleset, keep_margin):
        share = cluster_share(item.decision, item.compared_target)
        yield Outcome(item.verdict, item.monthly_cost_now_usd, item.monthly_cost_recommended_usd, part(item), share)


def review_chunk(
    chunk: Sequence[ImportedWorkload], ruleset: Ruleset, keep_margin: float, format: str
) -> tuple[list[Outcome], DeciderError | None]:
    """A chunk's outcomes; when a workload fails, those before it and the error (a review in this process writes
    the same outcomes before it stops at the same error)."""
    done: list[Outcome] = []
    try:
        done.extend(outcomes(chunk, ruleset, keep_margin, format))
    except DeciderError as error:
        return done, error
    return done, None


def _review(imported: Sequence[ImportedWorkload], ruleset: Ruleset, args: argparse.Namespace) -> Iterator[Outcome]:
    workers = min(args.jobs or cpu_count(), len(imported) // WORKLOADS_PER_WORKER)
    if workers < 2:
        return outcomes(imported, ruleset, args.keep_margin, args.format)
    return _in_workers(imported, ruleset, workers, args)


def cpu_count() -> int:
    """The CPUs this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


#: The rules workers review with, by the ``--rules`` given: set before workers start, so a forked worker has them;
#: a worker started afresh loads them once.
_RULESETS: dict[tuple[str, ...], Ruleset] = {}


def _start_worker(rules: tuple[str, ...]) -> None:
    if rules not in _RULESETS:
        _RULESETS[rules] = load_ruleset(rules)
    gc.freeze()
    gc.set_threshold(REVIEW_GC_THRESHOLD)


def _review_in_worker(
    rules: tuple[str, ...], chunk: Sequence[ImportedWorkload], keep_margin: float, format: str
) -> tuple[list[Outcome], DeciderError | None]:
    return review_chunk(chunk, _RULESETS[rules], keep_margin, format)


def _in_workers(
    imported: Sequence[ImportedWorkload], ruleset: Ruleset, jobs: int, args: argparse.Namespace
) -> Iterator[Outcome]:
    """The outcomes in review order, from chunks reviewed by ``jobs`` worker processes, a few chunks ahead."""
    size = max(1, min(CHUNK_WORKLOADS, -(-len(imported) // (jobs * 4))))
    chunks = (imported[start : start + size] for start in range(0, len(imported), size))
    rules = tuple(args.rules)
    _RULESETS[rules] = ruleset
    pool = ProcessPoolExecutor(jobs, _start_method(), initializer=_start_worker, initargs=(rules,))
    try:

        def submit(chunk: Sequence[ImportedWorkload]) -> Future[tuple[list[Outcome], DeciderError | None]]:
            return pool.submit(_review_in_worker, rules, chunk, args.keep_margin, args.format)

        pending = deque(submit(chunk) for chunk in islice(chunks, jobs * CHUNKS_PER_WORKER))
        while pending:
            done, error = pending.popleft().result()
            pending.extend(submit(chunk) for chunk in islice(chunks, 1))
            yield from done
            if error is not None:
                raise error
    except BrokenProcessPool as error:
        raise SourceError(
            [Problem("--jobs", f"a worker process stopped before it finished ({error}); run again with --jobs 1")]
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _RULESETS.pop(rules, None)


def _start_method() -> multiprocessing.context.BaseContext:
    # A forked worker starts in milliseconds with everything imported; fork only while this process runs one thread.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
