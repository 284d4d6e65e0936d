"""Reading workloads for review: CloudFormation tags as data, lines, SAM/CloudFormation/ECS/Kubernetes mapping,
classification of files by content, usage files and schedules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider.cli import main
from decider.errors import DocumentError, SourceError, WorkloadError
from decider.review import review_imported
from decider.review_input import check_imported
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage
from decider.sources.document import INTRINSIC_TAGS, parse_documents
from decider.sources.schedule import runs_per_month

SHIPPED = load_ruleset()
"""Which target a source means comes from the rule set's targets.yaml (``runs_as``)."""

REPO_ROOT = Path(__file__).resolve().parents[2]
IAC = REPO_ROOT / "tests" / "fixtures" / "iac"


def by_name(paths: list[str | Path]) -> dict[str, ImportedWorkload]:
    return {item.name: item for item in find_workloads([str(path) for path in paths]).workloads}


# --- the loader ---------------------------------------------------------------------------------------------------

TAG_CASES = [
    ("!Ref Bucket", {"Ref": "Bucket"}),
    ("!Condition IsProd", {"Condition": "IsProd"}),
    ("!GetAtt Queue.Arn", {"Fn::GetAtt": ["Queue", "Arn"]}),
    ("!GetAtt [Queue, Arn]", {"Fn::GetAtt": ["Queue", "Arn"]}),
    ('!Sub "arn:${AWS::Partition}:s3:::${Bucket}"', {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}),
    ("!If [IsProd, 1, 2]", {"Fn::If": ["IsProd", 1, 2]}),
    ('!Join [",", [a, b]]', {"Fn::Join": [",", ["a", "b"]]}),
    ("!Select [0, [a, b]]", {"Fn::Select": [0, ["a", "b"]]}),
    ("!FindInMap [Map, Key, Value]", {"Fn::FindInMap": ["Map", "Key", "Value"]}),
    ("!ImportValue shared-vpc", {"Fn::ImportValue": "shared-vpc"}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!Not [!Equals [a, b]]", {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}),
    ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Base64 hello", {"Fn::Base64": "hello"}),
    ('!Cidr ["10.0.0.0/16", 2, 8]', {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}),
    ('!GetAZs ""', {"Fn::GetAZs": ""}),
    ('!Split ["-", "a-b"]', {"Fn::Split": ["-", "a-b"]}),
    ("!Transform {Name: AWS::Include}", {"Fn::Transform": {"Name": "AWS::Include"}}),
]


@pytest.mark.parametrize(("text", "expected"), TAG_CASES, ids=[case[0].split()[0] for case in TAG_CASES])
def test_short_form_tags_load_as_their_long_form(text: str, expected: dict[str, Any]) -> None:
    [document] = parse_documents(f"value: {text}\n", "t.yaml")
    assert document.data == {"value": expected}


def test_every_documented_short_form_tag_is_understood() -> None:
    required = {"Ref", "Sub", "GetAtt", "If", "Join", "Select", "FindInMap", "ImportValue", "Equals", "Not", "And"}
    required |= {"Or", "Base64", "Cidr", "GetAZs", "Split", "Condition", "Transform"}
    assert required <= set(INTRINSIC_TAGS)


def test_unknown_tags_and_python_objects_are_refused() -> None:
    with pytest.raises(DocumentError, match="could not determine a constructor"):
        parse_documents("a: !!python/object/apply:os.system [echo hi]\n", "t.yaml")
    with pytest.raises(DocumentError, match=r"t\.yaml:1"):
        parse_documents("a: !Bogus x\n", "t.yaml")


def test_duplicate_keys_are_read_as_cloudformation_reads_them_and_said_with_both_lines() -> None:
    [document] = parse_documents("Properties:\n  Timeout: 3\n  Timeout: 5\n", "t.yaml")
    assert document.data == {"Properties": {"Timeout": 5}}
    assert document.warnings == (
        "key 'Timeout' is given twice (lines 2 and 3): the last one is read, as CloudFormation does",
    )


GLUED = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: hello}\nspec:\n  template:\n    spec:\n"
    "      containers: [{name: c}]\n---apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: howdy}\nspec:\n"
    "  template:\n    spec:\n      containers: [{name: c}]\n"
)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (GLUED, True),
        (
            GLUED.replace("---apiVersion", "---\napiVersion").replace(
                "{name: c}]\n---", "{name: c}]\n  replicas: 1\n  replicas: 2\n---"
            ),
            False,
        ),
    ],
    ids=["glued-documents", "repeated-replicas"],
)
def test_a_kubernetes_manifest_with_a_key_given_twice_is_not_read_as_kubectl_refuses_it(
    tmp_path: Path, text: str, hint: bool
) -> None:
    """kubectl refuses a manifest with a repeated key ("mapping key already defined"), unlike CloudFormation, which
    reads the last: the file is unreadable, not half of it reviewed, and with keep_going the others go on. Two
    Deployments joined by a separator the YAML does not see ("---apiVersion") are the usual cause, said so."""
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "fine.yaml").write_text(GLUED.split("---", 1)[0], encoding="utf-8")
    discovery = find_workloads([str(tmp_path)], keep_going=True)
    assert [workload.name for workload in discovery.workloads] == ["hello"]
    [unreadable] = discovery.unreadable
    assert unreadable.file.endswith("manifest.yaml")
    assert "is given twice" in unreadable.reason
    assert "kubectl refuses to apply it" in unreadable.reason
    assert ("document separator" in unreadable.reason) is hint


