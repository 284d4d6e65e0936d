"""terraform-aws-modules' Lambda and ECS service modules, read by their documented inputs: the resources a call creates.

A call of ``terraform-aws-modules/lambda/aws`` creates ``aws_lambda_function.this`` (and a function URL, permissions
and event source mappings when asked); a call of ``terraform-aws-modules/ecs/aws//modules/service`` creates
``aws_ecs_service.this`` and ``aws_ecs_task_definition.this``. The defaults are the modules' own (their
``variables.tf``): https://github.com/terraform-aws-modules/terraform-aws-lambda/blob/master/variables.tf and
https://github.com/terraform-aws-modules/terraform-aws-ecs/blob/master/modules/service/variables.tf.
Every resource of the call belongs to one workload named by the call's address (``module.orders``), as it does
when the same infrastructure is read from a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from decider.sources.terraform_model import Expression, Resource

#: terraform-aws-modules/lambda defaults for the inputs decider reads.
LAMBDA_DEFAULTS: dict[str, Any] = {
    "memory_size": 128,
    "timeout": 3,
    "ephemeral_storage_size": 512,
    "package_type": "Zip",
    "create_lambda_function_url": False,
}
#: terraform-aws-modules/ecs service module defaults for the inputs decider reads.
ECS_SERVICE_DEFAULTS: dict[str, Any] = {
    "cpu": 1024,
    "memory": 2048,
    "launch_type": "FARGATE",
    "desired_count": 1,
    "runtime_platform": {"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
}


def module_resources(
    kind: str,
    address: str,
    inputs: Mapping[str, Any],
    references: Mapping[str, tuple[str, ...]],
    file: str,
    line: int,
) -> list[Resource]:
    """The resources a module call of ``kind`` (``lambda`` or ``ecs-service``) creates, from its inputs."""
    if inputs.get("create") is False:
        return []
    if kind == "lambda" and (inputs.get("create_function") is False or inputs.get("create_layer") is True):
        return []  # a call that makes only a layer (or nothing) creates no function
    given = {**(LAMBDA_DEFAULTS if kind == "lambda" else ECS_SERVICE_DEFAULTS), **inputs}

    def resource(kind_: str, values: dict[str, Any], refs: Mapping[str, tuple[str, ...]] | None = None) -> Resource:
        return Resource(f"{address}.{kind_}.this", kind_, values, file, line, dict(refs or {}), owner=address)

    if kind == "lambda":
        return _lambda(given, address, resource)
    return _ecs_service(given, references, address, resource)


#: Makes one of the call's resources: its type, attribute values and references.
Make = Callable[[str, dict[str, Any], Mapping[str, tuple[str, ...]] | None], Resource]


def _lambda(given: Mapping[str, Any], address: str, resource: Make) -> list[Resource]:
    function = {
        key: given[key]
        for key in ("function_name", "memory_size", "timeout", "architectures", "package_type", "image_uri")
        if key in given
    }
    if given.get("lambda_at_edge") is True:  # a Lambda@Edge function (decider/sources/edge.py)
        function["lambda_at_edge"] = True
    storage = given["ephemeral_storage_size"]
    function["ephemeral_storage"] = [{"size": storage}]
    created: list[Resource] = [resource("aws_lambda_function", function, None)]
    own = {"function_name": (f"{address}.aws_lambda_function.this",)}
    if given["create_lambda_function_url"] is True:
        created.append(resource("aws_lambda_function_url", {}, own))
    triggers = given.get("allowed_triggers")
    for trigger in triggers.values() if isinstance(triggers, Mapping) else ():
        if isinstance(trigger, Mapping):
            principal = trigger.get("principal") or f"{trigger.get('service', '')}.amazonaws.com"
            created.append(resource("aws_lambda_permission", {"principal": principal}, own))
    provisioned = given.get("provisioned_concurrent_executions")
    if provisioned is not None:  # the module's default, -1, configures none
        values = {"provisioned_concurrent_executions": provisioned}
        created.append(resource("aws_lambda_provisioned_concurrency_config", values, own))
    mappings = given.get("event_source_mapping")
    for mapping in mappings.values() if isinstance(mappings, Mapping) else ():
        if isinstance(mapping, Mapping):
            created.append(resource("aws_lambda_event_source_mapping", dict(mapping), own))
    return created


def _ecs_service(
    given: Mapping[str, Any], references: Mapping[str, tuple[str, ...]], address: str, resource: Make
) -> list[Resource]:
    strategy = _as_blocks(given.get("capacity_provider_strategy"))
    service: dict[str, Any] = {"desired_count": given["desired_count"]}
    if "name" in given:  # the module names the service, and the task definition's family, after its name input
        service["name"] = given["name"]
    if strategy:
        service["capacity_provider_strategy"] = strategy  # the module sets no launch type with a strategy
    else:
        service["launch_type"] = given["launch_type"]
    balancers = _as_blocks(given.get("load_balancer"))
    if balancers:
        service["load_balancer"] = balancers
    if "scheduling_strategy" in given:
        service["scheduling_strategy"] = given["scheduling_strategy"]
    task: dict[str, Any] = {"cpu": given["cpu"], "memory": given["memory"], "network_mode": "awsvpc"}
    if "name" in given:
        task["family"] = given.get("family", given["name"])
    containers = given.get("container_definitions")
    if isinstance(containers, Mapping):
        task["container_definitions"] = [
            {"name": name, **{_camel(key): value for key, value in body.items()}}
            for name, body in containers.items()
            if isinstance(body, Mapping)
        ]
    elif isinstance(containers, Expression):
        task["container_definitions"] = containers
    task["requires_compatibilities"] = given.get("requires_compatibilities", ["FARGATE"])
    for key in ("runtime_platform", "ephemeral_storage"):
        if key in given:
            task[key] = [given[key]] if isinstance(given[key], Mapping) else given[key]
    if given.get("create_task_definition") is False:
        # The service runs a task definition made elsewhere (``task_definition_arn``): its sizes are that one's, read
        # when the reference names a task definition in the configuration, else unknown (and said so); the module's
        # default size is no task at all.
        service_refs = {
            "task_definition": references.get("task_definition_arn", ()),
            "capacity_provider_strategy": references.get("capacity_provider_strategy", ()),
        }
        if given.get("create_service") is False:
            return []
        return [resource("aws_ecs_service", service, service_refs)]
    service_refs = {
        "task_definition": (f"{address}.aws_ecs_task_definition.this",),
        "capacity_provider_strategy": references.get("capacity_provider_strategy", ()),
    }
    definition = resource("aws_ecs_task_definition", task, None)
    if given.get("create_service") is False:  # the call makes the task definition alone (something else runs it)
        return [definition]
    return [definition, resource("aws_ecs_service", service, service_refs)]


def _camel(key: str) -> str:
    """A container input of the module as ECS's JSON names it: the module takes ``resource_requirements``,
    ``port_mappings``, ``linux_parameters`` (snake_case) and writes them to the task definition as
    ``resourceRequirements``, ``portMappings``, ``linuxParameters``; their own entries are ECS's already."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _as_blocks(value: Any) -> list[Any]:
    """A module's map of objects (``{ fargate = { capacity_provider = "FARGATE" } }``) as a resource's blocks."""
    if isinstance(value, Mapping):
        return [dict(item) for item in value.values() if isinstance(item, Mapping)]
    if isinstance(value, list):
        return value
    return []


