"""Workloads of the Terraform Kubernetes provider, each read as the manifest it stands for.

A ``kubernetes_deployment``, ``kubernetes_stateful_set``, ``kubernetes_daemonset`` (``kubernetes_daemon_set_v1``),
``kubernetes_job`` or ``kubernetes_cron_job`` (and their ``_v1`` names) is translated into the Deployment,
StatefulSet, DaemonSet, Job or CronJob manifest it creates, and that is read by the Kubernetes manifest reader
(decider/sources/kubernetes.py): the same workload a YAML file of that object gives. A suspended CronJob (or a Job
spec of ``parallelism = 0``) runs nothing: it is listed as skipped, as its manifest would be. The ``aws_eks_*``
resources beside it say which cluster and nodes run it. The provider's schemas:
https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/deployment_v1 (and
``stateful_set_v1``, ``daemon_set_v1``, ``job_v1``, ``cron_job_v1``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.sources.document import Document
from decider.sources.imported import ImportedWorkload
from decider.sources.kubernetes import read_manifest
from decider.sources.template import number_of
from decider.sources.terraform_model import Expression, Resource, blocks, first_block, instance_notes, unknown_note

#: Each Kubernetes provider resource that runs pods, and the kind of the object it creates.
KINDS = {
    "kubernetes_deployment": "Deployment",
    "kubernetes_deployment_v1": "Deployment",
    "kubernetes_stateful_set": "StatefulSet",
    "kubernetes_stateful_set_v1": "StatefulSet",
    "kubernetes_daemonset": "DaemonSet",
    "kubernetes_daemon_set_v1": "DaemonSet",
    "kubernetes_job": "Job",
    "kubernetes_job_v1": "Job",
    "kubernetes_cron_job": "CronJob",
    "kubernetes_cron_job_v1": "CronJob",
}
_API_VERSIONS = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1"}


def manifest_kind(kind: str) -> str:
    """The Kubernetes kind a workload's kind stands for: a provider resource type's (``kubernetes_daemon_set_v1`` →
    ``DaemonSet``), else the kind itself."""
    return KINDS.get(kind, kind)


def kubernetes_workload(resource: Resource, resources: Sequence[Resource]) -> ImportedWorkload | None:
    """A Kubernetes provider resource's workload, read as the manifest it stands for; a Job or CronJob that runs no
    pod is read with ``idle`` saying why (listed as skipped, not reviewed)."""
    kind = KINDS[resource.type]
    unknown: list[tuple[str, Expression]] = []
    values = resource.values
    metadata = first_block(values.get("metadata"))
    namespace = metadata.get("namespace")
    manifest = {
        "apiVersion": _API_VERSIONS.get(kind, "batch/v1"),
        "kind": kind,
        "metadata": {"name": resource.owner, "namespace": namespace if isinstance(namespace, str) else "default"},
        "spec": _spec(kind, first_block(values.get("spec")), unknown),
    }
    workload = read_manifest(Document(data=manifest, line=resource.line), resource.file, None)
    assert workload is not None  # noqa: S101 - each of KINDS that runs a pod is a workload
    workload.kind = resource.type
    for note in instance_notes(resource):
        workload.assume(note)
    for key, expression in unknown:
        workload.assume(unknown_note(key, expression))
    workload.aliases = tuple(
        name for name in [metadata.get("name")] if isinstance(name, str) and name != resource.owner
    )
    if isinstance(namespace, Expression):
        workload.assume(f"namespace is {namespace.text}, not known until Terraform runs: taken as default")
    for cluster in (item for item in resources if item.type == "aws_eks_cluster"):
        version = cluster.values.get("version")
        shown = f" (Kubernetes {version})" if isinstance(version, str) else ""
        workload.assume(f"runs on {cluster.address}{shown}, defined with it")
    for group in (item for item in resources if item.type == "aws_eks_node_group"):
        types = group.values.get("instance_types")
        capacity = group.values.get("capacity_type", "ON_DEMAND")
        if isinstance(types, list):
            shown = ", ".join(str(item) for item in types)
            workload.assume(f"{group.address} provides nodes ({shown}, {capacity}): any of them may run it")
    return workload


def _spec(kind: str, spec: Mapping[str, Any], unknown: list[tuple[str, Expression]]) -> dict[str, Any]:
    """The manifest's ``spec`` for a provider resource's ``spec`` block."""
    if kind == "CronJob":
        job = first_block(first_block(spec.get("job_template")).get("spec"))
        return {
            "schedule": _known(spec, "schedule", unknown),
            "suspend": _known(spec, "suspend", unknown) is True,
            "jobTemplate": {"spec": _job_spec(job, unknown)},
        }
    if kind == "Job":
        return _job_spec(spec, unknown)
    manifest: dict[str, Any] = {"template": _template(spec.get("template"))}
    if kind != "DaemonSet":
        manifest["replicas"] = _replicas(spec.get("replicas"))
    return manifest


#: The Kubernetes provider's ``completions`` and ``parallelism`` when a Job spec sets none: 1 each (its schema's
#: default, which a plan shows filled in): https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/job_v1
PROVIDER_JOB_COUNTS = 1


def _job_spec(spec: Mapping[str, Any], unknown: list[tuple[str, Expression]]) -> dict[str, Any]:
    """A Job spec (a Job's, or a CronJob's ``job_template``'s) as the manifest's."""
    job: dict[str, Any] = {"template": _template(spec.get("template"))}
    for key, name in (
        ("completions", "completions"),
        ("parallelism", "parallelism"),
        ("active_deadline_seconds", "activeDeadlineSeconds"),
        ("backoff_limit", "backoffLimit"),
    ):
        value = _known(spec, key, unknown)
        if value is None and key in ("completions", "parallelism") and key not in spec:
            value = PROVIDER_JOB_COUNTS
        number = number_of(value)
        if number is not None and number.is_integer():
            value = int(number)  # a plan may give a number as text
        if value is not None:
            job[name] = value
    return job


def _known(block: Mapping[str, Any], key: str, unknown: list[tuple[str, Expression]]) -> Any:
    """An attribute's value, or None when it is not known until Terraform runs (noted in ``unknown``)."""
    value = block.get(key)
    if isinstance(value, Expression):
        unknown.append((key, value))
        return None
    return value


def _template(value: Any) -> dict[str, Any]:
    """A provider ``template`` block as the manifest's pod template: labels and the pod spec."""
    template = first_block(value)
    pod = first_block(template.get("spec"))
    return {
        "metadata": {"labels": first_block(template.get("metadata")).get("labels") or {}},
        "spec": {
            "containers": [_container(container) for container in blocks(pod.get("container"))],
            "nodeSelector": pod.get("node_selector") or {},
            "hostNetwork": pod.get("host_network") is True,
            "volumes": [_volume(volume) for volume in blocks(pod.get("volume"))],
            "affinity": _affinity(pod.get("affinity")),
        },
    }


def _container(container: Mapping[str, Any]) -> dict[str, Any]:
    limits_requests = first_block(container.get("resources"))
    security = first_block(container.get("security_context"))
    return {
        "name": container.get("name"),
        "resources": {
            "requests": limits_requests.get("requests") or {},
            "limits": limits_requests.get("limits") or {},
        },
        "securityContext": {"privileged": security.get("privileged") is True},
        "ports": [_port(port) for port in blocks(container.get("port"))],
        **_probes(container),
    }


def _volume(volume: Mapping[str, Any]) -> dict[str, Any]:
    """A provider ``volume`` block as the manifest's: its name, and a ``host_path`` as ``hostPath`` (the node's own
    file system, which the manifest reader reads as needing a host of its own; a path not known until Terraform runs
    is shown as written)."""
    found: dict[str, Any] = {"name": volume.get("name")}
    host_path = first_block(volume.get("host_path"))
    if host_path:
        path = host_path.get("path")
        found["hostPath"] = {"path": path.text if isinstance(path, Expression) else path}
    return found


def _affinity(value: Any) -> dict[str, Any]:
    """A provider ``affinity`` block's required node affinity as the manifest's (the node labels it requires):
    ``node_affinity { required_during_scheduling_ignored_during_execution { node_selector_term { match_expressions
    { key, operator, values } } } }``."""
    node = first_block(first_block(value).get("node_affinity"))
    required = first_block(node.get("required_during_scheduling_ignored_during_execution"))
    terms = [
        {
            "matchExpressions": [
                {"key": item.get("key"), "operator": item.get("operator"), "values": item.get("values")}
                for item in blocks(term.get("match_expressions"))
            ]
        }
        for term in blocks(required.get("node_selector_term"))
    ]
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}


