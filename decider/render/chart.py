"""The cost-vs-traffic chart, as one Vega-Lite specification (plain data) built from a Decision.

Each eligible target's monthly bill over 0.1× to 10× the workload's traffic (``Decision.cost_curve``, log scale),
a line per target, a labelled marker at every break-even volume in that range, and the workload's own traffic as a
dashed rule. The page renders the specification in the browser (hovering shows the bill at that traffic); the CLI
and ``POST /recommend/chart`` render it to SVG or PNG with vl-convert (decider/render/image.py). The marks are named
(``cost_line``, ``break_even``, ``current_traffic``) so a renderer's output can be checked mark by mark.
"""

from __future__ import annotations

import re
from typing import Any

from decider.cost.breakeven import approx_requests
from decider.decision import BreakEven, Decision

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH, HEIGHT = 640, 320
#: Break-even labels sit alternately above and below their marker (pixel offsets), so close crossings stay readable.
LABEL_OFFSETS = (-14, 16)
Y = {"field": "monthly_usd", "type": "quantitative", "title": "Monthly cost (USD)", "axis": {"format": "$,.0f"}}


#: Characters XML 1.0 cannot hold (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF): the SVG renderer
#: refuses text with them, so they are left out of every label (a workload's name is free text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plain(text: str) -> str:
    """``text`` without the characters an SVG (XML) document cannot hold."""
    return _NOT_XML.sub("", text)


def _escaped(field: str) -> str:
    """A data field name as Vega-Lite reads it literally (dots and brackets would otherwise be paths)."""
    return field.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def visible_crossings(decision: Decision) -> tuple[BreakEven, ...]:
    """The break-even volumes that fall inside the chart's traffic range."""
    xs = [point.requests_per_month for curve in decision.cost_curve for point in curve.points]
    if not xs:
        return ()
    low, high = min(xs), max(xs)
    return tuple(point for point in decision.break_even if low <= point.requests_per_month <= high)


def cost_chart(decision: Decision, requests: float) -> dict[str, Any]:
    """The chart for ``decision`` at the workload's ``requests`` per month: a Vega-Lite (v6) specification."""
    names = {entry.target: plain(entry.name) for entry in decision.ranking}
    lines = [
        {
            "target": curve.target,
            "target_name": names.get(curve.target, curve.target),
            "requests_per_month": point.requests_per_month,
            "monthly_usd": point.monthly_usd,
        }
        for curve in decision.cost_curve
        for point in curve.points
    ]
    bills = {(row["target"], row["requests_per_month"]): row["monthly_usd"] for row in lines}
    crossings: list[dict[str, Any]] = [
        {
            "requests_per_month": point.requests_per_month,
            "monthly_usd": bills.get((point.target, point.requests_per_month), 0.0),
            "label": f"{names.get(point.target, point.target)} cheaper above "
            f"{approx_requests(point.requests_per_month)}",
            "above": index % 2 == 0,
        }
        for index, point in enumerate(sorted(visible_crossings(decision), key=lambda item: item.requests_per_month))
    ]
    xs = [point.requests_per_month for curve in decision.cost_curve for point in curve.points] or [requests]
    x = {
        "field": "requests_per_month",
        "type": "quantitative",
        "scale": {"type": "log", "domain": [min(xs), max(xs)], "nice": False},
        "title": "Requests per month (log scale)",
        "axis": {"format": "~s", "grid": True, "labelOverlap": "greedy"},
    }
    now = [{"requests_per_month": requests, "label": f"now: {approx_requests(requests).lstrip('~')}"}]
    title = f"Monthly cost vs traffic: {plain(decision.name)}" if decision.name else "Monthly cost vs traffic"
    order = [names.get(curve.target, curve.target) for curve in decision.cost_curve]
    colour = {
        "field": "target_name",
        "type": "nominal",
        "title": "Target",
        "sort": order,
        "legend": {"orient": "bottom", "labelLimit": 400},
    }
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "title": title,
        "description": "Monthly cost of each eligible target as traffic grows, with the break-even volumes marked.",
        "width": WIDTH,
        "height": HEIGHT,
        "background": "white",
        "config": {"font": "sans-serif", "axis": {"labelFontSize": 12, "titleFontSize": 13}},
        "layer": [
            {
                "name": "cost_line",
                "data": {"values": lines},
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {"x": x, "y": Y, "color": colour},
            },
            {
                "name": "hover",
                "data": {"values": lines},
                "transform": [{"pivot": "target_name", "value": "monthly_usd", "groupby": ["requests_per_month"]}],
                "params": [
                    {
                        "name": "nearest",
                        "select": {
                            "type": "point",
                            "fields": ["requests_per_month"],
                            "nearest": True,
                            "on": "pointerover",
                            "clear": "pointerout",
                        },
                    }
                ],
                "mark": {"type": "rule", "color": "#777777", "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "opacity": {"condition": {"param": "nearest", "empty": False, "value": 0.8}, "value": 0},
                    "tooltip": [
                        {
                            "field": "requests_per_month",
                            "type": "quantitative",
                            "title": "Requests per month",
                            "format": ",.0f",
                        },
                        *(
                            {"field": _escaped(name), "type": "quantitative", "title": name, "format": "$,.2f"}
                            for name in order
                        ),
                    ],
                },
            },
            {
                "name": "current_traffic",
                "data": {"values": now},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#444444"},
                "encoding": {"x": x},
            },
            {
                "name": "current_traffic_label",
                "data": {"values": now},
                "mark": {"type": "text", "align": "left", "dx": 4, "y": 8, "color": "#222222", "fontWeight": "bold"},
                "encoding": {"x": x, "text": {"field": "label"}},
            },
        ],
    }
    spec["layer"].extend(_crossing_layers(crossings, x))
    return spec


def _crossing_layers(crossings: list[dict[str, Any]], x: dict[str, Any]) -> list[dict[str, Any]]:
    """A labelled diamond per break-even volume (no layers at all when there is none: an empty layer has no extent)."""
    if not crossings:
        return []
    layers: list[dict[str, Any]] = [
        {
            "name": "break_even",
            "data": {"values": crossings},
            "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": True, "color": "#111111"},
            "encoding": {"x": x, "y": Y, "tooltip": [{"field": "label", "title": "Break-even"}]},
        }
    ]
    for index, offset in enumerate(LABEL_OFFSETS):
        rows = [row for row in crossings if row["above"] == (index == 0)]
        if rows:
            layers.append(
                {
                    "name": f"break_even_label_{index}",
                    "data": {"values": rows},
                    "mark": {"type": "text", "align": "right", "dx": -8, "dy": offset, "color": "#111111"},
                    "encoding": {"x": x, "y": Y, "text": {"field": "label"}},
                }
            )
    return layers