def eks_capacity(address: str, inputs: Mapping[str, Any], file: str, line: int) -> list[Resource]:
    """The EKS capacity a call of ``terraform-aws-modules/eks/aws`` defines, as the resources it creates: the cluster
    (Auto Mode when ``compute_config``, or v20's ``cluster_compute_config``, is enabled; its version,
    ``kubernetes_version`` or v20's ``cluster_version``), a managed node group per
    ``eks_managed_node_groups`` entry (its ``instance_types``, ``capacity_type``, ``ami_type``) and a Fargate profile
    per ``fargate_profiles`` entry (its ``selectors``). https://github.com/terraform-aws-modules/terraform-aws-eks
    (its README's inputs). A call with ``create = false`` defines nothing."""
    if inputs.get("create") is False:
        return []

    def made(kind: str, name: str, values: dict[str, Any]) -> Resource:
        return Resource(f"{address}.{kind}.{name}", kind, values, file, line, {}, owner=address)

    compute = inputs.get("compute_config", inputs.get("cluster_compute_config"))
    enabled = isinstance(compute, Mapping) and compute.get("enabled") is True
    cluster: dict[str, Any] = {"compute_config": [{"enabled": enabled}]}
    if "kubernetes_version" in inputs or "cluster_version" in inputs:  # v21's name, then v20's
        cluster["version"] = inputs.get("kubernetes_version", inputs.get("cluster_version"))
    policy = inputs.get("upgrade_policy", inputs.get("cluster_upgrade_policy"))
    if isinstance(policy, Mapping):
        cluster["upgrade_policy"] = [dict(policy)]
    created = [made("aws_eks_cluster", "this", cluster)]
    groups = inputs.get("eks_managed_node_groups")
    for key, group in groups.items() if isinstance(groups, Mapping) else ():
        if isinstance(group, Mapping):
            values = {name: group[name] for name in ("instance_types", "capacity_type", "ami_type") if name in group}
            created.append(made("aws_eks_node_group", str(key), values))
    profiles = inputs.get("fargate_profiles")
    for key, profile in profiles.items() if isinstance(profiles, Mapping) else ():
        selectors = profile.get("selectors") if isinstance(profile, Mapping) else None
        if isinstance(selectors, list):
            chosen = [dict(item) for item in selectors if isinstance(item, Mapping)]
            created.append(made("aws_eks_fargate_profile", str(key), {"selector": chosen}))
    return created
