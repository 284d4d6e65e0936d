"""Lambda@Edge functions: a Lambda function that a CloudFront distribution triggers (a cache behavior's
``LambdaFunctionAssociations`` in CloudFormation, ``lambda_function_association`` in Terraform; terraform-aws-modules'
Lambda module with ``lambda_at_edge = true``). It runs at CloudFront's edge locations, replicated from us-east-1, and
is billed at Lambda@Edge's own prices (https://aws.amazon.com/lambda/pricing/, "Lambda@Edge"); only Lambda
runs it, so no other target is an alternative to weigh, and decider's bills (regional Lambda behind an API) would not
be its own. It is listed as skipped, with why, not reviewed (real-repositories audit, round 36, F2):
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-the-edge.html.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.template import mentions
from decider.sources.terraform_model import Resource

EDGE = (
    "a Lambda@Edge function ({by}): it runs at CloudFront's edge locations at Lambda@Edge's prices, and only Lambda "
    "runs it, so there is no other target to weigh: not reviewed"
)
CFN_DISTRIBUTION = "AWS::CloudFront::Distribution"
TF_DISTRIBUTION = "aws_cloudfront_distribution"


def _associations(value: Any) -> list[Any]:
    """Every ``LambdaFunctionAssociations`` list in a distribution's properties, at any depth."""
    if isinstance(value, dict):
        found = [value["LambdaFunctionAssociations"]] if "LambdaFunctionAssociations" in value else []
        return found + [item for child in value.values() for item in _associations(child)]
    if isinstance(value, list):
        return [item for child in value for item in _associations(child)]
    return []


def template_edge(workload: ImportedWorkload, logical_id: str, resources: Mapping[str, Any]) -> None:
    """Mark a template's function as Lambda@Edge when a distribution's associations name it, or a version of it."""
    versions = [
        key
        for key, resource in resources.items()
        if isinstance(resource, dict)
        and resource.get("Type") == "AWS::Lambda::Version"
        and mentions(resource.get("Properties", {}).get("FunctionName"), logical_id)
    ]
    for key, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") != CFN_DISTRIBUTION:
            continue
        associations = _associations(resource.get("Properties"))
        if any(mentions(associations, name) for name in (logical_id, *versions)):
            workload.idle = EDGE.format(by=f"distribution {key} triggers it")
            return


def terraform_edge(workload: ImportedWorkload, resource: Resource, resources: Sequence[Resource]) -> None:
    """Mark a Terraform function as Lambda@Edge: a distribution's cache behaviors refer to it, or the Lambda module's
    call says ``lambda_at_edge = true``."""
    if resource.values.get("lambda_at_edge") is True:
        workload.idle = EDGE.format(by="lambda_at_edge = true")
        return
    owner = resource.owner or resource.address
    for distribution in (item for item in resources if item.type == TF_DISTRIBUTION):
        behaviors = [key for key in distribution.references if key.endswith("cache_behavior")]
        if any(distribution.refers_to(key, owner) for key in behaviors):
            workload.idle = EDGE.format(by=f"{distribution.address} triggers it")
            return