def test_a_workload_file_with_a_key_given_twice_is_refused_as_recommend_refuses_it(tmp_path: Path) -> None:
    """A workload file is read as ``decider recommend`` reads it (a template's reader keeps the last of two keys, as
    CloudFormation does; a workload file's does not): in a folder it cannot be read, and says why."""
    (tmp_path / "two.yaml").write_text(
        "name: alpha\nruntime: {memory_mb: 256}\nruntime: {memory_mb: 512}\n---\n"
        "name: beta\nruntime: {memory_mb: 128}\n",
        encoding="utf-8",
    )
    discovery = find_workloads([str(tmp_path)], keep_going=True)
    assert discovery.workloads == []
    (unreadable,) = discovery.unreadable
    assert "found key 'runtime' twice (first on line 2)" in unreadable.reason
    with pytest.raises(SourceError, match="found key 'runtime' twice"):
        find_workloads([str(tmp_path / "two.yaml")])


def test_a_workload_file_is_held_to_what_recommend_accepts(tmp_path: Path) -> None:
    """A merge key, which recommend's reader refuses, and in JSON a number written as text: refused by the review
    too, where it used to answer for a file ``decider recommend`` refuses."""
    (tmp_path / "merge.yaml").write_text(
        "base: &base {memory_mb: 512}\nruntime:\n  <<: *base\n  avg_duration_ms: 80\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"could not determine a constructor for the tag 'tag:yaml\.org,2002:merge'"):
        find_workloads([str(tmp_path / "merge.yaml")])
    (tmp_path / "text.json").write_text('{"traffic": {"requests_per_month": "5000000"}}', encoding="utf-8")
    (found,) = find_workloads([str(tmp_path / "text.json")]).workloads
    assert found.json_types
    with pytest.raises(WorkloadError, match="must be a number"):
        check_imported([found], load_ruleset())
    (tmp_path / "text.json").write_text('{"traffic": {"requests_per_month": 5000000}}', encoding="utf-8")
    check_imported(find_workloads([str(tmp_path / "text.json")]).workloads, load_ruleset())


def test_a_mapping_used_as_a_key_is_a_document_error_not_a_crash() -> None:
    # An unrendered Helm template: "{{ .Release.Name }}" reads as a mapping used as a key.
    with pytest.raises(DocumentError, match="used as a key") as caught:
        parse_documents("name: {{ .Release.Name }}\n", "chart.yaml")
    assert caught.value.problem.location == "chart.yaml:1"


def test_lines_of_keys_documents_and_json_items() -> None:
    documents = parse_documents("# c\nResources:\n  A:\n    Type: x\n  B:\n    Type: y\n---\nk: 1\n", "t.yaml")
    assert [document.line for document in documents] == [2, 8]
    assert documents[0].key_line("Resources", "B") == 5
    assert documents[0].key_line("Resources", "Missing") == 2
    [json_document] = parse_documents('{\n "Resources": {\n  "A": {},\n  "B": {}\n }\n}', "t.json", json_only=True)
    assert json_document.key_line("Resources", "B") == 4
    [items] = parse_documents('[\n {"a": "x\\" {"},\n {"b": [1, {}]},\n {}\n]', "t.json", json_only=True)
    assert [items.item_line(index) for index in range(3)] == [2, 3, 4]


# --- SAM and CloudFormation -----------------------------------------------------------------------------------------


def test_sam_functions_take_globals_events_and_units() -> None:
    found = by_name([IAC / "sam" / "template.yaml"])
    assert list(found) == ["CheckoutFunction", "OrderConsumer", "ReportBuilder", "ImageResizer"]
    checkout = found["CheckoutFunction"]
    assert (checkout.file, checkout.line, checkout.target_in(SHIPPED)) == (
        "tests/fixtures/iac/sam/template.yaml",
        21,
        "lambda",
    )
    assert checkout.raw["runtime"] == {"max_duration_s": 10.0, "memory_mb": 512, "architecture": "arm64"}
    assert checkout.raw["traffic"] == {"protocols": ["http"], "pattern": "spiky"}
    assert checkout.raw["team"] == {"current_platform": "lambda"}
    assert found["OrderConsumer"].raw["traffic"]["pattern"] == "event"
    assert found["OrderConsumer"].raw["runtime"]["max_duration_s"] == 60.0  # its own Timeout beats Globals
    report = found["ReportBuilder"].raw
    assert report["traffic"] == {"protocols": ["schedule"], "pattern": "scheduled", "requests_per_month": 730.0}
    assert report["runtime"]["memory_mb"] == 3008


def test_a_parameter_is_read_as_its_default_and_said_so() -> None:
    resizer = by_name([IAC / "sam" / "template.yaml"])["ImageResizer"]
    assert resizer.raw["runtime"]["memory_mb"] == 2048, "MemorySize: !Ref ResizerMemory, whose Default is 2048"
    assert resizer.raw["runtime"]["ephemeral_storage_gb"] == 4.0  # EphemeralStorage.Size is MB
    assert any("parameter ResizerMemory read as its Default, 2048" in a for a in resizer.assumptions)
    assert any("PackageType Image" in assumption for assumption in resizer.assumptions)


def test_plain_lambda_functions_find_their_event_source_mappings() -> None:
    ingest = by_name([IAC / "cloudformation" / "functions.yaml"])["StreamIngest"]
    assert ingest.raw["traffic"] == {"protocols": ["queue"], "pattern": "event"}
    assert ingest.raw["runtime"]["max_duration_s"] == 300.0, "Timeout: !Ref IngestTimeout, whose Default is 300"
    assert any("parameter IngestTimeout read as its Default, 300" in assumption for assumption in ingest.assumptions)


def test_lambda_defaults_apply_and_are_reported(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12}\n")
    [fn] = find_workloads([str(template)]).workloads
    assert fn.raw["runtime"] == {"max_duration_s": 3.0, "memory_mb": 128, "architecture": "x86_64"}
    assert any("Lambda's default of 3 s" in assumption for assumption in fn.assumptions)
    assert any("Architectures not set: Lambda's default, x86_64" in assumption for assumption in fn.assumptions)
    assert any("no event source found" in assumption for assumption in fn.assumptions)


def test_ecs_services_take_their_task_definition_and_launch_target() -> None:
    found = by_name([IAC / "cloudformation" / "ecs-services.json"])
    assert list(found) == ["WebService", "AgentService", "InferenceService"]  # task definitions used by a service
    web = found["WebService"]
    assert (web.line, web.target_in(SHIPPED)) == (21, "ecs-fargate")
    assert web.raw["runtime"] == {
        "vcpu": 0.5,
        "memory_mb": 1024,
        "architecture": "arm64",
        "os": "linux",  # RuntimePlatform OperatingSystemFamily LINUX
        "min_copies": 3,
    }  # DesiredCount
    assert web.raw["control"] == {"sidecars": True}  # two essential containers; the non-essential one does not count
    assert web.raw["traffic"] == {"protocols": ["http"]}  # a load-balanced service: no pattern guessed
    agent = found["AgentService"]
    assert agent.target_in(SHIPPED) == "ecs-ec2"
    assert agent.raw["control"] == {"privileged": True, "host_networking": True, "host_daemons": True}
    # summed from the container, CPU units / 1024; no RuntimePlatform: ECS's default architecture, x86_64
    assert agent.raw["runtime"] == {"vcpu": 0.125, "memory_mb": 256, "architecture": "x86_64"}
    inference = found["InferenceService"]
    assert inference.target_in(SHIPPED) == "ecs-managed-instances"  # via its capacity provider resource
    assert inference.raw["runtime"] == {"vcpu": 4.0, "memory_mb": 16384, "gpu": 1, "architecture": "x86_64"}


def test_a_scheduled_task_definition_without_a_service_is_a_scheduled_workload() -> None:
    export = by_name([IAC / "cloudformation" / "functions.yaml"])["NightlyExportTask"]
    assert export.target_in(SHIPPED) == "ecs-fargate"
    # rate(1 day): 730 / 24 = 30.42 runs a 730-hour month (it was rounded to 30 before)
    assert export.raw["traffic"] == {"protocols": ["schedule"], "pattern": "scheduled", "requests_per_month": 30.42}
    # EphemeralStorage 50 GiB is the task's total: its scratch is the rest once a 100 MB image is held twice
    assert export.raw["runtime"]["ephemeral_storage_gb"] == 50 - 2 * 100 / 1024


def test_ecs_task_definition_json_in_ecs_own_shape() -> None:
    worker = by_name([IAC / "ecs" / "worker-taskdef.json"])["queue-worker"]
    assert (worker.kind, worker.target_in(SHIPPED)) == ("ECS task definition", "ecs-ec2")
    assert worker.raw["runtime"] == {"vcpu": 1.0, "memory_mb": 2048, "architecture": "x86_64"}


@pytest.mark.parametrize(
    ("service", "target"),
    [
        ("LaunchType: EC2", "ecs-ec2"),
        ("CapacityProviderStrategy: [{CapacityProvider: FARGATE_SPOT}]", "ecs-fargate"),
        ("CapacityProviderStrategy: [{CapacityProvider: !Ref Asg}]", "ecs-ec2"),
        ("CapacityProviderStrategy: [{CapacityProvider: my-provider}]", "ecs-ec2"),
        ("DesiredCount: 2", "ecs-fargate"),
    ],
)
def test_ecs_current_target_precedence(tmp_path: Path, service: str, target: str) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n"
        "  Task:\n    Type: AWS::ECS::TaskDefinition\n"
        "    Properties: {Cpu: '256', Memory: '0.5 GB', RequiresCompatibilities: [FARGATE, EC2]}\n"
        "  Asg:\n    Type: AWS::ECS::CapacityProvider\n    Properties: {AutoScalingGroupProvider: {}}\n"
        f"  Svc:\n    Type: AWS::ECS::Service\n    Properties: {{TaskDefinition: !Ref Task, {service}}}\n"
    )
    [svc] = find_workloads([str(template)]).workloads
    assert svc.target_in(SHIPPED) == target
    copies = {"min_copies": 2} if "DesiredCount" in service else {}  # DesiredCount: the copies that always run
    assert svc.raw["runtime"] == {"vcpu": 0.25, "memory_mb": 512, "architecture": "x86_64", **copies}
    if "FARGATE_SPOT" in service:
        assert svc.raw["preferences"] == {"spot_ok": True}
    assert svc.mode == ("spot" if "FARGATE_SPOT" in service else None)  # runs on Fargate Spot: its capacity mode


