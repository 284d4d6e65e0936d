"""The size of one Kubernetes pod: the CPU and memory the scheduler reserves for it, from its containers' requests
(else limits), its native sidecars and its init containers, as Kubernetes computes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.quantities import QuantityError, parse_quantity


def pod_requests(workload: ImportedWorkload, containers: list[dict[str, Any]], init: Any) -> tuple[float, float]:
    """The vCPUs and MiB the scheduler reserves for one pod, as Kubernetes computes them: the larger of the app
    containers' sum (with every native sidecar, an init container with ``restartPolicy: Always``) and each regular init
    container's request (with the sidecars started before it), for CPU and memory each.
    https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers"""
    sidecar_cpu = sidecar_memory = 0.0
    regular: list[tuple[str, float, float]] = []  # each regular init container: name, cpu and memory while it runs
    for item in _list(init):
        if not isinstance(item, dict):
            continue
        cpu, memory = _container_requests(workload, item)
        if item.get("restartPolicy") == "Always":
            sidecar_cpu, sidecar_memory = sidecar_cpu + cpu, sidecar_memory + memory
        else:
            regular.append((str(item.get("name")), cpu + sidecar_cpu, memory + sidecar_memory))
    requests = [_container_requests(workload, container) for container in containers]
    vcpu = sum(cpu for cpu, _ in requests) + sidecar_cpu
    memory_mb = sum(memory for _, memory in requests) + sidecar_memory
    larger = [(name, cpu, memory) for name, cpu, memory in regular if cpu > vcpu or memory > memory_mb]
    if larger:
        shown = ", ".join(f"{name} ({cpu:g} vCPU, {memory:,.0f} MiB)" for name, cpu, memory in larger)
        workload.assume(
            f"init container {shown} requests more than the pod's containers together ({vcpu:g} vCPU, "
            f"{memory_mb:,.0f} MiB): Kubernetes reserves the larger of the two for the pod, and decider sizes it so"
        )
    return max([vcpu, *(cpu for _, cpu, _ in regular)]), max([memory_mb, *(memory for _, _, memory in regular)])


def _container_requests(workload: ImportedWorkload, container: Mapping[str, Any]) -> tuple[float, float]:
    """One container's CPU (vCPUs) and memory (MiB) requests, else its limits (Kubernetes' default request); 0 for
    none."""
    resources = _mapping(container.get("resources"))
    requests, limits = _mapping(resources.get("requests")), _mapping(resources.get("limits"))
    cpu = _cpu(workload, requests.get("cpu", limits.get("cpu")))
    memory = _memory_mb(workload, requests.get("memory", limits.get("memory")))
    return cpu or 0.0, memory or 0.0


def _cpu(workload: ImportedWorkload, value: Any) -> float | None:
    """Kubernetes CPU quantity in vCPUs: 2, 0.5, "500m", "250000u"."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_quantity(value)
    except QuantityError as error:
        workload.assume(f"cpu {error}: ignored")
        return None


def _memory_mb(workload: ImportedWorkload, value: Any) -> float | None:
    """Kubernetes memory quantity in MB as AWS counts them (MiB): "512Mi" is 512, "1Gi" 1,024, "1G" about 954."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_quantity(value) / 2.0**20
    except QuantityError as error:
        workload.assume(f"memory {error}: ignored")
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
