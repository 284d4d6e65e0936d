"""Price books: one dated, sourced set of AWS list prices per region, loaded from ``rules/pricing/<region>.yaml``.

A price book is data only. Loading checks that every price the cost model needs is present, has a ``source:`` URL
and a sane value, and reports every problem at once, so a gap fails at start-up and never at request time.
``rules/pricing/model.yaml`` holds the cost model's parameters (minimum copies, LCU dimensions, the cost score).
"""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

import hashlib
import json
import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Architecture = Literal["x86_64", "arm64"]
InstanceFamily = Literal["general", "compute", "memory", "burstable", "gpu"]
_URL = re.compile(r"https?://\S")  # a URL first (match: at the start); a note may follow (version, date)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ABSENT = "ec2.instances["  # a missing: key naming an instance type the catalogue leaves out


class _Data(BaseModel):
    # Validators built on first use, not at import: only PriceBook's is used (its sections' schemas are part of it).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class _Sourced(_Data):
    source: str = Field(description="Where the figure comes from (an http(s) URL).")
    uncertain: str | None = Field(None, description="Why the figure is not settled, when it is not.")
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _url(cls, value: str) -> str:
        if not _URL.match(value):
            raise ValueError("must start with an http(s) URL")
        return value


class Price(_Sourced):
    """One list price: ``usd`` per ``unit``."""

    usd: float = Field(ge=0)
    unit: str


class Tier(_Data):
    """A volume tier: ``usd`` per unit for monthly usage up to ``up_to`` units (the last tier has no bound)."""

    up_to: float | None = Field(None, gt=0)
    usd: float = Field(ge=0)


