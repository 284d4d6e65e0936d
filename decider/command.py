"""The Slack slash-command grammar: ``duration=20m memory=2g rps=50 share`` into a raw workload and flags.

A command is a list of tokens: ``key=value`` pairs, bare flags (``privileged``, ``spot``), ``help`` and ``share``.
Keys are case-insensitive and forgiving: aliases (``mem``, ``ram``), units (``20m``, ``2g``, ``3M``) and the
contract's own names (``memory_mb``, ``runtime.memory_mb``) all work. The result is a raw workload mapping that goes
through ``parse_workload``, the same validation as the API; its problems are reported against the token typed.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from decider.errors import CommandError, DeciderError, Problem, WorkloadError
from decider.formatting import number
from decider.suggest import nearest
from decider.workload import ParsedWorkload, parse_workload

MAX_COMMAND_CHARS = 2000  # far above any real command; keeps the work per request bounded
MAX_TOKENS = 64
MB_PER_GB = 1024  # memory and disk in the contract are binary (AWS's "MB" for Lambda and Fargate is a MiB)


class ValueProblem(ValueError):
    """A token's value is not in the form its key takes; ``allowed`` says what is."""

    def __init__(self, allowed: str, suggestion: str | None = None) -> None:
        self.allowed = allowed
        self.suggestion = suggestion
        super().__init__(allowed)


Parser = Callable[[str], Any]


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


@dataclass(frozen=True)
class Command:
    """A command read from text: the raw workload mapping, the flags, and which token set each contract path."""

    workload: Mapping[str, Any]
    share: bool = False
    help: bool = False
    tokens: Mapping[str, str] = field(default_factory=dict)


# --- value readers -------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_DURATION_UNITS_S = {
    "ms": 0.001,
    "msec": 0.001,
    "millis": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
_SIZE_UNITS_MB = {
    "b": 1 / (1024 * 1024),
    "k": 1 / 1024,
    "kb": 1 / 1024,
    "ki": 1 / 1024,
    "kib": 1 / 1024,
    "m": 1.0,
    "mb": 1.0,
    "mi": 1.0,
    "mib": 1.0,
    "g": 1024.0,
    "gb": 1024.0,
    "gi": 1024.0,
    "gib": 1024.0,
    "t": 1024.0**2,
    "tb": 1024.0**2,
    "ti": 1024.0**2,
    "tib": 1024.0**2,
}
_COUNT_SUFFIXES = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0"})


def _split_number(text: str) -> tuple[float, str]:
    """A leading number and the unit after it (``"1.5gb"`` → ``(1.5, "gb")``); raises ValueError without one."""
    cleaned = re.sub(r"(?<=\d)[,_](?=\d)", "", text.strip().lower())
    match = _NUMBER.match(cleaned)
    if match is None:
        raise ValueError(text)
    value = float(match.group(0))
    if not math.isfinite(value):
        raise ValueError(text)
    return value, cleaned[match.end() :].strip()


def duration(bare_unit_s: float, unit_name: str, scale_to: float) -> Parser:
    """Read ``20m``, ``90s``, ``2h``, ``1500ms``; a bare number is in ``unit_name``; the result is in ``scale_to`` s."""
    allowed = f"a duration such as 20m, 90s, 2h or 1500ms (a bare number is {unit_name})"

    def read(text: str) -> float:
        try:
            value, unit = _split_number(text)
        except ValueError:
            raise ValueProblem(allowed) from None
        factor = bare_unit_s if unit == "" else _DURATION_UNITS_S.get(unit)
        if factor is None:
            raise ValueProblem(f"unknown unit {unit!r}; {allowed}", nearest(unit, _DURATION_UNITS_S))
        return _tidy(value * factor / scale_to)

    return read


