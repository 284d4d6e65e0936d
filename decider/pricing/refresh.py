"""Rebuilding a price book from the AWS Price List bulk offer files.

An offer file (public JSON, no credentials) has ``products`` keyed by SKU, each with ``productFamily`` and
``attributes``, and ``terms.OnDemand[sku][offerTermCode].priceDimensions[rateCode]`` with ``pricePerUnit.USD``,
``unit`` and the tier bounds ``beginRange``/``endRange``. ``refresh`` reads one file per service (from a directory
or the Price List endpoint), replaces every price it can match, records the offer file URL, version and publication
date as each price's source, and marks the prices it could not find as uncertain (kept from the previous book).
Each file is streamed (``offer_file``) keeping only the products ``wanted`` by the book; a download is streamed to a
temporary file under the refresh's deadline (``download``). An offer file that supplies no price at all is refused
(``check_supplied``): a refresh that changes nothing real is an error, not a book of "kept uncertain" prices.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

from decider.errors import PricingError, Problem
from decider.pricing.book import PriceBook
from decider.pricing.download import Deadline, Progress, download
from decider.pricing.offer_file import PRICE_LIST_URL, Keep, Offer, Product, candidates, parse_offer

__all__ = ["OFFERS", "PRICE_LIST_URL", "Offer", "Product", "parse_offer", "read_offer", "refresh", "wanted"]

OFFERS = ("AWSLambda", "AmazonECS", "AmazonEC2", "AmazonEKS", "AWSELB", "AmazonApiGateway")
DEFAULT_DEADLINE = 600.0


def read_offer(
    source: str,
    offer: str,
    region: str,
    client: httpx.Client | None = None,
    *,
    keep: Keep | None = None,
    deadline: Deadline | None = None,
    progress: Progress | None = None,
) -> Offer | None:
    """One offer file from a directory (see ``candidates``) or a Price List base URL; None when absent."""
    deadline = deadline or Deadline(DEFAULT_DEADLINE)
    where = f"{offer} offer"

    def tick() -> None:
        deadline.check(where, "reading the offer file")

    def parse(path: Path, url: str) -> Offer:
        return parse_offer(path, url, region, keep or (lambda product: True), tick)

    if not source.startswith(("http://", "https://")):
        found = next((path for path in candidates(Path(source), offer, region) if path.is_file()), None)
        if found is None:
            return None
        try:
            return parse(found, str(found))
        except OSError as error:
            raise PricingError([Problem(str(found), f"cannot read: {error}")]) from None
    url = f"{source.rstrip('/')}/{offer}/current/{region}/index.json"
    import httpx  # only a refresh from a URL needs it; every other decider command starts faster without it

    owned = client is None
    http = client or httpx.Client()
    try:
        with tempfile.NamedTemporaryFile(prefix=f"decider-{offer}-", suffix=".json") as body:
            if not download(http, url, body, deadline, progress):
                return None
            body.flush()
            return parse(Path(body.name), url)
    finally:
        if owned:
            http.close()


Match = Callable[[Product], bool]


def _usage(suffix: str, family: str | None = None) -> Match:
    """Products whose usage type (after its region prefix) is ``suffix``; Spot usage never stands for on-demand."""

    def match(product: Product) -> bool:
        usage = product.attributes.get("usagetype", "")
        if "Spot" in usage:
            return False
        return (usage == suffix or usage.endswith("-" + suffix)) and (family is None or product.family == family)

    return match


def _group(name: str) -> Match:
    return lambda product: product.attributes.get("group") == name


def _instance(instance_type: str) -> Match:
    def match(product: Product) -> bool:
        attributes = product.attributes
        return (
            product.family == "Compute Instance"
            and attributes.get("instanceType") == instance_type
            and attributes.get("operatingSystem") == "Linux"
            and attributes.get("tenancy", "Shared") == "Shared"
            and attributes.get("preInstalledSw", "NA") == "NA"
            and attributes.get("capacitystatus", "Used") == "Used"
        )

    return match


#: (path in the price book, offer, how to recognise the product, multiplier from the offer's unit to the book's)
SIMPLE_PRICES: tuple[tuple[tuple[str, ...], str, Match, float], ...] = (
    (("lambda", "request"), "AWSLambda", _group("AWS-Lambda-Requests"), 1e6),
    (("lambda", "ephemeral_storage"), "AWSLambda", _group("AWS-Lambda-Storage-Duration"), 1.0),
    (("fargate", "linux_x86_64", "vcpu_hour"), "AmazonECS", _usage("Fargate-vCPU-Hours:perCPU"), 1.0),
    (("fargate", "linux_x86_64", "gb_hour"), "AmazonECS", _usage("Fargate-GB-Hours"), 1.0),
    (("fargate", "linux_arm64", "vcpu_hour"), "AmazonECS", _usage("Fargate-ARM-vCPU-Hours:perCPU"), 1.0),
    (("fargate", "linux_arm64", "gb_hour"), "AmazonECS", _usage("Fargate-ARM-GB-Hours"), 1.0),
    (("fargate", "windows_x86_64", "vcpu_hour"), "AmazonECS", _usage("Fargate-Windows-vCPU-Hours:perCPU"), 1.0),
    (("fargate", "windows_x86_64", "gb_hour"), "AmazonECS", _usage("Fargate-Windows-GB-Hours"), 1.0),
    (
        ("fargate", "windows_x86_64", "os_license_vcpu_hour"),
        "AmazonECS",
        _usage("Fargate-Windows-OS-Hours:perCPU"),
        1.0,
    ),
    (("fargate", "ephemeral_storage_gb_hour"), "AmazonECS", _usage("Fargate-EphemeralStorage-GB-Hours"), 1.0),
    (("eks", "control_plane_hour"), "AmazonEKS", _usage("AmazonEKS-Hours:perCluster"), 1.0),
    (("eks", "extended_support_control_plane_hour"), "AmazonEKS", _usage("AmazonEKS-Hours:extendedSupport"), 1.0),
    (("load_balancers", "alb_hour"), "AWSELB", _usage("LoadBalancerUsage", "Load Balancer-Application"), 1.0),
    (("load_balancers", "alb_lcu_hour"), "AWSELB", _usage("LCUUsage", "Load Balancer-Application"), 1.0),
    (("load_balancers", "nlb_hour"), "AWSELB", _usage("LoadBalancerUsage", "Load Balancer-Network"), 1.0),
    (("load_balancers", "nlb_lcu_hour"), "AWSELB", _usage("LCUUsage", "Load Balancer-Network"), 1.0),
)
TIERED_PRICES: tuple[tuple[tuple[str, ...], str, Match], ...] = (
    (("lambda", "duration", "x86_64"), "AWSLambda", _group("AWS-Lambda-Duration")),
    (("lambda", "duration", "arm64"), "AWSLambda", _group("AWS-Lambda-Duration-ARM")),
    (("api_gateway", "http_api"), "AmazonApiGateway", _usage("ApiGatewayHttpRequest")),
    (("api_gateway", "rest_api"), "AmazonApiGateway", _usage("ApiGatewayRequest")),
)


@dataclass(frozen=True)
class Refresh:
    """A rebuilt price book (as YAML-ready data) and what was and was not found."""

    book: dict[str, Any]
    refreshed: tuple[str, ...]
    kept: tuple[str, ...]
    supplied: frozenset[str] = frozenset()
    """The offers (by the name they were read under) that supplied at least one price."""


def _tiers(product: Product) -> list[dict[str, Any]]:
    ordered = sorted(product.dimensions, key=lambda d: d.begin)
    return [{"up_to": d.end, "usd": d.usd} if d.end is not None else {"usd": d.usd} for d in ordered]


def refresh(template: PriceBook, region: str, offers: Mapping[str, Offer], today: str) -> Refresh:
    """Replace every price found in the offer files; keep (and mark uncertain) the ones that were not found."""
    book = copy.deepcopy(template.summary())
    book["region"] = region
    book["as_of"] = today
    refreshed: list[str] = []
    kept: list[str] = []
    supplied: set[str] = set()
    kept_note = (
        f"not found in the offer files read on {today}; kept from the {template.region} book of {template.as_of}"
    )

    def find(offer_code: str, match: Match) -> tuple[Offer, Product] | None:
        offer = offers.get(offer_code)
        if offer is None:
            return None
        for product in offer.products:
            if match(product) and product.dimensions:
                supplied.add(offer_code)
                return offer, product
        return None

    def apply(
        entry: dict[str, Any], label: str, found: tuple[Offer, Product] | None, price_key: str, value: Any
    ) -> None:
        # One price: the offer file's figure and source where found, else the old figure kept and marked uncertain.
        if found is None:
            entry["uncertain"] = _joined(kept_note, entry.get("uncertain"))
            kept.append(label)
            return
        entry[price_key] = value(found[1])
        entry["source"] = found[0].source
        entry.pop("uncertain", None)
        refreshed.append(label)

    # A price the book does not carry (a regional book without Lambda's ephemeral storage, say) is left out.
    for path, offer_code, match, factor in SIMPLE_PRICES:
        if (entry := _at(book, path)) is not None:
            apply(
                entry,
                ".".join(path),
                find(offer_code, match),
                "usd",
                lambda product, factor=factor: round(min(d.usd for d in product.dimensions) * factor, 12),
            )
    for path, offer_code, match in TIERED_PRICES:
        if (entry := _at(book, path)) is not None:
            apply(entry, ".".join(path), find(offer_code, match), "tiers", _tiers)
    for instance in book["ec2"]["instances"]:
        found = find("AmazonEC2", _instance(instance["type"]))
        apply(instance, f"ec2.instances[{instance['type']}]", found, "usd_per_hour", lambda p: p.dimensions[0].usd)
    return Refresh(book, tuple(refreshed), tuple(kept), frozenset(supplied))


def wanted(template: PriceBook, offer_code: str) -> Match:
    """The products of one offer that could supply a price of the book (the rest are not kept while reading)."""
    matches = [match for _, code, match, _ in SIMPLE_PRICES if code == offer_code]
    matches += [match for _, code, match in TIERED_PRICES if code == offer_code]
    if offer_code == "AmazonEC2":
        matches += [_instance(instance.type) for instance in template.ec2.instances]
    return lambda product: any(match(product) for match in matches)


def check_supplied(result: Refresh, offers: Mapping[str, Offer], region: str) -> None:
    """Refuse a refresh in which an offer file that was read supplied no price at all.

    An offer file of the right service and region always holds some of the prices the book reads from it, so one
    that supplies none is junk, another service's or another region's; writing a book from it would only mark
    every one of its prices "kept uncertain" and call that a refresh.
    """
    silent = sorted(set(offers) - result.supplied)
    if silent:
        read = ", ".join(f"{code} ({offers[code].url})" for code in sorted(offers))
        raise PricingError(
            [
                Problem(
                    "--from",
                    f"nothing in {', '.join(silent)} matched a price of the book for {region} "
                    f"(junk, another service's or another region's offer file?); offers read: {read}",
                )
            ]
        )


def _joined(note: str, earlier: Any) -> str:
    return f"{note}; earlier note: {earlier}" if isinstance(earlier, str) and earlier else note


def _at(book: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = book
    for key in path:
        if not isinstance(node, dict) or node.get(key) is None:
            return None
        node = node[key]
    if not isinstance(node, dict):
        raise TypeError(f"{'.'.join(path)} is not a mapping in the price book")
    return node
