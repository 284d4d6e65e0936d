"""ECS task definitions read on their own: a register-task-definition file reads as the same task in a template does
(a job started on demand when nothing runs it and it maps no port), a port's protocol says how requests arrive but
not their shape, and describe-task-definition output reads as the task definition it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decider.review import review_imported
from decider.rules.loader import load_ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads
from decider.sources.ecs import fargate_size_problem
from decider.sources.strategy import MixedMode

TASK = {"family": "c", "cpu": "1024", "memory": "2048", "requiresCompatibilities": ["FARGATE"]}
TEMPLATE = (
    "Resources:\n  C:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Cpu: '1024'\n      Memory: '2048'\n"
    "      RequiresCompatibilities: [FARGATE]\n      ContainerDefinitions: [{{Name: c, Image: c{ports}}}]\n"
)


def by_name(*paths: Path) -> dict[str, ImportedWorkload]:
    return {item.name: item for item in find_workloads([str(path) for path in paths]).workloads}


def test_a_task_definition_file_with_no_port_is_a_job_as_in_a_template(tmp_path: Path) -> None:
    """No service and no port in the file: each RunTask is a run of a job, priced per run, as the same task in a
    CloudFormation template is, not two always-on copies behind a load balancer."""
    (tmp_path / "c.json").write_text(json.dumps({**TASK, "containerDefinitions": [{"name": "c", "image": "c"}]}))
    (tmp_path / "t.yaml").write_text(TEMPLATE.format(ports=""), encoding="utf-8")
    found = by_name(tmp_path / "c.json", tmp_path / "t.yaml")
    job, template = found["c"], found["C"]
    assert job.raw["traffic"] == template.raw["traffic"] == {"pattern": "batch", "protocols": ["schedule"]}
    assert any("read as a job started on demand (RunTask)" in note for note in job.assumptions)
    usage = {"traffic": {"requests_per_month": 1000}, "runtime": {"max_duration_s": 300, "avg_duration_ms": 60_000}}
    apply_usage([job, template], {"c": usage, "C": usage}, "usage.yaml")
    reviewed = review_imported([job, template], load_ruleset()).workloads
    assert reviewed[0].monthly_cost_now_usd == reviewed[1].monthly_cost_now_usd
    assert reviewed[0].monthly_cost_now_usd is not None
    assert reviewed[0].monthly_cost_now_usd < 5  # 1,000 one-minute runs, not 1,460 task-hours and a load balancer


def test_a_task_definition_file_with_a_port_is_a_services_task_with_traffic_unknown(tmp_path: Path) -> None:
    containers = [{"name": "a", "image": "a", "portMappings": [{"containerPort": 80}]}]
    (tmp_path / "a.json").write_text(json.dumps({**TASK, "family": "a", "containerDefinitions": containers}))
    task = by_name(tmp_path / "a.json")["a"]
    assert "traffic" not in task.raw
    assert not any("started on demand" in note for note in task.assumptions)


def test_a_linux_runtime_platform_is_echoed_as_read_not_as_assumed(tmp_path: Path) -> None:
    """operatingSystemFamily LINUX is a value the task definition gives: the review lists runtime.os linux among the
    fields read, at the task definition's file and line, not among the defaults decider filled."""
    platform = {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"}
    containers = [{"name": "a", "image": "a", "portMappings": [{"containerPort": 80, "appProtocol": "http"}]}]
    task = {**TASK, "family": "a", "runtimePlatform": platform, "containerDefinitions": containers}
    (tmp_path / "a.json").write_text(json.dumps(task))
    found = by_name(tmp_path / "a.json")["a"]
    apply_usage([found], {"a": {"traffic": {"pattern": "spiky", "requests_per_month": 200_000}}}, "usage.yaml")
    [reviewed] = review_imported([found], load_ruleset()).workloads
    [os] = [field for field in reviewed.fields_read if field.field == "runtime.os"]
    assert (os.value, os.file, os.line) == ("linux", str(tmp_path / "a.json"), 1)
    assert "runtime.os" not in {field.field for field in reviewed.fields_assumed}


def test_an_app_protocol_sets_the_protocol_but_not_the_pattern(tmp_path: Path) -> None:
    """appProtocol http on a port says the task serves HTTP, nothing about how its traffic is shaped: the pattern is
    left to the usage file (or decider's default, said), in a task definition file and in a template alike. A
    scheduled task keeps its schedule's pattern whatever its ports say."""
    plain = [{"name": "a", "image": "a", "portMappings": [{"containerPort": 80}]}]
    http = [{"name": "b", "image": "b", "portMappings": [{"containerPort": 80, "appProtocol": "http"}]}]
    (tmp_path / "a.json").write_text(json.dumps({**TASK, "family": "a", "containerDefinitions": plain}))
    (tmp_path / "b.json").write_text(json.dumps({**TASK, "family": "b", "containerDefinitions": http}))
    ports = ", PortMappings: [{ContainerPort: 80, AppProtocol: http}]"
    (tmp_path / "t.yaml").write_text(TEMPLATE.format(ports=ports), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        TEMPLATE.format(ports=ports)
        + "  Every:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n"
        "      Targets: [{Id: '1', Arn: arn, EcsParameters: {TaskDefinitionArn: !Ref C}}]\n",
        encoding="utf-8",
    )
    found = by_name(tmp_path / "a.json", tmp_path / "b.json", tmp_path / "t.yaml")
    assert found["b"].raw["traffic"] == {"protocols": ["http"]}
    assert found["C"].raw["traffic"] == {"protocols": ["http"]}
    [scheduled] = find_workloads([str(tmp_path / "s.yaml")]).workloads
    assert scheduled.raw["traffic"]["pattern"] == "scheduled"
    usage = {"traffic": {"requests_per_month": 3_000_000}}
    apply_usage([found["a"], found["b"]], {"a": usage, "b": usage}, "usage.yaml")
    plain_review, http_review = review_imported([found["a"], found["b"]], load_ruleset()).workloads
    assert http_review.monthly_cost_now_usd == plain_review.monthly_cost_now_usd  # not halved by a guessed pattern


def test_describe_task_definition_output_reads_as_the_task_definition_inside(tmp_path: Path) -> None:
    """`aws ecs describe-task-definition` wraps the task definition in {"taskDefinition": …}: it is read as that task
    definition, at the line its object starts, where it was "not a workload file" before."""
    inside = {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3",
        **TASK,
        "family": "worker",
        "containerDefinitions": [{"name": "w", "image": "w"}],
        "revision": 3,
        "status": "ACTIVE",
    }
    (tmp_path / "describe.json").write_text(json.dumps({"taskDefinition": inside, "tags": []}, indent=2))
    [worker] = find_workloads([str(tmp_path / "describe.json")]).workloads
    assert (worker.name, worker.line, worker.kind) == ("worker", 2, "ECS task definition")
    assert worker.raw["runtime"] == {"vcpu": 1.0, "memory_mb": 2048, "architecture": "x86_64"}
    assert worker.raw["traffic"] == {"pattern": "batch", "protocols": ["schedule"]}


def test_a_strategy_mixing_fargate_and_spot_is_read_with_its_base_and_weights(tmp_path: Path) -> None:
    """A FARGATE base plus FARGATE_SPOT runs some tasks on demand: the mode is Spot's, with the base and weights the
    review prices the cost now's mix by (decider/review_mode.py); Spot alone is plain Spot."""
    service = (
        "  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref C\n"
        "      CapacityProviderStrategy: {strategy}\n"
    )
    mixed = "[{CapacityProvider: FARGATE, Base: 1, Weight: 1}, {CapacityProvider: FARGATE_SPOT, Weight: 3}]"
    (tmp_path / "mixed.yaml").write_text(TEMPLATE.format(ports="") + service.format(strategy=mixed), encoding="utf-8")
    spot = "[{CapacityProvider: FARGATE_SPOT, Weight: 1}]"
    (tmp_path / "spot.yaml").write_text(TEMPLATE.format(ports="") + service.format(strategy=spot), encoding="utf-8")
    [mixed_service] = find_workloads([str(tmp_path / "mixed.yaml")]).workloads
    [spot_service] = find_workloads([str(tmp_path / "spot.yaml")]).workloads
    assert mixed_service.mode == spot_service.mode == "spot"
    assert isinstance(mixed_service.mode, MixedMode)
    assert not isinstance(spot_service.mode, MixedMode)
    assert mixed_service.mode.said() == "base 1 on FARGATE, then FARGATE:FARGATE_SPOT 1:3 by weight"
    # 1 task: the base; 5: the base and a quarter of the other 4; 0.5 on average: all of it on the base's provider
    assert mixed_service.mode.on_demand_share(1) == 1.0
    assert mixed_service.mode.on_demand_share(5) == pytest.approx((1 + 4 / 4) / 5)
    assert mixed_service.mode.on_demand_share(0.5) == 1.0


@pytest.mark.parametrize(
    ("cpu", "memory", "windows", "problem"),
    [
        (256, 512, False, None),
        (256, 2048, False, None),
        (512, 4096, False, None),
        (4096, 30720, False, None),
        (8192, 20480, False, None),
        (32768, 249856, False, None),
        (1024, 2048, True, None),
        (256, 4096, False, "0.25 vCPU takes 512, 1,024 or 2,048 MB"),
        (256, 1536, False, "0.25 vCPU takes 512, 1,024 or 2,048 MB"),
        (8192, 18432, False, "8 vCPU takes 16,384 to 61,440 MB in steps of 4,096"),
        (32768, 100000, False, "32 vCPU takes 61,440, 122,880 or 249,856 MB"),
        (300, 1024, False, "Fargate's CPU sizes are 256, 512, 1024, 2048, 4096, 8192, 16384 and 32768 units"),
        (512, 1024, True, "a Windows task takes at least 1 vCPU, 1024 CPU units"),
    ],
)
def test_fargate_task_sizes_are_checked_against_the_size_table(
    cpu: int, memory: int, windows: bool, problem: str | None
) -> None:
    assert fargate_size_problem(cpu, memory, windows=windows) == problem


def test_a_fargate_task_of_a_size_fargate_does_not_run_says_so(tmp_path: Path) -> None:
    """0.25 vCPU with 4 GB: ECS would refuse the task definition; the review prices the smallest size that holds it
    and says the declared one is not a Fargate size. A valid size says nothing."""
    containers = {"containerDefinitions": [{"name": "c", "image": "c"}]}
    (tmp_path / "bad.json").write_text(
        json.dumps({**TASK, **containers, "family": "bad", "cpu": "256", "memory": "4096"})
    )
    (tmp_path / "good.json").write_text(json.dumps({**TASK, **containers}))
    found = by_name(tmp_path / "bad.json", tmp_path / "good.json")
    said = [note for note in found["bad"].assumptions if "is not a task size Fargate runs" in note]
    assert said == [
        "ECS task definition bad: Cpu 256 with Memory 4096 MB is not a task size Fargate runs (0.25 vCPU takes 512, "
        "1,024 or 2,048 MB): ECS would refuse this task definition; it is priced at the smallest Fargate size that "
        "holds it"
    ]
    assert not any("is not a task size Fargate runs" in note for note in found["c"].assumptions)


HOST_VOLUME_SOURCES = {
    "taskdef.json": json.dumps(
        {
            **TASK,
            "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [
                {
                    "name": "agent",
                    "image": "agent",
                    "portMappings": [{"containerPort": 8080}],
                    "mountPoints": [{"sourceVolume": "docker", "containerPath": "/var/run/docker.sock"}],
                }
            ],
            "volumes": [{"name": "docker", "host": {"sourcePath": "/var/run/docker.sock"}}, {"name": "scratch"}],
        }
    ),
    "template.yaml": TEMPLATE.format(ports="")
    + "      Volumes: [{Name: docker, Host: {SourcePath: /var/run/docker.sock}}, {Name: scratch, Host: {}}]\n",
    "main.tf": (
        'resource "aws_ecs_task_definition" "c" {\n  family = "c"\n  cpu = 1024\n  memory = 2048\n'
        '  container_definitions = jsonencode([{ name = "c", image = "c" }])\n'
        '  volume {\n    name = "docker"\n    host_path = "/var/run/docker.sock"\n  }\n'
        '  volume {\n    name = "scratch"\n  }\n}\n'
    ),
}


