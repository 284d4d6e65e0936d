"""A function behind an API Gateway WebSocket API (CloudFormation's ``AWS::ApiGatewayV2::Api`` with ``ProtocolType:
WEBSOCKET``, Terraform's ``aws_apigatewayv2_api`` with ``protocol_type = "WEBSOCKET"``) receives its clients'
messages: it is read as protocol ``websocket`` and billed for messages and connection-minutes, said in an assumption;
a function behind an HTTP API stays an HTTP one."""

from __future__ import annotations

import pytest

from decider.review import ReviewedWorkload, review_imported
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads
from tests.conftest import REPO_ROOT

TEMPLATE = REPO_ROOT / "tests" / "fixtures" / "websocket-api" / "template.yaml"
TERRAFORM = REPO_ROOT / "tests" / "fixtures" / "websocket-api" / "terraform"
#: 30 M messages a month of 40 ms, 5,000 clients connected at once.
USAGE = {"traffic": {"requests_per_month": 30_000_000, "connections": 5000}, "runtime": {"avg_duration_ms": 40}}


def read(path: object) -> dict[str, ImportedWorkload]:
    return {workload.name: workload for workload in find_workloads([str(path)]).workloads}


def lambda_bill(reviewed: ReviewedWorkload) -> dict[str, float]:
    assert reviewed.decision is not None
    [option] = [option for option in reviewed.decision.ranking if option.target == "lambda"]
    assert option.monthly_cost is not None
    return {line.item: line.usd for line in option.monthly_cost.lines}


def websocket_notes(workload: ImportedWorkload) -> list[str]:
    return [note for note in workload.assumptions if "API Gateway WebSocket API" in note]


def test_a_template_function_behind_a_websocket_api_is_read_and_billed_as_websocket() -> None:
    found = read(TEMPLATE)
    message, connect, rest = found["OnMessage"], found["OnConnect"], found["Rest"]
    assert message.raw["traffic"] == {"protocols": ["websocket"], "pattern": "spiky"}  # the integration's ApiId
    assert connect.raw["traffic"]["protocols"] == ["websocket"]  # the permission's SourceArn names ChatApi
    assert rest.raw["traffic"] == {"protocols": ["http"], "pattern": "spiky"}  # ProtocolType HTTP
    [note] = websocket_notes(message)
    assert "AWS::ApiGatewayV2::Integration MessageIntegration of WebSocket API ChatApi" in note
    assert "traffic.connections" in note
    assert "ConnectPermission for WebSocket API ChatApi" in websocket_notes(connect)[0]
    assert websocket_notes(rest) == []
    apply_usage([message, rest], {"OnMessage": USAGE, "Rest": USAGE}, "usage.yaml")
    reviewed = {item.name: item for item in review_imported([message, rest], load_ruleset()).workloads}
    bill = lambda_bill(reviewed["OnMessage"])
    assert bill["API Gateway WebSocket messages, tier 1"] == 30.0  # 30 M × $1.00 a million
    assert bill["API Gateway WebSocket connection-minutes"] == 54.75  # 5,000 × 43,800 min × $0.25 a million
    assert not any(item.startswith("API Gateway HTTP API") for item in bill)
    assert any(item.startswith("API Gateway HTTP API") for item in lambda_bill(reviewed["Rest"]))
    assert reviewed["OnMessage"].monthly_cost_now_usd == pytest.approx(sum(bill.values()))
    assert note in reviewed["OnMessage"].source_assumptions  # said with the review's verdict


def test_a_terraform_function_behind_a_websocket_api_is_read_and_billed_as_websocket() -> None:
    found = read(TERRAFORM)
    message, rest = found["aws_lambda_function.on_message"], found["aws_lambda_function.rest"]
    assert message.raw["traffic"] == {"protocols": ["websocket"], "pattern": "spiky"}
    assert rest.raw["traffic"] == {"protocols": ["http"], "pattern": "spiky"}
    [note] = websocket_notes(message)
    assert "aws_apigatewayv2_integration.message of WebSocket API aws_apigatewayv2_api.chat" in note
    assert websocket_notes(rest) == []
    apply_usage([message], {"aws_lambda_function.on_message": USAGE}, "usage.yaml")
    [reviewed] = review_imported([message], load_ruleset()).workloads
    bill = lambda_bill(reviewed)
    assert bill["API Gateway WebSocket messages, tier 1"] == 30.0
    assert bill["API Gateway WebSocket connection-minutes"] == 54.75