def test_a_lambda_function_with_a_capacity_provider_runs_on_managed_instances(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.13\n"
        "      CapacityProviderConfig:\n        LambdaManagedInstancesCapacityProviderConfig:\n"
        "          CapacityProviderArn: arn:aws:lambda:us-east-1:123456789012:capacity-provider:steady\n"
        "  Plain:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.13}\n"
    )
    found = {item.name: item for item in find_workloads([str(template)]).workloads}
    assert (found["Fn"].target_in(SHIPPED), found["Fn"].mode) == ("lambda", "managed-instances")
    assert any("Lambda Managed Instances" in text for text in found["Fn"].assumptions)
    assert found["Plain"].mode == "on-demand"  # no capacity provider: Lambda on demand


# --- Kubernetes -----------------------------------------------------------------------------------------------------


def test_kubernetes_workloads_sizes_and_control() -> None:
    found = by_name([IAC / "kubernetes" / "apps.yaml"])
    assert list(found) == ["storefront", "search-index", "log-agent", "db-migrate", "nightly-report"]  # no Service
    assert [item.line for item in found.values()] == [2, 31, 50, 67, 82]
    storefront = found["storefront"]
    assert storefront.target_in(SHIPPED) == "eks"
    assert storefront.raw["runtime"] == {"vcpu": 0.75, "memory_mb": 768, "min_copies": 3}  # both containers; replicas
    assert storefront.raw["control"] == {"sidecars": True}
    # Whoever writes Kubernetes manifests runs Kubernetes: not decider's "no experience" default, and it says so.
    assert storefront.raw["team"]["kubernetes_experience"] == "some"
    assert any("assumed some Kubernetes experience" in text for text in storefront.assumptions)
    search = found["search-index"].raw["runtime"]
    assert search == {"vcpu": 2.0, "memory_mb": 7629, "architecture": "arm64", "min_copies": 2}  # limits; 8G is 8e9 B
    assert found["log-agent"].raw["control"] == {"host_daemons": True, "privileged": True, "host_networking": True}
    migrate = found["db-migrate"].raw
    assert migrate["traffic"] == {"pattern": "batch", "protocols": ["schedule"], "requests_per_month": 1}
    assert migrate["runtime"]["max_duration_s"] == 600.0
    report = found["nightly-report"].raw
    assert report["traffic"]["pattern"] == "scheduled"
    assert report["traffic"]["requests_per_month"] == pytest.approx(30.42)
    assert all("kubernetes_api" not in item.raw.get("control", {}) for item in found.values())


