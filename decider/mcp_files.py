"""The MCP ``review`` tool's second form: the text of infrastructure files (SAM/CloudFormation, ECS task definitions,
Kubernetes manifests, Terraform), reviewed as ``decider review`` reviews a folder.

An assistant seldom has a checkout it can point decider at; it has the file it is looking at. The files are written
to a private temporary folder under the names given (one level, no path separators), read by the same readers as the
CLI (so Terraform files in the call form one configuration), and every ``file`` in the answer is the name the caller
gave. A file that cannot be read is listed as unreadable and the others are still reviewed; bad arguments are
Problems naming the file.

A usage file, as ``decider review --usage`` reads it, comes as the ``usage`` argument (its text, or the document as an
object): laid over the workloads the files describe, it gives what they do not say, their traffic above all.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from decider.errors import DeciderError, Problem, SourceError, WorkloadError, json_type, quoted
from decider.review import Review, UnreadableFile, review_imported
from decider.review_input import screen_imported
from decider.rules.model import Ruleset
from decider.sources import Usage, apply_usage, find_workloads, read_usage

MAX_FILES = 20
MAX_FILE_CHARS = 512 * 1024
#: A file name: letters, digits and ``._-``, with an extension the review reads (checked by the readers).
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

FILES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_FILES,
    "description": "Infrastructure files to review instead of workloads: SAM/CloudFormation templates, ECS task "
    "definitions, Kubernetes manifests or Terraform (.tf, .tfvars, a plan's JSON), each by its file name and text.",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": NAME.pattern, "description": "The file name, e.g. template.yaml."},
            "text": {"type": "string", "maxLength": MAX_FILE_CHARS, "description": "The file's whole text."},
        },
        "required": ["name", "text"],
        "additionalProperties": False,
    },
}


#: The review tool's argument for the usage file; also how the answer names it (where a field it gave came from).
USAGE = "usage"

USAGE_SCHEMA: dict[str, Any] = {
    "type": ["object", "string"],
    "description": "With files: the usage file decider review --usage reads, as its YAML or JSON text or as the "
    "document itself: per workload or resource name (or file#name), a partial workload laid over what the files say, "
    'above all its traffic, e.g. {"OrdersApi": {"traffic": {"requests_per_month": 2000000}}}. Without '
    "traffic from the files or the usage, a verdict is unknown.",
}


def read_files(raw: object) -> list[tuple[str, str]]:
    """The ``files`` argument as (name, text) pairs; every problem names its item."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_FILES:
        count = f"{len(raw)} files" if isinstance(raw, list) else json_type(raw)
        raise WorkloadError([Problem("files", f"give 1 to {MAX_FILES} files, each {{name, text}}, got {count}")])
    problems: list[Problem] = []
    files: list[tuple[str, str]] = []
    for index, item in enumerate(raw):
        where = f"files[{index}]"
        if not isinstance(item, Mapping) or set(item) != {"name", "text"}:
            problems.append(Problem(where, "must be an object with exactly name and text"))
            continue
        name, text = item["name"], item["text"]
        if not isinstance(name, str) or not NAME.match(name) or name in (".", ".."):
            said = quoted(name) if isinstance(name, str) else json_type(name)
            message = f"a plain file name: letters, digits and ._- (no folders), got {said}"
            problems.append(Problem(f"{where}.name", message))
        elif any(name == seen for seen, _ in files):
            problems.append(Problem(f"{where}.name", f"{name!r} is given twice"))
        if not isinstance(text, str) or len(text) > MAX_FILE_CHARS:
            problems.append(Problem(f"{where}.text", f"the file's text, at most {MAX_FILE_CHARS:,} characters"))
        if not problems:
            files.append((name, text))
    if problems:
        raise WorkloadError(problems)
    return files


def read_usage_argument(raw: object) -> Usage:
    """The ``usage`` argument read as ``decider review --usage`` reads a usage file (the same reader and checks): text
    as a YAML or JSON file's, an object as JSON; every problem is located at ``usage``."""
    if isinstance(raw, str):
        name, text = "usage.yaml", raw
    elif isinstance(raw, Mapping):
        name, text = "usage.json", json.dumps(raw)
    else:
        message = f"the usage file's text, or the document as an object, got {json_type(raw)}"
        raise WorkloadError([Problem(USAGE, message)])
    if len(text) > MAX_FILE_CHARS:
        raise WorkloadError([Problem(USAGE, f"at most {MAX_FILE_CHARS:,} characters, got {len(text):,}")])
    with tempfile.TemporaryDirectory(prefix="decider-mcp-") as folder:
        path = os.path.join(folder, name)
        Path(path).write_text(text, encoding="utf-8")
        try:
            return read_usage(path)
        except DeciderError as error:  # said of the argument, not of the server's temporary file
            problems = [
                replace(
                    problem,
                    location=problem.location.replace(path, USAGE),
                    message=problem.message.replace(path, USAGE),
                )
                for problem in error.problems
            ]
            raise SourceError(problems, headline=error.headline) from None


def review_files(files: Sequence[tuple[str, str]], ruleset: Ruleset, usage: Usage | None = None) -> Review:
    """Review the workloads the files describe, as ``decider review FOLDER --usage`` would; files named as given."""
    with tempfile.TemporaryDirectory(prefix="decider-mcp-") as folder:
        for name, text in files:
            (Path(folder) / name).write_text(text, encoding="utf-8")
        discovery = find_workloads([folder], keep_going=True)

        root = os.path.realpath(folder)

        def given(path: str) -> str:
            """The caller's name for a file of the folder: the review shows paths relative to the working directory
            (``tmp/decider-mcp-…/main.tf`` from /), which would put the temporary folder in the answer."""
            full = os.path.realpath(path)
            return os.path.relpath(full, root) if full.startswith(root + os.sep) else path

        # The folder as notes may spell it (a Service's file and line in an assumption, a reason naming a file).
        spellings = sorted({folder + os.sep, root + os.sep, os.path.relpath(folder) + os.sep}, key=len, reverse=True)

        def untold(text: str) -> str:
            for spelling in spellings:
                text = text.replace(spelling, "")
            return text

        for workload in [*discovery.workloads, *discovery.idle]:
            workload.file = given(workload.file)
            workload.assumptions = [untold(note) for note in workload.assumptions]
        if usage:  # after the files are named as given: a usage key may be file#name
            apply_usage(discovery.workloads, usage, USAGE, discovery.idle)
        workloads, invalid = screen_imported(discovery.workloads, ruleset)
        unreadable = [
            UnreadableFile(file=given(item.file), line=item.line, reason=untold(item.reason))
            for item in discovery.unreadable
        ]
        unreadable += [
            UnreadableFile(file=given(file), line=line, reason=untold(reason)) for file, line, reason in invalid
        ]
        skipped = [(given(file), reason) for file, reason in discovery.skipped]
        return review_imported(workloads, ruleset, skipped=skipped, unreadable=unreadable)
