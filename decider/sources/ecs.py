"""ECS task definitions and the services that run them, from CloudFormation templates or ECS's own JSON.

Task size (CPU and memory), launch type or capacity provider, the load balancers in front and the schedules that run
a task become a workload; see docs/review.md's mapping table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from decider.facts import IMAGE_ON_DISK
from decider.numbers import number
from decider.sources.accelerators import NEURON_DEVICE, needs_neuron
from decider.sources.balancers import own_balancer, template_balancers
from decider.sources.document import Document, is_intrinsic
from decider.sources.imported import ImportedWorkload
from decider.sources.schedule import counted_runs, disabled
from decider.sources.strategy import fargate_mode
from decider.sources.template import describe_value, key_of, literal, mentions, number_of, reference, set_traffic
from decider.workload import Runtime

TASK_DEFINITION = "AWS::ECS::TaskDefinition"
SERVICE = "AWS::ECS::Service"

#: The CPU architecture a task runs on when its definition names none (RuntimePlatform CpuArchitecture: "ARM64" is a
#: setting to choose, X86_64 what runs otherwise).
ECS_DEFAULT_ARCHITECTURE = "x86_64"
#: ECS launch types and AWS-managed capacity provider names; targets.yaml (``runs_as``) says which target each is.
LAUNCH_TYPES = frozenset({"FARGATE", "FARGATE_SPOT", "EC2", "EXTERNAL", "MANAGED_INSTANCES"})
#: How the reading of a task's ephemeral storage says what it read (and is found again, to be read anew).
TASK_TOTAL = "(the task's total, image included)"
#: The total ephemeral storage ECS accepts for a task, GiB: "The minimum supported value is 21 GiB and the maximum
#: supported value is 200 GiB" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html).
TASK_STORAGE_GIB = (21.0, 200.0)


def read_task_definition(workload: ImportedWorkload, properties: Mapping[str, Any]) -> None:
    workload.set("team.current_platform", "ecs")
    containers = key_of(properties, "ContainerDefinitions")
    containers = [item for item in containers if isinstance(item, dict)] if isinstance(containers, list) else []
    task_size = (literal(workload, properties, "Cpu"), literal(workload, properties, "Memory"))
    cpu_units, memory_mb = _cpu_units(task_size[0]), _memory_mb(task_size[1])
    if cpu_units is None:
        given = [_cpu_units(_container_literal(workload, container, "Cpu")) for container in containers]
        cpu_units = sum(value for value in given if value) or None
    if memory_mb is None:
        given = [
            _memory_mb(
                _container_literal(workload, container, "Memory")
                or _container_literal(workload, container, "MemoryReservation")
            )
            for container in containers
        ]
        memory_mb = sum(value for value in given if value) or None
    if cpu_units:
        workload.set("runtime.vcpu", round(cpu_units / 1024, 4))
    if memory_mb:
        workload.set("runtime.memory_mb", round(memory_mb))
    compatibilities = key_of(properties, "RequiresCompatibilities")
    if (
        isinstance(compatibilities, list)
        and "FARGATE" in compatibilities
        and cpu_units
        and memory_mb
        and all(task_size)
    ):
        windows = str(key_of(key_of(properties, "RuntimePlatform") or {}, "OperatingSystemFamily") or "")
        problem = fargate_size_problem(cpu_units, memory_mb, windows=windows.upper().startswith("WINDOWS"))
        if problem:
            workload.assume(
                f"Cpu {cpu_units:g} with Memory {memory_mb:g} MB is not a task size Fargate runs ({problem}): ECS "
                "would refuse this task definition; it is priced at the smallest Fargate size that holds it"
            )
    gpus = 0
    for container in containers:
        if key_of(container, "Privileged") is True:
            workload.set("control.privileged", True)
        requirements = key_of(container, "ResourceRequirements")
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict) and str(key_of(requirement, "Type")).upper() == "GPU":
                count = key_of(requirement, "Value")
                if str(count).strip().isdigit():
                    gpus += int(str(count).strip())
                else:
                    workload.assume(f"GPU requirement {count!r} is not a whole number: GPUs unknown")
    if gpus:
        workload.set("runtime.gpu", gpus)
    devices: list[str] = []
    for container in containers:
        mapped = key_of(key_of(container, "LinuxParameters") or {}, "Devices")
        for device in mapped if isinstance(mapped, list) else []:
            path = str(key_of(device, "HostPath") or "") if isinstance(device, dict) else ""
            if path.startswith(NEURON_DEVICE):
                devices.append(path)
    if devices:
        needs_neuron(workload, f"a container maps the device {devices[0]}")
    _host_volumes(workload, properties)
    if len(containers) > 1:  # a second container, essential or not (a log router, a proxy), is a sidecar
        workload.set("control.sidecars", True)
    protocols = _app_protocols(containers)
    if protocols:
        workload.set("traffic.protocols", protocols)
    if str(literal(workload, properties, "NetworkMode")).lower() == "host":
        workload.set("control.host_networking", True)
    platform = key_of(properties, "RuntimePlatform")
    platform = platform if isinstance(platform, dict) else {}
    architecture = key_of(platform, "CpuArchitecture")
    if str(architecture or "").upper() in ("ARM64", "X86_64"):
        workload.set("runtime.architecture", str(architecture).lower())
    elif architecture is None:  # the image is built for what the task runs on today: ECS's default, not "any"
        workload.set("runtime.architecture", ECS_DEFAULT_ARCHITECTURE)
        workload.assume(f"RuntimePlatform CpuArchitecture not set: ECS's default, {ECS_DEFAULT_ARCHITECTURE.upper()}")
    system = str(key_of(platform, "OperatingSystemFamily") or "").upper()
    if system.startswith("WINDOWS") or system == "LINUX":
        workload.set("runtime.os", "windows" if system.startswith("WINDOWS") else "linux")
    storage = key_of(properties, "EphemeralStorage")
    if isinstance(storage, dict):
        size_gib = number_of(key_of(storage, "SizeInGiB"))
        if size_gib is not None:
            task_storage(workload, size_gib)
            low, high = TASK_STORAGE_GIB
            if not low <= size_gib <= high:
                workload.assume(
                    f"EphemeralStorage {number(size_gib)} GiB is outside the {number(low)}–{number(high)} GiB ECS "
                    "accepts for a task's ephemeral storage: AWS refuses this task definition as written; reviewed "
                    "as given"
                )


def _container_literal(workload: ImportedWorkload, container: Mapping[str, Any], key: str) -> Any:
    """A container's literal size (``Cpu``, ``Memory``, ``MemoryReservation``), read when the task gives none; an
    intrinsic function is unknown until deployment: said, with the container's name, and read as None."""
    value = key_of(container, key)
    if is_intrinsic(value):
        name = key_of(container, "Name")
        workload.assume(
            f"container {name if isinstance(name, str) else '?'} {key} is {describe_value(value)}, not a literal: "
            "treated as unknown (give it in the usage file)"
        )
        return None
    return value


