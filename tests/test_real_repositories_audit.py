"""Review on real public repositories (audit of round 36): a CronJob on a cluster's shared nodes is not billed
Fargate's minute a run (F1); an ECS Express Mode service is listed as skipped, not passed over (F3); a container with
no port or probe gets no front door once its traffic is given (F5)."""

from __future__ import annotations

from pathlib import Path

from decider import Ruleset
from decider.decision import InstanceSizing
from decider.review import review_imported
from decider.sources import apply_usage, find_workloads

#: eks-workshop-v2's catalog-cleanup (aws-samples/eks-workshop-v2, manifests/modules/introduction/basics/jobs).
CLEANUP = """apiVersion: batch/v1
kind: CronJob
metadata: {name: catalog-cleanup}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: busybox
              resources: {requests: {cpu: 50m, memory: 64Mi}}
"""

#: microservices-demo's load generator (GoogleCloudPlatform/microservices-demo): no port, no probe.
LOADGEN = """apiVersion: apps/v1
kind: Deployment
metadata: {name: loadgenerator}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: loadgenerator}}
    spec:
      containers:
        - name: main
          image: loadgenerator
          resources: {requests: {cpu: 300m, memory: 256Mi}}
"""


def test_a_cronjob_on_shared_nodes_pays_for_its_runs_not_a_minute_each(tmp_path: Path, ruleset: Ruleset) -> None:
    (tmp_path / "cleanup.yaml").write_text(CLEANUP, encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    apply_usage(discovery.workloads, {"catalog-cleanup": {"runtime": {"avg_duration_ms": 6000}}}, "usage.yaml")
    [item] = review_imported(discovery.workloads, ruleset).workloads
    [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
    assert eks.monthly_cost is not None
    assert eks.sizing is not None
    [nodes] = [line for line in eks.monthly_cost.lines if line.item.startswith("EKS nodes:")]
    assert isinstance(eks.sizing, InstanceSizing)
    per_node = eks.sizing.copies_per_instance
    runs = 60 * 730  # every minute
    # each run holds its pod for its start and work (1 s + 6 s), not Fargate's minute: 43,800 × 7 s of pod time
    assert nodes.quantity == round(runs * 7.0 / 3600 / per_node, 6)


def test_an_ecs_express_mode_service_is_listed_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(
        "Resources:\n  Web:\n    Type: AWS::ECS::ExpressGatewayService\n"
        "    Properties: {PrimaryContainer: {Image: x}}\n",
        encoding="utf-8",
    )
    (tmp_path / "main.tf").write_text('resource "aws_ecs_express_gateway_service" "api" {\n}\n', encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    assert discovery.workloads == []
    reasons = [reason for _, reason in discovery.skipped]
    assert any(
        reason.startswith("Web (AWS::ECS::ExpressGatewayService): an ECS Express Mode service") for reason in reasons
    )
    assert any("aws_ecs_express_gateway_service.api: an ECS Express Mode service" in reason for reason in reasons)


def test_a_container_with_no_port_gets_no_front_door(tmp_path: Path, ruleset: Ruleset) -> None:
    (tmp_path / "loadgen.yaml").write_text(LOADGEN, encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    [loadgen] = discovery.workloads
    assert loadgen.raw["traffic"]["front_door"] == "none"
    apply_usage(discovery.workloads, {"loadgenerator": {"traffic": {"requests_per_month": 1000}}}, "usage.yaml")
    [item] = review_imported(discovery.workloads, ruleset).workloads
    for entry in item.decision.ranking:
        lines = entry.monthly_cost.lines if entry.monthly_cost is not None else ()
        assert not [line for line in lines if "Load Balancer" in line.item or "API Gateway" in line.item], entry.target


def test_a_service_selecting_a_portless_container_lets_the_routes_say_its_door(tmp_path: Path) -> None:
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: lg}\nspec:\n  type: LoadBalancer\n"
    service += "  selector: {app: loadgenerator}\n  ports: [{port: 80}]\n"
    (tmp_path / "loadgen.yaml").write_text(LOADGEN + service, encoding="utf-8")
    [loadgen] = find_workloads([str(tmp_path)]).workloads
    assert "front_door" not in loadgen.raw["traffic"]  # public through its Service: priced behind a door
    assert loadgen.raw["traffic"]["protocols"] == ["http"]


def test_a_neuron_pod_whose_node_selector_names_its_type_is_said_to_keep_it(tmp_path: Path) -> None:
    """eks-workshop-v2's compiler pod asks for a Neuron device on trn1.2xlarge nodes: the family read is trn1, and the
    assumption says so, not "inf2, trn1" (F6)."""
    (tmp_path / "compiler.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: compiler}\nspec:\n  template:\n"
        "    metadata: {labels: {app: c}}\n    spec:\n"
        "      nodeSelector: {node.kubernetes.io/instance-type: trn1.2xlarge}\n"
        "      containers: [{name: c, image: x, resources: {limits: {aws.amazon.com/neuron: 1}}}]\n",
        encoding="utf-8",
    )
    [compiler] = find_workloads([str(tmp_path)]).workloads
    assert compiler.raw["control"]["instance_types"] == ["trn1"]
    [note] = [text for text in compiler.assumptions if "Neuron" in text]
    assert note.endswith("read as control.instance_types trn1, as its source names them")


EKS_MODULE_CALL = """module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name = "blueprint"

  eks_managed_node_groups = {
    general = {
      instance_types = ["m5.large"]
      capacity_type  = "SPOT"
    }
  }

  fargate_profiles = {
    batch = {
      selectors = [{ namespace = "batch" }]
    }
  }
}
"""


def test_a_cluster_made_by_the_eks_module_is_read_as_the_capacity_it_defines(tmp_path: Path) -> None:
    """eks-blueprints makes every cluster with terraform-aws-modules/eks/aws: its cluster, node groups and Fargate
    profiles place the manifests beside it, as the resources they create would (F4)."""
    (tmp_path / "main.tf").write_text(EKS_MODULE_CALL, encoding="utf-8")
    (tmp_path / "app.yaml").write_text(
        LOADGEN
        + "---\n"
        + LOADGEN.replace("loadgenerator", "jobs").replace("{name: jobs}", "{name: jobs, namespace: batch}"),
        encoding="utf-8",
    )
    discovery = find_workloads([str(tmp_path)])
    assert not [reason for _, reason in discovery.skipped if "module.eks" in reason]  # read, not skipped
    found = {item.name: item for item in discovery.workloads}
    assert found["loadgenerator"].mode == "managed-node-group"
    assert found["loadgenerator"].nodes is not None
    assert found["loadgenerator"].nodes.types == ("m5.large",)
    assert found["loadgenerator"].nodes.spot is True
    assert found["jobs"].mode == "fargate"
    assert found["loadgenerator"].cluster == f"module.eks.aws_eks_cluster.this ({tmp_path}/main.tf:1)"


EDGE_TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  EdgeFn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs20.x, Handler: index.handler, CodeUri: src/, AutoPublishAlias: live}
  Regular:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        DefaultCacheBehavior:
          LambdaFunctionAssociations: [{EventType: viewer-request, LambdaFunctionARN: !Ref EdgeFn.Version}]
"""

EDGE_TERRAFORM = """resource "aws_lambda_function" "edge" {
  function_name = "edge"
}

resource "aws_lambda_function" "plain" {
  function_name = "plain"
}

resource "aws_cloudfront_distribution" "cdn" {
  default_cache_behavior {
    lambda_function_association {
      event_type = "viewer-request"
      lambda_arn = aws_lambda_function.edge.qualified_arn
    }
  }
}

module "rewrite" {
  source         = "terraform-aws-modules/lambda/aws"
  function_name  = "rewrite"
  lambda_at_edge = true
}
"""


def test_lambda_at_edge_functions_are_listed_as_skipped_not_priced_as_regional_ones(tmp_path: Path) -> None:
    """serverless-patterns' CloudFront functions were priced as regional Lambda behind an API Gateway the files do not
    define, and ranked against containers that cannot take a CloudFront trigger (F2)."""
    (tmp_path / "template.yaml").write_text(EDGE_TEMPLATE, encoding="utf-8")
    (tmp_path / "main.tf").write_text(EDGE_TERRAFORM, encoding="utf-8")
    discovery = find_workloads([str(tmp_path)])
    assert sorted(item.name for item in discovery.workloads) == ["Regular", "aws_lambda_function.plain"]
    edge = [reason for _, reason in discovery.skipped if "a Lambda@Edge function" in reason]
    assert len(edge) == 3
    assert any("(distribution Cdn triggers it)" in reason for reason in edge)
    assert any("(aws_cloudfront_distribution.cdn triggers it)" in reason for reason in edge)
    assert any("(lambda_at_edge = true)" in reason for reason in edge)
