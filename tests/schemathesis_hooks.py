"""Schemathesis hooks for decider's API (named in schemathesis.toml; loaded by the CLI and by the pytest run).

Which regions have a price book is data (rules/pricing/), so the document can only say "a region code"; a workload
in a well-formed but unpriced region is answered 422 with the regions there are (tests/api/test_recommend.py checks
that).
For generated cases to be *valid* data, a well-formed region without a price book is moved to a priced one. A
malformed region is left alone, so negative cases that break the pattern still reach the server. Likewise a review
item's ``current_mode`` must be one of its target's modes (targets.yaml, so the document says "a string"): a string
that is not is made the target's first mode, or left out when the item names no target or platform with modes
(tests/api/test_review.py checks the 422s).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import schemathesis

from decider.rules.loader import load_ruleset

if TYPE_CHECKING:  # schemathesis names the OpenAPI case type for type checkers only
    from schemathesis.specs.openapi.schemas import OpenApiCase

RULESET = load_ruleset()
PRICED_REGIONS = sorted(RULESET.pricing)
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def priced(workload: Any) -> Any:
    preferences = workload.get("preferences") if isinstance(workload, dict) else None
    if not isinstance(preferences, dict):
        return workload
    region = preferences.get("region")
    if PRICED_REGIONS and isinstance(region, str) and _REGION.match(region) and region not in PRICED_REGIONS:
        preferences["region"] = PRICED_REGIONS[0]
    return workload


def with_a_mode_of_its_target(item: dict[str, Any]) -> None:
    mode = item.get("current_mode")
    if not isinstance(mode, str) or not 1 <= len(mode) <= 100:  # a mode the document refuses stays negative data
        return
    target, platform = item.get("current_target"), item.get("current_platform")
    if target in RULESET.target_ids:
        targets: tuple[str, ...] = (target,)
    elif isinstance(platform, str):
        targets = RULESET.on_platform(platform)
    else:
        targets = ()
    modes = [each.id for name in targets for each in RULESET.target(name).modes]
    if not modes:
        del item["current_mode"]
    elif mode not in modes:
        item["current_mode"] = modes[0]


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: OpenApiCase) -> OpenApiCase:
    if case.operation.label in ("POST /recommend", "POST /recommend/chart"):
        priced(case.body)
    elif case.operation.label == "POST /review" and isinstance(case.body, dict):
        items = case.body.get("workloads")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                priced(item.get("workload"))
                with_a_mode_of_its_target(item)
    return case
