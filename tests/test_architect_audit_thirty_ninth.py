"""Architect audit, round 39: Lambda Managed Instances priced on types it does not offer (F1); a burst said to make
requests wait when the copies up hold its peak (F3); a review's summary quoting a bill without the shares its ranking
entry shows (F5); "no event source found" kept after a usage file gave the traffic (F7); an EC2 Instance Savings Plan
priced at the Compute plan's rate on Lambda Managed Instances (F8); "The 1 kept workloads" (F9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider.cost.mode_plans import _environment_fits
from decider.decision import Decision, RankedTarget
from decider.engine import decide
from decider.render.comment import to_markdown
from decider.review import review_imported
from decider.rules.model import Ruleset
from decider.sources import apply_usage, find_workloads
from decider.workload import parse_workload
from tests.manifests import cronjob

#: Repro 2 of F1: a cart API on a Lambda team, 3-year commitment, in ap-southeast-1.
CART: dict[str, Any] = {
    "name": "cart-api-lmi-70m",
    "runtime": {"avg_duration_ms": 100, "max_duration_s": 5, "memory_mb": 1769},
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 70_000_000,
        "payload_mb": 1,
        "protocols": ["http"],
        "latency_slo_ms": 500,
    },
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
    "preferences": {"region": "ap-southeast-1", "commitment": "3yr"},
}


def _entry(decision: Decision, target: str) -> RankedTarget:
    return next(item for item in decision.ranking if item.target == target)


def test_lambda_managed_instances_run_on_c_m_and_r_types_from_size_large(ruleset: Ruleset) -> None:
    """LMI offers C, M and R types of size large and up (the Lambda pricing page's management-fee table, as
    transcribed); m7g.medium priced the cart API's instances 24% low, and Lambda won over the cheaper Fargate."""
    workload = parse_workload(CART).workload
    book, model = ruleset.pricing["ap-southeast-1"], ruleset.cost_model
    assert model is not None
    fits = [instance.type for instance, _ in _environment_fits(workload, book, model, 1.0, 2048.0)]
    assert fits
    assert "m7g.large" in fits
    assert "c7g.large" in fits
    assert "m7g.medium" not in fits
    assert all(name.split(".")[0][0] in "cmr" and name.split(".")[1] != "medium" for name in fits)
    decision = decide(parse_workload(CART), ruleset, advice=False)
    lam = _entry(decision, "lambda")
    assert lam.sizing is not None
    modes = {mode.mode: mode.monthly_usd for mode in lam.sizing.modes}
    # Three m7g.large at least (the floor of three instances): 2,190 h × $0.102 × (1 − 0.528 + 0.15) = $138.94,
    # plus $14 of requests and the $87.50 of the HTTP API (the audit's arithmetic from the book)
    assert modes["managed-instances"] == pytest.approx(240.44, abs=0.01)
    assert decision.recommendation == "ecs-fargate"


def test_an_ec2_instance_savings_plan_prices_lambda_managed_instances_at_its_own_rate(ruleset: Ruleset) -> None:
    """AWS: Lambda Managed Instances benefit from EC2 Savings Plans; the line names the plan the workload asks for."""
    raw = {
        **CART,
        "runtime": {**CART["runtime"], "memory_mb": 4096},
        "traffic": {**CART["traffic"], "requests_per_month": 600_000_000},
        "team": {"current_platform": "lambda", "ops_capacity": "low"},
        "preferences": {"region": "us-east-1", "commitment": "3yr", "optimize_for": "cost"},
    }
    book = ruleset.pricing["us-east-1"]
    rates = {}
    for plan in ("compute", "ec2-instance"):
        changed = {**raw, "preferences": {**raw["preferences"], "savings_plan": plan}}
        lam = _entry(decide(parse_workload(changed), ruleset, advice=False), "lambda")
        assert lam.monthly_cost is not None
        assert lam.sizing is not None
        assert lam.sizing.mode == "managed-instances", lam.sizing.mode
        [line] = [line for line in lam.monthly_cost.lines if line.item.startswith("Lambda Managed Instances: ")]
        name = "EC2 Instance" if plan == "ec2-instance" else "Compute"
        assert f"{name} Savings Plan 3yr" in line.item
        listed = next(item for item in book.ec2.instances if item.type in line.item)
        rates[plan] = line.unit_price_usd / listed.usd_per_hour
    assert rates["compute"] == pytest.approx(1 - book.savings_plans.ec2.three_year.fraction)
    assert rates["ec2-instance"] == pytest.approx(1 - book.savings_plans.ec2_instance.three_year.fraction)
    assert rates["ec2-instance"] < rates["compute"]


