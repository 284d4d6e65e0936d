"""The criterion computed from the bills, ``cost.relative-monthly-cost``, as data a lookup can show.

No rule file holds it: ``rules/pricing/model.yaml`` names it and sets its parameters, and decider/cost/quote.py
``cost_reason`` computes it for each decision. A decision cites it like any rule, so every lookup that finds rules by
id (``decider rules show`` and ``list``, ``GET /rules``, the MCP ``explain_rule`` tool) shows it too, in the shape
``Rule.to_dict`` gives a rule from a file.
"""

from __future__ import annotations

from typing import Any

from decider.numbers import show
from decider.rules.model import Ruleset

#: Where the criterion's parameters are written, relative to the rules folder.
MODEL_FILE = "pricing/model.yaml"


def computed_rules(ruleset: Ruleset) -> tuple[dict[str, Any], ...]:
    """The criteria computed from the bills: none without price books (no cost model)."""
    model = ruleset.cost_model
    if model is None:
        return ()
    score = model.score
    because = (
        "Computed from each eligible target's monthly bill: impact = -min("
        f"{show(score.max_points)}, {show(score.points_per_doubling)} × log2((bill + {show(score.floor_usd)}) / "
        f"(cheapest bill + {show(score.floor_usd)}))) × the cost weight of preferences.optimize_for, so the cheapest "
        "eligible target gets 0 and each doubling of a bill over it costs the same points. Rules marked "
        "proxy_for: cost score only the targets without a bill."
    )
    data: dict[str, Any] = {
        "id": score.rule,
        "category": "cost",
        "effect": "score",
        "targets": list(ruleset.target_ids),
        "when": {"computed": "every eligible target with a bill"},
        "because": because,
        "source": score.source,
        "file": MODEL_FILE,
    }
    if "score" in model.uncertain:
        data["uncertain"] = model.uncertain["score"]
    return (data,)


def computed_rule(ruleset: Ruleset, rule_id: str) -> dict[str, Any] | None:
    """The computed criterion with ``rule_id``; None when there is none."""
    return next((data for data in computed_rules(ruleset) if data["id"] == rule_id), None)


def rule_ids(ruleset: Ruleset) -> list[str]:
    """Every id a lookup finds: the rules from the files, then the computed criteria (for the nearest-id hint)."""
    return [rule.id for rule in ruleset.rules] + [data["id"] for data in computed_rules(ruleset)]
