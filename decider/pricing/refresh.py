"""Rebuilding a price book from the AWS Price List bulk offer files.

An offer file (public JSON, no credentials) has ``products`` keyed by SKU, each with ``productFamily`` and
``attributes``, and ``terms.OnDemand[sku][offerTermCode].priceDimensions[rateCode]`` with ``pricePerUnit.USD``,
``unit`` and the tier bounds ``beginRange``/``endRange``. ``refresh`` reads one file per service (from a directory
or the Price List endpoint), replaces every price it can match, records the offer file URL, version and publication
date as each price's source, and marks the prices it could not find as uncertain (kept from the previous book).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

from decider.documents import parse_text
from decider.errors import DocumentError, PricingError, Problem
from decider.pricing.book import PriceBook

PRICE_LIST_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws"
OFFERS = ("AWSLambda", "AmazonECS", "AmazonEC2", "AmazonEKS", "AWSELB", "AmazonApiGateway")


@dataclass(frozen=True)
class Dimension:
    """One on-demand price dimension of a product."""

    usd: float
    unit: str
    begin: float
    end: float | None
    description: str


@dataclass(frozen=True)
class Product:
    sku: str
    family: str
    attributes: Mapping[str, str]
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class Offer:
    """One service's offer file for one region, reduced to its products with on-demand prices."""

    code: str
    url: str
    version: str
    published: str
    products: tuple[Product, ...]

    region: str = ""

    @property
    def source(self) -> str:
        """The offer file's Price List URL, version and publication date (a local copy names its path too)."""
        if self.url.startswith(("http://", "https://")):
            return f"{self.url} (version {self.version}, published {self.published})"
        canonical = f"{PRICE_LIST_URL}/{self.code}/current/{self.region}/index.json"
        return f"{canonical} (version {self.version}, published {self.published}; read from {self.url})"


def parse_offer(data: Any, url: str, region: str) -> Offer:
    """Read an offer file's JSON; products of other regions are skipped. Raise PricingError when it is malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("products"), Mapping):
        raise PricingError([Problem(url, "not a Price List offer file: no 'products' mapping")])
    on_demand = data.get("terms", {}).get("OnDemand", {}) if isinstance(data.get("terms"), Mapping) else {}
    products: list[Product] = []
    for sku, raw in data["products"].items():
        attributes = raw.get("attributes", {}) if isinstance(raw, Mapping) else {}
        # Products priced for "Any" location (global SKUs) do not stand for a region's price.
        if attributes.get("regionCode", region) != region or attributes.get("location") == "Any":
            continue
        dimensions: list[Dimension] = []
        for term in on_demand.get(sku, {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                try:
                    end = dimension.get("endRange", "Inf")
                    dimensions.append(
                        Dimension(
                            usd=float(dimension["pricePerUnit"]["USD"]),
                            unit=str(dimension.get("unit", "")),
                            begin=float(dimension.get("beginRange", 0)),
                            end=None if end in ("Inf", None) else float(end),
                            description=str(dimension.get("description", "")),
                        )
                    )
                except (KeyError, TypeError, ValueError) as error:
                    raise PricingError(
                        [Problem(f"{url} terms.OnDemand.{sku}", f"malformed price dimension: {error}")]
                    ) from None
        products.append(Product(str(sku), str(raw.get("productFamily", "")), dict(attributes), tuple(dimensions)))
    return Offer(
        code=str(data.get("offerCode", "")),
        url=url,
        version=str(data.get("version", "unknown")),
        published=str(data.get("publicationDate", "unknown")),
        products=tuple(products),
        region=region,
    )


def read_offer(source: str, offer: str, region: str, client: httpx.Client | None = None) -> Offer | None:
    """One offer file from a directory (``<dir>/<offer>.json``) or a Price List base URL; None when absent."""
    if source.startswith(("http://", "https://")):
        url = f"{source.rstrip('/')}/{offer}/current/{region}/index.json"
        import httpx  # only a refresh from a URL needs it; every other decider command starts faster without it

        owned = client is None
        http = client or httpx.Client(timeout=120.0, follow_redirects=True)
        try:
            response = http.get(url)
        except httpx.HTTPError as error:
            raise PricingError([Problem(url, f"cannot fetch: {error}")]) from None
        finally:
            if owned:
                http.close()
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise PricingError([Problem(url, f"HTTP {response.status_code} from the Price List")])
        try:
            data = response.json()
        except ValueError:
            raise PricingError([Problem(url, "not valid JSON")]) from None
        return parse_offer(data, url, region)
    path = Path(source) / f"{offer}.json"
    if not path.exists():
        return None
    try:
        data = parse_text(path.read_text(encoding="utf-8"), str(path), json_only=True)
    except (OSError, DocumentError) as error:
        raise PricingError([Problem(str(path), f"cannot read: {error}")]) from None
    return parse_offer(data, str(path), region)


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
    kept_note = (
        f"not found in the offer files read on {today}; kept from the {template.region} book of {template.as_of}"
    )

    def find(offer_code: str, match: Match) -> tuple[Offer, Product] | None:
        offer = offers.get(offer_code)
        if offer is None:
            return None
        for product in offer.products:
            if match(product) and product.dimensions:
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

    for path, offer_code, match, factor in SIMPLE_PRICES:
        apply(
            _at(book, path),
            ".".join(path),
            find(offer_code, match),
            "usd",
            lambda product, factor=factor: round(min(d.usd for d in product.dimensions) * factor, 12),
        )
    for path, offer_code, match in TIERED_PRICES:
        apply(_at(book, path), ".".join(path), find(offer_code, match), "tiers", _tiers)
    for instance in book["ec2"]["instances"]:
        found = find("AmazonEC2", _instance(instance["type"]))
        apply(instance, f"ec2.instances[{instance['type']}]", found, "usd_per_hour", lambda p: p.dimensions[0].usd)
    return Refresh(book, tuple(refreshed), tuple(kept))


def _joined(note: str, earlier: Any) -> str:
    return f"{note}; earlier note: {earlier}" if isinstance(earlier, str) and earlier else note


def _at(book: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node: Any = book
    for key in path:
        node = node[key]
    if not isinstance(node, dict):
        raise TypeError(f"{'.'.join(path)} is not a mapping in the price book")
    return node
