"""EKS capacity defined beside the workloads: Fargate profiles and clusters with Auto Mode, read from CloudFormation
and Terraform (HCL or plan). They are not workloads; they say where a review's Kubernetes workloads run
(decider/sources/placement.py).

- ``AWS::EKS::FargateProfile`` (``Selectors: [{Namespace, Labels: [{Key, Value}]}]``) and ``aws_eks_fargate_profile``
  (``selector { namespace, labels = {...} }``): pods in a selector's namespace that carry all its labels run on
  Fargate. https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html
- ``AWS::EKS::Cluster`` with ``ComputeConfig.Enabled`` and ``aws_eks_cluster`` with ``compute_config { enabled =
  true }``: EKS Auto Mode runs the cluster's nodes. https://docs.aws.amazon.com/eks/latest/userguide/automode.html
- ``AWS::EKS::Nodegroup`` and ``aws_eks_node_group``: managed node groups run the cluster's nodes.
  https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from decider.kubernetes_version import MINOR
from decider.sources.terraform_model import Expression, Resource, blocks, first_block

CFN_FARGATE_PROFILE = "AWS::EKS::FargateProfile"
CFN_CLUSTER = "AWS::EKS::Cluster"
CFN_NODE_GROUP = "AWS::EKS::Nodegroup"
TF_FARGATE_PROFILE = "aws_eks_fargate_profile"
TF_CLUSTER = "aws_eks_cluster"
TF_NODE_GROUP = "aws_eks_node_group"


@dataclass(frozen=True, slots=True)
class Selector:
    """One Fargate profile selector: a namespace (``*`` and ``?`` match any text and any one character) and the
    labels a pod must all carry (none: every pod of the namespace)."""

    namespace: str
    labels: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        labels = ", ".join(f"{key}={value}" for key, value in self.labels)
        return f"namespace {self.namespace}" + (f" with labels {labels}" if labels else "")


@dataclass(frozen=True, slots=True)
class Defined:
    """A resource defined in a reviewed file: its name (the resource's) and where it is defined."""

    name: str
    file: str
    line: int
    region: tuple[str, str] | None = field(default=None, kw_only=True)
    """Where a Terraform configuration defining it deploys (its default AWS provider's region, and where that is)."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class FargateProfile(Defined):
    """An EKS Fargate profile and its selectors."""

    selectors: tuple[Selector, ...]


@dataclass(frozen=True, slots=True)
class Cluster(Defined):
    """An EKS cluster, whether EKS Auto Mode runs its compute, and the Kubernetes version it runs when its file gives
    one (``Version``, ``version``; the EKS module's ``kubernetes_version`` or v20's ``cluster_version``)."""

    auto_mode: bool
    version: str | None = None
    """The minor version as given (``1.32``); None when not given or not read (``unread`` says why)."""
    unread: str | None = None
    """A version given that could not be read: a number (YAML reads 1.30 unquoted as 1.3) or a value Terraform
    computes."""
    standard_only: bool = False
    """Its upgrade policy is STANDARD: EKS upgrades it at the end of standard support, so it never bills extended
    support (https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html)."""


def cluster_version(value: Any) -> tuple[str | None, str | None]:
    """A cluster's version as its file gives it: (the minor version, None), or (None, why it is not read), or (None,
    None) when none is given. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html"""
    if value is None:
        return None, None
    if isinstance(value, str) and MINOR.fullmatch(value.removeprefix("v")):
        return value.removeprefix("v"), None
    if isinstance(value, float) and MINOR.fullmatch(str(value)) and len(str(value)) == 4:
        return str(value), None  # 1.32 unquoted: the number says the same (1.30 would be 1.3, below)
    if isinstance(value, bool | int | float):
        return None, f"{value!r} is a number, which loses a version's last zero (1.30 reads as 1.3): quote it"
    shown = value.text if isinstance(value, Expression) else repr(value)
    return None, f"{shown} is not a minor version the review can read"


@dataclass(frozen=True, slots=True)
class NodeGroup(Defined):
    """An EKS managed node group, and the CPU architecture of its nodes when its AMI type or instance types say it."""

    architecture: str | None = None
    instance_types: tuple[str, ...] = ()
    """The instance types it lists (``instance_types``, ``InstanceTypes``); none when a launch template chooses."""
    spot: bool = False
    """Its capacity type is Spot (``capacity_type = "SPOT"``, ``CapacityType: SPOT``)."""


#: A Graviton (Arm) instance family: a letter family, a generation, then ``g`` (m7g, c6gn, r7gd, t4g, im4gn, g5g);
#: and ``a1``, the first Graviton's.
_GRAVITON = re.compile(r"[a-z]+\d+g[a-z]*|a1")


def node_architecture(ami_type: Any, instance_types: Any) -> str | None:
    """``arm64`` or ``x86_64`` from a node group's AMI type (``AL2023_ARM_64_STANDARD``, ``BOTTLEROCKET_x86_64``, …),
    else from its instance types when they all agree; None when neither says (a launch template may choose them).
    https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html#AmazonEKS-Type-Nodegroup-amiType"""
    if isinstance(ami_type, str) and ami_type.upper() != "CUSTOM":
        return "arm64" if "ARM_64" in ami_type.upper() else "x86_64"
    types = [item for item in instance_types if isinstance(item, str)] if isinstance(instance_types, list) else []
    found = {"arm64" if _GRAVITON.fullmatch(item.split(".", 1)[0]) else "x86_64" for item in types}
    return found.pop() if len(found) == 1 and len(types) == len(instance_types) else None


