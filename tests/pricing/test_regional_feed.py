"""API Gateway, Lambda and Fargate outside us-east-1 from AWS's pricing-page feed (scripts/pricing_data/
aws_price_feed.json): an HTTP workload on Lambda is priced in Ireland, Graviton and ephemeral storage are billed at the
region's own rate, and the builder refuses a feed whose us-east-1 figures disagree with us-east-1's book."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from decider import decide, parse_workload
from decider.decision import RankedTarget
from decider.rules.model import Ruleset
from tests.pricing.test_generated_books import SCRIPT

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = yaml.safe_load((REPO / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
CONSUMER = {  # a queue consumer kept up all month: two copies (two Availability Zones), 1,460 task-hours
    "runtime": {"memory_mb": 2048, "vcpu": 1, "long_running": True, "architecture": "arm64"},
    "traffic": {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]},
}


def _ranked(ruleset: Ruleset, workload: dict[str, Any], region: str, target: str) -> RankedTarget:
    decision = decide(parse_workload({**workload, "preferences": {"region": region}}), ruleset, advice=False)
    return next(ranked for ranked in decision.ranking if ranked.target == target)


def test_an_http_api_on_lambda_is_priced_in_ireland_with_its_gateway_line(ruleset: Ruleset) -> None:
    workload = yaml.safe_load((REPO / "examples" / "checkout-api.yaml").read_text(encoding="utf-8"))
    workload["preferences"]["region"] = "eu-west-1"
    # 5 environments kept warm, given: its bursts' cold requests fit in what its p99 target lets be slower, so none
    # is assumed (tests/test_cold_requests_against_p99.py); given, they are priced at Ireland's rates
    workload["runtime"]["provisioned_concurrency"] = 5
    decision = decide(parse_workload(workload), ruleset, advice=False)
    ranked = next(ranked for ranked in decision.ranking if ranked.target == "lambda")
    assert ranked.monthly_cost is not None, ranked.no_price
    lines = {line.item: line for line in ranked.monthly_cost.lines}
    gateway = lines["API Gateway HTTP API requests, tier 1"]
    # 3,000,000 requests of 0.5 MB (one 512 KB increment each) x Ireland's $1.11 per million = $3.33
    assert ruleset.pricing["eu-west-1"].api_gateway is not None
    assert ruleset.pricing["eu-west-1"].api_gateway.http_api.tiers[0].usd == 0.00000111
    assert (gateway.quantity, gateway.unit_price_usd, round(gateway.usd, 2)) == (3_000_000, 0.00000111, 3.33)
    # + 3M requests x $0.20 per million ($0.60) + 5 environments of 1 GB kept warm, 13,140,000 GB-s configured x
    # Ireland's arm64 $0.0000037168 ($48.84), which run the 360,000 GB-s of work at Ireland's provisioned arm64 rate,
    # $0.0000086726 ($3.12) = $55.89 (a request that finds all 5 busy runs on demand: at 0.137 in flight, Erlang's B
    # is under a millionth, 0.13 GB-s)
    warm = lines["Lambda provisioned concurrency (5 environments of 1024 MB kept warm)"]
    assert (warm.quantity, warm.unit_price_usd) == (5 * 730 * 3600, 0.0000037168)
    work = lines["Lambda duration on provisioned environments (1024 MB, arm64)"]
    assert work.unit_price_usd == 0.0000086726
    assert work.quantity == pytest.approx(360_000, rel=1e-6)
    assert work.quantity < 360_000
    assert ranked.monthly_cost.total_usd == 55.89


def test_a_graviton_fargate_service_in_frankfurt_is_billed_by_hand(ruleset: Ruleset) -> None:
    # 1,460 task-hours x (1 vCPU x $0.03725 + 2 GB x $0.00409 = $0.04543) = $66.3278 -> $66.33
    ranked = _ranked(ruleset, CONSUMER, "eu-central-1", "ecs-fargate")
    assert ranked.monthly_cost is not None, ranked.no_price
    (line,) = ranked.monthly_cost.lines
    assert (line.item, line.quantity, line.unit_price_usd) == (
        "Fargate tasks (1 vCPU, 2 GB, Linux/ARM)",
        1460.0,
        0.04543,
    )
    assert ranked.monthly_cost.total_usd == 66.33


def test_fargate_ephemeral_storage_above_20_gb_is_billed_at_the_regions_rate(ruleset: Ruleset) -> None:
    workload = {**CONSUMER, "runtime": {**CONSUMER["runtime"], "ephemeral_storage_gb": 50}}
    ranked = _ranked(ruleset, workload, "eu-west-1", "ecs-fargate")
    assert ranked.monthly_cost is not None, ranked.no_price
    storage = ranked.monthly_cost.lines[1]
    # 50 GB of scratch and the 100 MB image twice (pulled and unpacked), in whole GiB: 51; 31 GB above the included
    # 20, for 1,460 task-hours, at Ireland's $0.000122 per GB-hour = $5.52172
    assert storage.item == "Fargate ephemeral storage above 20 GB (31 GB a task)"
    assert (storage.quantity, storage.unit_price_usd) == (45_260.0, 0.000122)
    assert storage.usd == pytest.approx(5.5217)


def test_lambda_ephemeral_storage_is_priced_outside_us_east_1(ruleset: Ruleset) -> None:
    job = {
        "runtime": {"max_duration_s": 60, "avg_duration_ms": 10_000, "memory_mb": 1024, "ephemeral_storage_gb": 2.5,
                    "architecture": "x86_64"},
        "traffic": {"pattern": "steady", "requests_per_month": 100_000, "protocols": ["queue"]},
    }  # fmt: skip
    ranked = _ranked(ruleset, job, "ap-south-1", "lambda")
    assert ranked.monthly_cost is not None, ranked.no_price
    storage = next(line for line in ranked.monthly_cost.lines if line.item.startswith("Lambda ephemeral storage"))
    # 100,000 requests x 10 s x 2 GB above the free 512 MB = 2,000,000 GB-s x Mumbai's $0.0000000352
    assert (storage.quantity, storage.unit_price_usd) == (2_000_000.0, 0.0000000352)
    assert storage.usd == pytest.approx(0.0704)


def test_a_windows_fargate_task_in_northern_california_by_hand(ruleset: Ruleset) -> None:
    """Windows Fargate from the feed, its OS licence billed apart: N. California's rates differ from Virginia's."""
    windows = {**CONSUMER, "runtime": {**CONSUMER["runtime"], "os": "windows", "architecture": "x86_64"}}
    ranked = _ranked(ruleset, windows, "us-west-1", "ecs-fargate")
    assert ranked.monthly_cost is not None
    tasks, licence = ranked.monthly_cost.lines
    # 1,460 task-hours x (1 vCPU x $0.053544 + 2 GB x $0.0058765 = $0.065297) = $95.33362; licence 1,460 x $0.046
    assert (tasks.item, tasks.quantity, tasks.unit_price_usd, tasks.usd) == (
        "Fargate tasks (1 vCPU, 2 GB, Windows/x86)",
        1460.0,
        0.065297,
        95.3336,
    )
    assert (licence.item, licence.usd) == ("Fargate Windows OS licence", 67.16)
    assert ranked.monthly_cost.total_usd == 162.49


def test_the_builder_checks_every_label_against_us_east_1s_book() -> None:
    feed = SCRIPT.load_feed()
    SCRIPT.check_feed(feed, TEMPLATE)  # the committed feed agrees with the book
    tampered = copy.deepcopy(feed)
    tampered["services"]["apigateway"]["regions"]["us-east-1"]["ApiGatewayHttpApi First 300 million"] = "0.0000011000"
    with pytest.raises(SCRIPT.FeedMismatch, match=r"api_gateway\.http_api: book \['0\.000001', '9E-7'\]"):
        SCRIPT.check_feed(tampered, TEMPLATE)
    missing = copy.deepcopy(feed)
    del missing["services"]["lambda"]["regions"]["us-east-1"]["Lambda Storage-Duration"]
    with pytest.raises(SCRIPT.FeedMismatch, match=r"lambda\.ephemeral_storage: book \['3\.09E-8'\], feed None"):
        SCRIPT.check_feed(missing, TEMPLATE)


def test_lambda_requests_per_request_become_per_million_exactly() -> None:
    feed = SCRIPT.load_feed()
    assert feed["services"]["lambda"]["regions"]["eu-west-1"]["Lambda Requests"] == "0.0000002000"
    price = SCRIPT.feed_price(feed, "eu-west-1", ("lambda", "request"), TEMPLATE)
    assert (price["usd"], price["unit"]) == (0.2, "million requests")
    assert "lamngockhuong/aws-price@508fb452, lib/data/pricing/lambda.json" in price["uncertain"]
    assert "published by AWS 2025-10-30" in price["uncertain"]


@pytest.mark.parametrize("region", sorted(set(SCRIPT.REGIONS) - {"us-east-1"}))
def test_every_regional_book_has_us_east_1s_tier_shape(ruleset: Ruleset, region: str) -> None:
    book, virginia = ruleset.pricing[region], ruleset.pricing["us-east-1"]
    assert book.api_gateway is not None
    assert virginia.api_gateway is not None
    assert "api_gateway" not in book.missing
    for name in ("http_api", "rest_api", "websocket_messages"):
        ours, theirs = getattr(book.api_gateway, name), getattr(virginia.api_gateway, name)
        assert [tier.up_to for tier in ours.tiers] == [tier.up_to for tier in theirs.tiers]
    for arch in ("x86_64", "arm64"):
        ours, theirs = book.lambda_.duration[arch], virginia.lambda_.duration[arch]
        assert [tier.up_to for tier in ours.tiers] == [tier.up_to for tier in theirs.tiers]
