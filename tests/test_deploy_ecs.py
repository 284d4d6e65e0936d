"""deploy/ecs/task-definition.json as ECS takes it: the RegisterTaskDefinition input of botocore's ECS service model
(the same model the AWS CLI and SDKs validate against: every key known, every type right, every enum value one
ECS accepts), a Fargate size that exists, and the container locked down like the Kubernetes pod."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore.model import ListShape, OperationModel, Shape, StringShape, StructureShape  # type: ignore[import-untyped]
from botocore.session import get_session  # type: ignore[import-untyped]
from botocore.validate import ParamValidator  # type: ignore[import-untyped]

from decider.documents import read_file

REPO_ROOT = Path(__file__).resolve().parent.parent
TASK_DEFINITION = REPO_ROOT / "deploy" / "ecs" / "task-definition.json"
#: Fargate's task sizes: CPU units -> the memory sizes (MiB) allowed with them.
FARGATE_SIZES = {
    256: {512, 1024, 2048},
    512: set(range(1024, 4096 + 1, 1024)),
    1024: set(range(2048, 8192 + 1, 1024)),
    2048: set(range(4096, 16384 + 1, 1024)),
    4096: set(range(8192, 30720 + 1, 1024)),
}


@cache
def register_task_definition() -> OperationModel:
    return get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition")


def task() -> dict[str, Any]:
    data: dict[str, Any] = read_file(TASK_DEFINITION)
    return data


def container() -> dict[str, Any]:
    [definition] = task()["containerDefinitions"]
    result: dict[str, Any] = definition
    return result


def model_problems(value: Any) -> list[str]:
    """What botocore refuses (unknown keys, wrong types, missing required members), plus enum values it does not
    check itself but ECS refuses."""
    shape = register_task_definition().input_shape
    report = ParamValidator().validate(value, shape)
    problems = [line for line in report.generate_report().splitlines() if line.strip()] if report.has_errors() else []
    return problems + enum_problems(value, shape, "task definition")


def enum_problems(value: Any, shape: Shape, where: str) -> list[str]:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            if key in shape.members
            for problem in enum_problems(item, shape.members[key], f"{where}.{key}")
        ]
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [
            problem
            for index, item in enumerate(value)
            for problem in enum_problems(item, shape.member, f"{where}[{index}]")
        ]
    if isinstance(shape, StringShape) and shape.enum and value not in shape.enum:
        return [f"{where}: {value!r} is not one of {shape.enum}"]
    return []


def test_the_task_definition_is_a_valid_register_task_definition_input() -> None:
    assert model_problems(task()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda data: data["containerDefinitions"][0].update(readOnlyRootFilesystem=True), "Unknown parameter"),
        (lambda data: data.update(cpu=512), "Invalid type"),
        (
            lambda data: data["containerDefinitions"][0].update(
                portMappings=[{"containerPort": 8000, "protocol": "sctp"}]
            ),
            "not one of",
        ),
        (lambda data: data.pop("containerDefinitions"), "Missing required parameter"),
    ],
    ids=["misspelled-key", "wrong-type", "unknown-enum-value", "missing-required"],
)
def test_the_model_check_refuses_what_ecs_would(change: Any, expected: str) -> None:
    data = copy.deepcopy(task())
    change(data)
    assert any(expected in problem for problem in model_problems(data))


def test_the_task_is_a_fargate_size_that_exists() -> None:
    definition = task()
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    assert definition["networkMode"] == "awsvpc"  # Fargate's only mode
    assert int(definition["memory"]) in FARGATE_SIZES[int(definition["cpu"])]


def test_the_container_is_locked_down_like_the_kubernetes_pod() -> None:
    definition = container()
    assert definition["readonlyRootFilesystem"] is True
    assert definition["privileged"] is False
    assert int(definition["user"]) >= 10000
    assert definition["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
    # The one writable path: /tmp on the task's ephemeral storage.
    volumes = {volume["name"] for volume in task()["volumes"]}
    assert [(mount["sourceVolume"], mount["containerPath"]) for mount in definition["mountPoints"]] == [("tmp", "/tmp")]
    assert volumes == {"tmp"}


def test_secrets_come_from_secrets_manager_never_plain_environment() -> None:
    definition = container()
    secrets = {item["name"]: item["valueFrom"] for item in definition["secrets"]}
    assert set(secrets) == {"DECIDER_API_KEYS", "SLACK_SIGNING_SECRET"}
    assert all(arn.startswith("arn:aws:secretsmanager:") for arn in secrets.values())
    assert not set(secrets) & {item["name"] for item in definition["environment"]}
    assert "executionRoleArn" in task()  # the role ECS reads the secrets with


def test_logs_are_json_lines_to_cloudwatch() -> None:
    definition = container()
    assert definition["logConfiguration"]["logDriver"] == "awslogs"
    command = definition["command"]
    assert command[command.index("--log-format") + 1] == "json"
