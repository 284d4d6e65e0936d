"""Workloads from AWS SAM and CloudFormation templates (YAML or JSON) and from ECS task definition files.

Lambda functions (``AWS::Serverless::Function``, ``AWS::Lambda::Function``) and ECS task definitions with the
services that run them (``AWS::ECS::TaskDefinition``, ``AWS::ECS::Service``) become workloads; every property
read, and every default or unknown value, is described in docs/review.md's mapping table. A value that is an intrinsic
function (``!Ref``, ``!Sub`` …) is not known until deployment: it is treated as unknown and said so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.sources.capacity import Capacity
from decider.sources.document import Document
from decider.sources.durable import read_durable
from decider.sources.ecs import (
    SERVICE,
    TASK_DEFINITION,
    choose_ecs_target,
    listens,
    read_schedules,
    read_service,
    read_task_definition,
)
from decider.sources.edge import template_edge
from decider.sources.function_doors import set_door
from decider.sources.imported import ImportedWorkload, deep_merge
from decider.sources.parameters import TemplateContext
from decider.sources.provisioned import template_provisioned
from decider.sources.schedule import counted_runs, disabled, note_disabled
from decider.sources.task_starts import beside_services, read_starts, template_starts
from decider.sources.template import WEBSOCKET_READ, literal, number_of, reference, run_on_demand, set_traffic
from decider.sources.triggers import triggers

SAM_FUNCTION = "AWS::Serverless::Function"
LAMBDA_FUNCTION = "AWS::Lambda::Function"

LAMBDA_DEFAULT_TIMEOUT_S = 3  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
LAMBDA_DEFAULT_MEMORY_MB = 128  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
LAMBDA_DEFAULT_ARCHITECTURE = "x86_64"  # https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html
#: Invocations a month assumed for a function CloudFormation calls only while deploying (custom resource, macro).
DEPLOY_RUNS_PER_MONTH = 10.0

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
    """An ECS task definition in the shape `aws ecs register-task-definition` takes (family, containerDefinitions),
    or `aws ecs describe-task-definition` prints (the same under ``taskDefinition``)."""
    if isinstance(data, dict) and isinstance(data.get("taskDefinition"), dict):
        data = data["taskDefinition"]
    return isinstance(data, dict) and "containerDefinitions" in data and "family" in data


def read_template(document: Document, file: str, capacity: Capacity | None = None) -> list[ImportedWorkload]:
    """Every Lambda function and ECS service in a template, in template order, then
    the task definitions no service runs and the scheduled runs of those one does; the EKS Fargate profiles and
    clusters it defines go into ``capacity`` when given."""
    template: dict[str, Any] = document.data
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return []
    globals_section = template.get("Globals")
    function_defaults = globals_section.get("Function") if isinstance(globals_section, dict) else None
    context = TemplateContext.of(template)
    if capacity is not None:
        created = {  # parameter defaults substituted; a resource whose Condition is false is not created
            key: {**resource, "Properties": context.substitute(resource.get("Properties"), {})}
            for key, resource in resources.items()
            if isinstance(resource, dict) and context.holds(resource.get("Condition")) is not False
        }
        capacity.read_template(created, file, lambda logical_id: document.key_line("Resources", logical_id))
    workloads: list[ImportedWorkload] = []
    services_of: dict[str, list[ImportedWorkload]] = {}  # the services that run each task definition
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or context.holds(resource.get("Condition")) is False:
            continue  # a resource whose Condition is false with the default parameters is not created
        kind = resource.get("Type")
        line = document.key_line("Resources", str(logical_id))
        properties = resource.get("Properties")
        used: dict[str, Any] = {}
        properties = context.substitute(properties, used) if isinstance(properties, dict) else {}
        if kind in (SAM_FUNCTION, LAMBDA_FUNCTION):
            if kind == SAM_FUNCTION and isinstance(function_defaults, dict):
                properties = deep_merge(function_defaults, properties)
            workload = ImportedWorkload(str(logical_id), file, line, str(kind), runs_as="function")
            _read_function(workload, properties, resources, document)
            template_provisioned(workload, properties, str(logical_id), resources)
            template_edge(workload, str(logical_id), resources)
            workloads.append(workload)
        elif kind == SERVICE:
            task_id = reference(properties.get("TaskDefinition"))
            task = resources.get(task_id) if task_id else None
            workload = ImportedWorkload(str(logical_id), file, line, SERVICE)
            task_properties: dict[str, Any] = {}
            if isinstance(task, dict) and task.get("Type") == TASK_DEFINITION:
                services_of.setdefault(str(task_id), []).append(workload)
                if isinstance(task.get("Properties"), dict):
                    task_properties = context.substitute(task["Properties"], used)
                read_task_definition(workload, task_properties)
            else:
                workload.assume("TaskDefinition is not a task definition in this template: its size is unknown")
            read_service(workload, properties, task_properties, resources)
            workloads.append(workload)
        else:
            continue
        _note_context(workloads[-1], resource, used, context)
    for logical_id, resource in resources.items():
        if (
            isinstance(resource, dict)
            and resource.get("Type") == TASK_DEFINITION
            and context.holds(resource.get("Condition")) is not False
        ):
            workload = ImportedWorkload(
                str(logical_id), file, document.key_line("Resources", str(logical_id)), TASK_DEFINITION
            )
            used = {}
            properties = context.substitute(resource.get("Properties"), used)
            read_task_definition(workload, properties if isinstance(properties, dict) else {})
            off = read_schedules(workload, str(logical_id), resources, document)
            read_starts(workload, template_starts(str(logical_id), resources))
            note_disabled(workload, off, other_starts=workload.get("traffic.pattern") is not None)
            services = services_of.get(str(logical_id))
            if services and beside_services(workload, services) is None:
                continue  # run by its services alone
            run_on_demand(workload, listens(properties) if isinstance(properties, dict) else False)
            choose_ecs_target(workload, None, properties if isinstance(properties, dict) else {})
            workloads.append(workload)
            _note_context(workload, resource, used, context)
    return workloads


def _note_context(
    workload: ImportedWorkload, resource: Mapping[str, Any], used: Mapping[str, Any], context: TemplateContext
) -> None:
    """Say which parameter defaults the workload was read with, and a condition that may leave it uncreated."""
    for name, value in used.items():
        workload.assume(f"parameter {name} read as its Default, {value!r} (a deployment may pass another value)")
    condition = resource.get("Condition")
    if condition is not None and context.holds(condition) is None:
        workload.assume(f"created only when condition {condition} holds, which the default parameters do not settle")


def read_task_definition_file(document: Document, file: str) -> ImportedWorkload:
    """One ECS task definition in the ``register-task-definition`` JSON shape (camelCase keys), or the
    ``describe-task-definition`` output that holds it under ``taskDefinition``."""
    data: dict[str, Any] = document.data
    line = document.line
    if isinstance(data.get("taskDefinition"), dict):
        data, line = data["taskDefinition"], document.key_line("taskDefinition")
    workload = ImportedWorkload(str(data.get("family")), file, line, "ECS task definition")
    read_task_definition(workload, data)
    run_on_demand(workload, listens(data))  # no service or schedule in the file: a job unless it listens on a port
    choose_ecs_target(workload, None, data)
    return workload


def _read_function(
    workload: ImportedWorkload, properties: Mapping[str, Any], resources: Mapping[str, Any], document: Document
) -> None:
    workload.set("team.current_platform", "lambda")
    if isinstance(properties.get("CapacityProviderConfig"), dict):
        workload.mode = "managed-instances"
        workload.assume("CapacityProviderConfig set: it runs on Lambda Managed Instances")
    elif "CapacityProviderConfig" not in properties:
        workload.mode = "on-demand"  # no capacity provider: Lambda runs it on demand
    # Timeout is a ceiling, not a measure: it is the longest unit of work, never the average (the engine assumes that).
    timeout = number_of(literal(workload, properties, "Timeout"))
    if timeout is not None:
        workload.set("runtime.max_duration_s", timeout)
        workload.ceiling = "Timeout"  # the runs may stay well within it: the review tries it lower
    elif "Timeout" not in properties:
        workload.set("runtime.max_duration_s", float(LAMBDA_DEFAULT_TIMEOUT_S))
        workload.assume(f"Timeout not set: Lambda's default of {LAMBDA_DEFAULT_TIMEOUT_S} s")
    durable = literal(workload, properties, "DurableConfig")
    if isinstance(durable, dict):
        timeout_s = number_of(literal(workload, durable, "ExecutionTimeout"))
        read_durable(workload, timeout_s, "DurableConfig ExecutionTimeout")
    memory = number_of(literal(workload, properties, "MemorySize"))
    if memory is not None and memory.is_integer():
        workload.set("runtime.memory_mb", int(memory))
    elif "MemorySize" not in properties:
        workload.set("runtime.memory_mb", LAMBDA_DEFAULT_MEMORY_MB)
        workload.assume(f"MemorySize not set: Lambda's default of {LAMBDA_DEFAULT_MEMORY_MB} MB")
    architectures = literal(workload, properties, "Architectures")
    if isinstance(architectures, list) and architectures and architectures[0] in ("arm64", "x86_64"):
        workload.set("runtime.architecture", architectures[0])
    elif "Architectures" not in properties:
        workload.set("runtime.architecture", LAMBDA_DEFAULT_ARCHITECTURE)
        workload.assume(f"Architectures not set: Lambda's default, {LAMBDA_DEFAULT_ARCHITECTURE}")
    storage = literal(workload, properties, "EphemeralStorage")
    if isinstance(storage, dict):
        size_mb = number_of(literal(workload, storage, "Size"))
        if size_mb is not None:
            workload.set("runtime.ephemeral_storage_gb", round(size_mb / 1024, 3))
    if literal(workload, properties, "PackageType") == "Image":
        workload.assume(
            "PackageType Image: deployed as a container image; its size (artifact_mb) is not in the template"
        )
    protocols: list[str] = []
    runs: float | None = None
    off: list[str] = []  # the disabled schedules, which start nothing
    events = literal(workload, properties, "Events")
    if isinstance(events, dict):
        for name, event in events.items():
            if not isinstance(event, dict):
                continue
            kind = event.get("Type")
            if kind in HTTP_EVENTS:
                protocols.append("http")
                if kind == "Api":  # SAM's Api event is an API Gateway REST API (HttpApi is the HTTP API)
                    workload.set("traffic.front_door", "rest-api")
            elif kind in QUEUE_EVENTS:
                protocols.append("queue")
            elif kind in SCHEDULE_EVENTS:
                event_properties = event.get("Properties")
                state = disabled(event_properties, "State", "Enabled") if isinstance(event_properties, dict) else None
                if state is not None:
                    line = document.key_line("Resources", workload.name, "Properties", "Events", str(name))
                    off.append(f"{kind} event {name} ({state}) at {workload.file}:{line}")
                    continue
                protocols.append("schedule")
                if isinstance(event_properties, dict):
                    expression = event_properties.get("Schedule", event_properties.get("ScheduleExpression"))
                    runs = counted_runs(expression, workload.assume) or runs
    if "FunctionUrlConfig" in properties:
        protocols.append("http")
    deploy_only: list[str] = []
    websocket: list[str] = []  # the resources of a WebSocket API that send it messages
    senders: list[str] = []  # the resource types that send it requests: the front door they say
    for protocol, expression, source in triggers(workload.name, resources):
        if protocol == "deploy":
            deploy_only.append(source)
            continue
        if protocol == "off":
            off.append(f"{source} at {workload.file}:{document.key_line('Resources', str(expression))}")
            continue
        protocols.append(protocol)
        runs = counted_runs(expression, workload.assume) or runs
        if protocol == "http":
            senders.append(source)
        if protocol == "websocket":
            websocket.append(source)
    set_door(workload, senders)
    if websocket:
        workload.assume(f"sent messages by {', '.join(websocket)} (ProtocolType WEBSOCKET): {WEBSOCKET_READ}")
    note_disabled(workload, off, other_starts=bool(protocols or deploy_only))
    if deploy_only and not protocols:
        # CloudFormation calls it while deploying the stack: a handful of events a month, not a service's traffic.
        workload.set("traffic.pattern", "event")
        workload.set("traffic.protocols", ["queue"])
        workload.set("traffic.requests_per_month", DEPLOY_RUNS_PER_MONTH)
        workload.assume(
            f"invoked only at deploy time (by {', '.join(sorted(set(deploy_only)))}): assumed "
            f"{DEPLOY_RUNS_PER_MONTH:g} invocations a month"
        )
        return
    set_traffic(workload, protocols, runs)
