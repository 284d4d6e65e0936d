"""The lines a real bill has besides compute (decider/cost/network.py), each reproduced by hand to the cent from the
us-east-1 book: NAT gateways, data transfer out, CloudWatch Logs, EBS root volumes, and API Gateway REST vs HTTP by
``traffic.front_door``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from decider import decide, parse_workload
from decider.cost.bill import Plan, plan_targets
from decider.decision import MonthlyCost
from decider.errors import WorkloadError
from decider.facts import derive
from decider.rules.model import Ruleset

QUEUE = {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]}
HTTP = {"pattern": "steady", "requests_per_month": 3_000_000, "protocols": ["http"], "payload_mb": 0.1}
SMALL = {"memory_mb": 1024, "vcpu": 0.5, "avg_duration_ms": 100, "architecture": "x86_64", "long_running": True}


def _plans(ruleset: Ruleset, region: str = "us-east-1", **sections: Any) -> tuple[dict[str, Plan], dict[str, str]]:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    unpriced: dict[str, str] = {}
    plans = plan_targets(
        ruleset.targets, workload, derive(workload), ruleset.pricing[region], ruleset.cost_model, unpriced
    )
    return plans, unpriced


def _bill(ruleset: Ruleset, target: str, **sections: Any) -> MonthlyCost:
    plans, _ = _plans(ruleset, **sections)
    return plans[target].bill(parse_workload(sections).workload.requests_per_month)


def _network_lines(bill: MonthlyCost) -> dict[str, float]:
    words = ("NAT", "Data transfer", "CloudWatch", "EBS", "API Gateway", "Load Balancer")
    return {line.item: line.usd for line in bill.lines if any(word in line.item for word in words)}


def test_nat_gateways_and_the_data_they_process_on_fargate(ruleset: Ruleset) -> None:
    # 2 NAT gateways × 730 h × $0.045 = $65.70; 50 GB processed × $0.045 = $2.25; 50 GB out × $0.09 = $4.50
    bill = _bill(
        ruleset, "ecs-fargate", runtime=SMALL, traffic=QUEUE, network={"nat_gateways": 2, "egress_gb_per_month": 50}
    )
    assert _network_lines(bill) == {
        "NAT gateways (2)": 65.7,
        "NAT gateway data processed (the data out)": 2.25,
        "Data transfer out to the internet, tier 1": 4.5,
    }


def test_the_answers_of_a_service_behind_a_front_door_leave_through_it_not_the_nat(ruleset: Ruleset) -> None:
    # An HTTP service's data out is its answers, sent back through the load balancer: the NAT gateways still bill
    # their hours (for the connections the tasks open) but process none of it; the data out is billed as before.
    network = {"nat_gateways": 2, "egress_gb_per_month": 50}
    for target in ("ecs-fargate", "ecs-ec2"):
        lines = _network_lines(_bill(ruleset, target, runtime=SMALL, traffic=HTTP, network=network))
        assert "NAT gateway data processed (the data out)" not in lines, target
        assert lines["NAT gateways (2)"] == 65.7
        assert lines["Data transfer out to the internet, tier 1"] == 4.5
    inside = _bill(ruleset, "lambda", runtime=SMALL, traffic=HTTP, network={**network, "vpc": True})
    assert "NAT gateway data processed (the data out)" not in _network_lines(inside)


def test_lambda_pays_for_nat_only_inside_a_vpc(ruleset: Ruleset) -> None:
    network = {"nat_gateways": 1, "egress_gb_per_month": 10}
    outside = _bill(ruleset, "lambda", runtime=SMALL, traffic=QUEUE, network=network)
    assert _network_lines(outside) == {"Data transfer out to the internet, tier 1": 0.9}  # 10 GB × $0.09
    inside = _bill(ruleset, "lambda", runtime=SMALL, traffic=QUEUE, network={**network, "vpc": True})
    # 730 h × $0.045 = $32.85; 10 GB × $0.045 = $0.45; 10 GB × $0.09 = $0.90
    assert _network_lines(inside) == {
        "NAT gateways (1)": 32.85,
        "NAT gateway data processed (the data out)": 0.45,
        "Data transfer out to the internet, tier 1": 0.9,
    }


def test_cloudwatch_logs_ingestion_and_storage(ruleset: Ruleset) -> None:
    # 20 GB × $0.50 = $10.00 ingested; 20 GB-month × $0.03 = $0.60 stored
    bill = _bill(ruleset, "lambda", runtime=SMALL, traffic=QUEUE, network={"logs_gb_per_month": 20})
    assert _network_lines(bill) == {
        "CloudWatch Logs ingested": 10.0,
        "CloudWatch Logs stored (one month's volume)": 0.6,
    }


def test_data_transfer_out_crosses_volume_tiers_and_the_free_allowance(ruleset: Ruleset) -> None:
    # 12,000 GB: 10,240 × $0.09 = $921.60, then 1,760 × $0.085 = $149.60
    bill = _bill(ruleset, "lambda", runtime=SMALL, traffic=QUEUE, network={"egress_gb_per_month": 12_000})
    assert _network_lines(bill) == {
        "Data transfer out to the internet, tier 1": 921.6,
        "Data transfer out to the internet, tier 2": 149.6,
    }
    free = _bill(
        ruleset,
        "lambda",
        runtime=SMALL,
        traffic=QUEUE,
        network={"egress_gb_per_month": 150},
        preferences={"free_tier": True},
    )
    # (150 − 100 free) × $0.09 = $4.50
    assert _network_lines(free) == {"Data transfer out to the internet, tier 1 after 100 GB free": 4.5}


def test_every_ec2_node_has_a_root_volume(ruleset: Ruleset) -> None:
    # Two always-on m6i.large nodes: 1,460 h ÷ 730 × 30 GB = 60 GB-month × $0.08 = $4.80
    runtime = {"memory_mb": 4096, "vcpu": 2, "long_running": True, "architecture": "x86_64"}
    bill = _bill(ruleset, "ecs-ec2", runtime=runtime, traffic=QUEUE)
    assert _network_lines(bill) == {"EBS root volumes (30 GB gp3 a node)": 4.8}
    assert "EBS" not in " ".join(line.item for line in _bill(ruleset, "ecs-fargate", runtime=runtime,
                                                              traffic=QUEUE).lines)  # fmt: skip


def test_a_rest_api_front_door_bills_rest_requests(ruleset: Ruleset) -> None:
    # 3M requests × $3.50 per million = $10.50 (an HTTP API would be 3M × $1.00 per million = $3.00)
    rest = _bill(ruleset, "lambda", runtime=SMALL, traffic={**HTTP, "front_door": "rest-api"})
    assert _network_lines(rest) == {"API Gateway REST API requests, tier 1": 10.5}
    http = _bill(ruleset, "lambda", runtime=SMALL, traffic=HTTP)
    assert _network_lines(http) == {"API Gateway HTTP API requests, tier 1": 3.0}


@pytest.mark.parametrize(
    ("payload_mb", "increments"),
    [(0.1, 1), (2.0, 1), (5.5, 2), (6.0, 2)],  # an average body a tenth of the largest: 0.2 MB is one 512 KB increment
)
def test_an_http_api_meters_the_average_body_as_the_load_balancer_does(
    ruleset: Ruleset, payload_mb: float, increments: int
) -> None:
    # 3M requests × increments × $1.00 per million; payload_mb is the largest body, not every body's size
    bill = _bill(ruleset, "lambda", runtime=SMALL, traffic={**HTTP, "payload_mb": payload_mb})
    assert _network_lines(bill) == {"API Gateway HTTP API requests, tier 1": 3.0 * increments}


def test_websocket_messages_are_metered_at_the_average_body(ruleset: Ruleset) -> None:
    # 5M messages of a chat whose largest is 0.1 MB: the average, 10 KB, is one 32 KB increment ($1.00 a million);
    # a largest of 1 MB averages 102.4 KB: four increments.
    chat = {"pattern": "steady", "requests_per_month": 5_000_000, "protocols": ["websocket"], "connections": 1000}
    for payload_mb, usd in ((0.1, 5.0), (1.0, 20.0)):
        bill = _bill(
            ruleset, "lambda", runtime=SMALL | {"long_running": False}, traffic={**chat, "payload_mb": payload_mb}
        )
        assert _network_lines(bill)["API Gateway WebSocket messages, tier 1"] == usd, payload_mb


def test_front_doors_for_functions_and_containers(ruleset: Ruleset) -> None:
    url = _bill(ruleset, "lambda", runtime=SMALL, traffic={**HTTP, "front_door": "function-url"})
    assert _network_lines(url) == {}
    alb = _bill(ruleset, "lambda", runtime=SMALL, traffic={**HTTP, "front_door": "alb"})
    assert _network_lines(alb)["Application Load Balancer hours"] == 16.425  # 730 h × $0.0225
    internal = _bill(ruleset, "ecs-fargate", runtime=SMALL, traffic={**HTTP, "front_door": "none"})
    assert _network_lines(internal) == {}
    gateway = _bill(ruleset, "ecs-fargate", runtime=SMALL, traffic={**HTTP, "front_door": "rest-api"})
    # API Gateway reaches the containers through a VPC link to an ALB: both are billed
    assert gateway.lines[1].item == "API Gateway REST API requests, tier 1"
    assert "Application Load Balancer hours" in _network_lines(gateway)


def test_network_lines_without_the_region_prices_are_billed_at_zero_and_said(ruleset: Ruleset) -> None:
    """A book without NAT gateway, data transfer, CloudWatch Logs or EBS prices (us-west-2's, with its network block
    taken out, as every regional book was before those prices were sourced): each quantity the workload states is on
    the bill at $0, the line saying so, and the bill is still made (its compute compares with the others')."""
    book = ruleset.pricing["us-west-2"]
    bare = book.model_copy(update={"network": None, "missing": {**book.missing, "network": "not sourced"}})
    without = dataclasses.replace(ruleset, pricing={**ruleset.pricing, "us-west-2": bare})
    network = {"nat_gateways": 2, "egress_gb_per_month": 40, "logs_gb_per_month": 5}
    plans, unpriced = _plans(without, "us-west-2", runtime=SMALL, traffic=QUEUE, network=network)
    assert "ecs-ec2" not in unpriced
    lines = [line for line in plans["ecs-ec2"].bill(1_000_000).lines if "no price in this region" in line.item]
    assert [(line.item, line.quantity, line.usd) for line in lines if not line.item.startswith("EBS")] == [
        ("NAT gateways (2): no price in this region", 1460.0, 0.0),
        ("NAT gateway data processed (the data out): no price in this region", 40.0, 0.0),
        ("Data transfer out to the internet: no price in this region", 40.0, 0.0),
        ("CloudWatch Logs ingested: no price in this region", 5.0, 0.0),
        ("CloudWatch Logs stored (one month's volume): no price in this region", 5.0, 0.0),
    ]
    plans, unpriced = _plans(without, "us-west-2", runtime=SMALL, traffic=QUEUE)
    volumes = [line for line in plans["ecs-ec2"].bill(1_000_000).lines if line.item.startswith("EBS")]
    assert [(line.item, line.usd) for line in volumes] == [
        ("EBS root volumes (30 GB gp3 a node): no price in this region", 0.0)
    ]
    # the shipped us-west-2 book prices them: Oregon's rates are Virginia's
    plans, _ = _plans(ruleset, "us-west-2", runtime=SMALL, traffic=QUEUE, network=network)
    priced = {line.item: line.unit_price_usd for line in plans["ecs-ec2"].bill(1_000_000).lines}
    assert not [item for item in priced if "no price in this region" in item]
    assert (priced["NAT gateways (2)"], priced["Data transfer out to the internet, tier 1"]) == (0.045, 0.09)
    assert priced["EBS root volumes (30 GB gp3 a node)"] == 0.08


def test_the_network_section_is_validated() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"network": {"nat_gateways": -1, "egres_gb_per_month": 5}, "traffic": {"front_door": "cdn"}})
    found = {problem.location: problem for problem in caught.value.problems}
    assert set(found) == {"network.nat_gateways", "network.egres_gb_per_month", "traffic.front_door"}
    assert found["network.egres_gb_per_month"].suggestion == "egress_gb_per_month"


def test_leaving_the_network_section_out_is_assumed_and_said(ruleset: Ruleset) -> None:
    decision = decide(parse_workload({}), ruleset, advice=False)
    assert [text for text in decision.assumptions if "network." in text] == [
        "network.nat_gateways not given: assumed 0",
        "network.egress_gb_per_month not given: assumed 0",
        "network.logs_gb_per_month not given: assumed 0",
        "network.vpc, network.own_load_balancer not given: assumed false",
    ]