def test_a_file_with_a_crd_marks_its_workloads_as_using_the_kubernetes_api() -> None:
    server = by_name([IAC / "kubernetes" / "gpu-operator.yaml"])["model-server"]
    assert server.raw["control"] == {"kubernetes_api": True, "instance_types": ["g5"]}
    assert server.raw["runtime"] == {"vcpu": 4.0, "memory_mb": 16384, "gpu": 1}


@pytest.mark.parametrize(
    ("automount", "kubernetes_api"), [("", True), ("automountServiceAccountToken: false\n      ", False)]
)
def test_a_pod_that_mounts_no_token_does_not_use_the_kubernetes_api_of_its_file(
    tmp_path: Path, automount: str, kubernetes_api: bool
) -> None:
    """A CRD in the Deployment's file marks it as using the Kubernetes API, unless its pods mount no ServiceAccount
    token: then they have no credentials for the API server, as a binding in another file would not count either.
    Lambda stays a choice for it, and the assumption says why the CRD was not counted."""
    manifest = tmp_path / "bundle.yaml"
    manifest.write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: render}\nspec:\n  template:\n    spec:\n"
        f"      {automount}containers: [{{name: c, ports: [{{name: http, containerPort: 8080}}]}}]\n"
    )
    [render] = find_workloads([str(manifest)]).workloads
    assert render.raw.get("control", {}).get("kubernetes_api", False) is kubernetes_api
    [note] = [note for note in render.assumptions if "CustomResourceDefinition widgets.example.com" in note]
    assert ("not read as needing" in note) is not kubernetes_api
    [reviewed] = review_imported([render], SHIPPED).workloads
    out = {item.target: [reason.rule for reason in item.reasons] for item in reviewed.decision.excluded}
    assert ("limits.kubernetes-api" in out.get("lambda", [])) is kubernetes_api


