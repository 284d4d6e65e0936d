"""Workloads from Kubernetes manifests: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet and
ReplicationController. A Kustomize patch (an object with a ``$patch`` directive) is not a workload.

A pod's containers are one copy of the workload: their requests (else limits) are added up; more than one long-lived
container means sidecars. ``kubernetes_api`` is set when the same file shows the workload relies on Kubernetes
beyond running containers: a CustomResourceDefinition, a custom resource (an API group Kubernetes does not ship), or
RBAC objects (Role, ClusterRole and their bindings) that grant a workload access to the Kubernetes API, unless its pods
mount no ServiceAccount token (``automountServiceAccountToken: false``); a binding of
its ServiceAccount, or an APIService or webhook served by it, in any file reviewed, sets it too once every file is read
(decider/sources/kubernetes_access.py). The Services, Ingresses and routes that say how traffic reaches a workload are
matched to it once every file is read (decider/sources/kubernetes_routes.py). A Helm chart's files are not read: they
are not the objects Helm renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.sources.accelerators import NEURON_RESOURCES, needs_neuron
from decider.sources.document import Document
from decider.sources.imported import ImportedWorkload
from decider.sources.kubernetes_jobs import not_run, read_cron_job, read_job
from decider.sources.kubernetes_nodes import read_node_needs
from decider.sources.kubernetes_size import pod_requests

WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicationController", "ReplicaSet"}
)
#: Custom resources that run pods from a template the way a Deployment does, read like one: Argo Rollouts' Rollout
#: (https://argoproj.github.io/argo-rollouts/features/specification/), by its API group and kind.
DEPLOYMENT_LIKE = frozenset({("argoproj.io", "Rollout")})
RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
#: API groups Kubernetes itself serves; anything else in an apiVersion is a custom resource.
BUILT_IN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "node.k8s.io",
        "certificates.k8s.io",
        "admissionregistration.k8s.io",
        "events.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "apiregistration.k8s.io",
        "extensions",
        "resource.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "internal.apiserver.k8s.io",
        "storagemigration.k8s.io",
    }
)
#: API groups of routing objects that are not Kubernetes' own but say nothing of the workload calling the Kubernetes
#: API: Gateway API routes (https://gateway-api.sigs.k8s.io/) and OpenShift Routes send traffic to Services, as an
#: Ingress or a load balancer's rules would on any platform.
ROUTING_GROUPS = frozenset({"gateway.networking.k8s.io", "route.openshift.io"})
GPU_RESOURCE = "nvidia.com/gpu"
#: What a workload's main container was assumed to serve when it names nothing: the assumptions say so with these, and
#: the Services that select it (decider/sources/kubernetes_routes.py) may say more.
UNNAMED_PORT = "has no protocol name or probe: assumed HTTP"
UNKNOWN_NAME = "names no protocol decider knows: assumed HTTP"
NO_PORT = (
    "its main container has no port or probe: it serves no requests (a worker), so no front door is priced "
    "(traffic.front_door none); traffic unknown"
)


def is_manifest(data: Any) -> bool:
    """A Kubernetes object: a mapping with ``apiVersion`` and ``kind``."""
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


def uses_kubernetes_api(manifests: Sequence[Document]) -> str | None:
    """Why a file's objects show reliance on the Kubernetes API itself (RBAC, custom resources), naming the first
    object that does; None when none does (routing objects, ``ROUTING_GROUPS``, do not)."""
    for document in manifests:
        manifest = document.data
        group = str(manifest.get("apiVersion", "")).rpartition("/")[0]
        metadata = manifest.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        what = f"{manifest.get('kind')}{f' {name}' if name else ''} (line {document.line})"
        if manifest.get("kind") in RBAC_KINDS:
            return f"{what} grants Kubernetes API permissions (RBAC)"
        if group not in BUILT_IN_GROUPS | ROUTING_GROUPS:
            return f"{what} is a custom resource ({group}), served by an operator or controller"
    return None


def unmounted_accounts(manifests: Sequence[Document]) -> dict[tuple[str, str], int]:
    """The ServiceAccounts of a file that mount no token in their pods unless a pod asks for one
    (``automountServiceAccountToken: false``), by (namespace, name), with their line."""
    found: dict[tuple[str, str], int] = {}
    for document in manifests:
        manifest = document.data
        metadata = _mapping(manifest.get("metadata"))
        name, namespace = metadata.get("name"), metadata.get("namespace")
        if unmounts_token(manifest) and isinstance(name, str) and name:
            found[(namespace if isinstance(namespace, str) and namespace else "default", name)] = document.line
    return found


def unmounts_token(manifest: Mapping[str, Any]) -> bool:
    """A ServiceAccount that mounts no token in its pods unless a pod asks for one."""
    return manifest.get("kind") == "ServiceAccount" and manifest.get("automountServiceAccountToken") is False


def pod_account(pod: Mapping[str, Any]) -> str:
    """The ServiceAccount a pod runs as: ``serviceAccountName`` (or the older ``serviceAccount``), else ``default``."""
    account = pod.get("serviceAccountName", pod.get("serviceAccount"))
    return account if isinstance(account, str) and account else "default"


def read_manifest(
    document: Document,
    file: str,
    kubernetes_api: str | None,
    unmounted: Mapping[tuple[str, str], int] | None = None,
) -> ImportedWorkload | None:
    """The workload a Deployment, StatefulSet, DaemonSet, Job or CronJob runs (``idle`` saying why when it runs
    none); None for other kinds.
    ``kubernetes_api``: why the file shows reliance on the Kubernetes API (``uses_kubernetes_api``), if it does;
    ``unmounted``: the file's ServiceAccounts that mount no token (``unmounted_accounts``)."""
    manifest: dict[str, Any] = document.data
    kind = manifest.get("kind")
    like_deployment = _deployment_like(manifest)
    if (kind not in WORKLOAD_KINDS and not like_deployment) or is_patch(manifest):
        return None
    metadata = _mapping(manifest.get("metadata"))
    # An object named only by the prefix Kubernetes completes (``generateName: seed-data-``) goes by that prefix
    name = str(metadata.get("name") or metadata.get("generateName") or kind)
    workload = ImportedWorkload(name, file, document.line, str(kind), runs_as="kubernetes")
    # A Job or CronJob that runs no pod (suspended) is listed as skipped, not reviewed (sources/__init__.py); it is
    # read all the same, so that a usage file may still name it
    workload.idle = not_run(manifest)
    namespace = metadata.get("namespace")
    workload.namespace = namespace if isinstance(namespace, str) and namespace else "default"
    workload.set("team.current_platform", "eks")
    # A team that writes Kubernetes manifests runs Kubernetes: at least some experience, not decider's "none" default
    # (a usage file entry can say "expert").
    workload.set("team.kubernetes_experience", "some")
    workload.assume("a Kubernetes manifest: the team runs Kubernetes, so assumed some Kubernetes experience")
    spec = _mapping(manifest.get("spec"))
    if kind == "CronJob":
        template = _mapping(_mapping(_mapping(spec.get("jobTemplate")).get("spec")).get("template"))
    else:
        template = manifest if kind == "Pod" else _mapping(spec.get("template"))
    pod = _mapping(template.get("spec"))
    if kubernetes_api:
        _same_file_api(workload, kubernetes_api, pod, (unmounted or {}).get((workload.namespace, pod_account(pod))))
    if kind == "CronJob":
        read_cron_job(workload, spec)
    else:
        _read_replicas(workload, spec.get("replicas"), "Deployment" if like_deployment else str(kind))
        if like_deployment:
            workload.assume(f"a {kind} ({manifest.get('apiVersion')}): read like a Deployment (pod template, replicas)")
        if kind == "Job":
            read_job(workload, spec)
        elif kind == "DaemonSet":
            workload.set("control.host_daemons", True)
    labels = _mapping(_mapping(template.get("metadata")).get("labels"))
    workload.pod_labels = {str(key): str(value) for key, value in labels.items() if isinstance(value, str | int)}
    _read_pod(workload, pod)
    return workload


