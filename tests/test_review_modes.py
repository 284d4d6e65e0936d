"""The review prices where a workload runs now in the capacity mode it runs in: Fargate Spot strategies, Lambda
capacity providers, EKS Fargate profiles and Auto Mode clusters read from CloudFormation, Terraform HCL and plans
(tests/fixtures/modes), a mode a rule keeps out, and a cheaper mode a kept workload could switch to."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.decision import ModeOption
from decider.review import Review, ReviewedWorkload, review_imported
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage
from decider.sources.capacity import Capacity, Cluster, FargateProfile, NodeGroup, Selector
from decider.sources.placement import place_pods
from tests.conftest import REPO_ROOT

MODES = REPO_ROOT / "tests" / "fixtures" / "modes"
CLOUDFORMATION = MODES / "cloudformation" / "cluster.yaml"
KUBERNETES = MODES / "kubernetes" / "apps.yaml"
HCL = MODES / "terraform" / "hcl"
PLAN = MODES / "terraform" / "plan.json"
USAGE = MODES / "usage.yaml"


def review_of(paths: list[Path], ruleset: Ruleset) -> dict[str, ReviewedWorkload]:
    discovery = find_workloads([str(path) for path in paths])
    usage = read_usage(str(USAGE))
    names = {item.name for item in discovery.workloads}
    apply_usage(discovery.workloads, {name: entry for name, entry in usage.items() if name in names}, str(USAGE))
    review: Review = review_imported(discovery.workloads, ruleset)
    return {item.name: item for item in review.workloads}


@pytest.fixture(scope="module")
def reviewed(request: pytest.FixtureRequest) -> dict[str, ReviewedWorkload]:
    ruleset: Ruleset = request.getfixturevalue("ruleset")
    return review_of([CLOUDFORMATION, KUBERNETES], ruleset)


def modes_of(item: ReviewedWorkload) -> dict[str, ModeOption]:
    """The compared (current) target's modes, by id."""
    [entry] = [entry for entry in item.decision.ranking if entry.target == item.compared_target]
    assert entry.sizing is not None
    return {option.mode: option for option in entry.sizing.modes}


def said(item: ReviewedWorkload, text: str) -> bool:
    return any(text in assumption for assumption in item.source_assumptions)


def test_a_fargate_spot_service_costs_now_what_fargate_spot_costs(reviewed: dict[str, ReviewedWorkload]) -> None:
    worker = reviewed["WorkerService"]
    options = modes_of(worker)
    assert (worker.current_target, worker.current_mode) == ("ecs-fargate", "spot")
    assert worker.monthly_cost_now_usd == options["spot"].monthly_usd
    # A steady worker of 2M requests: Lambda is cheaper by its bill and leads by under a point, so it is kept
    assert worker.verdict == "keep"
    assert worker.why.startswith("Amazon ECS on AWS Fargate (Fargate Spot) scores 55.2, within 5 points of the")


def test_a_function_on_managed_instances_costs_now_what_managed_instances_cost(
    reviewed: dict[str, ReviewedWorkload],
) -> None:
    ledger = reviewed["LedgerFunction"]
    options = modes_of(ledger)
    assert ledger.current_mode == "managed-instances"
    assert not options["managed-instances"].chosen  # decider would run it on demand: still, it runs on MI now
    assert ledger.monthly_cost_now_usd == options["managed-instances"].monthly_usd
    assert ledger.monthly_cost_now_usd != options["on-demand"].monthly_usd
    assert "AWS Lambda (Lambda Managed Instances)" in ledger.why
    assert f"${ledger.monthly_cost_now_usd:,.2f}" in ledger.why  # the consider's cost comparison uses it too


def test_a_kept_out_current_mode_falls_back_to_the_chosen_mode_and_says_so(
    reviewed: dict[str, ReviewedWorkload],
) -> None:
    windows = reviewed["WindowsService"]  # a Windows task with FARGATE_SPOT in its strategy: Fargate Spot is Linux only
    options = modes_of(windows)
    assert options["spot"].excluded_by == ("modes.fargate-spot-no-windows",)
    assert windows.current_mode == "spot"
    assert windows.monthly_cost_now_usd == options["on-demand"].monthly_usd
    assert "it runs in Fargate Spot, which decider keeps out (modes.fargate-spot-no-windows" in windows.why
    assert "the cost now shown is that of Fargate on demand, the mode decider chooses" in windows.why
    assert any("keeps out (modes.fargate-spot-no-windows" in text for text in windows.decision.assumptions)


def test_a_kept_workload_hears_what_a_cheaper_mode_would_save(reviewed: dict[str, ReviewedWorkload]) -> None:
    queue = reviewed["QueueService"]  # LaunchType FARGATE (on demand); the usage file says its work may run on Spot
    options = modes_of(queue)
    assert (queue.verdict, queue.current_mode) == ("keep", "on-demand")
    assert queue.monthly_cost_now_usd == options["on-demand"].monthly_usd
    on_demand, spot = options["on-demand"].monthly_usd, options["spot"].monthly_usd
    assert on_demand is not None
    assert spot is not None
    assert spot < on_demand
    assert f"Switching to Fargate Spot would save ${on_demand - spot:,.2f} a month" in queue.why


def test_a_fargate_profile_puts_the_pods_of_its_namespace_on_eks_on_fargate(
    reviewed: dict[str, ReviewedWorkload],
) -> None:
    api = reviewed["batch-api"]
    assert (api.current_target, api.current_mode) == ("eks", "fargate")
    assert api.monthly_cost_now_usd == modes_of(api)["fargate"].monthly_usd
    assert "Amazon EKS (EKS on Fargate)" in api.why
    line = next(n for n, text in enumerate(CLOUDFORMATION.read_text().splitlines(), 1) if text == "  BatchProfile:")
    assert said(api, f"Fargate profile BatchProfile (tests/fixtures/modes/cloudformation/cluster.yaml:{line}) selects")
    labelled = reviewed["labelled-job-runner"]  # namespace jobs, labelled compute=fargate as the selector asks
    assert labelled.current_mode == "fargate"
    assert said(labelled, "selects namespace jobs with labels compute=fargate: it runs on EKS on Fargate")


def test_pods_no_profile_selects_run_in_auto_mode(reviewed: dict[str, ReviewedWorkload]) -> None:
    unlabelled = reviewed["unlabelled-job-runner"]  # namespace jobs, but without the compute=fargate label
    assert unlabelled.current_mode == "auto-mode"
    assert said(unlabelled, "selects namespace jobs only for pods labelled compute=fargate, which its pod template")
    storefront = reviewed["storefront"]  # namespace web: no selector names it
    assert storefront.current_mode == "auto-mode"
    assert not said(storefront, "Fargate profile")
    assert said(storefront, "EKS Auto Mode is on for Cluster")
    assert storefront.monthly_cost_now_usd == modes_of(storefront)["auto-mode"].monthly_usd
    assert not modes_of(storefront)["auto-mode"].chosen
    agent = reviewed["log-agent"]  # a DaemonSet in namespace batch: EKS runs no DaemonSets on Fargate
    assert agent.current_mode == "auto-mode"
    assert said(agent, "EKS does not run DaemonSets on Fargate")


def test_a_privileged_pod_a_profile_selects_cannot_be_priced_on_fargate(reviewed: dict[str, ReviewedWorkload]) -> None:
    capture = reviewed["packet-capture"]
    options = modes_of(capture)
    assert capture.current_mode == "fargate"
    assert options["fargate"].excluded_by == ("modes.eks-fargate-no-privileged",)
    chosen = next(option for option in options.values() if option.chosen)
    assert capture.monthly_cost_now_usd == chosen.monthly_usd
    assert f"the cost now shown is that of {chosen.name}" in capture.why


def test_profiles_and_clusters_are_not_workloads(reviewed: dict[str, ReviewedWorkload]) -> None:
    assert not {"Cluster", "BatchProfile"} & set(reviewed)
    assert len(reviewed) == 10  # 4 from the template, 6 from the manifests