def _port(port: Mapping[str, Any]) -> dict[str, Any]:
    """A provider ``port`` block as the manifest's: ``container_port``, ``name``, ``protocol``."""
    named = {"containerPort": port.get("container_port"), "name": port.get("name"), "protocol": port.get("protocol")}
    return {key: value for key, value in named.items() if isinstance(value, str | int)}


#: The provider's probe blocks and their checks, as the manifest names them.
_PROBES = {"readiness_probe": "readinessProbe", "liveness_probe": "livenessProbe", "startup_probe": "startupProbe"}
_CHECKS = {"http_get": "httpGet", "tcp_socket": "tcpSocket", "grpc": "grpc", "exec": "exec"}


def _probes(container: Mapping[str, Any]) -> dict[str, Any]:
    """A container's probes as the manifest's: which check each makes (what the container serves)."""
    found: dict[str, Any] = {}
    for block, name in _PROBES.items():
        probe = first_block(container.get(block))
        checks: dict[str, dict[str, Any]] = {check: {} for key, check in _CHECKS.items() if probe.get(key) is not None}
        if checks:
            found[name] = checks
    return found


#: The Kubernetes provider's replicas when a deployment or stateful set sets none (a plan shows it filled in), as
#: Kubernetes' own default: https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/deployment#replicas
PROVIDER_REPLICAS = 1


def _replicas(value: Any) -> int | None:
    """A deployment's or stateful set's ``replicas``: a number in HCL, a string in a plan (the Kubernetes provider
    keeps it as one, and fills in its default, 1, which an HCL block that sets none means too)."""
    number = float(PROVIDER_REPLICAS) if value is None else number_of(value)
    return int(number) if number is not None and number.is_integer() and number >= 0 else None
