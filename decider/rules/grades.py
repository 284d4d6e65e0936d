"""Compiling a rule's grades: ``ramp`` (a score rule's points scaled along a continuous quantity) and ``headroom``
(an exclusion's penalty on a ramp below its limit). Part of the rule compiler (decider/rules/compiler.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from decider.errors import Problem, nearest
from decider.rules.conditions import Condition
from decider.rules.fields import FIELDS
from decider.rules.model import Grade, Headroom

MAX_IMPACT = 100.0


def _number_field(path: Any, where: str, problems: list[Problem]) -> bool:
    spec = FIELDS.get(path) if isinstance(path, str) else None
    if spec is None:
        problems.append(
            Problem(where, f"unknown field {path!r}; a ramp reads a number field", nearest(str(path), list(FIELDS)))
        )
        return False
    if spec.kind != "number":
        problems.append(Problem(where, f"{path} is a {spec.kind} field; a ramp reads a number field"))
        return False
    return True


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def build_ramps(raw: Any, effect: Any, where: str, problems: list[Problem]) -> tuple[Grade, ...]:
    """``ramp: {field, from, to}`` (or a list of them, whose factors multiply): the rule's points count from nothing
    at ``from`` to in full at ``to``."""
    if effect != "score":
        problems.append(Problem(where, "only a score rule can have a ramp"))
        return ()
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        problems.append(Problem(where, "must be a ramp {field, from, to} or a non-empty list of them"))
        return ()
    ramps = [
        _ramp(item, f"{where}[{index}]" if isinstance(raw, list) else where, problems)
        for index, item in enumerate(items)
    ]
    return tuple(ramp for ramp in ramps if ramp is not None)


def _ramp(raw: Any, where: str, problems: list[Problem]) -> Grade | None:
    if not isinstance(raw, Mapping) or set(raw) != {"field", "from", "to"}:
        problems.append(Problem(where, f"must be a mapping with field, from and to, got {raw!r}"))
        return None
    if not _number_field(raw["field"], f"{where} field", problems):
        return None
    zero, full = raw["from"], raw["to"]
    if not (_is_number(zero) and _is_number(full)) or zero == full:
        problems.append(Problem(where, f"from and to must be two different numbers, got {zero!r} and {full!r}"))
        return None
    return Grade(str(raw["field"]), float(zero), float(full))


def build_headroom(
    raw: Any, effect: Any, condition: Condition | None, where: str, problems: list[Problem]
) -> Headroom | None:
    """``headroom: {points}`` on an exclusion whose condition is one ``gt``/``ge`` on a number: the points a workload
    loses on a ramp from 80% of the limit to the limit."""
    if raw is None:
        return None
    if effect != "exclude":
        problems.append(Problem(where, "only an exclude rule can have headroom"))
        return None
    if not isinstance(raw, Mapping) or set(raw) - {"points", "margin"} or "points" not in raw:
        problems.append(Problem(where, f"must be a mapping with points (and optionally margin), got {raw!r}"))
        return None
    points, margin = raw["points"], raw.get("margin", 0.2)
    if not _is_number(points) or not 0 < points <= MAX_IMPACT:
        problems.append(Problem(f"{where} points", f"must be a number above 0 and up to 100, got {points!r}"))
        return None
    if not _is_number(margin) or not 0 < margin < 1:
        problems.append(Problem(f"{where} margin", f"must be a share between 0 and 1, got {margin!r}"))
        return None
    leaf = condition.leaf if condition is not None else None
    if leaf is None or leaf.op not in ("gt", "ge") or not _is_number(leaf.value):
        problems.append(Problem(where, "headroom needs a condition that is one gt or ge comparison on a number"))
        return None
    return Headroom(leaf.field, float(leaf.value), float(points), float(margin))
