"""What the page shows: a Decision (and the workload it answers) arranged for the template, and problems placed at
the fields they name. No HTML here: the templates write it, autoescaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api.page.form import DOCUMENT, FIELDS, applied, encode, form_fields, form_values
from decider.decision import Decision, MonthlyCost
from decider.errors import Problem
from decider.numbers import show
from decider.render.chart import cost_chart
from decider.render.sizing import describe

FIELD_PATHS = {item.path for item in FIELDS}


@dataclass(frozen=True)
class Errors:
    """Problems by the field they name; those that name no field of the form are ``general``."""

    at: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Errors:
        found = cls()
        for problem in problems:
            text = problem.message + (f" (did you mean {problem.suggestion!r}?)" if problem.suggestion else "")
            place = problem.location if problem.location in FIELD_PATHS else None
            if place is None and problem.location.partition(":")[0] == DOCUMENT:
                place = DOCUMENT
            if place is None:
                found.general.append(f"{problem.location}: {text}" if problem.location else text)
            else:
                found.at.setdefault(place, []).append(text)
        return found

    def __bool__(self) -> bool:
        return bool(self.at or self.general)


@dataclass(frozen=True)
class Change:
    """A counterfactual as a button: its message, the link to its result, the form values it sets."""

    message: str
    recommendation: str | None
    link: str
    values: dict[str, str]


def _bill_lines(cost: MonthlyCost | None) -> list[dict[str, str]]:
    if cost is None:
        return []
    return [
        {
            "item": line.item,
            "quantity": f"{show(line.quantity)} {line.unit}",
            "unit_price": f"${line.unit_price_usd:.10f}".rstrip("0").rstrip("."),
            "usd": f"${line.usd:,.2f}",
        }
        for line in cost.lines
    ]


def _sources(decision: Decision) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for entry in decision.ranking:
        for reason in entry.reasons:
            found.setdefault(reason.rule, reason.source)
    for exclusion in decision.excluded:
        for cause in exclusion.reasons:
            found.setdefault(cause.rule, cause.source)
    return sorted(found.items())


def _decisive(decision: Decision) -> list[tuple[str, bool]]:
    return [
        (text, any(text.startswith(path + " ") for path in decision.decisive_assumptions))
        for text in decision.assumptions
    ]


def result_context(decision: Decision, workload: Mapping[str, Any], requests: float, prefix: str) -> dict[str, Any]:
    """Everything the result section shows, for ``decision`` on ``workload`` (``requests`` a month, defaults
    applied); links are under ``prefix`` (the proxy's mount path, or empty)."""
    ranking = [
        {
            "entry": entry,
            "total": f"${entry.monthly_cost.total_usd:,.2f}" if entry.monthly_cost is not None else "not priced",
            "lines": _bill_lines(entry.monthly_cost),
            "configure": describe(entry.sizing) if entry.sizing is not None else "",
        }
        for entry in decision.ranking
    ]
    changes = [
        Change(
            message=item.message,
            recommendation=item.recommendation,
            link=f"{prefix}/?w={encode(applied(workload, item.change))}",
            values=form_values(applied(workload, item.change)),
        )
        for item in decision.counterfactuals
    ]
    fixes = {
        exclusion.target: text
        for exclusion in decision.excluded
        for text in decision.what_would_change
        if exclusion.name in _kept_out(text)
    }
    said = {item.message for item in decision.counterfactuals} | set(fixes.values())
    names = {entry.target: entry.name for entry in decision.ranking}
    names.update({item.target: item.name for item in decision.excluded})
    return {
        "decision": decision,
        "recommended": names.get(decision.recommendation or ""),
        "ranking": ranking,
        "changes": changes,
        "other_changes": [text for text in decision.what_would_change if text not in said],
        "fixes": fixes,
        "assumptions": _decisive(decision),
        "sources": _sources(decision),
        "share": f"{prefix}/?w={encode(workload)}",
        "chart_image": f"{prefix}/page/chart.svg?w={encode(workload)}",
        "chart": cost_chart(decision, requests) if decision.cost_curve else None,
        "names": names,
    }


def field_sections(values: Mapping[str, str], errors: Errors) -> list[dict[str, Any]]:
    """The form's sections with each field's current value and its problems."""
    return [
        {
            "name": section,
            "description": description,
            "fields": [
                {"field": item, "value": values.get(item.path, ""), "errors": errors.at.get(item.path, [])}
                for item in fields
            ],
        }
        for section, description, fields in form_fields()
    ]


def preset_values(presets: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Each preset as the form values it sets (for the page's script)."""
    return {name: form_values(workload) for name, workload in presets.items()}


def _kept_out(text: str) -> list[str]:
    """The targets an exclusion fix names ("A is kept out by …", "A, B and C are kept out by …"); [] for other
    sentences."""
    for verb in (" is kept out by ", " are kept out by "):
        if verb in text:
            return re.split(r", | and ", text.split(verb, 1)[0])
    return []
