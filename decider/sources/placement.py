"""Where a review's Kubernetes workloads run on EKS: the capacity mode that Fargate profiles and Auto Mode clusters
defined in the files reviewed give them.

A pass over every workload read, once all files are read (the cluster is often defined in one repository folder and
the manifests in another): a Kubernetes workload whose namespace a Fargate profile selector matches, and whose pod
template carries all of that selector's labels, runs on EKS on Fargate (mode ``fargate``); a DaemonSet never does
(EKS on Fargate runs no DaemonSets: https://docs.aws.amazon.com/eks/latest/userguide/fargate.html). Any other
Kubernetes workload runs in EKS Auto Mode (``auto-mode``) when every EKS cluster defined near it has Auto Mode on
and no managed node group is, or on managed node groups (``managed-node-group``) when some are defined near it and no
cluster there has Auto Mode on. A manifest does not say which cluster it is applied to: the review takes it to be the
one (or ones) defined beside it, the profiles, clusters and node groups of the one folder nearest it in the tree, as a
Service binds the nearest of same-named workloads (decider/sources/kubernetes_routes.py), and says so; when two
folders are as near, or only a reusable module's own folder defines any, its mode is not said. A workload a profile's
namespace holds but whose labels the profile does not match is told why it is not on Fargate. When that folder
defines one EKS cluster, the workload runs on it: the files reviewed create that cluster, so the review bills its
control plane to the workloads on it (decider/review_cluster.py) instead of taking it as already paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from decider.sources.capacity import Capacity, Defined, FargateProfile, Selector
from decider.sources.imported import ImportedWorkload, NodePool
from decider.sources.terraform_kubernetes import manifest_kind
from decider.sources.walk import tree_distance

#: How a workload is told its cluster's version bills its control plane; withdrawn when a usage file gives another.
VERSION_BILLED = (
    "its control plane is billed for that version's EKS support on the price book's date (control.kubernetes_version)"
)


def place_pods(workloads: Sequence[ImportedWorkload], everywhere: Capacity) -> None:
    """Set the mode of each Kubernetes workload that a Fargate profile or an Auto Mode cluster runs, and the cluster
    it runs on when the files reviewed define it."""
    if not everywhere.profiles and not everywhere.clusters and not everywhere.node_groups:
        return
    for workload in workloads:
        if workload.runs_as != "kubernetes" or workload.namespace is None:
            continue
        capacity = _nearest(workload, everywhere)
        if capacity is None:
            continue
        _on_cluster(workload, capacity)
        # The cluster's region, where a Terraform configuration defining it says one: the pods run there
        regions = {item.region for item in (*capacity.profiles, *capacity.clusters, *capacity.node_groups)}
        region = regions.pop() if len(regions) == 1 else None
        if region is not None and workload.get("preferences.region") is None:
            workload.region_from = (region[0], f"the AWS provider of the EKS capacity it runs on ({region[1]})")
            workload.set("preferences.region", region[0])
        match = _selecting(workload, capacity.profiles)
        if match is not None and manifest_kind(workload.kind) == "DaemonSet":  # a manifest's or the provider's
            workload.assume(
                f"Fargate profile {match[0].name} ({match[0].where}) selects its namespace, but EKS does not run "
                "DaemonSets on Fargate: it runs on the cluster's nodes"
            )
        elif match is not None:
            profile, selector = match
            workload.mode = "fargate"
            workload.assume(
                f"Fargate profile {profile.name} ({profile.where}) selects {selector.describe()}: it runs on EKS on "
                "Fargate"
            )
            continue
        for profile, selector in [] if match is not None else _near_misses(workload, capacity.profiles):
            missing = ", ".join(f"{key}={value}" for key, value in selector.labels if not _has(workload, key, value))
            workload.assume(
                f"Fargate profile {profile.name} ({profile.where}) selects namespace {workload.namespace} only for "
                f"pods labelled {missing}, which its pod template is not: it runs on the cluster's nodes"
            )
        _on_nodes(workload, capacity)


def _on_cluster(workload: ImportedWorkload, capacity: Capacity) -> None:
    """The cluster a Kubernetes workload runs on when the folder taken to place it defines exactly one: the files
    reviewed create it, so its control plane is billed to the review's workloads on it (decider/review_cluster.py)."""
    if len(capacity.clusters) == 1:
        cluster = capacity.clusters[0]
        workload.cluster = f"{cluster.name} ({cluster.where})"
        if cluster.version is not None and cluster.standard_only:
            workload.assume(
                f"its cluster, {workload.cluster}, runs Kubernetes {cluster.version} with upgrade policy STANDARD: EKS "
                "upgrades it at the end of standard support, so its control plane is billed in standard support"
            )
        elif cluster.version is not None and workload.get("control.kubernetes_version") is None:
            workload.set("control.kubernetes_version", cluster.version)
            workload.assume(f"its cluster, {workload.cluster}, runs Kubernetes {cluster.version}: {VERSION_BILLED}")
        elif cluster.unread is not None:
            workload.assume(
                f"its cluster's Kubernetes version ({workload.cluster}) is not read: {cluster.unread}; its control "
                "plane is billed in standard support"
            )
    elif len(capacity.clusters) > 1:
        names = " and ".join(f"{cluster.name} ({cluster.where})" for cluster in capacity.clusters)
        workload.assume(
            f"the files reviewed define EKS clusters {names} beside it: which one runs it is not known, so it is "
            "taken to run on a cluster that exists already"
        )


