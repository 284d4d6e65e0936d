"""Extract scripts/pricing_data/aws_price_feed.json from a copy of the JSON feeds AWS's pricing pages load.

The feeds are mirrored at GitHub lamngockhuong/aws-price (lib/data/pricing/<service>.json, the ``meteredUnitMaps``
feeds). Put the five files in a directory and run from the repository root::

    for f in apigateway cloudwatch ecs lambda natgateway; do
        git -C <mirror> show <commit>:lib/data/pricing/$f.json > /tmp/feed/$f.json
    done
    python scripts/extract_aws_price_feed.py /tmp/feed --commit <commit>

Only the entries keyed by a readable label (a key with a space in it) are kept, for the fifteen regions decider
ships, each price as the feed's own text; scripts/build_price_books.py picks the labels it uses and checks their
us-east-1 values against rules/pricing/us-east-1.yaml.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from build_price_books import NAMES

SERVICES = ("apigateway", "cloudwatch", "ecs", "lambda", "natgateway")
OUT = Path(__file__).resolve().parent / "pricing_data" / "aws_price_feed.json"


def feed_name(region: str) -> str:
    """The feed's name for a region: AWS's pricing pages say "EU (Ireland)" where the Price List says "Europe"."""
    return NAMES[region].replace("Europe (", "EU (")


def extract(folder: Path, commit: str) -> dict[str, object]:
    services: dict[str, object] = {}
    for service in SERVICES:
        data = json.loads((folder / f"{service}.json").read_text(encoding="utf-8"))
        regions = {
            region: {label: entry["price"] for label, entry in sorted(data["regions"][feed_name(region)].items())
                     if " " in label}
            for region in NAMES
            if feed_name(region) in data["regions"]
        }  # fmt: skip
        services[service] = {
            "file": f"lib/data/pricing/{service}.json",
            "published": data["manifest"]["hawkFilePublicationDate"],
            "regions": regions,
        }
    return {"mirror": f"lamngockhuong/aws-price@{commit}", "services": services}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder", type=Path, help="a directory holding the feeds: " + ", ".join(f"{name}.json" for name in SERVICES)
    )
    parser.add_argument("--commit", required=True, help="the mirror's commit the files were read at (40 hex digits)")
    args = parser.parse_args()
    OUT.write_text(json.dumps(extract(args.folder, args.commit), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
