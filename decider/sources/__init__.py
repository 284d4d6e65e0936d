"""Finding workloads to review in files and folders: workload files, SAM/CloudFormation, ECS, Kubernetes.

Each file is classified by its content, not its name: a template has ``AWSTemplateFormatVersion`` or ``Resources``
of AWS types; a Kubernetes manifest has ``apiVersion`` and ``kind``; an ECS task definition has ``family`` and
``containerDefinitions``; a workload file has workload sections. Under a folder, files that are none of these (and
Helm templates, which are not YAML until rendered) are skipped and listed, and so are files of the formats decider
does not read (Pulumi, Serverless Framework, AWS Copilot, Docker Compose), recognised by name. A file that should be
read but cannot be (it does not parse, or a file named explicitly is no source) is an error, or, with ``keep_going``,
recorded in ``Discovery.unreadable`` with its reason while every other file is still read.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from decider.document_limits import MAX_FILE_BYTES
from decider.errors import DocumentError, Problem, SourceError
from decider.sources import cloudformation, kubernetes, terraform_plan, workload_file
from decider.sources.capacity import Capacity
from decider.sources.document import Document, read_documents
from decider.sources.imported import ImportedWorkload, deep_merge
from decider.sources.kubernetes_routes import Routes, route_pods
from decider.sources.placement import place_pods
from decider.sources.terraform_files import SUFFIX as TERRAFORM_SUFFIX
from decider.sources.terraform_files import check_var_files, read_terraform, terraform_folders
from decider.sources.usage import Usage, apply_usage, read_usage

__all__ = [
    "Discovery",
    "ImportedWorkload",
    "Unreadable",
    "Usage",
    "apply_usage",
    "deep_merge",
    "find_workloads",
    "read_file_workloads",
    "read_usage",
]

SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "cdk.out", ".aws-sam"})
#: Text that marks a file as meant to be a template or manifest: if it does not parse, that is an error, not a skip.
_TEMPLATE_MARKERS = ("AWSTemplateFormatVersion", "AWS::", "apiVersion:")


#: Files of other infrastructure formats, by name (the path relative to the folder searched, as a regular expression):
#: they are listed as not read rather than misread (a Pulumi.yaml's ``runtime:`` is not a workload's).
OTHER_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|/)Pulumi(\.[^/]+)?\.ya?ml$"), "Pulumi"),
    (re.compile(r"(^|/)serverless(\.[^/]+)?\.(ya?ml|json)$"), "Serverless Framework"),
    (re.compile(r"(^|/)copilot/(.+/)?manifest\.ya?ml$"), "AWS Copilot"),
    (re.compile(r"(^|/)(docker-)?compose(\.[^/]+)?\.ya?ml$"), "Docker Compose"),
)


@dataclass(frozen=True)
class Unreadable:
    """A file that should have been read and could not be: why, and the line when the reason has one."""

    file: str
    reason: str
    line: int | None = None
    denied: bool = False
    """The file or folder could not be opened at all (permissions, I/O): the review is incomplete (exit 2)."""


@dataclass
class Discovery:
    """The workloads found under the given paths, the files that were not workload sources (skipped), and — when
    reading keeps going — the files that could not be read."""

    workloads: list[ImportedWorkload] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    capacity: Capacity = field(default_factory=Capacity)
    """The EKS Fargate profiles and clusters found, which place the Kubernetes workloads (sources/placement.py)."""
    routes: Routes = field(default_factory=Routes)
    """The Kubernetes Services, Ingresses and routes found, which say how traffic reaches the Kubernetes workloads
    (sources/kubernetes_routes.py)."""


def other_format(path: str) -> str | None:
    """The name of the other infrastructure format a file is in, judged by its path; None for any other file."""
    posix = path.replace(os.sep, "/")
    return next((name for pattern, name in OTHER_FORMATS if pattern.search(posix)), None)


def _not_a_source(file: Path, resolved: Path) -> str | None:
    """Why a file is listed as skipped without being read: another format (by name), or a Helm chart's template
    (which is not YAML until Helm renders it); None for a file to read."""
    form = other_format(resolved.as_posix())
    if form is not None:
        return f"not read (format: {form})"
    helm = kubernetes.helm_chart_file(file)
    return f"not read: {helm}" if helm is not None else None


def find_workloads(
    paths: Sequence[str], exclude: Iterable[str] = (), *, keep_going: bool = False, var_files: Sequence[str] = ()
) -> Discovery:
    """Read every workload under ``paths`` (files or folders, searched recursively, in a stable order).

    A missing path is always an error; with ``keep_going`` a file that cannot be read is recorded in ``unreadable``
    and the others are still read, else it is an error as soon as it is found. Each folder of Terraform files is
    read as one configuration, with the ``var_files`` (``.tfvars``) applied."""
    excluded = {Path(item).resolve() for item in exclude}
    discovery = Discovery()
    missing = [Problem(path, "no such file or directory") for path in paths if not Path(path).exists()]
    if missing:
        raise SourceError(missing)
    check_var_files(var_files)
    here = Path.cwd().resolve()
    for path in paths:
        root = Path(path)
        if root.is_dir():
            for file in _walk(root, discovery, here):
                resolved = file.resolve()
                if resolved in excluded:
                    continue
                shown = _shown(resolved, here)
                reason = _not_a_source(file, resolved)
                if reason is not None:
                    discovery.skipped.append((shown, reason))
                    continue
                try:
                    found = read_file_workloads(file, shown, discovery.capacity, discovery.routes)
                except (SourceError, DocumentError) as error:
                    if not _looks_like_template(file):
                        discovery.skipped.append((shown, _first_line(error)))
                    elif keep_going:
                        discovery.unreadable.append(_unreadable(shown, error))
                    else:
                        raise
                    continue
                if found is None:
                    discovery.skipped.append((shown, "not a workload file, template, task definition or manifest"))
                else:
                    discovery.workloads.extend(found)
            for folder in terraform_folders(root, SKIPPED_FOLDERS):
                _read_terraform(discovery, folder, var_files, excluded, keep_going)
        elif root.suffix == TERRAFORM_SUFFIX:
            _read_terraform(discovery, root.parent, var_files, excluded, keep_going)
        else:
            shown = display_path(root)
            reason = _not_a_source(root, root.resolve())
            if reason is not None:
                discovery.skipped.append((shown, reason))
                continue
            try:
                found = read_file_workloads(root, shown, discovery.capacity, discovery.routes)
                if found is None:
                    raise SourceError(
                        [
                            Problem(
                                shown,
                                "not a workload file, SAM/CloudFormation template, ECS task definition or Kubernetes "
                                "manifest (a workload file has at least one of runtime, traffic, control, team, "
                                "preferences)",
                            )
                        ]
                    )
            except (SourceError, DocumentError) as error:
                if not keep_going:
                    raise
                discovery.unreadable.append(_unreadable(shown, error))
                continue
            discovery.workloads.extend(found)
    place_pods(discovery.workloads, discovery.capacity)
    route_pods(discovery.workloads, discovery.routes)
    return discovery


def _read_terraform(
    discovery: Discovery, folder: Path, var_files: Sequence[str], excluded: set[Path], keep_going: bool
) -> None:
    """The workloads of one Terraform folder into ``discovery`` (or, with ``keep_going``, why it cannot be read)."""
    try:
        discovery.workloads.extend(
            read_terraform(folder, display_path, var_files, excluded, discovery.capacity, discovery.skipped)
        )
    except SourceError as error:
        if not keep_going:
            raise
        discovery.unreadable.append(_unreadable(error.problems[0].location.split(":")[0], error))


def _unreadable(shown: str, error: SourceError | DocumentError) -> Unreadable:
    """The first problem of ``error`` as a record of the file ``shown``, with the line its place names."""
    problems = error.problems
    first = problems[0]
    where = first.location
    match = re.search(r":(\d+)$", where)
    line = int(match.group(1)) if match else None
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return Unreadable(shown, f"{first.message}{more}", line)


def read_file_workloads(
    file: Path, shown: str, capacity: Capacity | None = None, routes: Routes | None = None
) -> list[ImportedWorkload] | None:
    """The workloads in one file, or None when the file is not a source of workloads at all; the EKS Fargate profiles
    and clusters it defines go into ``capacity`` when given, and its Kubernetes Services, Ingresses and routes into
    ``routes``."""
    try:
        documents = read_documents(file)
    except DocumentError as error:
        raise SourceError([error.problem]) from None
    if not documents:
        return None
    if kubernetes.listed_as_patch(file):
        return []  # a Kustomize patch: part of an object defined elsewhere, never a workload of its own
    found = _read_documents(documents, shown, capacity if capacity is not None else Capacity())
    _kustomize(file, found or [])
    manifests = [document for document in documents if kubernetes.is_manifest(document.data)]
    if routes is not None and found is not None and manifests:
        routes.read(manifests, shown, kubernetes.kustomized(file)[0])
    warnings = [warning for document in documents for warning in document.warnings]
    for workload in found or ():
        workload.assumptions.extend(f"{shown}: {warning}" for warning in warnings)
    return found


def _kustomize(file: Path, found: list[ImportedWorkload]) -> None:
    """Give the Kubernetes workloads of a file the namespace and pod labels its kustomization.yaml sets."""
    pods = [workload for workload in found if workload.runs_as == "kubernetes"]
    namespace, labels = kubernetes.kustomized(file) if pods else (None, {})
    for workload in pods:
        if namespace is not None:
            workload.namespace = namespace
            workload.assume(f"namespace {namespace}, set by the kustomization beside it")
        workload.pod_labels.update(labels)


def _read_documents(documents: list[Document], shown: str, capacity: Capacity) -> list[ImportedWorkload] | None:
    first = documents[0].data
    if terraform_plan.is_plan(first):
        return terraform_plan.read_plan(first, documents[0].text, shown, capacity)
    if cloudformation.is_template(first):
        return cloudformation.read_template(documents[0], shown, capacity)
    if cloudformation.is_task_definition_file(first):
        return [cloudformation.read_task_definition_file(documents[0], shown)]
    manifests = [document for document in documents if kubernetes.is_manifest(document.data)]
    if manifests:
        kubernetes_api = kubernetes.uses_kubernetes_api([document.data for document in manifests])
        found = [kubernetes.read_manifest(document, shown, kubernetes_api) for document in manifests]
        return [workload for workload in found if workload is not None]
    if all(workload_file.holds_workloads(document) for document in documents):
        return workload_file.read_workloads(documents, shown)
    return None


def display_path(file: Path) -> str:
    """The path as a reviewer reads it and code scanning locates it: relative to the current folder when inside it."""
    return _shown(file.resolve(), Path.cwd().resolve())


def _shown(resolved: Path, here: Path) -> str:
    try:
        return resolved.relative_to(here).as_posix()
    except ValueError:
        return resolved.as_posix()


def _walk(root: Path, discovery: Discovery, here: Path) -> list[Path]:
    """The files to read under ``root``: regular files inside it, within the size limit. Anything else found is
    recorded: a symlink out of the folder, a device, FIFO or socket, a symlink loop or an oversize file as skipped
    (with the reason); a folder or file that cannot be opened as unreadable (``denied``)."""
    inside = root.resolve()
    files: list[Path] = []

    def denied(error: OSError) -> None:
        where = _shown(Path(error.filename or root).absolute(), here)
        discovery.unreadable.append(Unreadable(where, f"cannot read: {error.strerror or error}", denied=True))

    for folder, subfolders, names in os.walk(root, onerror=denied):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS)
        for name in sorted(names):
            if Path(name).suffix.lower() not in SUFFIXES:
                continue
            file = Path(folder) / name
            reason = _not_readable(file, inside)
            if reason is None:
                files.append(file)
            elif reason.startswith("cannot read"):
                discovery.unreadable.append(Unreadable(_shown(file.absolute(), here), reason, denied=True))
            else:
                discovery.skipped.append((_shown(file.absolute(), here), reason))
    return files


def _not_readable(file: Path, inside: Path) -> str | None:
    """Why ``file`` is not read (None: it is read): it must be a regular file under ``inside``, small enough."""
    try:
        resolved = file.resolve(strict=True)
    except RuntimeError:
        return "not read: a symlink loop"
    except OSError as error:
        return f"not read: a broken symlink ({error.strerror or error})"
    if not resolved.is_relative_to(inside):
        return "not read: a symlink to outside the folder reviewed"
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


def _looks_like_template(file: Path) -> bool:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "{{" not in text and any(marker in text for marker in _TEMPLATE_MARKERS)


def _first_line(error: Exception) -> str:
    problems = getattr(error, "problems", None) or [getattr(error, "problem", None)]
    first = problems[0]
    return str(getattr(first, "message", error))
