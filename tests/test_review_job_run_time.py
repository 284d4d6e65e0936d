"""A job whose run time nothing says (a scheduled ECS task, a Kubernetes CronJob with no activeDeadlineSeconds, and
no runtime in the usage file) is priced on decider's default run of 1 s, no figure to act on: its verdict is
``unknown`` with where to give the run time, and its costs stay out of the review's totals, as a workload's whose
traffic is not known. A run time from the source or the usage file gives a verdict again."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from decider.render.comment import to_markdown
from decider.render.review import to_table
from decider.review import Review, review_imported
from decider.rules.loader import load_ruleset
from decider.sources import apply_usage, find_workloads

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
  NightlyExportTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: nightly-export
      Cpu: "1024"
      Memory: "4096"
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - {Name: export, Image: example/export:3}
  NightlyExportSchedule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Id: export
          Arn: !GetAtt Cluster.Arn
          EcsParameters: {TaskDefinitionArn: !Ref NightlyExportTask, LaunchType: EC2}
"""

CRONJOBS = """apiVersion: batch/v1
kind: CronJob
metadata: {name: ledger-close}
spec:
  schedule: "30 1 * * *"
  jobTemplate:
    spec:
      activeDeadlineSeconds: 10800
      template:
        spec:
          restartPolicy: Never
          containers:
            - {name: close, image: example/ledger:7, resources: {requests: {cpu: "2", memory: 8Gi}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cache-warm}
spec:
  schedule: "*/10 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - {name: warm, image: example/warm:1, resources: {requests: {cpu: 250m, memory: 256Mi}}}
"""


def review(path: Path, usage: Mapping[str, Mapping[str, Any]] | None = None) -> Review:
    found = find_workloads([str(path)]).workloads
    if usage:
        apply_usage(found, usage, "usage.yaml")
    return review_imported(found, load_ruleset())


def test_a_scheduled_task_with_no_run_time_is_unknown_and_out_of_the_totals(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    reviewed = review(tmp_path / "template.yaml")
    [task] = reviewed.workloads
    assert task.name == "NightlyExportTask"
    assert task.verdict == "unknown"
    assert task.why.startswith("Run time not known: add it to the usage file (--usage), e.g. `NightlyExportTask: ")
    assert "max_duration_s" in task.why
    assert "avg_duration_ms" in task.why
    assert (task.monthly_cost_now_usd, task.monthly_cost_recommended_usd, task.score_gap) == (None, None, None)
    summary = reviewed.summary
    assert (summary.unknown, summary.consider, summary.costed_workloads) == (1, 0, 0)
    assert summary.monthly_cost_now_usd is None
    markdown = to_markdown(reviewed)
    assert "1 unknown (traffic or run time not known)" in markdown
    assert "NightlyExportTask (<code>" in markdown
    assert "Run time not known: add its run time" in markdown
    assert "Run time not known: add its run time" in to_table(reviewed)


def test_the_usage_files_run_time_gives_the_job_a_priced_verdict(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    usage = {"NightlyExportTask": {"runtime": {"max_duration_s": 3600, "avg_duration_ms": 2_400_000}}}
    reviewed = review(tmp_path / "template.yaml", usage)
    [task] = reviewed.workloads
    assert task.verdict in ("keep", "consider", "move")
    assert "Run time not known" not in task.why
    assert task.monthly_cost_now_usd is not None
    assert task.monthly_cost_now_usd > 0
    assert reviewed.summary.costed_workloads == 1
    assert "run time not known" not in to_markdown(reviewed)


def test_a_cronjob_without_a_deadline_is_unknown_and_one_with_a_deadline_is_priced(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text(CRONJOBS, encoding="utf-8")
    reviewed = review(tmp_path)
    found = {item.name: item for item in reviewed.workloads}
    warm, close = found["cache-warm"], found["ledger-close"]
    assert warm.verdict == "unknown"
    assert warm.why.startswith("Run time not known")
    assert warm.monthly_cost_now_usd is None
    assert close.verdict != "unknown"  # activeDeadlineSeconds: its longest run
    assert close.monthly_cost_now_usd is not None
    assert reviewed.summary.costed_workloads == 1
    assert reviewed.summary.monthly_cost_now_usd == round(close.monthly_cost_now_usd, 2)
