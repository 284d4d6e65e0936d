"""An EKS node's memory for pods and the pods it runs, as the EKS AMI sets them (``kubelet_reserved_memory`` in
rules/pricing/model.yaml): the kubelet keeps 255 MiB + 11 MiB for each pod the type may run, and evicts below 100 MiB
free, beside the kernel's share; a node runs at most its max pods (from its network interfaces) less the two
DaemonSet pods. A 3,500 MB pod was priced on a c7g.large, which keeps 3,318 MiB for pods: it would stay Pending."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cost.instances import node_memory_mb
from decider.decision import InstanceSizing

STEADY = {"pattern": "steady", "requests_per_month": 5_000_000}


def sizing_of(ruleset: Ruleset, runtime: dict[str, Any], target: str) -> InstanceSizing:
    decision = decide(parse_workload({"runtime": runtime, "traffic": STEADY}), ruleset, advice=False)
    sizing = next(item.sizing for item in decision.ranking if item.target == target)
    assert isinstance(sizing, InstanceSizing)
    return sizing


def test_a_pod_larger_than_the_kubelet_leaves_goes_on_a_larger_node_than_an_ecs_task(ruleset: Ruleset) -> None:
    runtime = {"memory_mb": 3500, "vcpu": 1.5, "architecture": "arm64", "max_duration_s": 5}
    ecs, eks = sizing_of(ruleset, runtime, "ecs-ec2"), sizing_of(ruleset, runtime, "eks")
    assert ecs.instance_type == "c7g.large"  # ECS places it: 4,096 MiB less the 512 MB reserve
    assert eks.instance_type != "c7g.large"
    assert eks.instance_memory_gib * 1024 - 104 - (255 + 11 * 58) - 100 >= 3500  # the next node holds it


def test_the_memory_an_eks_node_keeps_for_pods_follows_the_amis_formula(ruleset: Ruleset) -> None:
    model = ruleset.cost_model
    assert model is not None
    book = ruleset.pricing["us-east-1"]
    by_type = {instance.type: instance for instance in book.ec2.instances}
    # c7g.large: 4 GiB, 3 ENIs of 10 addresses, 29 pods
    assert node_memory_mb(by_type["c7g.large"], model, kubernetes=True) == pytest.approx(
        4096 - 4096 * 0.0253 - (255 + 11 * 29) - 100
    )
    # the same node under ECS keeps the 512 MB reserve alone
    assert node_memory_mb(by_type["c7g.large"], model) == 4096 - 512
    # m7i.16xlarge: 256 GiB, 737 pods, so the kubelet keeps 8,462 MiB
    assert node_memory_mb(by_type["m7i.16xlarge"], model, kubernetes=True) == pytest.approx(
        262_144 - 262_144 * 0.0253 - 8462
    )


def test_a_node_runs_no_more_copies_than_its_max_pods_less_the_daemonsets(ruleset: Ruleset) -> None:
    """A 128 MB pod asking for a twentieth of a vCPU: 14 fit a c7g.medium's memory and 19 its vCPU, but the node may
    run 8 pods, two of them aws-node and kube-proxy."""
    runtime = {
        "memory_mb": 128,
        "vcpu": 0.05,
        "architecture": "arm64",
        "max_duration_s": 5,
        "min_copies": 6,
    }
    decision = decide(
        parse_workload({"runtime": runtime, "traffic": STEADY, "control": {"instance_types": ["c7g.medium"]}}),
        ruleset,
        advice=False,
    )
    sizing = {item.target: item.sizing for item in decision.ranking}
    eks, ecs = sizing["eks"], sizing["ecs-ec2"]
    assert isinstance(eks, InstanceSizing)
    assert isinstance(ecs, InstanceSizing)
    assert eks.instance_type == ecs.instance_type == "c7g.medium"
    assert eks.copies_per_instance == 6
    assert ecs.copies_per_instance > 6  # ECS counts no pods


def test_every_shipped_catalogue_type_has_its_max_pods(ruleset: Ruleset) -> None:
    """A type missing from the table would be taken to run Kubernetes' default 110 pods, which no EC2 type's network
    interfaces match exactly: every type the shipped books list has its own figure."""
    model = ruleset.cost_model
    assert model is not None
    assert model.kubelet_reserved_memory is not None
    listed = model.kubelet_reserved_memory.max_pods
    missing = sorted(
        {instance.type for book in ruleset.pricing.values() for instance in book.ec2.instances} - set(listed)
    )
    assert missing == []
    assert listed["c7g.medium"] == 8
    assert listed["m6i.large"] == 29
    assert listed["p5.48xlarge"] == 100
