"""The cost model's parameters (``rules/pricing/model.yaml``): minimum copies, reserved memory, billing minimums,
load balancer capacity units, the cost score, and the figures that are decider's own choices (each with a source or
marked uncertain). Loaded beside the regional price books (decider/pricing/loader.py)."""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

from pydantic import BaseModel, ConfigDict, Field, model_validator

MODEL_FILE = "model.yaml"


class _Data(BaseModel):
    # Validators built on first use, not at import: only CostModel's is used (its parts' schemas are part of it).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class LoadBalancerCapacity(_Data):
    source: str
    alb_new_connections_per_second: float = Field(gt=0)
    alb_active_connections_per_minute: float = Field(gt=0)
    alb_gb_per_hour: float = Field(gt=0)
    alb_lambda_gb_per_hour: float = Field(gt=0)
    alb_requests_per_new_connection: float = Field(ge=1)
    nlb_new_connections_per_second: float = Field(gt=0)
    nlb_active_connections_per_minute: float = Field(gt=0)
    nlb_gb_per_hour: float = Field(gt=0)
    nlb_new_udp_flows_per_second: float = Field(gt=0)
    nlb_active_udp_flows_per_minute: float = Field(gt=0)
    average_payload_fraction: float = Field(gt=0, le=1)


class KubeletReserve(_Data):
    """The vCPU an EKS node keeps from pods: the kubelet's reserve, a share of each vCPU in turn (the last share for
    every vCPU beyond), and the requests of the DaemonSets on every node."""

    source: str
    shares: tuple[float, ...] = Field(min_length=1)
    daemonset_vcpu: float = Field(ge=0)

    def vcpu(self, node_vcpu: float) -> float:
        """The vCPU a node of ``node_vcpu`` keeps from pods."""
        reserved = self.daemonset_vcpu
        for index, share in enumerate(self.shares[:-1]):
            reserved += share * min(1.0, max(0.0, node_vcpu - index))
        return reserved + self.shares[-1] * max(0.0, node_vcpu - (len(self.shares) - 1))


class KubeletMemory(_Data):
    """The memory an EKS node keeps from pods besides its kernel's share: the kubelet's reserve (``base_mb`` and
    ``per_pod_mb`` for each pod the node may run) and the hard eviction threshold; and the pods a node may run, of
    which the DaemonSets' take ``daemonset_pods``."""

    source: str
    max_pods_source: str
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    base_mb: float = Field(ge=0)
    per_pod_mb: float = Field(ge=0)
    eviction_mb: float = Field(ge=0)
    daemonset_pods: int = Field(ge=0)
    default_max_pods: int = Field(ge=1)
    max_pods: dict[str, int] = Field(default_factory=dict)

    def pods(self, instance_type: str) -> int:
        """The pods a node of this type may run (DaemonSets' included)."""
        return self.max_pods.get(instance_type, self.default_max_pods)

    def kept_mb(self, instance_type: str) -> float:
        """The memory the kubelet keeps from pods on a node of this type: its reserve and the eviction threshold."""
        return self.base_mb + self.per_pod_mb * self.pods(instance_type) + self.eviction_mb

    def copies(self, instance_type: str) -> int:
        """The most copies a node of this type runs: its pods less the DaemonSets'."""
        return max(0, self.pods(instance_type) - self.daemonset_pods)


class KubernetesVersion(_Data):
    """One Kubernetes minor version on Amazon EKS: when its standard support ends (from then its clusters' control
    planes bill the extended-support hour) and when its extended support ends (EKS then upgrades them). Dates are
    YYYY-MM-DD, UTC."""

    version: str = Field(pattern=r"^1\.[0-9]{1,3}$")
    end_of_standard_support: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    end_of_extended_support: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    source: str
    uncertain: str | None = None

    @property
    def minor(self) -> int:
        return int(self.version.split(".", 1)[1])


class ManagedInstanceTypes(_Data):
    """The EC2 types Lambda Managed Instances runs functions on: the families (by their first letter) and the smallest
    size it offers."""

    families: tuple[str, ...] = Field(min_length=1)
    smaller_sizes_left_out: tuple[str, ...] = Field(description="Sizes below the smallest offered (nano … medium).")
    source: str
    uncertain: str | None = None

    def offers(self, instance_type: str) -> bool:
        """Whether ``instance_type`` (``m7g.large``) is one Lambda Managed Instances runs on."""
        family, _, size = instance_type.partition(".")
        return family[:1] in self.families and size not in self.smaller_sizes_left_out


class CostScore(_Data):
    """How relative monthly cost moves a target's score (see docs/cost-model.md)."""

    rule: str = Field(pattern=r"^cost\.[a-z0-9-]+$")
    points_per_doubling: float = Field(ge=0, le=50)
    max_points: float = Field(ge=0, le=50)
    floor_usd: float = Field(gt=0)
    source: str