@pytest.mark.parametrize("path", [HCL, PLAN], ids=["hcl", "plan"])
def test_terraform_resources_give_the_same_modes(path: Path, ruleset: Ruleset) -> None:
    reviewed = review_of([path], ruleset)
    assert {name: item.current_mode for name, item in reviewed.items()} == {
        "kubernetes_deployment_v1.runner": "fargate",  # labelled compute=fargate in namespace jobs
        "kubernetes_deployment_v1.api": "auto-mode",  # namespace jobs, not labelled: the Auto Mode cluster runs it
        "aws_lambda_function.ledger": "managed-instances",  # capacity_provider_config
        "aws_ecs_service.worker": "spot",  # capacity_provider_strategy FARGATE_SPOT
    }
    runner = reviewed["kubernetes_deployment_v1.runner"]
    assert said(runner, "Fargate profile aws_eks_fargate_profile.jobs (")
    assert runner.monthly_cost_now_usd == modes_of(runner)["fargate"].monthly_usd
    worker = reviewed["aws_ecs_service.worker"]
    assert worker.monthly_cost_now_usd == modes_of(worker)["spot"].monthly_usd


def test_the_shared_control_plane_is_in_every_eks_mode_bill(reviewed: dict[str, ReviewedWorkload]) -> None:
    api = reviewed["batch-api"]
    [eks] = [entry for entry in api.decision.ranking if entry.target == "eks"]
    assert eks.monthly_cost is not None
    assert any("shared by" in line.item for line in eks.monthly_cost.lines)
    assert eks.sizing is not None
    assert eks.sizing.mode is not None
    assert modes_of(api)[eks.sizing.mode].monthly_usd == eks.monthly_cost.total_usd


def kubernetes_workload(
    name: str, namespace: str, labels: dict[str, str], kind: str = "Deployment"
) -> ImportedWorkload:
    workload = ImportedWorkload(name, "apps.yaml", 1, kind, runs_as="kubernetes", namespace=namespace)
    workload.pod_labels = labels
    return workload


def test_selectors_take_wildcards_and_mixed_clusters_leave_the_mode_unsaid() -> None:
    profile = FargateProfile("teams", "eks.yaml", 3, (Selector("team-*", (("tier", "b?tch"),)),))
    capacity = Capacity([profile], [Cluster("a", "eks.yaml", 1, True), Cluster("b", "eks.yaml", 2, False)])
    matched = kubernetes_workload("m", "team-ledger", {"tier": "batch"})
    other = kubernetes_workload("o", "teams", {"tier": "batch"})
    brackets = kubernetes_workload("x", "team-[a]", {"tier": "batch"})
    place_pods([matched, other, brackets], capacity)
    assert (matched.mode, other.mode, brackets.mode) == ("fargate", None, "fargate")
    assert any("also defines cluster b: which runs it is not known" in text for text in other.assumptions)


def test_managed_node_groups_run_what_no_profile_selects_unless_auto_mode_is_on_too() -> None:
    groups = [NodeGroup("general", "eks.yaml", 9)]
    plain = kubernetes_workload("p", "web", {})
    place_pods([plain], Capacity([], [Cluster("a", "eks.yaml", 1, False)], groups))
    assert plain.mode == "managed-node-group"
    assert any("managed node groups general (eks.yaml:9) run the cluster's nodes" in text for text in plain.assumptions)
    both = kubernetes_workload("b", "web", {})
    place_pods([both], Capacity([], [Cluster("a", "eks.yaml", 1, True)], groups))
    assert both.mode is None
    assert any("also defines managed node group general" in text for text in both.assumptions)


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: runner}
spec:
  template:
    metadata: {labels: {app: runner}}
    spec:
      containers: [{name: runner, image: example/runner:1}]
