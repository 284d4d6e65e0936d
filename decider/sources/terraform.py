"""Workloads from Terraform resources, read from HCL source (decider/sources/hcl.py) or a plan (terraform_plan.py).

``aws_lambda_function`` is a function; its event sources (``aws_lambda_event_source_mapping``, EventBridge rules and
targets, ``aws_scheduler_schedule``, API Gateway integrations and permissions, ``aws_lambda_function_url``) say how
work arrives. ``aws_ecs_service`` runs its ``aws_ecs_task_definition`` (a task definition no service runs is a
workload of its own, and so are the tasks a schedule starts from one a service runs) on its launch type or capacity
provider (an ``aws_ecs_capacity_provider`` with Managed Instances or an Auto Scaling group). The Kubernetes
provider's deployments, stateful sets, daemon sets, jobs and cron jobs (``kubernetes_deployment``,
``kubernetes_stateful_set``, ``kubernetes_daemonset``, ``kubernetes_job``, ``kubernetes_cron_job`` and their ``_v1``
names) are read as the manifests they stand for (decider/sources/terraform_kubernetes.py) and run on EKS; the
``aws_eks_*`` resources say how.
A workload is named by its resource address, or its module call's (``module.orders``); see docs/review.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from decider.documents import parse_json
from decider.errors import DocumentError
from decider.sources.balancers import configuration_balancers, own_balancer
from decider.sources.cloudformation import (
    LAMBDA_DEFAULT_ARCHITECTURE,
    LAMBDA_DEFAULT_MEMORY_MB,
    LAMBDA_DEFAULT_TIMEOUT_S,
)
from decider.sources.durable import read_durable
from decider.sources.ecs import LAUNCH_TYPES, choose_ecs_target, listens, read_task_definition
from decider.sources.edge import terraform_edge
from decider.sources.function_doors import set_door
from decider.sources.imported import ImportedWorkload
from decider.sources.provisioned import terraform_provisioned
from decider.sources.schedule import counted_runs, note_disabled
from decider.sources.task_starts import beside_services, read_starts, terraform_starts
from decider.sources.template import WEBSOCKET_READ, number_of, run_on_demand, set_traffic
from decider.sources.terraform_kubernetes import KINDS, kubernetes_workload
from decider.sources.terraform_model import (
    Expression,
    Partial,
    Resource,
    blocks,
    first_block,
    instance_notes,
    short,
    unknown_note,
)
from decider.sources.terraform_triggers import rule_trigger, scheduler_trigger, sent_by

LAMBDA = "aws_lambda_function"
TASK_DEFINITION = "aws_ecs_task_definition"
SERVICE = "aws_ecs_service"


def terraform_workloads(resources: Sequence[Resource]) -> list[ImportedWorkload]:
    """Every workload the resources describe, in the order their resources come (a suspended Kubernetes job or cron
    job, or a function or task definition only a disabled schedule starts, with ``idle`` saying why)."""
    workloads: list[ImportedWorkload] = []
    services: dict[str, tuple[Resource, ImportedWorkload]] = {}  # each service's resource and workload
    for resource in resources:
        if resource.type == LAMBDA:
            workloads.append(_function(resource, resources))
        elif resource.type == SERVICE:
            task = next(
                (item for item in resources if item.type == TASK_DEFINITION and _runs(resource, item)),
                None,
            )
            workloads.append(_service(resource, task, resources))
            services[resource.address] = (resource, workloads[-1])
        elif resource.type in KINDS:
            pods = kubernetes_workload(resource, resources)
            workloads.extend([pods] if pods is not None else [])
    for resource in resources:
        if resource.type == TASK_DEFINITION:
            workload = _workload(resource, "ecs")
            read_task_definition(workload, _task_properties(workload, resource))
            off = _schedules(workload, resource, resources)
            read_starts(workload, terraform_starts(resource, resources))
            note_disabled(workload, off, other_starts=workload.get("traffic.pattern") is not None)
            runners = [service for item, service in services.values() if _runs(item, resource)]
            if runners and beside_services(workload, runners) is None:
                continue  # run by its services alone
            quiet = _task_properties(workload, resource, quiet=True)
            unread = "ContainerDefinitions" not in quiet and "container_definitions" in resource.values
            run_on_demand(workload, None if unread else listens(quiet))
            choose_ecs_target(workload, None, _task_properties(workload, resource, quiet=True))
            workloads.append(workload)
    return workloads


def priced_in(workloads: Sequence[ImportedWorkload], regions: Mapping[str | None, tuple[str, str]]) -> None:
    """The region each workload's AWS provider deploys it to (the alias its ``provider`` names, else the default
    provider's), and where that is said; the review settles it (decider/review_input.py ``settle_region``): a usage
    file's region wins, and a region no price book covers is priced in us-east-1, as each says."""
    for workload in workloads:
        found = regions.get(workload.provider_alias)
        if found is not None and workload.get("preferences.region") is None:
            region, where = found
            workload.set("preferences.region", region)
            workload.region_from = (region, f"its AWS provider ({where})")


