"""What to configure, in one line for people: each target's sizing described for the table, Markdown and Slack."""

from __future__ import annotations

from decider.decision import FargateSizing, InstanceSizing, LambdaSizing


def describe(sizing: LambdaSizing | FargateSizing | InstanceSizing) -> str:
    """The sizing as one line: the capacity mode, then memory setting, task size and copies, or instance type and
    count."""
    chosen = next((option.name for option in sizing.modes if option.chosen), None)
    prefix = f"{chosen}: " if chosen else ""
    if isinstance(sizing, LambdaSizing):
        return prefix + _lambda(sizing)
    if isinstance(sizing, FargateSizing):
        return prefix + _fargate(sizing)
    return prefix + _instances(sizing)


def other_modes(sizing: LambdaSizing | FargateSizing | InstanceSizing) -> str | None:
    """The modes not chosen, in one line: each one's monthly bill, or the rules that keep it out; None without."""
    others = [
        f"{option.name} ${option.monthly_usd:,.2f}/mo"
        if option.monthly_usd is not None
        else f"{option.name} kept out ({', '.join(option.excluded_by) or 'not priced'})"
        for option in sizing.modes
        if not option.chosen
    ]
    return "; ".join(others) if others else None


_FRONT_DOORS = {
    "api-gateway-http-api": "behind an API Gateway HTTP API",
    "api-gateway-rest-api": "behind an API Gateway REST API",
    "lambda-function-url": "behind a Lambda function URL (no request charge)",
    "api-gateway-websocket-api": "behind an API Gateway WebSocket API (it holds connections; one call per message)",
    "application-load-balancer": "behind an Application Load Balancer",
    "network-load-balancer": "behind a Network Load Balancer",
}


def _extras(purchase: str, front_door: str | None) -> str:
    parts = [] if purchase == "on-demand" else [purchase.replace("-", " ")]
    if front_door:
        parts.append(_FRONT_DOORS[front_door])
    return "; " + ", ".join(parts) if parts else ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _load(scaling: str, per_copy: int, utilisation: float) -> str:
    if scaling == "per-run":
        return ""
    return f", {_plural(per_copy, 'request', 'requests')} per copy at {utilisation:.0%} utilisation"


def _copies(scaling: str, low: int, desired: int, high: int, schedule: tuple[int, ...] | None = None) -> str:
    if scaling == "per-run":
        return f"one copy per run, up to {high} at once"
    return f"copies min {low} / desired {desired} / max {high} ({scaling}){_scheduled(schedule, 'min copies')}"


def _by_hour(sizing: FargateSizing | InstanceSizing) -> tuple[int, ...] | None:
    return sizing.scheduled_min_copies


def _scheduled(schedule: tuple[int, ...] | None, what: str) -> str:
    """Capacity kept up hour by hour for bursts (an hourly profile): what to schedule, from the busiest hour down."""
    if not schedule or min(schedule) == max(schedule):
        return ""
    busiest = max(schedule)
    hours = [index for index, count in enumerate(schedule) if count == busiest]
    runs: list[list[int]] = []  # the busiest hours as runs of consecutive hours: 08:00-16:00
    for hour in hours:
        if runs and runs[-1][1] == hour:
            runs[-1][1] = hour + 1
        else:
            runs.append([hour, hour + 1])
    week = len(schedule) == 168
    said = f"{len(hours)} hours of the week" if week else ", ".join(f"{a:02d}:00-{b:02d}:00" for a, b in runs)
    return (
        f"; scheduled {what} by hour for bursts: {busiest:,} in the busiest ({said}), down to {min(schedule):,} "
        f"(every hour's in scheduled_{what.replace(' ', '_')})"
    )


def _held(per_copy: int | None) -> str:
    """The open connections a copy holds, when they set the fewest copies (WebSocket work)."""
    return f"; up to {per_copy:,} open connections per copy" if per_copy else ""


def _lambda(sizing: LambdaSizing) -> str:
    if not sizing.within_default_quota:
        quota = "ABOVE"
    else:  # a peak at the quota uses all of it: nothing is left for the account's other functions
        most = max(sizing.peak_concurrency, sizing.burst_concurrency or 0)
        quota = "at" if most == sizing.concurrency_quota else "within"
    burst = f", {sizing.burst_concurrency:,} while a burst starts cold" if sizing.burst_concurrency else ""
    return (
        f"memory {sizing.memory_mb:,} MB (≈{sizing.vcpu_equivalent:.2g} vCPU), {sizing.architecture}, "
        f"ephemeral storage {sizing.ephemeral_storage_mb:,} MB{_timeout(sizing.timeout_s)}{_image(sizing)}; "
        f"{sizing.peak_concurrency:,} in flight at peak{burst}, "
        f"{quota} the {sizing.concurrency_quota:,} default concurrency quota{_warm(sizing.provisioned_concurrency)}"
        f"{_scheduled(sizing.scheduled_provisioned_concurrency, 'provisioned concurrency')}"
        f"{_extras(sizing.purchase, sizing.front_door)}"
    )


def _image(sizing: LambdaSizing) -> str:
    """The package type, when the artifact is past what a .zip holds."""
    return (
        ", shipped as a container image (past the 250 MB a .zip holds unzipped)"
        if sizing.package_type == "image"
        else ""
    )


def _timeout(seconds: int | None) -> str:
    """The function timeout to configure, when the sizing names one."""
    return f", timeout {seconds:,} s" if seconds else ""


def _warm(environments: int | None) -> str:
    """Lambda's environments kept warm (provisioned concurrency), when its bill keeps some."""
    return f"; provisioned concurrency {environments:,}" if environments else ""


def _fargate(sizing: FargateSizing) -> str:
    return (
        f"task {sizing.task_vcpu:g} vCPU / {sizing.task_memory_gb:g} GB ({sizing.os}/{sizing.architecture}, "
        f"{sizing.ephemeral_storage_gb:g} GB storage) on {sizing.capacity_provider}; "
        f"{_copies(sizing.scaling, sizing.min_copies, sizing.desired_copies, sizing.max_copies, _by_hour(sizing))}"
        f"{_load(sizing.scaling, sizing.concurrency_per_copy, sizing.utilisation_target)}"
        f"{_held(sizing.connections_per_copy)}{_extras(sizing.purchase, sizing.front_door)}"
    )


def _instances(sizing: InstanceSizing) -> str:
    gpu = f", {sizing.instance_gpu} GPU" if sizing.instance_gpu else ""
    instances = (
        f"a share of the existing cluster's nodes, priced as this type (about "
        f"{sizing.desired_copies / sizing.copies_per_instance:.2g} of one at the desired copies)"
        if sizing.shared_nodes
        else "started for the runs, stopped after them"
        if sizing.scaling == "per-run"
        else f"min {sizing.min_instances} / desired {sizing.desired_instances} / max {sizing.max_instances}"
    )
    return (
        f"{sizing.instance_type} ({sizing.instance_vcpu:g} vCPU, {sizing.instance_memory_gib:g} GiB{gpu}, "
        f"{sizing.os}/{sizing.architecture}), {_plural(sizing.copies_per_instance, 'copy', 'copies')} each, "
        f"instances {instances}; "
        f"copy {sizing.copy_vcpu:g} vCPU / {sizing.copy_memory_mb:,} MB; "
        f"{_copies(sizing.scaling, sizing.min_copies, sizing.desired_copies, sizing.max_copies, _by_hour(sizing))}"
        f"{_held(sizing.connections_per_copy)}{_extras(sizing.purchase, sizing.front_door)}"
    )
