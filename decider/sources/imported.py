"""An imported workload: a raw workload mapping taken from a source file, where it came from and what was assumed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from decider.rules.model import Ruleset


@dataclass(frozen=True, slots=True)
class NodePool:
    """The nodes that managed node groups defined in the files reviewed give a Kubernetes workload."""

    types: tuple[str, ...]
    """The instance types they list, in the order listed."""
    spot: bool
    """Every one of them runs Spot capacity."""
    groups: str
    """Which node groups, and where ("aws_eks_node_group.general (infra/eks.tf:11)")."""


@dataclass
class ImportedWorkload:
    """One workload found in a file: its name, file and line, the raw workload, and where it runs today."""

    name: str
    file: str
    line: int
    kind: str
    raw: dict[str, Any] = field(default_factory=dict)
    runs_as: str | None = None
    """What the source says the workload runs as (an ECS launch type or capacity provider, ``function``,
    ``kubernetes``); targets.yaml's ``runs_as`` maps it to a target."""
    assumptions: list[str] = field(default_factory=list)
    given_in: dict[str, str] = field(default_factory=dict)
    """The dotted fields a usage file gave (laid over the source's), and that file."""
    guessed: dict[str, str] = field(default_factory=dict)
    """The dotted fields the source set on a guess rather than read (a Job's runs a month), and why: not echoed as
    read, and traffic guessed so counts as not known, unless a usage file gives it."""
    provider_alias: str | None = None
    """The alias of the AWS provider a Terraform resource names (``provider = aws.use1``); None: the default one."""
    region_from: tuple[str, str] | None = None
    """The region the source deploys it to, and what says so (its Terraform AWS provider, at file:line; the EKS
    capacity a manifest runs on), in ``preferences.region`` until the review settles it (decider/review_input.py)."""
    json_types: bool = False
    """Read from a JSON workload file: its fields are held to JSON types, as ``decider recommend`` holds them."""
    ceiling: str | None = None
    """What ``runtime.max_duration_s`` was read from when it is a ceiling the runs may stay well within (a Lambda
    function's timeout), else None: a consider or move that rests on it says so (decider/review_evidence.py)."""
    cluster_workloads: int = 0
    """How many of the review's workloads share the EKS cluster this one runs on (0: none shared)."""
    nodes: NodePool | None = None
    """The EKS managed node groups the files reviewed define that run it, when they list their instance types: said
    beside its cost now where it is priced on others (decider/review_nodes.py)."""
    cluster: str | None = None
    balancers: tuple[str, ...] = ()
    """The Kubernetes Ingresses (``name (file:line)``) whose Application Load Balancers, each its own from the AWS Load
    Balancer Controller, also route to it (decider/sources/kubernetes_ingress.py): shared with the other workloads
    each routes to, or another routing to it alone; their hours are billed in shares (decider/review_cluster.py)."""
    balancer_counts: dict[str, int] = field(default_factory=dict)
    """How many of the review's workloads each of ``balancers`` is billed to."""
    """The EKS cluster the files reviewed define that it runs on (``name (file:line)``, decider/sources/placement.py):
    its control plane is then billed to the review's workloads on it, even one alone; None: a cluster that exists."""
    aliases: tuple[str, ...] = ()
    """Other names the deployed resource goes by (a Lambda function's or an ECS service's name): a usage file entry
    under one of them applies too (metrics are named so, decider usage import writes them so)."""
    mode: str | None = None
    """The capacity mode the source says it runs in (targets.yaml ``modes``): ``spot`` for a FARGATE_SPOT capacity
    provider strategy, ``managed-instances`` for a Lambda function with a capacity provider, ``fargate`` or
    ``auto-mode`` for a Kubernetes workload an EKS Fargate profile or Auto Mode cluster runs (decider/sources/
    placement.py); None when not said."""
    namespace: str | None = None
    """A Kubernetes workload's namespace (``default`` when its manifest names none); None for any other workload."""
    pod_labels: dict[str, str] = field(default_factory=dict)
    """A Kubernetes workload's pod template labels, which EKS Fargate profiles select pods by."""
    idle: str | None = None
    """Why it runs nothing (its only schedules are disabled): listed among the skipped, not reviewed."""
    durable: bool = False
    """A Lambda durable function (decider/sources/durable.py): its max_duration_s is one invocation's, however long a
    durable execution runs."""
    task_storage_gib: float | None = None
    """An ECS task's total ephemeral storage (``EphemeralStorage.SizeInGiB``), image included, which its scratch
    (``runtime.ephemeral_storage_gb``) was read from (decider/sources/ecs.py ``task_storage``)."""

    def target_in(self, ruleset: Ruleset) -> str | None:
        """The precise target it runs on now: the one its ``runs_as`` names, else its platform's only target."""
        platform = self.get("team.current_platform")
        return ruleset.running_as(self.runs_as, platform if isinstance(platform, str) else None)

    def set(self, path: str, value: Any) -> None:
        """Set a dotted workload field (``runtime.memory_mb``) in the raw workload."""
        section, _, name = path.partition(".")
        self.raw.setdefault(section, {})[name] = value

    def get(self, path: str) -> Any:
        section, _, name = path.partition(".")
        return self.raw.get(section, {}).get(name)

    def assume(self, text: str) -> None:
        self.assumptions.append(f"{self.kind} {self.name}: {text}")

    def keep_copies(self, field: str, count: Any) -> None:
        """The copies the source keeps running (``DesiredCount``, ``desired_count``, ``replicas``) as
        ``runtime.min_copies``, said as an assumption since it multiplies the bill (an autoscaler may own the figure);
        a value that is no whole number of copies is said and not used."""
        if count is None:
            return
        number = isinstance(count, int | float) and not isinstance(count, bool) and math.isfinite(count)
        whole = number and count >= 0 and count == int(count)
        if not whole:
            self.assume(f"{field} {count!r} is not a whole number of copies: not used")
            return
        copies = int(count)
        self.set("runtime.min_copies", copies)  # the copies that run whatever the traffic
        self.assume(
            f"{field} {copies}: at least {copies} cop{'y' if copies == 1 else 'ies'} kept running whatever the traffic "
            "(runtime.min_copies; give it in a usage file if an autoscaler owns the figure)"
            if copies
            else f"{field} 0: no copy kept running (runtime.min_copies 0)"
        )


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``: mappings merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged
