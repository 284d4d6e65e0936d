"""What a seventeenth architect's review, of the review path on real-looking repositories, found, kept true:

- ``review --base`` reads a usage entry under a resource's deployed name (``function_name``) in both versions, as a
  review of one version does, so a change that doubles a bill is seen;
- ``adr`` reads the usage file as the review does (deployed names too), and says on stderr when it has no entry for
  the workload, rather than writing the record on defaults without a word;
- a verdict's cost difference that rests on a bill with lines at $0 (prices the region's book lacks) says it is not
  settled, and every format shows the decision's warnings ("Check before acting");
- moving one workload off a cluster the review's EKS workloads share saves no share of its control plane while the
  others stay: neither the verdict's saving nor the review's cost after following the verdicts counts it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.cli import main
from decider.cli import review as cli_review
from decider.sources.capacity import node_architecture
from decider.sources.terraform_model import Expression
from tests.cli.test_review_base import git

LAMBDA_TF = """resource "aws_lambda_function" "catalog" {{
  function_name = "shop-prod-catalog"
  handler       = "app.handler"
  runtime       = "python3.12"
  memory_size   = {memory}
  timeout       = 10
  architectures = ["arm64"]
}}
"""
BY_DEPLOYED_NAME = """shop-prod-catalog:
  traffic: {requests_per_month: 20000000, peak_rps: 60}
  runtime: {avg_duration_ms: 80}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def reviewed_alone(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: tuple[str, str],
    usage: str,
) -> dict[str, Any]:
    """The JSON review of the one workload of a source file (name, text), with a usage file."""
    (folder / source[0]).write_text(source[1])
    (folder / "usage.yaml").write_text(usage)
    monkeypatch.chdir(folder)
    _, out, _ = run(capsys, "review", source[0], "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    return dict(item)


def test_review_base_reads_usage_under_the_deployed_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "v1")
    (tmp_path / "infra" / "lambda.tf").write_text(LAMBDA_TF.format(memory=3008))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "review", "infra", "--usage", "usage.yaml", "--format", "json", "--base", "main")
    assert code == 0
    report = json.loads(out)
    change = report["diff"]["changes"][0]
    assert change["name"] == "aws_lambda_function.catalog"
    assert change["change"] != "unchanged"  # 1,024 MB → 3,008 MB of a function at 20M requests a month
    summary = report["diff"]["summary"]
    before, after = summary["monthly_cost_before_usd"], summary["monthly_cost_after_usd"]
    assert before > 0
    assert after > before * 1.5  # memory ×2.9 of a bill half duration
    (head,) = report["review"]["workloads"]
    assert head["verdict"] != "unknown"  # the traffic the usage file gives is read
    # The same key without --base gives the same head bill
    code, out, _ = run(capsys, "review", "infra", "--usage", "usage.yaml", "--format", "json")
    assert json.loads(out)["workloads"][0]["monthly_cost_now_usd"] == pytest.approx(after)