@dataclass
class Capacity:
    """The Fargate profiles, EKS clusters and managed node groups found in the files reviewed."""

    profiles: list[FargateProfile] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    node_groups: list[NodeGroup] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)
    """The folders (as shown) that a Terraform configuration reviewed calls as a local module's source."""

    def read_template(self, resources: Mapping[str, Any], file: str, line_of: Callable[[str], int]) -> None:
        """The Fargate profiles, EKS clusters and node groups among a CloudFormation template's resources."""
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            properties = resource.get("Properties")
            properties = properties if isinstance(properties, dict) else {}
            kind = resource.get("Type")
            if kind == CFN_FARGATE_PROFILE:
                selectors = tuple(
                    Selector(str(item["Namespace"]), _cfn_labels(item.get("Labels")))
                    for item in _list(properties.get("Selectors"))
                    if isinstance(item, dict) and isinstance(item.get("Namespace"), str)
                )
                self.profiles.append(FargateProfile(str(logical_id), file, line_of(str(logical_id)), selectors))
            elif kind == CFN_CLUSTER:
                compute = properties.get("ComputeConfig")
                enabled = isinstance(compute, dict) and compute.get("Enabled") in (True, "true", "True")
                version, unread = cluster_version(properties.get("Version"))
                where = (str(logical_id), file, line_of(str(logical_id)))
                policy = properties.get("UpgradePolicy")
                standard = isinstance(policy, dict) and policy.get("SupportType") == "STANDARD"
                self.clusters.append(Cluster(*where, enabled, version, unread, standard))
            elif kind == CFN_NODE_GROUP:
                types = properties.get("InstanceTypes")
                architecture = node_architecture(properties.get("AmiType"), types)
                spot = properties.get("CapacityType") == "SPOT"
                group = NodeGroup(str(logical_id), file, line_of(str(logical_id)), architecture, _names(types), spot)
                self.node_groups.append(group)

    def read_terraform(self, resources: Sequence[Resource], region: tuple[str, str] | None = None) -> None:
        """The Fargate profiles, EKS clusters and node groups among a Terraform configuration's or plan's resources;
        ``region``: where its default AWS provider deploys them, and where that is said."""
        for resource in resources:
            if resource.type == TF_FARGATE_PROFILE:
                selectors = tuple(
                    Selector(item["namespace"], _tf_labels(item.get("labels")))
                    for item in blocks(resource.values.get("selector"))
                    if isinstance(item.get("namespace"), str)
                )
                self.profiles.append(
                    FargateProfile(resource.address, resource.file, resource.line, selectors, region=region)
                )
            elif resource.type == TF_CLUSTER:
                enabled = first_block(resource.values.get("compute_config")).get("enabled") is True
                version, unread = cluster_version(resource.values.get("version"))
                where = (resource.address, resource.file, resource.line)
                standard = first_block(resource.values.get("upgrade_policy")).get("support_type") == "STANDARD"
                self.clusters.append(Cluster(*where, enabled, version, unread, standard, region=region))
            elif resource.type == TF_NODE_GROUP:
                values = resource.values
                types, spot = values.get("instance_types"), values.get("capacity_type") == "SPOT"
                architecture = node_architecture(values.get("ami_type"), types)
                where = (resource.address, resource.file, resource.line)
                self.node_groups.append(NodeGroup(*where, architecture, _names(types), spot, region=region))


def _cfn_labels(value: Any) -> tuple[tuple[str, str], ...]:
    """CloudFormation's labels, a list of ``{Key, Value}``."""
    return tuple(
        (str(item["Key"]), str(item.get("Value", "")))
        for item in _list(value)
        if isinstance(item, dict) and isinstance(item.get("Key"), str)
    )


def _tf_labels(value: Any) -> tuple[tuple[str, str], ...]:
    """Terraform's labels, a map of strings (a value not known before Terraform runs matches no pod)."""
    if not isinstance(value, dict):
        return ()
    return tuple((str(key), item.text if isinstance(item, Expression) else str(item)) for key, item in value.items())


def _names(value: Any) -> tuple[str, ...]:
    """The instance types a node group lists, when every one of them is a name (not an expression): else none."""
    names = _list(value)
    return tuple(names) if names and all(isinstance(name, str) and name for name in names) else ()


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
