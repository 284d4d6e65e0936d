"""Prices a region's book leaves out: the book says why, and a target whose bill needs one says "no price in this
region" instead of borrowing another region's figure. Also what the larger catalogue buys: a 384 GB job gets a
costed instance, and a Windows service is billed on a type that fits it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from decider import decide, parse_workload
from decider.cli import main
from decider.cost.gaps import no_fitting_type
from decider.decision import Decision, InstanceSizing, RankedTarget
from decider.pricing.book import PriceBook
from decider.rules.model import Ruleset
from tests.pricing.unpriced import WINDOWS_LICENCE_MISSING, without_load_balancers, without_windows_licence

REPO = Path(__file__).resolve().parents[2]
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
)  # fmt: skip
CHECKOUT = yaml.safe_load((REPO / "examples" / "checkout-api.yaml").read_text(encoding="utf-8"))
BIG_JOB = {
    "runtime": {"max_duration_s": 7200, "avg_duration_ms": 3_600_000, "memory_mb": 393_216, "vcpu": 48,
                "architecture": "x86_64"},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30, "protocols": ["schedule"]},
}  # fmt: skip


def _decide(ruleset: Ruleset, workload: dict[str, Any], region: str) -> Decision:
    return decide(parse_workload({**workload, "preferences": {"region": region}}), ruleset, advice=False)


def _ranked(decision: Decision, target: str) -> RankedTarget:
    return next(ranked for ranked in decision.ranking if ranked.target == target)


def test_the_fifteen_regions_ship(ruleset: Ruleset) -> None:
    assert sorted(ruleset.pricing) == sorted(REGIONS)


@pytest.mark.parametrize("region", REGIONS)
def test_every_book_has_every_price_the_cost_model_reads_or_says_why(ruleset: Ruleset, region: str) -> None:
    book = ruleset.pricing[region]
    for path in book.gaps():
        assert book.explains(path), f"{region} leaves out {path} without saying why"
    absent = book.absent_types()  # instance types the catalogue leaves out, named as ec2.instances[<type>]
    for path in book.missing:
        if path.startswith("ec2.instances["):
            name = path[len("ec2.instances[") : -1]
            assert name in absent, path
            assert book.instance(name) is None, f"{region}: {name} is listed and named as left out"
            continue
        assert any(gap == path or gap.startswith(path + ".") for gap in book.gaps()), f"{region}: {path} is priced"


def test_a_book_that_leaves_a_price_out_without_saying_why_is_refused() -> None:
    raw = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    del raw["load_balancers"]
    with pytest.raises(ValidationError, match="leaves out load_balancers without saying why"):
        PriceBook.model_validate(raw)
    raw["missing"] = {"load_balancers": "not read"}
    assert PriceBook.model_validate(raw).explains("load_balancers") == "not read"


def test_a_floor_the_book_does_not_price_is_refused() -> None:
    """``floors:`` says which prices are another region's: it must name prices the book has."""
    raw = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    raw["floors"] = {"load_balancers": "us-east-1's"}
    assert PriceBook.model_validate(raw).floors == {"load_balancers": "us-east-1's"}
    del raw["load_balancers"]
    raw["missing"] = {"load_balancers": "not read"}
    with pytest.raises(ValidationError, match="floors: names load_balancers, which the book does not price"):
        PriceBook.model_validate(raw)


@pytest.mark.parametrize("region", REGIONS)
def test_recommend_answers_in_every_region(ruleset: Ruleset, region: str) -> None:
    decision = _decide(ruleset, CHECKOUT, region)
    assert decision.recommendation is not None
    assert decision.pricing is not None
    assert decision.pricing.region == region
    for ranked in decision.ranking:  # every ranked target has a bill, or says why not
        assert (ranked.monthly_cost is None) != (ranked.no_price is None), (region, ranked.target)


