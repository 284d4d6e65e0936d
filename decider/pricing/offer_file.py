"""One AWS Price List offer file, read as a stream and reduced to the products a price book can use.

An offer file is ``{"formatVersion", "offerCode", "version", "publicationDate", "products": {sku: {...}},
"terms": {"OnDemand": {sku: {offerTermCode: {"priceDimensions": {...}}}}, "Reserved": {...}}}``; EC2's runs to
hundreds of megabytes. It is never built whole: ``ijson`` (C backend) walks the file three times, each pass holding
one SKU's entry at a time. The first pass reads the header up to the start of ``products``; the second keeps the
products of the region that ``keep`` accepts; the third keeps the on-demand terms of those products only. So the
order of ``products`` and ``terms`` in the file does not matter, and memory grows with what is kept, not with the
file. The strictness of ``parse_text`` is kept where it matters: invalid JSON (NaN and Infinity included) is
refused by the parser, a key given twice inside a kept product or term is refused, and a kept SKU listed twice is
refused; a key given twice elsewhere (in products that are skipped) is not seen, as nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decider.errors import PricingError, Problem

PRICE_LIST_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws"
HEADER = ("formatVersion", "offerCode", "version", "publicationDate")


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


Keep = Callable[[Product], bool]


def _keep_all(product: Product) -> bool:
    return True


def parse_offer(
    path: Path, url: str, region: str, keep: Keep = _keep_all, tick: Callable[[], None] | None = None
) -> Offer:
    """Stream an offer file; keep the region's products ``keep`` accepts. Raise PricingError when it is malformed.

    ``tick`` is called every few thousand entries (the refresh checks its deadline there).
    """
    import ijson  # only a refresh reads offer files

    duplicates: list[str] = []

    class Strict(dict[str, Any]):
        """A JSON object that notes a key given twice (raising inside the C parser would lose the message)."""

        def __setitem__(self, key: str, value: Any) -> None:
            if key in self:
                duplicates.append(key)
            super().__setitem__(key, value)

    def entries(prefix: str) -> Iterator[tuple[str, Any]]:
        with path.open("rb") as stream:
            for count, (key, value) in enumerate(ijson.kvitems(stream, prefix, map_type=Strict), 1):
                if duplicates:
                    raise PricingError([Problem(f"{url} {prefix}.{key}", f"found key {duplicates[0]!r} twice")])
                if tick is not None and count % 4096 == 0:
                    tick()
                yield str(key), value

    try:
        header = _header(path, url, ijson)
        wanted: dict[str, tuple[str, dict[str, str]]] = {}
        for sku, raw in entries("products"):
            if not isinstance(raw, Mapping):
                continue
            attributes = raw.get("attributes", {})
            attributes = {str(k): str(v) for k, v in attributes.items()} if isinstance(attributes, Mapping) else {}
            # Products priced for "Any" location (global SKUs) do not stand for a region's price.
            if attributes.get("regionCode", region) != region or attributes.get("location") == "Any":
                continue
            family = str(raw.get("productFamily", ""))
            if not keep(Product(sku, family, attributes, ())):
                continue
            if sku in wanted:
                raise PricingError([Problem(f"{url} products", f"found SKU {sku!r} twice")])
            wanted[sku] = (family, attributes)
        dimensions: dict[str, list[Dimension]] = {}
        for sku, terms in entries("terms.OnDemand"):
            if sku in wanted and isinstance(terms, Mapping):
                dimensions.setdefault(sku, []).extend(_dimensions(terms, f"{url} terms.OnDemand.{sku}"))
    except ijson.JSONError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PricingError([Problem(url, f"not valid JSON: {reason}")]) from None
    products = tuple(
        Product(sku, family, attributes, tuple(dimensions.get(sku, ()))) for sku, (family, attributes) in wanted.items()
    )
    return Offer(
        code=header.get("offerCode", ""),
        url=url,
        version=header.get("version", "unknown"),
        published=header.get("publicationDate", "unknown"),
        products=products,
        region=region,
    )


def _header(path: Path, url: str, ijson: Any) -> dict[str, str]:
    """The scalars at the top of the file, read up to the start of ``products`` (the pass stops there)."""
    header: dict[str, str] = {}
    with path.open("rb") as stream:
        for position, (prefix, event, value) in enumerate(ijson.parse(stream)):
            if position == 0 and event != "start_map":
                break
            if prefix == "products" and event == "start_map":
                return header
            if prefix in HEADER and event in ("string", "number"):
                header[prefix] = str(value)
    raise PricingError([Problem(url, "not a Price List offer file: no 'products' mapping")])


def _dimensions(terms: Mapping[str, Any], where: str) -> Iterator[Dimension]:
    for term in terms.values():
        prices = term.get("priceDimensions", {}) if isinstance(term, Mapping) else {}
        for dimension in prices.values() if isinstance(prices, Mapping) else ():
            try:
                end = dimension.get("endRange", "Inf")
                yield Dimension(
                    usd=float(dimension["pricePerUnit"]["USD"]),
                    unit=str(dimension.get("unit", "")),
                    begin=float(dimension.get("beginRange", 0)),
                    end=None if end in ("Inf", None) else float(end),
                    description=str(dimension.get("description", "")),
                )
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise PricingError([Problem(where, f"malformed price dimension: {error}")]) from None


def candidates(folder: Path, offer: str, region: str) -> tuple[Path, ...]:
    """Where ``--from DIR`` looks for one offer file, in order: a region folder, the Price List layout, flat."""
    return (
        folder / region / f"{offer}.json",
        folder / offer / "current" / region / "index.json",
        folder / offer / f"{region}.json",
        folder / f"{offer}.json",
    )


def layouts(folder: Path, region: str) -> str:
    """The paths ``candidates`` tries, ``<offer>`` standing for the offer (for an error that says where it looked)."""
    return ", ".join(str(path) for path in candidates(folder, "<offer>", region))
