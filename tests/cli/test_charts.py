"""The chart beside a report: ``decider adr --chart`` shows it in the record, ``decider review --chart-dir`` writes
one per workload and links them from the Markdown report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decider.cli import main
from decider.cli.charts import markdown_links, write_each
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload
from tests.conftest import EXAMPLES_DIR

CHECKOUT = str(EXAMPLES_DIR / "checkout-api.yaml")
QUEUE = str(EXAMPLES_DIR / "queue-consumer.yaml")


def test_adr_writes_the_chart_and_links_it_relative_to_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs" / "adr").mkdir(parents=True)
    (tmp_path / "img").mkdir()
    argv = ["adr", QUEUE, "--chart", "img/cost.png", "-o", "docs/adr/0001.md", "--date", "2026-12-01"]
    assert main(argv) == 0
    record = (tmp_path / "docs" / "adr" / "0001.md").read_text(encoding="utf-8")
    assert "![Monthly cost of each option as traffic grows](../../img/cost.png)" in record
    assert "* Amazon ECS on AWS Fargate is cheaper than AWS Lambda above ~1.2M requests a month." in record
    assert (tmp_path / "img" / "cost.png").read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()


def test_adr_without_chart_has_no_chart_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adr", CHECKOUT, "--date", "2026-12-01"]) == 0
    assert "Cost as Traffic Grows" not in capsys.readouterr().out


def test_adr_chart_with_another_extension_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adr", CHECKOUT, "--chart", str(tmp_path / "cost.jpg")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "unknown chart format '.jpg'" in err


def test_review_writes_a_chart_per_workload_and_links_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["review", CHECKOUT, QUEUE, "--format", "markdown", "--chart-dir", "charts"]) == 0
    out = capsys.readouterr().out
    assert "- checkout-api: ![monthly cost of checkout-api as traffic grows](charts/checkout-api.svg)" in out
    assert "- order-events: ![monthly cost of order-events as traffic grows](charts/order-events.svg)" in out
    for name in ("checkout-api.svg", "order-events.svg"):
        assert (tmp_path / "charts" / name).read_text(encoding="utf-8").startswith("<svg")


def test_review_in_json_writes_the_charts_and_keeps_its_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", CHECKOUT, "--format", "json", "--chart-dir", str(tmp_path / "c")]) == 0
    json.loads(capsys.readouterr().out)
    assert (tmp_path / "c" / "checkout-api.svg").is_file()


def test_review_chart_folder_that_cannot_be_made_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["review", CHECKOUT, "--chart-dir", str(blocker / "charts")]) == 2
    out, err = capsys.readouterr()
    assert "cannot create the chart folder" in err
    assert out == "", "nothing is reported when the charts cannot be written"


def test_names_that_repeat_or_are_not_file_names_get_their_own_file(tmp_path: Path, ruleset: Ruleset) -> None:
    raw = {"traffic": {"requests_per_month": 1000}}
    workloads = [
        ImportedWorkload(name=name, file="f", line=1, kind="workload", raw=raw) for name in ("a b", "a b", "..")
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        written = write_each(workloads, ruleset, ".")
    assert [link for _, link in written] == ["a-b.svg", "a-b-2.svg", "workload.svg"]
    assert markdown_links([]) == ""
    assert "- a b: ![monthly cost of a b as traffic grows](a-b.svg)" in markdown_links(written[:1])