def test_adr_reads_usage_as_the_review_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    (tmp_path / "usage.yaml").write_text(
        BY_DEPLOYED_NAME.replace("runtime:", "preferences: {region: eu-west-1}\n  runtime:")
    )
    (tmp_path / "other.yaml").write_text("another-service:\n  traffic: {requests_per_month: 5}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "adr", "lambda.tf", "--usage", "usage.yaml", "--date", "2026-12-05")
    assert code == 0
    assert err == ""
    assert "* Prices: eu-west-1 as of" in out
    assert "20,000,000 requests a month" in out
    # A usage file with no entry for this workload (its entries may be other files' workloads): the record is
    # written on the defaults, and stderr says so.
    code, out, err = run(capsys, "adr", "lambda.tf", "--usage", "other.yaml", "--date", "2026-12-05")
    assert code == 0
    assert "other.yaml has no entry for aws_lambda_function.catalog" in err
    assert "* Prices: us-east-1 as of" in out


EU_FUNCTION = """resource "aws_lambda_function" "catalog" {
  function_name = "shop-prod-catalog"
  handler       = "app.handler"
  runtime       = "python3.12"
  memory_size   = 1024
  timeout       = 10
  architectures = ["arm64"]
}

resource "aws_apigatewayv2_api" "http" {
  name          = "shop-prod-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "catalog" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.catalog.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "catalog" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /catalog/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.catalog.id}"
}
"""
EU_USAGE = """shop-prod-catalog:
  traffic: {requests_per_month: 80000000, peak_rps: 60}
  preferences: {region: eu-west-1}
  runtime: {avg_duration_ms: 80}
"""


@pytest.fixture
def eu_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "lambda.tf").write_text(EU_FUNCTION)
    (tmp_path / "usage.yaml").write_text(EU_USAGE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_verdict_on_a_partial_bill_says_so_and_every_format_shows_the_warnings(
    eu_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "review", "infra", "--usage", "usage.yaml", "--format", "json")
    assert code == 0
    (item,) = json.loads(out)["workloads"]
    assert item["verdict"] == "consider"
    assert item["decision"]["recommendation"] == "ecs-fargate"
    warnings = item["decision"]["warnings"]
    # eu-west-1's book prices load balancers at us-east-1's figures, as a floor: said in the warnings, and the cost
    # difference names the lines that rest on it
    assert any("at another region's figures, as a floor" in warning for warning in warnings)
    assert (
        "not settled: Amazon ECS on AWS Fargate's Application Load Balancer capacity units and Application Load "
        "Balancer hours at another region's figures, a floor for eu-west-1's, so that bill may be low by the "
        "difference." in item["why"]
    )

    code, table, _ = run(capsys, "review", "infra", "--usage", "usage.yaml")
    assert all(f"    Check before acting: {warning}" in table for warning in warnings)

    code, text, _ = run(capsys, "review", "infra", "--usage", "usage.yaml", "--format", "markdown")
    assert all(f"- ⚠ Check before acting: {warning[:40]}" in text for warning in warnings)

    code, text, _ = run(capsys, "review", "infra", "--usage", "usage.yaml", "--format", "sarif")
    (result,) = json.loads(text)["runs"][0]["results"]
    assert result["properties"]["warnings"] == warnings
    assert result["message"]["text"].endswith(f"Check before acting: {' '.join(warnings)}")


def test_a_keep_that_rests_on_contradicting_inputs_shows_the_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    # An average of 15 s against the template's 10 s Timeout: one of the two is wrong
    (tmp_path / "usage.yaml").write_text(
        "shop-prod-catalog:\n  traffic: {requests_per_month: 20000, peak_rps: 1}\n  runtime: {avg_duration_ms: 15000}\n"
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "review", "lambda.tf", "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    assert item["verdict"] == "keep"
    warning = next(text for text in item["decision"]["warnings"] if "runtime.avg_duration_ms" in text)
    _, table, _ = run(capsys, "review", "lambda.tf", "--usage", "usage.yaml")
    assert f"    Check before acting: {warning}" in table
    _, text, _ = run(capsys, "review", "lambda.tf", "--usage", "usage.yaml", "--format", "markdown")
    assert "aws_lambda_function.catalog (<code>lambda.tf:1</code>) ⚠ the decision warns of its inputs or bills" in text


CLUSTER = """apiVersion: apps/v1
kind: Deployment
metadata: {name: profile-api}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: example/profile:1
          resources: {requests: {cpu: 250m, memory: 512Mi}}
          ports: [{containerPort: 8080}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: session-cleanup}
spec:
  schedule: "*/30 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: example/cleanup:1
              resources: {requests: {cpu: 250m, memory: 256Mi}}
"""
CLUSTER_USAGE = """profile-api:
  traffic: {pattern: diurnal, requests_per_month: 30000000}
  runtime: {avg_duration_ms: 60, concurrency_per_copy: 25}
session-cleanup:
  runtime: {avg_duration_ms: 20000}
"""


def test_moving_off_a_shared_cluster_saves_no_share_of_its_control_plane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k8s.yaml").write_text(CLUSTER)
    (tmp_path / "usage.yaml").write_text(CLUSTER_USAGE)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "review", "k8s.yaml", "--usage", "usage.yaml", "--format", "json")
    review = json.loads(out)
    items = {item["name"]: item for item in review["workloads"]}
    moved, kept = items["session-cleanup"], items["profile-api"]
    assert moved["verdict"] == "consider"
    assert kept["verdict"] == "keep"
    eks = next(entry for entry in moved["decision"]["ranking"] if entry["target"] == "eks")
    share = sum(line["usd"] for line in eks["monthly_cost"]["lines"] if line["item"].startswith("EKS control plane $"))
    assert share == pytest.approx(36.5)  # $73 a month shared by the two
    now, recommended = moved["monthly_cost_now_usd"], moved["monthly_cost_recommended_usd"]
    saving = now - share - recommended
    assert f"costs ${abs(saving):,.2f} a month {'less' if saving >= 0 else 'more'}" in moved["why"]
    assert f"leaving out its ${share:,.2f} share of the EKS control plane" in moved["why"]
    # said before profile-api's verdict is known: the share is saved only if the cluster's other workload moves too
    assert "saved only if the cluster's other workload in this review moves off it too" in moved["why"]
    # The cluster stays for profile-api: after following the verdicts it is still paid for, whole
    summary = review["summary"]
    assert summary["monthly_cost_now_usd"] == pytest.approx(now + kept["monthly_cost_now_usd"], abs=0.01)
    assert summary["monthly_cost_recommended_usd"] == pytest.approx(
        recommended + share + kept["monthly_cost_now_usd"], abs=0.01
    )
    # The same totals when the review is shared out among worker processes, one workload each
    monkeypatch.setattr(cli_review, "MIN_PARALLEL_WORKLOADS", 2)
    monkeypatch.setattr(cli_review, "WORKLOADS_PER_WORKER", 1)
    code, out, _ = run(capsys, "review", "k8s.yaml", "--usage", "usage.yaml", "--format", "table", "--jobs", "2")
    assert code == 0
    assert f"after following the verdicts ${summary['monthly_cost_recommended_usd']:,.2f}" in out


MONTHLY_JOB = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  MonthlyStatementsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/statements/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 900
      MemorySize: 10240
      Events:
        Monthly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 1 * ? *)
