"""``decider review`` on a folder large enough to share out among worker processes: ``--jobs 2`` writes the same bytes
and exits the same way as ``--jobs 1``; the streamed report is the whole review's rendering; errors read the same.

The folder is made by the generator of ``bench/review.py`` (copied here: the bench is a script, not a module).
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest

import decider.cli.review as cli_review
from decider.cli import main
from decider.errors import Problem, WorkloadError
from decider.render.comment import to_markdown
from decider.render.review import to_json, to_table
from decider.render.sarif import to_sarif
from decider.review import review_imported
from decider.rules.model import Ruleset
from decider.sources import find_workloads
from tests.corpus import generate

FOLDER = "corpus"
WORKLOADS = 60  # above MIN_PARALLEL_WORKLOADS: --jobs 2 starts workers
FORMATS = ("json", "sarif", "markdown", "table")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of generated workloads (and one file that is not a workload), reviewed from its parent folder."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    generate(folder, WORKLOADS)
    (folder / "compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


class CountingPool(ProcessPoolExecutor):
    """The pool the review uses, noting each pool started (a review in this process starts none)."""

    workers: ClassVar[list[int]] = []  # max_workers of each pool started

    def __init__(self, max_workers: int, *args: Any, **kwargs: Any) -> None:
        CountingPool.workers.append(max_workers)
        super().__init__(max_workers, *args, **kwargs)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> type[CountingPool]:
    CountingPool.workers = []
    monkeypatch.setattr(cli_review, "ProcessPoolExecutor", CountingPool)
    return CountingPool


def review(capsys: pytest.CaptureFixture[str], *options: str, jobs: int) -> tuple[int, str, str]:
    code = main(["review", FOLDER, *options, "--jobs", str(jobs)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("format", FORMATS)
def test_jobs_2_writes_the_same_report_and_exit_code_as_jobs_1(
    corpus: Path, capsys: pytest.CaptureFixture[str], pools: type[CountingPool], format: str
) -> None:
    serial = review(capsys, "--format", format, jobs=1)
    assert pools.workers == []
    parallel = review(capsys, "--format", format, jobs=2)
    assert pools.workers == [2], "60 workloads with --jobs 2 are reviewed by two worker processes"
    assert serial[0] == 0
    assert parallel == serial
    gated = [review(capsys, "--format", format, "--fail-on", "consider", jobs=jobs) for jobs in (1, 2)]
    assert gated[0][0] == 1
    assert "review gate --fail-on consider tripped by" in gated[0][2]
    assert gated[1] == gated[0]


def test_a_small_review_stays_in_this_process(
    corpus: Path, capsys: pytest.CaptureFixture[str], pools: type[CountingPool]
) -> None:
    code = main(["review", str(corpus / "team-1"), "--jobs", "4", "--format", "json"])
    assert code == 0
    assert len(json.loads(capsys.readouterr().out)["workloads"]) == WORKLOADS // 10
    assert pools.workers == []


def test_no_more_workers_start_than_there_is_work_for(
    corpus: Path, capsys: pytest.CaptureFixture[str], pools: type[CountingPool]
) -> None:
    assert review(capsys, "--format", "json", jobs=8)[0] == 0
    assert pools.workers == [WORKLOADS // cli_review.WORKLOADS_PER_WORKER]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_streamed_report_is_the_whole_reviews_rendering(
    corpus: Path, capsys: pytest.CaptureFixture[str], ruleset: Ruleset, jobs: int
) -> None:
    discovery = find_workloads([FOLDER])
    whole = review_imported(discovery.workloads, ruleset, skipped=discovery.skipped)
    assert len(whole.workloads) == WORKLOADS
    assert len(whole.skipped) == 1
    expected = {
        "json": to_json(whole) + "\n",  # pydantic's dump of the whole Review model
        "sarif": to_sarif(whole, ruleset),
        "markdown": to_markdown(whole),
        "table": to_table(whole),
    }
    for format, text in expected.items():
        code, out, _ = review(capsys, "--format", format, jobs=jobs)
        assert code == 0
        assert out == text, format


def write_broken_template(corpus: Path) -> None:
    (corpus / "team-3" / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: [unclosed\n", encoding="utf-8"
    )


def write_invalid_workloads(corpus: Path) -> None:
    (corpus / "team-5" / "service-0005.yaml").write_text("name: service-0005\nruntime: {memroy_mb: 512}\n")
    (corpus / "team-7" / "service-0007.yaml").write_text("name: service-0007\nruntime: {max_duration_s: -3}\n")


def write_unpriced_region(corpus: Path) -> None:
    (corpus / "team-9" / "service-0049.yaml").write_text("name: service-0049\npreferences: {region: eu-nowhere-1}\n")


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (write_broken_template, "corpus/team-3/template.yaml:3: not valid YAML"),
        (write_invalid_workloads, "did you mean 'memory_mb'?"),
        (write_unpriced_region, "no price book for 'eu-nowhere-1'"),
    ],
)
def test_bad_input_gives_the_same_error_with_or_without_workers(
    corpus: Path, capsys: pytest.CaptureFixture[str], breakage: Callable[[Path], None], message: str
) -> None:
    breakage(corpus)
    results = [review(capsys, "--format", "json", "--strict", jobs=jobs) for jobs in (1, 2)]
    code, out, err = results[0]
    assert code == 2
    assert out == "", "nothing is written before every file is read and every workload checked"
    assert err.startswith("decider: ")
    assert message in err
    assert "Traceback" not in err
    assert results[1] == results[0]


def test_both_invalid_workloads_are_named_with_file_and_line(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_invalid_workloads(corpus)
    _, _, err = review(capsys, "--strict", jobs=2)
    assert "invalid workload (2 problems)" in err
    assert "corpus/team-5/service-0005.yaml:1 service-0005: runtime.memroy_mb" in err
    assert "corpus/team-7/service-0007.yaml:1 service-0007: runtime.max_duration_s" in err


def _fail_on_service_0042(parsed: object, ruleset: object, **options: object) -> object:
    from decider.engine import decide
    from decider.errors import Problem, WorkloadError

    if getattr(parsed, "workload").name == "service-0042":  # noqa: B009 - parsed is a ParsedWorkload
        raise WorkloadError([Problem("service-0042", "cannot be decided")])
    return decide(parsed, ruleset, **options)  # type: ignore[arg-type]


@pytest.mark.skipif(sys.platform != "linux", reason="workers inherit the patched engine only when forked")
def test_an_error_in_a_worker_reads_as_it_does_in_this_process(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("decider.review.decide", _fail_on_service_0042)
    serial = review(capsys, "--format", "table", jobs=1)
    assert serial[0] == 2
    assert serial[2] == "decider: invalid workload (1 problem):\n  - service-0042: cannot be decided\n"
    assert review(capsys, "--format", "table", jobs=2) == serial
    streamed = [review(capsys, "--format", "json", jobs=jobs) for jobs in (1, 2)]
    before = [item.name for item in find_workloads([FOLDER]).workloads].index("service-0042")
    assert before > 8, "the failing workload is not in the first chunk"
    assert streamed[0][1].count('\n    {\n      "name": "service-') == before, "those before it were written"
    assert streamed[1] == streamed[0]


def _stop_the_worker(*args: object) -> None:
    os._exit(3)


@pytest.mark.skipif(sys.platform != "linux", reason="workers inherit the patched function only when forked")
def test_a_worker_that_dies_is_reported_without_a_traceback(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_review, "_review_in_worker", _stop_the_worker)
    code, _, err = review(capsys, "--format", "json", jobs=2)
    assert code == 2
    assert err.startswith("decider: cannot review (1 problem):\n  - --jobs: a worker process stopped")
    assert "run again with --jobs 1" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_garbage_collector_is_as_it_was_after_a_review(
    corpus: Path, capsys: pytest.CaptureFixture[str], jobs: int
) -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert review(capsys, "--format", "json", jobs=jobs)[0] == 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
    write_broken_template(corpus)
    assert review(capsys, "--strict", jobs=jobs)[0] == 2
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_jobs_must_be_a_positive_whole_number(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["review", ".", "--jobs", value])
    assert caught.value.code == 2
    assert f"argument --jobs: give a whole number of worker processes, 1 or more, got {value!r}" in (
        capsys.readouterr().err
    )


def test_jobs_defaults_to_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli_review.cpu_count() >= 1
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert cli_review.cpu_count() == 1


def test_a_chunk_that_fails_returns_what_came_before_and_an_error_that_survives_pickling(
    corpus: Path, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("decider.review.decide", _fail_on_service_0042)
    chunk = [item for item in find_workloads([FOLDER]).workloads if item.name <= "service-0042"]
    chunk.sort(key=lambda item: item.name)
    done, failure = cli_review.review_chunk(chunk, ruleset, 5.0, "json")
    assert len(done) == 42
    error = pickle.loads(pickle.dumps(failure))  # noqa: S301 - as it comes back from a worker
    assert isinstance(error, WorkloadError)
    assert error.problems == (Problem("service-0042", "cannot be decided"),)
    assert str(error) == "invalid workload (1 problem):\n  - service-0042: cannot be decided"
    assert cli_review.review_chunk(chunk[:42], ruleset, 5.0, "sarif")[1] is None