def _same_file_api(workload: ImportedWorkload, why: str, pod: Mapping[str, Any], unmounted: int | None) -> None:
    """``control.kubernetes_api`` from the objects of the workload's file, unless its pods mount no ServiceAccount
    token: without one they have no credentials for the API server (as for bindings, kubernetes_access.py). The pod's
    ``automountServiceAccountToken`` decides; when it says nothing, its ServiceAccount's (``unmounted``: the line of
    one in this file that mounts none)."""
    mount = pod.get("automountServiceAccountToken")
    if mount is False or (mount is None and unmounted is not None):
        setting = "" if mount is False else f" of ServiceAccount {pod_account(pod)} (line {unmounted})"
        workload.assume(
            f"{why} in the same file, but its pods mount no ServiceAccount token "
            f"(automountServiceAccountToken: false{setting}): not read as needing the Kubernetes API"
        )
        return
    workload.set("control.kubernetes_api", True)
    workload.assume(f"{why} in the same file: read as needing the Kubernetes API itself")


def _deployment_like(manifest: Mapping[str, Any]) -> bool:
    """A custom resource of ``DEPLOYMENT_LIKE`` that holds its own pod template (not a ``workloadRef`` to one)."""
    group = str(manifest.get("apiVersion", "")).rpartition("/")[0]
    template = _mapping(_mapping(manifest.get("spec")).get("template"))
    return (group, manifest.get("kind")) in DEPLOYMENT_LIKE and bool(_mapping(template.get("spec")).get("containers"))