def _workload(resource: Resource, platform: str, runs_as: str | None = None) -> ImportedWorkload:
    workload = ImportedWorkload(resource.owner, resource.file, resource.line, resource.type, runs_as=runs_as)
    workload.set("team.current_platform", platform)
    provider = resource.values.get("provider")  # ``provider = aws.use1``: an expression naming the alias
    text = provider.text if isinstance(provider, Expression) else provider if isinstance(provider, str) else ""
    workload.provider_alias = text.removeprefix("aws.") if text.startswith("aws.") else None
    for note in instance_notes(resource):
        workload.assume(note)
    workload.aliases = _aliases(resource)
    return workload


def _aliases(resource: Resource) -> tuple[str, ...]:
    """The names the deployed resource goes by (as CloudWatch's dimensions give them), other than its address."""
    names = [resource.values.get(key) for key in ("function_name", "name", "family")]
    return tuple(dict.fromkeys(name for name in names if isinstance(name, str) and name != resource.owner))


def known(workload: ImportedWorkload, values: Mapping[str, Any], key: str) -> Any:
    """An attribute's value, or None when it is not known before Terraform runs (and the workload says so)."""
    value = values.get(key)
    if isinstance(value, Expression):
        workload.assume(unknown_note(key, value))
        return None
    return value


def _unknowns(value: Any) -> str:
    """The unknown parts of a partly known value, as written (``var.image``), at most three."""
    found: list[str] = []
    stack = [value]
    while stack and len(found) < 3:
        item = stack.pop(0)
        if isinstance(item, Expression):
            found.append(short(item.text, 40))
        elif isinstance(item, str):
            found += [f"${{{match}}}" for match in re.findall(r"\$\{([^}]*)\}", item)][: 3 - len(found)]
        elif isinstance(item, dict):
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return ", ".join(found) or "some values"


