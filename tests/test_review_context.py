"""Reading a template in its context: the triggers elsewhere in it, parameter defaults and conditions, desired
counts, ports and probes, sidecars, Lambda's default architecture, Pods and ReplicationControllers, Kustomize
patches left out (tests/fixtures/context, with tests/fixtures/real: the whole corpus reviews to the end)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.cli import main
from decider.errors import SourceError
from decider.review_cluster import share_clusters
from decider.sources import ImportedWorkload, apply_usage, find_workloads

CONTEXT = "tests/fixtures/context"
REAL = "tests/fixtures/real"


@pytest.fixture(scope="module")
def found() -> dict[str, ImportedWorkload]:
    return {item.name: item for item in find_workloads([CONTEXT], keep_going=True).workloads}


def said(item: ImportedWorkload, text: str) -> bool:
    return any(text in assumption for assumption in item.assumptions)


def test_functions_called_only_while_deploying_are_not_taken_for_http_services(
    found: dict[str, ImportedWorkload],
) -> None:
    for name in ("ProvisionerFunction", "MacroFunction"):
        traffic = found[name].raw["traffic"]
        assert traffic == {"pattern": "event", "protocols": ["queue"], "requests_per_month": 10.0}
    assert said(found["ProvisionerFunction"], "invoked only at deploy time (by Custom::Provisioned)")
    assert said(found["MacroFunction"], "invoked only at deploy time (by AWS::CloudFormation::Macro)")


def test_triggers_elsewhere_in_the_template_say_how_work_arrives(found: dict[str, ImportedWorkload]) -> None:
    assert found["TaskFunction"].raw["traffic"] == {"protocols": ["queue"], "pattern": "event"}  # !Ref F.Alias
    assert found["AuthorizerFunction"].raw["traffic"] == {"protocols": ["http"], "pattern": "spiky"}  # ${F.Arn}
    assert found["TopicFunction"].raw["traffic"] == {"protocols": ["queue"], "pattern": "event"}  # SNS, !GetAtt
    assert found["RestFunction"].raw["traffic"]["front_door"] == "rest-api"  # SAM Api event: priced as a REST API


def test_parameters_read_as_their_defaults_and_conditions_evaluated(found: dict[str, ImportedWorkload]) -> None:
    assert "ProdOnlyFunction" not in found, "Condition IsProd is false with Env's default, dev: never created"
    assert found["DevFunction"].raw["runtime"]["max_duration_s"] == 20.0  # NotProd holds; Timeout "20" is 20 s
    task = found["TaskFunction"]
    assert task.raw["runtime"]["memory_mb"] == 1024
    assert said(task, "parameter WorkerMemory read as its Default, 1024")


def test_lambda_runs_on_x86_64_unless_it_says_otherwise(found: dict[str, ImportedWorkload]) -> None:
    assert found["AuthorizerFunction"].raw["runtime"]["architecture"] == "x86_64"
    assert said(found["AuthorizerFunction"], "Architectures not set: Lambda's default, x86_64")
    assert found["TaskFunction"].raw["runtime"]["architecture"] == "arm64"


def test_a_function_with_a_capacity_provider_runs_on_lambda_managed_instances(
    found: dict[str, ImportedWorkload],
) -> None:
    assert found["TopicFunction"].mode == "managed-instances"
    assert said(found["TopicFunction"], "CapacityProviderConfig set: it runs on Lambda Managed Instances")
    assert not said(found["TopicFunction"], "does not price yet")


def test_an_ecs_service_reads_its_desired_count_protocol_and_sidecar(found: dict[str, ImportedWorkload]) -> None:
    service = found["GrpcService"]
    assert service.raw["traffic"] == {"protocols": ["grpc"]}
    assert service.raw["control"] == {"sidecars": True}, "a non-essential log router is a sidecar"
    assert service.raw["runtime"]["min_copies"] == 3  # DesiredCount: the copies that always run


def test_kubernetes_probes_and_ports_say_the_protocol(found: dict[str, ImportedWorkload]) -> None:
    assert found["grpc-server"].raw["traffic"] == {"protocols": ["grpc"]}
    assert found["grpc-server"].raw["runtime"]["min_copies"] == 3  # replicas
    assert found["locust-worker"].raw["traffic"] == {"front_door": "none"}  # a worker: no door to price
    assert said(found["locust-worker"], "no port or probe: it serves no requests")
    assert found["tomcat"].kind == "Pod"
    assert found["tomcat"].raw["traffic"] == {"protocols": ["http"]}
    assert found["redis"].kind == "ReplicationController"
    assert found["redis"].raw["traffic"] == {"protocols": ["tcp"]}


def test_kustomize_patches_are_not_workloads(found: dict[str, ImportedWorkload]) -> None:
    files = {item.file for item in found.values()}
    assert not any(file.endswith(("more-replicas.yaml", "delete-locust.yaml")) for file in files)
    assert [item.name for item in found.values()].count("grpc-server") == 1


def test_the_whole_corpus_reviews_to_the_end_without_a_verdict_on_guessed_traffic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["review", CONTEXT, REAL, "--format", "json"]) == 0
    review: dict[str, Any] = json.loads(capsys.readouterr().out)
    verdicts = {entry["name"]: entry["verdict"] for entry in review["workloads"]}
    assert "consider" not in verdicts.values()
    assert verdicts["ProvisionerFunction"] == "keep", "a custom resource's handler stays on Lambda"
    assert verdicts["GrpcService"] == "unknown"
    assert [item["file"] for item in review["unreadable"]] == [f"{REAL}/broken.yaml"]


def test_the_usage_file_keys_a_repeated_name_by_file_and_name_or_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    function = "Resources:\n  Handler:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12}\n"
    for name in ("a.yaml", "b.yaml"):
        Path(name).write_text(function, encoding="utf-8")
    usage: dict[str, dict[str, Any]] = {
        "Handler": {"traffic": {"requests_per_month": 1000}},
        "a.yaml#Handler": {"traffic": {"requests_per_month": 5e6}},
        "b.yaml:2": {"runtime": {"memory_mb": 2048}},
    }
    workloads = find_workloads(["."]).workloads
    apply_usage(workloads, usage, "usage.yaml")
    by_file = {item.file: item.raw for item in workloads}
    assert by_file["a.yaml"]["traffic"]["requests_per_month"] == 5e6, "file#name wins over the bare name"
    assert by_file["b.yaml"]["traffic"]["requests_per_month"] == 1000
    assert by_file["b.yaml"]["runtime"]["memory_mb"] == 2048
    with pytest.raises(SourceError) as error:
        apply_usage(workloads, {"c.yaml#Handler": {}}, "usage.yaml")
    [problem] = error.value.problems
    assert problem.message.startswith("no workload at this file#name or file:line was found")
    assert problem.suggestion == "b.yaml#Handler", "the nearest key a workload has"


def test_the_kubernetes_workloads_of_a_review_share_one_control_plane(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", f"{CONTEXT}/k8s", "--format", "json"]) == 0
    review: dict[str, Any] = json.loads(capsys.readouterr().out)
    on_eks = [entry for entry in review["workloads"] if entry["current_platform"] == "eks"]
    assert len(on_eks) == 4
    shares = []
    for entry in on_eks:
        [eks] = [ranked for ranked in entry["decision"]["ranking"] if ranked["target"] == "eks"]
        [line] = [line for line in eks["monthly_cost"]["lines"] if line["item"].startswith("EKS control plane")]
        assert line["item"] == "EKS control plane $73.00 a month shared by 4 workloads in this review: $18.25"
        assert line["quantity"] == 730 / 4
        assert eks["monthly_cost"]["total_usd"] == pytest.approx(
            sum(item["usd"] for item in eks["monthly_cost"]["lines"]), abs=0.01
        )
        shares.append(line["usd"])
    assert sum(shares) == pytest.approx(73.0), "charged once, split"


def test_a_workload_on_a_new_cluster_keeps_its_own_control_plane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text(
        "team: {current_platform: eks}\ntraffic: {requests_per_month: 1000000}\n", encoding="utf-8"
    )
    Path("b.yaml").write_text(
        "team: {current_platform: eks, new_cluster: true}\ntraffic: {requests_per_month: 1000000}\n", encoding="utf-8"
    )
    workloads = find_workloads(["."]).workloads
    share_clusters(workloads)
    assert [item.cluster_workloads for item in workloads] == [1, 0]
