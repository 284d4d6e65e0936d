"""The regional EC2 catalogues: general, compute and memory families up to their largest size on both architectures,
high-memory x2 and GPU (g5, g6, p4d, p5) types, each priced from the region's own rows of the mirrors (the P-series at
its prices after AWS's 2025 cut). A type the mirrors do not list for a region is left out of its book and named under
``missing:``; a job that needs it there finds no type rather than another region's price."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from decider import decide, parse_workload
from decider.cli import main
from decider.decision import Decision, InstanceSizing, RankedTarget
from decider.pricing.book import PriceBook
from decider.rules.model import Ruleset

REPO = Path(__file__).resolve().parents[2]
TRAINING = {  # 8 GPUs and 1.8 TB of memory a copy: only p5.48xlarge (8 H100, 2048 GiB) holds one
    "runtime": {"max_duration_s": 7200, "avg_duration_ms": 3_600_000, "memory_mb": 1_843_200, "vcpu": 96, "gpu": 8,
                "architecture": "x86_64"},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30, "protocols": ["schedule"]},
}  # fmt: skip
EMBEDDING = {  # a nightly batch on one GPU, 4 vCPU and 14 GB a copy: an xlarge GPU type holds it
    "runtime": {"max_duration_s": 7200, "avg_duration_ms": 3_600_000, "memory_mb": 14_336, "vcpu": 4, "gpu": 1,
                "architecture": "x86_64"},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30, "protocols": ["schedule"]},
}  # fmt: skip
IN_MEMORY = {  # a 900 GB in-memory x86 job: only the x2 high-memory types hold it
    "runtime": {"max_duration_s": 3600, "avg_duration_ms": 3_600_000, "memory_mb": 921_600, "vcpu": 16,
                "architecture": "x86_64"},
    "traffic": {"pattern": "scheduled", "requests_per_month": 30, "protocols": ["schedule"]},
}  # fmt: skip


def _ranked(ruleset: Ruleset, workload: dict[str, Any], region: str, target: str = "ecs-ec2") -> RankedTarget:
    decision: Decision = decide(parse_workload({**workload, "preferences": {"region": region}}), ruleset, advice=False)
    return next(ranked for ranked in decision.ranking if ranked.target == target)


def _sizing(ranked: RankedTarget) -> InstanceSizing:
    assert ranked.monthly_cost is not None, ranked.no_price
    assert isinstance(ranked.sizing, InstanceSizing)
    return ranked.sizing


@pytest.mark.parametrize(("region", "usd"), [("eu-west-2", 71.552), ("ap-south-1", 66.048), ("us-west-1", 68.8)])
def test_an_8_gpu_training_job_is_billed_on_p5_at_the_regions_price(ruleset: Ruleset, region: str, usd: float) -> None:
    ranked = _ranked(ruleset, TRAINING, region)
    assert _sizing(ranked).instance_type == "p5.48xlarge"
    assert ranked.monthly_cost is not None
    line = ranked.monthly_cost.lines[0]
    assert line.item == "ECS container instances: p5.48xlarge (1 copy each), runs and 15 min after each"
    assert line.unit_price_usd == usd


def test_where_the_mirror_has_no_p5_the_training_job_finds_no_type(ruleset: Ruleset) -> None:
    """eu-west-1 lists p4d (1152 GiB) but not p5: the job is not priced on another region's p5."""
    ranked = _ranked(ruleset, TRAINING, "eu-west-1")
    assert ranked.monthly_cost is None
    assert ranked.no_price is not None
    assert ranked.no_price.startswith(
        "no instance type in the eu-west-1 catalogue holds one copy (96 vCPU, 1,843,200 MB, 8 GPU); its largest "
        "x86_64 GPU type is p4d.24xlarge (96 vCPU, 1,152 GiB, 8 GPU); this book leaves out "
    )
    assert "p5.48xlarge" in ranked.no_price


def test_naming_p5_where_the_mirror_has_none_gives_the_books_reason(ruleset: Ruleset) -> None:
    workload = {**TRAINING, "control": {"instance_types": ["p5"]}}
    ranked = _ranked(ruleset, workload, "eu-west-1")
    assert ranked.no_price is not None
    assert ranked.no_price.endswith(
        "; p5.48xlarge is not in this book: not in the EC2 mirrors (skypilot-org/skypilot-catalog@001367d2, "
        "catalogs/v7/aws/vms.csv; lamngockhuong/aws-price@508fb452, lib/data/pricing/ec2-transformed.json of "
        "2025-11-03) for eu-west-1: not offered here, or not sourced"
    )


