"""Architect audit, round 32: a front door named makes requests arrive over HTTP when no protocols are given, and a
door named beside protocols no door answers is said before acting (F1); a copy of more GPUs than any instance has is
excluded (F4); the burst ratio is said of capacity, the copies at peak as whole copies (F5)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.mode_plans import system_pod_lines
from decider.decision import FargateSizing

#: A webhook receiver (a payment provider's callbacks): bursty event traffic that arrives over HTTP through an ALB.
WEBHOOKS: dict[str, Any] = {
    "name": "partner-webhook-receiver",
    "runtime": {"avg_duration_ms": 200, "memory_mb": 1024},
    "traffic": {"pattern": "event", "requests_per_month": 100_000_000, "front_door": "alb"},
    "preferences": {"region": "us-east-1"},
}


def _decided(ruleset: Ruleset, **traffic: Any) -> Decision:
    raw = copy.deepcopy(WEBHOOKS)
    raw["traffic"].update(traffic)
    return decide(parse_workload(raw), ruleset, advice=False)


def _door_lines(decision: Decision) -> dict[str, list[str]]:
    return {
        entry.target: [line.item for line in entry.monthly_cost.lines if "Load Balancer" in line.item]
        for entry in decision.ranking
        if entry.monthly_cost is not None
    }


@pytest.mark.parametrize("door", ["alb", "http-api", "rest-api", "function-url"])
def test_a_front_door_named_with_no_protocols_means_requests_arrive_over_http(ruleset: Ruleset, door: str) -> None:
    parsed = parse_workload({**WEBHOOKS, "traffic": {**WEBHOOKS["traffic"], "front_door": door}})
    assert parsed.workload.protocols == ("http",)
    assert f"traffic.protocols not given: assumed [http] (traffic.front_door {door})" in parsed.assumptions
    assert not any("assumed [queue]" in said for said in parsed.assumptions)


def test_the_door_named_is_billed_and_no_queue_reason_is_given(ruleset: Ruleset) -> None:
    decision = _decided(ruleset)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    assert fargate.sizing is not None
    assert fargate.sizing.front_door == "application-load-balancer"
    assert _door_lines(decision)["ecs-fargate"], "the ALB the user named is on the containers' bill"
    assert "work arrives on a queue" not in decision.summary
    for entry in decision.ranking:
        assert all(reason.rule != "traffic.queue-event-source" for reason in entry.reasons)
    # as if the protocols were given: the same answer
    given = _decided(ruleset, protocols=["http"])
    assert given.recommendation == decision.recommendation
    assert given.ranking == decision.ranking


def test_no_door_named_keeps_event_work_on_a_queue(ruleset: Ruleset) -> None:
    for traffic in ({"front_door": "none"}, {}):
        raw = copy.deepcopy(WEBHOOKS)
        raw["traffic"].pop("front_door")
        raw["traffic"].update(traffic)
        parsed = parse_workload(raw)
        assert parsed.workload.protocols == ("queue",)
        assert "traffic.protocols not given: assumed [queue]" in parsed.assumptions


@pytest.mark.parametrize("protocols", [["queue"], ["schedule"], ["queue", "schedule"]])
def test_a_door_named_beside_protocols_no_door_answers_is_said_before_acting(
    ruleset: Ruleset, protocols: list[str]
) -> None:
    decision = _decided(ruleset, protocols=protocols)
    said = [warning for warning in decision.warnings if "traffic.front_door alb answers clients' requests" in warning]
    assert len(said) == 1
    assert f"traffic.protocols ({protocols!r}".replace("'", "") in said[0].replace("'", "")
    assert "Give traffic.protocols [http]" in said[0]
    assert decision.summary.startswith("Check before acting:")
    assert not any(_door_lines(decision).values()), "as the warning says, no door is priced"


@pytest.mark.parametrize("protocols", [["http"], ["grpc"], ["queue", "http"]])
def test_a_door_named_beside_protocols_it_answers_is_no_contradiction(ruleset: Ruleset, protocols: list[str]) -> None:
    decision = _decided(ruleset, protocols=protocols)
    assert not any("answers clients' requests" in warning for warning in decision.warnings)


def test_a_copy_of_more_gpus_than_any_instance_has_is_excluded_everywhere(ruleset: Ruleset) -> None:
    raw = {"runtime": {"avg_duration_ms": 500, "memory_mb": 65536, "vcpu": 16, "gpu": 16}}
    decision = decide(parse_workload(raw), ruleset)
    assert decision.recommendation is None
    by_rule = {item.target: [reason.rule for reason in item.reasons] for item in decision.excluded}
    for target in ("ecs-managed-instances", "ecs-ec2", "eks"):
        assert by_rule[target] == ["limits.gpus-past-largest-instance"]
    fixes = [item for item in decision.counterfactuals if item.change == {"runtime.gpu": 8}]
    assert [item.recommendation for item in fixes] == ["ecs-managed-instances"]
    for gpus in (1, 8):
        within = decide(parse_workload({"runtime": {**raw["runtime"], "gpu": gpus}}), ruleset, advice=False)
        assert "limits.gpus-past-largest-instance" not in {
            reason.rule for item in within.excluded for reason in item.reasons
        }


#: An image-resizing endpoint: 40 requests a second at peak, 1.8 s each, a copy serving one at a time.
RESIZE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 1800, "max_duration_s": 20, "memory_mb": 1536, "artifact_mb": 60},
    "traffic": {"pattern": "spiky", "requests_per_month": 400_000, "peak_rps": 40},
    "preferences": {"region": "us-east-1"},
}


def test_the_burst_ratio_is_said_of_capacity_and_the_copies_at_peak_as_whole_copies(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(RESIZE), ruleset, advice=False)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    message = next(reason.message for reason in fargate.reasons if reason.rule == "traffic.burst-over-warm-copies")
    assert message.startswith(
        "Bursts need 102.9 times the container capacity kept up for the average load (103 whole copies at peak)"
    )
    assert isinstance(fargate.sizing, FargateSizing)
    # 40 requests a second × 1.8 s in flight, at 70% a copy: 102.86 copies' capacity against the 1 kept, 103 whole
    assert fargate.sizing.min_copies == 1
    assert fargate.sizing.max_copies == 103


#: A marketing API of 20M requests a month at 4 GB: Amazon EKS is priced on Fargate, the cheapest of its modes here.
MARKETING_API: dict[str, Any] = {
    "runtime": {"max_duration_s": 1, "avg_duration_ms": 100, "memory_mb": 4096},
    "traffic": {"pattern": "spiky", "requests_per_month": 20_000_000, "peak_rps": 400, "protocols": ["http"]},
}


def test_eks_on_fargate_bills_the_system_pods_a_new_cluster_runs_there(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(MARKETING_API), ruleset, advice=False)
    eks = next(entry for entry in decision.ranking if entry.target == "eks")
    assert isinstance(eks.sizing, FargateSizing)  # on Fargate
    assert eks.monthly_cost is not None
    fargate = ruleset.pricing["us-east-1"].fargate
    assert fargate is not None
    prices = fargate.linux_x86_64
    assert prices is not None
    # CoreDNS, and the AWS Load Balancer Controller for the ALB in front of the pods: two of each, all month, at
    # the smallest Fargate size each (0.25 vCPU and 0.5 GB: a pod's requests plus the 256 MB EKS adds)
    lines = [line for line in eks.monthly_cost.lines if line.item.startswith("EKS Fargate pods for ")]
    assert [line.item for line in lines] == [
        "EKS Fargate pods for CoreDNS (2 × 0.25 vCPU, 0.5 GB)",
        "EKS Fargate pods for the AWS Load Balancer Controller (2 × 0.25 vCPU, 0.5 GB)",
    ]
    for line in lines:
        assert line.quantity == 2 * 730
        assert line.unit_price_usd == pytest.approx(0.25 * prices.vcpu_hour.usd + 0.5 * prices.gb_hour.usd)
        assert line.usd == pytest.approx(line.quantity * line.unit_price_usd, abs=1e-4)
    assert eks.monthly_cost.total_usd == pytest.approx(sum(item.usd for item in eks.monthly_cost.lines), abs=0.01)
    # with no load balancer in front (an internal caller), no controller
    internal = {**MARKETING_API, "traffic": {**MARKETING_API["traffic"], "front_door": "none"}}
    quiet = next(
        entry for entry in decide(parse_workload(internal), ruleset, advice=False).ranking if entry.target == "eks"
    )
    assert quiet.monthly_cost is not None
    assert not [line for line in quiet.monthly_cost.lines if "Load Balancer Controller" in line.item]


def test_an_existing_cluster_runs_its_system_pods_already(ruleset: Ruleset) -> None:
    book, model = ruleset.pricing["us-east-1"], ruleset.cost_model
    assert model is not None
    paid = system_pod_lines(book, model, existing=True, balanced=True)
    assert len(paid) == 2
    assert all(line.usd(1e6) == 0 and line.item.endswith("existing cluster's, already paid") for line in paid)
    new = sum(line.usd(1e6) for line in system_pod_lines(book, model, existing=False, balanced=True))
    assert new > 0
    # the team's EKS cluster exists: its Fargate mode is priced without them, by their month on a new cluster less
    raw = {**MARKETING_API, "team": {"current_platform": "eks", "kubernetes_experience": "some"}}
    fresh = {**MARKETING_API, "team": {"current_platform": "eks", "kubernetes_experience": "some", "new_cluster": True}}
    modes: list[float] = []
    for workload in (raw, fresh):
        decision = decide(parse_workload(workload), ruleset, advice=False)
        eks = next(entry for entry in decision.ranking if entry.target == "eks")
        assert eks.sizing is not None
        monthly = next(option.monthly_usd for option in eks.sizing.modes if option.mode == "fargate")
        assert monthly is not None
        modes.append(monthly)
    assert book.load_balancers is not None
    shared = 730 * (book.eks.control_plane_hour.usd + book.load_balancers.alb_hour.usd)  # the control plane, the ALB
    assert modes[1] - modes[0] == pytest.approx(new + shared, abs=0.02)


def _eks_fargate_lines(raw: dict[str, Any], ruleset: Ruleset) -> list[Any]:
    decision = decide(parse_workload(raw), ruleset, advice=False)
    eks = next(entry for entry in decision.ranking if entry.target == "eks")
    assert isinstance(eks.sizing, FargateSizing)
    assert eks.monthly_cost is not None
    return list(eks.monthly_cost.lines)


@pytest.mark.parametrize("door", ["http-api", "rest-api"])
def test_pods_behind_an_api_gateway_door_bill_the_controller_of_the_load_balancer_behind_it(
    ruleset: Ruleset, door: str
) -> None:
    # API Gateway reaches pods on Fargate through a VPC link to a load balancer, which the controller makes
    raw = {**MARKETING_API, "traffic": {**MARKETING_API["traffic"], "front_door": door}}
    items = [line.item for line in _eks_fargate_lines(raw, ruleset)]
    assert any(item.startswith("Application Load Balancer hours") for item in items)
    assert "EKS Fargate pods for the AWS Load Balancer Controller (2 × 0.25 vCPU, 0.5 GB)" in items


@pytest.mark.parametrize("term", ["1yr", "3yr"])
def test_the_system_pods_are_bought_under_the_savings_plan_the_pods_are(ruleset: Ruleset, term: str) -> None:
    raw = {**MARKETING_API, "preferences": {"commitment": term}}
    lines = _eks_fargate_lines(raw, ruleset)
    pods = next(line for line in lines if line.item.startswith("EKS Fargate pods ("))
    assert pods.item.endswith(f", Compute Savings Plan {term})")
    book = ruleset.pricing["us-east-1"]
    fargate = book.fargate
    assert fargate is not None
    assert fargate.linux_x86_64 is not None
    plan = book.savings_plans.fargate.for_term(term)
    assert plan is not None
    on_demand = 0.25 * fargate.linux_x86_64.vcpu_hour.usd + 0.5 * fargate.linux_x86_64.gb_hour.usd
    system = [line for line in lines if line.item.startswith("EKS Fargate pods for ")]
    assert len(system) == 2
    for line in system:
        assert f"Compute Savings Plan {term})" in line.item
        assert line.unit_price_usd == pytest.approx(on_demand * (1 - plan.fraction))


def test_a_door_named_for_a_job_says_its_protocols_were_assumed(ruleset: Ruleset) -> None:
    decision = decide(parse_workload({"traffic": {"pattern": "batch", "front_door": "alb"}}), ruleset, advice=False)
    said = [warning for warning in decision.warnings if "answers clients' requests" in warning]
    assert len(said) == 1
    assert "the protocols assumed for traffic.pattern batch ([schedule]) have none" in said[0]