def _function(resource: Resource, resources: Sequence[Resource]) -> ImportedWorkload:
    workload = _workload(resource, "lambda", "function")
    terraform_edge(workload, resource, resources)
    values = resource.values
    timeout = number_of(known(workload, values, "timeout"))
    if timeout is not None:
        workload.set("runtime.max_duration_s", timeout)
        workload.ceiling = "timeout"  # the runs may stay well within it: the review tries it lower
    elif values.get("timeout") is None:
        workload.set("runtime.max_duration_s", float(LAMBDA_DEFAULT_TIMEOUT_S))
        workload.assume(f"timeout not set: Lambda's default of {LAMBDA_DEFAULT_TIMEOUT_S} s")
    durable = first_block(values.get("durable_config"))
    if durable:
        read_durable(workload, number_of(known(workload, durable, "execution_timeout")), "execution_timeout")
    memory = number_of(known(workload, values, "memory_size"))
    if memory is not None and memory.is_integer():
        workload.set("runtime.memory_mb", int(memory))
    elif values.get("memory_size") is None:
        workload.set("runtime.memory_mb", LAMBDA_DEFAULT_MEMORY_MB)
        workload.assume(f"memory_size not set: Lambda's default of {LAMBDA_DEFAULT_MEMORY_MB} MB")
    architectures = known(workload, values, "architectures")
    if isinstance(architectures, list) and architectures and architectures[0] in ("arm64", "x86_64"):
        workload.set("runtime.architecture", architectures[0])
    elif values.get("architectures") in (None, []):  # what the function runs on today, not "any"
        workload.set("runtime.architecture", LAMBDA_DEFAULT_ARCHITECTURE)
        workload.assume(f"architectures not set: Lambda's default, {LAMBDA_DEFAULT_ARCHITECTURE}")
    size_mb = number_of(first_block(known(workload, values, "ephemeral_storage")).get("size"))
    if size_mb is not None:
        workload.set("runtime.ephemeral_storage_gb", round(size_mb / 1024, 3))
    if first_block(values.get("capacity_provider_config")).get("lambda_managed_instances_capacity_provider_config"):
        workload.mode = "managed-instances"
        workload.assume("capacity_provider_config set: it runs on Lambda Managed Instances")
    elif values.get("capacity_provider_config") is None:
        workload.mode = "on-demand"  # no capacity provider: Lambda runs it on demand
    if known(workload, values, "package_type") == "Image":
        workload.assume("package_type Image: deployed as a container image; its size (artifact_mb) is not known")
    protocols: list[str] = []
    runs: float | None = None
    off: list[str] = []  # the disabled schedules, which start nothing
    websocket: list[str] = []  # the integrations of a WebSocket API that send it messages
    senders: list[str] = []  # the resource types that send it requests: the front door they say
    for protocol, expression, sender in sent_by(resource, resources):
        if protocol == "http":
            senders.append(sender)
        if protocol == "off":
            off.append(str(expression))
            continue
        if protocol == "websocket":
            websocket.append(str(expression))
            expression = None
        protocols.append(protocol)
        trigger_runs = counted_runs(expression, workload.assume)
        runs = trigger_runs if trigger_runs is not None else runs
    set_door(workload, senders)
    if websocket:
        workload.assume(f"sent messages by {', '.join(websocket)} (protocol_type WEBSOCKET): {WEBSOCKET_READ}")
    note_disabled(workload, off, other_starts=bool(protocols))
    set_traffic(workload, protocols, runs)
    terraform_provisioned(workload, resource, resources)
    return workload


def _runs(service: Resource, task: Resource) -> bool:
    """Whether a service runs a task definition: its expression refers to it, or names its family."""
    if service.refers_to("task_definition", task.address):
        return True
    family = task.values.get("family")
    return isinstance(family, str) and service.values.get("task_definition") == family


def _task_properties(workload: ImportedWorkload, task: Resource | None, *, quiet: bool = False) -> dict[str, Any]:
    """A task definition's attributes in the shape ECS's own JSON gives them (read by decider/sources/ecs.py)."""
    if task is None:
        return {}
    values = task.values

    def read(key: str) -> Any:
        if quiet:
            return None if isinstance(values.get(key), Expression) else values.get(key)
        return known(workload, values, key)

    properties: dict[str, Any] = {}
    for key, name in (("cpu", "Cpu"), ("memory", "Memory"), ("network_mode", "NetworkMode")):
        if read(key) is not None:
            properties[name] = read(key)
    raw = values.get("container_definitions")
    # known but for some values (the image): the ports, sizes and flags are read, unless JSON needs the values
    partial = (
        f"container_definitions holds values not known until Terraform runs ({_unknowns(raw.value)})"
        if (isinstance(raw, Partial))
        else None
    )
    containers = raw.value if isinstance(raw, Partial) else read("container_definitions")
    if isinstance(containers, str):
        try:
            containers = parse_json(containers, "container_definitions")  # strict JSON, its depth bounded
        except DocumentError:
            if not quiet:  # said once a task definition, however many times it is read
                workload.assume(
                    f"{partial}, where its JSON needs them: containers unknown"
                    if partial is not None
                    else "container_definitions is not valid JSON: containers unknown"
                )
            containers, partial = None, None
    if partial is not None and not quiet:
        workload.assume(f"{partial}: read without them")
    if isinstance(containers, list):
        properties["ContainerDefinitions"] = containers
    platform = first_block(read("runtime_platform"))
    if platform:
        properties["RuntimePlatform"] = {
            "CpuArchitecture": platform.get("cpu_architecture"),
            "OperatingSystemFamily": platform.get("operating_system_family"),
        }
    storage = first_block(read("ephemeral_storage"))
    if storage.get("size_in_gib") is not None:
        properties["EphemeralStorage"] = {"SizeInGiB": storage["size_in_gib"]}
    compatibilities = read("requires_compatibilities")
    if isinstance(compatibilities, list):
        properties["RequiresCompatibilities"] = compatibilities
    host_paths = [volume.get("host_path") for volume in blocks(values.get("volume")) if volume.get("host_path")]
    if host_paths:
        properties["Volumes"] = [
            {"Host": {"SourcePath": path.text if isinstance(path, Expression) else path}} for path in host_paths
        ]
    return properties