def task_storage(workload: ImportedWorkload, total_gib: float, usage: str | None = None) -> None:
    """``EphemeralStorage.SizeInGiB`` is the task's total ephemeral storage, which holds the container image, pulled
    and unpacked, as well as scratch files (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/
    API_EphemeralStorage.html, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html):
    the scratch (``runtime.ephemeral_storage_gb``) is the total less the image's room as decider counts it
    (``IMAGE_ON_DISK`` × ``runtime.artifact_mb``), so that the disk a copy needs (``derived.container_disk_gb``) is
    the total configured. Read again when a usage file (``usage``) gives the image's size and not the scratch."""
    workload.task_storage_gib = total_gib
    given = number_of(workload.get("runtime.artifact_mb"))
    artifact_mb = given if given is not None else float(Runtime.model_fields["artifact_mb"].default)
    scratch_gb = max(0.0, total_gib - IMAGE_ON_DISK * artifact_mb / 1024.0)
    workload.set("runtime.ephemeral_storage_gb", scratch_gb)
    workload.assumptions = [note for note in workload.assumptions if TASK_TOTAL not in note]
    image = f"a {number(artifact_mb)} MB image" + (f" (artifact_mb, from {usage})" if usage else "")
    workload.assume(
        f"EphemeralStorage {number(total_gib)} GiB {TASK_TOTAL}: scratch read as "
        f"{number(scratch_gb)} GB, the total less {image} held twice, pulled and unpacked"
        + ("" if given is not None else " (decider's default artifact_mb; give the image's size in the usage file)")
    )


def storage_after_usage(workload: ImportedWorkload, usage: str) -> None:
    """After a usage file (``usage``) is laid over a task read with a total ephemeral storage: an image size it gives
    leaves the scratch the rest of the total; a scratch it gives is taken as it is."""
    given = workload.given_in
    if workload.task_storage_gib is None or "runtime.ephemeral_storage_gb" in given:
        return
    if "runtime.artifact_mb" in given:
        task_storage(workload, workload.task_storage_gib, usage)


