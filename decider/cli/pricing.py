"""``decider pricing show``, ``list`` and ``refresh``: read the price books, or rebuild one from AWS."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import ValidationError

from decider.cli.arguments import add_rules_option
from decider.documents import parse_text
from decider.errors import DocumentError, PricingError, Problem, nearest
from decider.pricing.book import Instance, PriceBook
from decider.pricing.diff import diff
from decider.pricing.download import Deadline, terminal_progress
from decider.pricing.loader import problems_from
from decider.pricing.offer_file import layouts
from decider.pricing.refresh import (
    DEFAULT_DEADLINE,
    OFFERS,
    PRICE_LIST_URL,
    Offer,
    check_supplied,
    read_offer,
    refresh,
    wanted,
)
from decider.rules.loader import load_ruleset


def _template(region: str) -> PriceBook:
    books = load_ruleset().pricing
    if region in books:
        return books[region]
    if "us-east-1" in books:
        return books["us-east-1"]
    raise PricingError([Problem("--region", "no price book to start from: rules/pricing has none")])


def _refresh_command(args: argparse.Namespace) -> int:
    region: str = args.region
    source: str = args.source or PRICE_LIST_URL
    if args.deadline <= 0:
        raise PricingError([Problem("--deadline", f"must be a positive number of seconds, not {args.deadline:g}")])
    deadline = Deadline(args.deadline)
    template = _template(region)
    remote = source.startswith(("http://", "https://"))
    if not remote and not Path(source).is_dir():
        raise PricingError([Problem("--from", f"{source} is not a directory (nor an http(s) URL)")])
    if args.output and Path(args.output).is_dir():  # said before the offers are read, not after
        problem = Problem("--output", f"{args.output} is a directory; give the price book's file name")
        raise PricingError([problem], headline="cannot write the price book")
    offers: dict[str, Offer] = {}
    for code in OFFERS:
        offer = read_offer(
            source, code, region, keep=wanted(template, code), deadline=deadline, progress=terminal_progress
        )
        if offer is not None:
            offers[code] = offer
    if not offers:
        where = f"{source.rstrip('/')}/<offer>/current/{region}/index.json" if remote else layouts(Path(source), region)
        raise PricingError(
            [Problem("--from", f"no offer files found for {region}; looked at {where} for each of {', '.join(OFFERS)}")]
        )
    result = refresh(template, region, offers, datetime.now(UTC).date().isoformat())
    check_supplied(result, offers, region)
    try:
        PriceBook.model_validate(result.book)
    except ValidationError as error:
        raise PricingError(problems_from(error, "refreshed price book")) from None
    header = (
        f"# decider price book for {region}, rebuilt by `decider pricing refresh` from the AWS Price List.\n"
        f"# Refreshed {len(result.refreshed)} prices from {', '.join(sorted(offers))}; kept {len(result.kept)}.\n"
    )
    text = header + yaml.safe_dump(result.book, sort_keys=False, allow_unicode=True, width=118)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            problem = Problem("--output", f"cannot write {args.output}: {error.strerror or error}")
            raise PricingError([problem], headline="cannot write the price book") from None
    else:
        sys.stdout.write(text)
    sys.stderr.write(f"refreshed {len(result.refreshed)} prices; kept {len(result.kept)}")
    sys.stderr.write(f" (marked uncertain): {', '.join(result.kept)}\n" if result.kept else "\n")
    return 0


def _show_command(args: argparse.Namespace) -> int:
    books = load_ruleset(args.rules).pricing
    region: str = args.region
    book = books.get(region)
    if book is None:
        listed = ", ".join(sorted(books)) or "none"
        raise PricingError(
            [Problem("--region", f"no price book for {region!r}; regions: {listed}", nearest(region, sorted(books)))]
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(book.summary(), indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = [f"price book {book.region} ({book.currency}) as of {book.as_of}; {book.hours_per_month:g} hours a month"]
    lines.extend(f"  {label:<18}{text}" for label, text in _headline_prices(book))
    lines.append(f"  {'EC2':<18}{len(book.ec2.instances)} instance types")
    lines.extend(
        f"    {i.type:<14} {i.family:<9} {i.architecture:<6} {i.vcpu:>4g} vCPU {i.memory_gib:>6g} GiB "
        f"{i.gpu} GPU  ${i.usd_per_hour:g}/h{'  (uncertain)' if i.uncertain else ''}"
        for i in sorted(book.ec2.instances, key=_catalogue_order)
    )
    lines.append("  sources: " + ", ".join(_sources(book.summary())))
    lines.extend(f"  no price in this region: {path} ({why})" for path, why in sorted(book.missing.items()))
    lines.extend(f"  another region's price, a floor: {path} ({why})" for path, why in sorted(book.floors.items()))
    lines.extend(_mode_lines(book))
    uncertain = book.uncertain()
    lines.append(f"  {len(uncertain)} figures are marked uncertain (see --format json)")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


#: The catalogue's kinds in the order a reader scans them: small and general first, GPUs last.
_KINDS = ("burstable", "general", "compute", "memory", "gpu")


def _catalogue_order(instance: Instance) -> tuple[int, str, float, str]:
    """By kind, then family (m7g), then size: every size of a family together, smallest first."""
    kind = _KINDS.index(instance.family) if instance.family in _KINDS else len(_KINDS)
    return kind, instance.type.split(".", 1)[0], instance.vcpu, instance.type


def _plain(usd: float) -> str:
    """A small price as the book writes it (0.0000166667), not in exponent notation."""
    return f"{usd:.10f}".rstrip("0").rstrip(".")


def _headline_prices(book: PriceBook) -> list[tuple[str, str]]:
    """The prices a reader looks for first, each 'no price in this region' when the book leaves it out."""
    lam, far, lbs = book.lambda_, book.fargate, book.load_balancers
    rows = [
        (
            "Lambda",
            f"${lam.request.usd:g} per {lam.request.unit}; ${_plain(lam.duration['x86_64'].tiers[0].usd)} (x86) / "
            f"${_plain(lam.duration['arm64'].tiers[0].usd)} (arm) per GB-s",
        )
    ]
    for label, name in (
        ("Fargate Linux/x86", "linux_x86_64"),
        ("Fargate Linux/ARM", "linux_arm64"),
        ("Fargate Windows", "windows_x86_64"),
    ):
        platform = getattr(far, name) if far is not None else None
        licence = platform.os_license_vcpu_hour if platform is not None else None
        rows.append(
            (
                label,
                f"${platform.vcpu_hour.usd:g} per vCPU-hour, ${platform.gb_hour.usd:g} per GB-hour"
                + (f" + ${licence.usd:g} per vCPU-hour OS licence" if licence is not None else "")
                if platform is not None
                else "no price in this region",
            )
        )
    extended = book.eks.extended_support_control_plane_hour.usd  # a version past its standard support (model.yaml)
    rows.append(("EKS", f"${book.eks.control_plane_hour.usd:g} per cluster-hour (${extended:g} in extended support)"))
    rows.append(
        (
            "ALB",
            f"${lbs.alb_hour.usd:g} per hour + ${lbs.alb_lcu_hour.usd:g} per LCU-hour"
            if lbs is not None
            else "no price in this region",
        )
    )
    gateway = book.api_gateway
    rows.append(
        (
            "API Gateway",
            f"${gateway.http_api.tiers[0].usd * 1e6:g} (HTTP) / ${gateway.rest_api.tiers[0].usd * 1e6:g} (REST) "
            "per million requests, first tier"
            if gateway is not None
            else "no price in this region",
        )
    )
    return rows


def _sources(data: object) -> list[str]:
    """Every distinct source URL in a book's data, in first-seen order."""
    found: dict[str, None] = {}
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            source = item.get("source")
            if isinstance(source, str):
                found.setdefault(source.split()[0], None)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return list(found)