@pytest.mark.parametrize(("region", "kind", "usd"), [("eu-central-1", "g6.xlarge", 1.0064),
                                                     ("eu-west-1", "g5.xlarge", 1.123),
                                                     ("eu-west-3", "g6.xlarge", 1.0216),
                                                     ("ap-southeast-1", "p4d.24xlarge", 26.34917),
                                                     ("us-west-1", "p5.48xlarge", 68.8)])  # fmt: skip
def test_a_one_gpu_batch_takes_the_cheapest_gpu_type_the_region_lists(
    ruleset: Ruleset, region: str, kind: str, usd: float
) -> None:
    """Frankfurt lists g6 (L4) below g5 (A10G); Ireland has no g6 in the mirrors and Paris no g5; Singapore's one GPU
    type is p4d and N. California's p5: a one-GPU job runs there on 8 GPUs rather than on another region's g5."""
    ranked = _ranked(ruleset, EMBEDDING, region)
    assert _sizing(ranked).instance_type == kind
    assert ranked.monthly_cost is not None
    assert ranked.monthly_cost.lines[0].unit_price_usd == usd


@pytest.mark.parametrize(("region", "usd"), [("ap-south-1", 6.881), ("eu-west-1", 8.003), ("us-west-1", 8.67)])
def test_a_900_gb_job_gets_a_high_memory_type(ruleset: Ruleset, region: str, usd: float) -> None:
    """x2idn.16xlarge and x2iedn.8xlarge both have 1024 GiB at one price in each region: the name breaks the tie."""
    ranked = _ranked(ruleset, IN_MEMORY, region)
    sizing = _sizing(ranked)
    assert sizing.instance_type == "x2idn.16xlarge"
    assert sizing.instance_memory_gib == 1024
    assert ranked.monthly_cost is not None
    assert ranked.monthly_cost.lines[0].unit_price_usd == usd


@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-2", "ca-central-1"])
def test_every_regional_catalogue_reaches_the_largest_sizes_on_both_architectures(
    ruleset: Ruleset, region: str
) -> None:
    types = {instance.type for instance in ruleset.pricing[region].ec2.instances}
    for largest in ("m7i.48xlarge", "c7i.48xlarge", "r7i.48xlarge", "m7g.16xlarge", "c7g.16xlarge", "r7g.16xlarge",
                    "x2idn.32xlarge", "x2iedn.32xlarge"):  # fmt: skip
        assert largest in types, (region, largest)


def test_m7g_sizes_are_listed_as_read_not_derived(ruleset: Ruleset) -> None:
    """Canada's m7g prices are rounded per size (12xlarge 2.183, not 6 x the 2xlarge's 0.3638)."""
    book = ruleset.pricing["ca-central-1"]
    twelve, two = book.instance("m7g.12xlarge"), book.instance("m7g.2xlarge")
    assert twelve is not None
    assert two is not None
    assert (twelve.usd_per_hour, two.usd_per_hour) == (2.183, 0.3638)
    assert twelve.uncertain is not None
    assert twelve.uncertain.endswith("; read")


def test_a_book_may_not_name_a_listed_type_as_left_out() -> None:
    raw = yaml.safe_load((REPO / "rules" / "pricing" / "eu-west-1.yaml").read_text(encoding="utf-8"))
    assert "ec2.instances[p5.48xlarge]" in raw["missing"]
    assert PriceBook.model_validate(raw).absent_types()["p5.48xlarge"].startswith("not in the EC2 mirrors")
    raw["missing"]["ec2.instances[p4d.24xlarge]"] = "said to be missing"
    with pytest.raises(ValidationError, match=r"names p4d\.24xlarge as left out, but ec2\.instances lists it"):
        PriceBook.model_validate(raw)


def test_pricing_show_names_the_types_a_region_leaves_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert "    p4d.24xlarge   gpu       x86_64   96 vCPU   1152 GiB 8 GPU  $23.7157/h  (uncertain)" in out
    assert "  no price in this region: ec2.instances[p5.48xlarge] (not in the EC2 mirrors " in out
    assert "ec2.instances[p4d.24xlarge]" not in out
