"""The files around Kubernetes manifests that decide how they are read: a Helm chart's (not read: Helm renders them)
and a Kustomize kustomization's (its patches are parts of objects defined elsewhere; its namespace and labels apply
to the objects it lists)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from decider.documents import read_file
from decider.errors import DocumentError

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
#: Why a Helm chart's files are skipped: a template is a Go template, not YAML (nor the objects it renders) until Helm
#: runs, and the chart's own files (Chart.yaml, values.yaml) are its inputs.
HELM_TEMPLATE = "Helm chart template: render it with `helm template` and review the output"
HELM_CHART = "Helm chart file: render the chart with `helm template` and review the output"
#: How the reasons start of skipped files that may run pods the review did not read (decider/review_cluster.py).
PODS_UNREAD = (HELM_TEMPLATE, HELM_CHART)
#: A Go template action as Helm charts write them (``{{ .Values.x }}``, ``{{- include … }}``, ``{{ if … }}``); not
#: CloudFormation's dynamic references (``{{resolve:ssm:…}}``), which a template may hold.
GO_TEMPLATE_ACTION = re.compile(r"\{\{-?\s*(?:[.$]|(?:include|if|else|end|range|with|define|template|tpl|toYaml)\b)")
#: How many folders up a kustomization may list a file as a patch (``patches/replicas.yaml`` one folder down is usual).
PATCH_LEVELS = 4


def helm_chart_file(file: Path) -> str | None:
    """Why ``file`` is not read when it is part of a Helm chart that Helm renders (None otherwise): a file of the
    chart's own folder (the one holding ``Chart.yaml``: ``Chart.yaml``, ``values.yaml``), one under the chart's
    ``templates/`` folder, or one under any ``templates/`` folder that holds a ``{{ … }}`` action. Read as it is, a
    template is not valid YAML, or not the objects a cluster runs: those are what ``helm template`` prints."""
    folders = file.parents
    if _chart(folders[0]):
        return HELM_CHART
    for index, folder in enumerate(folders[:-1]):
        if folder.name == "templates" and _chart(folders[index + 1]):
            return HELM_TEMPLATE
    if "templates" not in (folder.name for folder in folders):
        return None
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return HELM_TEMPLATE if GO_TEMPLATE_ACTION.search(text) else None


def _chart(folder: Path) -> bool:
    """Whether ``folder`` is a Helm chart's: it holds ``Chart.yaml`` (a folder that cannot be searched is not)."""
    try:
        return (folder / "Chart.yaml").is_file()
    except OSError:
        return False


def _kustomizations(folder: Path) -> Iterator[dict[str, Any]]:
    """The kustomization files in ``folder`` that read as a mapping, through the strict reader and its limits (a
    regular file within the size cap, depth and aliases bounded); one that cannot be read is passed over."""
    for name in KUSTOMIZATION_FILES:
        kustomization = folder / name
        try:
            if not kustomization.is_file():
                continue
            data = read_file(kustomization)
        except (OSError, DocumentError):
            continue
        if isinstance(data, dict):
            yield data


def listed_as_patch(file: Path) -> bool:
    """Whether a kustomization file beside ``file``, or in a folder up to ``PATCH_LEVELS`` above it, lists it as a
    patch (a partial object, not a workload): its paths are relative to the kustomization's folder."""
    for folder in list(file.parents)[:PATCH_LEVELS]:
        relative = file.relative_to(folder).as_posix()
        for data in _kustomizations(folder):
            listed: list[Any] = []
            for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
                listed += _list(data.get(key))
            paths = {str(item.get("path")) if isinstance(item, dict) else str(item) for item in listed}
            if relative in {path.removeprefix("./") for path in paths}:
                return True
    return False


def kustomized(file: Path) -> tuple[str | None, dict[str, str]]:
    """The namespace and pod template labels that the kustomization file beside ``file`` gives the objects of its
    ``resources`` (``namespace``; ``commonLabels``, and ``labels`` entries with ``includeTemplates``); nothing when
    no kustomization there lists the file."""
    for data in _kustomizations(file.parent):
        if not {file.name, f"./{file.name}"} & set(map(str, _list(data.get("resources")))):
            continue
        labels = {str(key): str(value) for key, value in _mapping(data.get("commonLabels")).items()}
        for entry in _list(data.get("labels")):
            if isinstance(entry, dict) and entry.get("includeTemplates") is True:
                labels.update({str(key): str(value) for key, value in _mapping(entry.get("pairs")).items()})
        namespace = data.get("namespace")
        return (namespace if isinstance(namespace, str) and namespace else None), labels
    return None, {}


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
