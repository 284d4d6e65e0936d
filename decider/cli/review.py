"""The ``decider review`` and ``decider adr`` subcommands: read sources, review or decide, render, gate.

Exit codes: 0 fine, 1 the ``--fail-on`` gate tripped (the report is still written), 2 bad input — a missing path,
an unreadable template or manifest, a bad usage file or an invalid workload — with the problem named on stderr.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from decider.engine import decide
from decider.errors import Problem, SourceError, nearest
from decider.render import adr, sarif
from decider.render import review as review_report
from decider.review import KEEP_MARGIN_POINTS, review_imported
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage
from decider.sources.document import parse_documents
from decider.sources.workload_file import read_workloads
from decider.workload import parse_workload

EXIT_OK = 0
EXIT_GATE = 1
FORMATS = ("table", "json", "markdown", "sarif")


def add_review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``review`` and ``adr`` on the CLI's subcommand parser."""
    review = commands.add_parser(
        "review",
        help="review workloads in files and folders (workload files, SAM/CloudFormation, ECS, Kubernetes)",
        description="For each workload found, where it runs now against decider's recommendation: keep, consider "
        "or move. Exit 0 fine, 1 when --fail-on trips, 2 for bad input.",
    )
    review.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    review.add_argument("--usage", metavar="FILE", help="YAML map: resource name → partial workload (traffic …)")
    review.add_argument("--format", choices=FORMATS, default="table")
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
    review.set_defaults(handler=run_review)

    record = commands.add_parser(
        "adr", help="write an Architecture Decision Record (MADR) for one workload", description=adr.__doc__
    )
    record.add_argument("path", metavar="WORKLOAD", help="workload file, template or manifest, or - for stdin")
    record.add_argument("--name", help="which workload, when the file holds several")
    record.add_argument("--usage", metavar="FILE", help="usage file, as for review")
    record.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    record.add_argument("--status", choices=adr.STATUSES, default="proposed")
    record.add_argument("--date", help="record date, YYYY-MM-DD (default: today, UTC)")
    record.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")
    record.set_defaults(handler=run_adr)


def run_review(args: argparse.Namespace) -> int:
    if not 0 <= args.keep_margin <= 100:
        raise SourceError([Problem("--keep-margin", f"must be between 0 and 100 points, got {args.keep_margin:g}")])
    ruleset = load_ruleset(args.rules)
    discovery = find_workloads(args.paths, exclude=[args.usage] if args.usage else [])
    if args.usage:
        apply_usage(discovery.workloads, read_usage(args.usage), args.usage)
    review = review_imported(discovery.workloads, ruleset, args.keep_margin, discovery.skipped)
    if args.format == "json":
        text = review_report.to_json(review) + "\n"
    elif args.format == "markdown":
        text = review_report.to_markdown(review)
    elif args.format == "sarif":
        text = sarif.to_sarif(review, ruleset)
    else:
        text = review_report.to_table(review)
    sys.stdout.write(text)
    sys.stdout.flush()
    tripped = review.tripped_by(args.fail_on)
    if tripped:
        sys.stderr.write(f"decider: review gate --fail-on {args.fail_on} tripped by {tripped} workload(s)\n")
        return EXIT_GATE
    return EXIT_OK


def run_adr(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.rules)
    chosen = _choose(_adr_candidates(args.path), args.name, args.path)
    if args.usage:
        # The usage file is the one the whole review uses: only this workload's entry applies here.
        usage = read_usage(args.usage)
        apply_usage([chosen], {name: entry for name, entry in usage.items() if name == chosen.name}, args.usage)
    parsed = parse_workload(chosen.raw)
    decision = decide(parsed, ruleset)
    if chosen.assumptions:
        decision = decision.model_copy(update={"assumptions": (*chosen.assumptions, *decision.assumptions)})
    if decision.name is None:
        decision = decision.model_copy(update={"name": chosen.name})
    date = args.date or datetime.now(UTC).date().isoformat()
    source = f"{chosen.file}:{chosen.line}" if args.path != "-" else None
    text = adr.to_adr(decision, parsed.workload, date=date, status=args.status, source=source)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise SourceError([Problem(args.output, f"cannot write: {error.strerror or error}")]) from None
        sys.stderr.write(f"decider: wrote {args.output}\n")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _adr_candidates(path: str) -> list[ImportedWorkload]:
    if path == "-":
        return read_workloads(parse_documents(sys.stdin.read(), "<stdin>"), "stdin")
    if Path(path).is_dir():
        raise SourceError([Problem(path, "is a folder; give one workload file, template or manifest")])
    return find_workloads([path]).workloads


def _choose(candidates: list[ImportedWorkload], name: str | None, path: str) -> ImportedWorkload:
    names = [item.name for item in candidates]
    if name is not None:
        for item in candidates:
            if item.name == name:
                return item
        raise SourceError([Problem(f"--name {name}", f"no workload of this name in {path}", nearest(name, names))])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SourceError([Problem(path, "holds no workload")])
    raise SourceError([Problem(path, f"holds {len(candidates)} workloads; choose one with --name: {', '.join(names)}")])
