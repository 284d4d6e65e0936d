"""Lambda provisioned concurrency: environments kept initialised, billed for every second they are configured whether
they serve anything or not. decider's workload has no field for it and its Lambda bill does not price it, so a
function that has some says so: its cost now leaves that charge out.

Read from a function's (or its SAM ``AutoPublishAlias``') ``ProvisionedConcurrencyConfig``, an ``AWS::Lambda::Alias``
or ``AWS::Lambda::Version`` that names the function, Terraform's ``aws_lambda_provisioned_concurrency_config`` and
terraform-aws-modules' Lambda input ``provisioned_concurrent_executions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.template import describe_value, mentions, number_of
from decider.sources.terraform_model import Expression, Resource

TERRAFORM_CONFIG = "aws_lambda_provisioned_concurrency_config"
_HOLDERS = ("AWS::Lambda::Alias", "AWS::Lambda::Version")


def note_provisioned(workload: ImportedWorkload, executions: Any, where: str) -> None:
    """Say that the function keeps ``executions`` environments provisioned (from ``where``) and that the cost now
    leaves their charge out; nothing for none (0, or a module's -1)."""
    count = number_of(executions)
    if count is not None and count <= 0:
        return
    if count is not None:
        shown = f"{count:g} provisioned concurrent executions"
    elif isinstance(executions, Expression):
        shown = f"provisioned concurrent executions {executions.text}"
    else:
        shown = f"provisioned concurrent executions {describe_value(executions)}"
    workload.assume(
        f"{where}: {shown}, kept warm and billed for every second they are configured, used or not: the cost now "
        "leaves that charge out (decider does not price provisioned concurrency)"
    )


def template_provisioned(
    workload: ImportedWorkload, properties: Mapping[str, Any], logical_id: str, resources: Mapping[str, Any]
) -> None:
    """The function's own ``ProvisionedConcurrencyConfig`` (SAM), and any alias or version of it with one."""
    config = properties.get("ProvisionedConcurrencyConfig")
    if isinstance(config, dict):
        note_provisioned(workload, config.get("ProvisionedConcurrentExecutions"), "ProvisionedConcurrencyConfig")
    for name, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in _HOLDERS:
            continue
        holder = resource.get("Properties")
        if isinstance(holder, dict) and mentions(holder.get("FunctionName"), logical_id):
            config = holder.get("ProvisionedConcurrencyConfig")
            if isinstance(config, dict):
                executions = config.get("ProvisionedConcurrentExecutions")
                note_provisioned(workload, executions, f"{name} ProvisionedConcurrencyConfig")


def terraform_provisioned(workload: ImportedWorkload, function: Resource, resources: Sequence[Resource]) -> None:
    """Each ``aws_lambda_provisioned_concurrency_config`` whose ``function_name`` refers to the function."""
    for item in resources:
        if item.type == TERRAFORM_CONFIG and item.refers_to("function_name", function.owner):
            note_provisioned(workload, item.values.get("provisioned_concurrent_executions"), item.address)
