"""Every key and flag a slash command accepts: the contract path it sets, how its value reads, and its aliases."""

from __future__ import annotations

from dataclasses import dataclass

from decider.errors import ARCHITECTURE_SPELLINGS
from decider.slack.values import (
    MB_PER_GB,
    Parser,
    count,
    duration,
    numbers,
    plain_number,
    size,
    text_value,
    word,
    words,
)


@dataclass(frozen=True)
class Key:
    """One ``key=value`` a command accepts: the contract path it sets, how its value is read, and its aliases."""

    name: str
    path: str
    parse: Parser
    allowed: str
    aliases: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Flag:
    """A bare word that sets a boolean contract field to true (``spot`` → ``preferences.spot_ok``)."""

    name: str
    path: str
    help: str
    aliases: tuple[str, ...] = ()


_ARCH = ARCHITECTURE_SPELLINGS
_OS = {"win": "windows", "windowsserver": "windows"}
_PROTOCOLS = {"ws": "websocket", "wss": "websocket", "websockets": "websocket", "https": "http", "rest": "http"}
_PROTOCOLS |= {"sqs": "queue", "kafka": "queue", "cron": "schedule", "scheduled": "schedule"}
_EXPERIENCE = {"no": "none", "novice": "none", "yes": "some", "basic": "some", "pro": "expert", "experts": "expert"}
_OPS = {"med": "medium", "lo": "low", "hi": "high", "none": "low"}
_PLATFORM = {"k8s": "eks", "kubernetes": "eks", "fargate": "ecs", "vm": "ec2", "vms": "ec2", "serverless": "lambda"}
_OPTIMIZE = {"price": "cost", "cheap": "cost", "simple": "simplicity", "easy": "simplicity", "balance": "balanced"}
_COMMITMENT = {"no": "none", "0": "none", "1y": "1yr", "1year": "1yr", "12m": "1yr", "3y": "3yr", "3year": "3yr"}
_COMMITMENT |= {"36m": "3yr", "1years": "1yr", "3years": "3yr"}
_PATTERN = {"constant": "steady", "flat": "steady", "daily": "diurnal", "bursty": "spiky", "events": "event"}
_PATTERN |= {"cron": "scheduled", "schedule": "scheduled", "jobs": "batch", "job": "batch"}