@pytest.mark.parametrize(
    ("cpu", "memory", "vcpu", "memory_mb"),
    [("500m", "512Mi", 0.5, 512), ("2", "1Gi", 2.0, 1024), (1, "1G", 1.0, 954), ("0.25", "268435456", 0.25, 256)],
)
def test_kubernetes_quantities(tmp_path: Path, cpu: object, memory: str, vcpu: float, memory_mb: int) -> None:
    manifest = tmp_path / "d.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
        f"      containers: [{{name: c, resources: {{requests: {{cpu: {cpu!r}, memory: {memory!r}}}}}}}]\n"
    )
    [deployment] = find_workloads([str(manifest)]).workloads
    assert deployment.raw["runtime"] == {"vcpu": vcpu, "memory_mb": memory_mb}


@pytest.mark.parametrize(
    ("other", "kubernetes_api"),
    [
        ("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\n", False),
        ("apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\n", False),
        ("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n", True),
    ],
)
def test_a_route_beside_a_deployment_is_not_a_custom_resource_it_relies_on(
    tmp_path: Path, other: str, kubernetes_api: bool
) -> None:
    """A Gateway API route or an OpenShift Route in the Deployment's file routes traffic, as an Ingress would: it says
    nothing of the workload calling the Kubernetes API. Another custom resource (a cert-manager Certificate) does."""
    manifest = tmp_path / "app.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        f"      containers: [{{name: c}}]\n---\n{other}"
    )
    [web] = find_workloads([str(manifest)]).workloads
    assert ("kubernetes_api" in web.raw.get("control", {})) is kubernetes_api


def test_rbac_marks_kubernetes_api_and_native_sidecars_count(tmp_path: Path) -> None:
    manifest = tmp_path / "op.yaml"
    manifest.write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: op}\nspec:\n  template:\n    spec:\n"
        "      initContainers: [{name: proxy, restartPolicy: Always}]\n      containers: [{name: c}]\n"
    )
    [operator] = find_workloads([str(manifest)]).workloads
    assert operator.raw["control"] == {"kubernetes_api": True, "sidecars": True}
    assert any("no cpu or memory" in assumption for assumption in operator.assumptions)


APP = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: monitoring}}\nspec:\n  template:\n"
    "    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      {account}containers: [{{name: c}}]\n"
)


@pytest.mark.parametrize(
    ("other", "marked"),
    [
        # one object a file, as generated trees write them: the binding names the adapter's ServiceAccount
        (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: adapter}\n"
            "roleRef: {kind: ClusterRole, name: adapter}\n"
            "subjects: [{kind: ServiceAccount, name: adapter, namespace: monitoring}]\n",
            {"adapter": "is a subject of ClusterRoleBinding adapter (", "plain": None},
        ),
        # a RoleBinding of the default ServiceAccount: every pod of the namespace that names none runs as it
        (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: d, namespace: monitoring}\n"
            "subjects: [{kind: ServiceAccount, name: default}]\n",
            {"adapter": None, "plain": "its ServiceAccount default (monitoring) is a subject of RoleBinding d ("},
        ),
        # an aggregated API served by the Service that selects the adapter
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: adapter-svc, namespace: monitoring}\n"
            "spec: {selector: {app: adapter}, ports: [{port: 443}]}\n---\n"
            "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\n"
            "spec: {service: {name: adapter-svc, namespace: monitoring}}\n",
            {"adapter": "has the Kubernetes API server call Service adapter-svc", "plain": None},
        ),
        # a binding of a ServiceAccount of another namespace
        (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n"
            "subjects: [{kind: ServiceAccount, name: adapter, namespace: kube-system}]\n",
            {"adapter": None, "plain": None},
        ),
    ],
    ids=["cluster-role-binding", "default-account", "api-service", "other-namespace"],
)
def test_rbac_and_api_backends_in_other_files_mark_kubernetes_api(
    tmp_path: Path, other: str, marked: dict[str, str | None]
) -> None:
    """Objects in other files of the review show a pod uses the Kubernetes API: a binding of its ServiceAccount, or
    an APIService calling a Service that selects it. Said with the object and its file:line."""
    (tmp_path / "adapter-deployment.yaml").write_text(
        APP.format(name="adapter", account="serviceAccountName: adapter\n      ")
    )
    (tmp_path / "plain-deployment.yaml").write_text(APP.format(name="plain", account=""))
    (tmp_path / "other.yaml").write_text(other)
    found = {workload.name: workload for workload in find_workloads([str(tmp_path)]).workloads}
    for name, why in marked.items():
        control = found[name].raw.get("control", {})
        assert control.get("kubernetes_api", False) is (why is not None)
        notes = [note for note in found[name].assumptions if "read as needing the Kubernetes API" in note]
        assert [why is not None and why in note and "other.yaml:" in note for note in notes] == ([True] if why else [])


