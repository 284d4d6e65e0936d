"""The cost-vs-traffic chart: one Vega-Lite specification (decider/render/chart.py), drawn by vl-convert
(decider/render/image.py) into files whose lines and break-even markers sit where the decision's figures say."""

from __future__ import annotations

import math
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from decider import decide, parse_workload
from decider.decision import Decision
from decider.documents import read_file
from decider.errors import UsageError
from decider.render import image
from decider.render.chart import WIDTH, cost_chart, visible_crossings
from decider.rules.model import Ruleset
from tests.conftest import EXAMPLES_DIR

SVG = "{http://www.w3.org/2000/svg}"
TRANSLATE = re.compile(r"translate\(([-\d.e]+),\s*([-\d.e]+)\)")
VERTEX = re.compile(r"[ML]([-\d.e]+),([-\d.e]+)")


@pytest.fixture(scope="module")
def crossed(ruleset: Ruleset) -> tuple[Decision, float]:
    """order-events (examples/queue-consumer.yaml): Lambda's bill crosses two container bills within the chart."""
    parsed = parse_workload(read_file(EXAMPLES_DIR / "queue-consumer.yaml"))
    return decide(parsed, ruleset), parsed.workload.requests_per_month


def layer(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in spec["layer"] if item["name"] == name)


def groups(svg: bytes, name: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # noqa: S314 (decider's own output)
    return [group for group in root.iter(SVG + "g") if name in group.get("class", "").split()]


def test_the_spec_has_a_line_per_eligible_target_and_a_marker_per_crossing(crossed: tuple[Decision, float]) -> None:
    decision, requests = crossed
    spec = cost_chart(decision, requests)
    lines = layer(spec, "cost_line")["data"]["values"]
    assert {row["target"] for row in lines} == {entry.target for entry in decision.ranking}
    crossings = layer(spec, "break_even")["data"]["values"]
    assert [row["requests_per_month"] for row in crossings] == sorted(
        point.requests_per_month for point in visible_crossings(decision)
    )
    assert any(row["label"] == "Amazon ECS on AWS Fargate cheaper above ~1.2M" for row in crossings)
    assert layer(spec, "current_traffic")["data"]["values"] == [{"requests_per_month": requests, "label": "now: 4M"}]
    assert spec["title"] == "Monthly cost vs traffic: order-events"


def test_a_decision_without_crossings_in_range_has_no_marker_layer(ruleset: Ruleset) -> None:
    parsed = parse_workload({"traffic": {"requests_per_month": 1000}})
    decision = decide(parsed, ruleset)
    spec = cost_chart(decision, parsed.workload.requests_per_month)
    names = [item["name"] for item in spec["layer"]]
    assert ("break_even" in names) == bool(visible_crossings(decision))


def test_the_svg_draws_each_line_and_puts_each_marker_on_its_crossing(crossed: tuple[Decision, float]) -> None:
    decision, requests = crossed
    svg = image.render(cost_chart(decision, requests), "svg")
    lines = groups(svg, "cost_line_marks")
    assert len(lines) == len(decision.ranking)
    paths = {}
    for group in lines:
        path = group.find(SVG + "path")
        assert path is not None
        target = next(entry.target for entry in decision.ranking if path.get("aria-label", "").endswith(entry.name))
        paths[target] = [(float(x), float(y)) for x, y in VERTEX.findall(path.get("d", ""))]
    (markers,) = groups(svg, "break_even_marks")
    positions = [tuple(map(float, TRANSLATE.findall(path.get("transform", ""))[0])) for path in markers]
    crossings = sorted(visible_crossings(decision), key=lambda point: point.requests_per_month)
    assert len(positions) == len(crossings) >= 1
    xs = [point.requests_per_month for point in decision.cost_curve[0].points]
    low, high = min(xs), max(xs)
    for point, (px, py) in zip(crossings, sorted(positions), strict=True):
        expected = WIDTH * math.log(point.requests_per_month / low) / math.log(high / low)
        assert px == pytest.approx(expected, abs=0.5), f"{point.target} vs {point.versus}"
        for target in (point.target, point.versus):
            nearest = min(math.dist((px, py), vertex) for vertex in paths[target])
            assert nearest < 0.6, f"{target}'s line passes through the marker of {point.target} vs {point.versus}"


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_control_characters_in_the_name_are_left_out_of_the_image(ruleset: Ruleset, kind: image.ImageFormat) -> None:
    # A workload's name is refused with them (tests/test_property_audit_fourth.py); a Decision built some other way
    # (the Python API) can still carry them, and the chart keeps them out of the image.
    parsed = parse_workload({"traffic": {"requests_per_month": 1e6}})
    decision = decide(parsed, ruleset).model_copy(update={"name": "bell\u0007 end\x0b"})
    spec = cost_chart(decision, parsed.workload.requests_per_month)
    assert spec["title"] == "Monthly cost vs traffic: bell end"
    drawn = image.render(spec, kind)
    assert drawn.startswith(b"<svg" if kind == "svg" else b"\x89PNG")


def test_png_is_a_png(crossed: tuple[Decision, float]) -> None:
    decision, requests = crossed
    assert image.render(cost_chart(decision, requests), "png").startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(("name", "kind"), [("cost.svg", "svg"), ("COST.PNG", "png"), ("a/b.c.svg", "svg")])
def test_the_format_is_named_by_the_extension(name: str, kind: str) -> None:
    assert image.format_of(name) == kind


@pytest.mark.parametrize("name", ["cost.gif", "cost", "cost.svg.txt"])
def test_another_extension_is_a_usage_error(name: str) -> None:
    with pytest.raises(UsageError, match=r"name the file \.svg or \.png"):
        image.format_of(name)


def test_without_vl_convert_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, crossed: tuple[Decision, float]
) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    with pytest.raises(UsageError, match=r"decider-aws\[chart\]"):
        image.render(cost_chart(*crossed), "svg")


def test_an_unwritable_file_is_a_usage_error(tmp_path: Path, crossed: tuple[Decision, float]) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        image.write(cost_chart(*crossed), str(tmp_path / "missing" / "cost.svg"))