"""


def test_a_verdict_resting_on_a_timeout_read_as_the_longest_run_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    usage = "MonthlyStatementsFunction:\n  runtime: {avg_duration_ms: 60000}\n"
    item = reviewed_alone(tmp_path, monkeypatch, capsys, ("template.yaml", MONTHLY_JOB), usage)
    # 900 s is Lambda's limit: the headroom near it is what the consider rests on, and a tenth of it would keep it
    assert item["verdict"] == "consider"
    assert "runtime.max_duration_s" in item["decisive_assumptions"]
    assert "runtime.max_duration_s (900 s, from the Timeout: runs may stay well within it)" in item["why"]
    # Given in the usage file, the longest run is no ceiling: nothing to try lower, nothing said of a Timeout
    (tmp_path / "usage.yaml").write_text(
        "MonthlyStatementsFunction:\n  runtime: {avg_duration_ms: 60000, max_duration_s: 890}\n"
    )
    _, out, _ = run(capsys, "review", "template.yaml", "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    assert "runtime.max_duration_s" not in item["decisive_assumptions"]
    assert "from the Timeout" not in item["why"]


PROVIDER = """provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "edge"
  region = "us-east-1"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
"""


def test_terraform_is_priced_in_the_region_of_its_aws_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(PROVIDER)
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    assert item["decision"]["pricing"]["region"] == "eu-west-1"
    assert said(item) == ["priced in eu-west-1, where its AWS provider (main.tf:1) deploys it"]
    # A resource that names the aliased provider is deployed where that one deploys, said at its own line
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024).replace("}\n", "  provider = aws.edge\n}\n"))
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    assert item["decision"]["pricing"]["region"] == "us-east-1"
    assert said(item) == ["priced in us-east-1, where its AWS provider (main.tf:4) deploys it"]
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    # A usage file's region is laid over the provider's, and the provider's is not said
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME + "  preferences: {region: sa-east-1}\n")
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    (item,) = json.loads(out)["workloads"]
    assert item["decision"]["pricing"]["region"] == "sa-east-1"
    assert said(item) == []
    # A region that does not resolve (a variable with no value) leaves the default, us-east-1
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = var.region\n}\n\nvariable "region" {}\n')
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    assert json.loads(out)["workloads"][0]["decision"]["pricing"]["region"] == "sa-east-1"
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME)
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    assert json.loads(out)["workloads"][0]["decision"]["pricing"]["region"] == "us-east-1"


def said(item: dict[str, Any]) -> list[str]:
    """What the review says of the workload's region, without the resource's prefix."""
    return [text.split(": ", 1)[1] for text in item["source_assumptions"] if "deploys" in text]


def test_a_provider_region_no_price_book_covers_is_priced_in_us_east_1_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "af-south-1"\n}\n')
    (tmp_path / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["unreadable"] == []
    (item,) = report["workloads"]
    assert item["decision"]["pricing"]["region"] == "us-east-1"
    assert said(item) == [
        "its AWS provider (main.tf:1) deploys it to af-south-1, which no price book here covers: priced in us-east-1 "
        "(give preferences.region in the usage file to choose another)"
    ]


def test_manifests_on_a_terraform_cluster_are_priced_in_its_region_and_share_its_control_plane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "eks.tf").write_text(
        'provider "aws" {\n  region = "ap-southeast-2"\n}\n\n'
        + NODE_GROUP.format(nodes='instance_types = ["m6i.xlarge"]')
    )
    (tmp_path / "k8s.yaml").write_text(CLUSTER)
    (tmp_path / "usage.yaml").write_text(CLUSTER_USAGE)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    for item in json.loads(out)["workloads"]:
        assert item["decision"]["pricing"]["region"] == "ap-southeast-2"
        assert said(item) == [
            "priced in ap-southeast-2, where the AWS provider of the EKS capacity it runs on (terraform/eks.tf:1) "
            "deploys it"
        ]
        eks = next(entry for entry in item["decision"]["ranking"] if entry["target"] == "eks")
        lines = [line["item"] for line in eks["monthly_cost"]["lines"]]
        # The configuration defines the cluster: its control plane is the two workloads', not already paid
        assert any(
            line.startswith("EKS control plane $73.00 a month of aws_eks_cluster.")
            and "(terraform/eks.tf:" in line
            and line.endswith("which the files reviewed define, shared by 2 workloads in this review: $36.50")
            for line in lines
        )


def test_a_terraform_plan_is_priced_in_its_provider_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    function = {
        "address": "aws_lambda_function.catalog",
        "mode": "managed",
        "type": "aws_lambda_function",
        "name": "catalog",
        "values": {"function_name": "shop-prod-catalog", "memory_size": 1024, "timeout": 10},
    }
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [function]}},
        "variables": {"region": {"value": "ap-southeast-2"}},
        "configuration": {"provider_config": {"aws": {"expressions": {"region": {"references": ["var.region"]}}}}},
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "usage.yaml").write_text(BY_DEPLOYED_NAME)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "review", "plan.json", "--usage", "usage.yaml", "--format", "json")
    assert json.loads(out)["workloads"][0]["decision"]["pricing"]["region"] == "ap-southeast-2"
    plan["configuration"] = {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-north-1"}}}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    _, out, _ = run(capsys, "review", "plan.json", "--usage", "usage.yaml", "--format", "json")
    assert json.loads(out)["workloads"][0]["decision"]["pricing"]["region"] == "eu-north-1"


NODE_GROUP = """resource "aws_eks_cluster" "main" {{
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {{
    subnet_ids = ["subnet-a", "subnet-b"]
  }}
}}