UNMOUNTED_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: adapter, namespace: monitoring}\n" + (
    "automountServiceAccountToken: false\n"
)
ADAPTER_BINDING = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: adapter}\n"
    "roleRef: {kind: ClusterRole, name: adapter}\n"
    "subjects: [{kind: ServiceAccount, name: adapter, namespace: monitoring}]\n"
)


@pytest.mark.parametrize(
    ("pod_setting", "kubernetes_api"),
    [("", False), ("automountServiceAccountToken: true\n      ", True)],
    ids=["service-account-decides", "pod-asks-for-the-token"],
)
@pytest.mark.parametrize("same_file", [True, False], ids=["same-file", "other-files"])
def test_a_service_account_that_mounts_no_token_keeps_its_pods_off_the_kubernetes_api(
    tmp_path: Path, pod_setting: str, kubernetes_api: bool, same_file: bool
) -> None:
    """A ServiceAccount with ``automountServiceAccountToken: false`` gives its pods no token, so a binding of it (or
    RBAC in the same file) is no sign they call the Kubernetes API; a pod that asks for the token itself overrides
    its ServiceAccount (https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
    #opt-out-of-api-credential-automounting). The assumption says which setting was read."""
    deployment = APP.format(name="adapter", account=f"serviceAccountName: adapter\n      {pod_setting}")
    if same_file:
        (tmp_path / "bundle.yaml").write_text(f"{UNMOUNTED_ACCOUNT}---\n{ADAPTER_BINDING}---\n{deployment}")
    else:
        (tmp_path / "adapter-deployment.yaml").write_text(deployment)
        (tmp_path / "adapter-sa.yaml").write_text(UNMOUNTED_ACCOUNT)
        (tmp_path / "adapter-binding.yaml").write_text(ADAPTER_BINDING)
    [adapter] = find_workloads([str(tmp_path)]).workloads
    assert adapter.raw.get("control", {}).get("kubernetes_api", False) is kubernetes_api
    notes = [note for note in adapter.assumptions if "needing the Kubernetes API" in note]
    assert notes
    assert all(("not read as needing" in note) is not kubernetes_api for note in notes)
    if not kubernetes_api:
        assert any("automountServiceAccountToken: false" in note and "adapter" in note for note in notes)


# --- workload files and folders -------------------------------------------------------------------------------------


def test_workload_files_hold_documents_and_lists() -> None:
    found = by_name([IAC / "workloads"])
    assert [(item.name, item.line, item.target_in(SHIPPED)) for item in found.values()] == [
        ("session-store", 2, None),
        ("new-idea", 4, None),
        ("pdf-renderer", 2, "lambda"),
        ("legacy-batch", 7, None),
    ]


