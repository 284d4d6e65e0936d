"""A synthetic EC2 offer file of any size, written entry by entry (for the memory test and bench/refresh_memory.py).

Most products are of other operating systems, tenancies and instance types than a price book reads, as in the
real file; one in ``every`` is a shared Linux m7g.large of the region, the kind a refresh keeps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

OPERATING_SYSTEMS = ("Windows", "RHEL", "SUSE", "Ubuntu Pro")


def _product(index: int, region: str, every: int) -> dict[str, object]:
    kept = index % every == 0
    return {
        "sku": f"SKU{index:010d}",
        "productFamily": "Compute Instance",
        "attributes": {
            "servicecode": "AmazonEC2",
            "location": "US East (N. Virginia)",
            "locationType": "AWS Region",
            "instanceType": "m7g.large" if kept else f"x{index % 97}.{index % 13}xlarge",
            "currentGeneration": "Yes",
            "instanceFamily": "General purpose",
            "vcpu": "2",
            "physicalProcessor": "AWS Graviton3 Processor",
            "memory": "8 GiB",
            "storage": "EBS only",
            "networkPerformance": "Up to 12500 Megabit",
            "operatingSystem": "Linux" if kept else OPERATING_SYSTEMS[index % len(OPERATING_SYSTEMS)],
            "tenancy": "Shared",
            "preInstalledSw": "NA",
            "capacitystatus": "Used",
            "licenseModel": "No License required",
            "usagetype": f"BoxUsage:m7g.large-{index}",
            "operation": "RunInstances",
            "regionCode": region,
        },
    }


def _term(index: int) -> dict[str, object]:
    code = f"SKU{index:010d}.JRTCKXETXF"
    return {
        code: {
            "offerTermCode": "JRTCKXETXF",
            "sku": f"SKU{index:010d}",
            "effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {
                f"{code}.6YS6EN2CT7": {
                    "rateCode": f"{code}.6YS6EN2CT7",
                    "description": f"$0.0816 per On Demand Linux m7g.large Instance Hour ({index})",
                    "beginRange": "0",
                    "endRange": "Inf",
                    "unit": "Hrs",
                    "pricePerUnit": {"USD": "0.0816000000"},
                    "appliesTo": [],
                }
            },
            "termAttributes": {},
        }
    }


def write_offer(path: Path, megabytes: float, region: str = "us-east-1", every: int = 1000) -> int:
    """Write an EC2 offer file of about ``megabytes`` MB (products, then terms); return its number of products."""
    per_product = 1130  # bytes of one product and its on-demand term, about
    count = max(1, int(megabytes * 1e6 / per_product))
    with path.open("w", encoding="utf-8") as out:
        _write(out, count, region, every)
    return count


def _write(out: IO[str], count: int, region: str, every: int) -> None:
    out.write('{"formatVersion": "v1.0", "offerCode": "AmazonEC2", "version": "20261201000000",')
    out.write(' "publicationDate": "2026-12-01T00:00:00Z", "products": {')
    for index in range(count):
        out.write(("," if index else "") + f'"SKU{index:010d}": ' + json.dumps(_product(index, region, every)))
    out.write('}, "terms": {"OnDemand": {')
    for index in range(count):
        out.write(("," if index else "") + f'"SKU{index:010d}": ' + json.dumps(_term(index)))
    out.write("}}}")
