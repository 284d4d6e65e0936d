"""AWS's pricing-page feed (scripts/pricing_data/aws_price_feed.json): which of its labels a regional book uses, the
check that their us-east-1 values are us-east-1's book's, and a book entry shaped as us-east-1's from a region's values.

The EBS and data transfer feeds, which lamngockhuong/aws-price does not mirror, come from a second reading of AWS's
feeds, iammanis/ec2-vps's (scripts/pricing_data/network_rates.csv): ``load_feed`` adds them as services of their own,
each naming its mirror, and the same check holds for them.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "pricing_data"

FEED = DATA / "aws_price_feed.json"
RATES = DATA / "network_rates.csv"
#: The second reading of AWS's feeds (network_rates.csv): its repository, file and the feeds' publication dates.
RATES_MIRROR = "iammanis/ec2-vps@01472877498e3db6202b15540136df1a7f72cae9"
RATES_FEEDS = {
    "ebs": ("ec2/USD/current/ebs.json", "2026-09-03T16:32:44Z"),
    "datatransfer": ("datatransfer/USD/current/datatransfer.json", "2026-08-31T12:14:48Z"),
    "natgateway": ("ec2/USD/current/natgateway.json", "2026-09-03T16:32:44Z"),
}
FEED_SOURCE = {
    "apigateway": "https://aws.amazon.com/api-gateway/pricing/", "ecs": "https://aws.amazon.com/fargate/pricing/",
    "lambda": "https://aws.amazon.com/lambda/pricing/", "natgateway": "https://aws.amazon.com/vpc/pricing/",
    "cloudwatch": "https://aws.amazon.com/cloudwatch/pricing/", "ebs": "https://aws.amazon.com/ebs/pricing/",
    "datatransfer": "https://aws.amazon.com/ec2/pricing/on-demand/",
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
    # NAT gateways and CloudWatch Logs (standard class: "Collect (Data Ingestion)", "Store (Archival)") from the
    # mirror; EBS gp3 and data transfer out from iammanis/ec2-vps's reading. Data transfer's tiers are the labels':
    # the first 10 TB a month (after the free 100 GB), the next 40 TB, the next 100 TB, above 150 TB.
    ("network", "nat_gateway_hour"): ("natgateway", ("Hourly charge for NAT Gateways",), 1),
    ("network", "nat_gateway_gb"): ("natgateway", ("Charge for per GB data processed by NatGateways",), 1),
    ("network", "data_transfer_out"): ("datatransfer", ("DataTransfer External Outbound Next 10 TB",
                                                        "DataTransfer External Outbound Next 40 TB",
                                                        "DataTransfer External Outbound Next 100 TB",
                                                        "DataTransfer External Outbound Greater than 150 TB"), 1),
    ("network", "logs_ingested_gb"): ("cloudwatch", ("Logs Collected Data Ingestion",), 1),
    ("network", "logs_stored_gb_month"): ("cloudwatch", ("Stored Data",), 1),
    ("network", "ebs_gp3_gb_month"): ("ebs", ("Storage General Purpose gp3 GB Mo",), 1),
}  # fmt: skip


class FeedMismatch(ValueError):
    """The feed's us-east-1 value of a label differs from the figure us-east-1's book holds for that price."""


def load_feed() -> dict[str, Any]:
    """The mirror's feeds, and the EBS and data transfer feeds as iammanis/ec2-vps read them (network_rates.csv)."""
    feed: dict[str, Any] = json.loads(FEED.read_text(encoding="utf-8"))
    rates = read_rates()
    for service in ("ebs", "datatransfer"):
        path, published = RATES_FEEDS[service]
        feed["services"][service] = {
            "mirror": RATES_MIRROR, "file": f"_data/rates.json (its reading of AWS's {path})",
            "published": published, "regions": rates[service],
        }  # fmt: skip
    return feed


def read_rates() -> dict[str, dict[str, dict[str, str]]]:
    """feed → region → label → price, as network_rates.csv gives them (iammanis/ec2-vps's reading of AWS's feeds)."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    with RATES.open(encoding="utf-8") as handle:
        for region, service, label, usd in csv.reader(line for line in handle if not line.startswith("#")):
            found.setdefault(service, {}).setdefault(region, {})[label] = usd
    return found


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


def short(mirror: str) -> str:
    """A mirror named with the first 8 digits of its commit."""
    return mirror[: mirror.index("@") + 9]


def _feed_why(feed: dict[str, Any], path: tuple[str, ...]) -> str:
    service, labels, _ = FEED_PRICES[path]
    entry = feed["services"][service]
    mirror = entry.get("mirror", feed["mirror"])
    book = "us-east-1's book" if path[0] == "network" else "us-east-1's book, read from the AWS page"
    return (
        f"AWS's pricing-page data for this region ({', '.join(repr(label) for label in labels)}), mirrored at "
        f"{short(mirror)}, {entry['file']}, published by AWS {entry['published'][:10]}; its us-east-1 figures match "
        f"{book}"
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