def _host_volumes(workload: ImportedWorkload, properties: Mapping[str, Any]) -> None:
    """Volumes that bind a path of the host (``Host.SourcePath``: the Docker socket, ``/var/lib/docker``, ``/proc``…):
    the task needs a host's file system, which Fargate does not mount and Lambda does not have; read as
    ``control.host_daemons``, the need for a host of its own, with the paths said."""
    volumes = key_of(properties, "Volumes")
    paths = [
        describe_value(path) if isinstance(path, dict) else str(path)
        for volume in (volumes if isinstance(volumes, list) else [])
        if isinstance(volume, dict)
        for path in [key_of(key_of(volume, "Host") or {}, "SourcePath")]
        if path not in (None, "")
    ]
    if paths:
        workload.set("control.host_daemons", True)
        workload.assume(
            f"a volume binds the host path {', '.join(paths)} (Host SourcePath): it needs a host's own file system, "
            "which Fargate tasks and Lambda functions do not have; read as control.host_daemons"
        )


#: Fargate's task sizes (aws-facts §2a; ECS task definition parameters): CPU units → (least memory, most memory, step)
#: in MB; 0.25 vCPU takes only 0.5, 1 or 2 GB, and 32 vCPU only 60, 120 or 244 GB.
FARGATE_TASK_SIZES: Mapping[int, tuple[int, int, int]] = {
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),
    16384: (32768, 122880, 8192),
}
_FARGATE_32_VCPU_MEMORY = (61440, 122880, 249856)


def fargate_size_problem(cpu_units: float, memory_mb: float, *, windows: bool = False) -> str | None:
    """Why a task-level CPU and memory pair is not a Fargate task size, or None when it is one."""
    if windows and cpu_units < 1024:
        return "a Windows task takes at least 1 vCPU, 1024 CPU units"
    if cpu_units == 256:
        return None if memory_mb in (512, 1024, 2048) else "0.25 vCPU takes 512, 1,024 or 2,048 MB"
    if cpu_units == 32768:
        fits = memory_mb in _FARGATE_32_VCPU_MEMORY
        return None if fits else "32 vCPU takes 61,440, 122,880 or 249,856 MB"
    size = FARGATE_TASK_SIZES.get(int(cpu_units)) if float(cpu_units).is_integer() else None
    if size is None:
        return "Fargate's CPU sizes are 256, 512, 1024, 2048, 4096, 8192, 16384 and 32768 units"
    least, most, step = size
    if least <= memory_mb <= most and (memory_mb - least) % step == 0:
        return None
    return f"{cpu_units / 1024:g} vCPU takes {least:,} to {most:,} MB in steps of {step:,}"


def read_service(
    workload: ImportedWorkload, properties: Mapping[str, Any], task: Mapping[str, Any], resources: Mapping[str, Any]
) -> None:
    workload.set("team.current_platform", "ecs")
    if literal(workload, properties, "SchedulingStrategy") == "DAEMON":
        workload.set("control.host_daemons", True)
    given = literal(workload, properties, "DesiredCount")
    desired = number_of(given)
    workload.keep_copies("DesiredCount", desired if desired is not None else given)
    served = list(workload.get("traffic.protocols") or ["http"])
    set_traffic(workload, served if properties.get("LoadBalancers") else [], None, http_is_spiky=False)
    if properties.get("LoadBalancers"):
        own_balancer(workload, *template_balancers(resources))
    choose_ecs_target(workload, properties, task, resources)


def choose_ecs_target(
    workload: ImportedWorkload,
    service: Mapping[str, Any] | None,
    task: Mapping[str, Any],
    resources: Mapping[str, Any] | None = None,
) -> None:
    """The precise ECS target: the service's launch type, else its capacity providers, else the task's compatibility."""
    if service is not None:
        launch_type = literal(workload, service, "LaunchType")
        if isinstance(launch_type, str) and launch_type in LAUNCH_TYPES:
            workload.runs_as = launch_type
            if launch_type == "FARGATE":
                workload.mode = "on-demand"  # the launch type is Fargate on demand; Spot needs a capacity provider
            return
        strategy = literal(workload, service, "CapacityProviderStrategy")
        if isinstance(strategy, list) and strategy and isinstance(strategy[0], dict):
            provider = strategy[0].get("CapacityProvider")
            mode = fargate_mode(strategy)  # a strategy naming both is priced as its mix (decider/sources/strategy.py)
            if mode is not None and mode != "on-demand":
                workload.set("preferences.spot_ok", True)
            if mode is not None:
                workload.mode = mode
            workload.runs_as = _capacity_provider(workload, provider, resources or {}, task)
            return
    compatibilities = key_of(task, "RequiresCompatibilities")
    if isinstance(compatibilities, list):
        known = [item for item in compatibilities if isinstance(item, str) and item in LAUNCH_TYPES]
        if known:
            workload.runs_as = known[0]
            if len(set(known)) > 1:
                workload.assume(f"compatible with {', '.join(compatibilities)}: taken to run on the first, {known[0]}")
            return
    workload.runs_as = "EC2"
    if service is not None and service.get("LaunchType") is not None:  # set, but to a value not known here
        workload.assume(
            "its launch type is not known until it is deployed, and no capacity provider or compatibility says where "
            "it runs: taken as ECS's default launch type, EC2, so its verdict on where it runs now is a guess"
        )
    else:
        workload.assume("no launch type, capacity provider or compatibility given: ECS's default launch type, EC2")


def _capacity_provider(
    workload: ImportedWorkload, provider: Any, resources: Mapping[str, Any], task: Mapping[str, Any]
) -> str:
    """The launch type a capacity provider stands for: an AWS-managed one by name, a defined one by its kind; one
    defined elsewhere by the only capacity the task can run on (``MANAGED_INSTANCES`` alone), else EC2."""
    if isinstance(provider, str) and provider in LAUNCH_TYPES:
        return provider
    provider_id = reference(provider)
    resource = resources.get(provider_id) if provider_id else None
    properties = resource.get("Properties") if isinstance(resource, dict) else None
    if isinstance(properties, dict) and "ManagedInstancesProvider" in properties:
        return "MANAGED_INSTANCES"
    if isinstance(properties, dict) and "AutoScalingGroupProvider" in properties:
        return "EC2"
    compatibilities = key_of(task, "RequiresCompatibilities")
    if compatibilities == ["MANAGED_INSTANCES"]:
        workload.assume(
            f"capacity provider {describe_value(provider)} is not defined here: Managed Instances, the only capacity "
            "the task definition is compatible with"
        )
        return "MANAGED_INSTANCES"
    workload.assume(f"capacity provider {describe_value(provider)} is not defined here: taken to be EC2 capacity")
    return "EC2"


def read_schedules(
    workload: ImportedWorkload, task_id: str, resources: Mapping[str, Any], document: Document
) -> list[str]:
    """The runs of the EventBridge rules and Scheduler schedules that start the task definition; the disabled ones,
    which start nothing, are returned (each with how it is off, its file and line)."""
    off: list[str] = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in (
            "AWS::Events::Rule",
            "AWS::Scheduler::Schedule",
        ):
            continue
        properties = resource.get("Properties")
        if isinstance(properties, dict) and mentions(properties.get("Targets", properties.get("Target")), task_id):
            expression = properties.get("ScheduleExpression")
            state = disabled(properties, "State") if expression else None
            if state is not None:
                line = document.key_line("Resources", str(logical_id))
                off.append(f"{resource['Type']} {logical_id} ({state}) at {workload.file}:{line}")
            elif expression:
                set_traffic(workload, ["schedule"], counted_runs(expression, workload.assume))
    return off


def _cpu_units(value: Any) -> float | None:
    """ECS CPU: units (1,024 per vCPU) as a number or string, or '0.5 vCPU'."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    match = re.fullmatch(r"([\d.]+)\s*vcpu", text)
    try:
        return float(match.group(1)) * 1024 if match else float(text)
    except ValueError:
        return None


def _memory_mb(value: Any) -> float | None:
    """ECS memory: MiB as a number or string, or '2 GB' (ECS reads GB as GiB)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    match = re.fullmatch(r"([\d.]+)\s*(gb|gib|mb|mib)?", str(value).strip().lower())
    if match is None:
        return None
    amount = float(match.group(1))
    return amount * 1024 if match.group(2) in ("gb", "gib") else amount


#: ECS port mappings' AppProtocol (for Service Connect) and the protocol the workload serves.
_APP_PROTOCOLS = {"http": "http", "http2": "http", "grpc": "grpc"}


def listens(properties: Mapping[str, Any]) -> bool:
    """Whether a task definition's containers map any port (a task that listens is a service's, not a job's)."""
    containers = key_of(properties, "ContainerDefinitions")
    return any(
        isinstance(container, dict) and bool(key_of(container, "PortMappings"))
        for container in (containers if isinstance(containers, list) else [])
    )


def _app_protocols(containers: list[dict[str, Any]]) -> list[str]:
    """The protocols the containers' port mappings say they serve (``AppProtocol``), in order, without repeats."""
    found: list[str] = []
    for container in containers:
        mappings = key_of(container, "PortMappings")
        for mapping in mappings if isinstance(mappings, list) else []:
            protocol = (
                _APP_PROTOCOLS.get(str(key_of(mapping, "AppProtocol") or "").lower())
                if isinstance(mapping, dict)
                else None
            )
            if protocol and protocol not in found:
                found.append(protocol)
    return found