class TieredPrice(_Sourced):
    """A price that falls as monthly usage crosses tier bounds."""

    unit: str
    tiers: tuple[Tier, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        bounds = [tier.up_to for tier in self.tiers]
        if bounds[-1] is not None:
            raise ValueError("the last tier has no 'up_to' (it covers all further usage)")
        finite = [bound for bound in bounds[:-1] if bound is not None]
        if len(finite) != len(bounds) - 1 or finite != sorted(set(finite)):
            raise ValueError("tier bounds 'up_to' must rise and only the last tier may omit it")
        return self


class Allowance(_Sourced):
    quantity: float = Field(ge=0)
    unit: str


class Discount(_Sourced):
    """A share taken off a price (0.7 = 70% off)."""

    fraction: float = Field(ge=0, lt=1)


class LambdaPrices(_Data):
    request: Price
    duration: dict[Architecture, TieredPrice]
    ephemeral_storage: Price | None = None
    """Ephemeral storage above 512 MB; None when the book has no sourced price for it (a function that needs more
    storage then has no price in this region)."""
    free_tier_requests: Allowance
    free_tier_gb_seconds: Allowance
    response_streaming: Price | None = None
    """Bytes a streamed response carries past its first 6 MB (``InvokeWithResponseStream``, a function URL in
    RESPONSE_STREAM mode); None when the book has no sourced price for it."""
    free_tier_response_streaming_gb: Allowance | None = None
    """The streamed bytes the free tier covers each month."""
    provisioned_concurrency: dict[Architecture, Price] | None = None
    """Provisioned concurrency kept configured, per GB-second of the environments' memory; None when the book has no
    sourced price for it (environments kept warm, runtime.provisioned_concurrency, then have no price there)."""
    provisioned_duration: dict[Architecture, Price] | None = None
    """The work run on provisioned environments, per GB-second (below the on-demand duration rate); None when the book
    has no sourced price for it (that work is then billed at the on-demand rate, an upper bound)."""

    @field_validator("duration")
    @classmethod
    def _both_architectures(cls, value: dict[str, TieredPrice]) -> dict[str, TieredPrice]:
        missing = [arch for arch in ("x86_64", "arm64") if arch not in value]
        if missing:
            raise ValueError(f"missing duration price for {', '.join(missing)}")
        return value


class FargatePlatform(_Data):
    vcpu_hour: Price
    gb_hour: Price
    os_license_vcpu_hour: Price | None = None


class FargatePrices(_Data):
    """Fargate prices; a platform (or the storage price) is None when the book has no sourced figure for it."""

    linux_x86_64: FargatePlatform | None = None
    linux_arm64: FargatePlatform | None = None
    windows_x86_64: FargatePlatform | None = None
    ephemeral_storage_gb_hour: Price | None = None
    included_ephemeral_storage_gb: Allowance
    spot_discount: Discount

    @model_validator(mode="after")
    def _windows_licence(self) -> Self:
        if self.windows_x86_64 is not None and self.windows_x86_64.os_license_vcpu_hour is None:
            raise ValueError("windows_x86_64 needs os_license_vcpu_hour (the Windows licence fee)")
        return self


class Instance(_Sourced):
    """One EC2 instance type: its size and on-demand Linux price per hour."""

    type: str = Field(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
    family: InstanceFamily
    architecture: Architecture
    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)
    gpu: int = Field(0, ge=0)
    usd_per_hour: float = Field(gt=0)
    managed_instances_fee_usd_per_hour: float | None = Field(
        None, ge=0, description="Published ECS Managed Instances fee for this type, when AWS gives one."
    )

    @property
    def type_family(self) -> str:
        return self.type.split(".", 1)[0]


class Ec2Prices(_Data):
    instances: tuple[Instance, ...] = Field(
        description="The instance catalogue; empty when no instance price is sourced for the region."
    )
    windows_license_vcpu_hour: Price | None = None
    spot_discount: Discount

    @field_validator("instances")
    @classmethod
    def _unique(cls, value: tuple[Instance, ...]) -> tuple[Instance, ...]:
        seen: set[str] = set()
        for instance in value:
            if instance.type in seen:
                raise ValueError(f"instance type {instance.type} is listed twice")
            seen.add(instance.type)
        return value


class ManagedInstancesPrices(_Data):
    fee_fraction: Discount = Field(description="Management fee as a share of the on-demand instance price.")


class EksPrices(_Data):
    control_plane_hour: Price
    extended_support_control_plane_hour: Price


class LoadBalancerPrices(_Data):
    alb_hour: Price
    alb_lcu_hour: Price
    nlb_hour: Price
    nlb_lcu_hour: Price


class ApiGatewayPrices(_Data):
    http_api: TieredPrice
    rest_api: TieredPrice
    websocket_messages: TieredPrice | None = None
    """WebSocket API messages sent or received, metered in 32 KB increments; None when the book does not price them."""
    websocket_connection_minutes: Price | None = None


class NetworkPrices(_Data):
    """The lines a real bill has besides compute: NAT gateways, data transfer out, CloudWatch Logs, EBS volumes."""

    nat_gateway_hour: Price
    nat_gateway_gb: Price
    data_transfer_out: TieredPrice
    data_transfer_out_free: Allowance
    logs_ingested_gb: Price
    logs_stored_gb_month: Price
    logs_free: Allowance | None = None
    """GB ingested, and GB-months stored, the CloudWatch free tier covers each month (with preferences.free_tier)."""
    ebs_gp3_gb_month: Price


class SavingsPlanDiscounts(_Data):
    one_year: Discount = Field(alias="1yr")
    three_year: Discount = Field(alias="3yr")

    def for_term(self, term: str) -> Discount | None:
        return {"1yr": self.one_year, "3yr": self.three_year}.get(term)


class SavingsPlans(_Data):
    """Shares off on-demand for a no-upfront commitment: a Compute Savings Plan per service, and an EC2 Instance
    Savings Plan (one instance family in one region) for the instance targets when a workload asks for one."""

    lambda_: SavingsPlanDiscounts = Field(alias="lambda")
    fargate: SavingsPlanDiscounts
    ec2: SavingsPlanDiscounts
    ec2_instance: SavingsPlanDiscounts


class LambdaManagedInstancesPrices(_Data):
    """Lambda Managed Instances: functions on EC2 instances in the account, billed per request, per instance-hour
    and a management fee; at least ``minimum_instances`` run, each execution environment at least the minimum size."""

    request: Price
    fee_fraction: Discount = Field(description="Management fee as a share of the on-demand instance price.")
    minimum_instances: Allowance
    minimum_environment_memory_mb: Allowance
    minimum_environment_vcpu: Allowance


class EksAutoModePrices(_Data):
    fee_fraction: Discount = Field(description="Auto Mode fee per instance-hour as a share of its on-demand price.")


class EksFargatePrices(_Data):
    pod_memory_overhead_mb: Allowance = Field(description="Memory EKS adds to each Fargate pod before sizing it.")


class ModePrices(_Data):
    """Prices of the capacity modes (``modes:`` in a price book); a mode without its prices is not chosen there.
    Fargate Spot and EC2 Spot take ``fargate.spot_discount`` and ``ec2.spot_discount``."""

    lambda_managed_instances: LambdaManagedInstancesPrices | None = None
    eks_auto_mode: EksAutoModePrices | None = None
    eks_fargate: EksFargatePrices | None = None


class PriceBook(_Data):
    """Every price the cost model needs for one region, with its date and currency."""

    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    currency: Literal["USD"]
    as_of: str = Field(description="Date the prices were read (YYYY-MM-DD).")
    hours_per_month: float = Field(730, gt=0)
    lambda_: LambdaPrices = Field(alias="lambda")
    fargate: FargatePrices | None = None
    ec2: Ec2Prices
    managed_instances: ManagedInstancesPrices
    eks: EksPrices
    load_balancers: LoadBalancerPrices | None = None
    api_gateway: ApiGatewayPrices | None = None
    savings_plans: SavingsPlans
    network: NetworkPrices | None = None
    missing: dict[str, str] = Field(
        default_factory=dict,
        description="Price paths this book leaves out (dotted, e.g. 'fargate.windows_x86_64') and why: no sourced "
        "figure for the region. A target whose bill needs one has no price in this region. 'ec2.instances[<type>]' "
        "names an instance type the catalogue leaves out (not offered or not sourced in the region).",
    )
    floors: dict[str, str] = Field(
        default_factory=dict,
        description="Price paths whose figures are another region's, taken as a floor where no source gives this "
        "region's (dotted, e.g. 'load_balancers'), and why. The bill lines priced from them say so.",
    )
    modes: ModePrices = Field(default_factory=ModePrices)

    @field_validator("as_of")
    @classmethod
    def _date(cls, value: str) -> str:
        if not _DATE.match(value):
            raise ValueError("must be a date YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _gaps_explained(self) -> Self:
        unexplained = [path for path in self.gaps() if not self.explains(path)]
        if unexplained:
            raise ValueError(
                f"leaves out {', '.join(unexplained)} without saying why: add each to 'missing:' with the reason"
            )
        listed = sorted(name for name in self.absent_types() if self.instance(name) is not None)
        if listed:
            raise ValueError(f"missing: names {', '.join(listed)} as left out, but ec2.instances lists it")
        unpriced = sorted(path for path in self.floors if path in self.gaps() or path in self.missing)
        if unpriced:
            raise ValueError(f"floors: names {', '.join(unpriced)}, which the book does not price")
        return self

    def gaps(self) -> list[str]:
        """The prices the cost model reads that this book leaves out (dotted paths)."""
        found = []
        if self.lambda_.ephemeral_storage is None:
            found.append("lambda.ephemeral_storage")
        if self.lambda_.response_streaming is None:
            found.append("lambda.response_streaming")
        if self.lambda_.provisioned_concurrency is None:
            found.append("lambda.provisioned_concurrency")
        if self.lambda_.provisioned_duration is None:
            found.append("lambda.provisioned_duration")
        if self.fargate is None:
            found.append("fargate")
        else:
            found.extend(
                f"fargate.{name}"
                for name in ("linux_x86_64", "linux_arm64", "windows_x86_64", "ephemeral_storage_gb_hour")
                if getattr(self.fargate, name) is None
            )
        if not self.ec2.instances:
            found.append("ec2.instances")
        if self.ec2.windows_license_vcpu_hour is None:
            found.append("ec2.windows_license_vcpu_hour")
        found.extend(name for name in ("load_balancers", "api_gateway", "network") if getattr(self, name) is None)
        return found

    def explains(self, path: str) -> str | None:
        """Why the book leaves ``path`` out: its own ``missing:`` entry or its nearest parent's."""
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            reason = self.missing.get(".".join(parts[:end]))
            if reason:
                return reason
        return None

    def absent_types(self) -> dict[str, str]:
        """Instance types the catalogue leaves out (``missing: ec2.instances[<type>]``), with the reason."""
        return {
            path[len(_ABSENT) : -1]: why
            for path, why in self.missing.items()
            if path.startswith(_ABSENT) and path.endswith("]")
        }

    def instance(self, instance_type: str) -> Instance | None:
        for instance in self.ec2.instances:
            if instance.type == instance_type:
                return instance
        return None

    def summary(self) -> dict[str, Any]:
        """The price book as plain JSON-ready data, keys as in the YAML file (what ``GET /pricing`` serves)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (with ``update`` laid over it) whose ``digest`` is computed from its own prices, not carried over."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("digest", None)
        return copied

    @cached_property
    def digest(self) -> str:
        """A content digest of every price, so a decision names the exact prices it used (overrides included)."""
        encoded = json.dumps(self.summary(), sort_keys=True, separators=(",", ":")).encode()
        return "sha256:" + hashlib.sha256(encoded).hexdigest()

    def uncertain(self) -> list[tuple[str, str]]:
        """Every figure marked uncertain, as (path, reason)."""
        found: list[tuple[str, str]] = []
        _collect_uncertain(self.summary(), "", found)
        return found


def _collect_uncertain(data: Any, path: str, found: list[tuple[str, str]]) -> None:
    if isinstance(data, Mapping):
        if isinstance(data.get("uncertain"), str):
            label = f"{path}[{data['type']}]" if "type" in data else path
            found.append((label, data["uncertain"]))
        for key, value in data.items():
            if key != "uncertain":
                _collect_uncertain(value, f"{path}.{key}" if path else str(key), found)
    elif isinstance(data, list):
        for item in data:
            _collect_uncertain(item, path, found)