def test_no_request_of_a_burst_waits_when_the_copies_up_hold_its_peak(ruleset: Ruleset) -> None:
    """2,000 requests a second of 5 ms each are 10 in flight: one copy serving 100 at once holds them all, so none
    waits for scaling out (it was said that 82.8% of the month's requests would)."""
    raw: dict[str, Any] = {
        "name": "async-gateway",
        "runtime": {
            "avg_duration_ms": 5,
            "max_duration_s": 1,
            "memory_mb": 2048,
            "vcpu": 1,
            "concurrency_per_copy": 100,
        },
        "traffic": {
            "pattern": "spiky",
            "requests_per_month": 300_000_000,
            "peak_rps": 2000,
            "latency_slo_ms": 500,
            "protocols": ["http"],
        },
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    [said] = [text for text in decision.assumptions if text.startswith("traffic.bursts_per_day not given")]
    assert "on containers none waits to scale out: the copy up for the average load holds the peak's 10" in said
    assert "wait past the target" not in said
    # With 5 at once, a copy holds half the peak: the requests that wait are counted as before
    fewer = {**raw, "runtime": {**raw["runtime"], "concurrency_per_copy": 5}}
    [said] = [
        text for text in decide(parse_workload(fewer), ruleset, advice=False).assumptions if "bursts_per_day" in text
    ]
    assert "wait past the target" in said


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


CLUSTER = """provider "aws" {
  region = "us-west-2"
}

resource "aws_eks_cluster" "ml" {
  name     = "ml"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}
"""

JOBS = cronjob("reindex", "*/30 * * * *") + "---\n" + cronjob("compact", "0 * * * *")


def test_a_review_summary_says_the_bill_with_shares_beside_the_figures_it_compares(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    root = _write(tmp_path, {"infra/eks.tf": CLUSTER, "infra/jobs.yaml": JOBS})
    discovery = find_workloads([str(root)])
    usage = {name: {"runtime": {"avg_duration_ms": 240_000}} for name in ("reindex", "compact")}
    apply_usage(discovery.workloads, usage, "usage.yaml")
    review = review_imported(discovery.workloads, ruleset)
    for item in review.workloads:
        eks = _entry(item.decision, "eks")
        assert eks.monthly_cost is not None
        share = next(line.usd for line in eks.monthly_cost.lines if line.item.startswith("EKS control plane $"))
        assert share == pytest.approx(36.5)
        total = eks.monthly_cost.total_usd
        said = f"Amazon EKS's bill is ${total:,.2f} with its shares of what the review's workloads share, against the "
        assert said in item.decision.summary
        assert f"${total - share:,.2f} the ranking and the figures above compare" in item.decision.summary


SERVICE = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
  WorkerTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: '512'
      Memory: '1024'
      ContainerDefinitions:
        - Name: worker
          Image: 123456789012.dkr.ecr.us-east-2.amazonaws.com/worker:3
  WorkerService:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref WorkerTask
      DesiredCount: 2
"""


def test_the_traffic_a_usage_file_gives_withdraws_no_event_source_found(tmp_path: Path, ruleset: Ruleset) -> None:
    root = _write(tmp_path, {"stack.yaml": SERVICE})
    for usage, kept in (
        ({"traffic": {"pattern": "event", "protocols": ["queue"], "requests_per_month": 3_000_000}}, False),
        ({"runtime": {"avg_duration_ms": 2500}}, True),  # the traffic still unknown: still said
    ):
        discovery = find_workloads([str(root)])
        apply_usage(discovery.workloads, {"WorkerService": usage}, "usage.yaml")
        [item] = review_imported(discovery.workloads, ruleset).workloads
        said = [text for text in item.source_assumptions if "no event source found" in text]
        assert bool(said) is kept


def test_one_kept_workload_is_said_in_the_singular(tmp_path: Path, ruleset: Ruleset) -> None:
    root = _write(tmp_path, {"stack.yaml": SERVICE})
    discovery = find_workloads([str(root)])
    usage = {"traffic": {"pattern": "event", "protocols": ["queue"], "requests_per_month": 3_000_000}}
    apply_usage(discovery.workloads, {"WorkerService": {**usage, "runtime": {"avg_duration_ms": 2500}}}, "usage.yaml")
    review = review_imported(discovery.workloads, ruleset)
    assert review.summary.keep == 1
    text = to_markdown(review)
    assert "<details><summary>The 1 kept workload</summary>" in text


#: F2's repro: business hours, bursts to 3,000 requests a second with a 300 ms target.
BUSINESS_HOURS: dict[str, Any] = {
    "name": "ticketing-api-business-hours",
    "runtime": {
        "avg_duration_ms": 50,
        "max_duration_s": 2,
        "memory_mb": 1024,
        "vcpu": 0.5,
        "concurrency_per_copy": 10,
        "startup_s": 15,
    },
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 100_000_000,
        "peak_rps": 3000,
        "latency_slo_ms": 300,
        "hourly_profile": [0] * 8 + [1] * 8 + [0] * 8,
    },
    "preferences": {"region": "eu-west-1"},
}


def test_copies_kept_for_bursts_hour_by_hour_are_said_as_the_schedule_to_configure(ruleset: Ruleset) -> None:
    """The bill keeps 22 copies through each busy hour, the quiet hours 2: the sizing says so hour by hour, and the
    configure line with it (the sizing said min 2 / desired 2 alone, which keeps none of the burst copies)."""
    decision = decide(parse_workload(BUSINESS_HOURS), ruleset, advice=False)
    fargate = _entry(decision, "ecs-fargate")
    sizing = fargate.sizing
    assert sizing is not None
    assert sizing.kind == "fargate"
    schedule = sizing.scheduled_min_copies
    assert schedule == (2,) * 8 + (22,) * 8 + (2,) * 8
    # The bill's task-hours are the schedule's, plus the busy hours' copies kept for the 15-minute scale-in lag
    span = 730 / 24
    kept = sum(schedule) * span
    lag = (22 - 2) * 0.25 * span  # one busy-to-quiet step a day
    assert sizing.task_hours_per_month == pytest.approx(kept + lag, rel=1e-3)
    from decider.render.sizing import describe

    assert "scheduled min copies by hour for bursts: 22 in the busiest (08:00-16:00), down to 2" in describe(sizing)
    lam = _entry(decision, "lambda").sizing
    assert lam is not None
    assert lam.kind == "lambda"
    assert lam.provisioned_concurrency
    warm = lam.scheduled_provisioned_concurrency
    assert warm is not None
    assert max(warm) == lam.provisioned_concurrency
    assert min(warm) == 0
    # Without a profile the copies are kept all month: no schedule
    flat = {**BUSINESS_HOURS, "traffic": {k: v for k, v in BUSINESS_HOURS["traffic"].items() if k != "hourly_profile"}}
    plain = _entry(decide(parse_workload(flat), ruleset, advice=False), "ecs-fargate").sizing
    assert plain is not None
    assert plain.kind == "fargate"
    assert plain.scheduled_min_copies is None


MIXED_SERVICE = (
    SERVICE
    + """      CapacityProviderStrategy:
        - {CapacityProvider: FARGATE_SPOT, Weight: 3}
        - {CapacityProvider: FARGATE, Weight: 1, Base: 1}
"""
)

MIXED_TERRAFORM = """provider "aws" {
  region = "us-east-2"
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  memory                   = "1024"
  container_definitions    = jsonencode([{ name = "worker", image = "worker:3" }])
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 2
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 3
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = 1
  }
}
"""


@pytest.mark.parametrize(
    ("name", "text", "workload"),
    [("stack.yaml", MIXED_SERVICE, "WorkerService"), ("main.tf", MIXED_TERRAFORM, "aws_ecs_service.worker")],
)
def test_a_strategy_of_fargate_and_spot_costs_its_mix_now(
    tmp_path: Path, ruleset: Ruleset, name: str, text: str, workload: str
) -> None:
    """F4: a base of 1 on FARGATE, then 1:3 by weight, was priced all at Fargate Spot's rates ($30.86, 47% low). ECS
    places the base first, then the rest by weight: with 5.708 tasks on average, 1 + 4.708 / 4 = 2.177 run on demand
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html)."""
    root = _write(tmp_path, {name: text})
    discovery = find_workloads([str(root)])
    usage = {
        "traffic": {"pattern": "event", "protocols": ["queue"], "requests_per_month": 3_000_000},
        "runtime": {"avg_duration_ms": 2500, "max_duration_s": 30, "long_running": True},
        "preferences": {"region": "us-east-2"},
    }
    apply_usage(discovery.workloads, {workload: usage}, "usage.yaml")
    [item] = review_imported(discovery.workloads, ruleset).workloads
    fargate = _entry(item.decision, "ecs-fargate")
    assert fargate.sizing is not None
    assert fargate.sizing.kind == "fargate"
    bills = {option.mode: option.monthly_usd for option in fargate.sizing.modes if option.monthly_usd is not None}
    now = item.monthly_cost_now_usd
    assert now is not None
    tasks = fargate.sizing.task_hours_per_month / 730
    share = (1 + (tasks - 1) / 4) / tasks
    assert now == pytest.approx(bills["spot"] + share * (bills["on-demand"] - bills["spot"]), abs=0.01)
    assert now > bills["spot"]
    assert "base 1 on FARGATE, then FARGATE:FARGATE_SPOT 1:3 by weight" in item.why
