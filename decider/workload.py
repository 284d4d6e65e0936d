"""The workload contract (DESIGN §4): frozen models, validation with did-you-mean, defaults reported as assumptions."""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from decider.copy_cpu import container_vcpu_for
from decider.defaults_said import MOST_COPIES, for_bursts, front_door_assumption, vcpu_assumption
from decider.errors import Problem, WorkloadError, json_type
from decider.known_names import InstanceNames, Region
from decider.kubernetes_version import KubernetesVersion
from decider.network import FrontDoorChoice, Network
from decider.network import Section as _Section
from decider.numbers import number as _num
from decider.numbers import show as _show
from decider.peak_assumed import unnamed_peak
from decider.synonyms import SYNONYMS
from decider.traffic_profile import PROFILE_FIELD, HourlyProfile, peak_factor
from decider.validation import (
    PLAIN_WORDS,
    Label,
    Wording,
    arrays_as_tuples,
    field_bounds,
    fields_at,
    list_choices,
    problems_from_validation,
)
from decider.websocket import connection_defaults

Architecture = Literal["x86_64", "arm64", "any"]
OperatingSystem = Literal["linux", "windows"]
Pattern = Literal["steady", "diurnal", "spiky", "scheduled", "event", "batch"]
Protocol = Literal["http", "grpc", "websocket", "tcp", "udp", "queue", "schedule"]
Experience = Literal["none", "some", "expert"]
OpsCapacity = Literal["low", "medium", "high"]
Platform = Literal["none", "lambda", "ecs", "eks", "ec2"]
OptimizeFor = Literal["balanced", "cost", "simplicity", "control"]
Commitment = Literal["none", "1yr", "3yr"]
SavingsPlanType = Literal["compute", "ec2-instance"]

SECONDS_PER_MONTH = 730 * 3600  # AWS prices a month as 730 hours
#: The longest average duration assumed for a serving workload from its max_duration_s alone (a fifth of it, capped).
DEFAULT_AVG_DURATION_CAP_MS = 2000.0
#: Peak-to-average request rate assumed for each traffic pattern when only one of the two is given.
PEAK_TO_AVERAGE: Mapping[str, float] = {
    "steady": 1.5, "diurnal": 3.0, "spiky": 10.0, "event": 10.0, "scheduled": 1.0, "batch": 1.0,
}  # fmt: skip
JOB_PATTERNS = frozenset({"scheduled", "batch"})
#: The pattern assumed from the protocols alone, when no pattern is given.
PATTERN_OF: Mapping[tuple[str, ...], str] = {("schedule",): "scheduled", ("queue",): "event"}
DEFAULT_REQUESTS_PER_MONTH = 1_000_000
#: Runs a month assumed for a job given no volume, one a day: a million runs of hours is a bill nobody asked about.
DEFAULT_RUNS_PER_MONTH = 30


