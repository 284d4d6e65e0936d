"""Provisioned concurrency: decider's Lambda bill does not price it, so a function that has some says that its cost now
leaves the charge out (SAM, an alias or version in CloudFormation, Terraform's resource and the Lambda module's input);
a function without it says nothing of the kind."""

from __future__ import annotations

from pathlib import Path

from decider.sources import ImportedWorkload, find_workloads

NOTE = "the cost now leaves that charge out (decider does not price provisioned concurrency)"


def notes(workload: ImportedWorkload) -> list[str]:
    return [note for note in workload.assumptions if NOTE in note]


def test_cloudformation_provisioned_concurrency_is_said(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: 1024\n"
        "      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 5}\n"
        "  Plain:\n    Type: AWS::Lambda::Function\n    Properties: {MemorySize: 512}\n"
        "  Other:\n    Type: AWS::Lambda::Function\n    Properties: {MemorySize: 512}\n"
        "  Live:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref Plain\n"
        "      FunctionVersion: '1'\n      Name: live\n"
        "      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}\n",
        encoding="utf-8",
    )
    found = {item.name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert notes(found["Worker"]) == [
        "AWS::Serverless::Function Worker: ProvisionedConcurrencyConfig: 5 provisioned concurrent executions, kept "
        f"warm and billed for every second they are configured, used or not: {NOTE}"
    ]
    [alias] = notes(found["Plain"])
    assert alias.startswith("AWS::Lambda::Function Plain: Live ProvisionedConcurrencyConfig: 2 provisioned")
    assert notes(found["Other"]) == []


def test_terraform_provisioned_concurrency_is_said(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n}\n'
        'resource "aws_lambda_function" "plain" {\n  function_name = "plain"\n}\n'
        'resource "aws_lambda_provisioned_concurrency_config" "api" {\n'
        "  function_name = aws_lambda_function.api.function_name\n"
        '  provisioned_concurrent_executions = 10\n  qualifier = "live"\n}\n'
        'module "thumbs" {\n  source = "terraform-aws-modules/lambda/aws"\n  function_name = "thumbs"\n'
        "  provisioned_concurrent_executions = 3\n}\n"
        'module "none" {\n  source = "terraform-aws-modules/lambda/aws"\n  function_name = "none"\n}\n',
        encoding="utf-8",
    )
    found = {item.name: item for item in find_workloads([str(tmp_path)]).workloads}
    [api] = notes(found["aws_lambda_function.api"])
    assert "aws_lambda_provisioned_concurrency_config.api: 10 provisioned concurrent executions" in api
    [module] = notes(found["module.thumbs"])
    assert ": 3 provisioned concurrent executions" in module
    assert notes(found["aws_lambda_function.plain"]) == notes(found["module.none"]) == []