def size(bare_unit_mb: float, unit_name: str, scale_to_mb: float, *, whole: bool = False) -> Parser:
    """Read ``2g``, ``512m``, ``1.5gb``; a bare number is in ``unit_name``. ``whole`` rounds up to a whole unit."""
    allowed = f"a size such as 2g, 512m or 1.5gb (a bare number is {unit_name}; 1g = {MB_PER_GB}m)"

    def read(text: str) -> float | int:
        try:
            value, unit = _split_number(text)
        except ValueError:
            raise ValueProblem(allowed) from None
        factor = bare_unit_mb if unit == "" else _SIZE_UNITS_MB.get(unit)
        if factor is None:
            raise ValueProblem(f"unknown unit {unit!r}; {allowed}", nearest(unit, _SIZE_UNITS_MB))
        scaled = _tidy(value * factor / scale_to_mb)
        # A copy needs at least what was asked: round memory up to the next whole MB, never down.
        return math.ceil(scaled) if whole else scaled

    return read


def count(text: str) -> float:
    """Read ``3000000``, ``3m``, ``3M``, ``2.5k``, ``3,000,000``, ``1e6``, ``1bn``."""
    allowed = "a number such as 3000000, 3m, 2.5k or 1bn (k = thousand, m = million, b = billion)"
    try:
        value, suffix = _split_number(text)
    except ValueError:
        raise ValueProblem(allowed) from None
    suffix = suffix.removesuffix("/mo").removesuffix("/s")
    factor = 1.0 if suffix == "" else _COUNT_SUFFIXES.get(suffix)
    if factor is None:
        raise ValueProblem(f"unknown suffix {suffix!r}; {allowed}", nearest(suffix, _COUNT_SUFFIXES))
    return _tidy(value * factor)


def plain_number(text: str) -> float:
    """Read a plain number (``2``, ``0.5``)."""
    try:
        value, rest = _split_number(text)
    except ValueError:
        raise ValueProblem("a number such as 2 or 0.5") from None
    if rest:
        raise ValueProblem(f"a number such as 2 or 0.5, without {rest!r}")
    return _tidy(value)


def word(aliases: Mapping[str, str] | None = None) -> Parser:
    """A lower-cased word, with friendly aliases mapped to the contract's value; the contract validates it."""
    table = dict(aliases or {})

    def read(text: str) -> str:
        lowered = text.strip().lower()
        return table.get(lowered.replace("-", "").replace("_", ""), table.get(lowered, lowered))

    return read


def words(aliases: Mapping[str, str] | None = None) -> Parser:
    """A comma-separated list of words (``http,websocket``); ``+`` and ``/`` separate too."""
    one = word(aliases)

    def read(text: str) -> list[str]:
        return [one(part) for part in re.split(r"[,+/]", text) if part.strip()]

    return read


