"""An Ingress's own Application Load Balancer: the AWS Load Balancer Controller makes one ALB for each Ingress of its
class (``spec.ingressClassName: alb``, or the older ``kubernetes.io/ingress.class: alb`` annotation) that names no
IngressGroup (``alb.ingress.kubernetes.io/group.name``, which merges the group's Ingresses into one ALB):
https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup and
https://docs.aws.amazon.com/eks/latest/userguide/alb-ingress.html.

When such an Ingress routes to one workload only, the ALB is that workload's own: ``network.own_load_balancer: true``,
its hours billed to it even on a cluster the team runs already, said as an assumption. One that routes to several
workloads is shared between them: each is told so, and the review splits its hours between their EKS bills
(decider/review_cluster.py ``share_fixed_costs``), since the files create it as they create the workloads; so are the
hours of every further such Ingress that routes to a workload (shared, or another of its own). An Ingress of any
other class (ingress-nginx, Traefik, …) goes through its controller's own load balancer, shared by every Ingress of
that class, and an IngressGroup's ALB by the group's: neither is any one workload's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from decider.sources.imported import ImportedWorkload
from decider.workload import JOB_PATTERNS


class _Route(Protocol):
    """What is read of a route (decider/sources/kubernetes_routes.py ``Route``): the object and its own ALB."""

    @property
    def where(self) -> str: ...
    @property
    def alb(self) -> bool: ...
    def backends(self, services: Sequence[Any]) -> Sequence[Any]: ...


class _Service(Protocol):
    """What is read of a Service (decider/sources/kubernetes_routes.py ``Service``): its name and where it is."""

    @property
    def name(self) -> str: ...
    @property
    def namespace(self) -> str: ...
    @property
    def where(self) -> str: ...


class _Routes(Protocol):
    """What is read of the routes found (``Routes``): its Services, routes, and the workloads each Service reaches."""

    @property
    def services(self) -> Sequence[Any]: ...
    @property
    def routed(self) -> Sequence[_Route]: ...
    @property
    def reached(self) -> Sequence[tuple[Any, set[int]]]: ...


#: What a Service's load balancer is priced as.
PRICED_AS = (
    "on EKS that is a Network Load Balancer (or a Classic one), priced as the Application Load Balancer every target "
    "is priced behind for HTTP: a Network Load Balancer's hours cost the same, its capacity units differ (a Classic "
    "one bills its hours at a little more, and per GB)"
)
#: The AWS Load Balancer Controller's IngressClass name, and the annotations that name a class and a group.
ALB_CLASS = "alb"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
GROUP_ANNOTATION = "alb.ingress.kubernetes.io/group.name"


def own_alb(data: Mapping[str, Any]) -> bool:
    """Whether a Kubernetes object is an Ingress the AWS Load Balancer Controller gives an ALB of its own."""
    if data.get("kind") != "Ingress":
        return False
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    annotations = annotations if isinstance(annotations, dict) else {}
    spec = data.get("spec")
    named = spec.get("ingressClassName") if isinstance(spec, dict) else None
    return (named == ALB_CLASS or annotations.get(CLASS_ANNOTATION) == ALB_CLASS) and not annotations.get(
        GROUP_ANNOTATION
    )


def ingress_balancers(workloads: Sequence[ImportedWorkload], routes: _Routes) -> None:
    """Mark the workload an Ingress with an ALB of its own routes to alone (after ``route_pods``, which binds each
    Service to the workloads it selects), and give each workload the other such Ingresses that route to it, whose
    hours the review bills in shares (``ImportedWorkload.balancers``): those shared with other workloads, and any more
    that route to it alone, each an ALB of its own."""
    jobs = {id(workload) for workload in workloads if workload.get("traffic.pattern") in JOB_PATTERNS}
    reached: dict[int, set[int]] = {id(service): ids - jobs for service, ids in routes.reached}  # jobs serve none
    by_ingress: dict[str, set[int]] = {}
    for route in routes.routed:
        if route.alb:
            ids = by_ingress.setdefault(route.where, set())
            for service in route.backends(routes.services):
                ids |= reached.get(id(service), set())
    for workload in workloads:
        ingresses = sorted(where for where, ids in by_ingress.items() if id(workload) in ids)
        if not ingresses:
            continue
        # the first that routes to it alone is its own load balancer, unless it has one already (a Service's)
        alone = [where for where in ingresses if by_ingress[where] == {id(workload)}]
        alone = alone[:1] if workload.get("network.own_load_balancer") is None else []
        if alone:
            workload.set("network.own_load_balancer", True)
            workload.assume(
                f"{alone[0]} gets an Application Load Balancer of its own from the AWS Load Balancer Controller "
                "(class alb, no IngressGroup) and routes to this workload alone: its hours billed to it even on an "
                "existing cluster (network.own_load_balancer)"
            )
        more = tuple(where for where in ingresses if where not in alone)
        workload.balancers = (*workload.balancers, *more)  # after a Service's (decider/sources/kubernetes_routes.py)
        for where in more:
            routed = len(by_ingress[where])
            workload.assume(
                f"{where} gets an Application Load Balancer of its own from the AWS Load Balancer Controller, "
                + (
                    f"shared by the {routed} workloads it routes to: its hours are split between them"
                    if routed > 1
                    else "another that routes to this workload alone: its hours billed to it too"
                )
            )


def service_balancers(
    workload: ImportedWorkload, balanced: Sequence[_Service], selected: Mapping[int, set[int]]
) -> None:
    """The load balancers of the Services of type LoadBalancer that select a workload's pods (``selected``: the
    workloads each selects, by ``id``): one that selects its pods alone is its own (``network.own_load_balancer``,
    billed even on an existing cluster); one that selects the pods of several is one load balancer for them, its hours
    split between them, as is any further one (``ImportedWorkload.balancers``, decider/review_cluster.py; a Service
    in front of stable and canary Deployments billed its hours to each: real-repositories audit 38, F1)."""
    alone = [item for item in balanced if len(selected[id(item)]) == 1]
    own = alone[0] if alone and workload.get("network.own_load_balancer") is None else None
    if own is not None:
        workload.set("network.own_load_balancer", True)
        workload.assume(
            f"Service {own.name} ({own.namespace}) is of type LoadBalancer: it gets a load balancer of its own, billed "
            f"to this workload even on an existing cluster (network.own_load_balancer); {PRICED_AS}"
        )
    for item in balanced:
        if item is own:
            continue
        workload.balancers = (*workload.balancers, item.where)
        count = len(selected[id(item)])
        workload.assume(
            f"Service {item.name} ({item.namespace}) is of type LoadBalancer and selects the pods of "
            + (
                f"{count} workloads: one load balancer, its hours split between them"
                if count > 1
                else "this workload alone: another load balancer of its own, its hours billed to it too"
            )
            + f"; {PRICED_AS}"
        )
