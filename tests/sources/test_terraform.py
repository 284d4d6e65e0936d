"""Terraform in: HCL source (with variables, locals, a module call and a .tfvars file) and a plan of the same
infrastructure give the same workloads; each resource type is read; every value that cannot be known is said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decider.cli import main
from decider.errors import SourceError
from decider.review import review_imported
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, apply_usage, display_path, find_workloads
from decider.workload import parse_workload
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "terraform"
HCL = FIXTURES / "hcl"
TFVARS = HCL / "prod.tfvars"
PLAN = FIXTURES / "plan.json"


def read(paths: list[Path], var_files: list[Path] = ()) -> dict[str, ImportedWorkload]:  # type: ignore[assignment]
    found = find_workloads([str(path) for path in paths], var_files=[str(item) for item in var_files])
    return {workload.name: workload for workload in found.workloads}


def test_hcl_with_tfvars_and_plan_give_the_same_workloads() -> None:
    hcl, plan = read([HCL], [TFVARS]), read([PLAN])
    assert sorted(hcl) == sorted(plan)
    assert len(hcl) == 12
    for name, workload in hcl.items():
        assert parse_workload(workload.raw).workload == parse_workload(plan[name].raw).workload, name
        assert workload.runs_as == plan[name].runs_as, name
        assert workload.kind == plan[name].kind, name
        assert workload.mode == plan[name].mode, name


def test_every_resource_type_is_read() -> None:
    hcl = read([HCL], [TFVARS])
    api = hcl["aws_lambda_function.api"]
    assert api.raw["runtime"] == {
        "max_duration_s": 29.0,
        "memory_mb": 1024,  # var.api_memory: 512 by default, 1024 in prod.tfvars
        "architecture": "arm64",
        "ephemeral_storage_gb": 1.0,
    }
    assert api.raw["traffic"] == {"protocols": ["http"], "pattern": "spiky"}  # aws_apigatewayv2_integration
    worker = hcl["aws_lambda_function.worker"]
    assert worker.raw["runtime"]["memory_mb"] == 2048  # local.worker_memory
    assert worker.raw["traffic"]["pattern"] == "event"  # aws_lambda_event_source_mapping
    assert any("package_type Image" in note for note in worker.assumptions)
    assert hcl["aws_lambda_function.nightly"].raw["traffic"]["requests_per_month"] == 30.42  # event rule + target
    assert hcl["aws_lambda_function.report"].raw["traffic"]["requests_per_month"] == 730.0  # aws_scheduler_schedule
    assert hcl["aws_lambda_function.webhook"].raw["traffic"]["protocols"] == ["http"]  # aws_lambda_function_url
    thumbnails = hcl["module.thumbnails"]  # terraform-aws-modules/lambda with create_lambda_function_url
    assert (thumbnails.runs_as, thumbnails.raw["runtime"]["memory_mb"]) == ("function", 2048)
    assert thumbnails.raw["traffic"]["protocols"] == ["http"]
    web = hcl["aws_ecs_service.web"]  # jsonencode()d container definitions: two essential containers
    assert web.runs_as == "FARGATE"
    assert web.raw["runtime"] == {
        "vcpu": 0.5,
        "memory_mb": 1024,
        "architecture": "arm64",
        "os": "linux",
        "min_copies": 4,
    }
    assert web.raw["control"] == {"sidecars": True}
    assert web.raw["runtime"]["min_copies"] == 4  # desired_count = var.web_count, from prod.tfvars
    assert hcl["aws_ecs_service.ledger"].runs_as == "MANAGED_INSTANCES"  # aws_ecs_capacity_provider, Managed Instances
    legacy = hcl["aws_ecs_service.legacy"]  # capacity provider with an Auto Scaling group; container-level sizes
    assert (legacy.runs_as, legacy.raw["runtime"], legacy.raw["control"]) == (
        "EC2",
        {"vcpu": 1.0, "memory_mb": 3072, "architecture": "x86_64", "min_copies": 1},  # desired_count = 1
        {"privileged": True},
    )
    billing = hcl["module.billing"]  # terraform-aws-modules/ecs service module
    assert (billing.runs_as, billing.raw["preferences"]) == ("FARGATE_SPOT", {"spot_ok": True})
    assert billing.raw["runtime"] == {
        "vcpu": 1.0,
        "memory_mb": 4096,
        "architecture": "x86_64",
        "os": "linux",  # the module's runtime_platform default, LINUX
        "min_copies": 1,
    }  # the module's desired_count default
    search = hcl["kubernetes_deployment_v1.search"]
    assert (search.runs_as, search.raw["runtime"]) == (
        "kubernetes",
        {"min_copies": 3, "vcpu": 0.5, "memory_mb": 1024, "architecture": "arm64"},  # spec.replicas = 3
    )
    assert any("aws_eks_node_group.general provides nodes (m7g.large" in note for note in search.assumptions)
    assert any("runs on aws_eks_cluster.main (Kubernetes 1.31)" in note for note in search.assumptions)
    reports = hcl["kubernetes_deployment.reports"]
    # no replicas: the Kubernetes provider's default, 1 (the plan shows it filled in)
    assert reports.raw["runtime"] == {"min_copies": 1, "vcpu": 1.0, "memory_mb": 2048}
    assert (reports.namespace, reports.pod_labels, reports.mode) == ("batch", {"app": "reports"}, "fargate")
    assert any(
        "Fargate profile aws_eks_fargate_profile.batch" in note
        and "selects namespace batch: it runs on EKS on Fargate" in note
        for note in reports.assumptions
    )
    # no profile selects namespace default: the managed node group (no Auto Mode) runs it
    assert (search.namespace, search.mode) == ("default", "managed-node-group")


def test_workloads_keep_their_file_and_line() -> None:
    hcl, plan = read([HCL], [TFVARS]), read([PLAN])
    assert (hcl["aws_lambda_function.api"].file, hcl["aws_lambda_function.api"].line) == (
        "tests/fixtures/terraform/hcl/lambda.tf" if Path.cwd() == REPO_ROOT else hcl["aws_lambda_function.api"].file,
        5,
    )
    assert hcl["module.billing"].line == next(
        number
        for number, text in enumerate((HCL / "ecs.tf").read_text().splitlines(), 1)
        if text.startswith('module "billing"')
    )
    lines = PLAN.read_text().splitlines()
    for workload in plan.values():
        assert workload.file.endswith("plan.json")
        assert '"address"' in lines[workload.line - 1]


def test_every_unknown_is_reported_without_the_tfvars() -> None:
    hcl = read([HCL])
    worker = hcl["aws_lambda_function.worker"]
    assert "max_duration_s" not in worker.raw["runtime"]  # var.worker_timeout has no default: left to the defaults
    assert any("timeout is var.worker_timeout, not known until Terraform runs" in note for note in worker.assumptions)
    assert any(
        "variable worker_timeout has no default and no value in a .tfvars file" in note for note in worker.assumptions
    )
    assert hcl["aws_lambda_function.api"].raw["runtime"]["memory_mb"] == 512  # the variable's default


def test_unresolvable_expressions_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n'
        "  memory_size = var.size * 2\n"
        '  timeout     = lookup(var.timeouts, "f", 3)\n'
        '  architectures = [var.arch == "arm" ? "arm64" : "x86_64"]\n'
        "}\n"
        'resource "aws_ecs_task_definition" "t" {\n'
        '  family                = "t"\n'
        '  container_definitions = jsonencode([{ name = "a", cpu = var.cpu }])\n'
        "}\n"
    )
    found = read([tmp_path / "main.tf"])
    function = found["aws_lambda_function.f"]
    notes = "\n".join(function.assumptions)
    assert "memory_size is var.size * 2" in notes
    assert 'timeout is lookup(var.timeouts, "f", 3)' in notes
    assert function.raw.get("runtime", {}) == {}  # neither default applies: the value is set, just not known
    task = found["aws_ecs_task_definition.t"]
    # Known but for one value: read without it, and the value named
    assert any(
        "container_definitions holds values not known until Terraform runs (var.cpu)" in note
        for note in task.assumptions
    )


def test_a_plan_skips_deleted_resources_and_refuses_another_major_version(tmp_path: Path) -> None:
    assert "aws_lambda_function.legacy_cron" not in read([PLAN])
    plan = json.loads(PLAN.read_text())
    plan["format_version"] = "2.0"
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    with pytest.raises(SourceError, match=r"format_version '2\.0'"):
        find_workloads([str(tmp_path / "plan.json")])


def test_bad_hcl_and_bad_var_files_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  memory_size = \n}\n')
    with pytest.raises(SourceError, match=r"main.tf:\d+: not valid Terraform \(HCL\)"):
        find_workloads([str(tmp_path)])
    assert main(["review", str(tmp_path)]) == 0  # without --strict the file is listed as unreadable
    assert "could not be read" in capsys.readouterr().err
    assert main(["review", str(HCL), "--var-file", str(tmp_path / "missing.tfvars")]) == 2
    assert "--var-file" in capsys.readouterr().err


def test_review_reads_terraform_and_the_usage_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("aws_lambda_function.api:\n  traffic: {requests_per_month: 2000000, peak_rps: 40}\n")
    code = main(["review", str(HCL), "--var-file", str(TFVARS), "--usage", str(usage), "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    by_name = {item["name"]: item for item in report["workloads"]}
    assert by_name["aws_lambda_function.api"]["verdict"] in ("keep", "consider", "move")
    assert by_name["aws_lambda_function.api"]["source"]["line"] == 5
    assert by_name["aws_ecs_service.ledger"]["current_target"] == "ecs-managed-instances"
    assert by_name["aws_ecs_service.ledger"]["verdict"] == "unknown"


def test_more_event_sources_schedules_and_module_inputs(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """
resource "aws_lambda_function" "audit" {
  function_name = "audit"
  architectures = ["arm64"]
}

