"""Workloads from AWS SAM and CloudFormation templates (YAML or JSON) and from ECS task definition files.

Lambda functions (``AWS::Serverless::Function``, ``AWS::Lambda::Function``) and ECS task definitions with the
services that run them (``AWS::ECS::TaskDefinition``, ``AWS::ECS::Service``) become workloads; every property
read, and every default or unknown value, is described in docs/review.md's mapping table. A value that is an intrinsic
function (``!Ref``, ``!Sub`` …) is not known until deployment: it is treated as unknown and said so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from decider.sources.document import Document, is_intrinsic
from decider.sources.imported import ImportedWorkload, deep_merge
from decider.sources.schedule import runs_per_month

SAM_FUNCTION = "AWS::Serverless::Function"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
TASK_DEFINITION = "AWS::ECS::TaskDefinition"
SERVICE = "AWS::ECS::Service"

LAMBDA_DEFAULT_TIMEOUT_S = 3  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
LAMBDA_DEFAULT_MEMORY_MB = 128  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html

#: SAM event source types by the traffic they bring: requests over HTTP, events from a queue or stream, a schedule.
HTTP_EVENTS = frozenset({"Api", "HttpApi"})
QUEUE_EVENTS = frozenset(
    {
        "SQS",
        "Kinesis",
        "DynamoDB",
        "SNS",
        "EventBridgeRule",
        "CloudWatchEvent",
        "S3",
        "MSK",
        "MQ",
        "SelfManagedKafka",
        "DocumentDB",
        "CloudWatchLogs",
        "IoTRule",
        "Cognito",
    }
)
SCHEDULE_EVENTS = frozenset({"Schedule", "ScheduleV2"})

#: ECS launch types and capacity provider names → the precise target they run on.
LAUNCH_TARGET: Mapping[str, str] = {
    "FARGATE": "ecs-fargate",
    "FARGATE_SPOT": "ecs-fargate",
    "EC2": "ecs-ec2",
    "EXTERNAL": "ecs-ec2",
    "MANAGED_INSTANCES": "ecs-managed-instances",
}


def is_template(data: Any) -> bool:
    """A CloudFormation or SAM template: a format version, or Resources whose types are AWS resource types."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(resource, dict) and str(resource.get("Type", "")).startswith("AWS::")
        for resource in resources.values()
    )


def is_task_definition_file(data: Any) -> bool:
    """An ECS task definition in the shape `aws ecs register-task-definition` takes (family, containerDefinitions)."""
    return isinstance(data, dict) and "containerDefinitions" in data and "family" in data


def read_template(document: Document, file: str) -> list[ImportedWorkload]:
    """Every Lambda function and ECS service (or unreferenced task definition) in a template, in template order."""
    template: dict[str, Any] = document.data
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return []
    globals_section = template.get("Globals")
    function_defaults = globals_section.get("Function") if isinstance(globals_section, dict) else None
    workloads: list[ImportedWorkload] = []
    used_task_definitions: set[str] = set()
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        line = document.key_line("Resources", str(logical_id))
        properties = resource.get("Properties")
        properties = properties if isinstance(properties, dict) else {}
        if kind in (SAM_FUNCTION, LAMBDA_FUNCTION):
            if kind == SAM_FUNCTION and isinstance(function_defaults, dict):
                properties = deep_merge(function_defaults, properties)
            workload = ImportedWorkload(str(logical_id), file, line, str(kind), current_target="lambda")
            _read_function(workload, properties, resources)
            workloads.append(workload)
        elif kind == SERVICE:
            task_id = _reference(properties.get("TaskDefinition"))
            task = resources.get(task_id) if task_id else None
            workload = ImportedWorkload(str(logical_id), file, line, SERVICE)
            task_properties: dict[str, Any] = {}
            if isinstance(task, dict) and task.get("Type") == TASK_DEFINITION:
                used_task_definitions.add(str(task_id))
                if isinstance(task.get("Properties"), dict):
                    task_properties = task["Properties"]
                _read_task_definition(workload, task_properties)
                _read_schedules(workload, str(task_id), resources)
            else:
                workload.assume("TaskDefinition is not a task definition in this template: its size is unknown")
            _read_service(workload, properties, task_properties, resources)
            workloads.append(workload)
    for logical_id, resource in resources.items():
        if (
            isinstance(resource, dict)
            and resource.get("Type") == TASK_DEFINITION
            and logical_id not in used_task_definitions
        ):
            workload = ImportedWorkload(
                str(logical_id), file, document.key_line("Resources", str(logical_id)), TASK_DEFINITION
            )
            properties = resource.get("Properties")
            _read_task_definition(workload, properties if isinstance(properties, dict) else {})
            _read_schedules(workload, str(logical_id), resources)
            _set_traffic(workload, [], None)
            _choose_ecs_target(workload, None, properties if isinstance(properties, dict) else {})
            workloads.append(workload)
    return workloads