def _mode_lines(book: PriceBook) -> list[str]:
    """The capacity modes' prices (the book's ``modes`` block, and the Spot discounts)."""
    modes = book.modes
    lines = [
        "  capacity modes",
        "    Fargate Spot              "
        + (
            f"{book.fargate.spot_discount.fraction:.0%} off Fargate on demand"
            if book.fargate is not None
            else "no price in this region"
        ),
        f"    EC2 Spot                  {book.ec2.spot_discount.fraction:.0%} off EC2 on demand (Managed Instances, "
        "ECS on EC2, EKS nodes)",
    ]
    lmi = modes.lambda_managed_instances
    if lmi is not None:
        lines.append(
            f"    Lambda Managed Instances  ${lmi.request.usd * 1e6:g} per million requests + instances + "
            f"{lmi.fee_fraction.fraction:.0%} fee; at least {lmi.minimum_instances.quantity:g} instances"
        )
    if modes.eks_auto_mode is not None:
        lines.append(
            f"    EKS Auto Mode             {modes.eks_auto_mode.fee_fraction.fraction:.0%} fee on each node's "
            "on-demand price"
        )
    if modes.eks_fargate is not None:
        overhead = modes.eks_fargate.pod_memory_overhead_mb.quantity
        lines.append(f"    EKS on Fargate            Fargate Linux/x86 prices; +{overhead:g} MB per pod")
    missing = [
        name
        for name, price in (
            ("Lambda Managed Instances", modes.lambda_managed_instances),
            ("EKS Auto Mode", modes.eks_auto_mode),
            ("EKS on Fargate", modes.eks_fargate),
        )
        if price is None
    ]
    if missing:
        lines.append(f"    not priced in {book.region} (never chosen there): {', '.join(missing)}")
    return lines