resource "aws_cloudwatch_event_rule" "changes" {
  event_pattern = jsonencode({ source = ["aws.s3"] })
}

resource "aws_cloudwatch_event_target" "audit" {
  rule = aws_cloudwatch_event_rule.changes.name
  arn  = aws_lambda_function.audit.arn
}

resource "aws_ecs_task_definition" "cleanup" {
  family                   = "cleanup"
  cpu                      = 256
  memory                   = 512
  requires_compatibilities = ["FARGATE"]
  container_definitions    = jsonencode([{ name = "cleanup", essential = true }])
}

resource "aws_scheduler_schedule" "cleanup" {
  schedule_expression = "cron(0 3 * * ? *)"
  target {
    arn = aws_ecs_cluster.main.arn
    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.cleanup.arn
    }
  }
}

resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  container_definitions = jsonencode([{ name = "agent", cpu = 128, memory = 256, essential = true }])
}

resource "aws_ecs_service" "agent" {
  task_definition     = aws_ecs_task_definition.agent.arn
  scheduling_strategy = "DAEMON"
  launch_type         = "EC2"
}

module "ingest" {
  source  = "terraform-aws-modules/lambda/aws"
  function_name = "ingest"
  architectures = ["arm64"]
  allowed_triggers = {
    api = { service = "apigateway", source_arn = "arn:aws:execute-api:us-east-1:123456789012:abc/*" }
  }
  event_source_mapping = {
    queue = { event_source_arn = "arn:aws:sqs:us-east-1:123456789012:ingest" }
  }
}

