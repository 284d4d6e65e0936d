"""An ECS service's load balancer read from the template or configuration that defines it: one load balancer and one
service behind a load balancer make it the service's own (``network.own_load_balancer``), billed even on the cluster
the team runs; with two services behind load balancers, which serves which is not read, and the shared one is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider import Ruleset
from decider.review import review_imported
from decider.sources import ImportedWorkload, find_workloads

TASK = """
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      Cpu: "512"
      Memory: "1024"
      ContainerDefinitions: [{Name: web, Image: example/web, PortMappings: [{ContainerPort: 8080}]}]
"""
BALANCER = """
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Subnets: [subnet-1, subnet-2]}
"""


def service(name: str) -> str:
    return f"""
  {name}:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      DesiredCount: 2
      TaskDefinition: !Ref Task
      LoadBalancers: [{{ContainerName: web, ContainerPort: 8080, TargetGroupArn: arn:aws:elasticloadbalancing:x}}]
"""


def read(tmp_path: Path, resources: str, name: str = "stack.yaml") -> dict[str, ImportedWorkload]:
    path = tmp_path / name
    path.write_text('AWSTemplateFormatVersion: "2010-09-09"\nResources:' + resources, encoding="utf-8")
    return {workload.name: workload for workload in find_workloads([str(path)]).workloads}


def test_one_balancer_and_one_service_make_it_the_services_own(tmp_path: Path, ruleset: Ruleset) -> None:
    web = read(tmp_path, TASK + BALANCER + service("Web"))["Web"]
    assert web.raw["network"] == {"own_load_balancer": True}
    assert any(
        "the one load balancer this template defines is in front of this one service" in note
        for note in web.assumptions
    )
    web.set("traffic.requests_per_month", 3_000_000)
    [entry] = review_imported([web], ruleset).workloads
    (fargate,) = [item for item in entry.decision.ranking if item.target == "ecs-fargate"]
    assert fargate.monthly_cost is not None
    hours = [line for line in fargate.monthly_cost.lines if line.item.startswith("Application Load Balancer hours")]
    assert [line.item for line in hours] == ["Application Load Balancer hours"]  # not the shared one's $0
    assert hours[0].usd > 0


@pytest.mark.parametrize(
    ("resources", "why"),
    [
        (TASK + BALANCER + service("Web") + service("Admin"), "two services: which the balancer serves is not read"),
        (TASK + service("Web"), "no balancer defined here: the cluster's shared one"),
    ],
)
def test_otherwise_the_service_joins_the_shared_one(tmp_path: Path, resources: str, why: str) -> None:
    web = read(tmp_path, resources)["Web"]
    assert "own_load_balancer" not in web.raw.get("network", {}), why
    assert not any("load balancer this template defines" in note for note in web.assumptions), why


TERRAFORM = """
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  cpu                      = "512"
  memory                   = "1024"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([
    { name = "web", image = "example/web", portMappings = [{ containerPort = 8080 }] }
  ])
}
"""


def tf_service(name: str) -> str:
    return f"""
resource "aws_ecs_service" "{name}" {{
  name            = "{name}"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  load_balancer {{
    target_group_arn = "arn:aws:elasticloadbalancing:x"
    container_name   = "web"
    container_port   = 8080
  }}
}}
"""


@pytest.mark.parametrize(("extra", "own"), [("", True), (tf_service("admin"), False)])
def test_a_terraform_configuration_says_it_too(tmp_path: Path, extra: str, own: bool) -> None:
    balancer = 'resource "aws_lb" "main" {\n  subnets = ["subnet-1", "subnet-2"]\n}\n'
    (tmp_path / "main.tf").write_text(TERRAFORM + balancer + tf_service("web") + extra, encoding="utf-8")
    found = {workload.name: workload for workload in find_workloads([str(tmp_path)]).workloads}
    (web,) = [workload for name, workload in found.items() if name.endswith("web") and "task" not in name]
    assert (web.raw.get("network", {}).get("own_load_balancer") is True) is own