@pytest.mark.parametrize("source", sorted(HOST_VOLUME_SOURCES))
def test_a_volume_that_binds_a_host_path_keeps_lambda_and_fargate_out(tmp_path: Path, source: str) -> None:
    """A task that mounts the host's Docker socket drives the host's Docker daemon: it needs a host of its own, which
    Fargate (no host.sourcePath there) and Lambda do not give. The path is said; a volume with no host path (a
    task's scratch volume, which Fargate runs) is not."""
    (tmp_path / source).write_text(HOST_VOLUME_SOURCES[source], encoding="utf-8")
    [task] = find_workloads([str(tmp_path / source)]).workloads
    assert task.raw["control"]["host_daemons"] is True
    [note] = [note for note in task.assumptions if "host path" in note]
    assert "/var/run/docker.sock" in note
    apply_usage([task], {task.name: {"traffic": {"requests_per_month": 100_000}}}, "usage.yaml")
    [reviewed] = review_imported([task], load_ruleset()).workloads
    assert reviewed.decision.recommendation not in ("lambda", "ecs-fargate")
    excluded = {item.target for item in reviewed.decision.excluded}
    assert {"lambda", "ecs-fargate"} <= excluded


def test_a_volume_with_no_host_path_asks_for_no_host(tmp_path: Path) -> None:
    data = {**TASK, "containerDefinitions": [{"name": "c", "image": "c"}], "volumes": [{"name": "scratch"}]}
    (tmp_path / "c.json").write_text(json.dumps(data))
    [task] = find_workloads([str(tmp_path / "c.json")]).workloads
    assert "control" not in task.raw


