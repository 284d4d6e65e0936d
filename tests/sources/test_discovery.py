"""Which files a review reads: a source that does not parse is an error (the --strict gate counts it) while a file
that is no source is skipped; each file once however the paths overlap; folders reached through symlinks followed
inside the tree and listed, with the reason, when they lead out of it or back up it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from decider.cli import main
from decider.sources import find_workloads

WORKLOAD = "runtime: {memory_mb: 512}\ntraffic: {pattern: steady}\n"
TEMPLATE = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {MemorySize: 512}\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


BROKEN = {
    "taskdef.json": '{"family": "w", "cpu": "512", "containerDefinitions": [{"name": "w", "image": "w"},]}',
    "workload.yaml": "name: w\nruntime:\n  memory_mb: 512\n  vcpu: [0.5\n",
    "helmish.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n",
    "plan.json": '{"format_version": "1.2", "planned_values": {"root_module": {]}}',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_source_that_does_not_parse_is_unreadable_and_fails_strict(
    here: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A task definition, workload file, manifest with Helm actions outside a chart, or plan with a typo drops its
    workloads from the review: it is listed under "Could not read" and --strict exits 2, as a broken template does,
    with the same reason and advice."""
    (here / "infra").mkdir()
    (here / "infra" / name).write_text(BROKEN[name], encoding="utf-8")
    discovery = find_workloads(["infra"], keep_going=True)
    assert discovery.skipped == []
    [unreadable] = discovery.unreadable
    assert unreadable.file == f"infra/{name}"
    assert unreadable.reason.startswith("not valid")
    assert main(["review", "infra", "--strict"]) == 2
    strict = capsys.readouterr().err
    if name == "helmish.yaml":  # what to do with it, in the report and from the gate that fails the build alike
        assert unreadable.reason.endswith("render it with `helm template` and review the output)")
        assert f"infra/{name}:4: {unreadable.reason}" in strict
    assert main(["review", "infra"]) == 0
    capsys.readouterr()


def test_a_file_that_is_no_source_and_does_not_parse_is_still_skipped(here: Path) -> None:
    (here / "infra").mkdir()
    (here / "infra" / "workflow.yaml").write_text("on: push\njobs: [\n", encoding="utf-8")
    (here / "infra" / "package.json").write_text('{"name": "x",}', encoding="utf-8")
    discovery = find_workloads(["infra"], keep_going=True)
    assert discovery.unreadable == []
    assert [file for file, _ in discovery.skipped] == ["infra/package.json", "infra/workflow.yaml"]


#: AWS Copilot manifests as aws/copilot-cli's own test data keeps them, outside any copilot/ folder, abridged.
COPILOT = {
    "lb-svc.yml": (
        'name: frontend\ntype: Load Balanced Web Service\nhttp:\n  path: ""\nimage:\n  build: ./frontend/Dockerfile\n'
        "  port: 80\ncpu: 256\nmemory: 512\ncount: 1\nexec: true\nnetwork:\n  connect: true\n"
    ),
    "environment-import-vpc.yml": (
        "name: test\ntype: Environment\nnetwork:\n  vpc:\n    id: mock-vpc-id\n"
        "http:\n  public:\n    certificates: [mock-cert-1, mock-cert-2]\nobservability:\n  container_insights: true\n"
    ),
}