_DURATION = "a duration such as 20m, 90s, 2h or 1500ms"
KEYS: tuple[Key, ...] = (
    Key(
        "duration",
        "runtime.max_duration_s",
        duration(1.0, "seconds", 1.0),
        f"{_DURATION} (bare number: seconds)",
        ("max", "max-duration", "timeout"),
        "duration=20m",
    ),
    Key(
        "avg",
        "runtime.avg_duration_ms",
        duration(0.001, "ms", 0.001),
        f"{_DURATION} (bare number: ms)",
        ("average", "avg-duration", "typical"),
        "avg=120ms",
    ),
    Key(
        "memory",
        "runtime.memory_mb",
        size(1.0, "MB", 1.0, whole=True),
        "a size such as 2g, 512m, 512 or 1.5gb (bare number: MB)",
        ("mem", "ram"),
        "memory=2g",
    ),
    Key("vcpu", "runtime.vcpu", plain_number, "vCPUs per copy, such as 0.5 or 2", ("cpu", "cpus", "vcpus"), "vcpu=2"),
    Key("gpu", "runtime.gpu", plain_number, "GPUs per copy, a whole number such as 1", ("gpus",), "gpu=1"),
    Key(
        "storage",
        "runtime.ephemeral_storage_gb",
        size(MB_PER_GB, "GB", MB_PER_GB),
        "scratch disk such as 20g (bare number: GB)",
        ("disk", "ephemeral"),
        "storage=20g",
    ),
    Key(
        "image",
        "runtime.artifact_mb",
        size(1.0, "MB", 1.0),
        "image or package size such as 300m or 2g (bare number: MB)",
        ("artifact", "package", "image-size"),
        "image=300m",
    ),
    Key("arch", "runtime.architecture", word(_ARCH), "x86_64 | arm64 | any", ("architecture", "cpu-arch")),
    Key("os", "runtime.os", word(_OS), "linux | windows", ("platform-os",)),
    Key(
        "startup",
        "runtime.startup_s",
        duration(1.0, "seconds", 1.0),
        f"cold-start time, {_DURATION} (bare number: seconds)",
        ("cold-start", "coldstart", "boot"),
        "startup=5s",
    ),
    Key(
        "concurrency",
        "runtime.concurrency_per_copy",
        plain_number,
        "requests a container copy serves at once, such as 10",
        ("per-copy", "concurrency-per-copy"),
        "concurrency=10",
    ),
    Key(
        "copies",
        "runtime.min_copies",
        plain_number,
        "container copies that always run, such as 3",
        ("min-copies", "replicas"),
        "copies=3",
    ),
    Key(
        "warm",
        "runtime.provisioned_concurrency",
        plain_number,
        "Lambda environments kept warm (provisioned concurrency), such as 5",
        ("pc", "provisioned", "provisioned-concurrency"),
        "warm=5",
    ),
    Key("rps", "traffic.peak_rps", count, "peak requests per second, such as 50 or 2.5k", ("peak", "qps"), "rps=50"),
    Key(
        "monthly",
        "traffic.requests_per_month",
        count,
        "requests a month such as 3m or 2.5k (runs=30: runs of a scheduled job)",
        ("requests", "per-month", "runs", "invocations"),
        "monthly=3m",
    ),
    Key(
        "pattern", "traffic.pattern", word(_PATTERN), "steady | diurnal | spiky | scheduled | event | batch", ("shape",)
    ),
    Key(
        "protocols",
        "traffic.protocols",
        words(_PROTOCOLS),
        "http, grpc, websocket, tcp, udp, queue or schedule, comma-separated",
        ("protocol", "proto"),
        "protocols=http,websocket",
    ),
    Key(
        "payload",
        "traffic.payload_mb",
        size(1.0, "MB", 1.0),
        "largest request or response such as 6m (bare number: MB)",
        ("body", "payload-size"),
        "payload=6m",
    ),
    Key(
        "connections",
        "traffic.connections",
        count,
        "WebSocket connections open on average, such as 5k",
        ("conns", "open-connections"),
        "connections=5k",
    ),
    Key(
        "conns-per-copy",
        "runtime.connections_per_copy",
        count,
        "WebSocket connections a container copy holds, such as 10k",
        ("connections-per-copy",),
        "conns-per-copy=10k",
    ),
    Key(
        "slo",
        "traffic.latency_slo_ms",
        duration(0.001, "ms", 0.001),
        f"p99 latency target, {_DURATION} (bare number: ms)",
        ("latency", "p99", "latency-slo"),
        "slo=300ms",
    ),
    Key(
        "bursts",
        "traffic.bursts_per_day",
        plain_number,
        "bursts a day up to the peak, such as 3",
        ("bursts-per-day",),
        "bursts=3",
    ),
    Key(
        "profile",
        "traffic.hourly_profile",
        numbers,
        "24 (or 168) relative hourly rates, comma-separated, hour 0 first",
        ("hourly-profile", "hours"),
        "profile=0,0,0,0,0,0,0,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0",
    ),
    Key(
        "instances",
        "control.instance_types",
        words(),
        "required EC2 families, comma-separated, such as p4d,g5",
        ("instance-types", "families"),
        "instances=p4d",
    ),
    Key(
        "k8s-version",
        "control.kubernetes_version",
        word(),
        "the EKS cluster's Kubernetes minor version, such as 1.32",
        ("kubernetes-version", "eks-version"),
        "k8s-version=1.32",
    ),
    Key("k8s", "team.kubernetes_experience", word(_EXPERIENCE), "none | some | expert", ("kubernetes-experience",)),
    Key("ops", "team.ops_capacity", word(_OPS), "low | medium | high", ("ops-capacity", "ops-team")),
    Key(
        "current",
        "team.current_platform",
        word(_PLATFORM),
        "none | lambda | ecs | eks | ec2",
        ("today", "platform", "runs-on"),
    ),
    Key(
        "optimize",
        "preferences.optimize_for",
        word(_OPTIMIZE),
        "balanced | cost | simplicity | control",
        ("optimise", "goal"),
    ),
    Key("region", "preferences.region", word(), "an AWS region such as eu-west-1", (), "region=eu-west-1"),
    Key("commitment", "preferences.commitment", word(_COMMITMENT), "none | 1yr | 3yr", ("term", "sp-term")),
    Key("name", "name", text_value, "a label (quote it when it has spaces)", ("label",), "name=checkout-api"),
    Key("door", "traffic.front_door", word(), "http-api | rest-api | alb | function-url | none", ("front-door",)),
    Key("plan", "preferences.savings_plan", word({"ec2": "ec2-instance"}), "compute | ec2-instance", ("sp-type",)),
    Key("nat", "network.nat_gateways", count, "NAT gateways needed, such as 2", ("nat-gateways",)),
    Key("egress", "network.egress_gb_per_month", count, "GB a month sent to the internet", ("data-out",)),
    Key("logs", "network.logs_gb_per_month", count, "GB of logs a month into CloudWatch Logs", ("log-gb",)),
)

