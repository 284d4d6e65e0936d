"""Extract EC2 on-demand Linux prices from a newer mirror of AWS's pricing-page feed into scripts/pricing_data/.

Run from the repository root with the mirror's file: ``python scripts/extract_ec2_feed.py PATH`` where PATH is
``lib/data/pricing/ec2-transformed.json`` of lamngockhuong/aws-price@508fb452 (a transform of the EC2 feed AWS's
on-demand pricing page loads; the file last changed 2025-11-03). It writes scripts/pricing_data/ec2_linux_feed.csv:

- p4d.24xlarge and p5.48xlarge in every region the feed lists them (AWS cut P4 and P5 prices in 2025; the older
  mirror behind ec2_linux.csv predates the cut, and every other price it and this feed share is the same);
- the types read as is (GPU, x2, m7g) that the older mirror does not list for a region and the feed does;
- sa-east-1, which the older mirror does not cover: every size of every family the books carry, each as read (its
  Graviton sizes are rounded one by one, so none is derived from another).

It refuses to write when the feed's us-east-1 price of a type differs from the older mirror's for anything but the
P-series: the two sources must agree where both are read.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_price_books import DATA, FAMILIES, NAMES, READ_TYPES  # noqa: E402
from extract_aws_price_feed import feed_name  # noqa: E402

P_SERIES = ("p4d.24xlarge", "p5.48xlarge")
HEADER = """\
# On-demand Linux USD/hour from a newer mirror of AWS's pricing-page feed: lamngockhuong/aws-price@508fb452
# lib/data/pricing/ec2-transformed.json (the file last changed 2025-11-03). Written by scripts/extract_ec2_feed.py;
# these rows take precedence over ec2_linux.csv: the P-series after AWS's 2025 price cut, and sa-east-1.
# region,type,usd_per_hour
"""


def main(path: str) -> None:
    feed: dict[str, dict[str, str]] = {}
    for row in json.loads(Path(path).read_text(encoding="utf-8")):
        if row["attributes"].get("operatingSystem") == "Linux":
            feed.setdefault(row["region"], {})[row["attributes"]["instanceType"]] = row["pricePerUnit"]
    older = {(region, kind): float(usd) for region, kind, usd in _rows(DATA / "ec2_linux.csv")}
    keys = {region: _feed_key(region, feed) for region in NAMES}
    problems = [
        f"{region} {kind}: feed {feed[keys[region]][kind]}, older mirror {usd}"
        for (region, kind), usd in older.items()
        if region == "us-east-1" and kind not in P_SERIES and kind in feed["us-east-1"]
        and abs(float(feed["us-east-1"][kind]) - usd) > 1e-9
    ]  # fmt: skip
    rows: list[tuple[str, str, str]] = []
    for region, key in keys.items():
        listed = feed.get(key, {})
        wanted = [kind for kind in P_SERIES if kind in listed]
        if region != "us-east-1":  # us-east-1 hand-reads the types the older mirror does not give it
            wanted += [kind for kind in READ_TYPES if kind in listed and (region, kind) not in older]
            wanted = list(dict.fromkeys(wanted))
        if region == "sa-east-1":
            sizes = [f"{family}.{size}" for family, (*_, offered) in FAMILIES.items() for size in offered]
            wanted += [kind for kind in (*sizes, *READ_TYPES) if kind in listed and kind not in wanted]
        rows += [(region, kind, _plain(listed[kind])) for kind in wanted]
    if problems:
        raise SystemExit("refused:\n  " + "\n  ".join(problems))
    with (DATA / "ec2_linux_feed.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        csv.writer(handle, lineterminator="\n").writerows(rows)
    print(f"wrote {len(rows)} rows to {DATA / 'ec2_linux_feed.csv'}")


def _feed_key(region: str, feed: dict[str, dict[str, str]]) -> str:
    """The transform keys some regions by code and the others by their pricing-page name, lower-cased and hyphenated
    ("canada-(central)", "eu-(paris)")."""
    return region if region in feed else feed_name(region).lower().replace(" ", "-")


def _plain(usd: str) -> str:
    return f"{float(usd):.10f}".rstrip("0").rstrip(".")


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(line for line in handle if not line.startswith("#")))


if __name__ == "__main__":
    main(sys.argv[1])
