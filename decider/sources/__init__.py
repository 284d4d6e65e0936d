"""Finding workloads to review in files and folders: workload files, SAM/CloudFormation, ECS, Kubernetes.

Each file is classified by its content, not its name: a template has ``AWSTemplateFormatVersion`` or ``Resources``
of AWS types; a Kubernetes manifest has ``apiVersion`` and ``kind``; an ECS task definition has ``family`` and
``containerDefinitions``; a workload file has workload sections. Under a folder, files that are none of these (and
Helm templates, which are not YAML until rendered) are skipped and listed, and so are files of the formats decider
does not read (Pulumi, Serverless Framework, AWS Copilot, Docker Compose), recognised by name (an AWS Copilot manifest
by its ``type`` too, wherever it is). A file that should be read but cannot be (it does not parse, or a file named
explicitly is no source) is an error, or, with ``keep_going``, recorded in ``Discovery.unreadable`` with its reason
while every other file is still read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from decider.document_limits import read_text
from decider.documents import parse_all
from decider.errors import DocumentError, Problem, SourceError
from decider.sources import cloudformation, kubernetes, kubernetes_files, terraform_plan, workload_file
from decider.sources.capacity import Capacity
from decider.sources.document import Document, read_documents
from decider.sources.imported import ImportedWorkload, NodePool, deep_merge
from decider.sources.kubernetes_ingress import ingress_balancers
from decider.sources.kubernetes_lists import expand_lists
from decider.sources.kubernetes_routes import Routes, api_pods, route_pods, scale_pods
from decider.sources.markers import helm_hint, meant_as_source
from decider.sources.placement import place_pods
from decider.sources.terraform_files import check_var_files, read_terraform
from decider.sources.unread import unread_resources
from decider.sources.usage import Usage, apply_usage, read_usage
from decider.sources.walk import TERRAFORM_SUFFIX, not_readable, walk

__all__ = [
    "Discovery",
    "ImportedWorkload",
    "NodePool",
    "Unreadable",
    "Usage",
    "apply_usage",
    "deep_merge",
    "find_workloads",
    "read_file_workloads",
    "read_usage",
]


COPILOT = "AWS Copilot"
#: Files of other infrastructure formats, by name (the path relative to the folder searched, as a regular expression):
#: they are listed as not read rather than misread (a Pulumi.yaml's ``runtime:`` is not a workload's).
OTHER_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|/)Pulumi(\.[^/]+)?\.ya?ml$"), "Pulumi"),
    (re.compile(r"(^|/)serverless(\.[^/]+)?\.(ya?ml|json)$"), "Serverless Framework"),
    (re.compile(r"(^|/)copilot/(.+/)?manifest\.ya?ml$"), COPILOT),
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
    idle: list[ImportedWorkload] = field(default_factory=list)
    """The workloads that run nothing (a suspended CronJob, a function only a disabled schedule starts): listed as
    skipped, not reviewed; a usage file may still name them."""
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
    helm = kubernetes_files.helm_chart_file(file)
    return f"not read: {helm}" if helm is not None else None


def find_workloads(
    paths: Sequence[str], exclude: Iterable[str] = (), *, keep_going: bool = False, var_files: Sequence[str] = ()
) -> Discovery:
    """Read every workload under ``paths`` (files or folders, searched recursively, in a stable order), each file and
    each Terraform folder once however many of the paths reach it (the first path to reach it places it).

    A missing path is always an error; with ``keep_going`` a file that cannot be read is recorded in ``unreadable``
    and the others are still read, else it is an error as soon as it is found. Each folder of Terraform files is
    read as one configuration, with the ``var_files`` (``.tfvars``) applied."""
    excluded = {Path(item).resolve() for item in exclude}
    discovery = Discovery()
    missing = [Problem(path, "no such file or directory") for path in paths if not Path(path).exists()]
    if missing:
        raise SourceError(missing)
    check_var_files(var_files)
    steps = _plan(paths, Path.cwd().resolve())
    folders = frozenset(step[1].resolve() for step in steps if step[0] == "terraform")
    for kind, path, shown, reason in steps:
        if kind == "skip":
            discovery.skipped.append((shown, reason))
        elif kind == "deny":
            discovery.unreadable.append(Unreadable(shown, reason, denied=True))
        elif kind == "terraform":
            _read_terraform(discovery, path, var_files, excluded, keep_going, folders)
        elif kind == "named" or path.resolve() not in excluded:
            _read_file(discovery, path, shown, named=kind == "named", keep_going=keep_going)
    idle = [workload for workload in discovery.workloads if workload.idle is not None]
    discovery.idle = idle
    discovery.skipped += [(workload.file, f"line {workload.line}: {workload.idle}") for workload in idle]
    discovery.workloads = [workload for workload in discovery.workloads if workload.idle is None]
    place_pods(discovery.workloads, discovery.capacity)
    route_pods(discovery.workloads, discovery.routes)
    ingress_balancers(discovery.workloads, discovery.routes)
    api_pods(discovery.workloads, discovery.routes)
    scale_pods(discovery.workloads, discovery.routes)
    return discovery


#: One step of a review's reading: ("file" | "named", path, shown, "") reads a file found under a folder or named;
#: ("terraform", folder, shown, "") a Terraform configuration; ("skip" | "deny", path, shown, reason) lists a path.
_Step = tuple[str, Path, str, str]


def _plan(paths: Sequence[str], here: Path) -> list[_Step]:
    """What to read, in order: each folder's files (walked), then its Terraform folders. A file or Terraform folder
    that an earlier path reached already (``infra infra/sam``) is not read again: paths are compared resolved."""
    steps: list[_Step] = []
    earlier: set[Path] = set()

    def report(kind: str) -> Callable[[Path, str], None]:
        return lambda path, reason: steps.append((kind, path, _shown(path.absolute(), here), reason))

    for path in paths:
        root = Path(path)
        reached: list[tuple[str, Path]] = []
        if root.is_dir():
            files, folders = walk(root, report("skip"), report("deny"))
            reached += [("file", file) for file in files] + [("terraform", folder) for folder in folders]
        elif root.suffix == TERRAFORM_SUFFIX:
            reached.append(("terraform", root.parent))
        else:
            reached.append(("named", root))
        resolved = [(kind, item, item.resolve()) for kind, item in reached]
        steps += [(kind, item, _shown(real, here), "") for kind, item, real in resolved if real not in earlier]
        earlier.update(real for _, _, real in resolved)
    return steps


def _read_file(discovery: Discovery, file: Path, shown: str, *, named: bool, keep_going: bool) -> None:
    """The workloads of one file into ``discovery``, or why it is skipped or cannot be read. Under a folder, a file
    that is no source, or does not parse while its text shows no source decider reads, is skipped; named on the
    command line, it must be a source."""
    reason = _not_a_source(file, file.resolve())
    if reason is not None:
        discovery.skipped.append((shown, reason))
        return
    # A folder's walk checks its files; a path named is checked here, before anything opens it (a FIFO would block
    # the review, a device such as /dev/zero fill its memory)
    refused = not_readable(file, file.resolve().parent) if named else None
    if refused is not None:
        if not keep_going:
            raise SourceError([Problem(shown, refused)])
        discovery.unreadable.append(Unreadable(shown, refused))
        return
    try:
        found = read_file_workloads(file, shown, discovery.capacity, discovery.routes, discovery.skipped)
        if found is None and named:
            raise SourceError([Problem(shown, NOT_A_SOURCE)])
    except (SourceError, DocumentError) as error:
        if not named and not meant_as_source(file):
            discovery.skipped.append((shown, _first_line(error)))
        elif keep_going:
            discovery.unreadable.append(_unreadable(shown, error, helm_hint(file)))
        else:
            raise _advised(error, helm_hint(file)) from None
        return
    if found is None:
        discovery.skipped.append((shown, "not a workload file, template, task definition or manifest"))
    else:
        discovery.workloads.extend(found)


NOT_A_SOURCE = (
    "not a workload file, SAM/CloudFormation template, ECS task definition or Kubernetes manifest (a workload file "
    "has at least one of runtime, traffic, control, team, preferences)"
)


def _read_terraform(
    discovery: Discovery,
    folder: Path,
    var_files: Sequence[str],
    excluded: set[Path],
    keep_going: bool,
    reviewed: frozenset[Path],
) -> None:
    """The workloads of one Terraform folder into ``discovery`` (or, with ``keep_going``, why it cannot be read);
    ``reviewed`` holds every Terraform folder of the review (a local module's folder may be one of them)."""
    try:
        discovery.workloads.extend(
            read_terraform(folder, display_path, var_files, excluded, discovery.capacity, discovery.skipped, reviewed)
        )
    except SourceError as error:
        if not keep_going:
            raise
        discovery.unreadable.append(_unreadable(error.problems[0].location.split(":")[0], error))


def _advised(error: SourceError | DocumentError, hint: str | None) -> SourceError | DocumentError:
    """``error`` with what to do (``hint``) after its first problem, as the listing of unreadable files says it: the
    ``--strict`` gate that fails a build gives the same advice as the report."""
    if hint is None:
        return error
    first, *rest = error.problems
    advised = replace(first, message=f"{first.message} ({hint})")
    return DocumentError(advised) if isinstance(error, DocumentError) else SourceError([advised, *rest])


def _unreadable(shown: str, error: SourceError | DocumentError, hint: str | None = None) -> Unreadable:
    """The first problem of ``error`` as a record of the file ``shown``, with the line its place names (and what to
    do, when there is a ``hint``)."""
    problems = error.problems
    first = problems[0]
    where = first.location
    match = re.search(r":(\d+)$", where)
    line = int(match.group(1)) if match else None
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    told = f" ({hint})" if hint else ""
    return Unreadable(shown, f"{first.message}{more}{told}", line)


def read_file_workloads(
    file: Path,
    shown: str,
    capacity: Capacity | None = None,
    routes: Routes | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> list[ImportedWorkload] | None:
    """The workloads in one file, or None when the file is not a source of workloads at all; the EKS Fargate profiles
    and clusters it defines go into ``capacity`` when given, its Kubernetes Services, Ingresses and routes into
    ``routes``, and the objects in it that run pods but that decider does not read into ``skipped``."""
    try:
        documents = read_documents(file)
    except DocumentError as error:
        raise SourceError([error.problem]) from None
    if not documents:
        return None
    if kubernetes_files.listed_as_patch(file):
        return []  # a Kustomize patch: part of an object defined elsewhere, never a workload of its own
    if workload_file.is_copilot_manifest(documents[0].data):  # wherever it is: listed as another format, not read
        if skipped is not None:
            skipped.append((shown, f"not read (format: {COPILOT})"))
        return []
    documents = expand_lists(documents)  # a Kubernetes List's items are manifests of their own
    _refused_by_kubectl(documents, shown)
    found = _read_documents(documents, shown, capacity if capacity is not None else Capacity())
    if found and all(workload_file.holds_workloads(document) for document in documents):
        _as_recommend_reads(file, shown, found)
    if found is not None and skipped is not None and cloudformation.is_template(documents[0].data):
        skipped.extend((shown, reason) for reason in unread_resources(documents[0].data))
    if found is not None and skipped is not None:
        for document in documents:
            reason = kubernetes.unread_pods(document.data) if kubernetes.is_manifest(document.data) else None
            if reason is not None and not kubernetes.is_patch(document.data):
                skipped.append((shown, f"line {document.line}: {reason}"))
    _kustomize(file, found or [])
    manifests = [document for document in documents if kubernetes.is_manifest(document.data)]
    if routes is not None and found is not None and manifests:
        routes.read(manifests, shown, kubernetes_files.kustomized(file)[0])
    # What reading a document had to decide goes to the workloads of that document (a Kubernetes file's objects are
    # one a document); a template's resources share its one document.
    by_line = {document.line: document.warnings for document in documents}
    every = [warning for document in documents for warning in document.warnings]
    for workload in found or ():
        own = by_line.get(workload.line) if len(documents) > 1 else None
        workload.assumptions.extend(f"{shown}: {warning}" for warning in (every if own is None else own))
    return found


def _as_recommend_reads(file: Path, shown: str, found: list[ImportedWorkload]) -> None:
    """A workload file is read as ``decider recommend`` reads it: YAML with no key given twice and no merge key (the
    templates' reader takes both, as CloudFormation does), JSON held to JSON types ("5" is not 5)."""
    if file.suffix.lower() == ".json":
        for workload in found:
            workload.json_types = True
    else:
        try:
            parse_all(read_text(file), shown)
        except DocumentError as error:
            raise SourceError([error.problem]) from None


def _refused_by_kubectl(documents: list[Document], shown: str) -> None:
    """A Kubernetes manifest with a key given twice is refused by kubectl ("mapping key already defined"), unlike a
    template, which CloudFormation reads with the last one: the file is not read as deployable. Often two objects
    joined by a separator the YAML does not see (``---apiVersion: …`` on one line)."""
    for document in documents:
        if kubernetes.is_manifest(document.data) and document.warnings:
            given = document.warnings[0].split(":", 1)[0]
            joined = any(f"key {key!r} " in given for key in ("apiVersion", "kind"))
            hint = " (is a document separator '---' missing, or joined to the next line?)" if joined else ""
            where = f"{shown}:{document.line}"
            raise SourceError([Problem(where, f"{given} in a Kubernetes object: kubectl refuses to apply it{hint}")])


def _kustomize(file: Path, found: list[ImportedWorkload]) -> None:
    """Give the Kubernetes workloads of a file the namespace and pod labels its kustomization.yaml sets."""
    pods = [workload for workload in found if workload.runs_as == "kubernetes"]
    namespace, labels = kubernetes_files.kustomized(file) if pods else (None, {})
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
        kubernetes_api = kubernetes.uses_kubernetes_api(manifests)
        unmounted = kubernetes.unmounted_accounts(manifests)
        found = [kubernetes.read_manifest(document, shown, kubernetes_api, unmounted) for document in manifests]
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


def _first_line(error: Exception) -> str:
    problems = getattr(error, "problems", None) or [getattr(error, "problem", None)]
    first = problems[0]
    return str(getattr(first, "message", error))
