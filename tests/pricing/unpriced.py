"""Books without a price, for the tests of what a bill does when its region's book leaves a price out.

Every regional book now prices its load balancers (us-east-1's figures, as a floor), its network lines and Windows
Server's EC2 licence; the paths a bill takes for a price no source gives (a load balancer billed at $0, said on the
line and in a warning; a target with no bill, saying why) are tested on books with that price taken out, as a team's
own book may leave it out (and every regional book did before)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from decider.pricing.book import PriceBook
from decider.rules.model import Ruleset

WINDOWS_LICENCE_MISSING = "no sourced Windows licence-included EC2 price for this region"


def without_load_balancers(ruleset: Ruleset, *regions: str) -> Ruleset:
    """``ruleset`` with each of ``regions``' books leaving its load balancer prices out, and saying why."""
    return _without(
        ruleset,
        regions,
        "load_balancers",
        "no sourced Elastic Load Balancing price here",
        lambda book: {
            "load_balancers": None,
            "floors": {path: why for path, why in book.floors.items() if path != "load_balancers"},
        },
    )


def without_windows_licence(ruleset: Ruleset, *regions: str) -> Ruleset:
    """``ruleset`` with each of ``regions``' books leaving Windows Server's EC2 licence price out, and saying why."""
    return _without(
        ruleset,
        regions,
        "ec2.windows_license_vcpu_hour",
        WINDOWS_LICENCE_MISSING,
        lambda book: {"ec2": book.ec2.model_copy(update={"windows_license_vcpu_hour": None})},
    )


def _without(
    ruleset: Ruleset,
    regions: tuple[str, ...],
    path: str,
    why: str,
    taken_out: Callable[[PriceBook], dict[str, Any]],
) -> Ruleset:
    """``ruleset`` with each of ``regions``' books updated by ``taken_out`` and listing ``path`` as missing, ``why``."""
    books = dict(ruleset.pricing)
    for region in regions:
        book = books[region]
        books[region] = book.model_copy(update={**taken_out(book), "missing": {**book.missing, path: why}})
    return dataclasses.replace(ruleset, pricing=books)


def rules_without_windows_licence(directory: Path, region: str) -> Path:
    """A rules directory in ``directory`` whose price book override for ``region`` takes the Windows EC2 licence
    out (null) and says why, as a team's own override may: for a server started with it."""
    rules = directory / "rules"
    (rules / "pricing").mkdir(parents=True)
    override = {
        "as_of": "2026-12-06",
        "ec2": {"windows_license_vcpu_hour": None},
        "missing": {"ec2.windows_license_vcpu_hour": WINDOWS_LICENCE_MISSING},
    }
    (rules / "pricing" / f"{region}.yaml").write_text(yaml.safe_dump(override), encoding="utf-8")
    return rules
