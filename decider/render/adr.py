"""An Architecture Decision Record in the MADR layout, written from a Decision, for a team to review and commit.

Context and problem statement, decision drivers, considered options, outcome, consequences, pros and cons of each
option (from the rules that fired and the costs) and links to every rule source cited. Plain Markdown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from decider import __version__
from decider.cost.breakeven import approx_requests
from decider.decision import Decision, ExclusionReason, Reason
from decider.numbers import number
from decider.render.escape import code_span, markdown_text
from decider.workload import Workload

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
_DRIVERS = 8


def to_adr(
    decision: Decision,
    workload: Workload,
    *,
    date: str,
    status: str = "proposed",
    source: str | None = None,
    chart: str | None = None,
    assumed: Collection[str] = (),
) -> str:
    """The decision record for one workload; the same decision, date and status give the same text. ``chart`` is the
    path of the cost-vs-traffic chart image, relative to the record, when one was written beside it. ``assumed``: the
    dotted paths of the fields decider assumed (``ParsedWorkload.defaults``), marked so in the context."""
    name = markdown_text(decision.name or workload.name or "this workload")  # text from outside: shown, never acted on
    chosen = next((entry for entry in decision.ranking if entry.target == decision.recommendation), None)
    out: list[str] = []
    title = f"Run {name} on {chosen.name}" if chosen else f"No AWS compute target fits {name} as described"
    out += [f"# {title}", ""]
    meta = [
        f"Status: {status}",
        f"Date: {date}",
        f"Decided with: decider {__version__}, ruleset {decision.ruleset.version} (`{decision.ruleset.digest[:19]}`)",
    ]
    if decision.pricing is not None:
        meta.append(f"Prices: {decision.pricing.region} as of {decision.pricing.as_of} ({decision.pricing.currency})")
    out += [f"* {line}" for line in meta] + [""]

    out += ["## Context and Problem Statement", ""]
    out.append(
        f"Where should {name} run on AWS: AWS Lambda, Amazon ECS (on AWS Fargate, on ECS Managed Instances or on "
        f"EC2) or Amazon EKS? {_facts(workload, frozenset(assumed))}"
    )
    if source:
        out += ["", f"The workload is defined in {code_span(source)}."]
    out.append("")

    out += ["## Decision Drivers", ""]
    out += [f"* {driver}" for driver in _drivers(decision, workload)] + [""]

    out += ["## Considered Options", ""]
    for entry in decision.ranking:
        out.append(f"* {entry.name} (`{entry.target}`): score {number(entry.score)}{_cost_text(entry.monthly_cost)}")
    for exclusion in decision.excluded:
        out.append(f"* {exclusion.name} (`{exclusion.target}`): excluded by a hard limit")
    out.append("")

    out += ["## Decision Outcome", ""]
    if chosen:
        out.append(f'Chosen option: "{chosen.name}", because it ranks first. {decision.summary}')
    else:
        out.append(f"No option can be chosen as the workload is described. {decision.summary}")
    out.append("")
    out += ["### Consequences", ""]
    if chosen:
        out += [
            f"* Good, because {_clause(reason.message)} ({_link(reason)})"
            for reason in chosen.reasons
            if reason.impact > 0
        ]
        out += [
            f"* Bad, because {_clause(reason.message)} ({_link(reason)})"
            for reason in chosen.reasons
            if reason.impact < 0
        ]
        if chosen.monthly_cost is not None:
            out.append(_cost_consequence(decision, chosen.monthly_cost.total_usd))
    out += [f"* To revisit if: {_clause(change)}" for change in decision.what_would_change]
    out.append("")

    if chart:
        out += _chart_section(decision, chart)

    out += ["## Pros and Cons of the Options", ""]
    for entry in decision.ranking:
        out += [f"### {entry.name}", ""]
        out.append(f"Score {number(entry.score)}{_cost_text(entry.monthly_cost)}.")
        out.append("")
        pros = [reason for reason in entry.reasons if reason.impact > 0]
        cons = [reason for reason in entry.reasons if reason.impact < 0]
        out += [
            f"* Good, because {_clause(reason.message)} (+{number(reason.impact)}, {_link(reason)})" for reason in pros
        ]
        out += [
            f"* Bad, because {_clause(reason.message)} ({number(reason.impact)}, {_link(reason)})" for reason in cons
        ]
        if not pros and not cons:
            out.append("* Neutral: no rule moved its score.")
        out.append("")
    for exclusion in decision.excluded:
        out += [f"### {exclusion.name}", "", "Excluded: it cannot run this workload as described.", ""]
        out += [f"* Bad, because {_clause(reason.message)} ({_link(reason)})" for reason in exclusion.reasons]
        out.append("")

    if decision.assumptions:
        out += ["## Assumptions", ""]
        out += [f"* {assumption}" for assumption in decision.assumptions] + [""]

    out += ["## Links", ""]
    out += [f"* [`{rule}`]({url})" for rule, url in _sources(decision)]
    return "\n".join(out) + "\n"


def _chart_section(decision: Decision, chart: str) -> list[str]:
    names = {entry.target: entry.name for entry in decision.ranking}
    lines = ["### Cost as Traffic Grows", "", f"![Monthly cost of each option as traffic grows]({chart})", ""]
    lines += [
        f"* {names.get(point.target, point.target)} is cheaper than {names.get(point.versus, point.versus)} above "
        f"{approx_requests(point.requests_per_month)} requests a month."
        for point in decision.break_even
    ]
    return [*lines, ""] if decision.break_even else lines


def _facts(workload: Workload, assumed: frozenset[str]) -> str:
    runtime, traffic = workload.runtime, workload.traffic

    def said(value: str, path: str) -> str:
        return f"{value} (assumed)" if path in assumed else value

    parts = [
        f"its longest unit of work takes {said(number(workload.max_duration_s) + ' s', 'runtime.max_duration_s')}, a "
        f"typical one {said(number(workload.avg_duration_s * 1000.0) + ' ms', 'runtime.avg_duration_ms')}, and a new "
        f"copy starts in {said(number(runtime.startup_s) + ' s', 'runtime.startup_s')}",
        f"one copy needs {said(number(runtime.memory_mb) + ' MB', 'runtime.memory_mb')} of memory"
        + (f" and {said(number(runtime.vcpu) + ' vCPU', 'runtime.vcpu')}" if runtime.vcpu else "")
        + (f" and {runtime.gpu} GPU" if runtime.gpu else ""),
        f"traffic is {said(traffic.pattern, 'traffic.pattern')} at about "
        f"{said(number(workload.requests_per_month) + ' requests a month', 'traffic.requests_per_month')}",
        f"at its peak {said(number(workload.peak_rps) + ' requests a second', 'traffic.peak_rps')}"
        + (
            f", in {said(number(traffic.bursts_per_day) + ' bursts a day', 'traffic.bursts_per_day')}"
            if traffic.bursts_per_day is not None
            else ""
        ),
    ]
    if traffic.latency_slo_ms is not None:
        target = said(number(traffic.latency_slo_ms) + " ms", "traffic.latency_slo_ms")
        parts.append(f"its p99 latency target is {target}")
    text = "It is described as follows: " + "; ".join(parts) + "."
    if " (assumed)" in text:
        text += " Values marked assumed were not given: decider assumed them (see Assumptions)."
    if workload.team.current_platform != "none":
        text += f" It runs on {PLATFORM_NAMES[workload.team.current_platform]} today."
    return text


#: The platforms ``team.current_platform`` names, as the record names the targets.
PLATFORM_NAMES = {"lambda": "AWS Lambda", "ecs": "Amazon ECS", "eks": "Amazon EKS", "ec2": "Amazon EC2 instances"}


def _drivers(decision: Decision, workload: Workload) -> list[str]:
    drivers = [f"Optimise for: {workload.preferences.optimize_for}."]
    seen: set[str] = set()
    for exclusion in decision.excluded:
        for limit in exclusion.reasons:
            if limit.rule not in seen:
                seen.add(limit.rule)
                drivers.append(f"{_sentence(limit.message)} ({_link(limit)})")
    weighted: list[tuple[float, Reason]] = []
    for entry in decision.ranking:
        weighted += [(abs(reason.impact), reason) for reason in entry.reasons]
    weighted.sort(key=lambda item: (-item[0], item[1].rule))
    for _, reason in weighted:
        if len(drivers) > _DRIVERS:
            break
        if reason.rule not in seen:
            seen.add(reason.rule)
            drivers.append(f"{_sentence(reason.message)} ({_link(reason)})")
    return drivers


def _sources(decision: Decision) -> list[tuple[str, str]]:
    reasons: Iterable[Reason | ExclusionReason] = [
        *(reason for entry in decision.ranking for reason in entry.reasons),
        *(reason for exclusion in decision.excluded for reason in exclusion.reasons),
    ]
    return sorted({reason.rule: reason.source for reason in reasons}.items())


def _link(reason: Reason | ExclusionReason) -> str:
    return f"[`{reason.rule}`]({reason.source})"


def _cost_text(cost: object) -> str:
    total = getattr(cost, "total_usd", None)
    return f", about ${total:,.2f} a month" if isinstance(total, int | float) else ""


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith(".") else message + "."


#: First words that are names and keep their capital inside a sentence ("Good, because Lambda stops …").
_NAMES = frozenset(
    {"Lambda", "Fargate", "Amazon", "AWS", "ECS", "EKS", "EC2", "Kubernetes", "Windows", "Linux", "Spot"}
)


def _clause(message: str) -> str:
    message = message.strip().rstrip(".")
    first = message.split(" ", 1)[0].rstrip(",:;")
    # Names and acronyms (ECS, GPUs) keep their case; "A cold start" becomes "a cold start"
    return message if first in _NAMES or (len(first) > 1 and first[:2].isupper()) else message[:1].lower() + message[1:]


def _cost_consequence(decision: Decision, total: float) -> str:
    """The chosen option's bill: a reason for it when it is the cheapest option priced (as the summary says), else
    neither good nor bad."""
    others = sorted(
        (entry.monthly_cost.total_usd, entry.name) for entry in decision.ranking[1:] if entry.monthly_cost is not None
    )
    if others and total <= others[0][0]:
        return (
            f"* Good, because it is the cheapest option, about ${total:,.2f} a month at the traffic described "
            f"(next: {others[0][1]} at about ${others[0][0]:,.2f})."
        )
    return f"* Neutral: it costs about ${total:,.2f} a month at the traffic described."