class Runtime(_Section):
    """What one copy of the workload needs and how long its units of work take."""

    max_duration_s: float | None = Field(
        None, gt=0, le=31_536_000, description="Longest single unit of work, seconds. Default: avg_duration_ms, or 1 s."
    )
    avg_duration_ms: float | None = Field(
        None,
        gt=0,
        le=31_536_000_000,
        description="Typical time to serve one request or event, ms. Default: max_duration_s/5 for request-driven "
        "patterns, max_duration_s for scheduled and batch work.",
    )
    memory_mb: int = Field(512, ge=1, le=33_554_432, description="Memory one copy needs, MB (up to 32 TiB).")
    vcpu: float | None = Field(None, gt=0, le=896, description="vCPUs one copy needs; none: Lambda sized by memory.")
    gpu: int = Field(0, ge=0, le=16, description="GPUs per copy.")
    ephemeral_storage_gb: float = Field(0.5, ge=0, le=65_536, description="Scratch disk per copy, GB.")
    artifact_mb: float = Field(100, ge=0, le=100_000, description="Deployment package or container image size, MB.")
    architecture: Architecture = Field("any", description="CPU architecture the code is built for.")
    os: OperatingSystem = Field("linux", description="Operating system of the container or function.")
    startup_s: float = Field(1, ge=0, le=3600, description="Time for a new copy to become ready (cold start), s.")
    long_running: bool = Field(False, description="A process that stays up: listener, consumer, stream processor.")
    concurrency_per_copy: int = Field(
        1, ge=1, le=10_000, description="Requests a container copy or Managed Instances environment serves at once."
    )
    min_copies: int | None = Field(
        None,
        ge=0,
        le=MOST_COPIES,
        description="Container copies that always run (an ECS service's DesiredCount, a Deployment's replicas); "
        "none: the cost model's minimum for the kind of work.",
    )
    provisioned_concurrency: int | None = Field(
        None,
        ge=0,
        le=MOST_COPIES,
        description="AWS Lambda environments kept warm with provisioned concurrency (on demand); none: for a bursting "
        "service whose cold start misses its latency target, those its bursts need; for steady traffic (or by the "
        "hour of an hourly profile), those that cost less than on demand; else none.",
    )
    _burst_copies: int | None = PrivateAttr(None)  # min_copies and provisioned_concurrency assumed for bursts
    _warm_environments: tuple[int, float] | None = PrivateAttr(None)
    connections_per_copy: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="Open connections (WebSocket) one container copy holds. Default for WebSocket work: memory_mb at "
        "64 KB a connection, at most 65,535 (a Fargate container's open-file limit).",
    )


class Traffic(_Section):
    """How much work arrives and in what shape."""

    pattern: Pattern = Field("steady", description="Load shape. Default: scheduled if [schedule], event if [queue].")
    requests_per_month: float | None = Field(
        None,
        ge=0,
        le=1e13,
        description="Requests, events or runs per month. Default: from peak_rps and the pattern, else 1,000,000.",
    )
    peak_rps: float | None = Field(
        None, ge=0, le=10_000_000, description="Peak request rate. Default: average rate × the pattern's peak factor."
    )
    payload_mb: float = Field(0.1, ge=0, le=100_000, description="Largest request or response body, MB.")
    connections: float | None = Field(None, ge=0, le=1e9, description="WebSocket connections open on average.")
    protocols: tuple[Protocol, ...] | None = Field(
        None,
        min_length=1,
        description="How work arrives. Default: [schedule] for scheduled/batch, [queue] for event, else [http].",
    )
    latency_slo_ms: float | None = Field(None, gt=0, le=3_600_000, description="Optional p99 target incl. cold starts.")
    front_door: FrontDoorChoice | None = Field(None, description="What answers requests; not given: today's choice.")
    hourly_profile: HourlyProfile | None = PROFILE_FIELD
    bursts_per_day: float | None = Field(
        None, gt=0, le=1440, description="Bursts a day up to peak_rps. Default: 24 for a bursting service with an SLO."
    )


class Control(_Section):
    """What the workload needs from the host and the orchestrator."""

    privileged: bool = False
    host_daemons: bool = Field(False, description="An agent on every host (ECS DAEMON / Kubernetes DaemonSet).")
    sidecars: bool = False
    host_networking: bool = False
    custom_ami: bool = Field(False, description="Own OS image or kernel modules.")
    instance_types: InstanceNames = Field(
        (),
        description="EC2 families or types that are required, e.g. [p4d].",
    )
    kubernetes_api: bool = Field(False, description="Needs Kubernetes APIs: Helm charts, CRDs, operators.")
    portability: bool = Field(False, description="Must also run outside AWS.")
    kubernetes_version: KubernetesVersion = None


class Team(_Section):
    """Who runs the workload."""

    kubernetes_experience: Experience = "none"
    ops_capacity: OpsCapacity = "medium"
    current_platform: Platform = "none"
    new_cluster: bool = Field(
        False, description="A new cluster even on the current ECS/EKS platform: its fixed costs are billed to it."
    )


