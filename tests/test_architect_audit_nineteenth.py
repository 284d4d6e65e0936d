"""Defects a nineteenth architect's audit found, each kept fixed here:

- Lambda was recommended "behind an API Gateway HTTP API" at a peak of 15,000 requests a second with nothing said of
  API Gateway's account throttle quota (10,000 requests a second per Region, shared by every API of the account,
  2,500 in some Regions): a warning now says so whenever an eligible target is priced behind an API Gateway API and
  the peak comes within a fifth of the quota or passes it;
- a 130,000 MB copy was priced on a 128 GiB node, which registers less memory than it has installed (AWS's m4.large
  registers 7,985 of its 8,192 MiB): a node keeps its kernel's share (2.53%) or the 512 MB reserve, whichever is more;
- a reason named an internal field ("derived.lambda_memory_mb is 9,000"): a limit near is said in words, with units;
- the instances of a job's runs were said to be "one per run" beside "2 copies each".
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import InstanceSizing
from decider.render.decision import to_table

THROTTLED: dict[str, Any] = {
    "name": "flash-sale-api",
    "runtime": {"max_duration_s": 1, "avg_duration_ms": 50, "memory_mb": 256},
    "traffic": {"pattern": "spiky", "requests_per_month": 60_000_000, "peak_rps": 15_000, "payload_mb": 1},
}


def decided(ruleset: Ruleset, *, traffic: dict[str, Any] | None = None, region: str | None = None) -> Decision:
    workload = {**THROTTLED, "traffic": {**THROTTLED["traffic"], **(traffic or {})}}
    if region is not None:
        workload["preferences"] = {"region": region}
    return decide(parse_workload(workload), ruleset, advice=False)


def throttle_warnings(decision: Decision) -> list[str]:
    return [warning for warning in decision.warnings if "API Gateway's default throttle quota" in warning]


def test_a_peak_past_api_gateways_throttle_quota_is_warned_of(ruleset: Ruleset) -> None:
    decision = decided(ruleset)
    # Lambda among the two compared (its bursts' throttled requests, past its scaling rate, cost it points since
    # property audit 20, F1)
    assert "lambda" in [entry.target for entry in decision.ranking[:2]]
    [warning] = throttle_warnings(decision)
    assert "A peak of 15,000 requests a second is past API Gateway's default throttle quota of 10,000" in warning
    assert "AWS Lambda is priced behind an API Gateway HTTP API" in warning
    assert "traffic.front_door alb, or function-url for Lambda" in warning
    # said where the answer is read first, too
    assert "API Gateway's default throttle quota" in decision.summary


@pytest.mark.parametrize(("peak", "said"), [(7_000, None), (8_500, "within a fifth of"), (10_500, "past")])
def test_the_warning_starts_within_a_fifth_of_the_quota(ruleset: Ruleset, peak: int, said: str | None) -> None:
    found = throttle_warnings(decided(ruleset, traffic={"peak_rps": peak}))
    if said is None:
        assert found == []
    else:
        [warning] = found
        assert f"is {said} API Gateway's default throttle quota" in warning


def test_the_quota_is_2500_in_the_regions_aws_names(ruleset: Ruleset) -> None:
    """eu-south-1 (Milan) is one of the Regions where the default is 2,500 requests a second; us-east-1 is not. No
    book ships for Milan: eu-west-1's stands in for it, as an organisation's own book for the Region would."""
    milan = dataclasses.replace(ruleset, pricing={**ruleset.pricing, "eu-south-1": ruleset.pricing["eu-west-1"]})
    low = throttle_warnings(decided(milan, traffic={"peak_rps": 2_400}, region="eu-south-1"))
    assert len(low) == 1
    assert "quota of 2,500 requests a second in eu-south-1" in low[0]
    assert throttle_warnings(decided(ruleset, traffic={"peak_rps": 2_400})) == []


def test_containers_behind_a_named_api_gateway_are_named_and_an_alb_is_not_warned_of(ruleset: Ruleset) -> None:
    [warning] = throttle_warnings(decided(ruleset, traffic={"front_door": "http-api"}))
    assert "Amazon ECS on AWS Fargate" in warning
    assert "are priced behind an API Gateway HTTP API" in warning
    assert throttle_warnings(decided(ruleset, traffic={"front_door": "alb"})) == []


def test_a_limit_near_is_said_in_words_not_as_a_derived_field(ruleset: Ruleset) -> None:
    """A 9,000 MB function comes within 12.1% of Lambda's 10,240 MB: the reason says so in words, with its unit,
    where it named an internal field ("derived.lambda_memory_mb is 9,000")."""
    workload = {
        "runtime": {"max_duration_s": 30, "avg_duration_ms": 2000, "memory_mb": 9000},
        "traffic": {"pattern": "steady", "requests_per_month": 1_000_000},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    reasons = [reason.message for item in decision.ranking for reason in item.reasons]
    [near] = {message for message in reasons if "(limits.lambda-memory)" in message}
    assert near.startswith("The Lambda memory setting it needs is 9,000 MB, within 12.1% of AWS Lambda's limit of")
    assert "10,240 MB, with little room to grow" in near
    assert "derived." not in decision.summary


def test_instances_for_the_runs_of_a_job_are_not_said_to_be_one_per_run(ruleset: Ruleset) -> None:
    """A node holding two copies runs two runs at once: "2 copies each, instances one per run" said both."""
    workload = {
        "runtime": {"max_duration_s": 840, "memory_mb": 2048, "vcpu": 1},
        "traffic": {"pattern": "scheduled", "requests_per_month": 8640},
        "preferences": {"optimize_for": "cost"},
    }
    text = to_table(decide(parse_workload(workload), ruleset, advice=False))
    [ec2] = [line for line in text.splitlines() if "configure: EC2 on demand" in line]
    assert "2 copies each, instances started for the runs, stopped after them" in ec2
    assert "one per run;" not in ec2


def test_a_copy_is_not_placed_on_a_node_that_registers_less_memory_than_it_asks_for(ruleset: Ruleset) -> None:
    """A node registers less than it has installed (AWS's m4.large: 7,985 of 8,192 MiB): a 130,000 MB copy was priced
    on a 128 GiB m7g.8xlarge (131,072 MiB), where ECS would never place it, and won by that bill."""
    runtime: dict[str, Any] = {"max_duration_s": 5, "avg_duration_ms": 500, "memory_mb": 130_000}
    traffic = {"pattern": "steady", "requests_per_month": 2_000_000}
    decision = decide(parse_workload({"runtime": runtime, "traffic": traffic}), ruleset, advice=False)
    for item in decision.ranking:
        sizing = item.sizing
        if isinstance(sizing, InstanceSizing):
            registered = sizing.instance_memory_gib * 1024 * (1 - 0.0253)
            assert sizing.copies_per_instance * 130_000 <= registered, item.target
            assert sizing.instance_type != "m7g.8xlarge"
    # a small node keeps the 512 MB reserve, the larger of the two there: two 1,700 MB copies still fit in 4 GiB
    small = {"runtime": {**runtime, "memory_mb": 1700, "vcpu": 0.25}, "traffic": traffic}
    ec2 = next(
        item.sizing for item in decide(parse_workload(small), ruleset, advice=False).ranking if item.target == "ecs-ec2"
    )
    assert isinstance(ec2, InstanceSizing)
    installed = ec2.instance_memory_gib * 1024
    assert installed * 0.0253 < 512
    assert ec2.copies_per_instance == (installed - 512) // 1700


def test_the_throttle_warning_reads_the_door_lambda_managed_instances_are_priced_behind(ruleset: Ruleset) -> None:
    """A 5 s start and 25 s requests put Lambda on demand behind a function URL, but Lambda Managed Instances, which
    start environments before requests, behind the HTTP API: priced there at a 9,000 request-a-second peak, the
    warning was missed."""
    workload = {
        "runtime": {
            "avg_duration_ms": 100,
            "max_duration_s": 25,
            "startup_s": 5,
            "memory_mb": 2048,
            "concurrency_per_copy": 10,
        },
        "traffic": {"pattern": "steady", "requests_per_month": 5_000_000_000, "peak_rps": 9000, "protocols": ["http"]},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    lam = next(item for item in decision.ranking if item.target == "lambda")
    assert getattr(lam.sizing, "mode", None) == "managed-instances"
    assert getattr(lam.sizing, "front_door", None) == "api-gateway-http-api"
    [warning] = throttle_warnings(decision)
    assert "AWS Lambda" in warning