def boolean(text: str) -> bool:
    """Read yes/no, true/false, on/off, 1/0."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueProblem("yes or no (also true/false, on/off, 1/0)", nearest(lowered, sorted(_TRUE | _FALSE)))


def text_value(text: str) -> str:
    return text.strip()


def _tidy(value: float) -> float:
    # 0.1 * 3 style noise would show up in messages ("0.30000000000000004 s"); 12 significant digits are plenty.
    return float(f"{value:.12g}")


# --- the grammar ---------------------------------------------------------------------------------------------------

_ARCH = {"x86": "x86_64", "x8664": "x86_64", "amd64": "x86_64", "intel": "x86_64", "arm": "arm64", "aarch64": "arm64"}
_ARCH |= {"graviton": "arm64"}
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
        "requests one container copy serves at once, such as 10",
        ("per-copy", "concurrency-per-copy"),
        "concurrency=10",
    ),
    Key("rps", "traffic.peak_rps", count, "peak requests per second, such as 50 or 2.5k", ("peak", "qps"), "rps=50"),
    Key(
        "monthly",
        "traffic.requests_per_month",
        count,
        "requests per month such as 3m, 3M, 3000000 or 2.5k",
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
        "a list of http, grpc, websocket, tcp, udp, queue, schedule (comma-separated)",
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
        "slo",
        "traffic.latency_slo_ms",
        duration(0.001, "ms", 0.001),
        f"p99 latency target, {_DURATION} (bare number: ms)",
        ("latency", "p99", "latency-slo"),
        "slo=300ms",
    ),
    Key(
        "instances",
        "control.instance_types",
        words(),
        "required EC2 families, comma-separated, such as p4d,g5",
        ("instance-types", "families"),
        "instances=p4d",
    ),
    Key("k8s", "team.kubernetes_experience", word(_EXPERIENCE), "none | some | expert", ("kubernetes-experience",)),
    Key("ops", "team.ops_capacity", word(_OPS), "low | medium | high", ("ops-capacity", "ops-team")),
    Key("current", "team.current_platform", word(_PLATFORM), "none | lambda | ecs | eks | ec2", ("today",)),
    Key(
        "optimize",
        "preferences.optimize_for",
        word(_OPTIMIZE),
        "balanced | cost | simplicity | control",
        ("optimise", "goal"),
    ),
    Key("region", "preferences.region", word(), "an AWS region such as eu-west-1", (), "region=eu-west-1"),
    Key("commitment", "preferences.commitment", word(_COMMITMENT), "none | 1yr | 3yr", ("savings-plan", "term")),
    Key("name", "name", text_value, "a label (quote it when it has spaces)", ("label",), "name=checkout-api"),
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
)

ENTRIES: tuple[Key | Flag, ...] = (*KEYS, *FLAGS)
HELP_WORDS = ("help", "?", "-h", "--help", "usage")
SHARE_WORDS = ("share", "public", "post")


def _normal(name: str) -> str:
    """How keys compare: case, '-' and '_' do not matter (``Max_Duration`` = ``max-duration``)."""
    return name.strip().lower().replace("-", "").replace("_", "")


def _build_index() -> tuple[dict[str, Key | Flag], dict[str, str]]:
    index: dict[str, Key | Flag] = {}
    shown: dict[str, str] = {}  # every spelling a person may type → the name shown in suggestions
    for entry in ENTRIES:
        field_name = entry.path.rsplit(".", 1)[-1]
        for spelling in (entry.name, *entry.aliases, field_name, entry.path):
            known = index.setdefault(_normal(spelling), entry)
            if known is not entry:  # two keys answering to one spelling would make a command ambiguous
                raise RuntimeError(f"command spelling {spelling!r} is claimed by {known.name} and {entry.name}")
            shown.setdefault(spelling, entry.name)
    return index, shown


_INDEX, _SHOWN = _build_index()
_BY_PATH: dict[str, Key | Flag] = {entry.path: entry for entry in ENTRIES}
#: Words that are values of exactly the listed keys, to answer a bare "steady" with "pattern=steady".
_KEYS_BY_VALUE: dict[str, list[Key]] = {}
for _key in KEYS:
    for _value in _key.allowed.split(" | ") if " | " in _key.allowed else ():
        _KEYS_BY_VALUE.setdefault(_value, []).append(_key)


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


# --- tokens --------------------------------------------------------------------------------------------------------

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})


def tokenize(text: str) -> list[str]:
    """Split on whitespace; a quote that opens a token or a value (``name="my api"``) runs to its match."""
    text = html.unescape(text) if "&" in text else text  # Slack sends &, < and > escaped as &amp; &lt; &gt;
    text = text.translate(_SMART_QUOTES)
    text = re.sub(r"\s*=\s*", "=", text)  # "memory = 2g" reads as "memory=2g"
    tokens: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for char in text:
        if quote is not None:
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char.isspace():
            if current:
                tokens.append("".join(current))
            current = []
        elif char in "\"'" and (not current or (current[-1] == "=" and current.count("=") == 1)):
            quote = char
        else:
            current.append(char)
    if quote is not None:
        where = "".join(current) or quote
        raise CommandError([Problem(where, f"the quote {quote} opened here is never closed; close it")])
    if current:
        tokens.append("".join(current))
    return tokens


def parse_command(text: str) -> Command:
    """Read a command's text into a raw workload and its flags; raise CommandError naming every bad token."""
    command, problems = _read_tokens(text)
    if problems:
        raise CommandError(problems)
    return command