def test_a_target_without_its_prices_says_no_price_in_this_region(ruleset: Ruleset) -> None:
    """A book with no Windows licence-included EC2 price (eu-west-1's, with it taken out): a Windows service on ECS on
    EC2 is not billed on another region's licence, and says which price is missing and why."""
    service = {"runtime": {"memory_mb": 2048, "vcpu": 1, "architecture": "x86_64", "os": "windows"},
               "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["http"]}}  # fmt: skip
    ec2 = _ranked(_decide(without_windows_licence(ruleset, "eu-west-1"), service, "eu-west-1"), "ecs-ec2")
    assert ec2.monthly_cost is None
    assert ec2.no_price == (
        "no price in this region: the eu-west-1 price book has no Windows licence-included EC2 price "
        f"(ec2.windows_license_vcpu_hour): {WINDOWS_LICENCE_MISSING}"
    )
    shipped = _ranked(_decide(ruleset, service, "eu-west-1"), "ecs-ec2")  # the shipped book prices the licence
    assert shipped.monthly_cost is not None
    assert any(line.item.startswith("Windows") for line in shipped.monthly_cost.lines)


def test_a_load_balancer_without_a_price_is_billed_at_zero_and_said(ruleset: Ruleset) -> None:
    """A book with no load balancer price (eu-west-1's, with them taken out): an HTTP service on Fargate is billed
    with its ALB's hours and capacity units at $0, each line saying so."""
    service = {"runtime": {"memory_mb": 2048, "vcpu": 1, "architecture": "x86_64"},
               "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["http"]}}  # fmt: skip
    fargate = _ranked(_decide(without_load_balancers(ruleset, "eu-west-1"), service, "eu-west-1"), "ecs-fargate")
    assert fargate.monthly_cost is not None
    balancer = {line.item: line for line in fargate.monthly_cost.lines if "Load Balancer" in line.item}
    assert set(balancer) == {
        "Application Load Balancer hours: no price in this region",
        "Application Load Balancer capacity units: no price in this region",
    }
    assert all(line.usd == 0 and line.unit_price_usd == 0 for line in balancer.values())
    assert fargate.monthly_cost.total_usd == round(sum(line.usd for line in fargate.monthly_cost.lines), 2)


def test_the_sao_paulo_book_prices_fargate_and_instances_at_its_own_rates(ruleset: Ruleset) -> None:
    decision = _decide(ruleset, BIG_JOB | {"runtime": {**BIG_JOB["runtime"], "memory_mb": 4096, "vcpu": 2}},
                       "sa-east-1")  # fmt: skip
    fargate = _ranked(decision, "ecs-fargate")
    assert fargate.monthly_cost is not None
    assert "Linux/x86" in fargate.monthly_cost.lines[0].item
    assert fargate.monthly_cost.lines[0].unit_price_usd == pytest.approx(2 * 0.0696 + 4 * 0.0076)
    ec2 = _ranked(decision, "ecs-ec2")
    assert ec2.monthly_cost is not None
    assert isinstance(ec2.sizing, InstanceSizing)
    chosen = ruleset.pricing["sa-east-1"].instance(ec2.sizing.instance_type)
    assert chosen is not None
    virginia = ruleset.pricing["us-east-1"].instance(ec2.sizing.instance_type)
    assert virginia is not None
    assert ec2.monthly_cost.lines[0].unit_price_usd == chosen.usd_per_hour != virginia.usd_per_hour  # its own rate


def test_a_book_without_instance_prices_prices_fargate_and_says_why_not_ec2(ruleset: Ruleset) -> None:
    book = ruleset.pricing["sa-east-1"]
    bare = book.model_copy(update={"ec2": book.ec2.model_copy(update={"instances": ()})})
    without = dataclasses.replace(ruleset, pricing={**ruleset.pricing, "sa-east-1": bare})
    decision = _decide(without, BIG_JOB | {"runtime": {**BIG_JOB["runtime"], "memory_mb": 4096, "vcpu": 2}},
                       "sa-east-1")  # fmt: skip
    assert _ranked(decision, "ecs-fargate").monthly_cost is not None
    ec2 = _ranked(decision, "ecs-ec2")
    assert ec2.monthly_cost is None
    assert ec2.no_price is not None
    assert "has no EC2 instance prices (ec2.instances)" in ec2.no_price


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-northeast-1"])
def test_a_48_vcpu_384_gb_x86_job_gets_a_costed_instance(ruleset: Ruleset, region: str) -> None:
    ranked = _ranked(_decide(ruleset, BIG_JOB, region), "ecs-ec2")
    assert ranked.monthly_cost is not None
    assert ranked.monthly_cost.total_usd > 0
    sizing = ranked.sizing
    assert isinstance(sizing, InstanceSizing)
    assert sizing.architecture == "x86_64"
    assert sizing.instance_vcpu >= 48
    assert sizing.instance_memory_gib * 1024 - 512 >= 393_216


def test_a_windows_8_vcpu_32_gb_service_is_billed_on_a_type_that_fits(ruleset: Ruleset) -> None:
    workload = yaml.safe_load((REPO / "examples" / "windows-dotnet-service.yaml").read_text(encoding="utf-8"))
    workload["runtime"] |= {"vcpu": 8, "memory_mb": 32_768}
    ranked = _ranked(_decide(ruleset, workload, "us-east-1"), "ecs-ec2")
    book = ruleset.pricing["us-east-1"]
    licence = book.ec2.windows_license_vcpu_hour
    assert licence is not None
    assert isinstance(ranked.sizing, InstanceSizing)
    fitting = {
        i.type: i.usd_per_hour + licence.usd * i.vcpu
        for i in book.ec2.instances
        if i.architecture == "x86_64" and i.family != "burstable" and i.gpu == 0
        and i.vcpu >= 8 and i.memory_gib * 1024 - 512 >= 32_768
    }  # fmt: skip
    chosen = ranked.sizing.instance_type
    assert fitting[chosen] <= min(fitting.values()) * 1.2


def test_windows_where_no_licence_price_is_sourced_says_so(ruleset: Ruleset) -> None:
    workload = yaml.safe_load((REPO / "examples" / "windows-dotnet-service.yaml").read_text(encoding="utf-8"))
    ranked = _ranked(_decide(without_windows_licence(ruleset, "eu-west-2"), workload, "eu-west-2"), "ecs-ec2")
    assert ranked.monthly_cost is None
    assert ranked.no_price is not None
    assert "Windows licence-included EC2 price (ec2.windows_license_vcpu_hour)" in ranked.no_price


def test_no_fitting_type_says_why(ruleset: Ruleset) -> None:
    """A copy no type named size by size holds is kept out by a limit (docs/rules.md); a family, which the book may
    list in part, is not judged: the target has no bill, and its reason names the largest of the family's types the
    book lists, not of the catalogue."""
    sized = {**BIG_JOB, "control": {"instance_types": ["c6i.32xlarge"]}}
    decision = _decide(ruleset, sized, "us-east-1")
    out = {entry.target: [reason.rule for reason in entry.reasons] for entry in decision.excluded}
    assert out["ecs-ec2"] == ["limits.named-types-hold-no-copy"]
    family = {**BIG_JOB, "control": {"instance_types": ["c6i"]}}
    decision = _decide(ruleset, family, "us-east-1")
    assert "ecs-ec2" not in {entry.target for entry in decision.excluded}
    unbilled = next(entry for entry in decision.ranking if entry.target == "ecs-ec2")
    assert unbilled.monthly_cost is None
    said = no_fitting_type(ruleset.pricing["us-east-1"], parse_workload(family).workload, 48.0).reason
    assert said == (
        "no instance type in the us-east-1 catalogue limited to c6i holds one copy (48 vCPU, 393,216 MB); its largest "
        "x86_64 type is c6i.32xlarge (128 vCPU, 256 GiB)"
    )
    assert unbilled.no_price is not None
    assert unbilled.no_price.startswith("no instance type in the us-east-1 catalogue limited to c6i holds one copy")


def test_pricing_show_gives_date_sources_uncertain_count_and_gaps(
    ruleset: Ruleset, capsys: pytest.CaptureFixture[str]
) -> None:
    book = ruleset.pricing["eu-west-1"]
    assert main(["pricing", "show", "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"price book eu-west-1 (USD) as of {book.as_of}")
    assert "  sources: https://aws.amazon.com/lambda/pricing/" in out
    assert f"  {len(book.uncertain())} figures are marked uncertain" in out
    assert "  Fargate Linux/x86 $0.04048 per vCPU-hour, $0.004445 per GB-hour" in out
    assert "  Fargate Linux/ARM $0.03238 per vCPU-hour, $0.00356 per GB-hour" in out
    assert "  API Gateway       $1.11 (HTTP) / $3.5 (REST) per million requests, first tier" in out
    assert (
        "  Fargate Windows   $0.046552 per vCPU-hour, $0.00511175 per GB-hour + $0.046 per vCPU-hour OS licence" in out
    )
    assert f"  another region's price, a floor: load_balancers ({book.floors['load_balancers']})" in out
    assert book.floors["load_balancers"].startswith("us-east-1's prices, taken as a floor: ")
    assert "load_balancers" not in book.missing
    assert "network" not in book.missing  # NAT, data out, Logs and EBS are priced in every book
