"""Books without a price, for the tests of what a bill does when its region's book leaves a price out.

Every regional book now prices its load balancers (us-east-1's figures, as a floor) and its network lines; the path a
bill takes for a price no source gives (billed at $0, said on the line and in a warning) is tested on a book with
that block taken out, as every regional book was before."""

from __future__ import annotations

import dataclasses

from decider.rules.model import Ruleset


def without_load_balancers(ruleset: Ruleset, *regions: str) -> Ruleset:
    """``ruleset`` with each of ``regions``' books leaving its load balancer prices out, and saying why."""
    books = dict(ruleset.pricing)
    for region in regions:
        book = books[region]
        books[region] = book.model_copy(
            update={
                "load_balancers": None,
                "floors": {path: why for path, why in book.floors.items() if path != "load_balancers"},
                "missing": {**book.missing, "load_balancers": "no sourced Elastic Load Balancing price here"},
            }
        )
    return dataclasses.replace(ruleset, pricing=books)
