"""The container image and deployment files agree with the app: port, command, and health check paths."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from decider.documents import read_file

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = REPO_ROOT / "deploy"
PORT = 8000


def dockerfile_instructions() -> dict[str, str]:
    """The Dockerfile's last value of each instruction, continuation lines joined."""
    text = (REPO_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Z]+)\s+(.*)$", line.strip())
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def health_check_command() -> list[str]:
    healthcheck = dockerfile_instructions()["HEALTHCHECK"]
    command: list[str] = json.loads(healthcheck.split("CMD", 1)[1].strip())
    return command


def app_paths() -> set[str]:
    document = json.loads((REPO_ROOT / "openapi" / "openapi.json").read_text())
    return set(document["paths"])


def test_dockerfile_runs_decider_serve_on_all_interfaces_as_non_root() -> None:
    instructions = dockerfile_instructions()
    assert json.loads(instructions["CMD"])[:4] == ["decider", "serve", "--host", "0.0.0.0"]  # noqa: S104
    assert instructions["EXPOSE"] == str(PORT)
    assert instructions["USER"] not in ("root", "0")
    assert instructions["FROM"].startswith("python:3.11-slim")


def test_dockerfile_health_check_calls_healthz_with_python() -> None:
    command = health_check_command()
    assert command[0] == "python"
    assert f"http://127.0.0.1:{PORT}/healthz" in command[-1]
    assert "/healthz" in app_paths()


def test_dockerignore_keeps_the_build_context_to_what_the_image_copies() -> None:
    ignore = (REPO_ROOT / ".dockerignore").read_text().split()
    copied = {"pyproject.toml", "constraints.txt", "README.md", "decider/", "api/", "rules/", "examples/*.yaml"}
    assert ignore[ignore.index("*")] == "*"
    assert {line[1:] for line in ignore if line.startswith("!")} == copied


def container(task: dict[str, Any]) -> dict[str, Any]:
    definitions: list[dict[str, Any]] = task["containerDefinitions"]
    [definition] = definitions
    return definition


def test_ecs_task_definition_health_check_and_port_match_the_app() -> None:
    task = read_file(DEPLOY / "ecs" / "task-definition.json")
    definition = container(task)
    check = definition["healthCheck"]["command"]
    assert check[0] == "CMD"
    assert check[1:] == health_check_command()
    assert definition["portMappings"][0]["containerPort"] == PORT
    assert definition["command"][:2] == ["decider", "serve"]
    assert str(PORT) in definition["command"]
    # ECS waits stopTimeout after SIGTERM: longer than the server's own graceful shutdown.
    from api.server import GRACEFUL_SHUTDOWN_S

    assert definition["stopTimeout"] > GRACEFUL_SHUTDOWN_S
    assert {item["name"] for item in definition["secrets"]} == {"DECIDER_API_KEYS", "SLACK_SIGNING_SECRET"}


def kubernetes(name: str) -> dict[str, Any]:
    data: dict[str, Any] = read_file(DEPLOY / "kubernetes" / name)
    return data


def test_kubernetes_deployment_probes_resources_and_port() -> None:
    deployment = kubernetes("deployment.yaml")
    assert deployment["kind"] == "Deployment"
    spec = deployment["spec"]["template"]["spec"]
    [pod] = spec["containers"]
    assert pod["ports"] == [{"name": "http", "containerPort": PORT, "protocol": "TCP"}]
    assert pod["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert pod["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert pod["startupProbe"]["httpGet"]["path"] == "/readyz"
    assert {"/healthz", "/readyz"} <= app_paths()
    for kind in ("requests", "limits"):
        assert set(pod["resources"][kind]) == {"cpu", "memory"}
    assert shlex.join(pod["command"][:4]) == "decider serve --host 0.0.0.0"

    from api.server import GRACEFUL_SHUTDOWN_S

    assert spec["terminationGracePeriodSeconds"] > GRACEFUL_SHUTDOWN_S
    assert spec["securityContext"]["runAsNonRoot"] is True


def test_kubernetes_service_and_autoscaler_point_at_the_deployment() -> None:
    deployment = kubernetes("deployment.yaml")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == labels
    service = kubernetes("service.yaml")
    assert service["spec"]["selector"] == labels
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    hpa = kubernetes("hpa.yaml")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert 1 < hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


KUBERNETES_FILES = sorted(
    path.name for path in (DEPLOY / "kubernetes").glob("*.yaml") if path.name != "kustomization.yaml"
)


@pytest.mark.parametrize("name", KUBERNETES_FILES)
def test_every_kubernetes_file_names_its_api_version_and_kind(name: str) -> None:
    document = kubernetes(name)
    assert document["apiVersion"]
    assert document["kind"]
    assert document["metadata"]["name"] == "decider"
