"""Defects a review of eleven public repositories found (Kubernetes examples, terraform-aws-modules, serverless
patterns), each kept fixed here with the smallest input that showed it:

- a database's port (``mysql``, ``cql``, unnamed 6379) is raw TCP, not HTTP, so a database is never sent to Lambda;
- the Lambda module's submodules (alias, deploy, docker-build) create no function and are no workloads;
- a heredoc whose closing marker has blanks after it is valid Terraform;
- a JSON list of records, one with ``"runtime": "python"``, is no workload file;
- a container with no port may be a process that stays up: a review says when its verdict rests on that;
- Terraform reads the event sources CloudFormation reads (S3 notifications, SNS subscriptions, target groups, state
  machines, permissions), and a Terraform Kubernetes deployment keeps its ports and probes;
- a container job of unknown length says when its verdict rests on that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.cli import main
from decider.sources import find_workloads

DEPLOYMENT = """apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}}}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: main
          image: img
          resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}
{ports}
"""


def manifest(tmp_path: Path, name: str, ports: str, kind: str = "Deployment") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(DEPLOYMENT.format(kind=kind, name=name, ports=ports), encoding="utf-8")
    return path


def review(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    code = main(["review", *arguments, "--format", "json"])
    assert code == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


@pytest.mark.parametrize(
    ("ports", "protocol"),
    [
        ("          ports: [{name: mysql, containerPort: 3306}]", "tcp"),
        ("          ports: [{name: intra-node, containerPort: 7000}, {name: cql, containerPort: 9042}]", "tcp"),
        ("          ports: [{name: tls-intra-node, containerPort: 7001}]", "tcp"),
        ("          ports: [{containerPort: 6379}]", "tcp"),  # Redis's well-known port, unnamed
        ("          ports: [{containerPort: 27015, protocol: UDP}]", "udp"),
        ("          ports: [{name: metrics, containerPort: 9090}, {name: http, containerPort: 80}]", "http"),
    ],
)
def test_a_port_is_read_for_the_protocol_it_names(tmp_path: Path, ports: str, protocol: str) -> None:
    manifest(tmp_path, "db", ports)
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert workload.raw["traffic"]["protocols"] == [protocol]
    assert not [note for note in workload.assumptions if "assumed HTTP" in note]


def test_a_port_whose_name_names_no_known_protocol_is_assumed_http_and_the_assumption_names_it(
    tmp_path: Path,
) -> None:
    manifest(tmp_path, "web", "          ports: [{name: web, containerPort: 8080}]")
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert workload.raw["traffic"]["protocols"] == ["http"]
    assert (
        "Deployment web: container port 8080 is named 'web', which names no protocol decider knows: assumed HTTP"
        in workload.assumptions
    )


def test_databases_on_kubernetes_are_not_sent_to_lambda(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Cassandra, MySQL and Redis with traffic given: each got "consider moving to AWS Lambda", read as HTTP."""
    manifest(tmp_path, "cassandra", "          ports: [{name: cql, containerPort: 9042}]", kind="StatefulSet")
    manifest(tmp_path, "mysql", "          ports: [{name: mysql, containerPort: 3306}]")
    manifest(tmp_path, "redis", "          ports: [{containerPort: 6379}]")
    usage = tmp_path / "usage.yaml"
    usage.write_text(
        "".join(f"{name}: {{traffic: {{requests_per_month: 2000000}}}}\n" for name in ("cassandra", "mysql", "redis"))
    )
    folder = tmp_path / "manifests"
    folder.mkdir()
    for name in ("cassandra", "mysql", "redis"):
        (tmp_path / f"{name}.yaml").rename(folder / f"{name}.yaml")
    report = review(capsys, str(folder), "--usage", str(usage))
    assert len(report["workloads"]) == 3
    for item in report["workloads"]:
        assert item["decision"]["recommendation"] != "lambda", item["name"]
        assert item["verdict"] in ("keep", "consider", "move")


