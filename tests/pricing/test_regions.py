"""Regional price books: every shipped book loads, is dated and sourced, prices the declared catalogue, says how many
of its figures are uncertain, and a decision follows the book of the region it asks for."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider import decide, load_ruleset, parse_workload
from decider.cli import main
from decider.errors import WorkloadError
from decider.rules.model import Ruleset

REPO = Path(__file__).resolve().parents[2]
PRICING = REPO / "rules" / "pricing"
SHIPPED = sorted(path.stem for path in PRICING.glob("*.yaml") if path.name != "model.yaml")
REFERENCE = "us-east-1"
PRICED_KEYS = ("usd", "tiers", "fraction", "quantity", "usd_per_hour")


def _priced_figures(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if not re.search(r"\.tiers\[\d+\]$", path) and any(key in node for key in PRICED_KEYS):
            found.append((path, node))
        for key, value in node.items():
            found.extend(_priced_figures(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_priced_figures(item, f"{path}[{index}]"))
    return found


def test_the_reference_book_ships() -> None:
    assert REFERENCE in SHIPPED


@pytest.mark.parametrize("region", SHIPPED)
def test_every_shipped_book_loads_under_its_region(ruleset: Ruleset, region: str) -> None:
    book = ruleset.pricing[region]
    assert book.region == region
    assert book.currency == "USD"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", book.as_of)


@pytest.mark.parametrize("region", SHIPPED)
def test_every_figure_has_a_source_and_the_book_a_date(region: str) -> None:
    raw = yaml.safe_load((PRICING / f"{region}.yaml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(raw["as_of"]))
    figures = _priced_figures(raw)
    assert len(figures) >= 15
    for path, figure in figures:
        assert str(figure.get("source", "")).startswith("https://"), f"{region}{path} has no source URL"
        if "uncertain" in figure:
            assert str(figure["uncertain"]).strip(), f"{region}{path} is uncertain without a reason"


@pytest.mark.parametrize("region", SHIPPED)
def test_a_type_has_the_same_size_in_every_book(ruleset: Ruleset, region: str) -> None:
    reference = {instance.type: instance for instance in ruleset.pricing[REFERENCE].ec2.instances}
    for instance in ruleset.pricing[region].ec2.instances:  # only the price is regional
        same = reference[instance.type]
        assert (instance.family, instance.architecture, instance.vcpu, instance.memory_gib, instance.gpu) == (
            same.family,
            same.architecture,
            same.vcpu,
            same.memory_gib,
            same.gpu,
        )


@pytest.mark.parametrize("region", SHIPPED)
def test_every_catalogue_reaches_large_memory_types_or_says_why(ruleset: Ruleset, region: str) -> None:
    book = ruleset.pricing[region]
    if not book.ec2.instances:
        assert book.explains("ec2.instances")
        return
    for arch in ("x86_64", "arm64"):
        largest = max(
            (i for i in book.ec2.instances if i.architecture == arch and i.gpu == 0), key=lambda i: i.memory_gib
        )
        assert largest.memory_gib >= 512, f"{region} has no {arch} type with 512 GiB"
    assert any(i.vcpu > 32 and i.architecture == "x86_64" and i.gpu == 0 for i in book.ec2.instances)


@pytest.mark.parametrize("region", SHIPPED)
def test_pricing_show_gives_the_count_of_uncertain_figures(
    ruleset: Ruleset, region: str, capsys: pytest.CaptureFixture[str]
) -> None:
    count = len(ruleset.pricing[region].uncertain())
    assert main(["pricing", "show", "--region", region]) == 0
    assert f"  {count} figures are marked uncertain" in capsys.readouterr().out


def test_pricing_list_gives_every_book_with_its_uncertain_count(
    ruleset: Ruleset, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pricing", "list"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:3] == ["region", "as", "of"]
    listed = {row.split()[0]: row.split() for row in rows[1:]}
    assert sorted(listed) == SHIPPED
    for region, row in listed.items():
        book = ruleset.pricing[region]
        assert row[1:] == [book.as_of, str(len(book.ec2.instances)), str(len(book.uncertain()))]


def test_an_unknown_region_names_the_nearest_one(ruleset: Ruleset) -> None:
    with pytest.raises(WorkloadError) as caught:
        decide(parse_workload({"preferences": {"region": "us-east-9"}}), ruleset)
    (problem,) = caught.value.problems
    assert problem.location == "preferences.region"
    assert problem.message.startswith("no price book for 'us-east-9'; regions: ")
    assert problem.suggestion in SHIPPED


def test_loading_every_book_stays_quick() -> None:
    started = time.perf_counter()
    load_ruleset()
    assert time.perf_counter() - started < 5.0


def _costs(ruleset: Ruleset, region: str) -> dict[str, float]:
    decision = decide(parse_workload({"preferences": {"region": region}}), ruleset)
    assert decision.pricing is not None
    assert decision.pricing.region == region
    return {ranked.target: ranked.monthly_cost.total_usd for ranked in decision.ranking if ranked.monthly_cost}


def test_a_decision_follows_the_book_of_its_region(tmp_path: Path) -> None:
    """A second region whose EC2 and Fargate prices differ gives different bills for the same workload."""
    raw = yaml.safe_load((PRICING / f"{REFERENCE}.yaml").read_text(encoding="utf-8"))
    raw["region"] = "xx-test-1"
    for instance in raw["ec2"]["instances"]:
        instance["usd_per_hour"] = round(instance["usd_per_hour"] * 2, 6)
    raw["fargate"]["linux_x86_64"]["vcpu_hour"]["usd"] *= 2
    folder = tmp_path / "org"
    (folder / "pricing").mkdir(parents=True)
    (folder / "pricing" / "xx-test-1.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    rules = load_ruleset([folder])
    here, there = _costs(rules, REFERENCE), _costs(rules, "xx-test-1")
    assert here.keys() == there.keys()
    assert any(there[target] > here[target] for target in here)
