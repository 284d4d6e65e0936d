"""Build the regional price books (rules/pricing/<region>.yaml) from the figures in scripts/pricing_data/.

Run from the repository root: ``python scripts/build_price_books.py``. It rewrites the fourteen books other than
us-east-1 whole, and the generated block of us-east-1's instance catalogue (between the ``# generated`` markers);
us-east-1's hand-read prices stay as they are.

EC2: scripts/pricing_data/ec2_linux.csv holds on-demand Linux prices read from a third-party mirror of the AWS Price
List: one observed size per pro-rata family (``FAMILIES``) and region, and every size of the types listed as read
(``READ_TYPES``). Within m6i, m7i, c6i, c7i, c7g, r7i and r7g AWS prices every size in proportion to its vCPUs, so their
other sizes are derived by that ratio (and say so). m7g (whose regional prices are rounded per size), the high-memory
x2idn / x2iedn and the GPU types g5, g6, p4d and p5 are listed as read, never derived. scripts/pricing_data/
ec2_linux_feed.csv (scripts/extract_ec2_feed.py, from a newer mirror of AWS's pricing-page feed) takes precedence: the
P-series after AWS's 2025 price cut, sa-east-1 (every size read), and types the older mirror lacks for a region.
API Gateway, Lambda and Fargate: scripts/pricing_data/aws_price_feed.json holds the JSON feeds AWS's
pricing pages load, as mirrored at lamngockhuong/aws-price (extracted by scripts/extract_aws_price_feed.py). A label
of the feed is used (``FEED_PRICES`` in scripts/price_feed.py) only if its US East (N. Virginia) value equals the
figure us-east-1's book holds for that price, read from the AWS page: the build stops on any disagreement
(``check_feed``). Tier bounds are the us-east-1 book's, which match the labels' text; values are kept exactly as the
feed gives them.
Network (``network:``): NAT gateways and CloudWatch Logs from the same mirror's natgateway and cloudwatch feeds; EBS gp3
and data transfer out to the internet, whose feeds that mirror lacks, from iammanis/ec2-vps's reading of AWS's feeds
(scripts/pricing_data/network_rates.csv), under the same us-east-1 check; the free allowances (100 GB out, 5 GB of
logs) are account-wide and copied from us-east-1's book. Elastic Load Balancing has no regional source yet.
A figure no source gives for a region is left out, with the reason under ``missing:``; the targets that need it then
say "no price in this region" instead of borrowing another region's figure. A type of ``READ_TYPES`` the mirror does
not list for a region is left out of that book and named under ``missing:`` as ``ec2.instances[<type>]``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or loaded from a file by the tests
from price_feed import (
    FEED_PRICES,
    RATES_FEEDS,
    RATES_MIRROR,
    FeedMismatch,
    check_feed,
    feed_price,
    load_feed,
    read_rates,
    short,
)

__all__ = ["FEED_PRICES", "FeedMismatch", "check_feed", "feed_price", "load_feed"]

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "pricing_data"
BOOKS = ROOT / "rules" / "pricing"
AS_OF = "2026-12-06"  # the books' date: when they were last built
EC2_READ = "2026-12-02"  # when the EC2 mirrors were read
MIRROR = "skypilot-org/skypilot-catalog@001367d2, catalogs/v7/aws/vms.csv"
#: A newer mirror of the feed AWS's on-demand pricing page loads (scripts/extract_ec2_feed.py): the P-series after
#: AWS's 2025 price cut, sa-east-1, and types the older mirror lacks for a region.
EC2_FEED = "lamngockhuong/aws-price@508fb452, lib/data/pricing/ec2-transformed.json of 2025-11-03"
#: Windows Server's licence-included EC2 price: one AWS figure per vCPU-hour, no region named.
WINDOWS_LICENCE = {
    "usd": 0.046,
    "unit": "vCPU-hour",
    "source": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/optimize-cpu.html",
    "uncertain": (
        "AWS's EC2 User Guide gives Windows Server's licence-included price as $0.046 per vCPU-hour (usage operation "
        "RunInstances:0002), one figure with no region named; a third party's analysis of AWS's Price List "
        "(strategic-blue.com, 2023) found the same $0.046 in every region for most instance families (burstable t "
        "instances differ); not read from this region's page"
    ),
}
EC2_SOURCE = "https://aws.amazon.com/ec2/pricing/on-demand/"
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
)
NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)", "ca-central-1": "Canada (Central)", "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)", "eu-central-1": "Europe (Frankfurt)",
    "eu-north-1": "Europe (Stockholm)", "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "sa-east-1": "South America (Sao Paulo)",
}  # fmt: skip

_SIZES = {"medium": 1, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48}
_SIZES |= {"16xlarge": 64, "24xlarge": 96, "32xlarge": 128, "48xlarge": 192}
#: family → (decider family, architecture, GiB per vCPU, sizes offered): every size priced pro rata by vCPU.
FAMILIES: dict[str, tuple[str, str, int, tuple[str, ...]]] = {
    "m6i": ("general", "x86_64", 4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                                     "24xlarge", "32xlarge")),
    "m7i": ("general", "x86_64", 4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                                     "24xlarge", "48xlarge")),
    "c6i": ("compute", "x86_64", 2, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                                     "24xlarge", "32xlarge")),
    "c7i": ("compute", "x86_64", 2, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                                     "24xlarge", "48xlarge")),
    "c7g": ("compute", "arm64", 2, ("medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                                    "16xlarge")),
    "r7i": ("memory", "x86_64", 8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                                    "24xlarge", "48xlarge")),
    "r7g": ("memory", "arm64", 8, ("medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                                   "16xlarge")),
}  # fmt: skip
#: Types listed as read, each size on its own (decider family, architecture, vCPU, GiB, GPUs, from the mirror's row):
#: GPU prices are not in proportion to size, and m7g and x2 regional prices are rounded per size.
READ_TYPES: dict[str, tuple[str, str, int, int, int]] = {
    "m7g.medium": ("general", "arm64", 1, 4, 0), "m7g.large": ("general", "arm64", 2, 8, 0),
    "m7g.xlarge": ("general", "arm64", 4, 16, 0), "m7g.2xlarge": ("general", "arm64", 8, 32, 0),
    "m7g.4xlarge": ("general", "arm64", 16, 64, 0), "m7g.8xlarge": ("general", "arm64", 32, 128, 0),
    "m7g.12xlarge": ("general", "arm64", 48, 192, 0), "m7g.16xlarge": ("general", "arm64", 64, 256, 0),
    # High-memory (AWS's memory-optimised x2 families; decider's family "memory"): 16 and 32 GiB per vCPU.
    "x2idn.16xlarge": ("memory", "x86_64", 64, 1024, 0), "x2idn.24xlarge": ("memory", "x86_64", 96, 1536, 0),
    "x2idn.32xlarge": ("memory", "x86_64", 128, 2048, 0),
    "x2iedn.xlarge": ("memory", "x86_64", 4, 128, 0), "x2iedn.2xlarge": ("memory", "x86_64", 8, 256, 0),
    "x2iedn.4xlarge": ("memory", "x86_64", 16, 512, 0), "x2iedn.8xlarge": ("memory", "x86_64", 32, 1024, 0),
    "x2iedn.16xlarge": ("memory", "x86_64", 64, 2048, 0), "x2iedn.24xlarge": ("memory", "x86_64", 96, 3072, 0),
    "x2iedn.32xlarge": ("memory", "x86_64", 128, 4096, 0),
    "g5.xlarge": ("gpu", "x86_64", 4, 16, 1), "g5.2xlarge": ("gpu", "x86_64", 8, 32, 1),
    "g5.4xlarge": ("gpu", "x86_64", 16, 64, 1), "g5.8xlarge": ("gpu", "x86_64", 32, 128, 1),
    "g5.12xlarge": ("gpu", "x86_64", 48, 192, 4), "g5.16xlarge": ("gpu", "x86_64", 64, 256, 1),
    "g5.24xlarge": ("gpu", "x86_64", 96, 384, 4), "g5.48xlarge": ("gpu", "x86_64", 192, 768, 8),
    "g6.xlarge": ("gpu", "x86_64", 4, 16, 1), "g6.2xlarge": ("gpu", "x86_64", 8, 32, 1),
    "g6.4xlarge": ("gpu", "x86_64", 16, 64, 1), "g6.8xlarge": ("gpu", "x86_64", 32, 128, 1),
    "g6.12xlarge": ("gpu", "x86_64", 48, 192, 4), "g6.16xlarge": ("gpu", "x86_64", 64, 256, 1),
    "g6.24xlarge": ("gpu", "x86_64", 96, 384, 4), "g6.48xlarge": ("gpu", "x86_64", 192, 768, 8),
    "p4d.24xlarge": ("gpu", "x86_64", 96, 1152, 8), "p5.48xlarge": ("gpu", "x86_64", 192, 2048, 8),
}  # fmt: skip


def observed() -> dict[str, dict[str, tuple[float, str]]]:
    """region → instance type → (its price, the mirror it was read from). The newer feed's rows
    (ec2_linux_feed.csv, scripts/extract_ec2_feed.py) take precedence over the older mirror's (ec2_linux.csv)."""
    found: dict[str, dict[str, tuple[float, str]]] = {}
    for name, mirror in (("ec2_linux.csv", MIRROR), ("ec2_linux_feed.csv", EC2_FEED)):
        with (DATA / name).open(encoding="utf-8") as handle:
            for region, kind, usd in csv.reader(line for line in handle if not line.startswith("#")):
                found.setdefault(region, {})[kind] = (float(usd), mirror)
    return found