def _read_tokens(text: str) -> tuple[Command, list[Problem]]:
    """The command made of the tokens that could be read, and a problem for each one that could not."""
    if len(text) > MAX_COMMAND_CHARS:
        message = f"is {len(text):,} characters long; the most decider reads is {MAX_COMMAND_CHARS:,}"
        raise CommandError([Problem("command", message)])
    tokens = tokenize(text)
    if len(tokens) > MAX_TOKENS:
        raise CommandError([Problem("command", f"has {len(tokens)} tokens; the most decider reads is {MAX_TOKENS}")])
    problems: list[Problem] = []
    workload: dict[str, Any] = {}
    set_by: dict[str, str] = {}
    share = want_help = False
    for token in tokens:
        key_text, equals, value_text = token.partition("=")
        has_value = bool(equals)
        lowered = key_text.strip().lower()
        if lowered in HELP_WORDS or lowered in SHARE_WORDS:
            if has_value:
                problems.append(Problem(token, f"{lowered} is a word on its own, not a key; write {lowered}", lowered))
            elif lowered in HELP_WORDS:
                want_help = True
            else:
                share = True
            continue
        entry = _INDEX.get(_normal(key_text))
        if entry is None:
            problems.append(_unknown(token, key_text, has_value))
            continue
        value: Any = True
        if not has_value and isinstance(entry, Key):
            example = example_of(entry)
            problems.append(Problem(token, f"{entry.name} needs a value, e.g. {example}; it takes {entry.allowed}"))
            continue
        if has_value:
            if not value_text.strip():
                problems.append(Problem(token, f"no value after '='; {entry.name} takes {allowed_for(entry)}"))
                continue
            try:
                value = entry.parse(value_text) if isinstance(entry, Key) else boolean(value_text)
            except ValueProblem as error:
                suggestion = f"{entry.name}={error.suggestion}" if error.suggestion else None
                message = f"cannot read {value_text!r}: " + (
                    error.allowed if error.allowed.startswith("unknown") else f"{entry.name} takes {error.allowed}"
                )
                problems.append(Problem(token, message, suggestion))
                continue
        if entry.path in set_by:
            first = set_by[entry.path]
            problems.append(Problem(token, f"{entry.name} is given twice (first as {first!r}); keep one"))
            continue
        set_by[entry.path] = token
        _put(workload, entry.path, value)
    return Command(workload=workload, share=share, help=want_help or not tokens, tokens=set_by), problems


def workload_of(command: Command) -> ParsedWorkload:
    """Validate the command's workload exactly as the API does; report each problem against the token typed."""
    try:
        return parse_workload(command.workload)
    except WorkloadError as error:
        raise CommandError([_relocate(problem, command) for problem in error.problems]) from None


def read_command(text: str) -> tuple[Command, ParsedWorkload | None]:
    """Parse and validate in one step: the command, and its workload unless it only asks for help.

    Every problem is reported at once: those of the grammar and those the contract finds in the tokens that read.
    """
    command, problems = _read_tokens(text)
    if command.help:
        return command, None
    try:
        parsed = workload_of(command)
    except CommandError as error:
        problems.extend(error.problems)
    if problems:
        raise CommandError(problems)
    return command, parsed


def blame_tokens(error: DeciderError, command: Command) -> CommandError:
    """An error found after reading (say, no price book for the region) restated against the tokens typed."""
    return CommandError([_relocate(problem, command) for problem in error.problems], headline=error.headline)


def _relocate(problem: Problem, command: Command) -> Problem:
    """Name the token the person typed, and the contract field and value it became."""
    path = problem.location
    while path and path not in command.tokens:
        path = path.rpartition(".")[0]
    if not path:
        return problem
    token = command.tokens[path]
    entry = _BY_PATH[path]
    converted = _number_at(command.workload, path)
    became = f" = {converted}" if converted is not None and converted != token.partition("=")[2] else ""
    message = f"{problem.message} ({entry.name} sets {path}{became})"
    return Problem(token, message, f"{entry.name}={problem.suggestion}" if problem.suggestion else None)


def _number_at(workload: Mapping[str, Any], path: str) -> str | None:
    value: Any = workload
    for part in path.split("."):
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return number(float(value))


