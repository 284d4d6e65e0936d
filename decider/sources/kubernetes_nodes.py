"""What a Kubernetes pod asks of the node it runs on: an operating system, a CPU architecture or an instance type (by
node labels, in its ``nodeSelector`` or its required node affinity), and the node's own file system (``hostPath``
volumes).

The deprecated ``beta.kubernetes.io/os`` and ``beta.kubernetes.io/arch`` labels are read as the labels that replace
them, ``kubernetes.io/os`` and ``kubernetes.io/arch`` (which win when both are given):
https://kubernetes.io/docs/reference/labels-annotations-taints/#beta-kubernetes-io-arch
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.sources.imported import ImportedWorkload

OS_LABELS = ("kubernetes.io/os", "beta.kubernetes.io/os")
ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")
INSTANCE_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
ARCHITECTURES = {"arm64": "arm64", "amd64": "x86_64"}


def read_node_needs(workload: ImportedWorkload, pod: Mapping[str, Any]) -> None:
    """The OS, architecture and instance type a pod's node selection requires, and the node paths it mounts."""
    selector = _mapping(pod.get("nodeSelector"))
    terms = _required_terms(pod)
    architecture, where = _label(selector, terms, ARCH_LABELS)
    if architecture in ARCHITECTURES:
        workload.set("runtime.architecture", ARCHITECTURES[architecture])
        _said(workload, where, architecture, "runtime.architecture")
    system, where = _label(selector, terms, OS_LABELS)
    if system in ("linux", "windows"):
        workload.set("runtime.os", system)
        _said(workload, where, system, "runtime.os")
    for label in INSTANCE_TYPE_LABELS:
        instance_type = selector.get(label)
        if isinstance(instance_type, str) and instance_type:
            workload.set("control.instance_types", [instance_type.split(".", 1)[0]])
    _read_host_paths(workload, pod)


def _label(
    selector: Mapping[str, Any], terms: list[list[Mapping[str, Any]]], labels: tuple[str, ...]
) -> tuple[str | None, str]:
    """The one value a node label (the GA name first, then its deprecated one) must have, and where it was given:
    from the ``nodeSelector``, else from the required node affinity when every one of its terms (ORed) allows that
    value alone (``operator: In``); (None, "") when nothing pins it."""
    for label in labels:
        value = selector.get(label)
        if isinstance(value, str) and value:
            return value, f"nodeSelector {label}"
    for label in labels:
        allowed: set[str] = set()
        for term in terms:
            values = [
                expression.get("values")
                for expression in term
                if expression.get("key") == label and expression.get("operator") == "In"
            ]
            if not values or not isinstance(values[0], list):
                allowed = set()
                break
            allowed |= {str(value) for value in values[0]}
        if len(allowed) == 1:
            return allowed.pop(), f"required node affinity {label}"
    return None, ""


def _said(workload: ImportedWorkload, where: str, value: str, field: str) -> None:
    """An assumption for a value read from anything but the GA label in the ``nodeSelector``."""
    if where.startswith("nodeSelector kubernetes.io/"):
        return
    deprecated = " (the deprecated name of the kubernetes.io/ label)" if "beta.kubernetes.io/" in where else ""
    workload.assume(f"{where} {value}{deprecated}: {field} {value}")


def _required_terms(pod: Mapping[str, Any]) -> list[list[Mapping[str, Any]]]:
    """The ``matchExpressions`` of each term of a pod's required node affinity (terms are ORed)."""
    affinity = _mapping(_mapping(_mapping(pod.get("affinity")).get("nodeAffinity")))
    required = _mapping(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
    return [
        [expression for expression in _list(_mapping(term).get("matchExpressions")) if isinstance(expression, dict)]
        for term in _list(required.get("nodeSelectorTerms"))
    ]


def _read_host_paths(workload: ImportedWorkload, pod: Mapping[str, Any]) -> None:
    """A ``hostPath`` volume mounts the node's own file system (a Docker socket, ``/var/lib/docker``, ``/sys``,
    ``/proc``): the pod needs a host of its own, which Lambda, Fargate and EKS on Fargate do not give, so it is read as
    ``control.host_daemons`` (a DaemonSet already is).
    https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"""
    paths = [
        str(_mapping(volume.get("hostPath")).get("path"))
        for volume in _list(pod.get("volumes"))
        if isinstance(volume, dict) and isinstance(volume.get("hostPath"), dict)
    ]
    if not paths or workload.get("control.host_daemons") is True:
        return
    workload.set("control.host_daemons", True)
    shown = ", ".join(paths)
    workload.assume(
        f"hostPath volume{'s' if len(paths) > 1 else ''} {shown}: the pod needs its node's own file system, which "
        "Lambda and Fargate do not give; read as control.host_daemons"
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