module "unused" {
  source = "terraform-aws-modules/lambda/aws"
  create = false
}
"""
    )
    found = read([tmp_path])
    audit = found["aws_lambda_function.audit"]  # an EventBridge rule with an event pattern: events
    assert audit.raw["traffic"] == {"protocols": ["queue"], "pattern": "event"}
    assert any("timeout not set: Lambda's default of 3 s" in note for note in audit.assumptions)
    cleanup = found["aws_ecs_task_definition.cleanup"]  # no service runs it; a schedule does
    assert (cleanup.runs_as, cleanup.raw["traffic"]["pattern"]) == ("FARGATE", "scheduled")
    assert cleanup.raw["traffic"]["requests_per_month"] == 30.42
    agent = found["aws_ecs_service.agent"]
    assert (agent.runs_as, agent.raw["control"]) == ("EC2", {"host_daemons": True})
    assert agent.raw["runtime"] == {"vcpu": 0.125, "memory_mb": 256, "architecture": "x86_64"}
    ingest = found["module.ingest"]  # defaults of the module: 128 MB, 3 s; an API permission and a queue mapping
    assert ingest.raw["runtime"] == {
        "max_duration_s": 3.0,
        "memory_mb": 128,
        "architecture": "arm64",
        "ephemeral_storage_gb": 0.5,
    }
    assert ingest.raw["traffic"] == {"protocols": ["http", "queue"], "pattern": "spiky"}
    assert "module.unused" not in found  # create = false
    assert sorted(found) == [
        "aws_ecs_service.agent",
        "aws_ecs_task_definition.cleanup",
        "aws_lambda_function.audit",
        "module.ingest",
    ]


def test_a_usage_entry_applies_by_the_deployed_name(tmp_path: Path) -> None:
    from decider.sources import apply_usage

    found = find_workloads([str(HCL)], var_files=[str(TFVARS)]).workloads
    apply_usage(found, {"orders-api": {"traffic": {"requests_per_month": 5.0}}}, "usage.yaml")
    by_name = {workload.name: workload for workload in found}
    assert by_name["aws_lambda_function.api"].get("traffic.requests_per_month") == 5.0
    assert by_name["aws_lambda_function.worker"].get("traffic.requests_per_month") is None
    with pytest.raises(SourceError, match="orders-apj: no workload or resource of this name"):
        apply_usage(found, {"orders-apj": {"traffic": {"requests_per_month": 5.0}}}, "usage.yaml")


def test_module_calls_decider_does_not_expand_are_listed_as_skipped(tmp_path: Path) -> None:
    """A folder of module calls decider cannot expand (a local source, another registry module) is not a clean review
    of nothing: each call is listed with its line and what to do instead."""
    (tmp_path / "main.tf").write_text(
        'module "lambda_function" {\n  source = "../../"\n  function_name = "f1"\n}\n\n'
        'module "network" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n',
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)])
    assert found.workloads == []
    shown = display_path(tmp_path / "main.tf")
    assert found.skipped == [
        (
            shown,
            "line 1: module lambda_function (source ../../) is not one decider reads by its inputs: its resources are "
            "not reviewed (review a plan, `terraform show -json`, to see them)",
        ),
        (
            shown,
            "line 6: module network (source terraform-aws-modules/vpc/aws) is not one decider reads by its inputs: its "
            "resources are not reviewed (review a plan, `terraform show -json`, to see them)",
        ),
    ]
    # the module the review reads (terraform-aws-modules' Lambda, from the registry) is expanded, not listed
    (tmp_path / "main.tf").write_text(
        'module "f" {\n  source = "terraform-aws-modules/lambda/aws"\n  function_name = "f"\n}\n', encoding="utf-8"
    )
    again = find_workloads([str(tmp_path)])
    assert [workload.name for workload in again.workloads] == ["module.f"]
    assert again.skipped == []


def test_a_local_module_call_is_listed_once_and_says_its_folder_is_reviewed(tmp_path: Path) -> None:
    """The note on a module call decider does not read by its inputs is in the skipped list only, not copied into
    every workload of the configuration; a local module whose folder the review reads is not said to go unreviewed."""
    (tmp_path / "main.tf").write_text(
        'module "thing" {\n  source = "./modules/thing"\n}\n'
        'module "network" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'resource "aws_lambda_function" "outer" {\n  function_name = "outer"\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "modules" / "thing").mkdir(parents=True)
    (tmp_path / "modules" / "thing" / "main.tf").write_text(
        'resource "aws_lambda_function" "inner" {\n  function_name = "inner"\n}\n', encoding="utf-8"
    )
    found = find_workloads([str(tmp_path)])
    assert [workload.name for workload in found.workloads] == ["aws_lambda_function.outer", "aws_lambda_function.inner"]
    for workload in found.workloads:
        assert not any("module" in note for note in workload.assumptions), workload.assumptions
    shown = display_path(tmp_path / "main.tf")
    assert found.skipped == [
        (
            shown,
            "line 1: module thing (source ./modules/thing) is not one decider reads by its inputs: its resources are "
            "reviewed from its folder as written there, not with this call's inputs (review a plan, `terraform show "
            "-json`, to see them as deployed)",
        ),
        (
            shown,
            "line 4: module network (source terraform-aws-modules/vpc/aws) is not one decider reads by its inputs: its "
            "resources are not reviewed (review a plan, `terraform show -json`, to see them)",
        ),
    ]
    # the root folder alone: the module's folder is not reviewed, and the note says so
    [(_, alone), _] = find_workloads([str(tmp_path / "main.tf")]).skipped
    assert alone.endswith("its resources are not reviewed (review a plan, `terraform show -json`, to see them)")


def test_resources_terraform_would_not_create_are_skipped_and_repeated_ones_said(tmp_path: Path) -> None:
    """count = 0, or the switch var.enabled ? 1 : 0 on a variable whose default is false, creates nothing: such a
    resource is listed as skipped, not reviewed; count = 2 and for_each are reviewed once, with a note."""
    (tmp_path / "main.tf").write_text(
        'variable "enabled" {\n  default = false\n}\n'
        'resource "aws_lambda_function" "off" {\n  count = 0\n  function_name = "off"\n}\n'
        'resource "aws_lambda_function" "maybe" {\n  count = var.enabled ? 1 : 0\n  function_name = "maybe"\n}\n'
        'resource "aws_lambda_function" "on" {\n  count = !var.enabled ? 1 : 0\n  function_name = "on"\n}\n'
        'resource "aws_lambda_function" "each" {\n  for_each = toset(["dev", "prod"])\n  function_name = "e"\n}\n'
        'resource "aws_lambda_function" "other" {\n  count = length(var.names)\n  function_name = "o"\n}\n',
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)])
    names = {workload.name: workload for workload in found.workloads}
    assert set(names) == {"aws_lambda_function.on", "aws_lambda_function.each", "aws_lambda_function.other"}
    assert [reason for _, reason in found.skipped] == [
        "line 4: aws_lambda_function.off has count = 0: Terraform creates none",
        "line 8: aws_lambda_function.maybe has count = var.enabled ? 1 : 0, 0 with its variable's default: "
        "Terraform creates none",
    ]
    assert any(
        note.endswith('for_each = toset(["dev", "prod"]): each instance it creates is reviewed as this one')
        for note in names["aws_lambda_function.each"].assumptions
    )
    assert any("count = length(var.names)" in note for note in names["aws_lambda_function.other"].assumptions)


def test_module_calls_terraform_would_not_create_are_skipped_and_repeated_ones_said(tmp_path: Path) -> None:
    """A module call's count and for_each are read as a resource's are: count = 0, or a switch whose variable's
    default is off, creates nothing and is listed as skipped (not reviewed); any other count or a for_each is
    reviewed once, with a note that one instance of the call was read."""
    (tmp_path / "main.tf").write_text(
        'variable "enabled" {\n  default = false\n}\n'
        'variable "regions" {\n  default = ["eu-west-1", "us-east-1"]\n}\n'
        'module "off" {\n  source = "terraform-aws-modules/lambda/aws"\n  count = 0\n  function_name = "off"\n}\n'
        'module "maybe" {\n  source = "terraform-aws-modules/lambda/aws"\n  count = var.enabled ? 1 : 0\n'
        '  function_name = "maybe"\n}\n'
        'module "regional" {\n  source = "terraform-aws-modules/lambda/aws"\n  for_each = toset(var.regions)\n'
        '  function_name = "regional-${each.key}"\n}\n'
        'module "pair" {\n  source = "terraform-aws-modules/ecs/aws//modules/service"\n  count = 2\n'
        '  name = "pair"\n}\n'
        'module "local_off" {\n  source = "./modules/worker"\n  count = 0\n}\n',
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)])
    names = {workload.name: workload for workload in found.workloads}
    assert set(names) == {"module.regional", "module.pair"}
    assert [reason for _, reason in found.skipped] == [
        "line 7: module.off has count = 0: Terraform creates none",
        "line 12: module.maybe has count = var.enabled ? 1 : 0, 0 with its variable's default: Terraform creates none",
        "line 27: module.local_off has count = 0: Terraform creates none",  # not "a module decider does not read"
    ]
    regional = [note for note in names["module.regional"].assumptions if "one instance" in note]
    assert regional == [
        "aws_lambda_function module.regional: module.regional has for_each = toset(var.regions): decider read one "
        "instance of the call; each instance it creates is reviewed as this one"
    ]
    assert any("module.pair has count = 2: decider read one instance" in n for n in names["module.pair"].assumptions)
    # the note is the call's own: no other workload of the folder carries it
    assert not any("module.pair" in note for note in names["module.regional"].assumptions)


def test_attributes_of_object_variables_and_locals_are_read_from_their_defaults(tmp_path: Path) -> None:
    """var.cluster_config.launch_type, with the object's default giving FARGATE, is Fargate: it was read as "no launch
    type given", ECS's default EC2, and the verdict compared the wrong target. An attribute the default leaves out
    stays unknown."""
    (tmp_path / "main.tf").write_text(
        'variable "cluster_config" {\n  default = { launch_type = "FARGATE" }\n}\n'
        'variable "task" {\n  default = { cpu = 512, memory = 1024 }\n}\n'
        "locals {\n  sizes = { memory = 2048 }\n}\n"
        'resource "aws_ecs_task_definition" "main" {\n  family = "main"\n'
        "  requires_compatibilities = [var.cluster_config.launch_type]\n"
        "  cpu = var.task.cpu\n  memory = var.task.memory\n"
        '  container_definitions = jsonencode([{ name = "app", image = "app" }])\n}\n'
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  memory_size = local.sizes.memory\n'
        "  timeout = var.task.timeout\n}\n",
        encoding="utf-8",
    )
    found = read([tmp_path])
    task = found["aws_ecs_task_definition.main"]
    assert task.runs_as == "FARGATE"
    assert (task.raw["runtime"]["vcpu"], task.raw["runtime"]["memory_mb"]) == (0.5, 1024)
    function = found["aws_lambda_function.f"]
    assert function.raw["runtime"]["memory_mb"] == 2048
    assert "max_duration_s" not in function.raw["runtime"]
    assert any("timeout is var.task.timeout, not known until Terraform runs" in note for note in function.assumptions)


def test_module_inputs_that_decide_what_a_call_creates_are_read(tmp_path: Path) -> None:
    """terraform-aws-modules: create_layer makes a layer, not a function; create_service = false makes the task
    definition alone; a task compatible only with MANAGED_INSTANCES on a capacity provider defined in another module
    runs on Managed Instances, not the EC2 decider took it for."""
    (tmp_path / "main.tf").write_text(
        'module "layer" {\n  source = "terraform-aws-modules/lambda/aws"\n  create_layer = true\n'
        '  layer_name = "deps"\n}\n'
        'module "task_only" {\n  source = "terraform-aws-modules/ecs/aws//modules/service"\n  name = "task-only"\n'
        "  create_service = false\n}\n"
        'module "mi" {\n  source = "terraform-aws-modules/ecs/aws//modules/service"\n  name = "mi"\n'
        '  requires_compatibilities = ["MANAGED_INSTANCES"]\n'
        '  capacity_provider_strategy = { mi = { capacity_provider = module.cluster.capacity_providers["mi"].name } }\n'
        "}\n",
        encoding="utf-8",
    )
    found = read([tmp_path])
    assert set(found) == {"module.task_only", "module.mi"}  # no function for the layer
    assert found["module.task_only"].kind == "aws_ecs_task_definition"  # no service
    assert found["module.mi"].runs_as == "MANAGED_INSTANCES"
    assert any("the only capacity the task definition is compatible with" in a for a in found["module.mi"].assumptions)


def test_a_for_each_over_nothing_creates_none(tmp_path: Path) -> None:
    """for_each over an empty map, list or set (written so, or a variable whose default is empty) makes no instance:
    the resource or module call is listed as skipped, not reviewed; a for_each over something is reviewed once."""
    (tmp_path / "main.tf").write_text(
        'variable "functions" {\n  default = {}\n}\n'
        'resource "aws_lambda_function" "literal" {\n  for_each = {}\n  function_name = "a"\n}\n'
        'resource "aws_lambda_function" "by_variable" {\n  for_each = var.functions\n  function_name = "b"\n}\n'
        'module "set" {\n  source = "terraform-aws-modules/lambda/aws"\n  for_each = toset([])\n'
        '  function_name = "c"\n}\n'
        'resource "aws_lambda_function" "two" {\n  for_each = {a = 1, b = 2}\n  function_name = "d"\n}\n',
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)])
    assert [workload.name for workload in found.workloads] == ["aws_lambda_function.two"]
    assert [reason for _, reason in found.skipped] == [
        "line 4: aws_lambda_function.literal has for_each = {}: Terraform creates none",
        "line 8: aws_lambda_function.by_variable has for_each = {}, empty with its variable's default: Terraform "
        "creates none",
        "line 12: module.set has for_each = toset([]): Terraform creates none",
    ]


def test_a_function_without_architectures_runs_on_lambdas_default_x86_64(tmp_path: Path) -> None:
    """AWS runs a function that names no architecture on x86_64: the Terraform reader says so as the CloudFormation
    reader does, and the same function costs the same from either (not Arm's lower rate, which "any" allowed)."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n  memory_size = 1024\n  timeout = 10\n}\n'
        'resource "aws_lambda_function" "arm" {\n  function_name = "arm"\n  architectures = ["arm64"]\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  Api:\n    Type: AWS::Lambda::Function\n    Properties: {MemorySize: 1024, Timeout: 10}\n",
        encoding="utf-8",
    )
    found = read([tmp_path / "tf", tmp_path / "t.yaml"])
    terraform, template = found["aws_lambda_function.api"], found["Api"]
    assert terraform.raw["runtime"]["architecture"] == template.raw["runtime"]["architecture"] == "x86_64"
    assert "architectures not set: Lambda's default, x86_64" in [
        note.partition(": ")[2] for note in terraform.assumptions
    ]
    assert found["aws_lambda_function.arm"].raw["runtime"]["architecture"] == "arm64"  # a declared one is kept
    usage = {"traffic": {"requests_per_month": 10_000_000}}
    apply_usage([terraform, template], {"aws_lambda_function.api": usage, "Api": usage}, "usage.yaml")
    reviewed = review_imported([terraform, template], load_ruleset()).workloads
    assert reviewed[0].monthly_cost_now_usd == reviewed[1].monthly_cost_now_usd


