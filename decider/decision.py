"""The decision contract (DESIGN §5): frozen models whose JSON is the API's answer and the CLI's ``--format json``;
each ranked target carries its sizing (what to configure), described for people by decider/render/sizing.py."""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

from collections.abc import Collection, ItemsView, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from decider.leads import leads

Scaling = Literal["always-on", "serving", "scale-to-zero", "per-run"]
FrontDoor = Literal[
    "api-gateway-http-api",
    "api-gateway-rest-api",
    "api-gateway-websocket-api",
    "application-load-balancer",
    "network-load-balancer",
    "lambda-function-url",
]
Purchase = Literal["on-demand", "spot", "savings-plan-1yr", "savings-plan-3yr"]


# defer_build: a validator is built when first used, not at import (the nested models' go into ``Decision``'s).
class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Setting(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def items(self) -> ItemsView[str, Any]:
        """Setting name → value pairs (units in the names), for renderers that list what to configure."""
        return self.model_dump(exclude_none=True).items()


class ModeOption(_Frozen):
    """A capacity mode decider considered for a target, with its bill or what kept it out."""

    mode: str = Field(description="Mode id (targets.yaml), e.g. managed-instances, auto-mode, spot.")
    name: str
    monthly_usd: float | None = Field(
        description="The month's bill in this mode at the workload's volume; null when the mode is kept out or has "
        "no price in the region."
    )
    chosen: bool
    excluded_by: tuple[str, ...] = Field((), description="Ids of the rules that keep this mode out.")
    note: str = Field(description="Why it was chosen or not.")


MODE_DESCRIPTION = "Capacity mode chosen (targets.yaml): on-demand, managed-instances, spot, managed-node-group, ..."
SCHEDULED = (
    "With an hourly profile and copies decider keeps up for bursts: the copies to keep up in each hour of the profile "
    "(hour 0 first, 24 or 168 values; min_copies holds the quietest), as the bill keeps them: set them as scheduled "
    "scaling (Application Auto Scaling scheduled actions, or a cron-driven autoscaler on EKS). Null otherwise."
)
SCHEDULED_WARM = (
    "With an hourly profile and environments decider keeps warm for bursts: the provisioned concurrency to keep in "
    "each hour of the profile (hour 0 first), as the bill keeps it (scheduled actions on the alias). Null otherwise."
)
MODES_DESCRIPTION = "Every mode considered, with its bill or the rules that keep it out, the chosen one included."


class LambdaSizing(_Setting):
    """A Lambda function's configuration."""

    kind: Literal["lambda"] = "lambda"
    memory_mb: int = Field(description="Memory setting; vCPU share follows it (1,769 MB per vCPU).")
    vcpu_equivalent: float = Field(description="vCPUs this memory setting gives.")
    architecture: Literal["x86_64", "arm64"]
    ephemeral_storage_mb: int = Field(
        description="Ephemeral storage (the function's temporary directory); above 512 MB it is billed."
    )
    package_type: Literal["zip", "image"] = Field("zip", description="image past the 250 MB a .zip holds unzipped")
    timeout_s: int | None = Field(
        None,
        description="Function timeout to configure, seconds: the longest run, and a start past the 10 s Lambda gives "
        "the Init phase, which it then retries inside the first invocation under this timeout; at most 900.",
    )
    peak_concurrency: int = Field(description="Executions in flight at peak (peak rate × average duration).")
    burst_concurrency: int | None = Field(
        None,
        description="Executions at once while a burst of clients starts cold, when more than peak_concurrency: each "
        "request past what the warm environments serve holds a new environment through its start and the request.",
    )
    concurrency_quota: int = Field(description="The Region's default concurrent-execution quota.")
    within_default_quota: bool = Field(
        description="The most executions at once (peak_concurrency, or burst_concurrency when given) within the quota."
    )
    gb_seconds_per_month: float
    purchase: Purchase
    front_door: FrontDoor | None = None
    mode: str | None = Field(None, description=MODE_DESCRIPTION)
    modes: tuple[ModeOption, ...] = Field((), description=MODES_DESCRIPTION)
    provisioned_concurrency: int | None = Field(
        None,
        description="Environments kept warm with provisioned concurrency (billed): as given, for bursts whose cold "
        "starts would miss the latency target, or for steady traffic where they cost less than on demand; none: on "
        "demand only.",
    )
    scheduled_provisioned_concurrency: tuple[int, ...] | None = Field(None, description=SCHEDULED_WARM)


class FargateSizing(_Setting):
    """An ECS service or scheduled task on Fargate."""

    kind: Literal["fargate"] = "fargate"
    task_vcpu: float = Field(description="Task CPU, a valid Fargate size.")
    task_memory_gb: float = Field(description="Task memory, valid for task_vcpu.")
    os: Literal["linux", "windows"]
    architecture: Literal["x86_64", "arm64"]
    ephemeral_storage_gb: float = Field(description="Task storage; 20 GB are included, more is billed.")
    capacity_provider: Literal["FARGATE", "FARGATE_SPOT"]
    scaling: Scaling
    concurrency_per_copy: int
    utilisation_target: float
    min_copies: int
    desired_copies: int = Field(description="Copies at average load.")
    max_copies: int = Field(description="Copies at peak load.")
    scheduled_min_copies: tuple[int, ...] | None = Field(None, description=SCHEDULED)
    task_hours_per_month: float
    purchase: Purchase
    connections_per_copy: int | None = Field(
        None,
        description="Open connections one copy holds (WebSocket work): copies never drop below those that hold them.",
    )
    front_door: FrontDoor | None = None
    mode: str | None = Field(None, description=MODE_DESCRIPTION)
    modes: tuple[ModeOption, ...] = Field((), description=MODES_DESCRIPTION)


class InstanceSizing(_Setting):
    """Container copies packed onto EC2 instances (ECS on EC2, ECS Managed Instances, EKS nodes)."""

    kind: Literal["instances"] = "instances"
    instance_type: str
    instance_vcpu: float
    instance_memory_gib: float
    instance_gpu: int
    architecture: Literal["x86_64", "arm64"]
    os: Literal["linux", "windows"]
    copy_vcpu: float
    copy_memory_mb: int
    copy_gpu: int
    copies_per_instance: int = Field(description="Copies that fit on one instance (CPU, memory, GPU).")
    scaling: Scaling
    concurrency_per_copy: int
    utilisation_target: float
    min_copies: int
    desired_copies: int
    max_copies: int
    scheduled_min_copies: tuple[int, ...] | None = Field(None, description=SCHEDULED)
    min_instances: int
    desired_instances: int
    max_instances: int
    instance_hours_per_month: float
    purchase: Purchase
    connections_per_copy: int | None = Field(
        None,
        description="Open connections one copy holds (WebSocket work): copies never drop below those that hold them.",
    )
    management_fee: bool = Field(description="ECS Managed Instances bills a fee per instance-hour.")
    control_plane: Literal["eks-standard-support", "eks-extended-support"] | None = Field(
        None,
        description="An EKS cluster's control plane: in extended support when control.kubernetes_version is past its "
        "standard support on the price book's date.",
    )
    shared_nodes: bool = Field(
        False,
        description="The copies go on the team's existing EKS cluster (team.current_platform eks, no "
        "team.new_cluster): billed as their share of its nodes (copy-hours ÷ copies per instance), with no node "
        "of their own and no minimum; min_instances is then 0.",
    )
    front_door: FrontDoor | None = None
    mode: str | None = Field(None, description=MODE_DESCRIPTION)
    modes: tuple[ModeOption, ...] = Field((), description=MODES_DESCRIPTION)


Sizing = Annotated[LambdaSizing | FargateSizing | InstanceSizing, Field(discriminator="kind")]


class Reason(_Frozen):
    """One rule that moved a target's score, with the points it moved it by (after category weights)."""

    rule: str = Field(description="Id of the rule that fired.")
    category: str
    impact: float = Field(description="Points added to (or taken from) the target's score.")
    message: str
    source: str = Field(description="Where the fact or criterion behind the rule comes from.")


class ExclusionReason(_Frozen):
    """One hard limit that keeps a target out."""

    rule: str
    category: str
    message: str
    source: str


class CostLine(_Frozen):
    """One line of a monthly bill: quantity × unit price."""

    item: str
    quantity: float
    unit: str
    unit_price_usd: float
    usd: float


class MonthlyCost(_Frozen):
    total_usd: float
    lines: tuple[CostLine, ...]


class RankedTarget(_Frozen):
    """An eligible target: its score, why, what it costs and how to configure it."""

    target: str
    name: str = Field(description="Display name of the target.")
    score: float = Field(description="Base score plus the sum of the reasons' impacts.")
    monthly_cost: MonthlyCost | None = None
    no_price: str | None = Field(
        None,
        description="Why the target has no monthly cost: a price the region's price book leaves out ('no price in "
        "this region: ...'), or no instance type in the catalogue holds one copy.",
    )
    sizing: Sizing | None = Field(
        None, description="What to configure: memory setting, task size and copies, or instance type and count."
    )
    reasons: tuple[Reason, ...]


class Exclusion(_Frozen):
    """A target that cannot run the workload, with every limit that keeps it out."""

    target: str
    name: str
    reasons: tuple[ExclusionReason, ...]


class BreakEven(_Frozen):
    """Monthly request volume at which ``versus`` and ``target`` cost the same (other fields and sizing held)."""

    target: str = Field(description="The target that is cheaper above the volume.")
    versus: str = Field(description="The target that is cheaper below the volume.")
    requests_per_month: float
    resized_requests_per_month: float | None = Field(
        None,
        description="Where the cheaper of the two changes when each target is sized anew for the volume, as a rerun "
        "with only traffic.requests_per_month changed prices them (the engine priced both there); said in "
        "what_would_change. Null when not sought (a crossing not said in words, or no counterfactual search) or when "
        "their order does not change within four times past requests_per_month.",
    )
    resized_until_requests_per_month: float | None = Field(
        None,
        description="How far past resized_requests_per_month (further from today's volume) the target cheaper there "
        "stays cheaper, each target sized anew: the farthest volume checked (1.2, 2 and 5 times past, within the range "
        "said), or for a band (cheaper over a range of volumes only: an instance type or a capacity mode that prices "
        "some volumes well) its far end; said in what_would_change. Null when not sought.",
    )
    resized_again_requests_per_month: float | None = Field(
        None,
        description="For a band, the volume past resized_until_requests_per_month (within 5% of it) where the other "
        "is cheaper again, each target sized anew; said in what_would_change. Null for a threshold, or not sought.",
    )
    resized_turns_requests_per_month: float | None = Field(
        None,
        description="For a band whose target is cheaper again past resized_again_requests_per_month, the volume where "
        "it is, each target sized anew; said in what_would_change. Null otherwise.",
    )
    resized_turns_until_requests_per_month: float | None = Field(
        None,
        description="How far past resized_turns_requests_per_month the band's target was found still cheaper (as "
        "resized_until_requests_per_month says for a threshold); null when the two may take turns again past it.",
    )


class CostPoint(_Frozen):
    """A target's monthly bill at one traffic volume, its sizing held."""

    requests_per_month: float
    monthly_usd: float


class CostCurve(_Frozen):
    """One eligible target's monthly bill over a range of traffic (the data behind the cost-vs-traffic chart)."""

    target: str
    points: tuple[CostPoint, ...] = Field(description="Traffic volumes in ascending order, each with its bill.")


class Counterfactual(_Frozen):
    """A change to the workload that the engine tried, and the recommendation it gave with the change applied."""

    change: dict[str, Any] = Field(
        description='Dotted workload paths and the values tried, e.g. {"traffic.requests_per_month": 13000000}.'
    )
    recommendation: str | None = Field(description="The target recommended with the change applied.")
    message: str
    kind: Literal["assumption", "cost-crossing", "exclusion", "preference"] = Field(
        description="What was tried: an assumed default at another value, a volume past a cost crossing, an "
        "excluded target's limits relaxed, or a preference flipped."
    )


class RulesetInfo(_Frozen):
    version: str
    digest: str


class PricingInfo(_Frozen):
    """The price book a decision's costs come from."""

    region: str
    as_of: str
    currency: str
    digest: str = Field(description="Content digest of the price book, organisation overrides included.")


class Decision(_Frozen):
    """A ranked, explained recommendation for one workload."""

    name: str | None = Field(None, description="The workload's label, when it has one.")
    recommendation: str | None = Field(description="Best target id; null only when every target is excluded.")
    summary: str
    ranking: tuple[RankedTarget, ...]
    excluded: tuple[Exclusion, ...]
    what_would_change: tuple[str, ...]
    break_even: tuple[BreakEven, ...] = ()
    counterfactuals: tuple[Counterfactual, ...] = Field(
        (),
        description="Changes the engine tried and that change the recommendation, each verified by deciding again.",
    )
    cost_curve: tuple[CostCurve, ...] = Field(
        (),
        description="Each eligible target's monthly bill from 0.1× to 10× the workload's requests per month "
        "(log-spaced, break-even volumes in that range included), ranking order. Filled in when the answer carries "
        "advice.",
    )
    assumptions: tuple[str, ...] = Field(description="Every default decider applied; decisive ones first.")
    decisive_assumptions: tuple[str, ...] = Field(
        (), description="Paths of the defaults whose other plausible values change the recommendation."
    )
    warnings: tuple[str, ...] = Field(
        (),
        description="Inputs that contradict each other (an average duration longer than the longest) or look "
        "implausible (a load beyond quotas or thousands of copies), and why.",
    )
    ruleset: RulesetInfo
    pricing: PricingInfo | None = None

    _relative: frozenset[str] = PrivateAttr(frozenset())
    """Criteria computed from the bills, whose points measure each target against the cheapest (``leads``)."""
    _pleading: frozenset[str] = PrivateAttr(frozenset())
    """Rules whose points, as written, make another target's case (``decider.explain.pleading``): no reason the
    recommendation wins. The engine sets both; a decision read back from JSON has neither."""
    _shared: Mapping[str, str] = PrivateAttr(default_factory=dict)
    """The rules that carry one criterion with another (a rule's ``shares_with``), which count as one (``leads``)."""

    def with_leads(
        self, relative: Collection[str], pleading: Collection[str], shared: Mapping[str, str] | None = None
    ) -> Self:
        """This decision, knowing which criteria are relative, which rules plead for an excluded target and which
        share a criterion, so that its leads are the summary's (the engine calls this once, on the decision it
        returns)."""
        self._relative, self._pleading, self._shared = frozenset(relative), frozenset(pleading), dict(shared or {})
        return self

    def __eq__(self, other: object) -> bool:
        """Decisions are equal when their fields are: what the engine knows beside them (``_relative``,
        ``_pleading``) is not part of the answer, and a decision read back from its JSON equals the one written."""
        if not isinstance(other, Decision):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    __hash__ = _Frozen.__hash__

    @property
    def pleading(self) -> frozenset[str]:
        """The rules that make another target's case (``_pleading``): no reason the recommendation wins."""
        return self._pleading

    @cached_property
    def deciding(self) -> tuple[tuple[float, str], ...]:
        """The rules that put the recommendation ahead of the runner-up, biggest lead first (computed once)."""
        return self.leads_over(self.ranking[1].target) if len(self.ranking) > 1 else ()

    def leads_over(self, target: str) -> tuple[tuple[float, str], ...]:
        """The rules that put the recommendation ahead of ``target`` (a ranked target), biggest lead first, leaving
        out a rule that makes another target's case unless only such rules put it ahead, and a cost lead of a
        recommendation without a bill: the reasons the summary gives (``decider.explain.deciding_reasons``)."""
        other, bill = next(entry for entry in self.ranking if entry.target == target), self.ranking[0].monthly_cost
        ahead = ((reason.rule, reason.impact) for reason in self.ranking[0].reasons)
        found = leads(ahead, ((reason.rule, reason.impact) for reason in other.reasons), self._relative, self._shared)
        found = tuple(item for item in found if bill is not None or item[1] not in self._relative)
        return tuple(item for item in found if item[1] not in self._pleading) or found