def test_the_lambda_modules_submodules_are_no_functions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(
        """
module "lambda_function" {
  source        = "terraform-aws-modules/lambda/aws"
  function_name = "fn"
  memory_size   = 1024
}

module "alias_live" {
  source        = "terraform-aws-modules/lambda/aws//modules/alias"
  function_name = module.lambda_function.lambda_function_name
}

module "deploy" {
  source = "terraform-aws-modules/lambda/aws//modules/deploy"
}

module "docker_image" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git//modules/docker-build?ref=v7.2.0"
}

module "from_git" {
  source        = "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0"
  function_name = "other"
}
""",
        encoding="utf-8",
    )
    names = {workload.name for workload in find_workloads([str(tmp_path)]).workloads}
    assert names == {"module.lambda_function", "module.from_git"}


def test_a_heredoc_closed_by_its_marker_and_blanks_is_valid_terraform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  memory_size = 1024\n}\n\n'
        'resource "aws_iam_policy" "p" {\n  policy = <<POLICY\n{\n  "Statement": []\n}\nPOLICY  \n}\n\n'
        'resource "aws_iam_policy" "q" {\n  policy = <<-EOT\n    {}\n    EOT\t\n}\n',
        encoding="utf-8",
    )
    assert main(["review", str(tmp_path), "--strict", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [item["name"] for item in report["workloads"]] == ["aws_lambda_function.fn"]
    assert report["workloads"][0]["source"]["line"] == 1


def test_a_list_of_records_one_with_a_runtime_string_is_no_workload_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {"name": "graphql-api", "description": "an example", "githubUrl": "https://example.com/a"},
        {"name": "jwt-lambda", "description": "another", "runtime": "python", "githubUrl": "https://example.com/b"},
    ]
    (tmp_path / "community-examples.json").write_text(json.dumps(records), encoding="utf-8")
    assert main(["review", str(tmp_path), "--strict", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["workloads"] == []
    # A workload file with a section that is not a mapping is still one, and says what is wrong.
    (tmp_path / "community-examples.json").unlink()
    (tmp_path / "svc.yaml").write_text("name: svc\nruntime: python\ntraffic: {requests_per_month: 1000}\n")
    assert main(["review", str(tmp_path), "--format", "json"]) == 0
    assert "runtime" in capsys.readouterr().out


LOADGEN = """apiVersion: apps/v1
kind: Deployment
metadata: {name: loadgenerator}
spec:
  replicas: 1
  template:
    spec:
      restartPolicy: Always
      containers:
        - {name: main, image: locust, resources: {requests: {cpu: 300m, memory: 256Mi}}}
"""


def test_a_port_less_container_says_its_verdict_rests_on_it_not_staying_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """microservices-demo's load generator: no port, no probe. Sent to Lambda, the verdict listed no decisive
    assumption, though a process that stays up cannot run there."""
    (tmp_path / "loadgenerator.yaml").write_text(LOADGEN, encoding="utf-8")
    usage = tmp_path / "usage.yml"
    usage.write_text("loadgenerator: {traffic: {requests_per_month: 1000, pattern: steady}}\n")
    report = review(capsys, str(tmp_path / "loadgenerator.yaml"), "--usage", str(usage))
    [item] = report["workloads"]
    assert item["decision"]["recommendation"] == "lambda"
    assert "runtime.long_running" in item["decisive_assumptions"]
    assert "runtime.long_running (assumed false)" in item["why"]
    # Said as it stays up, the process keeps its place off Lambda.
    usage.write_text(
        "loadgenerator: {traffic: {requests_per_month: 1000, pattern: steady}, runtime: {long_running: true}}\n"
    )
    report = review(capsys, str(tmp_path / "loadgenerator.yaml"), "--usage", str(usage))
    assert report["workloads"][0]["decision"]["recommendation"] != "lambda"


def test_a_function_is_not_asked_whether_it_stays_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A function with no event source found: what it serves is assumed, but what runs on Lambda is no process that
    stays up, so that is not tried."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  memory_size = 512\n  timeout = 10\n}\n',
        encoding="utf-8",
    )
    usage = tmp_path / "usage.yml"
    usage.write_text("aws_lambda_function.fn: {traffic: {requests_per_month: 5000000, pattern: steady}}\n")
    report = review(capsys, str(tmp_path), "--usage", str(usage))
    [item] = report["workloads"]
    assert "runtime.long_running" not in item["decisive_assumptions"]


TRIGGERED = """
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  memory_size   = 512
}
"""


@pytest.mark.parametrize(
    ("sender", "protocols", "pattern"),
    [
        (
            'resource "aws_s3_bucket_notification" "n" {\n  bucket = "b"\n  lambda_function {\n'
            '    lambda_function_arn = aws_lambda_function.fn.arn\n    events = ["s3:ObjectCreated:*"]\n  }\n}\n',
            ["queue"],
            "event",
        ),
        (
            'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = "t"\n  protocol = "lambda"\n'
            "  endpoint = aws_lambda_function.fn.arn\n}\n",
            ["queue"],
            "event",
        ),
        (
            'resource "aws_lb_target_group_attachment" "a" {\n  target_group_arn = "tg"\n'
            "  target_id = aws_lambda_function.fn.arn\n}\n",
            ["http"],
            "spiky",
        ),
        (
            'resource "aws_sfn_state_machine" "m" {\n  name = "m"\n  role_arn = "r"\n'
            "  definition = jsonencode({ States = { A = { Resource = aws_lambda_function.fn.arn } } })\n}\n",
            ["queue"],
            "event",
        ),
        (
            'resource "aws_lambda_permission" "p" {\n  action = "lambda:InvokeFunction"\n'
            '  function_name = aws_lambda_function.fn.function_name\n  principal = "s3.amazonaws.com"\n}\n',
            ["queue"],
            "event",
        ),
        (
            'resource "aws_vpclattice_target_group_attachment" "a" {\n  target_group_identifier = "tg"\n'
            "  target {\n    id = aws_lambda_function.fn.arn\n  }\n}\n",
            ["http"],
            "spiky",
        ),
        (
            'resource "aws_api_gateway_integration" "i" {\n  rest_api_id = "r"\n  resource_id = "x"\n'
            '  http_method = "GET"\n  type = "AWS_PROXY"\n  uri = aws_lambda_function.fn.invoke_arn\n}\n',
            ["http"],
            "spiky",
        ),
        (
            'resource "aws_secretsmanager_secret_rotation" "r" {\n  secret_id = "s"\n'
            "  rotation_lambda_arn = aws_lambda_function.fn.arn\n}\n",
            ["queue"],
            "event",
        ),
        (
            # A schedule's rule says it is a schedule; the EventBridge permission beside it adds nothing.
            'resource "aws_cloudwatch_event_rule" "r" {\n  schedule_expression = "rate(1 hour)"\n}\n'
            'resource "aws_cloudwatch_event_target" "t" {\n  rule = aws_cloudwatch_event_rule.r.name\n'
            "  arn = aws_lambda_function.fn.arn\n}\n"
            'resource "aws_lambda_permission" "p" {\n  function_name = aws_lambda_function.fn.function_name\n'
            '  principal = "events.amazonaws.com"\n}\n',
            ["schedule"],
            "scheduled",
        ),
    ],
)
def test_terraform_reads_the_event_sources_cloudformation_reads(
    tmp_path: Path, sender: str, protocols: list[str], pattern: str
) -> None:
    """An S3-triggered function was "no event source found" from Terraform and an event from SAM: two verdicts."""
    (tmp_path / "main.tf").write_text(TRIGGERED + sender, encoding="utf-8")
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert workload.raw["traffic"]["protocols"] == protocols
    assert workload.raw["traffic"]["pattern"] == pattern
    assert not [note for note in workload.assumptions if "no event source found" in note]


def test_an_sns_subscription_of_another_protocol_sends_the_function_nothing(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        TRIGGERED + 'resource "aws_sns_topic_subscription" "s" {\n  topic_arn = "t"\n  protocol = "sqs"\n'
        "  endpoint = aws_lambda_function.fn.arn\n}\n",
        encoding="utf-8",
    )
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert [note for note in workload.assumptions if "no event source found" in note]


@pytest.mark.parametrize(
    ("container", "protocols"),
    [
        (
            'port {\n  container_port = 80\n}\nreadiness_probe {\n  http_get {\n    path = "/"\n    port = 80\n  }\n}',
            ["http"],
        ),
        ('port {\n  container_port = 5432\n  name = "postgres"\n}', ["tcp"]),
        ("liveness_probe {\n  grpc {\n    port = 9000\n  }\n}", ["grpc"]),
    ],
)
def test_a_terraform_kubernetes_deployment_keeps_its_ports_and_probes(
    tmp_path: Path, container: str, protocols: list[str]
) -> None:
    """eks-blueprints' 2048 game (port 80, an HTTP readiness probe) was read as "a worker that serves no requests"."""
    (tmp_path / "main.tf").write_text(
        'resource "kubernetes_deployment_v1" "web" {\n  metadata {\n    name = "web"\n  }\n  spec {\n'
        "    template {\n      spec {\n        container {\n"
        f'          name = "web"\n          image = "img"\n{container}\n'
        "        }\n      }\n    }\n  }\n}\n",
        encoding="utf-8",
    )
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert workload.raw["traffic"]["protocols"] == protocols
    assert not [note for note in workload.assumptions if "serves no requests" in note]


SFN_TASK = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "1024"
      Memory: "8192"
      ContainerDefinitions:
        - Name: job
          Image: img
          Essential: true
  StateMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      DefinitionString: !Sub |
        {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync",
         "Parameters": {"TaskDefinition": "${TaskDefinition}"}, "End": true}}}
