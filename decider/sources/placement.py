"""Where a review's Kubernetes workloads run on EKS: the capacity mode that Fargate profiles and Auto Mode clusters
defined in the files reviewed give them.

A pass over every workload read, once all files are read (the cluster is often defined in one repository folder and
the manifests in another): a Kubernetes workload whose namespace a Fargate profile selector matches, and whose pod
template carries all of that selector's labels, runs on EKS on Fargate (mode ``fargate``); a DaemonSet never does
(EKS on Fargate runs no DaemonSets: https://docs.aws.amazon.com/eks/latest/userguide/fargate.html). Any other
Kubernetes workload runs in EKS Auto Mode (``auto-mode``) when every EKS cluster defined in the review has Auto Mode on
and no managed node group is defined, or on managed node groups (``managed-node-group``) when some are defined and no
cluster has Auto Mode on. A
manifest does not say which cluster it is applied to: the review takes it to be the one (or ones) defined beside it,
and says so. A workload a profile's namespace holds but whose labels the profile does not match is told why it is
not on Fargate.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from decider.sources.capacity import Capacity, FargateProfile, Selector
from decider.sources.imported import ImportedWorkload
from decider.sources.terraform_kubernetes import manifest_kind


def place_pods(workloads: Sequence[ImportedWorkload], capacity: Capacity) -> None:
    """Set the mode of each Kubernetes workload that a Fargate profile or an Auto Mode cluster runs."""
    if not capacity.profiles and not capacity.clusters and not capacity.node_groups:
        return
    for workload in workloads:
        if workload.runs_as != "kubernetes" or workload.namespace is None:
            continue
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
        workload.assume(f"managed node groups {names} run the cluster's nodes: it runs on EKS managed node groups")
    elif auto:
        others = [f"cluster {cluster.name}" for cluster in capacity.clusters if not cluster.auto_mode]
        without = [*others, *(f"managed node group {group.name}" for group in groups)]
        workload.assume(
            f"EKS Auto Mode is on for {', '.join(cluster.name for cluster in auto)}, but the review also defines "
            f"{', '.join(without)}: which runs it is not known, so its mode is not taken from them"
        )


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