def read_task_definition_file(document: Document, file: str) -> ImportedWorkload:
    """One ECS task definition in the ``register-task-definition`` JSON shape (camelCase keys)."""
    data: dict[str, Any] = document.data
    workload = ImportedWorkload(str(data.get("family")), file, document.line, "ECS task definition")
    _read_task_definition(workload, data)
    _set_traffic(workload, [], None)
    _choose_ecs_target(workload, None, data)
    return workload


# --- Lambda ---------------------------------------------------------------------------------------------------


def _read_function(workload: ImportedWorkload, properties: Mapping[str, Any], resources: Mapping[str, Any]) -> None:
    workload.set("team.current_platform", "lambda")
    timeout = _literal(workload, properties, "Timeout")
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        workload.set("runtime.max_duration_s", float(timeout))
    elif "Timeout" not in properties:
        workload.set("runtime.max_duration_s", float(LAMBDA_DEFAULT_TIMEOUT_S))
        workload.assume(f"Timeout not set: Lambda's default of {LAMBDA_DEFAULT_TIMEOUT_S} s")
    memory = _literal(workload, properties, "MemorySize")
    if isinstance(memory, int) and not isinstance(memory, bool):
        workload.set("runtime.memory_mb", memory)
    elif "MemorySize" not in properties:
        workload.set("runtime.memory_mb", LAMBDA_DEFAULT_MEMORY_MB)
        workload.assume(f"MemorySize not set: Lambda's default of {LAMBDA_DEFAULT_MEMORY_MB} MB")
    architectures = _literal(workload, properties, "Architectures")
    if isinstance(architectures, list) and architectures and architectures[0] in ("arm64", "x86_64"):
        workload.set("runtime.architecture", architectures[0])
    storage = _literal(workload, properties, "EphemeralStorage")
    if isinstance(storage, dict):
        size_mb = _literal(workload, storage, "Size")
        if isinstance(size_mb, int | float) and not isinstance(size_mb, bool):
            workload.set("runtime.ephemeral_storage_gb", round(size_mb / 1024, 3))
    if _literal(workload, properties, "PackageType") == "Image":
        workload.assume(
            "PackageType Image: deployed as a container image; its size (artifact_mb) is not in the template"
        )
    protocols: list[str] = []
    runs: float | None = None
    events = _literal(workload, properties, "Events")
    if isinstance(events, dict):
        for event in events.values():
            if not isinstance(event, dict):
                continue
            kind = event.get("Type")
            if kind in HTTP_EVENTS:
                protocols.append("http")
            elif kind in QUEUE_EVENTS:
                protocols.append("queue")
            elif kind in SCHEDULE_EVENTS:
                protocols.append("schedule")
                event_properties = event.get("Properties")
                if isinstance(event_properties, dict):
                    expression = event_properties.get("Schedule", event_properties.get("ScheduleExpression"))
                    runs = runs_per_month(expression) or runs
    if "FunctionUrlConfig" in properties:
        protocols.append("http")
    for protocol, trigger_runs in _triggers(workload.name, resources):
        protocols.append(protocol)
        runs = trigger_runs or runs
    _set_traffic(workload, protocols, runs)


def _triggers(function_id: str, resources: Mapping[str, Any]) -> Iterator[tuple[str, float | None]]:
    """Separate resources that send work to a function: event source mappings, URLs, schedules, API permissions."""
    for resource in resources.values():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        if kind == "AWS::Lambda::EventSourceMapping" and _mentions(properties.get("FunctionName"), function_id):
            yield "queue", None
        elif kind == "AWS::Lambda::Url" and _mentions(properties.get("TargetFunctionArn"), function_id):
            yield "http", None
        elif kind == "AWS::Lambda::Permission" and _mentions(properties.get("FunctionName"), function_id):
            if properties.get("Principal") == "apigateway.amazonaws.com":
                yield "http", None
        elif kind in ("AWS::Events::Rule", "AWS::Scheduler::Schedule") and _mentions(
            properties.get("Targets", properties.get("Target")), function_id
        ):
            expression = properties.get("ScheduleExpression")
            yield ("schedule", runs_per_month(expression)) if expression else ("queue", None)