"""


def test_a_container_job_of_unknown_length_says_its_verdict_rests_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """serverless-patterns' Step Functions → Fargate task: told to move to Lambda on a one-second default run, with
    no word that the verdict rests on it (×10 of one second never nears Lambda's 15 minutes). With no run time at
    all its verdict is ``unknown``, asking for one; with its typical run given but not its longest, the verdict says
    it rests on the longest."""
    (tmp_path / "template.yaml").write_text(SFN_TASK, encoding="utf-8")
    usage = tmp_path / "usage.yml"
    usage.write_text("TaskDefinition: {traffic: {requests_per_month: 3000000}}\n")
    report = review(capsys, str(tmp_path / "template.yaml"), "--usage", str(usage))
    [item] = [item for item in report["workloads"] if item["name"] == "TaskDefinition"]
    assert item["verdict"] == "unknown"
    assert item["why"].startswith("Run time not known: add it to the usage file (--usage), e.g. `TaskDefinition: ")
    assert item["monthly_cost_now_usd"] is None
    # (a million runs: at 3M, runs a second apart on instances, billed without Fargate's minute a run, are cheaper)
    usage.write_text("TaskDefinition: {traffic: {requests_per_month: 1000000}, runtime: {avg_duration_ms: 1000}}\n")
    report = review(capsys, str(tmp_path / "template.yaml"), "--usage", str(usage))
    [item] = [item for item in report["workloads"] if item["name"] == "TaskDefinition"]
    assert item["verdict"] in ("consider", "move")
    assert item["decision"]["recommendation"] == "lambda"
    assert "runtime.max_duration_s" in item["decisive_assumptions"]
    assert "runtime.max_duration_s (assumed 1)" in item["why"]


ECS_SERVICE_MODULE = Path(__file__).resolve().parents[1] / "fixtures" / "public" / "terraform-ecs-service"


def test_the_ecs_service_modules_service_is_one_fargate_workload(capsys: pytest.CaptureFixture[str]) -> None:
    """terraform-aws-modules/ecs's service module, cut down: one Fargate service came out as two services on EC2 (each
    "consider: move to Fargate") and a job. The service names its task through a local; the branch whose ``count``
    is ``local.create_service && var.ignore_task_definition_changes ? 1 : 0`` makes none; the launch type is an
    expression, so the task's compatibility says where it runs."""
    found = find_workloads([str(ECS_SERVICE_MODULE)])
    [service] = found.workloads
    assert service.name == "aws_ecs_service.this"
    assert service.runs_as == "FARGATE"
    assert (service.raw["runtime"]["vcpu"], service.raw["runtime"]["memory_mb"]) == (1.0, 2048)
    assert any("aws_ecs_service.ignore_task_definition has count" in why for _, why in found.skipped)


