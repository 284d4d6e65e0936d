"""ECS task definitions that no service runs, started by an EventBridge event pattern or a Step Functions state
machine (tests/fixtures/ecs-starts, CloudFormation/SAM and Terraform): each start is a job run (RunTask), whose runs
a month nothing in the files gives. The review says so, where it used to say no event source was found."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.render.review import to_table
from decider.review import review_imported
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads
from tests.conftest import REPO_ROOT

STARTS = REPO_ROOT / "tests" / "fixtures" / "ecs-starts"
JOB = {"pattern": "batch", "protocols": ["schedule"]}
NOT_FOUND = "no event source found"


def read(paths: list[Path]) -> dict[str, ImportedWorkload]:
    return {workload.name: workload for workload in find_workloads([str(path) for path in paths]).workloads}


@pytest.mark.parametrize(
    ("source", "name", "started_by"),
    [
        ("template.yaml", "ThumbnailTask", "EventBridge rule OnImageUploaded (an event pattern)"),
        ("template.yaml", "InvoiceTask", "Step Functions state machine BillingWorkflow"),  # TaskDefinition: !Ref
        ("template.yaml", "ExportTask", "Step Functions state machine ExportWorkflow"),  # a SAM machine's substitutions
        (
            "terraform",
            "aws_ecs_task_definition.thumbnails",
            "EventBridge rule aws_cloudwatch_event_rule.image_uploaded",
        ),
        ("terraform", "aws_ecs_task_definition.invoices", "Step Functions state machine aws_sfn_state_machine.billing"),
        # the same from a plan: references from its configuration, schedule_expression "" on the event-pattern rule
        (
            "plan.json",
            "aws_ecs_task_definition.thumbnails",
            "EventBridge rule aws_cloudwatch_event_rule.image_uploaded",
        ),
        ("plan.json", "aws_ecs_task_definition.invoices", "Step Functions state machine aws_sfn_state_machine.billing"),
    ],
)
def test_a_task_started_by_an_event_pattern_or_a_state_machine_is_a_job_whose_runs_are_not_known(
    source: str, name: str, started_by: str
) -> None:
    task = read([STARTS / source])[name]
    assert task.raw["traffic"] == JOB  # no requests_per_month: an event pattern or a state machine gives no rate
    [note] = [note for note in task.assumptions if "runs a month not known:" in note]
    assert f"started by {started_by}" in note
    assert "give its runs a month in the usage file" in note
    assert not any(NOT_FOUND in item for item in task.assumptions)
    assert not any("schedule not read" in item for item in task.assumptions)


def test_a_schedule_keeps_its_count_and_the_event_pattern_beside_it_is_said() -> None:
    nightly = read([STARTS / "template.yaml"])["NightlyTask"]
    assert nightly.raw["traffic"] == {"protocols": ["schedule"], "pattern": "scheduled", "requests_per_month": 30.42}
    assert any(
        "also started by EventBridge rule NightlyOnDemand (an event pattern), which gives no rate" in note
        for note in nightly.assumptions
    )


def test_the_review_says_why_the_runs_are_not_known_and_prices_runs_once_given(ruleset: Ruleset) -> None:
    found = read([STARTS / "template.yaml"])
    thumbnails = found["ThumbnailTask"]
    review = review_imported([thumbnails], ruleset)
    [item] = review.workloads
    assert item.verdict == "unknown"
    reason = "Runs a month not known: started by EventBridge rule OnImageUploaded (an event pattern)"
    assert reason in item.why
    assert f"\n    {reason}" in to_table(review)  # under its row in the terminal table, not only in the JSON
    # given its runs, each is priced as a run of a job: 3,000 runs of 20 s, not always-on copies behind a balancer
    usage = {"ThumbnailTask": {"traffic": {"requests_per_month": 3000}, "runtime": {"avg_duration_ms": 20000}}}
    apply_usage([thumbnails], usage, "usage.yaml")
    [priced] = review_imported([thumbnails], ruleset).workloads
    assert priced.verdict != "unknown"
    assert priced.monthly_cost_now_usd is not None
    assert priced.monthly_cost_now_usd < 5.0


def test_rules_and_state_machines_that_do_not_name_the_task_start_nothing(tmp_path: Path) -> None:
    """An event pattern that targets a function, and a state machine that runs another task, leave a listening task
    definition as it was read: a service's task whose traffic is not known."""
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Web:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      RequiresCompatibilities: [FARGATE]\n"
        "      ContainerDefinitions: [{Name: web, Image: web, PortMappings: [{ContainerPort: 80}]}]\n"
        "  Audit:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.13, Handler: a.h}\n"
        "  OnChange:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [aws.s3]}\n"
        "      Targets: [{Id: audit, Arn: !GetAtt Audit.Arn}]\n"
        "  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        '      DefinitionString: \'{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}\'\n'
        "  Broken:\n    Type: AWS::StepFunctions::StateMachine\n    Properties: [not, a, mapping]\n",
        encoding="utf-8",
    )
    found = read([tmp_path])
    web = found["Web"]
    assert "traffic" not in web.raw
    assert any(NOT_FOUND in note for note in web.assumptions)
    assert found["Audit"].raw["traffic"] == {"protocols": ["queue"], "pattern": "event"}


