"""Renderers for people: a terminal table (with colour where supported) and Markdown; JSON is the model itself."""

from __future__ import annotations

from decider.cost.bill import round_usd
from decider.decision import Decision, Exclusion, RankedTarget
from decider.numbers import show
from decider.render.escape import markdown_text
from decider.render.sizing import describe, other_modes

_BOLD, _GREEN, _RED, _DIM, _RESET = "\033[1m", "\033[32m", "\033[31m", "\033[2m", "\033[0m"


def to_json(decision: Decision) -> str:
    """The decision exactly as the API returns it; byte-identical for the same input, rules and prices."""
    return decision.model_dump_json(indent=2)


def _points(impact: float) -> str:
    return f"{'+' if impact > 0 else ''}{show(impact)}"


def reasons_by_rule(decision: Decision) -> list[tuple[str, str, str, list[tuple[str, float]]]]:
    """Each rule that scored once, with the points it gave each ranked target: ``(rule, message, source, [(target,
    points)])``, the rules that moved the recommendation most first. A rule's message is the same for every target,
    so a report says it once."""
    found: dict[str, tuple[str, str, list[tuple[str, float]]]] = {}
    for entry in decision.ranking:
        for reason in entry.reasons:
            found.setdefault(reason.rule, (reason.message, reason.source, []))[2].append((entry.target, reason.impact))
    first = decision.ranking[0].target if decision.ranking else None

    def weight(item: tuple[str, tuple[str, str, list[tuple[str, float]]]]) -> tuple[float, float, str]:
        points = dict(item[1][2])
        return (-abs(points.get(first or "", 0.0)), -max(abs(value) for value in points.values()), item[0])

    return [(rule, message, source, points) for rule, (message, source, points) in sorted(found.items(), key=weight)]


def exclusions_by_rule(decision: Decision) -> list[tuple[str, str, str, list[Exclusion]]]:
    """Each limit that keeps targets out, once, with the targets it keeps out: ``(rule, message, source,
    [exclusion])``, in the order the targets are excluded. Four targets kept out by one limit share a line."""
    found: dict[tuple[str, str], tuple[str, list[Exclusion]]] = {}
    for exclusion in decision.excluded:
        for limit in exclusion.reasons:
            found.setdefault((limit.rule, limit.message), (limit.source, []))[1].append(exclusion)
    return [(rule, message, source, targets) for (rule, message), (source, targets) in found.items()]


def _price(usd: float) -> str:
    """A unit price in full, never in exponent form: 0.0000166667, 0.04937, 0.2."""
    return f"{usd:.10f}".rstrip("0").rstrip(".") or "0"


def _cost(entry: RankedTarget) -> str:
    return f"${entry.monthly_cost.total_usd:,.2f}/mo" if entry.monthly_cost is not None else "n/a"


