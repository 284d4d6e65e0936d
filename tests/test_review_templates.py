"""A property of the review over generated templates: with no traffic given (no usage file, no schedule), no
workload is told to ``consider`` another target, and a ``move`` comes only from a hard limit that excludes the
current target at every traffic volume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.review import review_imported
from decider.review_evidence import excluded_whatever_the_traffic
from decider.rules.loader import load_ruleset
from decider.sources import find_workloads
from decider.workload import parse_workload

RULESET = load_ruleset()
#: How work may reach a generated function, none of which says how much: HTTP, a queue, a custom resource, nothing.
TRIGGERS = ("none", "http-api", "rest-api", "sqs", "custom-resource", "state-machine")


@st.composite
def functions(draw: st.DrawFn, index: int) -> dict[str, Any]:
    properties: dict[str, Any] = {"Runtime": "python3.12", "Handler": "index.handler", "CodeUri": "src/"}
    timeout = draw(st.sampled_from([None, 3, "30", 300, 900, 1200, 3600]))
    if timeout is not None:
        properties["Timeout"] = timeout
    memory = draw(st.sampled_from([None, 128, 1024, "4096", 10240]))
    if memory is not None:
        properties["MemorySize"] = memory
    if draw(st.booleans()):
        properties["Architectures"] = [draw(st.sampled_from(["arm64", "x86_64"]))]
    trigger = draw(st.sampled_from(TRIGGERS))
    events = {"http-api": "HttpApi", "rest-api": "Api", "sqs": "SQS"}
    if trigger in events:
        properties["Events"] = {"In": {"Type": events[trigger], "Properties": {}}}
    resources: dict[str, Any] = {f"Fn{index}": {"Type": "AWS::Serverless::Function", "Properties": properties}}
    if trigger == "custom-resource":
        resources[f"Custom{index}"] = {
            "Type": "Custom::Thing",
            "Properties": {"ServiceToken": {"Fn::GetAtt": [f"Fn{index}", "Arn"]}},
        }
    elif trigger == "state-machine":
        resources[f"Flow{index}"] = {
            "Type": "AWS::Serverless::StateMachine",
            "Properties": {"DefinitionSubstitutions": {"Task": {"Ref": f"Fn{index}.Alias"}}},
        }
    return resources


@st.composite
def services(draw: st.DrawFn, index: int) -> dict[str, Any]:
    launch = draw(st.sampled_from(["FARGATE", "EC2"]))
    container: dict[str, Any] = {"Name": "app", "Image": "app"}
    if draw(st.booleans()):
        container["PortMappings"] = [{"ContainerPort": 8080, "AppProtocol": draw(st.sampled_from(["http", "grpc"]))}]
    task = {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "RequiresCompatibilities": [launch],
            "Cpu": draw(st.sampled_from(["256", "1024", "4096"])),
            "Memory": draw(st.sampled_from(["512", "2048", "8192"])),
            "ContainerDefinitions": [container]
            + ([{"Name": "log", "Essential": False}] if draw(st.booleans()) else []),
        },
    }
    service: dict[str, Any] = {"LaunchType": launch, "TaskDefinition": {"Ref": f"Task{index}"}}
    if draw(st.booleans()):
        service["DesiredCount"] = draw(st.integers(0, 6))
    if draw(st.booleans()):
        service["LoadBalancers"] = [{"ContainerName": "app", "ContainerPort": 8080}]
    return {f"Task{index}": task, f"Service{index}": {"Type": "AWS::ECS::Service", "Properties": service}}


@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        resources.update(draw(functions(index) if draw(st.booleans()) else services(index)))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(template=templates())
def test_no_consider_on_default_traffic_and_a_move_only_from_a_hard_limit(
    template: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(template), encoding="utf-8")
    workloads = find_workloads([str(path)]).workloads
    review = review_imported(workloads, RULESET)
    assert review.summary.workloads == len(workloads) > 0, "every function and service is reviewed"
    for item, reviewed in zip(workloads, review.workloads, strict=True):
        assert reviewed.verdict != "consider", reviewed.why
        if reviewed.verdict == "move":
            candidates = (reviewed.current_target,) if reviewed.current_target else ()
            assert reviewed.rules, "a move names the hard limit behind it"
            assert all(rule.startswith("limits.") for rule in reviewed.rules)
            assert excluded_whatever_the_traffic(parse_workload(item.raw), RULESET, candidates), reviewed.why
