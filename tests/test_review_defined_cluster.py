"""A cluster the files reviewed define is not already paid: the review bills its EKS control plane to the workloads
it runs on it, split between them, and whole to one alone (decider/review_cluster.py, decider/sources/placement.py).
A cluster that exists already keeps its control plane out of one workload's bill, as ``decider recommend`` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.review import Review, ReviewedWorkload, review_imported
from decider.rules.model import Ruleset
from decider.sources import apply_usage, find_workloads
from tests.conftest import REPO_ROOT
from tests.manifests import EKS_CLUSTER, deployment

CLUSTER = EKS_CLUSTER


#: The EKS control plane in us-east-1, a month: $0.10 an hour × 730 hours (rules/pricing/us-east-1.yaml).
CONTROL_PLANE = 73.0


def review_of(root: Path, ruleset: Ruleset, names: list[str]) -> dict[str, ReviewedWorkload]:
    discovery = find_workloads([str(root)])
    usage = {name: {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}} for name in names}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    review: Review = review_imported(discovery.workloads, ruleset)
    return {item.name: item for item in review.workloads}


def eks_lines(item: ReviewedWorkload) -> dict[str, float]:
    [eks] = [entry for entry in item.decision.ranking if entry.target == "eks"]
    assert eks.monthly_cost is not None
    return {line.item: line.usd for line in eks.monthly_cost.lines}


def control_plane(item: ReviewedWorkload) -> tuple[str, float]:
    [found] = [(text, usd) for text, usd in eks_lines(item).items() if text.startswith("EKS control plane")]
    return found


def platform_note(item: ReviewedWorkload) -> str:
    [note] = [text for text in item.decision.assumptions if text.startswith("team.current_platform is eks")]
    return note


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_one_workload_on_a_cluster_the_files_define_is_priced_on_a_new_cluster_of_its_own(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Its control plane, nodes and load balancer are in the bill the ranking and the verdict compare (audit of round
    35's changes, F1: a control plane added to the bill after the ranking kept EKS at $96.03 against Fargate's
    $23.51)."""
    root = write(tmp_path, {"infra/main.tf": CLUSTER, "infra/api.yaml": deployment("api")})
    api = review_of(root, ruleset, ["api"])["api"]
    assert control_plane(api) == ("EKS control plane (standard support)", CONTROL_PLANE)
    assert any(
        "its EKS cluster, aws_eks_cluster.orders (" in note
        and "infra/main.tf:5), is defined in the files reviewed and runs no other workload the review found: priced "
        "as a new cluster of its own (team.new_cluster: true)"
        in note
        for note in api.source_assumptions
    )
    assert not [text for text in api.decision.assumptions if text.startswith("team.current_platform is eks")]
    assert api.current_target == "eks"
    assert api.monthly_cost_now_usd is not None
    [eks] = [entry for entry in api.decision.ranking if entry.target == "eks"]
    # the score the verdict compares rests on the same bill as the cost now (in the mode it runs in now, if priced)
    assert eks.monthly_cost is not None
    assert "EKS control plane (standard support)" in {line.item for line in eks.monthly_cost.lines}
    assert "share of the EKS control plane" not in api.why  # nothing stays behind: it is the cluster's only workload


def test_a_usage_file_that_says_the_cluster_is_not_new_is_taken_at_its_word(tmp_path: Path, ruleset: Ruleset) -> None:
    root = write(tmp_path, {"infra/main.tf": CLUSTER, "infra/api.yaml": deployment("api")})
    discovery = find_workloads([str(root)])
    usage = {"api": {"traffic": {"requests_per_month": 2_000_000}, "team": {"new_cluster": False}}}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    [api] = review_imported(discovery.workloads, ruleset).workloads
    assert control_plane(api) == ("EKS control plane (existing cluster: already paid)", 0.0)