# --- ECS ------------------------------------------------------------------------------------------------------


def _read_task_definition(workload: ImportedWorkload, properties: Mapping[str, Any]) -> None:
    workload.set("team.current_platform", "ecs")
    containers = _key(properties, "ContainerDefinitions")
    containers = [item for item in containers if isinstance(item, dict)] if isinstance(containers, list) else []
    cpu_units = _cpu_units(_literal(workload, properties, "Cpu"))
    memory_mb = _memory_mb(_literal(workload, properties, "Memory"))
    if cpu_units is None:
        given = [_cpu_units(_key(container, "Cpu")) for container in containers]
        cpu_units = sum(value for value in given if value) or None
    if memory_mb is None:
        given = [
            _memory_mb(_key(container, "Memory") or _key(container, "MemoryReservation")) for container in containers
        ]
        memory_mb = sum(value for value in given if value) or None
    if cpu_units:
        workload.set("runtime.vcpu", round(cpu_units / 1024, 4))
    if memory_mb:
        workload.set("runtime.memory_mb", round(memory_mb))
    gpus = 0
    for container in containers:
        if _key(container, "Privileged") is True:
            workload.set("control.privileged", True)
        requirements = _key(container, "ResourceRequirements")
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, dict) and str(_key(requirement, "Type")).upper() == "GPU":
                count = _key(requirement, "Value")
                if str(count).strip().isdigit():
                    gpus += int(str(count).strip())
                else:
                    workload.assume(f"GPU requirement {count!r} is not a whole number: GPUs unknown")
    if gpus:
        workload.set("runtime.gpu", gpus)
    essential = [container for container in containers if _key(container, "Essential") is not False]
    if len(essential) > 1:
        workload.set("control.sidecars", True)
    if str(_literal(workload, properties, "NetworkMode")).lower() == "host":
        workload.set("control.host_networking", True)
    platform = _key(properties, "RuntimePlatform")
    if isinstance(platform, dict):
        architecture = str(_key(platform, "CpuArchitecture") or "").upper()
        if architecture in ("ARM64", "X86_64"):
            workload.set("runtime.architecture", architecture.lower())
        if str(_key(platform, "OperatingSystemFamily") or "").upper().startswith("WINDOWS"):
            workload.set("runtime.os", "windows")
    storage = _key(properties, "EphemeralStorage")
    if isinstance(storage, dict):
        size_gib = _key(storage, "SizeInGiB")
        if isinstance(size_gib, int | float) and not isinstance(size_gib, bool):
            workload.set("runtime.ephemeral_storage_gb", float(size_gib))


def _read_service(
    workload: ImportedWorkload, properties: Mapping[str, Any], task: Mapping[str, Any], resources: Mapping[str, Any]
) -> None:
    workload.set("team.current_platform", "ecs")
    if _literal(workload, properties, "SchedulingStrategy") == "DAEMON":
        workload.set("control.host_daemons", True)
    _set_traffic(workload, ["http"] if properties.get("LoadBalancers") else [], None, http_is_spiky=False)
    _choose_ecs_target(workload, properties, task, resources)


def _choose_ecs_target(
    workload: ImportedWorkload,
    service: Mapping[str, Any] | None,
    task: Mapping[str, Any],
    resources: Mapping[str, Any] | None = None,
) -> None:
    """The precise ECS target: the service's launch type, else its capacity providers, else the task's compatibility."""
    if service is not None:
        launch_type = _literal(workload, service, "LaunchType")
        if isinstance(launch_type, str) and launch_type in LAUNCH_TARGET:
            workload.current_target = LAUNCH_TARGET[launch_type]
            return
        strategy = _literal(workload, service, "CapacityProviderStrategy")
        if isinstance(strategy, list) and strategy and isinstance(strategy[0], dict):
            provider = strategy[0].get("CapacityProvider")
            if provider == "FARGATE_SPOT" or any(
                isinstance(item, dict) and item.get("CapacityProvider") == "FARGATE_SPOT" for item in strategy
            ):
                workload.set("preferences.spot_ok", True)
            workload.current_target = _capacity_provider_target(workload, provider, resources or {})
            return
    compatibilities = _key(task, "RequiresCompatibilities")
    if isinstance(compatibilities, list):
        known = [LAUNCH_TARGET[item] for item in compatibilities if isinstance(item, str) and item in LAUNCH_TARGET]
        if known:
            workload.current_target = known[0]
            if len(set(known)) > 1:
                workload.assume(f"compatible with {', '.join(compatibilities)}: taken to run on the first, {known[0]}")
            return
    workload.current_target = "ecs-ec2"
    workload.assume("no launch type, capacity provider or compatibility given: ECS's default launch type, EC2")