"""


def test_a_kustomization_gives_the_namespace_and_labels_a_fargate_profile_selects(tmp_path: Path) -> None:
    (tmp_path / "eks.yaml").write_text(
        "Resources:\n  Jobs:\n    Type: AWS::EKS::FargateProfile\n    Properties:\n      ClusterName: orders\n"
        "      Selectors:\n        - Namespace: jobs\n          Labels: [{Key: compute, Value: fargate}]\n"
    )
    app = tmp_path / "app"
    app.mkdir()
    (app / "runner.yaml").write_text(DEPLOYMENT)
    (app / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: jobs\n"
        "labels:\n  - pairs: {compute: fargate}\n    includeTemplates: true\nresources: [runner.yaml]\n"
    )
    [runner] = find_workloads([str(tmp_path)]).workloads
    assert (runner.namespace, runner.pod_labels, runner.mode) == (
        "jobs",
        {"app": "runner", "compute": "fargate"},
        "fargate",
    )
    assert any("namespace jobs, set by the kustomization beside it" in text for text in runner.assumptions)


def test_a_cloudformation_managed_node_group_runs_the_pods(tmp_path: Path) -> None:
    (tmp_path / "eks.yaml").write_text(
        "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties: {Name: orders}\n"
        "  General:\n    Type: AWS::EKS::Nodegroup\n    Properties: {ClusterName: orders}\n"
    )
    (tmp_path / "runner.yaml").write_text(DEPLOYMENT)
    [runner] = find_workloads([str(tmp_path)]).workloads
    assert (runner.namespace, runner.mode) == ("default", "managed-node-group")
    assert any("managed node groups General (" in text for text in runner.assumptions)


def test_a_kustomization_that_cannot_be_read_safely_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "runner.yaml").write_text(DEPLOYMENT)
    # 100,000 levels deep: the strict reader refuses it before any parser recurses (a RecursionError before).
    (tmp_path / "kustomization.yaml").write_text("namespace: jobs\nresources: " + "[" * 100_000 + "]" * 100_000 + "\n")
    [runner] = find_workloads([str(tmp_path)]).workloads
    assert runner.namespace == "default"


AUTO_CLUSTER = 'resource "aws_eks_cluster" "auto" {\n  name = "auto"\n  compute_config { enabled = true }\n}\n'
NODE_GROUP_CLUSTER = (
    'resource "aws_eks_cluster" "classic" {\n  name = "classic"\n}\n'
    'resource "aws_eks_node_group" "workers" {\n  cluster_name = aws_eks_cluster.classic.name\n}\n'
)


def deployment(name: str) -> str:
    return DEPLOYMENT.replace("runner", name)


def test_each_manifest_takes_the_mode_of_the_cluster_beside_it_and_none_between_two(tmp_path: Path) -> None:
    """Two folders each define a cluster beside a manifest: each manifest runs as its own folder's cluster does,
    whichever other folders the review holds. A manifest as near to both folders (above them) takes neither, and
    says so."""
    for folder, cluster, name in (("a", AUTO_CLUSTER, "web-a"), ("b", NODE_GROUP_CLUSTER, "web-b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "cluster.tf").write_text(cluster)
        (tmp_path / folder / "deploy.yaml").write_text(deployment(name))
    (tmp_path / "shared.yaml").write_text(deployment("shared"))
    found = {item.name: item for item in find_workloads([str(tmp_path)]).workloads}
    assert {name: item.mode for name, item in found.items()} == {
        "web-a": "auto-mode",
        "web-b": "managed-node-group",
        "shared": None,
    }
    assert any(f"aws_eks_cluster.auto ({tmp_path}/a/cluster.tf:1)" in text for text in found["web-a"].assumptions)
    assert any(f"aws_eks_node_group.workers ({tmp_path}/b/cluster.tf:4)" in text for text in found["web-b"].assumptions)
    assert any(
        f"EKS capacity is defined in {tmp_path}/a and {tmp_path}/b, none nearer it than the others" in text
        for text in found["shared"].assumptions
    )


def test_a_reusable_modules_own_cluster_and_node_groups_place_no_other_folders_manifest(tmp_path: Path) -> None:
    """A Terraform module's own folder (called as a module source by an example, or under modules/) defines an EKS
    cluster and node groups as written for any caller: they do not say how the example's manifest runs. With nothing
    else near it, its mode is left unsaid, and why."""
    (tmp_path / "main.tf").write_text(NODE_GROUP_CLUSTER)
    (tmp_path / "modules" / "node-group").mkdir(parents=True)
    (tmp_path / "modules" / "node-group" / "main.tf").write_text(
        'resource "aws_eks_node_group" "this" {\n  cluster_name = var.cluster\n}\n'
    )
    example = tmp_path / "examples" / "auto"
    example.mkdir(parents=True)
    (example / "main.tf").write_text('module "eks" {\n  source = "../.."\n}\n')
    (example / "deploy.yaml").write_text(deployment("inflate"))
    [inflate] = find_workloads([str(tmp_path)]).workloads
    assert inflate.mode is None
    assert any("all in reusable modules' own folders" in text for text in inflate.assumptions)
    (example / "cluster.tf").write_text(AUTO_CLUSTER)  # the example's own cluster, beside its manifest, places it
    [inflate] = find_workloads([str(tmp_path)]).workloads
    assert inflate.mode == "auto-mode"


FARGATE_ONLY = REPO_ROOT / "tests" / "fixtures" / "eks-fargate-only"


def test_pods_on_a_cluster_of_fargate_profiles_hear_no_saving_from_nodes_it_may_not_have(ruleset: Ruleset) -> None:
    """A cluster whose only capacity is a Fargate profile: decider prices EKS managed node groups as a share of the
    existing cluster's nodes, which this cluster does not show; a node group of its own bills whole nodes, so the
    review says no saving from switching to them. (The files define the cluster and it runs no other workload: the
    usage file says it is not new, as a cluster running much else would be; said new, see the next test.)"""
    discovery = find_workloads([str(FARGATE_ONLY / "infra-a" / "main.tf"), str(FARGATE_ONLY / "web.yaml")])
    read = read_usage(str(FARGATE_ONLY / "usage.yaml"))
    usage = {**read, "storefront-web": {**read["storefront-web"], "team": {"new_cluster": False}}}
    apply_usage(discovery.workloads, usage, str(FARGATE_ONLY / "usage.yaml"))
    [web] = review_imported(discovery.workloads, ruleset).workloads
    assert (web.current_target, web.current_mode) == ("eks", "fargate")
    assert web.verdict == "keep"
    assert "would save" not in web.why
    options = modes_of(web)  # the node groups are priced below the pods on Fargate: a share of nodes
    assert options["managed-node-group"].monthly_usd is not None
    assert options["fargate"].monthly_usd is not None
    assert options["managed-node-group"].monthly_usd < options["fargate"].monthly_usd


def test_the_only_workload_on_a_cluster_the_files_define_pays_for_the_cluster(ruleset: Ruleset) -> None:
    """The same files with no word on the cluster: the files create it for this one workload, so its control plane
    and the pods CoreDNS runs in are on the EKS bill the verdict compares, and ECS on Fargate, without them, is the
    cheaper place to consider."""
    discovery = find_workloads([str(FARGATE_ONLY / "infra-a" / "main.tf"), str(FARGATE_ONLY / "web.yaml")])
    apply_usage(discovery.workloads, read_usage(str(FARGATE_ONLY / "usage.yaml")), str(FARGATE_ONLY / "usage.yaml"))
    [web] = review_imported(discovery.workloads, ruleset).workloads
    assert (web.current_target, web.current_mode) == ("eks", "fargate")
    [eks] = [entry for entry in web.decision.ranking if entry.target == "eks"]
    assert eks.sizing is not None
    [fargate] = [option for option in eks.sizing.modes if option.mode == "fargate"]
    assert web.monthly_cost_now_usd == fargate.monthly_usd
    assert web.verdict == "consider"
    assert web.why.startswith("Amazon ECS on AWS Fargate scores")