def test_workloads_on_one_defined_cluster_split_it_and_the_summary_adds_up_to_one_control_plane(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    files = {"infra/main.tf": CLUSTER}
    files |= {f"infra/{name}.yaml": deployment(name) for name in ("api", "web")}
    reviewed = review_of(tmp_path / "." if write(tmp_path, files) else tmp_path, ruleset, ["api", "web"])
    shares = [control_plane(reviewed[name]) for name in ("api", "web")]
    assert [usd for _, usd in shares] == [CONTROL_PLANE / 2] * 2
    assert all(
        "which the files reviewed define, shared by 2 workloads in this review: $36.50" in text for text, _ in shares
    )
    assert "billed to the 2 workloads this review runs on it" in platform_note(reviewed["api"])


def test_when_every_workload_on_a_cluster_is_told_to_move_the_share_each_leaves_out_is_saved_in_the_summary(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Each verdict is said before the others are known: its cost clause leaves its share out and says the share is
    saved only if the cluster's other workloads move too; when they all do, the summary counts the cluster gone
    (audit of round 35's changes, F2: the clause said the cluster stays while the others run on it)."""
    files = {"infra/main.tf": CLUSTER} | {f"infra/{name}.yaml": deployment(name) for name in ("api", "web")}
    discovery = find_workloads([str(write(tmp_path, files))])
    usage = {name: {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}} for name in ("api", "web")}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    review = review_imported(discovery.workloads, ruleset)
    assert [item.verdict for item in review.workloads] == ["consider", "consider"]
    said = "share of the EKS control plane, which is saved only if the cluster's other workload in this review moves"
    assert all(f"leaving out its $36.50 {said} off it too" in item.why for item in review.workloads)
    assert sum(control_plane(item)[1] for item in review.workloads) == CONTROL_PLANE
    now = sum(item.monthly_cost_now_usd or 0.0 for item in review.workloads)
    after = sum(item.monthly_cost_recommended_usd or 0.0 for item in review.workloads)
    assert review.summary.monthly_cost_now_usd == pytest.approx(now, abs=0.01)
    assert review.summary.monthly_cost_recommended_usd == pytest.approx(after, abs=0.01)  # no share left behind


def test_each_defined_cluster_is_its_own_and_an_existing_one_stays_already_paid(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    files = {
        "a/main.tf": CLUSTER,
        "a/api.yaml": deployment("api"),
        "b/main.tf": CLUSTER.replace('"orders"', '"billing"'),
        "b/web.yaml": deployment("web"),
        "c/jobs.yaml": deployment("jobs"),  # beside no cluster: one that exists already
    }
    write(tmp_path, files)
    reviewed = review_of(tmp_path, ruleset, ["api", "web", "jobs"])
    # One workload alone on each defined cluster is priced on a new cluster; the one on an existing cluster, alone
    # there, pays nothing for its control plane
    assert (
        control_plane(reviewed["api"])
        == control_plane(reviewed["web"])
        == (
            "EKS control plane (standard support)",
            CONTROL_PLANE,
        )
    )
    assert any("aws_eks_cluster.orders (" in note for note in reviewed["api"].source_assumptions)
    assert any("aws_eks_cluster.billing (" in note for note in reviewed["web"].source_assumptions)
    assert control_plane(reviewed["jobs"]) == ("EKS control plane (existing cluster: already paid)", 0.0)
    assert "already exist, so their fixed cost is left out" in platform_note(reviewed["jobs"])


def test_a_folder_that_defines_two_clusters_names_neither_as_the_one_that_runs_it(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    two = CLUSTER + CLUSTER.split("\n\n", 1)[1].replace('"orders"', '"billing"')
    write(tmp_path, {"infra/main.tf": two, "infra/api.yaml": deployment("api")})
    api = review_of(tmp_path, ruleset, ["api"])["api"]
    assert control_plane(api) == ("EKS control plane (existing cluster: already paid)", 0.0)
    assert any(
        "define EKS clusters aws_eks_cluster.orders" in text and "which one runs it is not known" in text
        for text in api.source_assumptions
    )


def test_the_modes_fixture_bills_each_defined_cluster_to_its_own_workloads(ruleset: Ruleset) -> None:
    """tests/fixtures/modes: a Terraform plan and its HCL each define a cluster (Kubernetes 1.33) for their own
    deployments; the manifests in kubernetes/ are as near the CloudFormation template's cluster as the Terraform
    ones, so which runs them is not known: they share the region's existing cluster, as the review's workloads on EKS
    always did."""
    discovery = find_workloads([str(REPO_ROOT / "tests" / "fixtures" / "modes")])
    review = review_imported(discovery.workloads, ruleset)
    on_eks = [item for item in review.workloads if item.current_target == "eks"]
    by_cluster: dict[str, list[float]] = {}
    for item in on_eks:
        text, usd = control_plane(item)
        cluster = text.split(" a month of ", 1)[1].split(", which", 1)[0] if " a month of " in text else "existing"
        by_cluster.setdefault(cluster, []).append(usd)
        if cluster == "existing":
            assert "shared by 6 workloads in this review" in text
            assert any("none nearer it than the others" in note for note in item.source_assumptions)
    assert sorted(by_cluster) == [
        "aws_eks_cluster.main (tests/fixtures/modes/terraform/hcl/main.tf:4)",
        "aws_eks_cluster.main (tests/fixtures/modes/terraform/plan.json:8)",
        "existing",
    ]
    assert [len(shares) for _, shares in sorted(by_cluster.items())] == [2, 2, 6]
    # The two Terraform clusters run Kubernetes 1.33, in extended support on the book's date ($0.60 an hour: see
    # tests/test_review_cluster_version.py); the existing one's version is not known (standard support)
    months = {"existing": CONTROL_PLANE}
    assert all(sum(shares) == pytest.approx(months.get(name, 438.0), abs=0.03) for name, shares in by_cluster.items())


def test_a_share_is_left_behind_only_on_the_cluster_it_is_a_share_of() -> None:
    """Two defined clusters in one region: a workload moved off the first leaves nothing behind because the only
    workload still on EKS runs on the second (its shares were counted per region before)."""
    from decider.review import Tally
    from decider.review_cluster import share_key

    first = share_key(
        "EKS control plane $73.00 a month of aws_eks_cluster.a (a/main.tf:5), which the files "
        "reviewed define, all of it for the one workload this review runs on it",
        "us-east-1",
    )
    second = share_key(
        "EKS control plane $73.00 a month of aws_eks_cluster.b (b/main.tf:5), which the files "
        "reviewed define, all of it for the one workload this review runs on it",
        "us-east-1",
    )
    assert (first, second) == ("aws_eks_cluster.a (a/main.tf:5)", "aws_eks_cluster.b (b/main.tf:5)")
    assert share_key("EKS control plane $73.00 a month shared by 3 workloads in this review: $24.33", "eu-west-1") == (
        "eu-west-1"
    )
    tally = Tally()
    tally.add("consider", 100.0, 10.0, ((first, 73.0),))
    tally.add("keep", 90.0, 90.0, ((second, 73.0),))
    assert tally.summary().monthly_cost_recommended_usd == 100.0  # 10 + 90: the first cluster goes with its workload
    shared = Tally()
    shared.add("consider", 100.0, 10.0, (("us-east-1", 36.5),))
    shared.add("keep", 90.0, 90.0, (("us-east-1", 36.5),))
    assert shared.summary().monthly_cost_recommended_usd == 136.5  # its share stays: the other runs on the cluster


def test_a_diff_leaves_out_the_control_plane_a_workload_alone_on_a_defined_cluster_pays(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """As the shares are left out of a ``--base`` diff, so is the whole control plane the one workload on a cluster the
    files define pays (audit of round 35's latest changes, F4: removing its neighbour read as $73 more)."""
    from decider.review_diff import own_cost

    root = write(tmp_path, {"infra/main.tf": CLUSTER, "infra/api.yaml": deployment("api")})
    api = review_of(root, ruleset, ["api"])["api"]
    assert api.monthly_cost_now_usd is not None
    assert own_cost(api) == pytest.approx(api.monthly_cost_now_usd - CONTROL_PLANE, abs=0.01)


def test_a_usage_file_that_says_the_cluster_is_not_new_makes_it_an_existing_one_for_all(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """Alone, the workload then pays nothing for the control plane; two such split it as an existing cluster's (audit
    of round 35's latest changes, F6: alone it paid nothing while two split the defined cluster's)."""
    files = {"infra/main.tf": CLUSTER}
    files |= {f"infra/{name}.yaml": deployment(name) for name in ("api", "web")}
    write(tmp_path, files)
    discovery = find_workloads([str(tmp_path)])
    usage = {
        name: {"traffic": {"requests_per_month": 2_000_000}, "team": {"new_cluster": False}} for name in ("api", "web")
    }
    apply_usage(discovery.workloads, usage, "usage.yaml")
    for item in review_imported(discovery.workloads, ruleset).workloads:
        text, usd = control_plane(item)
        assert text == "EKS control plane $73.00 a month shared by 2 workloads in this review: $36.50"
        assert usd == CONTROL_PLANE / 2


HELM_RELEASE = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: karpenter, namespace: flux-system}
spec:
  chart: {spec: {chart: karpenter}}
"""


def test_a_workload_alone_on_a_defined_cluster_is_not_its_only_one_when_the_review_skipped_pods(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """The review skipped a HelmRelease, whose chart may run on the cluster too: the one workload it read is not priced
    as on a new cluster of its own (real-repositories audit 38, F2)."""
    write(tmp_path, {"infra/main.tf": CLUSTER, "infra/api.yaml": deployment("api"), "infra/flux.yaml": HELM_RELEASE})
    discovery = find_workloads([str(tmp_path)])
    assert any("installs the Helm chart karpenter" in reason for _, reason in discovery.skipped)
    apply_usage(discovery.workloads, {"api": {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}}}, "u")
    [api] = review_imported(discovery.workloads, ruleset, skipped=discovery.skipped).workloads
    assert "EKS control plane (existing cluster: already paid)" in eks_lines(api)
    assert any("the review skipped 1 file(s) or object(s) that run pods" in note for note in api.source_assumptions)
    assert "may run the objects the review skipped" in platform_note(api)
    assert not any(field.field == "team.new_cluster" for field in api.fields_read)
    # without the HelmRelease it is the cluster's only workload, and pays it whole
    (tmp_path / "infra" / "flux.yaml").unlink()
    discovery = find_workloads([str(tmp_path)])
    apply_usage(discovery.workloads, {"api": {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}}}, "u")
    [alone] = review_imported(discovery.workloads, ruleset, skipped=discovery.skipped).workloads
    assert "EKS control plane (standard support)" in eks_lines(alone)


def test_a_helm_chart_the_review_skips_may_run_on_the_defined_cluster_too(tmp_path: Path, ruleset: Ruleset) -> None:
    """A chart's files are skipped as "not read: Helm chart …": they may run pods on the cluster as a HelmRelease's
    chart may (audit of the stop's latest changes, F1: only the HelmRelease's reason was recognised)."""
    chart = {
        "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
        "chart/templates/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n"
        ),
    }
    write(tmp_path, {"infra/main.tf": CLUSTER, "infra/api.yaml": deployment("api"), **chart})
    discovery = find_workloads([str(tmp_path)])
    assert any("Helm chart" in reason for _, reason in discovery.skipped)
    apply_usage(discovery.workloads, {"api": {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}}}, "u")
    [api] = review_imported(discovery.workloads, ruleset, skipped=discovery.skipped).workloads
    assert "EKS control plane (existing cluster: already paid)" in eks_lines(api)
