"""What ``decider review`` reads from a folder: regular files inside it, within the size limit. Everything else is
listed with the reason (skipped), and what cannot be opened makes the review incomplete: exit 2, naming it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from decider.cli import main
from decider.document_limits import MAX_FILE_BYTES

WORKLOAD = "runtime: {memory_mb: 512}\ntraffic: {pattern: steady}\n"


def review(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    code = main(["review", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "api.yaml").write_text(WORKLOAD)
    return root


def test_special_files_are_skipped_with_their_reason(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tree / "fifo.yaml")
    (tree / "zero.yaml").symlink_to("/dev/zero")
    outside = tree.parent / "secret.yaml"
    outside.write_text(WORKLOAD)
    (tree / "outside.yaml").symlink_to(outside)
    (tree / "loop-a.yaml").symlink_to("loop-b.yaml")
    (tree / "loop-b.yaml").symlink_to("loop-a.yaml")
    with (tree / "huge.yaml").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    (tree / "inside.yaml").symlink_to(tree / "api.yaml")  # a link within the tree is read
    code, report, _ = review(capsys, "repo")
    assert code == 0
    assert report["skipped"] == [
        {"file": "repo/fifo.yaml", "reason": "not read: not a regular file (a device, FIFO or socket)"},
        {"file": "repo/huge.yaml", "reason": "not read: larger than 16 MiB"},
        {"file": "repo/loop-a.yaml", "reason": "not read: a symlink loop"},
        {"file": "repo/loop-b.yaml", "reason": "not read: a symlink loop"},
        {"file": "repo/outside.yaml", "reason": "not read: a symlink to outside the folder reviewed"},
        {"file": "repo/zero.yaml", "reason": "not read: a symlink to outside the folder reviewed"},
    ]
    assert "secret" not in json.dumps(report)  # the target outside is never printed
    assert report["summary"]["workloads"] == 2  # type: ignore[index]


@pytest.fixture
def locked(tree: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A sub-folder that cannot be listed (chmod 000; made to fail the same way when the tests run as root)."""
    folder = tree / "locked"
    folder.mkdir()
    (folder / "worker.yaml").write_text(WORKLOAD)
    scandir = os.scandir

    def refusing(path: str | os.PathLike[str] = ".") -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    folder.chmod(0)
    yield folder
    folder.chmod(0o755)


def test_a_folder_that_cannot_be_read_fails_the_review_naming_it(
    tree: Path, locked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err = review(capsys, "repo")
    assert code == 2
    assert report["unreadable"] == [{"file": "repo/locked", "line": None, "reason": "cannot read: Permission denied"}]
    assert err.splitlines()[-1] == "decider: the review is incomplete: cannot open repo/locked"


def test_a_file_that_cannot_be_opened_fails_the_review_naming_it(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tree / "secret.yaml"
    secret.write_text(WORKLOAD)
    secret.chmod(0)
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path).name != "secret.yaml" and access(path, mode))
    code, report, err = review(capsys, "repo")
    assert code == 2
    denied = {"file": "repo/secret.yaml", "line": None, "reason": "cannot read: permission denied"}
    assert report["unreadable"] == [denied]
    assert "cannot open repo/secret.yaml" in err


def test_an_unexpected_crash_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tree: Path
) -> None:
    import decider.cli.review as cli_review

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("x" * 10_000)

    monkeypatch.setattr(cli_review, "find_workloads", crash)
    code = main(["review", "repo"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("decider: could not finish: RuntimeError: 'xxx")
    assert len(err) < 200
    assert "Traceback" not in err


PAUSED = """apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-export}
spec:
  schedule: '@daily'
  suspend: true
  jobTemplate:
    spec:
      template:
        spec: {containers: [{name: e, image: e}]}
"""
DISABLED = """Transform: AWS::Serverless-2016-10-31
Resources:
  Report:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.h
      CodeUri: .
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
            Enabled: false
"""


def test_a_usage_file_may_name_a_workload_that_runs_nothing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A suspended CronJob and a function only a disabled schedule starts are listed as skipped; a usage file written
    while they ran still names them, and the review goes on (their entries have nothing to apply to), while a name
    that matches nothing at all is still an error."""
    (tree / "export.yaml").write_text(PAUSED)
    (tree / "template.yaml").write_text(DISABLED)
    usage = tree.parent / "usage.yaml"
    usage.write_text(
        "nightly-export: {traffic: {requests_per_month: 30}}\n"
        "Report: {runtime: {max_duration_s: 60}}\n"
        "repo/export.yaml#nightly-export: {runtime: {memory_mb: 1024}}\n"
    )
    code, report, err = review(capsys, "repo", "--usage", str(usage))
    assert (code, err) == (0, "")
    skipped, workloads = report["skipped"], report["workloads"]
    assert isinstance(skipped, list)
    assert isinstance(workloads, list)
    reasons = [item["reason"] for item in skipped]
    assert any(reason.startswith("line 1: CronJob nightly-export is suspended") for reason in reasons)
    assert any("AWS::Serverless::Function Report: its only schedule" in reason for reason in reasons)
    assert [item["name"] for item in workloads] == ["api"]
    usage.write_text("nightly-exprot: {traffic: {requests_per_month: 30}}\n")
    code, _, err = review(capsys, "repo", "--usage", str(usage))
    assert code == 2
    assert "nightly-exprot" in err
    assert "no workload or resource of this name was found" in err