class CostModel(_Data):
    """The cost model's assumptions (rules/pricing/model.yaml)."""

    always_on_min_copies: int = Field(ge=1)
    serving_min_copies: int = Field(ge=0)
    busy_listener_in_flight: float | None = Field(
        None,
        gt=0,
        description="Requests in flight on average from which a listener (a service answering clients) keeps "
        "always_on_min_copies, one per Availability Zone, whatever its pattern; none: serving_min_copies.",
    )
    busy_listener_source: str = ""
    node_reserved_memory_mb: float = Field(ge=0)
    node_reserved_memory_source: str
    node_kernel_memory_share: float = Field(
        0.0, ge=0, lt=1, description="Share of a node's installed memory its kernel keeps, when more than the reserve."
    )
    node_kernel_memory_source: str = (
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html"
    )
    kubelet_reserved_cpu: KubeletReserve | None = Field(
        None, description="The vCPU an EKS node keeps from pods (none given: pods may ask for every vCPU)."
    )
    kubelet_reserved_memory: KubeletMemory | None = Field(
        None, description="The memory an EKS node keeps from pods, and the pods it may run (none given: all of it)."
    )
    root_volume_gb: float = Field(30, ge=0, description="EBS root volume of each EC2 node, GB (gp3).")
    root_volume_source: str = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html"
    windows_root_volume_gb: float = Field(
        50, ge=0, description="EBS root volume of each Windows EC2 node, GB (gp3): Windows Server takes more of it."
    )
    windows_root_volume_source: str = (
        "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/eks/aws.sdk.kotlin.services.eks.model/"
        "-create-nodegroup-request/disk-size.html"
    )
    node_scratch_included_gb: float = Field(
        20,
        ge=0,
        description="Scratch disk a node's root volume holds for its copies, GB; copies needing more get a larger "
        "volume (runtime.ephemeral_storage_gb × copies a node, beyond this).",
    )
    eks_fargate_system_pods: int = Field(
        2, ge=0, description="CoreDNS pods a new EKS cluster of Fargate pods alone runs on Fargate too (2 replicas)."
    )
    eks_fargate_system_pod_vcpu: float = Field(0.25, gt=0, description="vCPU each such pod is billed for on Fargate.")
    eks_fargate_system_pod_gb: float = Field(0.5, gt=0, description="GB each such pod is billed for on Fargate.")
    eks_fargate_system_pods_source: str = "https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html"
    eks_fargate_balancer_pods: int = Field(
        2, ge=0, description="AWS Load Balancer Controller pods such a cluster runs on Fargate for a load balancer."
    )
    eks_fargate_balancer_pods_source: str = "https://repost.aws/knowledge-center/eks-alb-ingress-controller-fargate"
    fargate_minimum_billed_s: float = Field(ge=0)
    fargate_minimum_billed_source: str
    lambda_concurrency_quota: int = Field(ge=1)
    lambda_concurrency_quota_source: str
    queue_worker_utilisation: float = Field(
        0.7,
        gt=0,
        le=1,
        description="Share of a queue worker copy's capacity used on average: below the 0.7 of a listener, since "
        "copies scale on queue depth after a lag and stay ahead of the backlog.",
    )
    scale_in_lag_minutes: float = Field(
        15.0,
        ge=0,
        le=60,
        description="How long a container service's copies outlast a busier hour before scaling in (hourly profiles).",
    )
    scale_in_lag_source: str = ""
    mode_tilt: float = Field(
        0.1,
        ge=0,
        le=1,
        description="How much dearer (a share) a capacity mode may be and still be chosen when it suits "
        "optimize_for: simplicity (less to run) or control (more control of the hosts).",
    )
    load_balancer_capacity_unit: LoadBalancerCapacity
    lambda_managed_instance_types: ManagedInstanceTypes | None = Field(
        None, description="The EC2 types Lambda Managed Instances offers; none: every type without a GPU."
    )
    eks_versions: tuple[KubernetesVersion, ...] = Field(
        (),
        description="Amazon EKS's Kubernetes release calendar, oldest version first: what a cluster's "
        "control.kubernetes_version pays for its control plane on a price book's date (decider/cost/kubernetes.py).",
    )
    score: CostScore
    uncertain: dict[str, str] = Field(default_factory=dict, description="Parameter → why it is not settled.")

    @model_validator(mode="after")
    def _calendar_in_order(self) -> "CostModel":
        minors = [entry.minor for entry in self.eks_versions]
        if minors != sorted(set(minors)):
            raise ValueError("eks_versions must list each Kubernetes version once, oldest first")
        for entry in self.eks_versions:
            if not entry.end_of_standard_support < entry.end_of_extended_support:
                raise ValueError(
                    f"eks_versions {entry.version}: end_of_standard_support ({entry.end_of_standard_support}) must "
                    f"come before end_of_extended_support ({entry.end_of_extended_support})"
                )
        return self

    def busy_listener(self, in_flight: float) -> bool:
        """Whether a listener with ``in_flight`` requests in flight on average is busy at every moment, so keeps a
        copy per Availability Zone (``busy_listener_in_flight``): a request arrives while its one copy is replaced,
        or its zone is down, whenever that happens."""
        return self.busy_listener_in_flight is not None and in_flight >= self.busy_listener_in_flight