def _service(service: Resource, task: Resource | None, resources: Sequence[Resource]) -> ImportedWorkload:
    workload = _workload(service, "ecs")
    task_properties = _task_properties(workload, task)
    if task is None:
        workload.assume("task_definition is not a task definition in this configuration: its size is unknown")
    else:
        read_task_definition(workload, task_properties)
    values = service.values
    if known(workload, values, "scheduling_strategy") == "DAEMON":
        workload.set("control.host_daemons", True)
    set_traffic(workload, ["http"] if blocks(values.get("load_balancer")) else [], None, http_is_spiky=False)
    if blocks(values.get("load_balancer")):
        own_balancer(workload, *configuration_balancers(resources))
    workload.keep_copies("desired_count", known(workload, values, "desired_count"))
    properties: dict[str, Any] = {}
    launch_type = known(workload, values, "launch_type")
    if isinstance(launch_type, str) and launch_type:
        properties["LaunchType"] = launch_type
    elif isinstance(values.get("launch_type"), Expression):
        properties["LaunchType"] = values["launch_type"]  # set, not known here: the task's compatibility may say
    strategy = blocks(known(workload, values, "capacity_provider_strategy"))
    providers: dict[str, Any] = {}
    if strategy:
        properties["CapacityProviderStrategy"] = [
            {
                "CapacityProvider": _provider(item, service, resources, providers),
                **{key: item[name] for key, name in (("Base", "base"), ("Weight", "weight")) if name in item},
            }
            for item in strategy
        ]
    choose_ecs_target(workload, properties, task_properties, providers)
    return workload


def _provider(
    item: Mapping[str, Any], service: Resource, resources: Sequence[Resource], providers: dict[str, Any]
) -> Any:
    """A strategy item's capacity provider: an AWS-managed name, or one defined here as a CloudFormation-shaped
    resource that decider/sources/ecs.py reads (Managed Instances or an Auto Scaling group)."""
    name = item.get("capacity_provider")
    if isinstance(name, str) and name in LAUNCH_TYPES:
        return name
    for resource in resources:
        if resource.type != "aws_ecs_capacity_provider":
            continue
        if resource.values.get("name") == name or (
            isinstance(name, Expression) and service.refers_to("capacity_provider_strategy", resource.owner)
        ):
            kind = (
                "ManagedInstancesProvider"
                if resource.values.get("managed_instances_provider")
                else "AutoScalingGroupProvider"
            )
            providers[resource.address] = {"Type": "AWS::ECS::CapacityProvider", "Properties": {kind: {}}}
            return {"Ref": resource.address}
    return {"Ref": str(name)}


def _schedules(workload: ImportedWorkload, task: Resource, resources: Sequence[Resource]) -> list[str]:
    """The runs of the EventBridge rules and Scheduler schedules that run the task definition; the disabled ones,
    which start nothing, are returned (each with how it is off, its file and line)."""
    off: list[str] = []
    for item in resources:
        if item.type == "aws_cloudwatch_event_target" and item.refers_to("ecs_target", task.owner):
            protocol, expression = rule_trigger(item, resources)
        elif item.type == "aws_scheduler_schedule" and item.refers_to("target", task.owner):
            protocol, expression = scheduler_trigger(item)
        else:
            continue
        if protocol == "off":
            off.append(str(expression))
        elif protocol == "schedule":
            set_traffic(workload, ["schedule"], counted_runs(expression, workload.assume))
    return off