def test_copilot_manifests_anywhere_are_listed_as_copilot_not_read_as_workload_files(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Copilot manifest is one by its type wherever it is: listed as not read (format: AWS Copilot), named or found
    under a folder, and --strict passes; its network section is not a workload file's. A file whose only workload
    looking key is network, beside keys decider does not know, is no workload file; one that also gives runtime is."""
    (here / "testdata").mkdir()
    for name, text in COPILOT.items():
        (here / "testdata" / name).write_text(text, encoding="utf-8")
    (here / "testdata" / "other.yml").write_text("image: {port: 80}\nnetwork: {connect: true}\n", encoding="utf-8")
    (here / "testdata" / "api.yaml").write_text(WORKLOAD + "network: {nat_gateways: 1}\n", encoding="utf-8")
    discovery = find_workloads(["testdata"], keep_going=True)
    assert discovery.unreadable == []
    assert [workload.file for workload in discovery.workloads] == ["testdata/api.yaml"]
    assert dict(discovery.skipped) == {
        "testdata/environment-import-vpc.yml": "not read (format: AWS Copilot)",
        "testdata/lb-svc.yml": "not read (format: AWS Copilot)",
        "testdata/other.yml": "not a workload file, template, task definition or manifest",
    }
    assert main(["review", "testdata", "--strict"]) == 0
    assert main(["review", "testdata/lb-svc.yml", "testdata/api.yaml", "--strict"]) == 0
    assert "testdata/lb-svc.yml: not read (format: AWS Copilot)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "paths",
    [["sam", "sam/template.yaml"], ["sam/template.yaml", "sam"], ["sam", "sam"], ["sam", "./sam/../sam"]],
)
def test_overlapping_paths_read_each_file_once(here: Path, paths: list[str]) -> None:
    """A folder and a file in it (or the folder twice) review each workload once: counts, costs, SARIF results and the
    --fail-on count are not doubled. The first path to reach a file places it."""
    (here / "sam").mkdir()
    (here / "sam" / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    (here / "sam" / "api.yaml").write_text(WORKLOAD, encoding="utf-8")
    found = find_workloads(paths).workloads
    expected = ["api", "Fn"] if paths[0] != "sam/template.yaml" else ["Fn", "api"]
    assert [workload.name for workload in found] == expected


def test_a_terraform_folder_named_twice_is_read_once(here: Path) -> None:
    (here / "tf").mkdir()
    (here / "tf" / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  function_name = "f"\n}\n')
    found = find_workloads(["tf", "tf/main.tf"]).workloads
    assert [workload.name for workload in found] == ["aws_lambda_function.f"]


def test_a_folder_symlink_inside_the_tree_is_followed(here: Path) -> None:
    (here / "repo" / "real").mkdir(parents=True)
    (here / "repo" / "real" / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    (here / "repo" / "real" / "main.tf").write_text('resource "aws_lambda_function" "f" {\n}\n')
    (here / "repo" / "linked").mkdir()
    os.symlink("../real", here / "repo" / "linked" / "in")
    discovery = find_workloads(["repo/linked"], keep_going=True)  # the link leads out of the folder reviewed
    assert (discovery.workloads, discovery.skipped) == (
        [],
        [("repo/linked/in", "not read: a symlink to outside the folder reviewed")],
    )
    discovery = find_workloads(["repo"])  # inside the tree: followed, and each file read once, shown where it is
    assert sorted((item.name, item.file) for item in discovery.workloads) == [
        ("Fn", "repo/real/t.yaml"),
        ("aws_lambda_function.f", "repo/real/main.tf"),
    ]
    assert discovery.skipped == []
    os.symlink("real", here / "repo" / "same")  # a second way to a folder walked already: said, not read again
    discovery = find_workloads(["repo"])
    assert len(discovery.workloads) == 2
    assert discovery.skipped == [("repo/same", "not read: a symlink to a folder reviewed already")]


def test_a_folder_symlink_loop_is_listed_not_walked(here: Path) -> None:
    (here / "loops" / "d").mkdir(parents=True)
    (here / "loops" / "a.yaml").write_text(WORKLOAD, encoding="utf-8")
    os.symlink("..", here / "loops" / "d" / "up")
    os.symlink(".", here / "loops" / "d" / "me")
    discovery = find_workloads(["loops"])
    assert [workload.name for workload in discovery.workloads] == ["a"]
    assert discovery.skipped == [
        ("loops/d/me", "not read: a symlink loop (it leads back to a folder it is in)"),
        ("loops/d/up", "not read: a symlink loop (it leads back to a folder it is in)"),
    ]