def test_a_terraform_target_whose_rule_is_elsewhere_still_starts_the_task(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "job" {\n  family = "job"\n'
        '  container_definitions = jsonencode([{ name = "job", portMappings = [{ containerPort = 80 }] }])\n}\n'
        'resource "aws_cloudwatch_event_target" "job" {\n  rule = var.shared_rule_name\n'
        "  arn  = var.cluster_arn\n  ecs_target {\n"
        "    task_definition_arn = aws_ecs_task_definition.job.arn\n  }\n}\n",
        encoding="utf-8",
    )
    job = read([tmp_path])["aws_ecs_task_definition.job"]
    assert job.raw["traffic"] == JOB
    assert any(
        "started by EventBridge target aws_cloudwatch_event_target.job (its rule is not in these files)" in note
        for note in job.assumptions
    )


SERVED_AND_SCHEDULED = {
    "template.yaml": (
        "Resources:\n"
        "  Web:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '1024'\n      Memory: '2048'\n"
        "      ContainerDefinitions: [{Name: web, Image: nginx, PortMappings: [{ContainerPort: 80}]}]\n"
        "  Service:\n    Type: AWS::ECS::Service\n    Properties:\n"
        "      LaunchType: FARGATE\n      DesiredCount: 2\n      TaskDefinition: !Ref Web\n"
        "      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: tg}]\n"
        "  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: cron(0 3 * * ? *)\n"
        "      Targets: [{Id: n, Arn: cluster, EcsParameters: {TaskDefinitionArn: !Ref Web, LaunchType: FARGATE}}]\n"
    ),
    "main.tf": (
        'resource "aws_ecs_task_definition" "web" {\n  family = "web"\n  requires_compatibilities = ["FARGATE"]\n'
        '  network_mode = "awsvpc"\n  cpu = 1024\n  memory = 2048\n'
        '  container_definitions = jsonencode([{ name = "web", image = "nginx", '
        "portMappings = [{ containerPort = 80 }] }])\n}\n"
        'resource "aws_ecs_service" "web" {\n  name = "web"\n  task_definition = aws_ecs_task_definition.web.arn\n'
        '  desired_count = 2\n  launch_type = "FARGATE"\n'
        '  load_balancer {\n    target_group_arn = "tg"\n    container_name = "web"\n    container_port = 80\n  }\n}\n'
        'resource "aws_cloudwatch_event_rule" "nightly" {\n  schedule_expression = "cron(0 3 * * ? *)"\n}\n'
        'resource "aws_cloudwatch_event_target" "nightly" {\n  rule = aws_cloudwatch_event_rule.nightly.name\n'
        '  arn = "cluster"\n  ecs_target {\n    task_definition_arn = aws_ecs_task_definition.web.arn\n  }\n}\n'
    ),
}


@pytest.mark.parametrize(
    ("source", "service_name", "task_name"),
    [("template.yaml", "Service", "Web"), ("main.tf", "aws_ecs_service.web", "aws_ecs_task_definition.web")],
)
def test_a_schedule_on_a_services_task_definition_is_a_job_of_its_own_not_the_services_traffic(
    tmp_path: Path, ruleset: Ruleset, source: str, service_name: str, task_name: str
) -> None:
    """A service keeps its desired tasks running behind its load balancer; a rule that runs the same task definition
    on a schedule starts other tasks (RunTask). The service is read as a service (HTTP from its load balancer, its
    traffic not known, its two copies priced once given), and the scheduled runs as a job of their own."""
    (tmp_path / source).write_text(SERVED_AND_SCHEDULED[source], encoding="utf-8")
    found = read([tmp_path])
    assert set(found) == {service_name, f"{task_name} (scheduled)"}
    service, nightly = found[service_name], found[f"{task_name} (scheduled)"]
    assert service.raw["traffic"] == {"protocols": ["http"]}
    assert service.raw["runtime"]["min_copies"] == 2
    assert any(f"reviewed as {task_name} (scheduled)" in note for note in service.assumptions)
    assert nightly.raw["traffic"] == {"protocols": ["schedule"], "pattern": "scheduled", "requests_per_month": 30.42}
    assert all(note.startswith(f"{nightly.kind} {task_name} (scheduled): ") for note in nightly.assumptions)
    assert review_imported([service], ruleset).workloads[0].verdict == "unknown"  # not priced as 30 runs a month
    apply_usage([service], {service_name: {"traffic": {"requests_per_month": 20_000_000}}}, "usage.yaml")
    [priced] = review_imported([service], ruleset).workloads
    assert priced.monthly_cost_now_usd is not None
    assert priced.monthly_cost_now_usd > 2 * 30  # two always-on Fargate tasks of 1 vCPU and 2 GB, not cents


def test_a_services_task_definition_that_nothing_else_starts_is_not_reviewed_twice(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        SERVED_AND_SCHEDULED["template.yaml"].split("  Nightly:")[0], encoding="utf-8"
    )
    assert list(read([tmp_path])) == ["Service"]


def test_every_task_definition_a_service_names_by_family_is_the_services(tmp_path: Path) -> None:
    """Two revisions of one family that a service names by family: both are the service's, neither a job of its own."""
    task = 'resource "aws_ecs_task_definition" "{name}" {{\n  family = "web"\n  cpu = 256\n  memory = 512\n}}\n'
    (tmp_path / "main.tf").write_text(
        task.format(name="blue")
        + task.format(name="green")
        + 'resource "aws_ecs_service" "web" {\n  task_definition = "web"\n  desired_count = 1\n}\n',
        encoding="utf-8",
    )
    assert list(read([tmp_path])) == ["aws_ecs_service.web"]


TASK_TEMPLATE = """Resources:
  Report:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      Cpu: '4096'
      Memory: '16384'
      ContainerDefinitions: [{{Name: r, Image: r}}]
  Nightly:
    Type: {kind}
    Properties:
      ScheduleExpression: rate(10 minutes)
      State: DISABLED
      {targets}: {{Arn: cluster, EcsParameters: {{TaskDefinitionArn: !Ref Report}}}}
"""
FUNCTION_TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.h
      CodeUri: .
      Events:
        Hourly:
          Type: {kind}
          Properties:
            {expression}: rate(1 hour)
            {state}
"""
TERRAFORM = """resource "aws_ecs_task_definition" "report" {{
  family                   = "report"
  requires_compatibilities = ["FARGATE"]
  cpu                      = 4096
  memory                   = 16384
  container_definitions    = jsonencode([{{ name = "r", image = "r" }}])
}}
resource "aws_lambda_function" "nightly" {{
  function_name = "nightly"
  role          = "r"
  handler       = "a.h"
  runtime       = "python3.12"
  filename      = "a.zip"
}}
{schedule}
"""
RULE = """resource "aws_cloudwatch_event_rule" "every" {{
  schedule_expression = "rate(5 minutes)"
  {state}
}}
resource "aws_cloudwatch_event_target" "t" {{
  rule = aws_cloudwatch_event_rule.every.name
  {target}
}}"""
SCHEDULER = """resource "aws_scheduler_schedule" "every" {{
  schedule_expression = "rate(5 minutes)"
  state               = "DISABLED"
  flexible_time_window {{ mode = "OFF" }}
  target {{
    arn      = {arn}
    role_arn = "r"
    {ecs}
  }}
}}"""
TASK_ARN = "aws_ecs_task_definition.report.arn"
RULE_TARGETS = {
    "aws_ecs_task_definition.report": f'arn = "cluster"\n  ecs_target {{ task_definition_arn = {TASK_ARN} }}',
    "aws_lambda_function.nightly": "arn = aws_lambda_function.nightly.arn",
}
SCHEDULER_TARGETS = {
    "aws_ecs_task_definition.report": {
        "arn": '"cluster"',
        "ecs": f"ecs_parameters {{ task_definition_arn = {TASK_ARN} }}",
    },
    "aws_lambda_function.nightly": {"arn": "aws_lambda_function.nightly.arn", "ecs": ""},
}
DISABLED_CASES = [
    *(
        (
            "template.yaml",
            TASK_TEMPLATE.format(kind=kind, targets=targets),
            "Report",
            f"{kind} Nightly (State DISABLED) at {{file}}:9",
        )
        for kind, targets in (("AWS::Events::Rule", "Targets"), ("AWS::Scheduler::Schedule", "Target"))
    ),
    (
        "template.yaml",
        FUNCTION_TEMPLATE.format(kind="Schedule", expression="Schedule", state="Enabled: false"),
        "Fn",
        "Schedule event Hourly (Enabled false) at {file}:10",
    ),
    (
        "template.yaml",
        FUNCTION_TEMPLATE.format(kind="ScheduleV2", expression="ScheduleExpression", state="State: DISABLED"),
        "Fn",
        "ScheduleV2 event Hourly (State DISABLED) at {file}:10",
    ),
    *(
        (
            "main.tf",
            TERRAFORM.format(schedule=RULE.format(state=state, target=target)),
            name,
            f"aws_cloudwatch_event_rule.every ({said}) at {{file}}:15",
        )
        for state, said in (('state = "DISABLED"', "state DISABLED"), ("is_enabled = false", "is_enabled false"))
        for name, target in RULE_TARGETS.items()
    ),
    *(
        (
            "main.tf",
            TERRAFORM.format(schedule=SCHEDULER.format(**target)),
            name,
            "aws_scheduler_schedule.every (state DISABLED) at {file}:15",
        )
        for name, target in SCHEDULER_TARGETS.items()
    ),
]


@pytest.mark.parametrize(("file", "text", "name", "said"), DISABLED_CASES)
def test_a_workload_whose_only_schedule_is_disabled_runs_nothing_and_is_skipped(
    tmp_path: Path, file: str, text: str, name: str, said: str
) -> None:
    """A disabled EventBridge rule or Scheduler schedule starts nothing: a task definition or function it alone
    starts costs nothing, so it is listed as skipped with the schedule and where it is, as a suspended CronJob is,
    not priced at the schedule's runs and reviewed on traffic taken as known."""
    (tmp_path / file).write_text(text, encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    assert name not in {workload.name for workload in discovery.workloads}
    shown = str(tmp_path / file)
    [why] = [why for skipped, why in discovery.skipped if skipped == shown and name in why]
    assert said.format(file=shown) in why
    assert why.endswith("is disabled: it starts nothing until enabled, so is not reviewed")


def test_a_disabled_schedule_beside_an_enabled_one_is_not_counted_and_is_said(tmp_path: Path) -> None:
    """A function run hourly by one schedule and every minute by a disabled one runs 730 times a month, not 44,530;
    the disabled one is said with its line."""
    text = FUNCTION_TEMPLATE.format(kind="Schedule", expression="Schedule", state="") + (
        "        Minutely:\n          Type: Schedule\n          Properties:\n"
        "            Schedule: rate(1 minute)\n            Enabled: false\n"
    )
    (tmp_path / "template.yaml").write_text(text, encoding="utf-8")
    [function] = find_workloads([str(tmp_path)]).workloads
    assert function.raw["traffic"]["requests_per_month"] == 730
    file = tmp_path / "template.yaml"
    assert (
        f"AWS::Serverless::Function Fn: disabled schedule Schedule event Minutely (Enabled false) at {file}:15: it "
        "starts nothing, so its runs are not counted"
    ) in function.assumptions