def instances(region: str, read: dict[str, tuple[float, str]]) -> list[dict[str, Any]]:
    """A region's catalogue: within a pro-rata family read at one size the other sizes are derived from it; a family
    read at several sizes lists those as read (sa-east-1's Graviton prices are rounded size by size)."""
    rows: list[dict[str, Any]] = []
    for family, (kind, arch, gib_per_vcpu, sizes) in FAMILIES.items():
        names = [f"{family}.{size}" for size in sizes]
        found = [name for name in names if name in read]
        if len(found) > 1:
            for name in found:
                vcpu = _SIZES[name.split(".")[1]]
                usd, mirror = read[name]
                rows.append(_instance(name, kind, arch, vcpu, vcpu * gib_per_vcpu, 0, usd, "read", mirror))
            continue
        if not found:
            continue
        (basis,) = found
        usd, mirror = read[basis]
        per_vcpu = usd / _SIZES[basis.split(".")[1]]
        for size, name in zip(sizes, names, strict=True):
            vcpu = _SIZES[size]
            how = "read" if name == basis else f"derived pro rata by vCPU from {basis} (${usd:g}/h)"
            rows.append(
                _instance(name, kind, arch, vcpu, vcpu * gib_per_vcpu, 0, round(per_vcpu * vcpu, 6), how, mirror)
            )
    for name, (kind, arch, vcpu, gib, gpus) in READ_TYPES.items():
        if name in read:
            usd, mirror = read[name]
            rows.append(_instance(name, kind, arch, vcpu, gib, gpus, usd, "read", mirror))
    return rows