def test_a_kubernetes_deployments_replicas_are_the_copies_that_run(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "kubernetes_deployment" "kd" {\n  metadata {\n    name = "kd"\n  }\n  spec {\n    replicas = 2\n'
        '    template {\n      spec {\n        container {\n          name = "a"\n          image = "a"\n'
        "        }\n      }\n    }\n  }\n}\n",
        encoding="utf-8",
    )
    [deployment] = find_workloads([str(tmp_path)]).workloads
    assert deployment.raw["runtime"]["min_copies"] == 2  # as a manifest's replicas are


def _hcl(value: object) -> str:
    """An attribute's value as HCL: an object is a map, anything else a literal."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {_hcl(item)}" for key, item in value.items()) + " }"
    return json.dumps(value)


def _blocks(values: dict[str, object], indent: str = "  ") -> str:
    """A resource's values as HCL: a list of objects is a repeated block."""
    lines = []
    for key, value in values.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for block in value:
                lines += [f"{indent}{key} {{", _blocks(block, indent + "  "), f"{indent}}}"]
        else:
            lines.append(f"{indent}{key} = {_hcl(value)}")
    return "\n".join(line for line in lines if line)


def _kubernetes_terraform(tmp_path: Path, kind: str, name: str, values: dict[str, object]) -> tuple[Path, Path]:
    """One Kubernetes provider resource as HCL (a folder) and as a plan (the provider keeps replicas as a string)."""
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(
        f'resource "{kind}" "{name}" {{\n{_blocks(values)}\n}}\n', encoding="utf-8"
    )
    planned = json.loads(json.dumps(values))
    for spec in planned["spec"]:
        if "replicas" in spec:
            spec["replicas"] = str(spec["replicas"])
    resource = {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name, "values": planned}
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [resource]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    return tmp_path / "tf", tmp_path / "plan.json"


def _pod(**spec: object) -> list[dict[str, object]]:
    """A provider pod template: one container asking for 1 vCPU and 2 GiB, and the pod spec's other values."""
    container = {"name": "main", "image": "img", "resources": [{"requests": {"cpu": "1", "memory": "2Gi"}}]}
    return [{"metadata": [{"labels": {"app": "main"}}], "spec": [{"container": [container], **spec}]}]


_MANIFEST_POD = """    metadata: {labels: {app: main}}
    spec:
      containers: [{name: main, image: img, resources: {requests: {cpu: "1", memory: 2Gi}}}]"""
_ARM_AFFINITY = [
    {
        "node_affinity": [
            {
                "required_during_scheduling_ignored_during_execution": [
                    {
                        "node_selector_term": [
                            {
                                "match_expressions": [
                                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}
                                ]
                            }
                        ]
                    }
                ]
            }
        ]
    }
]
#: Each kind the provider runs pods with: its resource spec, the same object as a manifest, and what it must read.
KUBERNETES_KINDS: dict[str, tuple[dict[str, object], str, dict[str, object]]] = {
    "kubernetes_deployment_v1": (
        {"replicas": 2, "template": _pod()},
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: main}\nspec:\n  replicas: 2\n  template:\n"
        + _MANIFEST_POD,
        {"runtime.min_copies": 2},
    ),
    "kubernetes_stateful_set": (
        {"replicas": 3, "service_name": "main", "template": _pod(affinity=_ARM_AFFINITY)},
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: main}\nspec:\n  replicas: 3\n  template:\n"
        + _MANIFEST_POD
        + "\n      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: "
        "[{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]}]}}}",
        {"runtime.min_copies": 3, "runtime.architecture": "arm64"},
    ),
    "kubernetes_daemon_set_v1": (
        {"template": _pod()},
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: main}\nspec:\n  template:\n" + _MANIFEST_POD,
        {"control.host_daemons": True},
    ),
    "kubernetes_job": (
        {"completions": 6, "parallelism": 2, "active_deadline_seconds": 600, "backoff_limit": 2, "template": _pod()},
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: main}\nspec:\n  completions: 6\n  parallelism: 2\n"
        "  activeDeadlineSeconds: 600\n  backoffLimit: 2\n  template:\n" + _MANIFEST_POD,
        {"traffic.requests_per_month": 6, "runtime.max_duration_s": 600.0, "runtime.avg_duration_ms": 200_000.0},
    ),
    "kubernetes_cron_job_v1": (
        {
            "schedule": "0 * * * *",
            "job_template": [{"metadata": [{}], "spec": [{"completions": 2, "parallelism": 2, "template": _pod()}]}],
        },
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: main}\nspec:\n  schedule: '0 * * * *'\n"
        "  jobTemplate:\n    spec:\n      completions: 2\n      parallelism: 2\n      template:\n"
        + "\n".join("    " + line for line in _MANIFEST_POD.splitlines()),
        {"traffic.requests_per_month": 1460.0, "traffic.pattern": "scheduled"},
    ),
}


