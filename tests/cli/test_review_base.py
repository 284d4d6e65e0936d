"""``decider review --base``: two versions of the same Terraform, the cost delta and the changed verdicts they give,
in every format; SARIF and --fail-on count only what the change brings; bad bases are clear errors (exit 2)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from decider.cli import main

FUNCTION = """resource "aws_lambda_function" "{name}" {{
  function_name = "{name}"
  memory_size   = {memory}
  timeout       = {timeout}
  architectures = ["arm64"]
}}
"""
USAGE = """aws_lambda_function.api:
  traffic: {requests_per_month: 3000000, peak_rps: 50}
aws_lambda_function.report:
  traffic: {requests_per_month: 100000}
aws_lambda_function.old:
  traffic: {requests_per_month: 500000}
"""


def write_version(
    folder: Path, *, api_memory: int, report_timeout: int, with_old: bool, with_report: bool, api_timeout: int = 28
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = FUNCTION.format(name="api", memory=api_memory, timeout=api_timeout)
    if with_report:
        text += FUNCTION.format(name="report", memory=512, timeout=report_timeout)
    if with_old:
        text += FUNCTION.format(name="old", memory=256, timeout=10)
    (folder / "main.tf").write_text(text)


def git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *arguments],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose commit has version 1 and whose working tree has version 2 of infra/."""
    git(tmp_path, "init", "-q", "-b", "main")
    write_version(tmp_path / "infra", api_memory=512, report_timeout=60, with_old=True, with_report=False)
    (tmp_path / "usage.yaml").write_text(USAGE)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "v1")
    write_version(
        tmp_path / "infra", api_memory=10240, report_timeout=1800, with_old=False, with_report=True, api_timeout=900
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def diff_of(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["review", "infra", "--usage", "usage.yaml", "--format", "json", *arguments])
    return code, json.loads(capsys.readouterr().out)


def test_base_ref_reports_added_removed_changed_and_the_cost_delta(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = diff_of(capsys, "--base", "main")
    assert code == 0
    changes = {change["name"]: change for change in report["diff"]["changes"]}
    api, report_fn, old = (
        changes["aws_lambda_function.api"],
        changes["aws_lambda_function.report"],
        changes["aws_lambda_function.old"],
    )
    assert (api["change"], report_fn["change"], old["change"]) == ("changed", "added", "removed")
    # 2048 MB instead of 512 MB for the same requests and duration: the bill grows, by the difference of the two bills.
    assert api["monthly_cost_after_usd"] > api["monthly_cost_before_usd"]
    assert api["monthly_cost_delta_usd"] == round(api["monthly_cost_after_usd"] - api["monthly_cost_before_usd"], 2)
    assert old["monthly_cost_delta_usd"] == -old["monthly_cost_before_usd"]
    assert report_fn["verdict_after"] == "move"  # a 1,800 s timeout: over Lambda's 900 s limit
    # A 900 s timeout and 10,240 MB instead of 28 s and 512 MB: the api may now run for all of Lambda's 15 minutes
    # with all of its memory, with no headroom left (limits.lambda-max-duration.headroom and
    # limits.lambda-memory.headroom): keep -> consider.
    assert (api["verdict_before"], api["verdict_after"]) == ("keep", "consider")
    assert (api["file"], old["file"]) == ("infra/main.tf", "infra/main.tf")
    summary = report["diff"]["summary"]
    assert (summary["added"], summary["removed"], summary["changed"], summary["new_findings"]) == (1, 1, 1, 2)
    assert summary["verdicts_changed"] == 1
    total = sum(change["monthly_cost_delta_usd"] for change in changes.values() if change["monthly_cost_delta_usd"])
    assert summary["monthly_cost_delta_usd"] == pytest.approx(total, abs=0.011)
    assert [item["name"] for item in report["review"]["workloads"]] == [
        "aws_lambda_function.api",
        "aws_lambda_function.report",
    ]


def test_a_verdict_that_changes_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    # aws_lambda_function.old is in neither version now: its entry applies to nothing, and the others still apply
    write_version(
        repo / "infra", api_memory=10240, report_timeout=60, with_old=False, with_report=True, api_timeout=900
    )
    code, report = diff_of(capsys, "--base", "HEAD")
    assert code == 0
    changes = {change["name"]: change for change in report["diff"]["changes"]}
    fixed = changes["aws_lambda_function.report"]
    assert (fixed["change"], fixed["verdict_before"]) == ("changed", "move")
    assert fixed["verdict_after"] in ("keep", "consider")
    assert report["diff"]["summary"]["verdicts_changed"] == 1
    assert changes["aws_lambda_function.api"]["change"] == "unchanged"


def test_markdown_leads_with_the_diff_and_sarif_has_only_new_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "infra", "--usage", "usage.yaml", "--format", "markdown", "--base", "main"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("<!-- decider-review -->\n### decider: this change — against main: 1 added, 1 removed")
    assert text.index("| `aws_lambda_function.report` | new: move |") < text.index("### decider review:")
    assert text.count("<!-- decider-review -->") == 1
    assert main(["review", "infra", "--usage", "usage.yaml", "--format", "sarif", "--base", "main"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    found = {(result["locations"][0]["physicalLocation"]["region"]["startLine"], result["level"]) for result in results}
    assert found == {(1, "warning"), (7, "error")}  # the new consider (api) and the new move (report)
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "main"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("decider review against main:")
    assert "removed (was keep)" in table


def test_fail_on_counts_only_new_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "main", "--fail-on", "move"]) == 1
    assert "tripped by 1 new finding(s)" in capsys.readouterr().err
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "main", "--fail-on", "consider"]) == 1
    assert "tripped by 2 new finding(s)" in capsys.readouterr().err
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")  # the move is now in the base: not new
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "HEAD", "--fail-on", "move"]) == 0