def absent(region: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """``missing:`` entries for the types read as is that the mirror does not list for a region with a catalogue."""
    if not rows:
        return {}
    listed = {row["type"] for row in rows}
    return {
        f"ec2.instances[{name}]": f"not in the EC2 mirrors ({MIRROR}; {EC2_FEED}) for {region}: not offered here, or "
        "not sourced"
        for name in READ_TYPES
        if name not in listed
    }


def _instance(
    name: str, kind: str, arch: str, vcpu: int, gib: int, gpus: int, usd: float, how: str, mirror: str = MIRROR
) -> dict[str, Any]:
    return {
        "type": name, "family": kind, "architecture": arch, "vcpu": vcpu, "memory_gib": gib, "gpu": gpus,
        "usd_per_hour": usd, "source": EC2_SOURCE,
        "uncertain": f"third-party mirror of the AWS Price List ({mirror}), {EC2_READ}; {how}",
    }  # fmt: skip


def instance_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One flow mapping per instance, as the hand-written book has them."""
    return [
        "    - " + yaml.safe_dump(row, default_flow_style=True, width=10_000, sort_keys=False).strip() for row in rows
    ]


def _uncertain(usd: float, unit: str, source: str, why: str) -> dict[str, Any]:
    return {"usd": usd, "unit": unit, "source": source, "uncertain": why}


def book(
    region: str, rows: list[dict[str, Any]], template: dict[str, Any], feed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A regional book: the figures sourced for the region; everything else under ``missing:`` with the reason."""
    feed = load_feed() if feed is None else feed
    lam = template["lambda"]
    request, x86, arm, storage, streaming = (
        feed_price(feed, region, ("lambda", *key), template)
        for key in (
            ("request",),
            ("duration", "x86_64"),
            ("duration", "arm64"),
            ("ephemeral_storage",),
            ("response_streaming",),
        )
    )
    warm, warm_work = (
        {arch: feed_price(feed, region, ("lambda", name, arch), template) for arch in ("x86_64", "arm64")}
        for name in ("provisioned_concurrency", "provisioned_duration")
    )
    if request is None or x86 is None or arm is None:
        raise SystemExit(f"the price feed has no Lambda request or duration price for {region}")
    data: dict[str, Any] = {
        "region": region,
        "currency": "USD",
        "as_of": AS_OF,
        "hours_per_month": 730,
        "lambda": {
            "request": request,
            "duration": {"x86_64": x86, "arm64": arm},
            **({"ephemeral_storage": storage} if storage else {}),
            "free_tier_requests": lam["free_tier_requests"],
            "free_tier_gb_seconds": lam["free_tier_gb_seconds"],
            **({"response_streaming": streaming} if streaming else {}),
            "free_tier_response_streaming_gb": lam["free_tier_response_streaming_gb"],
            **({"provisioned_concurrency": warm} if all(warm.values()) else {}),
            **({"provisioned_duration": warm_work} if all(warm_work.values()) else {}),
        },
        "ec2": {
            "windows_license_vcpu_hour": WINDOWS_LICENCE,
            "spot_discount": template["ec2"]["spot_discount"],
            "instances": "INSTANCES",
        },
        "managed_instances": {"fee_fraction": {
            **template["managed_instances"]["fee_fraction"],
            "uncertain": "AWS's one published example is a us-east-1 price; the 12% share is assumed to hold here",
        }},
        "eks": {key: {**value, "uncertain": "AWS quotes one EKS price without a regional table; not read per region"}
                for key, value in template["eks"].items()},
        "savings_plans": {
            target: {term: {**rate, "uncertain": f"{rate['uncertain']}; AWS publishes ranges, not per region"}
                     for term, rate in terms.items()}
            for target, terms in template["savings_plans"].items()
        },
    }  # fmt: skip
    missing: dict[str, str] = {}
    if storage is None:
        missing["lambda.ephemeral_storage"] = "no sourced Lambda ephemeral storage price for this region"
    if streaming is None:
        missing["lambda.response_streaming"] = "no sourced Lambda response streaming price for this region"
    if not all(warm.values()):
        missing["lambda.provisioned_concurrency"] = "no sourced Lambda provisioned concurrency price for this region"
    if not all(warm_work.values()):
        missing["lambda.provisioned_duration"] = "no sourced Lambda provisioned duration price for this region"
    if not rows:
        missing["ec2.instances"] = f"neither EC2 mirror ({MIRROR}; {EC2_FEED}) has {region} rows"
    missing.update(absent(region, rows))
    gateway = {name: feed_price(feed, region, ("api_gateway", name), template) for name in template["api_gateway"]}
    if None in gateway.values():
        missing["api_gateway"] = "no sourced API Gateway price for this region"
    else:
        data["api_gateway"] = gateway
    fargate = fargate_prices(region, feed, template)
    if fargate is None:
        missing["fargate"] = "no sourced Fargate price for this region"
    else:
        data["fargate"] = fargate
        if "linux_arm64" not in fargate:
            missing["fargate.linux_arm64"] = "no sourced Fargate Linux/ARM price for this region"
        if "ephemeral_storage_gb_hour" not in fargate:
            missing["fargate.ephemeral_storage_gb_hour"] = "no sourced Fargate ephemeral storage price for this region"
        if "windows_x86_64" not in fargate:
            missing["fargate.windows_x86_64"] = "no sourced Fargate Windows price for this region"
    network, unsourced = network_prices(region, feed, template)
    if unsourced:
        missing["network"] = f"no sourced {', '.join(unsourced)} price for this region"
    else:
        data["network"] = network
    data["load_balancers"] = {
        key: {**price, "uncertain": f"us-east-1's figure, taken as a floor (floors:); there: {price['uncertain']}"}
        if price.get("uncertain")
        else {**price, "uncertain": "us-east-1's figure, taken as a floor (floors:)"}
        for key, price in template["load_balancers"].items()
    }
    data["modes"] = modes(template, request)
    data["missing"] = dict(sorted(missing.items()))
    data["floors"] = {"load_balancers": ELB_FLOOR}
    return data


NO_ELB = (
    "the mirror of AWS's pricing-page feeds (lamngockhuong/aws-price) has no Elastic Load Balancing feed, and no other "
    "public copy of AWS's regional ELB prices was found"
)
#: Why us-east-1's load balancer prices stand as a floor elsewhere rather than $0 (architect audit 25, F3: a load
#: balancer at $0 against Lambda's billed API Gateway flipped regional answers).
ELB_FLOOR = (
    "us-east-1's prices, taken as a floor: no source of this region's Elastic Load Balancing prices was found, and "
    "us-east-1 is among AWS's lowest-priced regions (the one other region read, Tokyo, is $0.0243 an ALB-hour against "
    "$0.0225: a third party's reading of AWS's Price List, 2026-08-27)"
)
_NETWORK = {  # book key → what it prices, for the missing: entry when a region's feed lacks it
    "nat_gateway_hour": "NAT gateway", "nat_gateway_gb": "NAT gateway", "data_transfer_out": "data transfer",
    "logs_ingested_gb": "CloudWatch Logs", "logs_stored_gb_month": "CloudWatch Logs", "ebs_gp3_gb_month": "EBS",
}  # fmt: skip


def network_prices(region: str, feed: dict[str, Any], template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The network block shaped as us-east-1's, and what the feeds leave out for the region (the block is whole or
    absent). The free allowances are AWS's account-wide rules, copied from us-east-1's book."""
    shipped = template["network"]
    block: dict[str, Any] = {}
    unsourced: list[str] = []
    for key in shipped:
        if key not in _NETWORK:
            block[key] = shipped[key]
            continue
        block[key] = feed_price(feed, region, ("network", key), template)
        if block[key] is None and _NETWORK[key] not in unsourced:
            unsourced.append(_NETWORK[key])
    if not unsourced:
        _compare_nat(region, block)
    return block, unsourced


def _compare_nat(region: str, block: dict[str, Any]) -> None:
    """Say in the NAT figures whether iammanis/ec2-vps's later reading of AWS's natgateway feed agrees."""
    later = read_rates().get("natgateway", {}).get(region, {})
    _, published = RATES_FEEDS["natgateway"]
    for key in ("nat_gateway_hour", "nat_gateway_gb"):
        (label,) = FEED_PRICES[("network", key)][1]
        if label not in later:
            continue
        given, entry = float(later[label]), block[key]
        verdict = "gives the same" if given == entry["usd"] else "gave"
        entry["uncertain"] += f"; {short(RATES_MIRROR)}'s reading of the feed of {published[:10]} {verdict} ${given:g}"
        if given != entry["usd"]:
            print(f"{region} network.{key}: mirror {entry['usd']:g}, {short(RATES_MIRROR)} {given:g}", file=sys.stderr)


def per_request(price: dict[str, Any]) -> dict[str, Any]:
    """A request price per request, as the modes block gives it (the Lambda block gives it per million)."""
    if price["unit"] == "request":
        return {"usd": price["usd"], "unit": "request"}
    if price["unit"] != "million requests":
        raise SystemExit(f"a Lambda request price per {price['unit']!r}: expected per request or per million")
    return {"usd": float(f"{price['usd'] / 1e6:.10g}"), "unit": "request"}


def modes(template: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The capacity modes' prices: shares and constants AWS states once, not per region (each marked assumed to hold
    here), and Lambda Managed Instances' request price, the region's Lambda request price. A mode also needs the
    prices its plan is built on (EKS on Fargate: Fargate's; the others: the instance catalogue): without them it is
    not priced, as any target without its prices is not."""
    held = "AWS states it once, not per region; assumed to hold here"
    shipped = template["modes"]
    managed = shipped["lambda_managed_instances"]
    return {
        "lambda_managed_instances": {
            **managed,
            "request": {
                **request,
                **per_request(request),
                "note": "The region's Lambda request price, as on demand; no duration charge.",
            },
            "fee_fraction": {**managed["fee_fraction"], "uncertain": f"{managed['fee_fraction']['uncertain']} {held}"},
        },
        "eks_auto_mode": {
            "fee_fraction": {
                **shipped["eks_auto_mode"]["fee_fraction"],
                "uncertain": f"{shipped['eks_auto_mode']['fee_fraction']['uncertain']} {held}",
            }
        },
        "eks_fargate": shipped["eks_fargate"],
    }


_PLATFORMS = {
    "linux_x86_64": ("vcpu_hour", "gb_hour"),
    "linux_arm64": ("vcpu_hour", "gb_hour"),
    "windows_x86_64": ("vcpu_hour", "gb_hour", "os_license_vcpu_hour"),
}


def fargate_prices(region: str, feed: dict[str, Any], template: dict[str, Any]) -> dict[str, Any] | None:
    """The Fargate block: São Paulo's transcription of the AWS page where it has one, else the feed's Linux x86 and
    Arm (Linux/x86 from fgcalc's table where the feed has none); Windows (with its OS licence, billed apart) and
    ephemeral storage from the feed."""
    platforms = {arch: {dim: feed_price(feed, region, ("fargate", arch, dim), template) for dim in dims}
                 for arch, dims in _PLATFORMS.items()}  # fmt: skip
    fargate = {arch: dims for arch, dims in platforms.items() if None not in dims.values()}
    if "linux_x86_64" in fargate:
        _compare_fgcalc(region, fargate["linux_x86_64"])
    windows = {"windows_x86_64": fargate["windows_x86_64"]} if "windows_x86_64" in fargate else {}
    fargate = {**(FARGATE.get(region) or fargate or fargate_linux_x86().get(region) or {}), **windows}
    if not fargate:
        return None
    storage = feed_price(feed, region, ("fargate", "ephemeral_storage_gb_hour"), template)
    return {
        **fargate,
        **({"ephemeral_storage_gb_hour": storage} if storage else {}),
        "included_ephemeral_storage_gb": template["fargate"]["included_ephemeral_storage_gb"],
        "spot_discount": template["fargate"]["spot_discount"],
    }


def _compare_fgcalc(region: str, x86: dict[str, Any]) -> None:
    """Say in the figure whether fgcalc's 2021 table (the earlier source) agrees; print each difference."""
    table = fargate_linux_x86().get(region) or FARGATE.get(region)
    if table is None:
        return
    for dim, entry in x86.items():
        earlier = table["linux_x86_64"][dim]["usd"]
        if earlier == entry["usd"]:
            entry["uncertain"] += f"; the earlier region table ({_FGCALC}) gives the same ${earlier:g}"
        else:
            entry["uncertain"] += f"; the earlier region table ({_FGCALC}) gave ${earlier:g}"
            print(f"{region} fargate.linux_x86_64.{dim}: feed {entry['usd']:g}, earlier {earlier:g}", file=sys.stderr)


_FARGATE_SRC = "https://aws.amazon.com/pt/fargate/pricing/"
_FARGATE_WHY = "third-party transcription of the AWS page (apoloferreira/basecode doc/custo02.md), read 2026-12-02"
FARGATE: dict[str, dict[str, Any]] = {
    "sa-east-1": {
        "linux_x86_64": {"vcpu_hour": _uncertain(0.0696, "vCPU-hour", _FARGATE_SRC, _FARGATE_WHY),
                         "gb_hour": _uncertain(0.0076, "GB-hour", _FARGATE_SRC, _FARGATE_WHY)},
        "linux_arm64": {"vcpu_hour": _uncertain(0.0557, "vCPU-hour", _FARGATE_SRC, _FARGATE_WHY),
                        "gb_hour": _uncertain(0.00612, "GB-hour", _FARGATE_SRC, _FARGATE_WHY)},
    },
}  # fmt: skip
_FGCALC = "theuves/fgcalc@6e1547cb, src/utils/data.js"


def fargate_linux_x86() -> dict[str, dict[str, Any]]:
    """region → Fargate Linux/x86 prices from scripts/pricing_data/fargate_linux_x86.csv (a public calculator's
    region table, transcribed from the AWS page); the books that have no other Fargate source take these."""
    src = "https://aws.amazon.com/fargate/pricing/"
    why = f"third-party region table of a public Fargate calculator ({_FGCALC}, transcribed from the AWS page in 2021)"
    found: dict[str, dict[str, Any]] = {}
    with (DATA / "fargate_linux_x86.csv").open(encoding="utf-8") as handle:
        for region, vcpu_hour, gb_hour in csv.reader(line for line in handle if not line.startswith("#")):
            found[region] = {"linux_x86_64": {"vcpu_hour": _uncertain(float(vcpu_hour), "vCPU-hour", src, why),
                                              "gb_hour": _uncertain(float(gb_hour), "GB-hour", src, why)}}  # fmt: skip
    return found


def render_book(region: str, data: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """A regional book's text: header comment, the data, the catalogue one instance a line."""
    header = (
        f"# decider price book: {NAMES[region]}, on-demand list prices in USD. Generated by\n"
        "# scripts/build_price_books.py from scripts/pricing_data/ (do not edit by hand: edit the data and rerun).\n"
        "# Figures without a source for this region are left out and listed under `missing:` with the reason.\n"
    )
    text = yaml.safe_dump(data, sort_keys=False, width=118, allow_unicode=True)
    catalogue = "\n".join(instance_lines(rows)) if rows else "    []"
    text = text.replace(
        "  instances: INSTANCES\n", "  instances:\n" + catalogue + "\n" if rows else "  instances: []\n"
    )
    return header + text


BEGIN, END = "    # generated: begin", "    # generated: end"


def extend_us_east_1(rows: list[dict[str, Any]]) -> None:
    """Add the generated types us-east-1's hand-read catalogue lacks, between markers (rewritten on each run)."""
    path = BOOKS / "us-east-1.yaml"
    text = path.read_text(encoding="utf-8")
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + text[text.index(END) + len(END) + 1 :]
    listed = {item["type"] for item in yaml.safe_load(text)["ec2"]["instances"]}
    extra = [row for row in rows if row["type"] not in listed]
    block = "\n".join([BEGIN + " (scripts/build_price_books.py)", *instance_lines(extra), END]) + "\n"
    marker = "managed_instances:\n"
    path.write_text(text.replace(marker, block + marker, 1), encoding="utf-8")


def main() -> None:
    template = yaml.safe_load((BOOKS / "us-east-1.yaml").read_text(encoding="utf-8"))
    feed = load_feed()
    check_feed(feed, template)
    read = observed()
    for region in REGIONS:
        rows = instances(region, read.get(region, {}))
        if region == "us-east-1":
            extend_us_east_1(rows)
        else:
            text = render_book(region, book(region, rows, template, feed), rows)
            (BOOKS / f"{region}.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
