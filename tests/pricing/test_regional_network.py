"""NAT gateways, data transfer out, CloudWatch Logs and EBS outside us-east-1: each regional book prices them from
AWS's pricing-page feeds (NAT and Logs from lamngockhuong/aws-price's mirror, EBS gp3 and data transfer from
iammanis/ec2-vps's reading, scripts/pricing_data/network_rates.csv), and a regional bill's lines are priced from its
own book, by hand.
Elastic Load Balancing has no regional source: those lines are priced at us-east-1's figures, as a floor (the book's
``floors:``), and say so on the line and in a warning (architect audit 25, F3: at $0 they flipped regional answers)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider import decide, parse_workload
from decider.decision import CostLine, RankedTarget
from decider.rules.model import Ruleset
from tests.pricing.test_generated_books import GENERATED, SCRIPT

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
#: An HTTP service in a VPC with two NAT gateways, 2,000 GB out and 200 GB of logs a month.
SERVICE = {
    "runtime": {"memory_mb": 2048, "vcpu": 1, "architecture": "x86_64", "long_running": True},
    "traffic": {"pattern": "steady", "requests_per_month": 20_000_000, "protocols": ["http"]},
    "network": {"vpc": True, "nat_gateways": 2, "egress_gb_per_month": 2000, "logs_gb_per_month": 200},
}


def _ranked(ruleset: Ruleset, workload: dict[str, Any], region: str, target: str) -> RankedTarget:
    decision = decide(parse_workload({**workload, "preferences": {"region": region}}), ruleset, advice=False)
    return next(ranked for ranked in decision.ranking if ranked.target == target)


def _lines(ranked: RankedTarget) -> dict[str, CostLine]:
    assert ranked.monthly_cost is not None, ranked.no_price
    return {line.item: line for line in ranked.monthly_cost.lines}


def test_a_fargate_service_in_tokyo_pays_tokyos_nat_data_transfer_and_logs(ruleset: Ruleset) -> None:
    lines = _lines(_ranked(ruleset, SERVICE, "ap-northeast-1", "ecs-fargate"))
    # 2 gateways x 730 h x Tokyo's $0.062 = $90.52; 2,000 GB in the first tier at $0.114 = $228; 200 GB ingested at
    # $0.76 = $152 and a month's 200 GB stored at $0.033 = $6.60 (Virginia: $0.045, $0.09, $0.50, $0.03)
    expected = {
        "NAT gateways (2)": (1460.0, 0.062, 90.52),
        "Data transfer out to the internet, tier 1": (2000.0, 0.114, 228.0),
        "CloudWatch Logs ingested": (200.0, 0.76, 152.0),
        "CloudWatch Logs stored (one month's volume)": (200.0, 0.033, 6.6),
    }
    for item, (quantity, unit_price, usd) in expected.items():
        line = lines[item]
        assert (line.quantity, line.unit_price_usd) == (quantity, unit_price), item
        assert line.usd == pytest.approx(usd), item
    assert not [item for item in lines if "NAT" in item and "no price" in item]


def test_load_balancer_lines_take_us_east_1s_prices_as_a_floor_and_say_so(ruleset: Ruleset) -> None:
    decision = decide(parse_workload({**SERVICE, "preferences": {"region": "ap-northeast-1"}}), ruleset, advice=False)
    fargate = next(ranked for ranked in decision.ranking if ranked.target == "ecs-fargate")
    lines = _lines(fargate)
    hours = lines["Application Load Balancer hours: another region's price, a floor"]
    assert (hours.quantity, hours.unit_price_usd) == (730.0, 0.0225)  # Virginia's ALB-hour
    units = lines["Application Load Balancer capacity units: another region's price, a floor"]
    assert units.unit_price_usd == 0.008
    assert units.usd > 0
    reason = ruleset.pricing["ap-northeast-1"].floors["load_balancers"]
    assert "no source of this region's Elastic Load Balancing prices was found" in reason
    # a long-running service: a container target wins, on a bill at the floor, and the answer names the bills
    assert decision.recommendation in {"ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"}
    [said] = [text for text in decision.warnings if "as a floor" in text]
    assert "Amazon ECS on AWS Fargate" in said
    assert "Application Load Balancer hours" in said
    assert "`decider pricing show --region ap-northeast-1` says why" in said
    assert "AWS Lambda" not in said.split(" price")[0]  # behind its API Gateway: no load balancer line


def test_us_east_1_takes_no_floor(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(SERVICE), ruleset, advice=False)
    fargate = next(ranked for ranked in decision.ranking if ranked.target == "ecs-fargate")
    assert "Application Load Balancer hours" in _lines(fargate)
    assert not [text for text in decision.warnings if "as a floor" in text]
    assert ruleset.pricing["us-east-1"].floors == {}


def test_an_ec2_node_in_sao_paulo_pays_sao_paulos_gp3_root_volume(ruleset: Ruleset) -> None:
    lines = _lines(_ranked(ruleset, SERVICE, "sa-east-1", "ecs-ec2"))
    (volume,) = [line for item, line in lines.items() if item.startswith("EBS root volumes")]
    assert "no price" not in volume.item
    assert volume.unit_price_usd == 0.152  # Virginia: $0.08
    assert volume.usd == pytest.approx(volume.quantity * 0.152)


def test_data_transfer_crosses_sydneys_tiers_by_hand(ruleset: Ruleset) -> None:
    workload = {**SERVICE, "network": {"egress_gb_per_month": 60_000}}
    lines = _lines(_ranked(ruleset, workload, "ap-southeast-2", "ecs-fargate"))
    # 60,000 GB: the first 10,240 at $0.114, the next 40,960 at $0.098, the last 8,800 at $0.094
    tiers = [lines[f"Data transfer out to the internet, tier {n}"] for n in (1, 2, 3)]
    assert [(line.quantity, line.unit_price_usd) for line in tiers] == [
        (10_240.0, 0.114),
        (40_960.0, 0.098),
        (8_800.0, 0.094),
    ]
    assert sum(line.usd for line in tiers) == pytest.approx(10_240 * 0.114 + 40_960 * 0.098 + 8_800 * 0.094)


def test_the_free_allowances_are_the_same_everywhere(ruleset: Ruleset) -> None:
    workload = parse_workload({**SERVICE, "preferences": {"free_tier": True, "region": "eu-central-1"}})
    lines = _lines(next(ranked for ranked in decide(workload, ruleset, advice=False).ranking
                        if ranked.target == "ecs-fargate"))  # fmt: skip
    # 2,000 GB less the account's free 100 GB at Frankfurt's $0.09; 200 GB of logs less the free 5 GB at $0.63
    out = lines["Data transfer out to the internet, tier 1 after 100 GB free"]
    assert (out.quantity, out.unit_price_usd) == (1900.0, 0.09)
    logs = lines["CloudWatch Logs ingested after 5 GB free"]
    assert (logs.quantity, logs.unit_price_usd) == (195.0, 0.63)


@pytest.mark.parametrize("region", GENERATED)
def test_every_regional_book_has_us_east_1s_network_shape(ruleset: Ruleset, region: str) -> None:
    book, virginia = ruleset.pricing[region], ruleset.pricing["us-east-1"]
    assert book.network is not None
    assert virginia.network is not None
    assert "network" not in book.missing
    assert book.load_balancers is not None
    assert virginia.load_balancers is not None
    for name in ("alb_hour", "alb_lcu_hour", "nlb_hour", "nlb_lcu_hour"):
        ours, theirs = getattr(book.load_balancers, name), getattr(virginia.load_balancers, name)
        assert (ours.usd, ours.unit, ours.source) == (theirs.usd, theirs.unit, theirs.source), name
        assert "us-east-1's figure, taken as a floor" in (ours.uncertain or ""), name
    assert "load_balancers" in book.floors
    assert "load_balancers" not in book.missing
    tiers = book.network.data_transfer_out.tiers
    assert [tier.up_to for tier in tiers] == [tier.up_to for tier in virginia.network.data_transfer_out.tiers]
    assert [tier.usd for tier in tiers] == sorted((tier.usd for tier in tiers), reverse=True)  # cheaper with volume
    assert book.network.data_transfer_out_free == virginia.network.data_transfer_out_free
    assert book.network.logs_free == virginia.network.logs_free
    for name in ("nat_gateway_hour", "nat_gateway_gb", "logs_ingested_gb", "logs_stored_gb_month", "ebs_gp3_gb_month"):
        ours, theirs = getattr(book.network, name), getattr(virginia.network, name)
        assert (ours.unit, ours.source) == (theirs.unit, theirs.source), name
        assert "published by AWS" in (ours.uncertain or ""), name


def test_the_nat_figures_say_the_later_reading_agrees() -> None:
    book = SCRIPT.book("eu-west-2", [], TEMPLATE)
    hour = book["network"]["nat_gateway_hour"]
    assert hour["usd"] == 0.05
    assert (
        "lamngockhuong/aws-price@508fb452, lib/data/pricing/natgateway.json, published by AWS 2025-10-28"
        in (hour["uncertain"])
    )
    assert hour["uncertain"].endswith(
        "iammanis/ec2-vps@01472877's reading of the feed of 2026-09-03 gives the same $0.05"
    )
    ebs = book["network"]["ebs_gp3_gb_month"]
    assert ebs["usd"] == 0.0928
    assert (
        "iammanis/ec2-vps@01472877, _data/rates.json (its reading of AWS's ec2/USD/current/ebs.json)"
        in (ebs["uncertain"])
    )


def test_the_builder_checks_the_network_labels_against_us_east_1s_book() -> None:
    feed = SCRIPT.load_feed()
    SCRIPT.check_feed(feed, TEMPLATE)
    tampered = copy.deepcopy(feed)
    tampered["services"]["ebs"]["regions"]["us-east-1"]["Storage General Purpose gp3 GB Mo"] = "0.1"
    with pytest.raises(SCRIPT.FeedMismatch, match=r"network\.ebs_gp3_gb_month: book \['0\.08'\], feed \['0\.1'\]"):
        SCRIPT.check_feed(tampered, TEMPLATE)
    tampered = copy.deepcopy(feed)
    tampered["services"]["cloudwatch"]["regions"]["us-east-1"]["Stored Data"] = "0.0330000000"
    with pytest.raises(SCRIPT.FeedMismatch, match=r"network\.logs_stored_gb_month: book \['0\.03'\]"):
        SCRIPT.check_feed(tampered, TEMPLATE)


def test_a_region_the_feeds_leave_out_keeps_network_under_missing() -> None:
    feed = SCRIPT.load_feed()
    del feed["services"]["datatransfer"]["regions"]["eu-north-1"]
    book = SCRIPT.book("eu-north-1", [], TEMPLATE, feed)
    assert "network" not in book
    assert book["missing"]["network"] == "no sourced data transfer price for this region"
