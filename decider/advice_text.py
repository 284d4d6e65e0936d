"""The counterfactual search's sentences (decider/advice.py): each change tried, said with the value it replaces,
and what the engine recommends with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from decider.cold_budget import P99_SLOW_SHARE, burst_misses, container_slow_s, counted_bursts, percent, slow_per_burst
from decider.cost.breakeven import approx_requests
from decider.defaults_said import SCALE_OUT_S
from decider.fixes import value_at
from decider.numbers import show
from decider.ranking import Ranked
from decider.rules.model import Ruleset
from decider.workload import SECONDS_PER_MONTH, ParsedWorkload, Workload

#: How each assumption reads in a sentence ("this answer assumes …").
PHRASES: Mapping[str, str] = {
    "runtime.avg_duration_ms": "{} ms per unit of work on average",
    "runtime.max_duration_s": "{} s for the longest unit of work",
    "traffic.requests_per_month": "{} request{s} a month",
    "traffic.peak_rps": "a peak of {} request{s} a second",
    "runtime.min_copies": "{} container {copies} kept up whatever the load",
    "runtime.provisioned_concurrency": "{} Lambda environment{s} kept warm with provisioned concurrency",
    "traffic.bursts_per_day": "{} burst{s} a day",
    "runtime.memory_mb": "{} MB of memory a copy",
    "runtime.vcpu": "{} vCPU a container copy",
    "traffic.pattern": "{} traffic",
    "runtime.concurrency_per_copy": "{} unit{s} of work at once per container copy",
    "traffic.connections": "{} open WebSocket connection{s}",
    "traffic.payload_mb": "bodies of at most {} MB",
    "runtime.startup_s": "a {} s cold start",
    "runtime.artifact_mb": "a {} MB deployment artifact",
    "team.ops_capacity": "{} ops capacity",
    "team.kubernetes_experience": "Kubernetes experience: {}",
    "traffic.front_door": "{}",
}
#: ``traffic.front_door`` in words: not given (None), or a door tried instead (decider/advice.py ``DOORS_TRIED``).
DOORS_SAID: Mapping[Any, str] = {
    None: "each target behind the front door decider picks for it",
    "function-url": (
        "AWS Lambda behind a function URL (containers behind an Application Load Balancer; a function URL has no "
        "custom domain without CloudFront in front, and only IAM or no auth: no authorizers, usage plans or throttling)"
    ),
    "alb": "every target behind an Application Load Balancer",
}


def _name(ruleset: Ruleset, target: str | None) -> str:
    return ruleset.target(target).name if target is not None else "no target (every one excluded)"


def _mode_said(ruleset: Ruleset, other: Ranked) -> str:
    """The capacity mode, in brackets, when the recommendation with a change runs in a mode other than its target's
    default (the mode switch is part of what flips the answer: Fargate Spot, Lambda Managed Instances); else ""."""
    choice = other.priced.choices.get(other.recommendation or "") if other.priced is not None else None
    if choice is None or other.recommendation is None:
        return ""
    default = ruleset.target(other.recommendation).modes[0]
    return f" ({choice.chosen.name})" if choice.chosen != default else ""


def _plural(value: Any) -> dict[str, str]:
    """The words of ``PHRASES`` that agree with the number said: one request, two requests; one copy, two copies."""
    one = value == 1
    return {"s": "" if one else "s", "copies": "copy" if one else "copies"}


def _said(path: str, value: Any) -> str:
    if path == "traffic.front_door" and value in DOORS_SAID:
        return DOORS_SAID[value]
    if path == "traffic.requests_per_month" and isinstance(value, int | float):
        return approx_requests(float(value)).lstrip("~")
    return show(value)


def message(
    kind: str,
    about: str,
    change: Mapping[str, Any],
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    other: Ranked,
    eligible: Sequence[str],
) -> str:
    """A counterfactual in words: the ``change`` tried for a candidate of ``kind`` (an assumption, a cost crossing, a
    fix of the excluded target ``about``, a preference) and what ``other``, the ranking with it, recommends;
    ``eligible`` are the targets eligible without the change."""
    mode = _mode_said(ruleset, other)
    winner = _name(ruleset, other.recommendation) + mode
    changes = ", ".join(
        f"{path} {_said(path, value)} (now {_said(path, value_at(parsed.workload, path))})"
        for path, value in change.items()
    )
    if kind == "assumption":
        path, value = next(iter(change.items()))
        now = value_at(parsed.workload, path)
        assumed = PHRASES.get(path, f"{path} = {{}}").format(_said(path, now), **_plural(now))
        instead = PHRASES.get(path, f"{path} = {{}}").format(_said(path, value), **_plural(value))
        kept = [PHRASES[other].format(_said(other, held), **_plural(held)) for other, held in change.items()][1:]
        if kept:  # an assumption tried with another held as it is (``_pinned``)
            instead += f" and {', '.join(kept)} as now"
        if value == now:  # an assumed peak given as it is: a peak given keeps capacity up for bursts (advice.py)
            return (
                f"This answer assumes {assumed} ({path} was not given), and keeps nothing up for its bursts on such "
                f"a guess; given as it is, {winner} would be recommended."
            )
        then = _bursts_unheld(path, value, other.workload) if other.recommendation in TARGETS_HELD.get(path, ()) else ""
        return (
            f"This answer assumes {assumed} ({path} was not given); with {instead}, {_lost(ruleset, other, eligible)}"
            f"{winner} would be recommended{then}."
        )
    if kind == "cost-crossing":
        return f"With {changes}, {_lost(ruleset, other, eligible)}{winner} would be recommended."
    if kind == "exclusion":
        # The fix for one target can let others in too (kubernetes_api false frees every ECS target): name them all.
        # Only targets eligible with the change: its own target may stay out (every mode of it kept out as well)
        targets = (about, *(target.id for target in ruleset.targets if target.id != about))
        let_in = [target for target in targets if target in other.order and target not in eligible]
        names = [_name(ruleset, target) for target in let_in]
        if not names:
            return f"With {changes}, {winner} would be recommended."
        if len(names) == 1:
            if other.recommendation == let_in[0] and not mode:
                return f"With {changes}, {names[0]} is no longer excluded and would be recommended."
            return f"With {changes}, {names[0]} is no longer excluded and {winner} would be recommended."
        freed = ", ".join(names[:-1]) + f" and {names[-1]}"
        return f"With {changes}, {freed} are no longer excluded, and {winner} would be recommended."
    return f"With {changes}, {_lost(ruleset, other, eligible)}{winner} would be recommended."


def _lost(ruleset: Ruleset, other: Ranked, eligible: Sequence[str]) -> str:
    """When the change keeps today's recommendation out (``eligible[0]`` excluded in ``other``), that is why the
    answer changes, not the other target's merits: "AWS Lambda would be excluded (limits.lambda-memory) and ", said
    before the new recommendation. A change that sizes a copy larger can size Lambda past its limits too (a given
    vCPU sets Lambda's memory), and the sentence then names the exclusion that flips the answer."""
    today = eligible[0] if eligible else None
    if today is None or today in other.order or today not in other.evaluation.exclusions:
        return ""
    rules = ", ".join(dict.fromkeys(fired.id for fired in other.evaluation.exclusions[today]))
    return f"{_name(ruleset, today)} would be excluded ({rules}) and "


#: The capacity assumed for bursts that its other value tried gives up (decider/alternatives.py), and the targets
#: whose bursts it held: with none kept, an answer on those targets is a service slower than the p99 target asked.
TARGETS_HELD: Mapping[str, tuple[str, ...]] = {
    "runtime.provisioned_concurrency": ("lambda",),
    "runtime.min_copies": ("ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"),
}


def _bursts_unheld(path: str, value: Any, workload: Workload) -> str:
    """What the answer with no capacity kept for bursts gives up, as the assumption that kept it counted it
    (decider/defaults_said.py ``bursts_assumption``): the month's requests that miss the p99 target, past the 1% it
    lets be slower (architect audits 24, F2, and 25, F4: a counterfactual true by the scores, to a slower service).
    "" when the change keeps capacity, or no target is given, or the month's misses stay within the 1%."""
    traffic, runtime = workload.traffic, workload.runtime
    slo = traffic.latency_slo_ms
    if slo is None or traffic.bursts_per_day is None or workload.requests_per_month <= 0.0:
        return ""
    average = workload.requests_per_month / SECONDS_PER_MONTH
    if path == "runtime.provisioned_concurrency" and value == 0:
        per_burst = burst_misses(workload.peak_rps, average, workload.avg_duration_s, runtime.startup_s, slo)[0]
        where = "AWS Lambda's cold or throttled requests"
    elif path == "runtime.min_copies" and value == 1:
        waiting = container_slow_s(SCALE_OUT_S + runtime.startup_s, slo)
        per_burst = slow_per_burst(workload.peak_rps, average, waiting)
        where = "requests waiting for the containers to scale out"
    else:
        return ""
    share = per_burst * counted_bursts(traffic.bursts_per_day) / workload.requests_per_month
    if share <= P99_SLOW_SHARE:
        return ""
    said = (
        f"about {percent(share)} of the month's requests, past the 1% it lets be slower"
        if share < 1.0
        else "as many requests as the month has (its bursts are large against its volume), past the 1% allowed"
    )
    return (
        f", though with nothing kept for its {show(traffic.bursts_per_day)} bursts a day {where} miss the "
        f"{show(slo)} ms p99 target: {said}"
    )