@pytest.mark.parametrize("kind", sorted(KUBERNETES_KINDS))
def test_a_kubernetes_provider_resource_is_read_as_the_manifest_it_stands_for(tmp_path: Path, kind: str) -> None:
    """A team that defines its StatefulSets, DaemonSets, Jobs and CronJobs with the Kubernetes provider has them
    reviewed (they were missed): from HCL and from a plan, each gives the workload its manifest gives."""
    spec, manifest, expected = KUBERNETES_KINDS[kind]
    hcl, plan = _kubernetes_terraform(tmp_path, kind, "main", {"metadata": [{"name": "main"}], "spec": [spec]})
    (tmp_path / "main.yaml").write_text(manifest + "\n", encoding="utf-8")
    [from_manifest] = find_workloads([str(tmp_path / "main.yaml")]).workloads
    for source in (hcl, plan):
        [workload] = find_workloads([str(source)]).workloads
        assert (workload.name, workload.kind, workload.runs_as) == (f"{kind}.main", kind, "kubernetes")
        assert parse_workload(workload.raw).workload == parse_workload(from_manifest.raw).workload, source
        assert (workload.namespace, workload.pod_labels) == ("default", {"app": "main"})
        for path, value in expected.items():
            assert workload.get(path) == value, (source, path)


def test_a_kubernetes_provider_job_is_priced_as_its_manifest(tmp_path: Path) -> None:
    """A Job's completions and parallelism make its runs and their pods at once as the manifest's do: the same
    runtime and traffic figures, and the same bill once the usage file gives its runs."""
    spec, manifest, _ = KUBERNETES_KINDS["kubernetes_job"]
    hcl, _plan = _kubernetes_terraform(tmp_path, "kubernetes_job", "seed", {"metadata": [{}], "spec": [spec]})
    (tmp_path / "seed.yaml").write_text(manifest + "\n", encoding="utf-8")
    [terraform] = find_workloads([str(hcl)]).workloads
    [yaml] = find_workloads([str(tmp_path / "seed.yaml")]).workloads
    assert (
        terraform.raw["runtime"]
        == yaml.raw["runtime"]
        == {
            "max_duration_s": 600.0,
            "avg_duration_ms": 200_000.0,  # 6 pods, 2 at a time, within 600 s
            "vcpu": 1.0,
            "memory_mb": 2048,
        }
    )
    assert terraform.raw["traffic"] == yaml.raw["traffic"]
    assert terraform.raw["traffic"]["peak_rps"] == 0.01  # 2 pods in flight, 200 s each
    usage = {"traffic": {"requests_per_month": 600}}  # 100 runs of 6 pods
    apply_usage([terraform, yaml], {"kubernetes_job.seed": usage, "main": usage}, "usage.yaml")
    reviewed = review_imported([terraform, yaml], load_ruleset()).workloads
    assert reviewed[0].monthly_cost_now_usd == reviewed[1].monthly_cost_now_usd
    assert reviewed[0].monthly_cost_now_usd is not None


