"""Schemathesis hooks for decider's API (named in schemathesis.toml; loaded by the CLI and by the pytest run).

Which regions have a price book is data (rules/pricing/), so the document can only say "a region code"; a workload
in a well-formed but unpriced region is answered 422 with the regions there are (tests/api/test_recommend.py checks
that).
For generated cases to be *valid* data, a well-formed region without a price book is moved to a priced one. A
malformed region is left alone, so negative cases that break the pattern still reach the server.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import schemathesis

from decider.rules.loader import load_ruleset

if TYPE_CHECKING:  # schemathesis names the OpenAPI case type for type checkers only
    from schemathesis.specs.openapi.schemas import OpenApiCase

PRICED_REGIONS = sorted(load_ruleset().pricing)
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def priced(workload: Any) -> Any:
    preferences = workload.get("preferences") if isinstance(workload, dict) else None
    if not isinstance(preferences, dict):
        return workload
    region = preferences.get("region")
    if PRICED_REGIONS and isinstance(region, str) and _REGION.match(region) and region not in PRICED_REGIONS:
        preferences["region"] = PRICED_REGIONS[0]
    return workload


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: OpenApiCase) -> OpenApiCase:
    if case.operation.label in ("POST /recommend", "POST /recommend/chart"):
        priced(case.body)
    elif case.operation.label == "POST /review" and isinstance(case.body, dict):
        items = case.body.get("workloads")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                priced(item.get("workload"))
    return case
