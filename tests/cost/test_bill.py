"""Monthly bills: AWS's published examples, hand-computed bills for every target, and what the bill may never do.

Prices are the shipped us-east-1 book (rules/pricing/us-east-1.yaml); every expected figure is worked out in the
test from those prices, so a changed price fails here with the arithmetic beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider import decide, load_ruleset, parse_workload
from decider.cli import main
from decider.cost.bill import Plan, plan_targets, round_usd
from decider.decision import MonthlyCost
from decider.facts import derive
from decider.rules.model import Ruleset

REPO = Path(__file__).resolve().parents[2]
HOURS = 730


def plan_for(ruleset: Ruleset, target: str, **sections: Any) -> Plan:
    workload = parse_workload(sections).workload
    assert ruleset.cost_model is not None
    plans = plan_targets(
        [ruleset.target(target)], workload, derive(workload), ruleset.pricing["us-east-1"], ruleset.cost_model
    )
    return plans[target]


def bill_for(ruleset: Ruleset, target: str, **sections: Any) -> MonthlyCost:
    plan = plan_for(ruleset, target, **sections)
    return plan.bill(parse_workload(sections).workload.requests_per_month)


def lines(bill: MonthlyCost) -> dict[str, float]:
    return {line.item: line.usd for line in bill.lines}


def recommend_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["recommend", str(path), "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def entry(decision: dict[str, Any], target: str) -> dict[str, Any]:
    ranking: list[dict[str, Any]] = decision["ranking"]
    for item in ranking:
        if item["target"] == target:
            return item
    raise AssertionError(f"{target} not ranked")


# -- AWS's own examples ---------------------------------------------------------------------------------------

LAMBDA_EXAMPLE = {
    "name": "lambda-pricing-example-1",
    "runtime": {"memory_mb": 512, "avg_duration_ms": 1000, "max_duration_s": 1, "architecture": "x86_64"},
    "traffic": {"pattern": "event", "requests_per_month": 3_000_000, "protocols": ["queue"]},
    "preferences": {"free_tier": True},
}


#: The shipped price override with the GB-second rate the Lambda pricing page's examples state ($0.00001667).
PAGE_RATES = REPO / "examples" / "pricing" / "aws-pricing-page"


def test_lambda_pricing_page_example_1_to_the_cent_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # aws.amazon.com/lambda/pricing Example 1: 512 MB, 3M × 1 s, free tier, at the page's $0.00001667 per GB-s.
    # compute: (3,000,000 × 1 s × 0.5 GB − 400,000) × $0.00001667 = 1,100,000 × 0.00001667 = $18.337 → $18.34
    # requests: (3M − 1M free) × $0.20 per million = $0.40; total $18.737 → $18.74
    path = REPO / "examples" / "lambda-pricing-page-example-1.yaml"
    assert main(["recommend", str(path), "--rules", str(PAGE_RATES), "--format", "json"]) == 0
    bill = entry(json.loads(capsys.readouterr().out), "lambda")["monthly_cost"]
    by_item = {line["item"]: line for line in bill["lines"]}
    compute = by_item["Lambda duration (512 MB, x86_64) after 400,000 GB-s free, tier 1"]
    assert compute["quantity"] == 1_100_000
    assert round(compute["usd"], 2) == 18.34
    assert by_item["Lambda requests after 1M free"]["usd"] == 0.40
    assert bill["total_usd"] == 18.74


def test_lambda_example_1_with_the_current_price_list_price(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The shipped book has the Price List's $0.0000166667 (the page's example rounds it to $0.00001667):
    # 1,100,000 × 0.0000166667 = $18.33337 → line $18.3334; total 18.33337 + 0.40 = $18.73
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(LAMBDA_EXAMPLE), encoding="utf-8")
    decision = recommend_json(path, capsys)
    bill = entry(decision, "lambda")["monthly_cost"]
    assert [line["usd"] for line in bill["lines"]] == [0.40, 18.3334]
    assert bill["total_usd"] == 18.73
    pricing = decision["pricing"]
    assert (pricing["region"], pricing["as_of"], pricing["currency"]) == ("us-east-1", "2026-11-27", "USD")
    assert pricing["digest"].startswith("sha256:")


def test_lambda_pricing_page_example_2() -> None:
    # Example 2: 128 MB, 30M × 200 ms, free tier. compute: 30M × 0.2 s × 0.125 GB = 750,000 GB-s − 400,000 free
    # = 350,000 × $0.00001667 = $5.8345 → $5.83; requests: 29M × $0.20 = $5.80; total $11.63
    ruleset = load_ruleset([PAGE_RATES])
    bill = bill_for(
        ruleset,
        "lambda",
        runtime={"memory_mb": 128, "avg_duration_ms": 200, "architecture": "x86_64"},
        traffic={"pattern": "event", "requests_per_month": 30_000_000, "protocols": ["queue"]},
        preferences={"free_tier": True},
    )
    assert [round(line.usd, 2) for line in bill.lines] == [5.80, 5.83]
    assert bill.total_usd == 11.63


def test_fargate_batch_bill_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 30 runs × (10 min + the 1 s start assumed) of 1 vCPU / 2 GB Linux/x86: 30 × 601 s / 3600 = 5.008333 task-hours
    # × (1 × $0.04048 + 2 × $0.004445 = $0.04937 a task-hour) = $0.247261 → $0.2473
    path = tmp_path / "batch.yaml"
    workload = {
        "name": "nightly-batch",
        "runtime": {"memory_mb": 2048, "vcpu": 1, "avg_duration_ms": 600_000, "architecture": "x86_64"},
        "traffic": {"pattern": "batch", "requests_per_month": 30},
    }
    path.write_text(yaml.safe_dump(workload), encoding="utf-8")
    fargate = entry(recommend_json(path, capsys), "ecs-fargate")
    (line,) = fargate["monthly_cost"]["lines"]
    assert (line["quantity"], line["unit"], line["unit_price_usd"], line["usd"]) == (
        5.008333,
        "task-hour",
        0.04937,
        0.2473,
    )
    assert fargate["sizing"]["task_vcpu"] == 1
    assert fargate["sizing"]["task_memory_gb"] == 2
    assert fargate["sizing"]["scaling"] == "per-run"


# -- hand-computed bills, one per case, arithmetic beside each ------------------------------------------------

STEADY_QUEUE_SERVICE = {"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["queue"]}


def test_bill_lambda_arm_without_free_tier(ruleset: Ruleset) -> None:
    # 128 MB on arm64 (architecture any → the cheaper arm64), 30M × 200 ms, no free tier:
    # 30M × 0.2 × 0.125 = 750,000 GB-s × $0.0000133334 = $10.00005 → $10.0001; requests 30 × $0.20 = $6.00
    bill = bill_for(
        ruleset,
        "lambda",
        runtime={"memory_mb": 128, "avg_duration_ms": 200},
        traffic={"pattern": "event", "requests_per_month": 30_000_000, "protocols": ["queue"]},
    )
    assert lines(bill) == {"Lambda requests": 6.0, "Lambda duration (128 MB, arm64), tier 1": 10.0001}
    assert bill.total_usd == 16.00


def test_bill_lambda_behind_api_gateway(ruleset: Ruleset) -> None:
    # 1,024 MB arm64, 10M × 100 ms over HTTP: requests 10 × $0.20 = $2.00;
    # duration 10M × 0.1 s × 1 GB = 1,000,000 GB-s × $0.0000133334 = $13.3334;
    # HTTP API 10M (bodies ≤ 512 KB: one metering unit each) × $1.00 per million = $10.00; total $25.33
    bill = bill_for(
        ruleset,
        "lambda",
        runtime={"memory_mb": 1024, "avg_duration_ms": 100},
        traffic={"pattern": "spiky", "requests_per_month": 10_000_000, "protocols": ["http"], "payload_mb": 0.1},
    )
    assert lines(bill) == {
        "Lambda requests": 2.0,
        "Lambda duration (1024 MB, arm64), tier 1": 13.3334,
        "API Gateway HTTP API requests, tier 1": 10.0,
    }
    assert bill.total_usd == 25.33


def test_bill_lambda_ephemeral_storage_rounds_half_up(ruleset: Ruleset) -> None:
    # 512 MB x86, 2 GB of /tmp, 1M × 1 s: duration 500,000 GB-s × $0.0000166667 = $8.33335 → $8.3334;
    # storage (2,048 − 512) MB = 1.5 GB × 1M s = 1,500,000 GB-s × $0.0000000309 = $0.04635 → $0.0464;
    # requests $0.20; total 8.5797 → $8.58
    bill = bill_for(
        ruleset,
        "lambda",
        runtime={"memory_mb": 512, "avg_duration_ms": 1000, "ephemeral_storage_gb": 2, "architecture": "x86_64"},
        traffic={"pattern": "event", "requests_per_month": 1_000_000, "protocols": ["queue"]},
    )
    assert lines(bill) == {
        "Lambda requests": 0.2,
        "Lambda duration (512 MB, x86_64), tier 1": 8.3334,
        "Lambda ephemeral storage (2048 MB)": 0.0464,
    }
    assert bill.total_usd == 8.58


def test_bill_lambda_duration_tier_two(ruleset: Ruleset) -> None:
    # 10,240 MB x86, 800M × 1 s: 8,000,000,000 GB-s; tier 1: 6B × $0.0000166667 = $100,000.20;
    # tier 2: 2B × $0.000015 = $30,000; requests 800 × $0.20 = $160; total $130,160.20
    bill = bill_for(
        ruleset,
        "lambda",
        runtime={"memory_mb": 10240, "avg_duration_ms": 1000, "architecture": "x86_64"},
        traffic={"pattern": "event", "requests_per_month": 800_000_000, "protocols": ["queue"]},
    )
    assert lines(bill) == {
        "Lambda requests": 160.0,
        "Lambda duration (10240 MB, x86_64), tier 1": 100000.2,
        "Lambda duration (10240 MB, x86_64), tier 2": 30000.0,
    }
    assert bill.total_usd == 130160.20


def test_bill_fargate_always_on_web_service(ruleset: Ruleset) -> None:
    # Steady HTTP, 1 vCPU / 2 GB x86, 1M requests of 100 ms: two copies always on = 2 × 730 = 1,460 task-hours
    # × $0.04937 = $72.0802; ALB 730 h × $0.0225 = $16.425;
    # LCUs: bytes 1M × 0.1 MB × 0.1 / 1024 = 9.7656 GB, 1 GB an hour a unit: 9.7656 LCU-h (new connections, one for
    # every 5 requests: 1M / 5 / 2,628,000 s / 25 per LCU × 730 h = 2.2222 LCU-h, less) × $0.008 = $0.0781;
    # total 72.0802 + 16.425 + 0.0781 = $88.58
    bill = bill_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 2048, "vcpu": 1, "avg_duration_ms": 100, "architecture": "x86_64"},
        traffic={"pattern": "steady", "requests_per_month": 1_000_000, "protocols": ["http"], "payload_mb": 0.1},
    )
    assert lines(bill) == {
        "Fargate tasks (1 vCPU, 2 GB, Linux/x86)": 72.0802,
        "Application Load Balancer hours": 16.425,
        "Application Load Balancer capacity units": 0.0781,
    }
    assert bill.total_usd == 88.58


def test_bill_fargate_windows_with_licence(ruleset: Ruleset) -> None:
    # Windows 1 vCPU / 2 GB long-running consumer: 1,460 task-hours × (0.046552 + 2 × 0.00511175 = $0.0567755)
    # = $82.8922; licence 1,460 × 1 vCPU × $0.046 = $67.16; total $150.05
    bill = bill_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 2048, "vcpu": 1, "os": "windows", "long_running": True},
        traffic=STEADY_QUEUE_SERVICE,
    )
    assert lines(bill) == {
        "Fargate tasks (1 vCPU, 2 GB, Windows/x86)": 82.8922,
        "Fargate Windows OS licence": 67.16,
    }
    assert bill.total_usd == 150.05


def test_bill_fargate_spot_queue_consumer(ruleset: Ruleset) -> None:
    # 0.5 vCPU / 1 GB x86 consumer, spot_ok: 1,460 task-hours × (0.5 × 0.04048 + 1 × 0.004445 = $0.024685)
    # × (1 − 0.70 Spot) = 1,460 × $0.0074055 = $10.81203 → $10.8120
    plan = plan_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 1024, "vcpu": 0.5, "long_running": True, "architecture": "x86_64"},
        traffic=STEADY_QUEUE_SERVICE,
        preferences={"spot_ok": True},
    )
    bill = plan.bill(1_000_000)
    assert lines(bill) == {"Fargate tasks (0.5 vCPU, 1 GB, Linux/x86, Fargate Spot)": 10.8120}
    assert plan.sizing.kind == "fargate"
    assert plan.sizing.capacity_provider == "FARGATE_SPOT"


def test_bill_fargate_extra_ephemeral_storage(ruleset: Ruleset) -> None:
    # 100 runs × (30 min + the 1 s start assumed) of 0.25 vCPU / 0.5 GB x86 with 50 GB scratch: 100 × 1,801 s =
    # 50.02778 task-hours × $0.0123425 = $0.617468 → $0.6175; storage: 50 GB scratch and the 100 MB image twice
    # (pulled and unpacked) = 50.195 GB, set in whole GiB: 51, (51 − 20 included) × 50.02778 h = 1,550.86 GB-h
    # × $0.000111 = $0.172146 → $0.1721; total 0.789614 → $0.79
    bill = bill_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 512, "avg_duration_ms": 1_800_000, "ephemeral_storage_gb": 50, "architecture": "x86_64"},
        traffic={"pattern": "batch", "requests_per_month": 100},
    )
    assert lines(bill) == {
        "Fargate tasks (0.25 vCPU, 0.5 GB, Linux/x86)": 0.6175,
        "Fargate ephemeral storage above 20 GB (31 GB a task)": 0.1721,
    }
    assert bill.total_usd == 0.79


ALWAYS_ON_2X4 = {"memory_mb": 4096, "vcpu": 2, "long_running": True, "architecture": "x86_64"}


def test_bill_ecs_on_ec2_two_instances(ruleset: Ruleset) -> None:
    # A 2 vCPU / 4 GB x86 copy fits m6i.large (2 vCPU, 8 GiB − 512 MB reserved) once; c6i.large's 4 GiB minus the
    # reserve is too small. Always on: 2 instances × 730 h = 1,460 h × $0.096 = $140.16; each node's 30 GB gp3 root
    # volume: 1,460 h / 730 × 30 GB = 60 GB-month × $0.08 = $4.80
    plan = plan_for(ruleset, "ecs-ec2", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE)
    assert lines(plan.bill(1_000_000)) == {
        "ECS container instances: m6i.large (1 copy each)": 140.16,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert plan.sizing.kind == "instances"
    assert (plan.sizing.instance_type, plan.sizing.min_instances) == ("m6i.large", 2)


@pytest.mark.parametrize("target", ["ecs-ec2", "ecs-managed-instances", "eks"])
def test_scratch_disk_beyond_what_the_root_volume_holds_enlarges_each_node_volume(
    ruleset: Ruleset, target: str
) -> None:
    # As above (one copy a node, two nodes always on) with 180 GB of scratch disk a copy: each node's gp3 volume is
    # the 30 GB root plus the 160 GB beyond the 20 GB the root holds for its copies (the 100 MB image, pulled and
    # unpacked, fits in the 10 GB it keeps for the AMI and images): 1,460 h / 730 × 190 GB = 380 GB-month × $0.08 =
    # $30.40. Fargate bills the same disk (storage above 20 GB), so the EC2 bills no longer leave it out.
    runtime = {**ALWAYS_ON_2X4, "ephemeral_storage_gb": 180}
    plan = plan_for(ruleset, target, runtime=runtime, traffic=STEADY_QUEUE_SERVICE)
    assert plan.sizing.kind == "instances"
    volumes = {name: usd for name, usd in lines(plan.bill(1_000_000)).items() if name.startswith("EBS")}
    assert volumes == {
        "EBS root volumes (30 GB root + 160 GB for the copies' scratch disk and image, gp3, a node)": 30.4
    }
    small = plan_for(
        ruleset, target, runtime={**ALWAYS_ON_2X4, "ephemeral_storage_gb": 20}, traffic=STEADY_QUEUE_SERVICE
    )
    assert {name for name in lines(small.bill(1_000_000)) if name.startswith("EBS")} == {
        "EBS root volumes (30 GB gp3 a node)"
    }
    # A 14 GB image, pulled and unpacked (28 GB), takes the 10 GB the root keeps for images and 18 GB more
    large_image = plan_for(
        ruleset,
        target,
        runtime={**ALWAYS_ON_2X4, "ephemeral_storage_gb": 20, "artifact_mb": 14 * 1024},
        traffic=STEADY_QUEUE_SERVICE,
    )
    assert {name for name in lines(large_image.bill(1_000_000)) if name.startswith("EBS")} == {
        "EBS root volumes (30 GB root + 18 GB for the copies' scratch disk and image, gp3, a node)"
    }


def test_bill_managed_instances_fee(ruleset: Ruleset) -> None:
    # As above plus the management fee, 12% of on-demand: 1,460 h × $0.01152 = $16.8192; root volumes $4.80;
    # total $161.78
    bill = bill_for(ruleset, "ecs-managed-instances", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE)
    assert lines(bill) == {
        "Managed Instances: m6i.large (1 copy each)": 140.16,
        "Managed Instances fee (m6i.large)": 16.8192,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 161.78


def test_bill_managed_instances_published_fee_for_c6a_2xlarge(ruleset: Ruleset) -> None:
    # Named c6a.2xlarge (AWS's fee example, $0.037/h), 3 copies each (16 GiB − 512 MB reserve holds three 4 GB copies);
    # always on: 2 × 730 h = 1,460 h × $0.306 = $446.76, fee 1,460 h × $0.037 = $54.02, root volumes $4.80;
    # total $505.58
    bill = bill_for(
        ruleset,
        "ecs-managed-instances",
        runtime=ALWAYS_ON_2X4,
        traffic=STEADY_QUEUE_SERVICE,
        control={"instance_types": ["c6a.2xlarge"]},
    )
    assert lines(bill) == {
        "Managed Instances: c6a.2xlarge (3 copies each)": 446.76,
        "Managed Instances fee (c6a.2xlarge)": 54.02,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 505.58


def test_bill_eks_control_plane_and_nodes(ruleset: Ruleset) -> None:
    # ECS on EC2 puts a 2 vCPU copy on an m6i.large (2 vCPU); an EKS node keeps 0.07 vCPU for the kubelet and 0.125
    # for aws-node and kube-proxy, leaving 1.805 for pods, so the pod needs a 4 vCPU type: two c6i.xlarge × 730 h ×
    # $0.17 = $248.20, root volumes $4.80, plus the control plane 730 cluster-hours × $0.10 = $73.00; total $326.00
    assert (
        lines(bill_for(ruleset, "ecs-ec2", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE))[
            "ECS container instances: m6i.large (1 copy each)"
        ]
        == 140.16
    )
    bill = bill_for(ruleset, "eks", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE)
    assert lines(bill) == {
        "EKS nodes: c6i.xlarge (1 copy each)": 248.2,
        "EKS control plane (standard support)": 73.0,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 326.0


def test_bill_ec2_three_year_savings_plan(ruleset: Ruleset) -> None:
    # 3-year no-upfront Compute Savings Plan on EC2, 52.8% off: 1,460 h × $0.096 × 0.472 = $66.15552; root volumes
    # (not discounted) $4.80; total $70.96
    bill = bill_for(
        ruleset, "ecs-ec2", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE, preferences={"commitment": "3yr"}
    )
    assert lines(bill) == {
        "ECS container instances: m6i.large (1 copy each, Compute Savings Plan 3yr)": 66.1555,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 70.96


def test_bill_gpu_copies_go_to_the_cheapest_gpu_type(ruleset: Ruleset) -> None:
    # 4 vCPU / 8 GB / 1 GPU, always on: g4dn.xlarge ($0.526) is the cheapest type holding it (g6.xlarge $0.8048,
    # g5.xlarge $1.006): 2 × 730 h × $0.526 = $767.96; root volumes $4.80
    plan = plan_for(
        ruleset,
        "ecs-ec2",
        runtime={"memory_mb": 8192, "vcpu": 4, "gpu": 1, "long_running": True},
        traffic=STEADY_QUEUE_SERVICE,
    )
    assert lines(plan.bill(1_000_000)) == {
        "ECS container instances: g4dn.xlarge (1 copy each)": 767.96,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }


def test_bill_eks_tcp_service_behind_a_network_load_balancer(ruleset: Ruleset) -> None:
    # Steady TCP, 0.5 vCPU / 1 GB, 10M × 50 ms: one copy fits a c7g.medium (1 vCPU, 2 GiB) and always-on keeps 2
    # instances: 1,460 h × $0.03625 = $52.925; control plane $73.00; NLB 730 h × $0.0225 = $16.425;
    # NLCUs by bytes: 10M × 0.1 MB × 0.1 / 1024 = 97.65625 GB-h × $0.006 = $0.5859; root volumes $4.80;
    # total $147.74
    bill = bill_for(
        ruleset,
        "eks",
        runtime={"memory_mb": 1024, "vcpu": 0.5, "avg_duration_ms": 50},
        traffic={"pattern": "steady", "requests_per_month": 10_000_000, "protocols": ["tcp"], "payload_mb": 0.1},
    )
    assert lines(bill) == {
        "EKS nodes: c7g.medium (1 copy each)": 52.925,
        "EKS control plane (standard support)": 73.0,
        "Network Load Balancer hours": 16.425,
        "Network Load Balancer capacity units": 0.5859,
        "EBS root volumes (30 GB gp3 a node)": 4.8,
    }
    assert bill.total_usd == 147.74


def test_bill_fargate_copies_follow_littles_law_above_the_floor(ruleset: Ruleset) -> None:
    # Steady queue consumer, 0.25 vCPU / 0.5 GB arm64, 263M × 200 ms: in flight on average
    # 263,000,000 / 2,628,000 s × 0.2 s = 20.015 → ÷ (1 × 0.5, a queue worker's utilisation: it scales out after a
    # lag) = 40.03 copies × 730 h = 29,222 task-hours = 263M × 0.2 / (3600 × 0.5); × $0.009875 = $288.57. It keeps
    # one warm copy polling the queue.
    plan = plan_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 512, "avg_duration_ms": 200},
        traffic={"pattern": "steady", "requests_per_month": 263_000_000, "protocols": ["queue"]},
    )
    assert ruleset.cost_model is not None
    assert ruleset.cost_model.queue_worker_utilisation == 0.5
    task_hours = 263_000_000 * 0.2 / (3600 * 0.5)
    assert plan.bill(263_000_000).lines[0].quantity == pytest.approx(task_hours, abs=1e-6)
    assert plan.bill(263_000_000).total_usd == round_usd(task_hours * 0.009875, 2) == 288.57
    assert plan.sizing.kind == "fargate"
    assert (plan.sizing.min_copies, plan.sizing.desired_copies) == (1, 41)


# -- options apply only where they should ---------------------------------------------------------------------


def test_free_tier_only_when_asked(ruleset: Ruleset) -> None:
    sections: dict[str, Any] = {
        "runtime": {"memory_mb": 512, "avg_duration_ms": 100},
        "traffic": {"pattern": "event", "requests_per_month": 500_000, "protocols": ["queue"]},
    }
    # without: 500,000 × $0.20/M = $0.10 requests + 25,000 GB-s × $0.0000133334 = $0.3333; with: all free
    assert bill_for(ruleset, "lambda", **sections).total_usd == 0.43
    assert bill_for(ruleset, "lambda", **sections, preferences={"free_tier": True}).total_usd == 0.0


def test_no_fargate_spot_for_windows(ruleset: Ruleset) -> None:
    plan = plan_for(
        ruleset,
        "ecs-fargate",
        runtime={"memory_mb": 2048, "vcpu": 1, "os": "windows", "long_running": True},
        traffic=STEADY_QUEUE_SERVICE,
        preferences={"spot_ok": True},
    )
    assert plan.sizing.kind == "fargate"
    assert plan.sizing.capacity_provider == "FARGATE"
    assert "Spot" not in plan.bill(1_000_000).lines[0].item


def test_savings_plan_never_discounts_the_managed_instances_fee(ruleset: Ruleset) -> None:
    on_demand = bill_for(ruleset, "ecs-managed-instances", runtime=ALWAYS_ON_2X4, traffic=STEADY_QUEUE_SERVICE)
    committed = bill_for(
        ruleset,
        "ecs-managed-instances",
        runtime=ALWAYS_ON_2X4,
        traffic=STEADY_QUEUE_SERVICE,
        preferences={"commitment": "1yr"},
    )
    assert (
        lines(on_demand)["Managed Instances fee (m6i.large)"] == lines(committed)["Managed Instances fee (m6i.large)"]
    )
    assert committed.total_usd < on_demand.total_usd


def test_round_usd_is_half_up_without_binary_noise() -> None:
    assert round_usd(5 * 0.04937, 4) == 0.2469  # 0.24685 in binary is 0.246849999…
    assert round_usd(0.125, 2) == 0.13
    assert round_usd(2.675, 2) == 2.68


def test_every_ranked_target_has_sizing_and_an_itemised_bill(ruleset: Ruleset) -> None:
    for example in sorted((REPO / "examples").glob("*.yaml")):
        decision = decide(parse_workload(yaml.safe_load(example.read_text(encoding="utf-8"))), ruleset)
        assert decision.pricing is not None
        for ranked in decision.ranking:
            assert ranked.sizing is not None, (example.name, ranked.target)
            assert ranked.monthly_cost is not None, (example.name, ranked.target)
            assert ranked.monthly_cost.lines, (example.name, ranked.target)
            raw = sum(line.unit_price_usd * line.quantity for line in ranked.monthly_cost.lines)
            assert ranked.monthly_cost.total_usd == pytest.approx(raw, abs=0.01)


# -- properties -----------------------------------------------------------------------------------------------

workloads = st.fixed_dictionaries(
    {
        "runtime": st.fixed_dictionaries(
            {
                "memory_mb": st.integers(128, 16384),
                "avg_duration_ms": st.floats(1, 600_000),
                "architecture": st.sampled_from(["x86_64", "arm64", "any"]),
                "os": st.sampled_from(["linux", "windows"]),
                "long_running": st.booleans(),
                "concurrency_per_copy": st.integers(1, 50),
                "ephemeral_storage_gb": st.floats(0, 100),
            }
        ),
        "traffic": st.fixed_dictionaries(
            {
                "pattern": st.sampled_from(["steady", "diurnal", "spiky", "scheduled", "event", "batch"]),
                "protocols": st.lists(st.sampled_from(["http", "tcp", "queue", "schedule"]), min_size=1, max_size=2),
                "payload_mb": st.floats(0, 10),
            }
        ),
        "preferences": st.fixed_dictionaries(
            {
                "commitment": st.sampled_from(["none", "1yr", "3yr"]),
                "spot_ok": st.booleans(),
                "free_tier": st.booleans(),
            }
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=workloads, low=st.floats(0, 1e10), factor=st.floats(1, 100))
def test_cost_never_falls_as_traffic_rises(ruleset: Ruleset, raw: dict[str, Any], low: float, factor: float) -> None:
    workload = parse_workload(raw).workload
    assert ruleset.cost_model is not None
    book = ruleset.pricing["us-east-1"]
    plans = plan_targets(ruleset.targets, workload, derive(workload), book, ruleset.cost_model)
    assert {"lambda", "ecs-fargate"} <= set(plans)
    for plan in plans.values():
        assert plan.total(low * factor) >= plan.total(low) - 1e-9
        assert plan.bill(low * factor).total_usd >= plan.bill(low).total_usd


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=workloads, low=st.integers(1_000, 10**9), factor=st.floats(1, 50))
def test_fresh_sizing_never_makes_more_traffic_cheaper(
    ruleset: Ruleset, raw: dict[str, Any], low: int, factor: float
) -> None:
    def totals(requests: float) -> dict[str, float]:
        sections = {**raw, "traffic": {**raw["traffic"], "requests_per_month": requests}}
        workload = parse_workload(sections).workload
        assert ruleset.cost_model is not None
        book = ruleset.pricing["us-east-1"]
        plans = plan_targets(ruleset.targets, workload, derive(workload), book, ruleset.cost_model)
        return {target: plan.total(requests) for target, plan in plans.items()}

    before, after = totals(low), totals(low * factor)
    for target, total in before.items():
        assert after[target] >= total - 1e-6, target


@pytest.mark.parametrize(
    ("connections", "lcu_usd"),
    [
        # 6,000 connections held ÷ 3,000 a unit = 2 LCUs × 730 h = 1,460 LCU-h × $0.008 = $11.68 (bytes: 30M × 0.01
        # MB × 0.1 / 1024 = 29.3 GB a month, far less)
        (6000, 11.68),
        # 300 connections: 0.1 LCU × 730 h = 73 LCU-h = $0.584; bytes 29.3 GB-h = $0.2344, less
        (300, 0.584),
    ],
)
def test_bill_websocket_messages_open_no_load_balancer_connection(
    ruleset: Ruleset, connections: int, lcu_usd: float
) -> None:
    """WebSocket messages travel over connections held open: an ALB counts those as active connections (3,000 a
    capacity unit), not each message as a new connection (25 a second a unit). 30M messages a month billed as new
    connections would be 30M / 2,628,000 s / 25 × 730 h = 333.3 LCU-h ($2.67) whatever the connections."""
    bill = bill_for(
        ruleset,
        "ecs-fargate",
        runtime={
            "memory_mb": 2048,
            "vcpu": 1,
            "avg_duration_ms": 20,
            "long_running": True,
            "concurrency_per_copy": 500,
        },
        traffic={
            "pattern": "steady",
            "requests_per_month": 30_000_000,
            "protocols": ["websocket"],
            "payload_mb": 0.01,
            "connections": connections,
        },
    )
    assert lines(bill)["Application Load Balancer capacity units"] == lcu_usd


SYSTEM_NODE = "EKS Linux node for system pods (c7g.medium; Windows nodes cannot run CoreDNS)"


@pytest.mark.parametrize(("os", "platform"), [("windows", "none"), ("linux", "none"), ("windows", "eks")])
def test_eks_windows_nodes_bring_a_linux_node_for_system_pods(ruleset: Ruleset, os: str, platform: str) -> None:
    """An EKS cluster must have a Linux (or Fargate) node for CoreDNS and the other Linux-only system pods: a new
    cluster of Windows nodes pays for one, the cheapest general type with 2 GiB (c7g.medium, $0.03625 × 730 h =
    $26.4625) and its 30 GB root volume ($2.40); a Linux cluster runs them on its own nodes, and a cluster the team
    already runs has it (shown at $0). ECS needs no Linux instance for Windows tasks."""
    sections = {
        "runtime": {"memory_mb": 2048, "vcpu": 1, "os": os, "long_running": True},
        "traffic": STEADY_QUEUE_SERVICE,
        "team": {"current_platform": platform},
    }
    found = lines(bill_for(ruleset, "eks", **sections))
    if os == "linux":
        assert not any("system pods" in item for item in found)
    elif platform == "eks":
        assert found[f"{SYSTEM_NODE}: existing cluster's, already paid"] == 0.0
        assert "EBS root volume of the Linux node (30 GB gp3)" not in found
    else:
        assert found[SYSTEM_NODE] == 26.4625
        assert found["EBS root volume of the Linux node (30 GB gp3)"] == 2.4
    assert not any("system pods" in item for item in lines(bill_for(ruleset, "ecs-ec2", **sections)))


@pytest.mark.parametrize(
    ("runs", "hours"),
    [
        # Every 10 minutes, 2 minutes each: the instance never scales in between runs: up all month
        (4380, 730.0),
        # Nightly, 30 minutes each (and the 1 s start assumed): up for the run and 15 more minutes until the cluster
        # scales in, 30 × (1,801 s + 900 s) = 22.508333 h
        (30, 30 * 2701 / 3600),
    ],
)
def test_an_instance_started_for_a_job_stays_up_until_the_cluster_scales_in(
    ruleset: Ruleset, runs: int, hours: float
) -> None:
    """Runs of a job on EC2 start an instance that stays up after each run until the scale-in alarm has seen a run of
    low datapoints (15 minutes): a run starting meanwhile reuses it, so frequent short runs keep it up all month,
    not only while they run (which would bill 4,380 × 2 min = 146 h)."""
    duration_ms = 120_000 if runs > 30 else 1_800_000
    bill = bill_for(
        ruleset,
        "ecs-ec2",
        runtime={"memory_mb": 2048, "vcpu": 1, "avg_duration_ms": duration_ms, "max_duration_s": 3600},
        traffic={"pattern": "scheduled", "requests_per_month": runs, "protocols": ["schedule"]},
    )
    line = next(line for line in bill.lines if line.item.startswith("ECS container instances"))
    assert line.item.endswith(", runs and 15 min after each")
    assert line.quantity == pytest.approx(hours)