def test_a_kubernetes_provider_host_path_volume_needs_a_host_of_its_own(tmp_path: Path) -> None:
    """A deployment mounting its node's Docker socket (volume { host_path }) cannot run on Lambda or Fargate: it was
    read without it."""
    volume = [{"name": "docker", "host_path": [{"path": "/var/run/docker.sock"}]}]
    values = {"metadata": [{"name": "builder"}], "spec": [{"template": _pod(volume=volume)}]}
    hcl, plan = _kubernetes_terraform(tmp_path, "kubernetes_deployment", "builder", values)
    for source in (hcl, plan):
        [workload] = find_workloads([str(source)]).workloads
        assert workload.get("control.host_daemons") is True, source
        assert any(
            "hostPath volume /var/run/docker.sock: the pod needs its node's own file system" in note
            for note in workload.assumptions
        )


def test_a_suspended_kubernetes_provider_cron_job_is_listed_as_skipped(tmp_path: Path) -> None:
    """A suspended CronJob starts no Jobs: from Terraform, as from its manifest, it is listed as skipped with its line,
    not reviewed as running every hour."""
    spec, _, _ = KUBERNETES_KINDS["kubernetes_cron_job_v1"]
    values = {"metadata": [{"name": "paused"}], "spec": [{**spec, "suspend": True}]}
    hcl, plan = _kubernetes_terraform(tmp_path, "kubernetes_cron_job_v1", "paused", values)
    reason = (
        "CronJob kubernetes_cron_job_v1.paused is suspended (suspend: true): it starts no Jobs until resumed, so is "
        "not reviewed"
    )
    hcl_found, plan_found = find_workloads([str(hcl)]), find_workloads([str(plan)])
    assert hcl_found.workloads == plan_found.workloads == []
    assert hcl_found.skipped == [(display_path(hcl / "main.tf"), f"line 1: {reason}")]
    line = next(number for number, text in enumerate(plan.read_text().splitlines(), 1) if '"address"' in text)
    assert plan_found.skipped == [(display_path(plan), f"line {line}: {reason}")]


