"""Reading exported CloudWatch series and turning them into usage entries: the edge cases, each a clear error or a
stated choice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.errors import SourceError
from decider.sources.metrics import Series, read_queries, read_series
from decider.sources.usage_import import usage_from

HOUR = 3600.0


def write(tmp_path: Path, results: list[dict[str, Any]], name: str = "out.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"MetricDataResults": results}))
    return str(path)


def result(label: str, values: list[float], step: float = HOUR, **extra: Any) -> dict[str, Any]:
    return {"Id": "m", "Label": label, "Timestamps": [i * step for i in range(len(values))], "Values": values, **extra}


def series(metric: str, namespace: str, values: list[float], step: float = HOUR, **dimensions: str) -> Series:
    times = tuple(float(i * step) for i in range(len(values)))
    return Series(namespace, metric, dimensions, times, tuple(values), step, "test")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"Id": "a", "Label": "AWS/Lambda Invocations FunctionName=f", "Timestamps": [0], "Values": [1, 2]},
            "1 Timestamps but 2 Values",
        ),
        (
            {"Id": "a", "Label": "AWS/Lambda Invocations FunctionName=f", "Timestamps": ["yesterday"], "Values": [1]},
            "'yesterday' is not a time",
        ),
        (
            {"Id": "a", "Label": "AWS/Lambda Invocations FunctionName=f", "Timestamps": [0, 60], "Values": [1, -1]},
            "finite and not negative",
        ),
        (
            {"Id": "a", "Label": "AWS/Lambda Invocations FunctionName=f", "Timestamps": [0], "Values": [1]},
            "one data point: its period is unknown",
        ),
        (
            {"Id": "a", "Label": "AWS/Lambda Invocations FunctionName=f", "Timestamps": 5, "Values": [1]},
            "Timestamps must be a list",
        ),
        ("not an object", "must be an object with Id, Label, Timestamps and Values"),
    ],
)
def test_bad_results_are_clear_errors(tmp_path: Path, entry: Any, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_series(write(tmp_path, [entry]))


def test_queries_name_series_and_check_their_statistic(tmp_path: Path) -> None:
    query = tmp_path / "query.json"
    query.write_text(
        json.dumps(
            {
                "MetricDataQueries": [
                    {
                        "Id": "m",
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/Lambda",
                                "MetricName": "Invocations",
                                "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                            },
                            "Period": 3600,
                            "Stat": "Average",
                        },
                    },
                    {"Id": "math", "Expression": "m * 2"},
                ]
            }
        )
    )
    queries = read_queries(str(query))
    found = read_series(write(tmp_path, [result("anything", [5.0], StatusCode="PartialData")]), queries)
    assert (found[0].metric, found[0].dimensions, found[0].period_s, found[0].stat) == (
        "Invocations",
        {"FunctionName": "f"},
        3600.0,
        "Average",
    )
    assert "PartialData" in found[0].notes[0]
    with pytest.raises(SourceError, match="Invocations must be queried with Stat Sum: got Average"):
        usage_from(found, {}, {})
    queries["m"] = {"Id": "m", "Expression": "SUM(METRICS())"}
    with pytest.raises(SourceError, match="a math expression is not read"):
        read_series(write(tmp_path, [result("x", [5.0])]), queries)
    (tmp_path / "bad.json").write_text('{"Queries": 1}')
    with pytest.raises(SourceError, match="a list of MetricDataQuery objects"):
        read_queries(str(tmp_path / "bad.json"))
    with pytest.raises(SourceError, match="cannot read the query file"):
        read_queries(str(tmp_path / "missing.json"))


def test_unknown_metrics_resources_and_doubled_requests(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="AWS/EC2 CPUUtilization is not a metric decider reads"):
        usage_from([series("CPUUtilization", "AWS/EC2", [1.0, 2.0], InstanceId="i-1")], {}, {})
    with pytest.raises(SourceError, match="no FunctionName, ServiceName, TargetGroup, LoadBalancer or QueueName"):
        usage_from([series("Invocations", "AWS/Lambda", [1.0, 2.0], Resource="f")], {}, {})
    doubled = [
        series("RequestCount", "AWS/ApplicationELB", [1.0, 2.0], LoadBalancer="app/web/1"),
        series("NumberOfMessagesReceived", "AWS/SQS", [1.0, 2.0], QueueName="web"),
    ]
    with pytest.raises(SourceError, match="web: more than one request series"):
        usage_from(doubled, {}, {})


def test_sizes_durations_and_profiles() -> None:
    day = [10.0 if 9 <= hour % 24 < 17 else 0.0 for hour in range(48)]
    imported = usage_from(
        [
            series("CpuUtilized", "ECS/ContainerInsights", [256.0, 512.0], ServiceName="api"),
            series("MemoryUtilized", "ECS/ContainerInsights", [700.2, 300.0], ServiceName="api"),
            series("CPUUtilization", "AWS/ECS", [50.0, 20.0], ServiceName="jobs"),
            series("Duration", "AWS/Lambda", [100.0, 300.0], FunctionName="f"),  # no invocations: plain mean
            series("Invocations", "AWS/Lambda", [5.0, 10.0], step=86_400.0, FunctionName="daily"),
            series("Invocations", "AWS/Lambda", day, FunctionName="office"),
        ],
        {"office": "OfficeApi"},
        {},
    )
    entries = imported.entries
    assert entries["api"] == {"runtime": {"vcpu": 0.5, "memory_mb": 701}}
    assert "jobs" not in entries  # a share of an unknown size writes nothing ...
    assert any("give --task-size jobs=VCPU:MB" in note for note in imported.notes)  # ... and says what to give
    assert entries["f"] == {"runtime": {"avg_duration_ms": 200.0}}
    assert "hourly_profile" not in entries["daily"]["traffic"]  # daily points: no hours to profile
    assert any("daily: no hourly_profile" in note for note in imported.notes)
    office = entries["OfficeApi"]["traffic"]
    assert office["hourly_profile"] == [0.0] * 9 + [1.0] * 8 + [0.0] * 7
    assert office["requests_per_month"] == round(160 / (48 * HOUR) * 730 * HOUR)


def test_two_weeks_of_data_give_a_week_profile() -> None:
    # 14 days from Thursday 1970-01-01 00:00 UTC: traffic on weekdays only.
    values = [0.0 if (hour // 24 + 3) % 7 >= 5 else 1.0 for hour in range(14 * 24)]
    imported = usage_from([series("Invocations", "AWS/Lambda", values, FunctionName="f")], {}, {})
    profile = imported.entries["f"]["traffic"]["hourly_profile"]
    assert len(profile) == 168
    assert profile[: 5 * 24] == [1.0] * 120  # Monday 00:00 first
    assert profile[120:] == [0.0] * 48


def test_csv_problems(tmp_path: Path) -> None:
    (tmp_path / "short.csv").write_text("time\n")
    with pytest.raises(SourceError, match="a metrics CSV has a header row"):
        read_series(str(tmp_path / "short.csv"))
    (tmp_path / "label.csv").write_text("time,Invocations\n2026-01-01T00:00:00,1\n")
    with pytest.raises(SourceError, match="does not name its metric"):
        read_series(str(tmp_path / "label.csv"))
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(SourceError, match="not JSON"):
        read_series(str(tmp_path / "x.json"))
    with pytest.raises(SourceError, match="cannot read"):
        read_series(str(tmp_path / "missing.json"))


def test_metrics_files_are_read_under_the_document_limits(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)  # a RecursionError in json.loads before
    with pytest.raises(SourceError, match="nested more than 100 levels deep"):
        read_series(str(deep))
    twice = tmp_path / "twice.json"
    twice.write_text('{"MetricDataResults": [], "MetricDataResults": []}')
    with pytest.raises(SourceError, match="found key 'MetricDataResults' twice"):
        read_series(str(twice))
    with pytest.raises(SourceError, match="not a regular file"):
        read_series(str(tmp_path))  # a folder
    with pytest.raises(SourceError, match="nested more than 100 levels deep"):
        read_queries(str(deep))
