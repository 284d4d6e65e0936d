"""Lambda's HTTP response streaming on the bill: the bytes of a response past its first 6 MB, at $0.008/GB
(https://aws.amazon.com/lambda/pricing/, "Lambda Processed-Bytes" in AWS's pricing-page data), after 100 GB a month
under the free tier; billed where Lambda streams a client's response (a function URL, a REST API, the SDK) at the
front doors' average body (10% of ``traffic.payload_mb``)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import decide, parse_workload
from decider.cost.memo import PlanMemo
from decider.cost.volumes import image_room_gb
from decider.facts import derive
from decider.rules.model import Ruleset
from tests.cost.test_bill import bill_for

STREAMED = "Lambda response streaming past the first 6 MB"


def downloads(payload_mb: float, **traffic: Any) -> dict[str, Any]:
    return {
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 2000, "memory_mb": 1024},
        "traffic": {"pattern": "steady", "requests_per_month": 2_000_000, "payload_mb": payload_mb,
                    "protocols": ["http"], **traffic},
    }  # fmt: skip


def streamed(ruleset: Ruleset, sections: dict[str, Any]) -> list[Any]:
    bill = bill_for(ruleset, "lambda", **sections)
    return [line for line in bill.lines if line.item.startswith(STREAMED)]


def test_a_streamed_response_pays_for_its_bytes_past_6_mb_at_the_average_body(ruleset: Ruleset) -> None:
    (line,) = streamed(ruleset, downloads(150))
    # Average body 15 MB (10% of 150): 9 MB a response past the first 6, × 2M responses ÷ 1,024 = 17,578.125 GB
    assert line.item == f"{STREAMED} (average body 15 MB)"
    assert line.quantity == pytest.approx(9 * 2_000_000 / 1024)
    assert line.unit_price_usd == 0.008
    assert line.usd == pytest.approx(140.625)


def test_the_free_tier_covers_100_gb_of_streamed_bytes(ruleset: Ruleset) -> None:
    sections = downloads(150)
    sections["preferences"] = {"free_tier": True}
    (line,) = streamed(ruleset, sections)
    assert line.item.endswith("after 100 GB free")
    assert line.quantity == pytest.approx(9 * 2_000_000 / 1024 - 100)


@pytest.mark.parametrize(
    "sections",
    [
        downloads(50),  # an average body of 5 MB fits in the 6 MB carried free
        downloads(150, front_door="http-api"),  # an HTTP API cannot stream a Lambda response
        downloads(150, front_door="alb"),  # nor can a load balancer
        {**downloads(150), "traffic": {**downloads(150)["traffic"], "protocols": ["queue"]}},  # no client waits
    ],
    ids=["average-within-6-mb", "http-api", "alb", "queue"],
)
def test_no_streaming_charge_where_nothing_is_streamed(ruleset: Ruleset, sections: dict[str, Any]) -> None:
    assert streamed(ruleset, sections) == []


@pytest.mark.parametrize("door", ["function-url", "rest-api", "none"])
def test_every_door_that_streams_a_response_bills_it(ruleset: Ruleset, door: str) -> None:
    assert len(streamed(ruleset, downloads(150, front_door=door))) == 1


def test_the_charge_reaches_the_decision_and_every_region_prices_it(ruleset: Ruleset) -> None:
    for region in sorted(ruleset.pricing):
        sections = downloads(150)
        sections["preferences"] = {"region": region}
        decision = decide(parse_workload(sections), ruleset)
        lam = next(item for item in decision.ranking if item.target == "lambda")
        assert lam.monthly_cost is not None, (region, lam.no_price)
        assert any(line.item.startswith(STREAMED) for line in lam.monthly_cost.lines), region


def test_the_plan_memo_keys_the_body_size_when_only_streaming_bills_it(ruleset: Ruleset) -> None:
    """With ``front_door: none`` (the SDK streams the response) the body's size reaches the bill through streaming
    alone: the plan memo keys it, so a ranking at another size is not given the plans priced for today's."""
    memo = PlanMemo()
    book = ruleset.pricing["us-east-1"]
    small, large = (parse_workload(downloads(size, front_door="none")).workload for size in (70, 180))
    room = image_room_gb(ruleset.cost_model) if ruleset.cost_model is not None else 0.0
    assert memo.key(small, derive(small), book, room) != memo.key(large, derive(large), book, room)
