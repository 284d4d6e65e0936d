"""The decision contract (DESIGN §5): frozen models whose JSON is the API's answer and the CLI's ``--format json``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from decider.sizing import Sizing


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
    assumptions: tuple[str, ...]
    ruleset: RulesetInfo
    pricing: PricingInfo | None = None