@pytest.mark.parametrize(
    ("test", "variables", "created"),
    [
        ("local.create && !var.ignore", "create = true\nignore = false", 1),
        ("local.create && var.ignore", "create = true\nignore = false", 0),
        ("(var.a || var.b) && !local.create", "a = false\nb = true\ncreate = false", 1),
        ("var.unknown && var.ignore", "ignore = true", None),  # no default for var.unknown: not known
        ("var.unknown && var.ignore", "ignore = false", 0),  # false whatever the unknown is
        ("var.count > 2", "count = 3", None),  # not a switch
    ],
)
def test_a_count_made_of_switches_is_read(tmp_path: Path, test: str, variables: str, created: int | None) -> None:
    declared = "".join(
        f'variable "{line.split(" = ")[0]}" {{\n  default = {line.split(" = ")[1]}\n}}\n'
        for line in variables.splitlines()
    )
    (tmp_path / "main.tf").write_text(
        declared
        + 'variable "unknown" {}\n'
        + "locals {\n  create = var.create\n}\n"
        + f'resource "aws_lambda_function" "fn" {{\n  count = {test} ? 1 : 0\n  function_name = "fn"\n}}\n',
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)])
    assert len(found.workloads) == (0 if created == 0 else 1)


def test_a_launch_type_set_but_not_known_is_said_to_be_a_guess(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "launch_type" {}\n'
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  cpu = 256\n  memory = 512\n}\n'
        'resource "aws_ecs_service" "s" {\n  name = "s"\n  task_definition = aws_ecs_task_definition.t.arn\n'
        "  launch_type = var.launch_type\n}\n",
        encoding="utf-8",
    )
    [service] = find_workloads([str(tmp_path)]).workloads
    assert service.runs_as == "EC2"
    assert any("its launch type is not known until it is deployed" in note for note in service.assumptions)
    assert not any("no launch type, capacity provider or compatibility given" in note for note in service.assumptions)