def _capacity_provider_target(workload: ImportedWorkload, provider: Any, resources: Mapping[str, Any]) -> str:
    if isinstance(provider, str) and provider in LAUNCH_TARGET:
        return LAUNCH_TARGET[provider]
    provider_id = _reference(provider)
    resource = resources.get(provider_id) if provider_id else None
    properties = resource.get("Properties") if isinstance(resource, dict) else None
    if isinstance(properties, dict) and "ManagedInstancesProvider" in properties:
        return "ecs-managed-instances"
    if isinstance(properties, dict) and "AutoScalingGroupProvider" in properties:
        return "ecs-ec2"
    workload.assume(
        f"capacity provider {_describe(provider)} is not defined in this template: taken to be EC2 capacity"
    )
    return "ecs-ec2"


def _read_schedules(workload: ImportedWorkload, task_id: str, resources: Mapping[str, Any]) -> None:
    for resource in resources.values():
        if not isinstance(resource, dict) or resource.get("Type") not in (
            "AWS::Events::Rule",
            "AWS::Scheduler::Schedule",
        ):
            continue
        properties = resource.get("Properties")
        if isinstance(properties, dict) and _mentions(properties.get("Targets", properties.get("Target")), task_id):
            expression = properties.get("ScheduleExpression")
            if expression:
                _set_traffic(workload, ["schedule"], runs_per_month(expression))


# --- helpers --------------------------------------------------------------------------------------------------


def _set_traffic(
    workload: ImportedWorkload, protocols: list[str], runs: float | None, *, http_is_spiky: bool = True
) -> None:
    """Pattern and protocols from how work arrives: HTTP to a function is spiky, queues and streams are events,
    schedules run jobs. HTTP to a long-lived service behind a load balancer says nothing about its shape."""
    known = list(workload.get("traffic.protocols") or [])
    for protocol in protocols:
        if protocol not in known:
            known.append(protocol)
    if not known:
        workload.assume("no event source found: traffic pattern and volume are unknown (give them in the usage file)")
        return
    workload.set("traffic.protocols", known)
    if "http" in known and not http_is_spiky:
        return
    pattern = "spiky" if "http" in known else "event" if "queue" in known else "scheduled"
    workload.set("traffic.pattern", pattern)
    if runs is not None and pattern == "scheduled":
        workload.set("traffic.requests_per_month", runs)


def _literal(workload: ImportedWorkload, properties: Mapping[str, Any], key: str) -> Any:
    """A property's literal value; an intrinsic function is unknown until deployment and reads as None."""
    value = _key(properties, key)
    if is_intrinsic(value):
        workload.assume(f"{key} is {_describe(value)}, not a literal: treated as unknown (give it in the usage file)")
        return None
    return value


def _key(mapping: Mapping[str, Any], key: str) -> Any:
    """``key`` in CloudFormation's PascalCase, or in the camelCase of ECS's own JSON."""
    if key in mapping:
        return mapping[key]
    return mapping.get(key[:1].lower() + key[1:])


def _reference(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    return None


def _mentions(value: Any, logical_id: str) -> bool:
    """Whether a property value refers to ``logical_id`` (Ref, GetAtt, Sub, or the bare name)."""
    if isinstance(value, str):
        return value == logical_id or "${" + logical_id in value
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and attribute[0] == logical_id:
            return True
        if isinstance(attribute, str) and attribute.split(".", 1)[0] == logical_id:
            return True
        return any(_mentions(item, logical_id) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, logical_id) for item in value)
    return False


def _describe(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        key, argument = next(iter(value.items()))
        shown = argument if isinstance(argument, str) else "…"
        return f"{key} {shown}" if key == "Ref" else f"{key}({shown})"
    return repr(value)


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