def test_base_path_compares_two_folders(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_version(repo / "v1", api_memory=512, report_timeout=60, with_old=True, with_report=False)
    code, report = diff_of(capsys, "--base-path", "v1")
    assert code == 0
    assert {change["name"]: change["change"] for change in report["diff"]["changes"]} == {
        "aws_lambda_function.api": "changed",
        "aws_lambda_function.report": "added",
        "aws_lambda_function.old": "removed",
    }
    assert report["diff"]["base"] == "v1"


def test_a_base_new_folder_makes_every_workload_new(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(repo / "infra", repo / "fresh")
    code = main(["review", "fresh", "--usage", "usage.yaml", "--format", "json", "--base", "main"])
    assert code == 0
    changes = json.loads(capsys.readouterr().out)["diff"]["changes"]
    assert {change["change"] for change in changes} == {"added"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--base", "no-such-branch"], "--base no-such-branch: no such commit, branch or tag"),
        (["--base", "main", "--base-path", "infra"], "give --base REF or --base-path DIR, not both"),
        (["--base-path", "missing"], "--base-path missing: no such folder"),
    ],
)
def test_bad_bases_are_clear_errors(
    repo: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["review", "infra", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_base_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "plain"
    write_version(folder / "infra", api_memory=512, report_timeout=60, with_old=False, with_report=False)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["review", "infra", "--base", "main"]) == 2
    assert "not in a git repository" in capsys.readouterr().err


def test_no_change_says_so(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "HEAD"]) == 0
    assert "decider review against HEAD: 0 added, 0 removed, 0 verdict(s) changed" in capsys.readouterr().out
    assert main(["review", "infra", "--usage", "usage.yaml", "--base", "HEAD", "--format", "markdown"]) == 0
    assert "Nothing the review sees changed." in capsys.readouterr().out


def test_paths_outside_the_repository_and_a_file_base(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    write_version(outside, api_memory=512, report_timeout=60, with_old=False, with_report=False)
    assert main(["review", str(outside), "--base", "main"]) == 2
    assert "is outside the git repository" in capsys.readouterr().err
    assert main(["review", "infra/main.tf", "--base-path", "infra"]) == 2
    assert "compares one folder (the single PATH) with another" in capsys.readouterr().err


SERVICE = """resource "aws_ecs_task_definition" "worker" {{
  family                   = "worker"
  cpu                      = "1024"
  memory                   = "2048"
  requires_compatibilities = ["FARGATE"]
}}

resource "aws_ecs_service" "worker" {{
  name            = "worker"
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 2

  capacity_provider_strategy {{
    capacity_provider = "{provider}"
    weight            = 1
  }}
}}
"""


def test_a_move_to_fargate_spot_is_a_change_of_mode_and_cost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder, provider in (("v1", "FARGATE"), ("infra", "FARGATE_SPOT")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(SERVICE.format(provider=provider))
    (tmp_path / "usage.yaml").write_text(
        "aws_ecs_service.worker:\n  traffic: {pattern: steady, requests_per_month: 2000000}\n"
    )
    monkeypatch.chdir(tmp_path)
    code, report = diff_of(capsys, "--base-path", "v1")
    assert code == 0
    [change] = report["diff"]["changes"]
    assert (change["change"], change["mode_before"], change["mode_after"]) == ("changed", "on-demand", "spot")
    [worker] = report["review"]["workloads"]
    [fargate] = [entry for entry in worker["decision"]["ranking"] if entry["target"] == "ecs-fargate"]
    bills = {option["mode"]: option["monthly_usd"] for option in fargate["sizing"]["modes"]}
    assert change["monthly_cost_after_usd"] == bills["spot"]
    assert change["monthly_cost_delta_usd"] < 0  # Fargate Spot costs less than the on-demand tasks it replaces
    main(["review", "infra", "--usage", "usage.yaml", "--base-path", "v1"])
    assert "keep (on-demand → spot)" in capsys.readouterr().out


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - {{name: {name}, image: {name}:1, ports: [{{containerPort: 8080, name: http}}],
           resources: {{requests: {{cpu: 250m, memory: 256Mi}}}}}}
"""
NIGHTLY = """apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: job:1, resources: {requests: {cpu: 250m, memory: 256Mi}}}]
"""


def test_a_workload_added_to_an_existing_eks_cluster_is_not_charged_its_control_plane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review shares an existing cluster's control plane between its workloads; a change that adds one moves
    every share. The cluster pays it whatever the change, so the diff leaves it out: the added nightly job costs its
    own node time, and the services the change does not touch are unchanged."""
    for version, jobs in (("base", ""), ("head", NIGHTLY)):
        folder = tmp_path / version
        folder.mkdir()
        for name in ("vote", "result", "worker"):
            (folder / f"{name}.yaml").write_text(DEPLOYMENT.format(name=name))
        if jobs:
            (folder / "nightly.yaml").write_text(jobs)
    usage = "\n".join(f"{name}:\n  traffic: {{requests_per_month: 3000000}}" for name in ("vote", "result", "worker"))
    usage += "\nnightly:\n  runtime: {max_duration_s: 600, avg_duration_ms: 120000}"  # its run: two minutes
    (tmp_path / "usage.yaml").write_text(usage + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["review", "head", "--base-path", "base", "--usage", "usage.yaml", "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)["diff"]
    changes = {change["name"]: change for change in diff["changes"]}
    assert changes["nightly"]["change"] == "added"
    assert changes["nightly"]["monthly_cost_after_usd"] < 1  # a few minutes of node time a month, no $73 share
    assert {changes[name]["change"] for name in ("vote", "result", "worker")} == {"unchanged"}
    assert diff["summary"]["monthly_cost_delta_usd"] == changes["nightly"]["monthly_cost_delta_usd"]