FLAGS: tuple[Flag, ...] = (
    Flag("privileged", "control.privileged", "needs privileged containers", ("root",)),
    Flag("daemons", "control.host_daemons", "an agent on every host (DaemonSet)", ("daemon", "daemonset")),
    Flag("sidecars", "control.sidecars", "runs sidecar containers", ("sidecar",)),
    Flag("hostnet", "control.host_networking", "needs host networking", ("host-network", "host-networking")),
    Flag("custom-ami", "control.custom_ami", "own OS image or kernel modules", ("ami",)),
    Flag(
        "kubernetes", "control.kubernetes_api", "needs the Kubernetes API (Helm, CRDs, operators)", ("k8s-api", "helm")
    ),
    Flag("portable", "control.portability", "must also run outside AWS", ("portability",)),
    Flag("long-running", "runtime.long_running", "a process that stays up (listener, consumer)", ("daemon-process",)),
    Flag("spot", "preferences.spot_ok", "tolerates interruption (Spot capacity)", ("spot-ok",)),
    Flag("free-tier", "preferences.free_tier", "apply the AWS free tier", ("freetier",)),
    Flag("new-cluster", "team.new_cluster", "a new cluster even on the current ECS/EKS platform", ("newcluster",)),
    Flag("vpc", "network.vpc", "a Lambda function runs inside a VPC (NAT gateways apply)", ("in-vpc",)),
    Flag(
        "own-lb",
        "network.own_load_balancer",
        "a load balancer of its own even on the current ECS/EKS cluster",
        ("own-load-balancer",),
    ),
)

ENTRIES: tuple[Key | Flag, ...] = (*KEYS, *FLAGS)
HELP_WORDS = ("help", "?", "-h", "--help", "usage")
SHARE_WORDS = ("share", "public", "post")


def normal(name: str) -> str:
    """How keys compare: case, '-' and '_' do not matter (``Max_Duration`` = ``max-duration``)."""
    return name.strip().lower().replace("-", "").replace("_", "")


def _build_index() -> tuple[dict[str, Key | Flag], dict[str, str]]:
    index: dict[str, Key | Flag] = {}
    shown: dict[str, str] = {}  # every spelling a person may type → the name shown in suggestions
    for entry in ENTRIES:
        field_name = entry.path.rsplit(".", 1)[-1]
        for spelling in (entry.name, *entry.aliases, field_name, entry.path):
            known = index.setdefault(normal(spelling), entry)
            if known is not entry:  # two keys answering to one spelling would make a command ambiguous
                raise RuntimeError(f"command spelling {spelling!r} is claimed by {known.name} and {entry.name}")
            shown.setdefault(spelling, entry.name)
    return index, shown


INDEX, SHOWN = _build_index()
BY_PATH: dict[str, Key | Flag] = {entry.path: entry for entry in ENTRIES}
#: Words that are values of exactly the listed keys, to answer a bare "steady" with "pattern=steady".
KEYS_BY_VALUE: dict[str, list[Key]] = {}
for _key in KEYS:
    for _value in _key.allowed.split(" | ") if " | " in _key.allowed else ():
        KEYS_BY_VALUE.setdefault(_value, []).append(_key)


def allowed_for(entry: Key | Flag) -> str:
    """What a key's value may be, in words."""
    if isinstance(entry, Flag):
        return "yes or no (or the flag alone for yes)"
    return entry.allowed


def example_of(entry: Key | Flag) -> str:
    """A token that sets this key, as a person would type it."""
    if isinstance(entry, Flag):
        return entry.name
    if entry.example:
        return entry.example
    return f"{entry.name}={entry.allowed.split(' | ')[0]}"
