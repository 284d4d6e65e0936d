"""AWS's pricing-page feed (scripts/pricing_data/aws_price_feed.json): which of its labels a regional book uses, the
check that their us-east-1 values are us-east-1's book's, and a book entry shaped as us-east-1's from a region's values.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "pricing_data"

FEED = DATA / "aws_price_feed.json"
FEED_SOURCE = {
    "apigateway": "https://aws.amazon.com/api-gateway/pricing/", "ecs": "https://aws.amazon.com/fargate/pricing/",
    "lambda": "https://aws.amazon.com/lambda/pricing/",
}  # fmt: skip
#: book path → (feed service, the feed's labels (one a tier, in order), multiplier from the feed's unit to the book's).
#: Tier bounds are us-east-1's, as the labels say: HTTP "First 300 million"; REST "up to 333 million", "Next 667
#: million" (1 billion), "Next 19 billion" (20 billion); WebSocket "first 1 billion"; Lambda's Tier2/Tier3 labels name
#: no bound (the AWS page's 6 and 15 billion GB-seconds x86, 7.5 and 18.75 billion Arm).
FEED_PRICES: dict[tuple[str, ...], tuple[str, tuple[str, ...], int]] = {
    ("api_gateway", "http_api"): ("apigateway", ("ApiGatewayHttpApi First 300 million",
                                                 "ApiGatewayHttpApi more than 300 million"), 1),
    ("api_gateway", "rest_api"): ("apigateway", ("API Calls Number of up to 333 million",
                                                 "API Calls Number of Request Next 667 million",
                                                 "API Calls Number of Request Next 19 billion",
                                                 "API Calls Number of Request Over 20 billion"), 1),
    ("api_gateway", "websocket_messages"): ("apigateway", ("WebSocket Messages Messages first 1 billion",
                                                           "WebSocket Messages Messages over 1 billion"), 1),
    ("api_gateway", "websocket_connection_minutes"): ("apigateway", ("WebSocket Connection Minutes",), 1),
    ("fargate", "linux_x86_64", "vcpu_hour"): ("ecs", ("perCPU per hour",), 1),
    ("fargate", "linux_x86_64", "gb_hour"): ("ecs", ("perGB per hour",), 1),
    ("fargate", "linux_arm64", "vcpu_hour"): ("ecs", ("ARM perCPU per hour",), 1),
    ("fargate", "linux_arm64", "gb_hour"): ("ecs", ("ARM perGB per hour",), 1),
    ("fargate", "windows_x86_64", "vcpu_hour"): ("ecs", ("perCPU per hour Windows",), 1),
    ("fargate", "windows_x86_64", "gb_hour"): ("ecs", ("perGB per hour Windows",), 1),
    ("fargate", "windows_x86_64", "os_license_vcpu_hour"): ("ecs", ("perCPU OS License Fee per hour Windows",), 1),
    ("fargate", "ephemeral_storage_gb_hour"): ("ecs", ("Storage per GB-Hours",), 1),
    ("lambda", "request"): ("lambda", ("Lambda Requests",), 1_000_000),  # per request → per million requests
    ("lambda", "duration", "x86_64"): ("lambda", ("Lambda Duration", "Lambda Duration Tier2",
                                                  "Lambda Duration Tier3"), 1),
    ("lambda", "duration", "arm64"): ("lambda", ("Lambda Duration-ARM", "Lambda Duration-ARM Tier2",
                                                 "Lambda Duration-ARM Tier3"), 1),
    ("lambda", "ephemeral_storage"): ("lambda", ("Lambda Storage-Duration",), 1),
    ("lambda", "response_streaming"): ("lambda", ("Lambda Processed-Bytes",), 1),
    ("lambda", "provisioned_concurrency", "x86_64"): ("lambda", ("Lambda Provisioned-Concurrency",), 1),
    ("lambda", "provisioned_concurrency", "arm64"): ("lambda", ("Lambda Provisioned-Concurrency-ARM",), 1),
    ("lambda", "provisioned_duration", "x86_64"): ("lambda", ("Lambda Duration-Provisioned",), 1),
    ("lambda", "provisioned_duration", "arm64"): ("lambda", ("Lambda Duration-Provisioned-ARM",), 1),
}  # fmt: skip


class FeedMismatch(ValueError):
    """The feed's us-east-1 value of a label differs from the figure us-east-1's book holds for that price."""


def load_feed() -> dict[str, Any]:
    feed: dict[str, Any] = json.loads(FEED.read_text(encoding="utf-8"))
    return feed


def _at(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _book_values(price: dict[str, Any]) -> list[Decimal]:
    return [Decimal(str(tier["usd"])) for tier in price["tiers"]] if "tiers" in price else [Decimal(str(price["usd"]))]


def feed_values(feed: dict[str, Any], region: str, path: tuple[str, ...]) -> list[Decimal] | None:
    """The feed's figures for a book path in a region, in the book's unit; None when a label is absent there."""
    service, labels, scale = FEED_PRICES[path]
    listed = feed["services"][service]["regions"].get(region, {})
    if any(label not in listed for label in labels):
        return None
    return [(Decimal(listed[label]) * scale).normalize() for label in labels]


def check_feed(feed: dict[str, Any], template: dict[str, Any]) -> None:
    """Refuse the feed unless every label used gives, for us-east-1, exactly the us-east-1 book's figure."""
    wrong = []
    for path in FEED_PRICES:
        held = _book_values(_at(template, path))
        given = feed_values(feed, "us-east-1", path)
        if given != held:
            wrong.append(f"{'.'.join(path)}: book {[str(v) for v in held]}, feed {given and [str(v) for v in given]}")
    if wrong:
        raise FeedMismatch("the price feed's us-east-1 figures disagree with us-east-1's book: " + "; ".join(wrong))


def _feed_why(feed: dict[str, Any], path: tuple[str, ...]) -> str:
    service, labels, _ = FEED_PRICES[path]
    entry = feed["services"][service]
    return (
        f"AWS's pricing-page data for this region ({', '.join(repr(label) for label in labels)}), mirrored at "
        f"{feed['mirror'][: len('lamngockhuong/aws-price@') + 8]}, {entry['file']}, published by AWS "
        f"{entry['published'][:10]}; its us-east-1 figures match us-east-1's book, read from the AWS page"
    )


def feed_price(feed: dict[str, Any], region: str, path: tuple[str, ...], template: dict[str, Any]) -> Any:
    """A book entry for ``path`` in ``region`` from the feed, shaped as us-east-1's (unit, tier bounds); or None."""
    values = feed_values(feed, region, path)
    if values is None:
        return None
    shape = _at(template, path)
    entry: dict[str, Any] = {"usd": float(values[0])} if len(values) == 1 else {}
    entry |= {"unit": shape["unit"], "source": FEED_SOURCE[FEED_PRICES[path][0]]}
    if len(values) > 1:
        bounds = [tier.get("up_to") for tier in shape["tiers"]]
        entry["tiers"] = [{"up_to": bound, "usd": float(value)} if bound else {"usd": float(value)}
                          for bound, value in zip(bounds, values, strict=True)]  # fmt: skip
    entry["uncertain"] = _feed_why(feed, path)
    return entry
