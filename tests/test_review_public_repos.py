"""Defects a review of eleven public repositories (SAM, Kubernetes, Kustomize, Terraform) found, each kept fixed:

- a workload on an existing EKS cluster reviewed alone pays nothing for the control plane; two or more split it;
- Kubernetes' own API groups (``extensions``, ``resource.k8s.io``, …) are not custom resources, and when an object
  does make a file's workloads need the Kubernetes API, an assumption names it;
- Terraform container definitions known but for a value (``image = var.image``) are read without it, and a task
  whose containers are not known at all is not taken for a job;
- a ``for_each`` written as a for expression over an empty variable creates nothing;
- Kustomize patches listed from a folder above are not workloads;
- a container with an HTTP port and a gRPC port serves both;
- a Job's one run a month is a guess: not echoed as read, and its traffic counts as not known;
- a Job named by ``generateName`` goes by that prefix;
- a container giving only a cpu request is said to lack memory only;
- a key with no ``:`` is reported at its own line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.cli import main


def reviewed(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict[str, Any]:
    code = main(["review", *map(str, args), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: busybox
          command: [sleep, "10"]
          resources: {{requests: {{cpu: 250m, memory: 256Mi}}}}
"""

DEPLOYMENT = """apiVersion: {api}
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{{containerPort: 8080, name: http}}]
          resources: {{requests: {{cpu: 500m, memory: 512Mi}}}}
"""


def eks_control_plane(workload: dict[str, Any]) -> list[dict[str, Any]]:
    eks = next(entry for entry in workload["decision"]["ranking"] if entry["target"] == "eks")
    return [line for line in eks["monthly_cost"]["lines"] if "control plane" in line["item"]]


def test_a_workload_reviewed_alone_pays_nothing_for_its_existing_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both_used = "a: {traffic: {requests_per_month: 1000000}}\nb: {traffic: {requests_per_month: 1000000}}\n"
    write(tmp_path, {"a.yaml": DEPLOYMENT.format(api="apps/v1", name="a"), "usage.yaml": both_used})
    write(tmp_path, {"one.yaml": "a: {traffic: {requests_per_month: 1000000}}\n"})
    [alone] = reviewed(capsys, tmp_path / "a.yaml", "--usage", tmp_path / "one.yaml")["workloads"]
    [line] = eks_control_plane(alone)
    assert line["usd"] == 0
    assert "already paid" in line["item"]
    write(tmp_path, {"b.yaml": DEPLOYMENT.format(api="apps/v1", name="b")})
    both = reviewed(capsys, tmp_path / "a.yaml", tmp_path / "b.yaml", "--usage", tmp_path / "usage.yaml")["workloads"]
    shares = [eks_control_plane(workload)[0] for workload in both]
    assert [line["usd"] for line in shares] == [36.5, 36.5]
    assert all("shared by 2 workloads in this review" in line["item"] for line in shares)


@pytest.mark.parametrize("api", ["extensions/v1beta1", "apps/v1"])
def test_kubernetes_own_api_groups_are_not_custom_resources(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = "apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata: {name: gpu}\nspec: {}\n"
    write(tmp_path, {"web.yaml": DEPLOYMENT.format(api=api, name="web") + "---\n" + claim})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    assert {item["field"] for item in workload["fields_read"]}.isdisjoint({"control.kubernetes_api"})
    assert workload["decision"]["excluded"] == [] or all(
        reason["rule"] != "limits.kubernetes-api"
        for item in workload["decision"]["excluded"]
        for reason in item["reasons"]
    )


def test_the_object_that_makes_a_file_need_the_kubernetes_api_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certificate = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: tls}\nspec: {}\n"
    write(tmp_path, {"web.yaml": DEPLOYMENT.format(api="apps/v1", name="web") + "---\n" + certificate})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    assert {"field": "control.kubernetes_api", "value": True} in [
        {"field": item["field"], "value": item["value"]} for item in workload["fields_read"]
    ]
    assert (
        "Deployment web: Certificate tls (line 15) is a custom resource (cert-manager.io), served by an operator or "
        "controller in the same file: read as needing the Kubernetes API itself" in workload["source_assumptions"]
    )