#: The API group of Flux's HelmRelease, which installs a Helm chart: https://fluxcd.io/flux/components/helm/helmreleases/
FLUX_HELM = "helm.toolkit.fluxcd.io/"
#: What ``unread_pods`` says of an object that runs pods the review does not read (decider/review_cluster.py).
PODS_MARKS = ("installs the Helm chart", "runs pods from a template")


def unread_pods(manifest: Mapping[str, Any]) -> str | None:
    """Why an object that runs pods from a template of its own is not reviewed: a custom resource decider does not
    read, such as a Knative Service or a KEDA ScaledJob (a suspended Job or CronJob is read, ``idle``), or a Flux
    HelmRelease, whose chart's objects are not in the files; None for any other object."""
    if manifest.get("kind") in WORKLOAD_KINDS or _deployment_like(manifest):
        return None
    spec = _mapping(manifest.get("spec"))
    name = _mapping(manifest.get("metadata")).get("name")
    # a name that is no string is a template's placeholder read as YAML ({ENVIRONMENT_ID}: a mapping), not a name
    name = name if isinstance(name, str | int | float) else "(metadata.name not a string: a template's placeholder?)"
    if manifest.get("kind") == "HelmRelease" and str(manifest.get("apiVersion", "")).startswith(FLUX_HELM):
        chart = _mapping(_mapping(_mapping(spec.get("chart")).get("spec"))).get("chart")
        return (
            f"HelmRelease {name} ({manifest.get('apiVersion')}) installs the Helm chart "
            f"{chart or '(named elsewhere)'}, whose objects are not in these files: render it with `helm template` "
            "(and its values) and review the output"
        )
    templates = [_mapping(spec.get("template")), _mapping(_mapping(spec.get("jobTargetRef")).get("template"))]
    if not any(_list(_mapping(template.get("spec")).get("containers")) for template in templates):
        return None
    return (
        f"{manifest.get('kind')} {name} ({manifest.get('apiVersion')}) runs pods from a template, but is not a kind "
        "decider reads: not reviewed (give it as a workload file, or review the objects it makes)"
    )


def is_patch(value: Any) -> bool:
    """Whether an object holds a Kustomize ``$patch`` directive anywhere (``$patch: delete``, ``replace``)."""
    if isinstance(value, dict):
        return "$patch" in value or any(is_patch(item) for item in value.values())
    if isinstance(value, list):
        return any(is_patch(item) for item in value)
    return False


def _read_replicas(workload: ImportedWorkload, replicas: Any, kind: str) -> None:
    if kind not in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"):
        return
    workload.keep_copies("replicas", replicas)


def _read_pod(workload: ImportedWorkload, pod: Mapping[str, Any]) -> None:
    containers = [item for item in _list(pod.get("containers")) if isinstance(item, dict)]
    # Init containers with restartPolicy Always are Kubernetes' native sidecars; other init containers finish first.
    sidecars = [
        item
        for item in _list(pod.get("initContainers"))
        if isinstance(item, dict) and item.get("restartPolicy") == "Always"
    ]
    if len(containers) + len(sidecars) > 1:
        workload.set("control.sidecars", True)
    vcpu, memory_mb = pod_requests(workload, containers, pod.get("initContainers"))
    gpus, neuron = 0, ""
    for container in [*containers, *sidecars]:
        resources = _mapping(container.get("resources"))
        requests, limits = _mapping(resources.get("requests")), _mapping(resources.get("limits"))
        gpu = limits.get(GPU_RESOURCE, requests.get(GPU_RESOURCE))
        if gpu is not None:
            if str(gpu).isdigit():
                gpus += int(str(gpu))
            else:
                workload.assume(f"{GPU_RESOURCE} {gpu!r} is not a whole number: GPUs unknown")
        for resource in NEURON_RESOURCES:
            count = limits.get(resource, requests.get(resource))
            if count is not None and not neuron:
                neuron = f"{container.get('name', 'a container')} requests {resource} {count}"
        if _mapping(container.get("securityContext")).get("privileged") is True:
            workload.set("control.privileged", True)
    if vcpu:
        workload.set("runtime.vcpu", round(vcpu, 4))
    if memory_mb:
        workload.set("runtime.memory_mb", max(1, round(memory_mb)))
    missing = " or ".join(name for name, given in (("cpu", vcpu), ("memory", memory_mb)) if not given)
    if missing:
        workload.assume(f"containers give no {missing} requests or limits: sized by decider's defaults")
    if gpus:
        workload.set("runtime.gpu", gpus)
    if workload.get("traffic.protocols") is None:
        _read_protocols(workload, [*containers, *sidecars])
    if pod.get("hostNetwork") is True:
        workload.set("control.host_networking", True)
    read_node_needs(workload, pod)
    if neuron:  # after the node selection, which may name the instance type already
        needs_neuron(workload, neuron)


