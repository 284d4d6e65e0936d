"""Architect audit, round 29: a node's root volume holds a large image apart from its copies' scratch (F1), cost
crossings said only where the bills stay apart (F2, tests/cost/test_resized_crossings.py), the load balancer's idle
timeout for a long-running listener's streams (F3), and a Lambda package past what a .zip holds (F4)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.volumes import image_room_gb, node_volume_gb
from decider.decision import LambdaSizing, RankedTarget
from decider.render.decision import to_markdown, to_table


def ranked(decision: Decision) -> dict[str, RankedTarget]:
    return {entry.target: entry for entry in decision.ranking}


def service(**runtime: Any) -> dict[str, Any]:
    return {
        "name": "big-image-service",
        "runtime": {"max_duration_s": 2, "avg_duration_ms": 100, "memory_mb": 1024, **runtime},
        "traffic": {"pattern": "steady", "requests_per_month": 5_000_000},
    }


@pytest.mark.parametrize(
    ("scratch_gb", "image_gb", "volume_gb"),
    [
        (0.0, 31.25, 52),  # a 16 GB image: 21.25 GB past the 10 GB kept for the AMI and images, scratch room unused
        (20.0, 10.0, 30),  # each within its room: the AMI's 30 GB
        (25.0, 15.0, 40),  # 5 GB past each room
        (30.0, 0.0, 40),  # scratch alone past its room
    ],
)
def test_a_node_volume_grows_by_scratch_and_image_each_past_its_own_room(
    ruleset: Ruleset, scratch_gb: float, image_gb: float, volume_gb: int
) -> None:
    model = ruleset.cost_model
    assert model is not None
    assert (model.root_volume_gb, image_room_gb(model)) == (30, 10)
    assert node_volume_gb(model, scratch_gb, image_gb) == volume_gb


@pytest.mark.parametrize("target", ["ecs-ec2", "ecs-managed-instances"])
def test_a_sixteen_gb_image_gets_a_node_volume_it_fits_in_with_the_ami(ruleset: Ruleset, target: str) -> None:
    """Pulled and unpacked a 16 GB image takes 31.25 GB: the nodes' volume is 52 GB (30 + 21.25 rounded up), not 32
    (the image in the copies' scratch room and the AMI's)."""
    decision = decide(parse_workload(service(artifact_mb=16_000)), ruleset, advice=False)
    entry = ranked(decision)[target]
    assert entry.monthly_cost is not None
    volumes = [line.item for line in entry.monthly_cost.lines if line.item.startswith("EBS root volumes")]
    assert volumes, [line.item for line in entry.monthly_cost.lines]
    assert all("30 GB root + 22 GB" in item for item in volumes), volumes


def test_a_small_image_leaves_the_node_volume_as_the_ami_has_it(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(service(artifact_mb=4_000)), ruleset, advice=False)  # 7.8 GB on disk
    entry = ranked(decision)["ecs-ec2"]
    assert entry.monthly_cost is not None
    assert any(line.item == "EBS root volumes (30 GB gp3 a node)" for line in entry.monthly_cost.lines)


def grpc_streams(*, long_running: bool) -> dict[str, Any]:
    return {
        "name": "grpc-streams",
        "runtime": {
            "max_duration_s": 3600,
            "avg_duration_ms": 600_000,
            "memory_mb": 1024,
            "long_running": long_running,
            "concurrency_per_copy": 500,
        },
        "traffic": {"pattern": "steady", "requests_per_month": 100_000, "protocols": ["grpc"]},
    }


@pytest.mark.parametrize("long_running", [True, False])
def test_a_long_running_listeners_hour_long_streams_are_told_the_idle_timeout_to_set(
    ruleset: Ruleset, long_running: bool
) -> None:
    """A stream behind an Application Load Balancer is cut after 60 s without data whether or not the server is
    marked long-running (a listener is what long_running means)."""
    decision = decide(parse_workload(grpc_streams(long_running=long_running)), ruleset, advice=False)
    assert decision.recommendation != "lambda"
    said = [warning for warning in decision.warnings if "idle timeout" in warning]
    assert len(said) == 1, decision.warnings
    assert "to 4,000 s" in said[0]


def lambda_sizing(decision: Decision) -> LambdaSizing:
    sizing = ranked(decision)["lambda"].sizing
    assert isinstance(sizing, LambdaSizing)
    return sizing


@pytest.mark.parametrize(("artifact_mb", "package"), [(900, "image"), (251, "image"), (250, "zip"), (100, "zip")])
def test_lambda_ships_as_a_container_image_past_what_a_zip_holds(
    ruleset: Ruleset, artifact_mb: float, package: str
) -> None:
    workload = {
        "name": "pdf-render",
        "runtime": {"max_duration_s": 20, "avg_duration_ms": 2000, "memory_mb": 2048, "artifact_mb": artifact_mb},
        "traffic": {"pattern": "spiky", "requests_per_month": 100_000},
    }
    decision = decide(parse_workload(workload), ruleset, advice=False)
    assert decision.recommendation == "lambda"
    assert lambda_sizing(decision).package_type == package
    for text in (to_table(decision), to_markdown(decision)):
        assert ("shipped as a container image" in text) == (package == "image")