def _on_nodes(workload: ImportedWorkload, capacity: Capacity) -> None:
    """The mode of a Kubernetes workload no Fargate profile runs: EKS Auto Mode when every cluster in the review has
    it on and no managed node group is defined; managed node groups when some are defined and no cluster has Auto
    Mode on; otherwise not said (which runs it is not known)."""
    auto = [cluster for cluster in capacity.clusters if cluster.auto_mode]
    groups = capacity.node_groups
    if auto and len(auto) == len(capacity.clusters) and not groups:
        names = ", ".join(f"{cluster.name} ({cluster.where})" for cluster in auto)
        workload.mode = "auto-mode"
        workload.assume(f"EKS Auto Mode is on for {names}, taken to be its cluster: it runs in EKS Auto Mode")
    elif groups and not auto:
        names = ", ".join(f"{group.name} ({group.where})" for group in groups)
        workload.mode = "managed-node-group"
        if all(group.instance_types for group in groups):  # said beside its cost now (decider/review_nodes.py)
            types = tuple(dict.fromkeys(name for group in groups for name in group.instance_types))
            workload.nodes = NodePool(types, all(group.spot for group in groups), names)
        workload.assume(f"managed node groups {names} run the cluster's nodes: it runs on EKS managed node groups")
        architectures = {group.architecture for group in groups}
        architecture = architectures.pop() if len(architectures) == 1 else None
        if architecture is not None and workload.get("runtime.architecture") is None:
            # Its image is built for the nodes it runs on: the other targets are priced for the same architecture
            workload.set("runtime.architecture", architecture)
            workload.assume(f"the node groups' nodes are {architecture}: runtime.architecture {architecture}")
    elif auto:
        others = [f"cluster {cluster.name}" for cluster in capacity.clusters if not cluster.auto_mode]
        without = [*others, *(f"managed node group {group.name}" for group in groups)]
        workload.assume(
            f"EKS Auto Mode is on for {', '.join(cluster.name for cluster in auto)}, but the review also defines "
            f"{', '.join(without)}: which runs it is not known, so its mode is not taken from them"
        )


def _nearest(workload: ImportedWorkload, capacity: Capacity) -> Capacity | None:
    """The Fargate profiles, clusters and node groups taken to run a manifest: those of the one folder nearest it in
    the tree (its own, else the one under the deepest folder they share, then the fewest folders below it). A reusable
    module's own folder (one a configuration reviewed calls as a module source, or one under a ``modules/`` folder)
    places only the manifests beside it. None, said, when none is near or two folders are as near."""
    defined = [*capacity.profiles, *capacity.clusters, *capacity.node_groups]
    near = [item for item in defined if _places(item, workload.file, capacity.modules)]
    if not near:
        shown = ", ".join(sorted({_folder(item) for item in defined}))
        workload.assume(
            f"the EKS capacity the review defines is all in reusable modules' own folders ({shown}), which place "
            "only the manifests beside them: which cluster runs it is not known, so its mode is not taken from them"
        )
        return None
    best = min(tree_distance(item.file, workload.file) for item in near)
    folders = sorted({_folder(item) for item in near if tree_distance(item.file, workload.file) == best})
    if len(folders) > 1:
        workload.assume(
            f"EKS capacity is defined in {' and '.join(folders)}, none nearer it than the others: which cluster runs "
            "it is not known, so its mode is not taken from them"
        )
        return None
    return Capacity(
        [item for item in capacity.profiles if _folder(item) == folders[0]],
        [item for item in capacity.clusters if _folder(item) == folders[0]],
        [item for item in capacity.node_groups if _folder(item) == folders[0]],
    )


def _places(item: Defined, file: str, modules: set[str]) -> bool:
    """Whether ``item`` may place the manifest in ``file``: any may, but a reusable module's own, which places only
    the manifests of its folder."""
    folder = _folder(item)
    reusable = folder in modules or (item.file.endswith(".tf") and "modules" in PurePosixPath(folder).parts)
    return not reusable or PurePosixPath(file).parent.as_posix() == folder


def _folder(item: Defined) -> str:
    return PurePosixPath(item.file).parent.as_posix()


def _selecting(
    workload: ImportedWorkload, profiles: Sequence[FargateProfile]
) -> tuple[FargateProfile, Selector] | None:
    """The first profile selector (in the order read) that selects the workload's pods."""
    for profile in profiles:
        for selector in profile.selectors:
            if _in_namespace(workload, selector) and all(_has(workload, key, value) for key, value in selector.labels):
                return profile, selector
    return None


def _near_misses(
    workload: ImportedWorkload, profiles: Sequence[FargateProfile]
) -> list[tuple[FargateProfile, Selector]]:
    """The selectors of the workload's namespace that would select it but for a label its pods lack."""
    return [
        (profile, selector)
        for profile in profiles
        for selector in profile.selectors
        if _in_namespace(workload, selector) and selector.labels
    ]


def _in_namespace(workload: ImportedWorkload, selector: Selector) -> bool:
    return fnmatchcase(workload.namespace or "", _wildcards(selector.namespace))


def _has(workload: ImportedWorkload, key: str, value: str) -> bool:
    label = workload.pod_labels.get(key)
    return label is not None and fnmatchcase(label, _wildcards(value))


def _wildcards(pattern: str) -> str:
    """A selector value as an fnmatch pattern where only ``*`` and ``?`` are special (``[`` is a plain character)."""
    return pattern.replace("[", "[[]")