resource "aws_eks_node_group" "general" {{
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "general"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-a", "subnet-b"]
  {nodes}
  scaling_config {{
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }}
}}
"""


@pytest.mark.parametrize(
    ("nodes", "architecture"),
    [
        ('instance_types = ["m6i.xlarge"]', "x86_64"),
        ('instance_types = ["m7g.xlarge", "c6gn.2xlarge"]', "arm64"),
        ('ami_type = "AL2023_ARM_64_STANDARD"', "arm64"),
        ('ami_type = "BOTTLEROCKET_x86_64"\n  instance_types = ["m7g.large"]', "x86_64"),  # the AMI type says it
        ('instance_types = ["m6i.xlarge", "m7g.xlarge"]', None),  # either may run it
    ],
)
def test_pods_on_a_node_group_are_priced_for_its_nodes_architecture(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    nodes: str,
    architecture: str | None,
) -> None:
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "eks.tf").write_text(NODE_GROUP.format(nodes=nodes))
    (tmp_path / "k8s.yaml").write_text(CLUSTER)
    (tmp_path / "usage.yaml").write_text(CLUSTER_USAGE)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "review", ".", "--usage", "usage.yaml", "--format", "json")
    for item in json.loads(out)["workloads"]:
        assert item["current_mode"] == "managed-node-group"
        said = [text for text in item["source_assumptions"] if "the node groups' nodes are" in text]
        fargate = next(entry for entry in item["decision"]["ranking"] if entry["target"] == "ecs-fargate")
        if architecture is None:
            assert said == []
            assert fargate["sizing"]["architecture"] == "arm64"  # any architecture: the cheaper one
        else:
            assert len(said) == 1
            assert said[0].endswith(f"the node groups' nodes are {architecture}: runtime.architecture {architecture}")
            assert fargate["sizing"]["architecture"] == architecture


DEADLINE_JOB = """apiVersion: batch/v1
kind: CronJob
metadata: {name: session-cleanup, namespace: web}
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      activeDeadlineSeconds: 600
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: cleanup
              image: example/cleanup:1
              resources: {requests: {cpu: 100m, memory: 128Mi}}
