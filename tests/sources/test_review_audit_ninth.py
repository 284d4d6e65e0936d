"""Defects an audit of `decider review` on nine more public repositories found, each kept fixed here:

- the terraform-aws-modules ECS service module's container inputs are snake_case (``resource_requirements``,
  ``port_mappings``); read with ECS's spellings only, a GPU was dropped and the service offered to Fargate;
- AWS Neuron accelerators (Inferentia, Trainium), asked for by a pod's extended resources or an ECS container's
  device, were not read: an LLM server on Neuron was offered to Lambda;
- a FIFO or device named on the command line was opened as a document: the review waited on the FIFO forever, and
  read /dev/zero until memory ran out.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from decider.sources import find_workloads

MODULE = """module "inference" {
  source                   = "terraform-aws-modules/ecs/aws//modules/service"
  name                     = "inference"
  cpu                      = 4096
  memory                   = 16384
  requires_compatibilities = ["EC2"]
  container_definitions = {
    model = {
      image                 = "public.ecr.aws/example/model:1"
      resource_requirements = [{ type = "GPU", value = 1 }]
      port_mappings         = [{ name = "grpc", containerPort = 50051, protocol = "tcp", appProtocol = "grpc" }]
    }
  }
}
"""


def test_the_ecs_service_modules_snake_case_container_inputs_are_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MODULE, encoding="utf-8")
    [service] = [item for item in find_workloads([str(tmp_path)]).workloads if item.name == "module.inference"]
    assert service.raw["runtime"]["gpu"] == 1
    assert service.raw["traffic"]["protocols"] == ["grpc"]


VLLM = """apiVersion: apps/v1
kind: Deployment
metadata: {name: mistral}
spec:
  replicas: 1
  selector: {matchLabels: {app: mistral}}
  template:
    metadata: {labels: {app: mistral}}
    spec:
      containers:
        - name: vllm
          image: public.ecr.aws/neuron/vllm:1
          resources:
            requests: {cpu: "2", memory: 8Gi, aws.amazon.com/neuron: 1}
            limits: {aws.amazon.com/neuron: 1}
"""


def test_a_pod_asking_for_a_neuron_accelerator_needs_the_families_that_carry_one(tmp_path: Path) -> None:
    (tmp_path / "vllm.yaml").write_text(VLLM, encoding="utf-8")
    [pod] = find_workloads([str(tmp_path / "vllm.yaml")]).workloads
    assert pod.raw["control"]["instance_types"] == ["inf2", "trn1"]
    assert any(
        "vllm requests aws.amazon.com/neuron 1: an AWS Inferentia or Trainium" in note for note in pod.assumptions
    )
    # An instance type the pod selects already is kept
    pinned = VLLM.replace(
        "    spec:\n      containers:",
        "    spec:\n      nodeSelector: {node.kubernetes.io/instance-type: inf2.xlarge}\n      containers:",
    )
    (tmp_path / "vllm.yaml").write_text(pinned, encoding="utf-8")
    [pod] = find_workloads([str(tmp_path / "vllm.yaml")]).workloads
    assert pod.raw["control"]["instance_types"] == ["inf2"]


def test_an_ecs_container_mapping_a_neuron_device_needs_the_families_that_carry_one(tmp_path: Path) -> None:
    task = {
        "family": "inferentia",
        "cpu": "4096",
        "memory": "8192",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [
            {
                "name": "model",
                "image": "model:1",
                "linuxParameters": {"devices": [{"hostPath": "/dev/neuron0", "containerPath": "/dev/neuron0"}]},
            }
        ],
    }
    (tmp_path / "task.json").write_text(json.dumps(task), encoding="utf-8")
    [found] = find_workloads([str(tmp_path / "task.json")]).workloads
    assert found.raw["control"]["instance_types"] == ["inf2", "trn1"]
    assert any("maps the device /dev/neuron0" in note for note in found.assumptions)


@pytest.fixture
def deadline() -> Iterator[None]:
    """A read that would block fails the test after 10 s instead of hanging it."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the review blocked on a file it should have refused")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_fifo_or_device_named_on_the_command_line_is_refused_unopened(tmp_path: Path, deadline: None) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for named in (str(fifo), os.devnull):
        found = find_workloads([named], keep_going=True)
        assert [(item.reason) for item in found.unreadable] == [
            "not read: not a regular file (a device, FIFO or socket)"
        ]
        assert found.workloads == []


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: web:1, resources: {requests: {cpu: 250m, memory: 256Mi}}}
"""


def _deployment(tmp_path: Path, replicas: str, extra: str = "") -> list[str]:
    path = tmp_path / "web.yaml"
    path.write_text(DEPLOYMENT.replace("REPLICAS", replicas) + extra, encoding="utf-8")
    [found] = find_workloads([str(path)]).workloads
    return [note for note in found.assumptions if "replicas" in note or "copies" in note]


def test_the_copies_a_source_keeps_running_are_said_as_they_multiply_the_bill(tmp_path: Path) -> None:
    assert _deployment(tmp_path, "3") == [
        "Deployment web: replicas 3: at least 3 copies kept running whatever the traffic (runtime.min_copies; give it "
        "in a usage file if an autoscaler owns the figure)"
    ]
    assert _deployment(tmp_path, '"three"') == [
        "Deployment web: replicas 'three' is not a whole number of copies: not used"
    ]
    assert _deployment(tmp_path, "-2") == ["Deployment web: replicas -2 is not a whole number of copies: not used"]
    assert _deployment(tmp_path, ".inf") == ["Deployment web: replicas inf is not a whole number of copies: not used"]
    # An autoscaler owns the replicas: its bounds are said instead
    scaler = (
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
        "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 9}\n"
    )
    notes = _deployment(tmp_path, "3", scaler)
    assert not any(note.startswith("Deployment web: replicas 3") for note in notes)
    assert any("keeps at least 2 and at most 9 copies running" in note for note in notes)


def test_an_ecs_services_desired_count_is_said(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MODULE.replace('  name                     = "inference"\n',
                                                     '  name                     = "inference"\n  desired_count = 3\n'),
                                      encoding="utf-8")  # fmt: skip
    [service] = [item for item in find_workloads([str(tmp_path)]).workloads if item.name == "module.inference"]
    assert service.raw["runtime"]["min_copies"] == 3
    assert any("desired_count 3: at least 3 copies kept running" in note for note in service.assumptions)


EXTERNAL_TASK = """resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions    = jsonencode([{ name = "worker", image = "worker:1" }])
}

module "worker_service" {
  source                 = "terraform-aws-modules/ecs/aws//modules/service"
  name                   = "worker"
  create_task_definition = false
  task_definition_arn    = TASK
}
"""


def test_the_ecs_module_running_a_task_definition_made_elsewhere_is_sized_by_that_one(tmp_path: Path) -> None:
    """``create_task_definition = false``: the service is not the module's default 1 vCPU / 2 GB, and the task
    definition it runs is not listed again as a job nothing runs."""
    main = tmp_path / "main.tf"
    main.write_text(EXTERNAL_TASK.replace("TASK", "aws_ecs_task_definition.worker.arn"), encoding="utf-8")
    [service] = find_workloads([str(tmp_path)]).workloads
    assert service.name == "module.worker_service"
    assert (service.raw["runtime"]["vcpu"], service.raw["runtime"]["memory_mb"]) == (0.25, 512)
    main.write_text(EXTERNAL_TASK.replace("TASK", "var.task_arn"), encoding="utf-8")
    found = {item.name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert "vcpu" not in found["module.worker_service"].raw.get("runtime", {})
    assert any("its size is unknown" in note for note in found["module.worker_service"].assumptions)