STORAGE_SOURCES = {
    "template.yaml": TEMPLATE.format(ports="") + "      EphemeralStorage: {SizeInGiB: SIZE}\n",
    "main.tf": (
        'resource "aws_ecs_task_definition" "C" {\n  family = "c"\n  cpu = 1024\n  memory = 2048\n'
        '  requires_compatibilities = ["FARGATE"]\n  ephemeral_storage {\n    size_in_gib = SIZE\n  }\n'
        '  container_definitions = jsonencode([{ name = "c", image = "c" }])\n}\n'
    ),
}


@pytest.mark.parametrize("size", [21, 199, 200])
@pytest.mark.parametrize("source", sorted(STORAGE_SOURCES))
def test_a_tasks_ephemeral_storage_is_its_total_with_the_image_inside(tmp_path: Path, source: str, size: int) -> None:
    """EphemeralStorage SizeInGiB (21 to 200 GiB on Fargate) is the task's total, which holds the image as well as
    scratch: a task at Fargate's 200 GiB stays on Fargate, billed for the total it configures above the 20 GB
    included, as 199 and 21 are; the reading says the scratch it took. An image size from the usage file leaves the
    scratch the rest of the same total."""
    (tmp_path / source).write_text(STORAGE_SOURCES[source].replace("SIZE", str(size)), encoding="utf-8")
    for usage, image in (({}, "a 100 MB image"), ({"runtime": {"artifact_mb": 2048}}, "a 2,048 MB image")):
        [task] = find_workloads([str(tmp_path / source)]).workloads
        entry = {"traffic": {"requests_per_month": 1000}, **usage}
        apply_usage([task], {task.name: entry}, "usage.yaml")
        [note] = [note for note in task.assumptions if "EphemeralStorage" in note]
        assert f"EphemeralStorage {size} GiB (the task's total, image included): scratch read as " in note
        assert image in note
        [reviewed] = review_imported([task], load_ruleset()).workloads
        assert "ecs-fargate" not in {item.target for item in reviewed.decision.excluded}
        assert reviewed.current_target == "ecs-fargate"
        assert reviewed.verdict != "move"
        [fargate] = [item for item in reviewed.decision.ranking if item.target == "ecs-fargate"]
        assert fargate.monthly_cost is not None
        [storage] = [line.item for line in fargate.monthly_cost.lines if "ephemeral storage" in line.item]
        assert storage == f"Fargate ephemeral storage above 20 GB ({size - 20} GB a task)"


