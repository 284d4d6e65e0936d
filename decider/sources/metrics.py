"""Exported CloudWatch metrics, read as series: which metric of which resource, at which times, with which values.

Two inputs. The JSON ``aws cloudwatch get-metric-data`` prints (``MetricDataResults``: ``Id``, ``Label``,
``Timestamps``, ``Values``), whose series are named by their label, or — with the query file the command ran
(``--metric-data-queries``; ``examples/cloudwatch/get-metric-data-query.json``) — by the query of the same ``Id``.
And a CSV: a first column of times, then one column per series headed by its label. A label names its series as
``NAMESPACE METRIC DIMENSION=VALUE …`` (``AWS/Lambda Invocations FunctionName=orders-api``), the form the example
query's dynamic labels produce. Timestamps are ISO 8601 (as the CLI prints them) or Unix seconds.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from decider.document_limits import read_text
from decider.documents import BYTE_ORDER_MARK, parse_json
from decider.errors import DocumentError, Problem, SourceError


@dataclass(frozen=True)
class Series:
    """One metric of one resource: its namespace, name and dimensions, its statistic when known, and its points."""

    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    times: tuple[float, ...]
    values: tuple[float, ...]
    period_s: float
    source: str
    stat: str | None = None
    notes: list[str] = field(default_factory=list)


def read_series(path: str, queries: Mapping[str, Mapping[str, Any]] | None = None) -> list[Series]:
    """Every series in one exported file (get-metric-data JSON, or CSV)."""
    file = Path(path)
    try:
        # A regular file within the size cap (decider/document_limits.py); a byte-order mark before its text (some
        # editors and spreadsheets save one) is no part of it.
        text = read_text(file).removeprefix(BYTE_ORDER_MARK)
    except DocumentError as error:
        raise SourceError([error.problem]) from None
    if file.suffix.lower() == ".csv":
        return _csv_series(text, path)
    try:
        data = parse_json(text, path, in_text=True)  # strict JSON, its depth bounded
    except DocumentError as error:
        problem = error.problem
        raise SourceError(
            [Problem(problem.location, f"not JSON (get-metric-data output) or a .csv file: {problem.message}")]
        ) from None
    results = data.get("MetricDataResults") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise SourceError([Problem(path, "no MetricDataResults: give the output of aws cloudwatch get-metric-data")])
    found: list[Series] = []
    for index, result in enumerate(results):
        where = f"{path}: MetricDataResults[{index}]"
        if not isinstance(result, dict):
            raise SourceError([Problem(where, "must be an object with Id, Label, Timestamps and Values")])
        query = (queries or {}).get(str(result.get("Id")))
        times = [_time(value, where) for value in _list(result.get("Timestamps"), where, "Timestamps")]
        values = [_number(value, where) for value in _list(result.get("Values"), where, "Values")]
        if len(times) != len(values):
            raise SourceError([Problem(where, f"{len(times)} Timestamps but {len(values)} Values")])
        if not times:
            continue
        if query is not None:
            namespace, metric, dimensions, stat, period = _from_query(query, where)
        else:
            namespace, metric, dimensions = _from_label(result.get("Label"), where)
            stat, period = None, None
        order = sorted(range(len(times)), key=times.__getitem__)
        ordered_times = tuple(times[i] for i in order)
        found.append(
            Series(
                namespace,
                metric,
                dimensions,
                ordered_times,
                tuple(values[i] for i in order),
                period or _period(ordered_times, where),
                path,
                stat,
            )
        )
        if result.get("StatusCode") == "PartialData":
            found[-1].notes.append(f"{where}: PartialData (more pages behind NextToken): only what is here is read")
    return found


def read_queries(path: str) -> dict[str, Mapping[str, Any]]:
    """The queries of a ``--metric-data-queries`` file (a list, or an object with ``MetricDataQueries``), by Id."""
    try:
        data = parse_json(read_text(Path(path)).removeprefix(BYTE_ORDER_MARK), path, in_text=True)
    except DocumentError as error:
        problem = error.problem
        raise SourceError([Problem(problem.location, f"cannot read the query file: {problem.message}")]) from None
    queries = data.get("MetricDataQueries") if isinstance(data, dict) else data
    if not isinstance(queries, list):
        raise SourceError([Problem(path, "a query file is a list of MetricDataQuery objects (or MetricDataQueries)")])
    return {str(query.get("Id")): query for query in queries if isinstance(query, dict)}


def _from_query(query: Mapping[str, Any], where: str) -> tuple[str, str, dict[str, str], str | None, float | None]:
    stat = query.get("MetricStat")
    metric = stat.get("Metric") if isinstance(stat, dict) else None
    if not isinstance(stat, dict) or not isinstance(metric, dict):
        raise SourceError([Problem(where, "its query has no MetricStat.Metric (a math expression is not read)")])
    dimensions = {
        str(item.get("Name")): str(item.get("Value"))
        for item in metric.get("Dimensions") or []
        if isinstance(item, dict)
    }
    period = stat.get("Period")
    return (
        str(metric.get("Namespace")),
        str(metric.get("MetricName")),
        dimensions,
        str(stat["Stat"]) if stat.get("Stat") else None,
        float(period) if isinstance(period, int | float) and period > 0 else None,
    )


def _from_label(label: Any, where: str) -> tuple[str, str, dict[str, str]]:
    parts = str(label or "").split()
    dimensions = dict(part.split("=", 1) for part in parts[2:] if "=" in part)
    if len(parts) < 3 or len(dimensions) != len(parts) - 2 or "/" not in parts[0]:
        raise SourceError(
            [
                Problem(
                    where,
                    f"label {label!r} does not name its metric: use labels like 'AWS/Lambda Invocations "
                    "FunctionName=orders-api' (the example query's), or give the query file with --query",
                )
            ]
        )
    return parts[0], parts[1], dimensions


def _csv_series(text: str, path: str) -> list[Series]:
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2 or len(rows[0]) < 2:
        raise SourceError([Problem(path, "a metrics CSV has a header row (time, then one label per series) and data")])
    header = rows[0]
    times = [_time(row[0], f"{path}:{number}") for number, row in enumerate(rows[1:], 2) if row]
    found: list[Series] = []
    for column, label in enumerate(header[1:], 1):
        where = f"{path}: column {column + 1}"
        namespace, metric, dimensions = _from_label(label, where)
        points = [
            (times[index], _number(row[column], f"{path}:{index + 2}"))
            for index, row in enumerate(row for row in rows[1:] if row)
            if column < len(row) and row[column].strip()
        ]
        points.sort()
        if points:
            ordered = tuple(point[0] for point in points)
            values = tuple(point[1] for point in points)
            found.append(Series(namespace, metric, dimensions, ordered, values, _period(ordered, where), path))
    return found


def _list(value: Any, where: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise SourceError([Problem(where, f"{key} must be a list")])
    return value


def _time(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        moment = datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise SourceError([Problem(where, f"{value!r} is not a time: ISO 8601 or Unix seconds")]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()


def _number(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SourceError([Problem(where, f"{value!r} is not a number")]) from None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise SourceError([Problem(where, f"{value!r}: metric values here are finite and not negative")])
    return number


def _period(times: Sequence[float], where: str) -> float:
    """The series' period: the most common gap between its points."""
    gaps = Counter(round(later - earlier) for earlier, later in pairwise(times) if later > earlier)
    if not gaps:
        raise SourceError([Problem(where, "one data point: its period is unknown (give the query file with --query)")])
    return float(gaps.most_common(1)[0][0])