def _put(workload: dict[str, Any], path: str, value: Any) -> None:
    *sections, leaf = path.split(".")
    target = workload
    for section in sections:
        target = target.setdefault(section, {})
    target[leaf] = value


def _unknown(token: str, key_text: str, has_value: bool) -> Problem:
    """An unknown key or flag: name it, say what exists, and suggest the nearest spelling."""
    lowered = key_text.strip().lower()
    if not has_value and lowered in _KEYS_BY_VALUE:
        # A bare "steady" or "arm64" is a value without its key: suggest the key it belongs to.
        hint = f"{_KEYS_BY_VALUE[lowered][0].name}={lowered}"
        return Problem(token, f"{lowered!r} is a value, not a flag; write {hint}", hint)
    spellings = list(_SHOWN) + ([] if has_value else ["help", "share"])
    spelled = nearest(key_text, spellings) or nearest(_normal(key_text), spellings)
    suggestion = _SHOWN.get(spelled, spelled) if spelled else None
    if has_value:
        keys = ", ".join(key.name for key in KEYS)
        return Problem(token, f"unknown key {key_text!r}; keys are {keys}", suggestion)
    flags = ", ".join([flag.name for flag in FLAGS] + ["help", "share"])
    return Problem(token, f"unknown word {key_text!r}; flags are {flags}; other settings are key=value", suggestion)


def command_text_of(raw: Mapping[str, Any]) -> str:
    """The command text that describes a raw workload mapping (the inverse of ``parse_command``, in contract units).

    Every field of the workload contract has a key or flag, so any valid workload can be written as a command.
    """
    parts: list[str] = []
    for path, value in _leaves(raw):
        entry = _BY_PATH.get(path)
        if entry is None:
            raise CommandError([Problem(path, "no command key sets this field")])
        if isinstance(entry, Flag):
            parts.append(entry.name if value is True else f"{entry.name}={'yes' if value else 'no'}")
        elif isinstance(value, list | tuple):
            if value:
                parts.append(f"{entry.name}={','.join(str(item) for item in value)}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            text = str(value)
            quote = "'" if '"' in text else '"'
            parts.append(
                f"{entry.name}={quote}{text}{quote}" if re.search(r"[\s=\"']", text) else f"{entry.name}={text}"
            )
        else:
            parts.append(f"{entry.name}={value!r}")  # bare numbers are in the contract's own unit
    return " ".join(parts)


def _leaves(raw: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    leaves: list[tuple[str, Any]] = []
    for name, value in raw.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            leaves.extend(_leaves(value, f"{path}."))
        elif value is not None:
            leaves.append((path, value))
    return leaves


def usage(command_name: str = "/compute") -> list[str]:
    """The help text as short mrkdwn paragraphs (each well under Slack's 3,000-character section limit)."""
    keys = "\n".join(
        f"• `{key.name}` — {key.allowed}" + (f" _(also {', '.join(key.aliases[:2])})_" if key.aliases else "")
        for key in KEYS
    )
    flags = "\n".join(f"• `{flag.name}` — {flag.help}" for flag in FLAGS)
    return [
        f"*Usage:* `{command_name} key=value … [flags] [share]` describes a workload and answers where it should run.\n"
        f"Example: `{command_name} duration=20m memory=2g rps=50 pattern=steady`\n"
        "Keys are case-insensitive; what you leave out is assumed and listed in the answer. "
        "`share` posts the answer in the channel instead of only to you; `help` shows this.",
        "*Keys*\n" + keys,
        "*Flags* (the word alone means yes)\n" + flags,
    ]


def short_usage(command_name: str = "/compute") -> str:
    """One paragraph of usage for answers to a command that could not be read."""
    names = ", ".join(key.name for key in KEYS)
    flags = ", ".join(flag.name for flag in FLAGS)
    return (
        f"*Usage:* `{command_name} duration=20m memory=2g rps=50 [share]`\n"
        f"Keys: {names}.\nFlags: {flags}.\n`{command_name} help` lists every key with its units."
    )