def test_a_kubernetes_provider_daemon_set_stays_off_fargate(tmp_path: Path) -> None:
    """EKS runs no DaemonSet on Fargate: one the provider defines in a namespace a Fargate profile selects runs on the
    cluster's nodes, as its manifest's would."""
    spec, _, _ = KUBERNETES_KINDS["kubernetes_daemon_set_v1"]
    values = {"metadata": [{"name": "agent", "namespace": "batch"}], "spec": [spec]}
    hcl, _plan = _kubernetes_terraform(tmp_path, "kubernetes_daemon_set_v1", "agent", values)
    with (hcl / "main.tf").open("a", encoding="utf-8") as file:
        file.write(
            'resource "aws_eks_fargate_profile" "batch" {\n  cluster_name = "c"\n  fargate_profile_name = "batch"\n'
            '  selector {\n    namespace = "batch"\n  }\n}\n'
        )
    [agent] = find_workloads([str(hcl)]).workloads
    assert agent.mode != "fargate"
    assert any("EKS does not run DaemonSets on Fargate" in note for note in agent.assumptions)


def test_a_repeated_kubernetes_provider_resource_and_its_unknown_schedule_are_said(tmp_path: Path) -> None:
    """A cron job made once per key of a for_each, on a schedule from a variable, is reviewed once and says both, as
    other resources do; its runs stay unknown rather than read from the variable's text."""
    spec, _, _ = KUBERNETES_KINDS["kubernetes_cron_job_v1"]
    values: dict[str, object] = {"for_each": {"eu": 1, "us": 2}, "metadata": [{"name": "report"}], "spec": [spec]}
    hcl, _plan = _kubernetes_terraform(tmp_path, "kubernetes_cron_job_v1", "report", values)
    text = (hcl / "main.tf").read_text(encoding="utf-8").replace('"0 * * * *"', "var.schedule")
    (hcl / "main.tf").write_text(text, encoding="utf-8")
    [report] = find_workloads([str(hcl)]).workloads
    assert report.get("traffic.requests_per_month") is None
    said = [note.partition(": ")[2] for note in report.assumptions]
    assert "for_each = {'eu': 1, 'us': 2}: each instance it creates is reviewed as this one" in said, said
    assert (
        "schedule is var.schedule, not known until Terraform runs: treated as unknown (give it in the usage file)"
        in said
    )
