"""A cluster the files reviewed define runs the Kubernetes version its file gives (Terraform ``version``, the EKS
module's ``kubernetes_version`` or v20's ``cluster_version``, CloudFormation ``Version``): its workloads' control
plane is billed for that version's EKS support on the price book's date, split between them as before; a version the
review cannot read is said and billed in standard support (decider/sources/capacity.py, decider/review_cluster.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decider.rules.model import Ruleset
from tests.manifests import EKS_CLUSTER, deployment
from tests.test_review_defined_cluster import control_plane, review_of, write

#: us-east-1's hours (rules/pricing/us-east-1.yaml), a month of 730.
STANDARD_MONTH, EXTENDED_MONTH = 73.0, 438.0


def _cluster(version_line: str) -> str:
    return EKS_CLUSTER.replace('  name     = "orders"\n', f'  name     = "orders"\n  {version_line}\n')


def _two(root: Path, cluster: str, name: str = "infra/main.tf") -> dict[str, str]:
    return {name: cluster, "infra/web.yaml": deployment("web"), "infra/api.yaml": deployment("api")}


def test_a_cluster_in_extended_support_shares_the_extended_hour(tmp_path: Path, ruleset: Ruleset) -> None:
    root = write(tmp_path, _two(tmp_path, _cluster('version  = "1.32"')))
    found = review_of(root, ruleset, ["web", "api"])
    for item in found.values():
        text, usd = control_plane(item)
        assert "which the files reviewed define, in extended support, shared by 2 workloads" in text
        assert usd == EXTENDED_MONTH / 2
        assert any("runs Kubernetes 1.32" in note for note in item.source_assumptions)
        assert any("Kubernetes 1.32 left EKS standard support on 2026-03-23" in text for text in item.decision.warnings)


def test_a_cluster_in_standard_support_is_billed_as_before(tmp_path: Path, ruleset: Ruleset) -> None:
    root = write(tmp_path, _two(tmp_path, _cluster('version  = "1.35"')))
    for item in review_of(root, ruleset, ["web", "api"]).values():
        text, usd = control_plane(item)
        assert "extended support" not in text
        assert usd == STANDARD_MONTH / 2


def test_the_eks_module_gives_its_version(tmp_path: Path, ruleset: Ruleset) -> None:
    module = """provider "aws" {
  region = "us-east-1"
}

module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.0"
  cluster_name    = "orders"
  cluster_version = "1.33"
}
"""
    root = write(tmp_path, _two(tmp_path, module))
    for item in review_of(root, ruleset, ["web", "api"]).values():
        text, usd = control_plane(item)
        assert "in extended support" in text  # 1.33 left standard support on 2026-07-29
        assert usd == EXTENDED_MONTH / 2


def test_a_version_the_review_cannot_read_is_said(tmp_path: Path, ruleset: Ruleset) -> None:
    template = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::EKS::Cluster
    Properties:
      Name: orders
      Version: 1.30
      RoleArn: arn:aws:iam::123456789012:role/eks
      ResourcesVpcConfig: {SubnetIds: [subnet-1, subnet-2]}
"""
    root = write(tmp_path, _two(tmp_path, template, "infra/cluster.yaml"))
    for item in review_of(root, ruleset, ["web", "api"]).values():
        _text, usd = control_plane(item)
        assert usd == STANDARD_MONTH / 2
        [note] = [note for note in item.source_assumptions if "Kubernetes version" in note]
        assert "1.3 is a number, which loses a version's last zero (1.30 reads as 1.3): quote it" in note


def test_a_cluster_that_upgrades_itself_never_bills_extended_support(tmp_path: Path, ruleset: Ruleset) -> None:
    """Upgrade policy STANDARD: EKS upgrades the cluster at the end of standard support
    (https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html): the standard hour, said so (audit of
    round 39's changes, F1: billed $438 a month and told an upgrade would save $365)."""
    policy = 'version  = "1.32"\n  upgrade_policy {\n    support_type = "STANDARD"\n  }'
    root = write(tmp_path, _two(tmp_path, _cluster(policy)))
    for item in review_of(root, ruleset, ["web", "api"]).values():
        text, usd = control_plane(item)
        assert usd == STANDARD_MONTH / 2
        assert "extended" not in text
        assert any("upgrade policy STANDARD" in note for note in item.source_assumptions)
        assert not [warning for warning in item.decision.warnings if "extended support" in warning]


def test_an_unquoted_version_with_two_digits_is_read(tmp_path: Path, ruleset: Ruleset) -> None:
    """HCL's version = 1.32 (a number) says 1.32 as well; only a version ending in 0 loses a digit (F6)."""
    root = write(tmp_path, _two(tmp_path, _cluster("version  = 1.32")))
    for item in review_of(root, ruleset, ["web", "api"]).values():
        _, usd = control_plane(item)
        assert usd == EXTENDED_MONTH / 2


def test_workloads_on_one_cluster_are_billed_at_one_version(tmp_path: Path, ruleset: Ruleset) -> None:
    """A usage file giving one workload another version than the cluster's file: the cluster runs one, so both shares
    are billed at the usage file's, and the other workload is told (F3: $219.00 for one share, $36.50 for the other)."""
    root = write(tmp_path, _two(tmp_path, _cluster('version  = "1.32"')))
    from decider.review import review_imported
    from decider.sources import apply_usage, find_workloads

    discovery = find_workloads([str(root)])
    traffic: dict[str, Any] = {"traffic": {"requests_per_month": 2_000_000, "peak_rps": 20}}
    usage: dict[str, dict[str, Any]] = {"web": {**traffic, "control": {"kubernetes_version": "1.35"}}, "api": traffic}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    found = {item.name: item for item in review_imported(discovery.workloads, ruleset).workloads}
    assert {control_plane(item)[1] for item in found.values()} == {STANDARD_MONTH / 2}
    assert any("give Kubernetes 1.32 and 1.35" in note for note in found["api"].source_assumptions)
    assert not any("runs Kubernetes 1.32" in note for note in found["web"].source_assumptions)