def test_unnamed_workloads_are_named_after_their_file(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("runtime: {memory_mb: 256}\n")
    (tmp_path / "jobs.yaml").write_text("runtime: {memory_mb: 256}\n---\ntraffic: {pattern: batch}\n")
    assert [item.name for item in find_workloads([str(tmp_path)]).workloads] == ["api", "jobs#1", "jobs#2"]


def test_a_folder_is_searched_recursively_and_other_files_are_skipped_and_listed() -> None:
    discovery = find_workloads([str(IAC)], exclude=[str(IAC / "usage.yaml")])
    assert len(discovery.workloads) == 20
    assert {file for file, _ in discovery.skipped} == {
        "tests/fixtures/iac/other/docker-compose.yml",
        "tests/fixtures/iac/other/chart/templates/deployment.yaml",
    }


HELM = REPO_ROOT / "tests" / "fixtures" / "helm"
HELM_TEMPLATE = "not read: Helm chart template: render it with `helm template` and review the output"
HELM_CHART = "not read: Helm chart file: render the chart with `helm template` and review the output"


def test_a_helm_chart_is_skipped_with_what_to_do_not_reported_as_broken_yaml() -> None:
    """A chart's templates are Go templates (``{{ include … }}`` is not YAML, and a plain one is not what Helm renders
    either); its Chart.yaml and values.yaml are its inputs. A CloudFormation template in a folder named templates,
    whose ``{{resolve:…}}`` is a dynamic reference, is still read."""
    discovery = find_workloads([str(HELM)])
    assert discovery.unreadable == []
    skipped = dict(discovery.skipped)
    chart = "tests/fixtures/helm/shop"
    assert skipped == {
        f"{chart}/Chart.yaml": HELM_CHART,
        f"{chart}/values.yaml": HELM_CHART,
        f"{chart}/templates/deployment.yaml": HELM_TEMPLATE,
        f"{chart}/templates/service.yaml": HELM_TEMPLATE,
    }
    assert [workload.name for workload in discovery.workloads] == ["QueueWorker"]


def test_a_helm_template_named_on_its_own_is_skipped_not_an_error() -> None:
    """Named explicitly, even --strict: listed as skipped (exit 0), where it was a file that could not be read. A
    template under any folder named templates is one when it holds Helm's actions, with no Chart.yaml beside it."""
    template = HELM / "shop" / "templates" / "deployment.yaml"
    discovery = find_workloads([str(template)])  # keep_going=False: a file that cannot be read would raise
    assert (discovery.skipped, discovery.unreadable, discovery.workloads) == (
        [("tests/fixtures/helm/shop/templates/deployment.yaml", HELM_TEMPLATE)],
        [],
        [],
    )
    loose = IAC / "other" / "chart" / "templates" / "deployment.yaml"  # no Chart.yaml: its {{ .Values }} say so
    assert find_workloads([str(loose)]).skipped == [
        ("tests/fixtures/iac/other/chart/templates/deployment.yaml", HELM_TEMPLATE)
    ]
    assert main(["review", "--strict", str(template)]) == 0


def test_a_broken_template_under_a_folder_is_an_error_not_a_skip(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    with pytest.raises(SourceError, match=r"template.yaml:3: not valid YAML"):
        find_workloads([str(tmp_path)])


def test_explicit_paths_must_exist_and_be_workload_sources(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or directory"):
        find_workloads([str(tmp_path / "missing.yaml")])
    compose = IAC / "other" / "docker-compose.yml"  # another format: listed as not read, not misread
    [(shown, reason)] = find_workloads([str(compose)]).skipped
    assert shown.endswith("other/docker-compose.yml")
    assert reason == "not read (format: Docker Compose)"
    other = tmp_path / "notes.yaml"
    other.write_text("title: notes\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not a workload file, SAM/CloudFormation template"):
        find_workloads([str(other)])
    [unreadable] = find_workloads([str(other)], keep_going=True).unreadable
    assert unreadable.file.endswith("notes.yaml")


# --- usage ----------------------------------------------------------------------------------------------------------


def test_usage_is_deep_merged_over_the_template() -> None:
    workloads = find_workloads([str(IAC / "sam")]).workloads
    usage = {"ReportBuilder": {"runtime": {"max_duration_s": 2400}}}
    apply_usage(workloads, usage, "usage.yaml")
    report = next(item for item in workloads if item.name == "ReportBuilder")
    assert report.raw["runtime"] == {"max_duration_s": 2400, "memory_mb": 3008, "architecture": "arm64"}
    assert report.raw["traffic"]["pattern"] == "scheduled"


def test_usage_for_an_unknown_name_suggests_the_nearest_resource() -> None:
    workloads = find_workloads([str(IAC / "sam")]).workloads
    with pytest.raises(SourceError) as caught:
        apply_usage(workloads, {"ReportBuilderr": {}}, "usage.yaml")
    assert str(caught.value.problems[0]) == (
        "usage.yaml: ReportBuilderr: no workload or resource of this name was found (did you mean 'ReportBuilder'?)"
    )


def test_usage_entries_are_validated_like_workloads(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("Api:\n  runtime: {memroy_mb: 1}\n")
    with pytest.raises(SourceError) as caught:
        read_usage(str(usage))
    problem = caught.value.problems[0]
    assert problem.location == f"{usage}: Api.runtime.memroy_mb"
    assert problem.suggestion == "memory_mb"
    usage.write_text("- a\n")
    with pytest.raises(SourceError, match="maps resource names to partial workloads"):
        read_usage(str(usage))
    with pytest.raises(SourceError, match="no such usage file"):
        read_usage(str(tmp_path / "nope.yaml"))


def test_usage_entries_are_carried_on_as_validated(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("Api:\n  runtime: {memory_mb: '2048'}\n  traffic: {protocols: [http]}\nEmpty:\n")
    assert read_usage(str(usage)) == {
        "Api": {"runtime": {"memory_mb": 2048}, "traffic": {"protocols": ("http",)}},
        "Empty": {},
    }


def test_usage_that_changes_the_platform_drops_the_precise_target() -> None:
    workloads = find_workloads([str(IAC / "cloudformation" / "ecs-services.json")]).workloads
    apply_usage(workloads, {"WebService": {"team": {"current_platform": "eks"}}}, "usage.yaml")
    assert workloads[0].target_in(SHIPPED) == "eks"


# --- schedules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("rate(1 hour)", 730),
        ("rate(5 minutes)", 8760),
        ("rate(1 day)", 30.42),
        ("0 2 * * *", 30.42),
        ("*/15 * * * *", 2920),
        ("cron(0 2 * * ? *)", 30.42),
        ("cron(0 9 ? * MON-FRI *)", 21.73),
        ("0 9 * * mon,wed", 8.69),
        ("@daily", 30.42),
        ("0 0 1 * *", 1),
    ],
)
def test_runs_per_month_of_schedules(expression: str, runs: float) -> None:
    assert runs_per_month(expression) == pytest.approx(runs, abs=0.01)


@pytest.mark.parametrize("expression", ["bogus", "rate(1 fortnight)", "* * *", "cron(x y z a b c)", None, 5])
def test_unreadable_schedules_are_none(expression: object) -> None:
    assert runs_per_month(expression) is None


def test_json_templates_refuse_duplicate_keys_and_name_bad_lines(tmp_path: Path) -> None:
    template = tmp_path / "t.json"
    template.write_text('{"Resources": {"A": {"Type": "AWS::Lambda::Function"}, "A": {}}}')
    with pytest.raises(SourceError, match="found key 'A' twice"):
        find_workloads([str(template)])
    template.write_text('{\n "Resources": {\n  "A": \n}')
    with pytest.raises(SourceError, match=r"t\.json:4: not valid JSON"):
        find_workloads([str(template)])


def test_a_task_definition_without_an_architecture_runs_on_ecs_default_x86(tmp_path: Path) -> None:
    """ECS runs a task whose definition names no CpuArchitecture on X86_64: its cost now is x86's, and it says so;
    an architecture that cannot be read (a parameter with no default) stays unknown, not defaulted."""
    worker = by_name([IAC / "ecs" / "worker-taskdef.json"])["queue-worker"]
    assert worker.raw["runtime"]["architecture"] == "x86_64"
    assert any(a.endswith("RuntimePlatform CpuArchitecture not set: ECS's default, X86_64") for a in worker.assumptions)
    template = tmp_path / "task.yaml"
    template.write_text(
        "Parameters:\n  Arch: {Type: String}\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n"
        "    Properties:\n      Cpu: '256'\n      Memory: '512'\n      RuntimePlatform: {CpuArchitecture: !Ref Arch}\n"
        "      ContainerDefinitions: [{Name: app, Image: app}]\n",
        encoding="utf-8",
    )
    task = by_name([template])["Task"]
    assert "architecture" not in task.raw["runtime"]
    assert not any("CpuArchitecture not set" in assumption for assumption in task.assumptions)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Tick:\n    Type: AWS::Serverless::Function\n"
            "    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Events:\n        Every5:\n"
            "          Type: Schedule\n          Properties: {Schedule: rate(5 minute)}\n",
        ),
        (
            "main.tf",
            'resource "aws_lambda_function" "tick" {\n  function_name = "tick"\n}\n'
            'resource "aws_cloudwatch_event_rule" "every5" {\n  schedule_expression = "rate(5 minute)"\n}\n'
            'resource "aws_cloudwatch_event_target" "t" {\n  rule = aws_cloudwatch_event_rule.every5.name\n'
            "  arn  = aws_lambda_function.tick.arn\n}\n",
        ),
        (
            "cron.yaml",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick}\nspec:\n  schedule: 'rate(5 minute)'\n"
            "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          containers: [{name: app, image: app}]\n",
        ),
    ],
)
def test_a_schedule_that_cannot_be_read_says_why(tmp_path: Path, name: str, text: str) -> None:
    """rate(5 minute) (AWS wants 'minutes') is a schedule decider cannot count: the review says what is wrong with it,
    not only that the traffic is not known."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    [workload] = find_workloads([str(tmp_path)]).workloads
    notes = [note for note in workload.assumptions if "schedule not read:" in note]
    assert len(notes) == 1, workload.assumptions
    assert "AWS wants the unit 'minutes' for the value 5" in notes[0] or "not a schedule" in notes[0]
    [reviewed] = review_imported([workload], SHIPPED).workloads
    assert reviewed.verdict == "unknown"
    assert "Schedule not read: 'rate(5 minute)'" in reviewed.why


def test_a_task_definition_nothing_runs_and_without_ports_is_a_job_started_on_demand(tmp_path: Path) -> None:
    """A template's task definition that no service runs, no schedule starts and that listens on no port is started
    by RunTask (a function, a state machine): each start is a run of a job, not two always-on copies behind a load
    balancer. With a port it is read as before."""
    task = (
        "Resources:\n  {name}:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Cpu: '256'\n"
        "      Memory: '512'\n      RequiresCompatibilities: [FARGATE]\n"
        "      ContainerDefinitions: [{{Name: app, Image: app{ports}}}]\n"
    )
    (tmp_path / "job.yaml").write_text(task.format(name="Job", ports=""), encoding="utf-8")
    (tmp_path / "web.yaml").write_text(
        task.format(name="Web", ports=", PortMappings: [{ContainerPort: 8080}]"), encoding="utf-8"
    )
    found = by_name([tmp_path])
    job, web = found["Job"], found["Web"]
    assert job.raw["traffic"] == {"pattern": "batch", "protocols": ["schedule"]}
    assert any("read as a job started on demand (RunTask)" in note for note in job.assumptions)
    assert "traffic" not in web.raw  # a service's task, its traffic not known, as before
    assert not any("started on demand" in note for note in web.assumptions)
    # priced per run once the usage file gives the runs: 1,000 runs of five seconds, not always-on copies
    apply_usage([job], {"Job": {"traffic": {"requests_per_month": 1000}, "runtime": {"avg_duration_ms": 5000}}}, "u")
    [reviewed] = review_imported([job], SHIPPED).workloads
    assert reviewed.monthly_cost_now_usd is not None
    assert reviewed.monthly_cost_now_usd < 1.0
