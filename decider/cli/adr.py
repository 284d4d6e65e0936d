"""``decider adr``: an Architecture Decision Record (MADR) for one workload, from a workload file, a template or
a manifest (``--name`` picks one of several), with the usage file's entry for it and, with ``--chart``, the cost
chart beside it."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from decider.cli import charts
from decider.cli.review import EXIT_OK
from decider.document_limits import read_text
from decider.document_lines import line_of
from decider.engine import decide
from decider.errors import DocumentError, MoreProblems, Problem, SourceError, WorkloadError, nearest
from decider.render import adr, image
from decider.render.chart import cost_chart
from decider.review_input import settle_region
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, find_workloads, read_usage
from decider.sources.document import parse_documents
from decider.sources.usage import answered_by, lay_usage
from decider.sources.workload_file import read_workloads
from decider.workload import parse_workload


def define_adr(record: argparse.ArgumentParser) -> None:
    """Add the options of ``decider adr`` to its parser."""
    record.description = adr.__doc__
    record.add_argument("path", metavar="WORKLOAD", help="workload file, template or manifest, or - for stdin")
    record.add_argument("--name", help="which workload, when the file holds several")
    record.add_argument("--usage", metavar="FILE", help="usage file, as for review")
    record.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    record.add_argument("--status", choices=adr.STATUSES, default="proposed")
    record.add_argument("--date", type=_record_date, help="record date, YYYY-MM-DD (default: today, UTC)")
    record.add_argument(
        "--chart",
        metavar="FILE",
        help="also write the cost-vs-traffic chart here (SVG or PNG by the extension) and show it in the record",
    )
    record.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")
    record.set_defaults(handler=run_adr)


def _record_date(text: str) -> str:
    """A calendar date written YYYY-MM-DD, as the record prints it (argparse says which option was wrong)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is None:
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date written YYYY-MM-DD (for example 2026-12-03)"
        ) from None


RECORD_HEADLINE = "cannot write the decision record"


def run_adr(args: argparse.Namespace) -> int:
    if args.chart is not None:
        charts.check(args.chart)
    ruleset = load_ruleset(args.rules)
    try:  # the same readers as the review's, which say what they cannot do as "cannot review"
        candidates, text = _adr_candidates(args.path)
        chosen = _choose(candidates, args.name, args.path)
        if args.usage:
            # The usage file is the one the whole review uses: an entry may name the workload by its name, its
            # deployed name, file#name or file:line, as the review reads it; entries for other files are left alone.
            usage = read_usage(args.usage)
            lay_usage(candidates, usage, args.usage)
            if not answered_by([chosen]) & set(usage):
                sys.stderr.write(
                    f"decider: {args.usage} has no entry for {chosen.name} (by its name, deployed name, file#name or "
                    "file:line): the record is written on decider's defaults for what the source leaves out\n"
                )
    except SourceError as error:
        raise SourceError(error.problems, headline=RECORD_HEADLINE) from None
    settle_region(chosen, ruleset)
    try:
        parsed = parse_workload(chosen.raw, strict_json=chosen.json_types)
    except WorkloadError as error:
        raise _placed(error, chosen, text, "<stdin>" if args.path == "-" else chosen.file) from None
    decision = decide(parsed, ruleset)
    if chosen.assumptions:
        decision = decision.model_copy(update={"assumptions": (*chosen.assumptions, *decision.assumptions)})
    if decision.name is None:
        decision = decision.model_copy(update={"name": chosen.name})
    date = args.date or datetime.now(UTC).date().isoformat()
    source = f"{chosen.file}:{chosen.line}" if args.path != "-" else None
    link = None
    if args.chart is not None:
        image.write(cost_chart(decision, parsed.workload.requests_per_month), args.chart)
        link = charts.link(args.chart, Path(args.output).resolve().parent if args.output else None)
    text = adr.to_adr(
        decision,
        parsed.workload,
        date=date,
        status=args.status,
        source=source,
        chart=link,
        assumed=[path for path, _ in parsed.defaults],
    )
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            problem = Problem(args.output, f"cannot write: {error.strerror or error}")
            raise SourceError([problem], headline=RECORD_HEADLINE) from None
        sys.stderr.write(f"decider: wrote {args.output}\n")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _adr_candidates(path: str) -> tuple[list[ImportedWorkload], str | None]:
    """The workloads ``path`` holds, and the text read from stdin (a file's is read again only to place a problem)."""
    if path == "-":
        text = sys.stdin.read()
        return read_workloads(parse_documents(text, "<stdin>"), "stdin"), text
    if Path(path).is_dir():
        raise SourceError([Problem(path, "is a folder; give one workload file, template or manifest")])
    return find_workloads([path]).workloads, None


def _placed(error: WorkloadError, chosen: ImportedWorkload, text: str | None, source: str) -> WorkloadError:
    """Each problem at ``FILE:LINE:``, as ``decider recommend`` says it: the line of its field in a workload file,
    else the line the workload starts on (a template's resource, or a field the file does not write)."""
    node = None
    if chosen.kind == "workload":
        try:
            node = _node_at(text if text is not None else read_text(Path(chosen.file)), chosen.line)
        except DocumentError:  # read once already: changed or gone since, so placed at the workload's line
            node = None
    problems: list[Problem] = []
    for problem in error.problems:
        if isinstance(problem, MoreProblems):
            problems.append(problem)
            continue
        line = (line_of(node, problem.location) if node is not None else None) or chosen.line
        where = f"{source}:{line}: {problem.location}" if problem.location else f"{source}:{line}"
        problems.append(replace(problem, location=where, line=line))
    return WorkloadError(problems, headline=error.headline)


def _node_at(text: str, line: int) -> yaml.Node | None:
    """The mapping a workload file's workload starting on ``line`` was read from (a document, or an item of a
    document's list), with each node's place in the text; None when there is none."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    nodes = [*documents, *(item for node in documents if isinstance(node, yaml.SequenceNode) for item in node.value)]
    found = [node for node in nodes if isinstance(node, yaml.MappingNode) and node.start_mark.line + 1 == line]
    if not found and len(documents) == 1 and isinstance(documents[0], yaml.MappingNode):
        return documents[0]  # JSON: one document, said to start on line 1 wherever its brace is
    return found[0] if found else None


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