"""


def test_a_job_length_the_source_gives_is_no_assumption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hour tried for a container job's longest run is for a job whose length nothing gives: a deadline the
    manifest sets is given, and a verdict does not name it as assumed (nor as read from a ceiling)."""
    usage = "session-cleanup:\n  runtime: {avg_duration_ms: 20000}\n"
    item = reviewed_alone(tmp_path, monkeypatch, capsys, ("job.yaml", DEADLINE_JOB), usage)
    assert item["verdict"] == "consider"
    assert "runtime.max_duration_s" not in item["decisive_assumptions"]
    assert "from the None" not in item["why"]
    assert "rests on assumptions" not in item["why"]


def test_a_base_review_refuses_a_usage_file_that_names_nothing_in_either_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "lambda.tf").write_text(LAMBDA_TF.format(memory=1024))
    (tmp_path / "usage.yaml").write_text("nothing-here:\n  traffic: {requests_per_month: 5}\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "v1")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "review", "infra", "--usage", "usage.yaml", "--base", "main")
    assert code == 2
    assert "usage.yaml: nothing-here: no workload or resource of this name was found" in err


def test_first_generation_graviton_nodes_are_arm64() -> None:
    assert node_architecture(None, ["a1.large"]) == "arm64"
    assert node_architecture(None, ["m6a.large"]) == "x86_64"
    assert node_architecture("CUSTOM", ["m7g.large"]) == "arm64"
    assert node_architecture(None, [Expression("var.types")]) is None  # a list not known until Terraform runs