def to_table(decision: Decision, colour: bool = False) -> str:
    """A plain-text report for a terminal."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines: list[str] = []
    title = decision.name or "workload"
    lines.append(paint(f"decider: {title}", _BOLD))
    chosen = decision.recommendation or "none: every target is excluded"
    lines.append(f"Recommendation: {paint(chosen, _GREEN if decision.recommendation else _RED)}")
    lines.append("")
    lines.append(decision.summary)
    if decision.ranking:
        lines.append("")
        lines.append(paint("Ranking", _BOLD))
        width = max(len(entry.target) for entry in decision.ranking)
        for place, entry in enumerate(decision.ranking, start=1):
            lines.append(f"  {place}. {entry.target:<{width}}  score {entry.score:>6.1f}  {_cost(entry)}")
            if entry.no_price is not None:
                lines.append(f"       no bill: {entry.no_price}")
            if entry.sizing is not None:
                lines.append(f"       configure: {describe(entry.sizing)}")
                others = other_modes(entry.sizing)
                if others:
                    lines.append(f"       other modes: {others}")
            if entry.monthly_cost is not None:
                for line in entry.monthly_cost.lines:
                    detail = f"{line.item} ({show(line.quantity)} {line.unit} × ${_price(line.unit_price_usd)})"
                    lines.append(
                        paint(
                            f"       ${round_usd(line.usd, 2):>10,.2f}  {detail}",
                            _DIM,
                        )
                    )
    grouped = reasons_by_rule(decision)
    if grouped:
        lines.append("")
        lines.append(paint("Reasons (points per target)", _BOLD))
        for rule, message, _, points in grouped:
            spread = ", ".join(f"{target} {_points(impact)}" for target, impact in points)
            favours_first = dict(points).get(decision.ranking[0].target, 0.0) > 0
            lines.append(paint(f"  {rule}: {spread}", _GREEN if favours_first else _DIM))
            lines.append(f"      {message}")
    if decision.excluded:
        lines.append("")
        lines.append(paint("Excluded", _BOLD))
        for rule, message, _, kept_out in exclusions_by_rule(decision):
            targets = ", ".join(exclusion.target for exclusion in kept_out)
            lines.append(paint(f"  ✗ {targets}  {rule}: {message}", _RED))
    if decision.what_would_change:
        lines.append("")
        lines.append(paint("What would change the answer", _BOLD))
        lines.extend(f"  - {change}" for change in decision.what_would_change)
    if decision.assumptions:
        lines.append("")
        lines.append(paint(f"Assumptions ({len(decision.assumptions)})", _BOLD))
        lines.extend(
            paint(f"  - decisive: {assumption}", _BOLD)
            if _decisive(decision, assumption)
            else paint(f"  - {assumption}", _DIM)
            for assumption in decision.assumptions
        )
    lines.append("")
    footer = f"ruleset {decision.ruleset.version} {decision.ruleset.digest[:19]}"
    if decision.pricing is not None:
        footer += f" · prices {decision.pricing.region} as of {decision.pricing.as_of}"
    lines.append(paint(footer, _DIM))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(decision: Decision) -> str:
    """A Markdown report for a review document or a pull-request comment."""
    out: list[str] = []
    out.append(f"## decider: {markdown_text(decision.name or 'workload')}")
    out.append("")
    out.append(
        f"**Recommendation:** `{decision.recommendation}`"
        if decision.recommendation
        else "**Recommendation:** none, every target is excluded"
    )
    out.append("")
    out.append(decision.summary)
    if decision.ranking and decision.ranking[0].sizing is not None:
        out.append("")
        out.append(f"**Configure:** {_cell(describe(decision.ranking[0].sizing))}")
    if decision.ranking:
        out.append("")
        out.append("| # | target | score | monthly cost | biggest reasons (points) |")
        out.append("|---|---|---:|---:|---|")
        for place, entry in enumerate(decision.ranking, start=1):
            top = ", ".join(
                f"`{reason.rule}` ({'+' if reason.impact > 0 else ''}{show(reason.impact)})"
                for reason in entry.reasons[:3]
            )
            out.append(f"| {place} | {entry.name} | {entry.score:.1f} | {_cost(entry)} | {top or '—'} |")
    grouped = reasons_by_rule(decision)
    if grouped:
        out.append("")
        out.append("**Reasons** (points per target)")
        out.append("")
        for rule, message, source, points in grouped:
            spread = ", ".join(f"{target} {_points(impact)}" for target, impact in points)
            out.append(f"- [`{rule}`]({source}) ({spread}): {_cell(message)}")
    if decision.excluded:
        out.append("")
        out.append("**Excluded**")
        out.append("")
        for rule, message, source, kept_out in exclusions_by_rule(decision):
            names = ", ".join(exclusion.name for exclusion in kept_out)
            out.append(f"- {names}: {_cell(message)} ([`{rule}`]({source}))")
    if decision.what_would_change:
        out.append("")
        out.append("**What would change the answer**")
        out.append("")
        out.extend(f"- {_cell(change)}" for change in decision.what_would_change)
    for entry in decision.ranking:
        out.append("")
        out.append(f"<details><summary>{entry.name}: score {entry.score:.1f}, {_cost(entry)}</summary>")
        out.append("")
        if entry.no_price is not None:
            out.append(f"No bill: {_cell(entry.no_price)}")
            out.append("")
        if entry.sizing is not None:
            out.append(f"Configure: {_cell(describe(entry.sizing))}")
            out.append("")
        if entry.monthly_cost is not None:
            out.append("| item | quantity | unit price | USD |")
            out.append("|---|---:|---:|---:|")
            for line in entry.monthly_cost.lines:
                quantity, usd = f"{show(line.quantity)} {line.unit}", round_usd(line.usd, 2)
                out.append(f"| {_cell(line.item)} | {quantity} | ${_price(line.unit_price_usd)} | {usd:,.2f} |")
        out.append("")
        out.append("</details>")
    if decision.assumptions:
        out.append("")
        out.append(f"<details><summary>Assumptions ({len(decision.assumptions)})</summary>")
        out.append("")
        out.extend(
            f"- **decisive:** {_cell(assumption)}" if _decisive(decision, assumption) else f"- {_cell(assumption)}"
            for assumption in decision.assumptions
        )
        out.append("")
        out.append("</details>")
    out.append("")
    footer = f"<sub>ruleset {decision.ruleset.version} `{decision.ruleset.digest[:19]}`"
    if decision.pricing is not None:
        footer += f" · prices {decision.pricing.region} as of {decision.pricing.as_of}"
    out.append(footer + "</sub>")
    return "\n".join(out) + "\n"


def _decisive(decision: Decision, assumption: str) -> bool:
    """Whether an assumption is one of the decisive ones (``decisive_assumptions``: its field's other values change
    the answer): the renderers mark it, as the JSON lists it."""
    return any(assumption.startswith(f"{path} ") for path in decision.decisive_assumptions)
