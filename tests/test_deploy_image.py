"""The Dockerfile builds a reproducible image: a base pinned by digest, dependencies held to constraints.txt in a
layer of their own, OCI labels, a non-root user, and a command decider understands (the same in every deployment
file). The image's command is run for real in tests/api/test_ops_logging.py and tests/api/test_server.py."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from decider.cli.main import build_parser
from decider.documents import read_file
from decider.render.sarif import FALLBACK_INFORMATION_URI
from tests.test_deploy import dockerfile_instructions

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO_ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """Every instruction in order, continuation lines joined, comments left out."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        match = re.match(r"^([A-Z]+)\s+(.*)$", line.strip())
        if match:
            found.append((match.group(1), match.group(2).strip()))
    return found


def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return data


def labels() -> dict[str, str]:
    pairs = shlex.split(dockerfile_instructions()["LABEL"])
    return dict(pair.split("=", 1) for pair in pairs)


def build_args() -> dict[str, str]:
    return dict(value.split("=", 1) for kind, value in instructions() if kind == "ARG" and "=" in value)


def test_the_base_image_is_pinned_by_digest() -> None:
    assert re.fullmatch(r"python:3\.11-slim@sha256:[0-9a-f]{64}", dockerfile_instructions()["FROM"])


def test_oci_labels_name_the_image_its_version_and_licence() -> None:
    found = labels()
    prefix = "org.opencontainers.image."
    assert {key.removeprefix(prefix) for key in found} >= {"title", "description", "source", "licenses", "version"}
    assert found[prefix + "title"] == "decider"
    assert found[prefix + "licenses"] == project()["license"]
    assert found[prefix + "version"] == "${VERSION}"
    assert build_args()["VERSION"] == project()["version"]
    assert found[prefix + "source"] == "${SOURCE}"
    # No made-up repository address: empty unless a release build passes one.
    assert build_args()["SOURCE"] == ""
    assert found[prefix + "url"] == FALLBACK_INFORMATION_URI


def test_dependencies_install_in_their_own_layer_from_pyproject_and_constraints_only() -> None:
    steps = instructions()
    copies = [index for index, (kind, _) in enumerate(steps) if kind == "COPY"]
    first_copy = steps[copies[0]][1]
    assert first_copy == "pyproject.toml constraints.txt ./"
    # The next step installs the dependencies, held to the constraints, before any source is copied in.
    kind, command = steps[copies[0] + 1]
    assert kind == "RUN"
    assert "pip install --no-cache-dir --constraint constraints.txt --requirement" in command
    assert copies[1] > copies[0] + 1
    # decider itself installs with the same constraints, after its source.
    [install] = [value for kind, value in steps if kind == "RUN" and "pip install" in value and " ." in value]
    assert "--constraint constraints.txt" in install
    assert steps.index(("RUN", install)) > max(copies)


def dependency_list() -> list[str]:
    """What the Dockerfile's dependency step hands pip: its own ``python -c`` run on this pyproject.toml."""
    [command] = [value for kind, value in instructions() if kind == "RUN" and "tomllib" in value]
    code = shlex.split(command.split(">", 1)[0])[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split("\n")[:-1]


def test_the_dependency_step_lists_the_servers_pinned_requirements() -> None:
    requirements = [Requirement(line) for line in dependency_list()]
    names = {requirement.name.lower() for requirement in requirements}
    assert {"fastapi", "uvicorn", "prometheus-client", "fastapi-offline", "slack-sdk", "pydantic"} <= names
    assert project()["name"] not in names  # pip would look for decider itself on the registry
    assert all(str(requirement.specifier).startswith("==") for requirement in requirements)


def test_pyproject_and_constraints_agree_where_both_pin() -> None:
    constraints = {}
    for line in (REPO_ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            requirement = Requirement(line)
            constraints[requirement.name.lower().replace("_", "-")] = str(requirement.specifier)
    for line in dependency_list():
        requirement = Requirement(line)
        pinned = constraints.get(requirement.name.lower().replace("_", "-"))
        assert pinned in (None, str(requirement.specifier)), requirement


def test_the_image_runs_as_the_non_root_user_every_deployment_names() -> None:
    user = dockerfile_instructions()["USER"]
    assert user.isdigit()
    assert int(user) >= 10000
    deployment = read_file(REPO_ROOT / "deploy" / "kubernetes" / "deployment.yaml")
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == int(user)
    [container] = read_file(REPO_ROOT / "deploy" / "ecs" / "task-definition.json")["containerDefinitions"]
    assert container["user"] == user


def commands() -> dict[str, list[str]]:
    [container] = read_file(REPO_ROOT / "deploy" / "ecs" / "task-definition.json")["containerDefinitions"]
    deployment = read_file(REPO_ROOT / "deploy" / "kubernetes" / "deployment.yaml")
    [pod] = deployment["spec"]["template"]["spec"]["containers"]
    return {
        "Dockerfile": json.loads(dockerfile_instructions()["CMD"]),
        "ECS": container["command"],
        "Kubernetes": pod["command"],
    }


@pytest.mark.parametrize("where", ["Dockerfile", "ECS", "Kubernetes"])
def test_every_command_is_decider_serve_with_json_logs_on_port_8000(where: str) -> None:
    command = commands()[where]
    assert command[0] == "decider"
    args = build_parser().parse_args(command[1:])  # an unknown option exits here
    assert (args.command, args.host, args.port, args.log_format) == ("serve", "0.0.0.0", 8000, "json")  # noqa: S104
    assert args.workers == 1


def test_dockerignore_keeps_the_constraints_in_the_build_context() -> None:
    lines = [line for line in (REPO_ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")]
    assert "!constraints.txt" in lines
    assert "constraints.txt" not in lines
