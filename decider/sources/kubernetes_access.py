"""Kubernetes workloads that use the Kubernetes API, shown by objects in other files of the review (generated trees,
kube-prometheus's or a kustomization's, write one object per file).

A pod uses the Kubernetes API when its ServiceAccount (``serviceAccountName``, else ``default``, in its namespace) is a
subject of a RoleBinding or ClusterRoleBinding (https://kubernetes.io/docs/reference/access-authn-authz/rbac/
#referring-to-subjects), unless it mounts no token (``automountServiceAccountToken: false``); and when the API server
itself calls it: an ``APIService`` (an aggregated API), a validating or mutating webhook configuration, or a
CustomResourceDefinition's conversion webhook names a Service that selects it as its backend
(https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/). Either sets
``control.kubernetes_api``, with the object and its file:line in an assumption.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.kubernetes import pod_account, unmounts_token

BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
WEBHOOK_KINDS = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})
POD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController"})


@dataclass
class Access:
    """The ServiceAccounts the review's pods run as (by the file and line of their workload), the ServiceAccounts that
    RBAC bindings grant permissions, and the Services the API server calls."""

    accounts: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    """(file, line) of a workload: (namespace, ServiceAccount name) its pods run as, when they mount its token."""
    bound: dict[tuple[str, str], str] = field(default_factory=dict)
    """(namespace, ServiceAccount name): the first binding that names it as a subject, with its file:line."""
    called: dict[tuple[str, str], str] = field(default_factory=dict)
    """(namespace, Service name): the first APIService or webhook that names it as its backend, with its file:line."""
    unmounted: dict[tuple[str, str], str] = field(default_factory=dict)
    """(namespace, ServiceAccount name): a ServiceAccount that mounts no token unless a pod asks for one
    (``automountServiceAccountToken: false``), with its file:line."""
    mounting: set[tuple[str, int]] = field(default_factory=set)
    """(file, line) of a workload whose pods ask for the token themselves (``automountServiceAccountToken: true``),
    which takes precedence over their ServiceAccount's setting."""

    def read(self, data: Mapping[str, Any], namespace: str, where: str, file: str, line: int) -> None:
        """One Kubernetes object, in ``namespace`` (its own, a kustomization's, else ``default``)."""
        kind = data.get("kind")
        spec = _mapping(data.get("spec"))
        if kind in BINDING_KINDS:
            for subject in map(_mapping, _list(data.get("subjects"))):
                name = subject.get("name")
                if subject.get("kind") == "ServiceAccount" and isinstance(name, str) and name:
                    own = subject.get("namespace")
                    self.bound.setdefault((own if isinstance(own, str) and own else namespace, name), where)
            return
        for service in _backends(kind, data, spec):
            name, own = service.get("name"), service.get("namespace")
            if isinstance(name, str) and name:
                self.called.setdefault((own if isinstance(own, str) and own else "default", name), where)
        name = _mapping(data.get("metadata")).get("name")
        if unmounts_token(data) and isinstance(name, str):
            self.unmounted.setdefault((namespace, name), where)
            return
        pod = _pod(kind, spec, data)
        if pod is None or pod.get("automountServiceAccountToken") is False:
            return
        if pod.get("automountServiceAccountToken") is True:
            self.mounting.add((file, line))
        self.accounts[(file, line)] = (namespace, pod_account(pod))


def _backends(kind: Any, data: Mapping[str, Any], spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The ``service`` references of an APIService, a webhook configuration's webhooks, a CRD's conversion webhook."""
    if kind == "APIService":
        yield _mapping(spec.get("service"))
    elif kind in WEBHOOK_KINDS:
        for webhook in map(_mapping, _list(data.get("webhooks"))):
            yield _mapping(_mapping(webhook.get("clientConfig")).get("service"))
    elif kind == "CustomResourceDefinition":
        conversion = _mapping(_mapping(spec.get("conversion")).get("webhook"))
        yield _mapping(_mapping(conversion.get("clientConfig")).get("service"))


def _pod(kind: Any, spec: Mapping[str, Any], data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The pod spec of an object that runs pods; None for any other."""
    if kind == "Pod":
        return _mapping(data.get("spec"))
    if kind == "CronJob":
        spec = _mapping(_mapping(spec.get("jobTemplate")).get("spec"))
    elif kind not in POD_KINDS and not _mapping(spec.get("template")).get("spec"):
        return None
    return _mapping(_mapping(spec.get("template")).get("spec"))


def access_pods(
    workloads: Sequence[ImportedWorkload],
    access: Access,
    selected: Callable[[str], Sequence[ImportedWorkload]],
) -> None:
    """Mark the Kubernetes workloads that use the Kubernetes API by objects anywhere in the review: a binding of
    their ServiceAccount, or an APIService or webhook calling a Service that selects them (``selected``: the workloads
    the Services of a namespace and name reach, ``namespace/name``)."""
    for (namespace, name), where in access.called.items():
        for workload in selected(f"{namespace}/{name}"):
            _mark(workload, f"{where} has the Kubernetes API server call Service {name}, which selects it")
    for workload in workloads:
        account = access.accounts.get((workload.file, workload.line))
        if workload.runs_as != "kubernetes" or account is None or account not in access.bound:
            continue
        namespace, name = account
        if account in access.unmounted and (workload.file, workload.line) not in access.mounting:
            workload.assume(
                f"its ServiceAccount {name} ({namespace}) is a subject of {access.bound[account]}, but mounts no token "
                f"(automountServiceAccountToken: false at {access.unmounted[account]}) and its pods ask for none: "
                "not read as needing the Kubernetes API"
            )
            continue
        _mark(workload, f"its ServiceAccount {name} ({namespace}) is a subject of {access.bound[account]}")


def _mark(workload: ImportedWorkload, why: str) -> None:
    if workload.get("control.kubernetes_api") is True:
        return
    workload.set("control.kubernetes_api", True)
    workload.assume(f"{why}: read as needing the Kubernetes API itself")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