def _list_command(args: argparse.Namespace) -> int:
    books = load_ruleset(args.rules).pricing
    lines = [f"{'region':<16} {'as of':<10}  {'instance types':>14}  {'uncertain figures':>17}"]
    lines.extend(
        f"{book.region:<16} {book.as_of:<10}  {len(book.ec2.instances):>14}  {len(book.uncertain()):>17}"
        for book in (books[region] for region in sorted(books))
    )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _book_named(name: str, books: Mapping[str, PriceBook], flag: str) -> PriceBook:
    """A region's book, or a price book file (a path ending in .yaml, .yml or .json)."""
    if name in books:
        return books[name]
    path = Path(name)
    if path.suffix not in (".yaml", ".yml", ".json"):
        listed = ", ".join(sorted(books))
        raise PricingError(
            [
                Problem(
                    flag, f"{name!r} is neither a region ({listed}) nor a price book file", nearest(name, sorted(books))
                )
            ]
        )
    if not path.is_file():
        raise PricingError([Problem(flag, f"no price book file at {name}")])
    try:
        raw = parse_text(path.read_text(encoding="utf-8"), str(path))
        return PriceBook.model_validate(raw)
    except DocumentError as error:
        raise PricingError(list(error.problems)) from None
    except ValidationError as error:
        raise PricingError(problems_from(error, str(path))) from None


def _diff_command(args: argparse.Namespace) -> int:
    books = load_ruleset(args.rules).pricing
    before, after = _book_named(args.before, books, "BOOK_A"), _book_named(args.after, books, "BOOK_B")
    changes = diff(before, after)
    if args.format == "json":
        rows = [
            # The share to a tenth of a percent, as the table says it (not 11.000000000000002, float noise)
            {"path": c.path, "before": c.before, "after": c.after, "percent": _tenth(c.percent)}
            for c in changes
        ]
        sys.stdout.write(json.dumps({"before": before.as_of, "after": after.as_of, "changes": rows}, indent=2) + "\n")
        return 0
    head = f"{before.region} as of {before.as_of} -> {after.region} as of {after.as_of}: {len(changes)} figures differ"
    sys.stdout.write("\n".join([head, *(f"  {change.describe()}" for change in changes)]) + "\n")
    return 0


def _tenth(percent: float | None) -> float | None:
    return None if percent is None else round(percent, 1)


PRICES_HELP = "extra rule directory whose pricing/ overrides prices"


def define_pricing(pricing: argparse.ArgumentParser) -> None:
    """Add ``show`` and ``refresh`` to the parser of ``decider pricing``."""
    actions = pricing.add_subparsers(dest="pricing_command", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="show a region's price book")
    show.add_argument("--region", default="us-east-1")
    show.add_argument("--format", choices=("table", "json"), default="table")
    add_rules_option(show, PRICES_HELP)
    show.set_defaults(handler=_show_command)
    listing = actions.add_parser("list", help="list the price books: region, date, catalogue size, uncertain figures")
    add_rules_option(listing, PRICES_HELP)
    listing.set_defaults(handler=_list_command)
    compare = actions.add_parser(
        "diff", help="which prices differ between two books (regions or files), and by how much"
    )
    compare.add_argument("before", metavar="BOOK_A", help="a region, or a price book file")
    compare.add_argument("after", metavar="BOOK_B", help="a region, or a price book file")
    compare.add_argument("--format", choices=("table", "json"), default="table")
    add_rules_option(compare, PRICES_HELP)
    compare.set_defaults(handler=_diff_command)
    rebuild = actions.add_parser("refresh", help="rebuild a price book from AWS Price List bulk offer files")
    rebuild.add_argument("--region", required=True)
    rebuild.add_argument(
        "--from",
        dest="source",
        metavar="DIR|URL",
        help=(
            "a directory of offer files (DIR/<region>/<offer>.json, DIR/<offer>/current/<region>/index.json, "
            f"DIR/<offer>/<region>.json or DIR/<offer>.json), or a Price List base URL (default {PRICE_LIST_URL})"
        ),
    )
    rebuild.add_argument("--output", metavar="FILE", help="write the price book here instead of stdout")
    rebuild.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"give up (exit 2) when the whole refresh takes longer than this (default {DEFAULT_DEADLINE:g})",
    )
    rebuild.set_defaults(handler=_refresh_command)
