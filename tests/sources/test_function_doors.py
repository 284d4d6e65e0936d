"""A function's front door read from what sends it requests (decider/sources/function_doors.py): a REST API's method,
a load balancer's target group or a function URL is the door the bill prices; an HTTP API is decider's default for a
function already; several doors leave it to the usage file (real-repositories audit 38, F3: a REST API in front of a
function was priced as a free function URL, its cost now 45% low)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.review import review_imported
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads

FUNCTION = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Items:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      MemorySize: 128
      Timeout: 10
      Code: {ZipFile: "def handler(e, c): return {}"}
      Role: arn:aws:iam::123456789012:role/r
"""
REST_METHOD = """  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: items}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Items.Arn}/invocations"
"""
FUNCTION_URL = """  Url:
    Type: AWS::Lambda::Url
    Properties: {AuthType: NONE, TargetFunctionArn: !GetAtt Items.Arn}
"""
TERRAFORM = """resource "aws_lambda_function" "items" {
  function_name = "items"
  handler       = "app.handler"
  runtime       = "python3.12"
  memory_size   = 128
  timeout       = 10
}

resource "aws_api_gateway_integration" "items" {
  rest_api_id             = "r"
  resource_id             = "x"
  http_method             = "GET"
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.items.invoke_arn
}
"""


def read(tmp_path: Path, name: str, text: str) -> ImportedWorkload:
    (tmp_path / name).write_text(text, encoding="utf-8")
    [workload] = find_workloads([str(tmp_path)]).workloads
    return workload


@pytest.mark.parametrize(
    ("name", "text", "sender"),
    [
        ("template.yaml", FUNCTION + REST_METHOD, "AWS::ApiGateway::Method"),
        ("main.tf", TERRAFORM, "aws_api_gateway_integration"),
    ],
    ids=["cloudformation", "terraform"],
)
def test_a_rest_api_in_front_of_a_function_is_its_front_door(
    tmp_path: Path, ruleset: Ruleset, name: str, text: str, sender: str
) -> None:
    workload = read(tmp_path, name, text)
    assert workload.raw["traffic"]["front_door"] == "rest-api"
    assert any(
        f"its requests come through {sender}: traffic.front_door rest-api" in note for note in workload.assumptions
    )
    apply_usage([workload], {workload.name: {"traffic": {"requests_per_month": 10_000_000, "peak_rps": 40}}}, "u")
    [item] = review_imported([workload], ruleset).workloads
    [function] = [entry for entry in item.decision.ranking if entry.target == "lambda"]
    assert function.monthly_cost is not None
    lines = {line.item: line.usd for line in function.monthly_cost.lines}
    assert lines["API Gateway REST API requests, tier 1"] == pytest.approx(35.0)  # $3.50 a million (us-east-1)


def test_a_function_url_alone_is_its_front_door_and_several_doors_leave_it_open(tmp_path: Path) -> None:
    alone = read(tmp_path, "template.yaml", FUNCTION + FUNCTION_URL)
    assert alone.raw["traffic"]["front_door"] == "function-url"
    both = read(tmp_path, "template.yaml", FUNCTION + REST_METHOD + FUNCTION_URL)
    assert "front_door" not in both.raw["traffic"]
    assert any(
        "several front doors (AWS::ApiGateway::Method (rest-api), AWS::Lambda::Url (function-url))" in note
        for note in both.assumptions
    )


def test_a_usage_file_keeps_its_door(tmp_path: Path) -> None:
    workload = read(tmp_path, "template.yaml", FUNCTION + FUNCTION_URL)
    apply_usage([workload], {workload.name: {"traffic": {"front_door": "http-api"}}}, "u")
    assert workload.raw["traffic"]["front_door"] == "http-api"  # the usage file's word stands
