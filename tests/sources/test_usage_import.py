"""``decider usage import``: a recorded ``aws cloudwatch get-metric-data`` output becomes a usage file that
``decider review`` reads, every figure worked out by hand from the recording (3 days of hourly points: office hours
09:00–17:00 UTC busy, the other 16 hours quiet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from decider.cli import main
from decider.sources import apply_usage, find_workloads, read_usage
from tests.conftest import REPO_ROOT

RECORDING = REPO_ROOT / "tests" / "fixtures" / "metrics" / "get-metric-data.json"
QUERY = REPO_ROOT / "examples" / "cloudwatch" / "get-metric-data-query.json"
TERRAFORM = REPO_ROOT / "tests" / "fixtures" / "terraform" / "hcl"


def imported(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "usage.yaml"
    arguments = ["usage", "import", str(RECORDING), "--task-size", "web=0.5:1024", *extra, "-o", str(out)]
    assert main(arguments) == 0
    data = yaml.safe_load(out.read_text())
    assert isinstance(data, dict)
    return data


def test_lambda_series_by_hand(tmp_path: Path) -> None:
    api = imported(tmp_path)["orders-api"]
    # A day: 8 busy hours × 36,000 + 16 quiet × 1,800 = 316,800 invocations; × 730/24 = 9,636,000 a month.
    assert api["traffic"]["requests_per_month"] == 9_636_000
    assert api["traffic"]["peak_rps"] == 10.0  # 36,000 in the busiest hour
    # Duration weighted by invocations: (288,000 × 120 + 28,800 × 80) / 316,800 = 116.364 ms.
    assert api["runtime"]["avg_duration_ms"] == 116.364
    assert api["traffic"]["hourly_profile"] == [0.05] * 9 + [1.0] * 8 + [0.05] * 7


def test_alb_ecs_and_sqs_series(tmp_path: Path) -> None:
    usage = imported(tmp_path, "--name", "orders=aws_lambda_function.worker")
    web = usage["web"]  # the target group's name and the ECS service's: one resource
    assert web["traffic"]["requests_per_month"] == round((8 * 180_000 + 16 * 20_000) * 730 / 24)
    assert web["runtime"]["avg_duration_ms"] == round((1_440_000 * 45 + 320_000 * 30) / 1_760_000, 3)
    # The busiest hour's CPUUtilization 62.5% of 0.5 vCPU, MemoryUtilization 70% of 1,024 MB (rounded up).
    assert (web["runtime"]["vcpu"], web["runtime"]["memory_mb"]) == (0.3125, 717)
    worker = usage["aws_lambda_function.worker"]  # the queue's messages, under the consumer's name
    assert worker["traffic"]["requests_per_month"] == round((8 * 9000 + 16 * 600) * 730 / 24)


def test_the_query_file_names_the_series_by_id(tmp_path: Path) -> None:
    by_label = imported(tmp_path)
    by_query = imported(tmp_path, "--query", str(QUERY))
    assert by_query == by_label


def test_the_usage_file_is_read_by_the_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.yaml"
    # The queue's messages go to the function that consumes it; orders-api and web are names the Terraform knows.
    arguments = ["--task-size", "web=0.5:1024", "--name", "orders=aws_lambda_function.worker", "-o", str(usage)]
    assert main(["usage", "import", str(RECORDING), *arguments]) == 0
    notes = capsys.readouterr().err
    assert "ConcurrentExecutions peaks at 4; no workload field holds it" in notes
    options = ["--var-file", str(TERRAFORM / "prod.tfvars"), "--usage", str(usage), "--format", "json"]
    code = main(["review", str(TERRAFORM), *options])
    assert code == 0
    report = {item["name"]: item for item in json.loads(capsys.readouterr().out)["workloads"]}
    # orders-api is aws_lambda_function.api's function_name, web the ECS service's name: the entries land there, so
    # their traffic is known and they get a verdict and a cost (without the usage file both are unknown).
    for name in ("aws_lambda_function.api", "aws_ecs_service.web", "aws_lambda_function.worker"):
        assert report[name]["verdict"] in ("keep", "consider", "move"), name
        assert report[name]["monthly_cost_now_usd"] is not None, name
    found = find_workloads([str(TERRAFORM)], var_files=[str(TERRAFORM / "prod.tfvars")]).workloads
    apply_usage(found, read_usage(str(usage)), str(usage))
    by_name = {workload.name: workload for workload in found}
    assert by_name["aws_lambda_function.api"].get("traffic.requests_per_month") == 9_636_000
    assert by_name["aws_ecs_service.web"].get("runtime.memory_mb") == 717
    assert by_name["aws_ecs_service.web"].get("traffic.hourly_profile")[9] == 1.0


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"MetricDataResults": [{"Id": "a", "Label": "Invocations", "Timestamps": [1, 2], "Values": [1, 2]}]})
    )
    assert main(["usage", "import", str(bad)]) == 2
    assert "does not name its metric" in capsys.readouterr().err
    assert main(["usage", "import", str(RECORDING), "--task-size", "web=half"]) == 2
    assert "write it as SERVICE=VCPU:MB" in capsys.readouterr().err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"Datapoints": []}))
    assert main(["usage", "import", str(other)]) == 2
    assert "no MetricDataResults" in capsys.readouterr().err
    out = tmp_path / "out.yaml"
    assert main(["usage", "import", str(bad), "-o", str(out)]) == 2
    assert not out.exists()  # nothing half-written


def test_a_metrics_csv(tmp_path: Path) -> None:
    rows = ["time,AWS/Lambda Invocations FunctionName=orders-api"]
    rows += [f"2026-11-23T{hour:02d}:00:00Z,{3600 if 9 <= hour < 17 else 360}" for hour in range(24)]
    (tmp_path / "metrics.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "usage.yaml"
    assert main(["usage", "import", str(tmp_path / "metrics.csv"), "-o", str(out)]) == 0
    traffic = yaml.safe_load(out.read_text())["orders-api"]["traffic"]
    assert traffic["requests_per_month"] == round((8 * 3600 + 16 * 360) * 730 / 24)
    assert traffic["peak_rps"] == 1.0
    assert traffic["hourly_profile"] == [0.1] * 9 + [1.0] * 8 + [0.1] * 7


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--name", "ordres=aws_lambda_function.worker"],
            "--name ordres=aws_lambda_function.worker: unknown resource 'ordres'; valid: orders, orders-api, web "
            "(did you mean 'orders'?)",
        ),
        (
            ["--task-size", "wbe=0.5:1024"],
            "--task-size wbe=0.5:1024: unknown resource 'wbe'; valid: orders, orders-api, web (did you mean 'web'?)",
        ),
        (
            ["--name", "orders=x", "--name", "orders=y"],
            "--name orders=y: 'orders' is given twice (first as 'orders=x'); keep one",
        ),
        (
            ["--task-size", "web=0.5:1024", "--task-size", "web=1:2048"],
            "--task-size web=1:2048: 'web' is given twice (first as 'web=0.5:1024'); keep one",
        ),
        (
            ["--name", "orders=web"],
            "--name: 'web' and 'orders' would both be written as 'web': give each its own name",
        ),
    ],
    ids=["misspelt-name", "misspelt-task-size", "name-twice", "task-size-twice", "two-resources-one-name"],
)
def test_a_name_or_task_size_that_would_write_the_wrong_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    # A typo in a CI script must not quietly write the entries under the metrics' own names (or lose one of them).
    out = tmp_path / "usage.yaml"
    assert main(["usage", "import", str(RECORDING), *options, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "decider: cannot import the metrics (1 problem):" in err
    assert f"  - {said}\n" in err
    assert not out.exists()


def test_a_task_size_for_a_resource_without_share_metrics_is_said_to_be_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orders-api is a function: no CPUUtilization or MemoryUtilization for a task size to be a share of."""
    out = tmp_path / "usage.yaml"
    assert main(["usage", "import", str(RECORDING), "--task-size", "orders-api=1:2048", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert (
        "decider: orders-api: --task-size is not used: the metrics have no CPUUtilization or MemoryUtilization "
        "series for it to be a share of\n"
    ) in err
    runtime = yaml.safe_load(out.read_text(encoding="utf-8"))["orders-api"]["runtime"]
    assert "vcpu" not in runtime
    assert "memory_mb" not in runtime


def test_a_peak_from_hourly_points_is_said_to_hide_bursts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hourly = ["time,AWS/Lambda Invocations FunctionName=orders-api"]
    hourly += [f"2026-11-23T{hour:02d}:00:00Z,{3600 if 9 <= hour < 17 else 360}" for hour in range(24)]
    (tmp_path / "hourly.csv").write_text("\n".join(hourly) + "\n")
    assert main(["usage", "import", str(tmp_path / "hourly.csv"), "-o", str(tmp_path / "a.yaml")]) == 0
    assert (
        "orders-api: peak_rps 1 is the busiest 3600-second period's average, and bursts within a period are not "
        "seen: export 60-second periods for a truer peak, or give peak_rps"
    ) in capsys.readouterr().err
    by_minute = ["time,AWS/Lambda Invocations FunctionName=orders-api"]
    by_minute += [f"2026-11-23T10:{minute:02d}:00Z,{600 if minute == 30 else 60}" for minute in range(60)]
    (tmp_path / "minutes.csv").write_text("\n".join(by_minute) + "\n")
    assert main(["usage", "import", str(tmp_path / "minutes.csv"), "-o", str(tmp_path / "b.yaml")]) == 0
    assert "bursts within a period" not in capsys.readouterr().err
    assert yaml.safe_load((tmp_path / "b.yaml").read_text())["orders-api"]["traffic"]["peak_rps"] == 10.0