class Preferences(_Section):
    """What the decision should favour and where it is priced."""

    optimize_for: OptimizeFor = "balanced"
    region: Region = "us-east-1"
    commitment: Commitment = Field("none", description="Savings Plans term.")
    savings_plan: SavingsPlanType = Field(
        "compute",
        description="The plan a commitment buys for EC2 instances (Lambda Managed Instances' too): compute (also "
        "covers Fargate and Lambda) or ec2-instance (one family in one region, deeper; Fargate, Lambda keep compute).",
    )
    spot_ok: bool = Field(False, description="The work tolerates interruption (Spot capacity).")
    free_tier: bool = Field(False, description="Apply the AWS free tier to the bill.")


class Workload(_Section):
    """One workload description; every section and field is optional."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "checkout-api", "runtime": {"memory_mb": 1024}}]}
    )

    name: Label | None = Field(None, description="Free-text label (printable: no control characters).")
    # A section's default holds only its fields' defaults, nothing to validate: made without building a validator of
    # its own (the workload's validator, built when the first workload is validated, holds every section's).
    runtime: Runtime = Runtime.model_construct()
    traffic: Traffic = Traffic.model_construct()
    control: Control = Control.model_construct()
    team: Team = Team.model_construct()
    preferences: Preferences = Preferences.model_construct()
    network: Network = Network.model_construct()

    # Resolved values, set after parse_workload (checked in line: read hundreds of times a decision with advice).
    @property
    def max_duration_s(self) -> float:
        return value if (value := self.runtime.max_duration_s) is not None else _given(value)

    @property
    def avg_duration_s(self) -> float:
        return (value if (value := self.runtime.avg_duration_ms) is not None else _given(value)) / 1000.0

    @property
    def requests_per_month(self) -> float:
        return value if (value := self.traffic.requests_per_month) is not None else _given(value)

    @property
    def peak_rps(self) -> float:
        return value if (value := self.traffic.peak_rps) is not None else _given(value)

    @property
    def protocols(self) -> tuple[str, ...]:
        return value if (value := self.traffic.protocols) is not None else _given(value)


T = TypeVar("T")


def _given(value: T | None) -> T:
    if value is None:  # parse_workload resolves every default; a bare Workload() must go through it first
        raise ValueError("workload defaults not resolved: build workloads with parse_workload()")
    return value


@dataclass(frozen=True)
class ParsedWorkload:
    """A validated workload with every default resolved, and the assumptions that resolving made."""

    workload: Workload
    assumptions: tuple[str, ...]
    given: Workload | None = None
    """The workload as validated, defaults not yet resolved (what a counterfactual changes and resolves anew)."""
    defaults: tuple[tuple[str, Any], ...] = ()
    """Each field decider filled in (dotted path) with the value it assumed, in the order of ``assumptions``."""


SECTIONS: Mapping[str, type[BaseModel]] = {
    "runtime": Runtime,
    "traffic": Traffic,
    "control": Control,
    "team": Team,
    "preferences": Preferences,
    "network": Network,
}


def parse_workload(raw: Any, *, strict_json: bool = False) -> ParsedWorkload:
    """Validate a raw mapping (from YAML, JSON or a form) into a resolved Workload; raise WorkloadError on bad input.

    ``strict_json`` holds JSON types to the schema (an API body): 0 is not false and "5" is not 5 there. YAML files
    stay lenient; a JSON client that sends the wrong type has a bug worth hearing about.
    """
    return resolve_defaults(validate_workload(raw, strict_json=strict_json))


def validate_workload(raw: Any, *, strict_json: bool = False) -> Workload:
    """The validation half of parse_workload: the Workload as given, its defaults not yet resolved.

    An empty file (null) is "all defaults"; in JSON (``strict_json``) a workload must be an object.
    """
    if raw is None and not strict_json:
        raw = {}
    if not isinstance(raw, dict if strict_json else Mapping):
        raise WorkloadError(
            [Problem("", f"a workload must be a mapping of sections (a JSON object), got {json_type(raw)}")]
        )
    if strict_json:
        raw = arrays_as_tuples(raw)
    try:
        return Workload.model_validate(raw, strict=strict_json)
    except ValidationError as error:
        raise WorkloadError(problems_from_validation(error, wording=WORDING)) from None


_FIELD_PATHS = tuple(f"{section}.{name}" for section, model in SECTIONS.items() for name in model.model_fields)
_MAPPING = "must be a mapping of fields, got {type}"
WORDING = Wording(  # a workload's problems: the field, the value and what is allowed, with the nearest choice
    values="scalars-once",
    by_type={"model_type": _MAPPING, "dict_type": _MAPPING, **PLAIN_WORDS},
    fields=partial(fields_at, Workload),
    items=partial(list_choices, Workload),
    bounds=partial(field_bounds, Workload),
    fallback=_FIELD_PATHS,  # a field written in the wrong section (or at the top level): its full path
    choices=True,
    null="; leave the field out for its default",
    synonyms=SYNONYMS,  # bursty is spiky, k8s is eks: by meaning before spelling
)


def resolve_defaults(workload: Workload, *, record: bool = True) -> ParsedWorkload:
    """Fill every default that depends on other fields and report each default applied as an assumption (the plain
    field defaults only with ``record``: a counterfactual trial needs the workload, not the report)."""
    assumptions: list[str] = []
    defaults: list[tuple[str, Any]] = []
    runtime, traffic = workload.runtime, workload.traffic
    if traffic.hourly_profile is not None and len(set(traffic.hourly_profile)) == 1:  # flat: as none, every answer
        traffic = traffic.model_copy(update={"hourly_profile": None})
    pattern = PATTERN_OF.get(traffic.protocols or ()) if "pattern" not in traffic.model_fields_set else None
    if pattern is not None:  # work started by a schedule is a job; work taken off a queue arrives as events
        traffic = traffic.model_copy(update={"pattern": pattern})
        assumptions.append(f"traffic.pattern not given: assumed {pattern} (from traffic.protocols)")
        defaults.append(("traffic.pattern", pattern))
    is_job = traffic.pattern in JOB_PATTERNS

    max_s, avg_ms = runtime.max_duration_s, runtime.avg_duration_ms
    if max_s is None:
        max_s = avg_ms / 1000.0 if avg_ms is not None else 1.0
        basis = "avg_duration_ms" if avg_ms is not None else "a short run" if is_job else "a short request"
        assumptions.append(f"runtime.max_duration_s not given: assumed {_num(max_s)} s ({basis})")
        defaults.append(("runtime.max_duration_s", max_s))
    if avg_ms is None:
        if is_job:
            avg_ms, why = max_s * 1000.0, "the whole run for scheduled and batch work"
        elif max_s * 1000.0 / 5.0 > DEFAULT_AVG_DURATION_CAP_MS:
            avg_ms = DEFAULT_AVG_DURATION_CAP_MS
            why = "a fifth of max_duration_s, capped: a long limit bounds the slowest request, not the typical one"
        else:
            avg_ms, why = max_s * 1000.0 / 5.0, "a fifth of max_duration_s"
        assumptions.append(f"runtime.avg_duration_ms not given: assumed {_num(avg_ms)} ms ({why})")
        defaults.append(("runtime.avg_duration_ms", avg_ms))

    factor, shape = peak_factor(PEAK_TO_AVERAGE[traffic.pattern], traffic.pattern, traffic.hourly_profile)
    requests, peak = traffic.requests_per_month, traffic.peak_rps
    if requests is None:
        if peak is None and is_job:
            requests, basis = float(DEFAULT_RUNS_PER_MONTH), "a run a day"
        elif peak is None:
            requests = float(DEFAULT_REQUESTS_PER_MONTH)
            basis = "a modest default"
        else:
            requests = float(round(peak / factor * SECONDS_PER_MONTH))
            basis = f"peak_rps / {_num(factor)} for {shape} traffic, over 730 hours"
        assumptions.append(f"traffic.requests_per_month not given: assumed {requests:,.0f} ({basis})")
        defaults.append(("traffic.requests_per_month", requests))
    if peak is None:
        peak = requests / SECONDS_PER_MONTH * factor
        why = f"average rate × {_num(factor)} for {shape}"
        assumptions.append(f"traffic.peak_rps not given: assumed {_num(peak)} ({why})")
        defaults.append(("traffic.peak_rps", peak))

    if runtime.vcpu is None:
        assumptions.append(vcpu_assumption(runtime.memory_mb, runtime.concurrency_per_copy))
        defaults.append(("runtime.vcpu", container_vcpu_for(runtime.memory_mb, None, runtime.os)))

    protocols: tuple[str, ...]  # a set, in the enum's order: the answer reads alike whatever order they are given in
    if traffic.protocols is not None:
        protocols = tuple(name for name in get_args(Protocol) if name in traffic.protocols)
    elif traffic.pattern == "event" and traffic.front_door not in (None, "none"):  # a door answers clients' events
        protocols = ("http",)  # (webhooks), not a queue's: they arrive over HTTP (decider/advice.py ``door_moves``)
        assumptions.append(f"traffic.protocols not given: assumed [http] (traffic.front_door {traffic.front_door})")
        defaults.append(("traffic.protocols", protocols))
    else:
        protocols = ("schedule",) if is_job else ("queue",) if traffic.pattern == "event" else ("http",)
        assumptions.append(f"traffic.protocols not given: assumed [{', '.join(protocols)}]")
        defaults.append(("traffic.protocols", protocols))
    door = front_door_assumption(protocols) if traffic.front_door is None else None
    if door is not None:
        assumptions.append(door)

    rate = requests / SECONDS_PER_MONTH
    connections, per_copy = connection_defaults(traffic, runtime, "websocket" in protocols, rate, assumptions, defaults)
    kept, burst, warm, bursts = for_bursts(traffic, runtime, protocols, rate, avg_ms, assumptions, defaults, peak)
    assumptions.extend(unnamed_peak(traffic, runtime, protocols, rate, avg_ms, bursts, peak) if record else ())
    team = workload.team  # a team that runs EKS today has run Kubernetes
    if team.current_platform == "eks" and "kubernetes_experience" not in team.model_fields_set:
        team = team.model_copy(update={"kubernetes_experience": "some"})
        assumptions.append("team.kubernetes_experience not given: assumed some (the team runs EKS today)")
        defaults.append(("team.kubernetes_experience", "some"))

    derived = {path for path, _ in defaults}
    for section_name, section_type in SECTIONS.items() if record else ():  # the plain defaults, as assumptions
        given = getattr(workload, section_name).model_fields_set
        falsy: dict[str, list[str]] = {"false": [], "none": []}  # flags off, lists empty: one line each
        for field_name, field in section_type.model_fields.items():
            if field_name in given or field.default is None or f"{section_name}.{field_name}" in derived:
                continue
            defaults.append((f"{section_name}.{field_name}", field.default))
            if field.default is False or field.default == ():
                falsy["false" if field.default is False else "none"].append(f"{section_name}.{field_name}")
            else:
                assumptions.append(f"{section_name}.{field_name} not given: assumed {_show(field.default)}")
        assumptions.extend(f"{', '.join(paths)} not given: assumed {word}" for word, paths in falsy.items() if paths)

    sized = {"max_duration_s": max_s, "avg_duration_ms": avg_ms, "connections_per_copy": per_copy, "min_copies": kept}
    sized["provisioned_concurrency"] = warm[0] if warm is not None else runtime.provisioned_concurrency
    sized_runtime = runtime.model_copy(update=sized)
    sized_runtime._burst_copies, sized_runtime._warm_environments = burst, warm
    filled: dict[str, Any] = {"requests_per_month": requests, "peak_rps": peak, "protocols": protocols}
    filled.update(connections=connections, bursts_per_day=bursts)
    resolved = workload.model_copy(
        update={"runtime": sized_runtime, "traffic": traffic.model_copy(update=filled), "team": team}
    )
    return ParsedWorkload(resolved, tuple(assumptions), workload, tuple(defaults))