PORTLESS = """apiVersion: apps/v1
kind: Deployment
metadata: {name: server, namespace: default}
spec:
  template:
    metadata: {labels: {app: server}}
    spec:
      containers:
        - {name: main, image: img, resources: {requests: {cpu: '1', memory: 2Gi}}}
---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: default}
spec:
  selector: {app: server}
  ports: [{port: 80, targetPort: %s%s}]
"""


@pytest.mark.parametrize(
    ("target", "name", "protocols"),
    [
        ("8080", "", ["http"]),
        ("6379", "", ["tcp"]),
        ("9000", ", name: redis", ["tcp"]),
        ("9000", ", name: grpc", ["grpc"]),
    ],
)
def test_a_port_less_pod_a_service_selects_serves_what_the_service_carries(
    tmp_path: Path, target: str, name: str, protocols: list[str]
) -> None:
    """kubernetes/examples' vLLM server names no containerPort; a ClusterIP Service sends it port 8080. It was read as
    a worker that serves no requests."""
    (tmp_path / "server.yaml").write_text(PORTLESS % (target, name), encoding="utf-8")
    [workload] = find_workloads([str(tmp_path)]).workloads
    assert workload.raw["traffic"]["protocols"] == protocols
    assert not [note for note in workload.assumptions if "serves no requests" in note]
