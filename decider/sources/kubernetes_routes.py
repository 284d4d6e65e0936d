"""How traffic reaches a review's Kubernetes workloads: the Services that select their pods, and whether anything
public routes to those Services.

A Service selects the pods of its namespace whose labels include all of its ``selector``
(https://kubernetes.io/docs/concepts/services-networking/service/). A Service is public when its ``type`` is
``LoadBalancer`` or ``NodePort``, or when an Ingress, a Gateway API route (``HTTPRoute``, ``GRPCRoute``, ``TLSRoute``,
``TCPRoute``, ``UDPRoute``) or an OpenShift ``Route`` names it as a backend; any other (``ClusterIP``, the default,
and headless ones) is reached from inside the cluster only.

A pass over every workload read, once all files are read (a Deployment and its Service are often separate files of
one kustomization). A workload that Services select, none of them public, has callers in the cluster only: no public
front door (an API Gateway API, a load balancer) is billed wherever it runs, ``traffic.front_door: none``, said as an
assumption. A workload a public Service selects, or that no Service selects, is left as it was read. A backend names
a Service of the route's namespace (an Ingress's and an OpenShift Route's always; a Gateway API ``backendRef`` may
name another): it matches a Service of that name there, or of that name anywhere when either object's namespace is
not stated in the files (a ``kubectl apply -n`` places it), so that an unknown namespace makes a workload public,
never internal. Of Services that share a namespace and name in several files (alternative deployments of one app),
a route applies to the nearest only, as a Service to the workloads it selects.

Workloads of one kind, name and namespace found in several files are alternative deployments of one app (a base and
its variants in other folders, or install files of one folder applied one instead of another), which cannot run
side by side: a Service or a HorizontalPodAutoscaler applies to the nearest of them only, one in its own file first
(``bound``).

A Service of type ``LoadBalancer`` makes a load balancer for the pods it selects
(https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer; on EKS the AWS Load Balancer
Controller's Network Load Balancer, https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html):
the one workload it selects has ``network.own_load_balancer: true``, its hours billed even on an existing cluster;
several split its hours (decider/sources/kubernetes_ingress.py ``service_balancers``).

The Services' ports also say what is served: when every port of the Services that select a workload carries gRPC
(``appProtocol`` or name ``grpc``, ``grpc-*``, ``h2c``) and its container named no protocol, it serves gRPC.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from decider.sources.document import Document
from decider.sources.imported import ImportedWorkload
from decider.sources.kubernetes import NO_PORT, UNKNOWN_NAME, UNNAMED_PORT, grpc_port, port_name, raw_port
from decider.sources.kubernetes_access import Access, access_pods
from decider.sources.kubernetes_ingress import own_alb, service_balancers
from decider.sources.walk import tree_distance
from decider.workload import JOB_PATTERNS

#: Service types reachable from outside the cluster: https://kubernetes.io/docs/concepts/services-networking/service/
PUBLIC_TYPES = frozenset({"LoadBalancer", "NodePort"})
#: Gateway API route kinds, whose rules' ``backendRefs`` name Services: https://gateway-api.sigs.k8s.io/api-types/
ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"})
GATEWAY_API = "gateway.networking.k8s.io"
OPENSHIFT_ROUTES = "route.openshift.io"


@dataclass(frozen=True, slots=True)
class Service:
    """A Service that selects pods: its name, namespace, selector, type, whether all its ports carry gRPC, and where
    it is defined."""

    name: str
    namespace: str
    selector: tuple[tuple[str, str], ...]
    type: str
    grpc: bool
    where: str
    raw: str | None = None
    """``tcp`` (or ``udp``) when every port carries a protocol other than HTTP (a database's, a broker's)."""
    file: str = ""
    stated: bool = True
    """Whether its namespace is stated in the files (its own or a kustomization's), not left to ``kubectl -n``."""

    def selects(self, workload: ImportedWorkload) -> bool:
        """Whether the workload's pods, in its namespace, carry every label of the selector."""
        return workload.namespace == self.namespace and all(
            workload.pod_labels.get(key) == value for key, value in self.selector
        )


@dataclass(frozen=True, slots=True)
class Scaler:
    """A HorizontalPodAutoscaler: the workload it scales (namespace, kind, name), its replica bounds, where it is."""

    namespace: str
    kind: str
    name: str
    least: int
    most: int | None
    where: str
    file: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    """A Service an Ingress or route sends traffic to: its namespace and name, whether that namespace is stated in the
    files, and the object that routes to it (where it is, and its file)."""

    namespace: str
    name: str
    stated: bool
    where: str
    file: str
    alb: bool = False
    """An Ingress the AWS Load Balancer Controller gives an Application Load Balancer of its own
    (decider/sources/kubernetes_ingress.py)."""

    def backends(self, services: Sequence[Service]) -> list[Service]:
        """The Services this route sends traffic to: of its name, in its namespace unless one side's is not stated,
        and of those that share a namespace and name (alternative deployments of one app), the nearest this route's
        file."""
        groups: dict[tuple[str, str], list[Service]] = {}
        for service in services:
            if service.name == self.name and not (
                self.stated and service.stated and service.namespace != self.namespace
            ):
                groups.setdefault((service.namespace, service.name), []).append(service)

        def distance(service: Service) -> tuple[bool, int, int]:
            return (service.file != self.file, *tree_distance(service.file, self.file))

        found = []
        for group in groups.values():
            nearest = min(map(distance, group))
            found += [service for service in group if distance(service) == nearest]
        return found


@dataclass
class Routes:
    """The Services found in the files reviewed, and the names of those that an Ingress or route sends traffic to
    (with the object that does, to say so); the HorizontalPodAutoscalers found, which set the copies that run."""

    services: list[Service] = field(default_factory=list)
    routed: list[Route] = field(default_factory=list)
    scalers: list[Scaler] = field(default_factory=list)
    access: Access = field(default_factory=Access)
    """Who uses the Kubernetes API: the pods' ServiceAccounts, RBAC bindings, the Services the API server calls."""
    reached: list[tuple[Service, set[int]]] = field(default_factory=list)
    """Each Service and the workloads (by ``id``) it reaches, once ``route_pods`` has bound them."""

    def read(self, documents: Sequence[Document], file: str, namespace: str | None = None) -> None:
        """The Services, Ingresses and routes among a file's Kubernetes objects; ``namespace`` is the one a
        kustomization beside the file gives them all (None: each its own, else ``default``)."""
        for document in documents:
            data = document.data
            if not isinstance(data, dict):
                continue
            kind = data.get("kind")
            metadata = _mapping(data.get("metadata"))
            name = str(metadata.get("name") or kind)
            where = f"{kind} {name} ({file}:{document.line})"
            own = metadata.get("namespace")
            placed = namespace or (own if isinstance(own, str) and own else "default")
            stated = bool(namespace) or (isinstance(own, str) and bool(own))
            self.access.read(data, placed, where, file, document.line)
            if kind == "Service" and data.get("apiVersion") == "v1":  # not a Knative Service, a workload of its own
                self._service(data, name, placed, where, file, stated=stated)
            elif kind == "HorizontalPodAutoscaler":
                self._scaler(data, placed, where, file)
            else:
                alb = own_alb(data)
                for backend, elsewhere in _backends(data):
                    at = elsewhere or placed
                    self.routed.append(Route(at, backend, stated or elsewhere is not None, where, file, alb))

    def _scaler(self, data: Mapping[str, Any], namespace: str, where: str, file: str) -> None:
        scaler = _scaler_of(data, namespace, where, file)
        if scaler is not None:
            self.scalers.append(scaler)

    def _service(
        self, data: Mapping[str, Any], name: str, namespace: str, where: str, file: str, *, stated: bool
    ) -> None:
        spec = _mapping(data.get("spec"))
        selector = tuple(
            (str(key), str(value))
            for key, value in _mapping(spec.get("selector")).items()
            if isinstance(value, str | int) and not isinstance(value, bool)
        )
        if not selector:
            return  # no selector (ExternalName, or endpoints kept by hand): it selects no pods
        ports = [port for port in _list(spec.get("ports")) if isinstance(port, dict)]
        kind = spec.get("type")
        kind = kind if isinstance(kind, str) and kind else "ClusterIP"
        grpc = bool(ports) and all(grpc_port(port) for port in ports)
        raw = bool(ports) and all(
            raw_port(port, port_name(port), port.get("targetPort", port.get("port"))) for port in ports
        )
        udp = raw and all(str(port.get("protocol", "")).upper() == "UDP" for port in ports)
        self.services.append(
            Service(
                name, namespace, selector, kind, grpc, where, "udp" if udp else "tcp" if raw else None, file, stated
            )
        )


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _scaler_of(data: Mapping[str, Any], namespace: str, where: str, file: str) -> Scaler | None:
    spec = _mapping(data.get("spec"))
    target = _mapping(spec.get("scaleTargetRef"))
    kind, name = target.get("kind"), target.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    least = _whole(spec.get("minReplicas", 1))  # Kubernetes' default minReplicas is 1
    most = _whole(spec.get("maxReplicas"))
    return None if least is None else Scaler(namespace, kind, name, least, most, where, file)


def scale_pods(workloads: Sequence[ImportedWorkload], routes: Routes) -> None:
    """The copies a HorizontalPodAutoscaler keeps running: its ``minReplicas`` (default 1) is the workload's
    ``runtime.min_copies``, in place of the ``replicas`` the autoscaler manages; its bounds are said. When several
    workloads reviewed have the kind, namespace and name it targets (alternative deployments of one app, in other
    files), it scales only the one nearest it: in its own file, else in the tree (``bound``)."""
    pods = [workload for workload in workloads if workload.runs_as == "kubernetes"]
    for scaler in routes.scalers:
        named = [
            item
            for item in pods
            if (item.namespace, item.kind, item.name) == (scaler.namespace, scaler.kind, scaler.name)
        ]
        for workload in bound(named, scaler.file, scaler.where):
            workload.set("runtime.min_copies", scaler.least)
            # The autoscaler owns the replicas: what the manifest's replicas were said to keep is not what runs
            said = f"{workload.kind} {workload.name}: replicas "
            workload.assumptions = [note for note in workload.assumptions if not note.startswith(said)]
            most = f" and at most {scaler.most}" if scaler.most is not None else ""
            workload.assume(
                f"{scaler.where} keeps at least {scaler.least}{most} copies running: at least {scaler.least} assumed "
                "to run (decider sizes copies from the traffic)"
            )


def bound(candidates: Sequence[ImportedWorkload], file: str, where: str) -> list[ImportedWorkload]:
    """Which of ``candidates`` an object in ``file`` (said as ``where``) applies to: all of them, unless two or more
    share a kind, namespace and name. Those cannot run side by side in one cluster: they are alternative deployments
    of one app (a base and its variants, or install files applied one instead of another), so the object binds only
    the one nearest it in the tree (in its own file, else in its folder, else under the deepest folder they share,
    then the fewest folders below that), said as an assumption; none of them when two are as near, said on each."""
    groups: dict[tuple[str | None, str, str], list[ImportedWorkload]] = {}
    for workload in candidates:
        groups.setdefault((workload.namespace, workload.kind, workload.name), []).append(workload)
    chosen: list[ImportedWorkload] = []

    def distance(workload: ImportedWorkload) -> tuple[bool, int, int]:
        return (workload.file != file, *tree_distance(workload.file, file))

    for (_, kind, name), group in groups.items():
        if len(group) == 1:
            chosen += group
            continue
        ranked = sorted(group, key=distance)
        near = [workload for workload in ranked if distance(workload) == distance(ranked[0])]
        others = f"{len(group)} {kind}s named {name} in the files reviewed (alternative deployments of one app)"
        if len(near) > 1:
            for workload in near:
                workload.assume(
                    f"{where} applies to one of {others}, and none is nearer it than the others: not applied to any"
                )
            continue
        nearest = "the one in its own file" if near[0].file == file else "the nearest it"
        near[0].assume(f"{where} applies to one of {others}: applied to this one, {nearest}")
        chosen.append(near[0])
    return chosen


def route_pods(workloads: Sequence[ImportedWorkload], routes: Routes) -> None:
    """For each Kubernetes workload that Services select: whether it serves gRPC, by their ports, and no public front
    door when none of them is public."""
    if not routes.services:
        return
    pods = [workload for workload in workloads if workload.runs_as == "kubernetes" and workload.namespace is not None]
    reached = routes.reached = [
        (
            service,
            {id(pod) for pod in bound([pod for pod in pods if service.selects(pod)], service.file, service.where)},
        )
        for service in routes.services
    ]
    jobs = {id(pod) for pod in pods if pod.get("traffic.pattern") in JOB_PATTERNS}  # a job serves no requests
    selected = {id(service): ids - jobs for service, ids in reached}
    route_to: dict[int, Route] = {}  # each Service a route sends traffic to: the first such route
    for route in routes.routed:
        for service in route.backends(routes.services):
            route_to.setdefault(id(service), route)
    for workload in workloads:
        if workload.runs_as != "kubernetes" or workload.namespace is None:
            continue
        selecting = [service for service, selected in reached if id(workload) in selected]
        if not selecting:
            continue
        _serves(workload, selecting)
        # A job's Service says nothing of a front door; nor does one in front of a workload that names its own.
        routed = [(item, route_to[id(item)]) for item in selecting if id(item) in route_to]
        public = [item for item in selecting if item.type in PUBLIC_TYPES] + [item for item, _ in routed]
        for item, route in routed[:1]:
            workload.assume(f"{route.where} routes to Service {item.name} ({item.namespace}): reached from outside")
        if id(workload) not in jobs:  # its load balancers, split between the workloads that serve behind them
            service_balancers(workload, [item for item in selecting if item.type == "LoadBalancer"], selected)
        if public or workload.get("traffic.front_door") is not None or workload.get("traffic.pattern") in JOB_PATTERNS:
            continue
        names = ", ".join(f"{item.type} {item.where}" for item in selecting)
        workload.set("traffic.front_door", "none")
        workload.assume(
            f"reached only through {names}: no LoadBalancer or NodePort Service, Ingress or Gateway API route in the "
            "files reviewed routes to it, so its callers are inside the cluster and no public front door is billed "
            "(traffic.front_door none; give traffic.front_door in the usage file if something else routes to it)"
        )


def api_pods(workloads: Sequence[ImportedWorkload], routes: Routes) -> None:
    """Mark the workloads that use the Kubernetes API by objects in any file reviewed (decider/sources/
    kubernetes_access.py): after ``route_pods``, whose Services say which workloads an APIService or webhook calls."""
    reached: dict[str, set[int]] = {}
    for service, ids in routes.reached:
        reached.setdefault(f"{service.namespace}/{service.name}", set()).update(ids)

    def selected(key: str) -> list[ImportedWorkload]:
        return [workload for workload in workloads if id(workload) in reached.get(key, set())]

    access_pods(workloads, routes.access, selected)


def _serves(workload: ImportedWorkload, selecting: Sequence[Service]) -> None:
    """What a workload whose container named no protocol (what it serves was assumed, or not known) serves, by the
    Services that select it: gRPC, or raw TCP (UDP), when every port of every one carries it; else, for a container
    with no port at all, requests over HTTP: a Service selecting it is the sign that it serves some."""
    guessed = [
        note for note in workload.assumptions if any(text in note for text in (UNNAMED_PORT, UNKNOWN_NAME, NO_PORT))
    ]
    if not guessed:
        return
    names = ", ".join(service.where for service in selecting)
    raw = {service.raw for service in selecting}
    if all(service.grpc for service in selecting):
        protocol, said = "grpc", f"serves gRPC: every port of {names} is gRPC (appProtocol or name grpc)"
    elif len(raw) == 1 and None not in raw:
        protocol = str(next(iter(raw)))
        said = f"serves {protocol.upper()}: every port of {names} names a protocol other than HTTP, or is a database's"
    elif any(NO_PORT in note for note in guessed):
        protocol = "http"
        said = f"its container names no port, but {names} selects it: it serves requests, assumed HTTP"
    else:
        return
    if any(NO_PORT in note for note in guessed):  # not the worker it looked like: the Services say its door
        workload.raw.get("traffic", {}).pop("front_door", None)
    workload.assumptions[:] = [note for note in workload.assumptions if note not in guessed]
    workload.set("traffic.protocols", [protocol])
    workload.assume(said)


def _backends(data: Mapping[str, Any]) -> Iterator[tuple[str, str | None]]:
    """The Services an Ingress, a Gateway API route or an OpenShift Route sends traffic to: each name, with the
    namespace a Gateway API ``backendRef`` names (None: the route's own); nothing for any other object."""
    kind, group = data.get("kind"), str(data.get("apiVersion", "")).rpartition("/")[0]
    spec = _mapping(data.get("spec"))
    if kind == "Ingress":
        backends = [_mapping(spec.get("defaultBackend")), _mapping(spec.get("backend"))]
        for rule in _list(spec.get("rules")):
            for path in _list(_mapping(_mapping(rule).get("http")).get("paths")):
                backends.append(_mapping(_mapping(path).get("backend")))
        for backend in backends:
            name = _mapping(backend.get("service")).get("name", backend.get("serviceName"))  # v1, then v1beta1
            if isinstance(name, str) and name:
                yield name, None
    elif kind in ROUTE_KINDS and group == GATEWAY_API:
        for rule in _list(spec.get("rules")):
            for ref in _list(_mapping(rule).get("backendRefs")):
                ref = _mapping(ref)
                if ref.get("kind", "Service") == "Service" and isinstance(ref.get("name"), str):
                    elsewhere = ref.get("namespace")
                    yield ref["name"], elsewhere if isinstance(elsewhere, str) and elsewhere else None
    elif kind == "Route" and group == OPENSHIFT_ROUTES:  # spec.to and spec.alternateBackends name Services
        for ref in [_mapping(spec.get("to")), *map(_mapping, _list(spec.get("alternateBackends")))]:
            if ref.get("kind", "Service") == "Service" and isinstance(ref.get("name"), str):
                yield ref["name"], None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