@pytest.mark.parametrize(("size", "outside"), [(20, True), (21, False), (200, False), (250, True)])
@pytest.mark.parametrize("source", sorted(STORAGE_SOURCES))
def test_ephemeral_storage_outside_what_ecs_accepts_is_said(
    tmp_path: Path, source: str, size: int, outside: bool
) -> None:
    """ECS accepts 21 to 200 GiB of ephemeral storage for a task: a template asking for more or less would be refused
    when deployed, and the review says so beside its reading (the task is still reviewed as written)."""
    (tmp_path / source).write_text(STORAGE_SOURCES[source].replace("SIZE", str(size)), encoding="utf-8")
    [task] = find_workloads([str(tmp_path / source)]).workloads
    refused = [note for note in task.assumptions if "outside the 21–200 GiB ECS accepts" in note]
    assert len(refused) == (1 if outside else 0)
    if outside:
        assert f"EphemeralStorage {size} GiB is outside" in refused[0]
        assert "AWS refuses this task definition as written" in refused[0]


@pytest.mark.parametrize("level", ["task", "container"])
def test_a_size_set_by_a_parameter_without_a_default_is_said_once_at_either_level(tmp_path: Path, level: str) -> None:
    """A Cpu or Memory that a !Ref to a parameter with no default sets is not known before deployment: decider's
    default is used, and an assumption says which figure, once, whether the task or its container sets it."""
    sizes = "Cpu: !Ref ContainerCpu, Memory: !Ref ContainerMemorySize"
    on_task = "      Cpu: !Ref ContainerCpu\n      Memory: !Ref ContainerMemorySize\n"
    task, container = (on_task, "") if level == "task" else ("", f", {sizes}")
    (tmp_path / "template.yaml").write_text(
        "Parameters:\n  ContainerCpu: {Type: Number}\n  ContainerMemorySize: {Type: Number}\n"
        "Resources:\n  C:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        f"{task}      ContainerDefinitions: [{{Name: app, Image: c{container}}}]\n",
        encoding="utf-8",
    )
    [found] = find_workloads([str(tmp_path)]).workloads
    for key, parameter in (("Cpu", "ContainerCpu"), ("Memory", "ContainerMemorySize")):
        said = [note for note in found.assumptions if f"{key} is Ref {parameter}, not a literal" in note]
        assert len(said) == 1, (key, found.assumptions)
        assert ("container app " in said[0]) is (level == "container")
    assert "memory_mb" not in found.raw.get("runtime", {})