def _read_protocols(workload: ImportedWorkload, containers: list[dict[str, Any]]) -> None:
    """What the main container serves, from its probes and ports: gRPC and HTTP (both when it has ports or probes of
    each), a TCP-only one, else HTTP; a container with neither serves no requests (a worker, a load generator)."""
    main = containers[0] if containers else {}
    probes = [_mapping(main.get(name)) for name in ("readinessProbe", "livenessProbe", "startupProbe")]
    ports = [port for port in _list(main.get("ports")) if isinstance(port, dict)]
    names = {str(port.get("appProtocol", port.get("name", ""))).lower() for port in ports}
    grpc = any("grpc" in probe for probe in probes) or any(grpc_port(port) for port in ports)
    http = any("httpGet" in probe for probe in probes) or any(name.startswith("http") for name in names)
    if grpc and http:  # an HTTP port (or probe) beside a gRPC one: it serves both
        workload.set("traffic.protocols", ["http", "grpc"])
        return
    if grpc:
        protocol = "grpc"
    elif http:
        protocol = "http"
    elif any("tcpSocket" in probe for probe in probes):
        protocol = "tcp"
    elif any(raw_port(port, name, port.get("containerPort")) for port, name in zip(ports, _names(ports), strict=True)):
        # A port named for (or on the well-known number of) a protocol that is not HTTP: a database, a broker, UDP
        protocol = "udp" if all(str(port.get("protocol", "")).upper() == "UDP" for port in ports) else "tcp"
    elif ports:
        protocol = "http"
        named = next((name for name in _names(ports) if name), "")
        number = ports[0].get("containerPort")
        workload.assume(
            f"container port {number} is named {named!r}, which {UNKNOWN_NAME}"
            if named
            else f"container port {number} {UNNAMED_PORT}"
        )
    else:
        # No door to price in front of it either: no load balancer or API is billed on any target, unless a Service
        # selects it after all (decider/sources/kubernetes_routes.py ``_serves``; real-repositories audit, F5)
        workload.set("traffic.front_door", "none")
        workload.assume(NO_PORT)
        return
    workload.set("traffic.protocols", [protocol])


#: Port names (``appProtocol``, else ``name``, up to a ``-`` suffix) and well-known numbers of protocols that are not
#: HTTP: databases, caches and brokers listen on raw TCP (Istio's protocol selection names tcp, tls, mongo, mysql and
#: redis this way: https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/).
RAW_PORT_NAMES = frozenset(
    {
        "tcp", "tls", "udp", "mysql", "postgres", "postgresql", "redis", "mongo", "mongodb", "cql", "cassandra",
        "intra-node", "jmx", "kafka", "amqp", "amqps", "mqtt", "memcache", "memcached", "zookeeper", "zk", "ldap",
        "smtp", "dns", "nats", "rtmp", "sip",
    }
)  # fmt: skip
RAW_PORT_NUMBERS = frozenset({53, 1883, 2181, 3306, 5432, 5672, 6379, 7000, 7001, 9042, 9092, 11211, 27017})


def _names(ports: Sequence[Mapping[str, Any]]) -> list[str]:
    return [port_name(port) for port in ports]


def port_name(port: Mapping[str, Any]) -> str:
    """A container's or Service's port's protocol name: its ``appProtocol``, else its ``name``, lower case."""
    return str(port.get("appProtocol", port.get("name", "")) or "").lower()


def raw_port(port: Mapping[str, Any], name: str, number: Any) -> bool:
    """Whether a container's or Service's port carries a protocol other than HTTP: UDP, a name of
    ``RAW_PORT_NAMES`` (``mysql``, ``tcp-metrics``, ``tls-intra-node``), or, unnamed, a well-known ``number`` of
    ``RAW_PORT_NUMBERS``."""
    if str(port.get("protocol", "")).upper() == "UDP":
        return True
    if name:
        return name in RAW_PORT_NAMES or name.split("-", 1)[0] in RAW_PORT_NAMES
    return number in RAW_PORT_NUMBERS


def grpc_port(port: Mapping[str, Any]) -> bool:
    """Whether a container's or Service's port carries gRPC, by its ``appProtocol`` (else its name): ``grpc``,
    ``grpc-*``, ``h2c``, ``kubernetes.io/h2c``."""
    name = str(port.get("appProtocol", port.get("name", ""))).lower().removeprefix("kubernetes.io/")
    return name.startswith(("grpc", "h2c"))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