TASK = """variable "image" {{
  type = string
}}

resource "aws_ecs_task_definition" "web" {{
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  memory                   = "1024"
  container_definitions    = {definitions}
}}
"""
HEREDOC = """<<DEFS
[
  {
    "name": "web",
    "image": "${var.image}",
    "essential": true,
    "portMappings": [{"containerPort": 8080, "protocol": "tcp", "appProtocol": "http"}]
  }
]
DEFS"""
ENCODED = """jsonencode([{
    name         = "web"
    image        = var.image
    essential    = true
    portMappings = [{ containerPort = 8080, protocol = "tcp", appProtocol = "http" }]
  }])"""


@pytest.mark.parametrize("definitions", [HEREDOC, ENCODED], ids=["heredoc", "jsonencode"])
def test_container_definitions_known_but_for_the_image_are_read(
    definitions: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.tf": TASK.format(definitions=definitions)})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    read = {item["field"]: item["value"] for item in workload["fields_read"]}
    assert read["traffic.protocols"] == ["http"]  # the port's appProtocol, read
    assert read.get("traffic.pattern") != "batch"  # a task that listens is a service's, not a job's
    said = [text for text in workload["source_assumptions"] if "container_definitions holds" in text]
    assert len(said) == 1
    assert "holds values not known until Terraform runs" in said[0]
    assert "var.image" in said[0]
    assert "\n" not in said[0]


def test_container_definitions_whose_json_needs_unknown_values_are_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unquoted ``${var.container_port}`` makes the heredoc JSON only once Terraform fills it in: said once, as
    such, not three times as invalid JSON (real-repositories audit 38, F7)."""
    unquoted = HEREDOC.replace('"containerPort": 8080', '"containerPort": ${var.port}')
    write(tmp_path, {"main.tf": TASK.format(definitions=unquoted)})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    said = [text for text in workload["source_assumptions"] if "container_definitions " in text]
    assert said == [
        "aws_ecs_task_definition aws_ecs_task_definition.web: container_definitions holds values not known until "
        "Terraform runs (${var.image}, ${var.port}), where its JSON needs them: containers unknown"
    ]


def test_a_task_whose_containers_are_not_known_is_not_taken_for_a_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.tf": TASK.format(definitions="var.definitions") + 'variable "definitions" {}\n'})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    read = {item["field"]: item["value"] for item in workload["fields_read"]}
    assert "traffic.pattern" not in read
    assert any("whether it listens on a port" in text for text in workload["source_assumptions"])
    assert not any("listens on no port" in text for text in workload["source_assumptions"])


def test_a_for_expression_over_an_empty_variable_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "main.tf": """variable "event_source_mapping" {
  type    = map(any)
  default = {}
}

resource "aws_lambda_function" "this" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/x"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "f.zip"
  timeout       = 10
  memory_size   = 256
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each         = { for k, v in var.event_source_mapping : k => v if v.enabled }
  function_name    = aws_lambda_function.this.arn
  event_source_arn = each.value.event_source_arn
}
"""
        },
    )
    result = reviewed(capsys, tmp_path)
    [workload] = result["workloads"]
    read = {item["field"] for item in workload["fields_read"]}
    assert "traffic.pattern" not in read
    assert "traffic.protocols" not in read
    assert any(
        "aws_lambda_event_source_mapping.this has for_each = { for … in var.event_source_mapping … }, empty with its "
        "variable's default: Terraform creates none" in item["reason"]
        for item in result["skipped"]
    )


WEB_PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"


def test_kustomize_patches_listed_from_a_folder_above_are_not_workloads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "app/kustomization.yaml": "resources: [deployment.yaml]\npatches:\n  - path: patches/replicas.yaml\n"
            "patchesStrategicMerge: [./patches/image.yaml]\n",
            "app/deployment.yaml": DEPLOYMENT.format(api="apps/v1", name="web"),
            "app/patches/replicas.yaml": f"{WEB_PATCH}spec: {{replicas: 5}}\n",
            "app/patches/image.yaml": f"{WEB_PATCH}spec:\n  template:\n    spec:\n      containers: [{{name: web}}]\n",
        },
    )
    workloads = reviewed(capsys, tmp_path)["workloads"]
    assert [(item["name"], Path(item["source"]["file"]).name) for item in workloads] == [("web", "deployment.yaml")]


def test_a_container_with_an_http_and_a_grpc_port_serves_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    podinfo = DEPLOYMENT.format(api="apps/v1", name="podinfo").replace(
        "ports: [{containerPort: 8080, name: http}]",
        "ports: [{containerPort: 9898, name: http}, {containerPort: 9999, name: grpc}]",
    )
    write(tmp_path, {"podinfo.yaml": podinfo, "usage.yaml": "podinfo: {traffic: {requests_per_month: 1000000}}\n"})
    [workload] = reviewed(capsys, tmp_path / "podinfo.yaml", "--usage", tmp_path / "usage.yaml")["workloads"]
    read = {item["field"]: item["value"] for item in workload["fields_read"]}
    assert read["traffic.protocols"] == ["http", "grpc"]
    assert "serves only gRPC" not in workload["why"]


def test_a_jobs_run_a_month_is_a_guess_and_its_traffic_not_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"job.yaml": JOB.format(name="before")})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    assert workload["verdict"] == "unknown"
    assert "traffic.requests_per_month" not in {item["field"] for item in workload["fields_read"]}
    assert {"field": "traffic.requests_per_month", "value": 1.0} in workload["fields_assumed"]
    assert "Runs a month not known: a Job runs once each time it is applied" in workload["why"]
    # its run time given too: a job whose run time nothing says is "unknown" whatever its traffic
    run = "runtime: {max_duration_s: 60, avg_duration_ms: 10000}"
    write(tmp_path, {"usage.yaml": f"before: {{traffic: {{requests_per_month: 300}}, {run}}}\n"})
    [given] = reviewed(capsys, tmp_path / "job.yaml", "--usage", tmp_path / "usage.yaml")["workloads"]
    assert given["verdict"] != "unknown"
    assert {"field": "traffic.requests_per_month", "value": 300, "file": str(tmp_path / "usage.yaml")} in [
        {key: item[key] for key in ("field", "value", "file")} for item in given["fields_read"]
    ]


def test_a_job_named_by_its_generated_prefix_goes_by_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = JOB.format(name="x").replace("  name: x", "  generateName: seed-data-")
    usage = "seed-data-: {traffic: {requests_per_month: 30}, runtime: {max_duration_s: 60, avg_duration_ms: 10000}}\n"
    write(tmp_path, {"hooks.yaml": job, "usage.yaml": usage})
    [workload] = reviewed(capsys, tmp_path / "hooks.yaml", "--usage", tmp_path / "usage.yaml")["workloads"]
    assert workload["name"] == "seed-data-"
    assert workload["verdict"] != "unknown"


def test_a_cpu_request_alone_is_said_to_lack_memory_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inflate = DEPLOYMENT.format(api="apps/v1", name="inflate").replace("{cpu: 500m, memory: 512Mi}", "{cpu: 1}")
    write(tmp_path, {"inflate.yaml": inflate})
    [workload] = reviewed(capsys, tmp_path)["workloads"]
    assert (
        "Deployment inflate: containers give no memory requests or limits: sized by decider's defaults"
        in workload["source_assumptions"]
    )


def test_a_key_with_no_colon_is_reported_at_its_own_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Line 9 holds ``Fn:curc``; the scanner gives up on line 10, where no ``:`` came."""
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n"
        "    Properties:\n      Types:\n        - EDGE \n\n  Fn:curc\n    Type: AWS::Serverless::Function\n"
    )
    write(tmp_path, {"template.yaml": template})
    code = main(["review", str(tmp_path), "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    [unreadable] = result["unreadable"]
    assert unreadable["line"] == 9
    assert unreadable["reason"] == "not valid YAML: while scanning a simple key; could not find expected ':'"
