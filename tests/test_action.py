"""decider's GitHub Action: action.yml's shape and pins, and scripts/decider-action.sh run here as the Action runs it.

The script gets its inputs from environment variables, as action.yml passes them. The GitHub CLI is a stub on the
PATH that records its arguments and the JSON body it would send, and answers the comment listing with the ids a test
gives; so the comment's create-or-update logic is checked without a network.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
ACTION = REPO_ROOT / "action.yml"
SCRIPT = REPO_ROOT / "scripts" / "decider-action.sh"
DECIDER = Path(sys.executable).parent / "decider"
EXAMPLE = "examples/iac"
EXAMPLE_USAGE = "examples/iac/usage.yaml"
MARKER = "<!-- decider-review -->"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

GH_STUB = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args}}
if "--input" in args:
    with open(args[args.index("--input") + 1], encoding="utf-8") as body:
        record["input"] = json.load(body)
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
if "--paginate" in args:
    sys.stdout.write(os.environ.get("GH_COMMENT_IDS", ""))
sys.exit(int(os.environ.get("GH_EXIT", "0")))
"""

PYTHON_STUB = """#!{python}
import json, os, shutil, sys
args = sys.argv[1:]
if args[:2] == ["-m", "venv"]:
    os.makedirs(os.path.join(args[2], "bin"), exist_ok=True)
    shutil.copy(__file__, os.path.join(args[2], "bin", "python"))
else:
    with open(os.environ["PYTHON_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(args) + "\\n")
"""


@dataclass
class Run:
    """One run of the script: its exit code and output, the gh calls, and the step outputs it wrote."""

    returncode: int
    stdout: str
    stderr: str
    gh_calls: list[dict[str, Any]]
    outputs: dict[str, str]
    summary: str


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


def stub(folder: Path, name: str, template: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(template.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return path


def run_script(
    tmp_path: Path, command: str = "review", gh: bool = True, extra: dict[str, str] | None = None, **env: str
) -> Run:
    """Run the script from the repository root, inputs from ``env`` (and ``extra``) over the defaults below."""
    stubs = tmp_path / "bin"
    stubs.mkdir(parents=True, exist_ok=True)
    if gh:
        stub(stubs, "gh", GH_STUB)
    log, outputs, summary = tmp_path / "gh.log", tmp_path / "github-output", tmp_path / "step-summary.md"
    environment = {
        **os.environ,
        "PATH": os.pathsep.join([str(stubs), str(DECIDER.parent), os.environ.get("PATH", "")]),
        "DECIDER": str(DECIDER),
        "PYTHON": sys.executable,
        "GH_LOG": str(log),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_REPOSITORY": "octo-org/shop",
        "PR_NUMBER": "42",
        "INPUT_PATHS": EXAMPLE,
        "INPUT_USAGE": EXAMPLE_USAGE,
        "INPUT_SARIF": str(tmp_path / "reports" / "decider.sarif"),
        "INPUT_MARKDOWN": str(tmp_path / "reports" / "decider-review.md"),
        "NO_COLOR": "1",
        **env,
        **(extra or {}),
    }
    result = subprocess.run(
        ["bash", str(SCRIPT), command],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return Run(
        result.returncode,
        result.stdout,
        result.stderr,
        calls,
        written,
        summary.read_text(encoding="utf-8") if summary.exists() else "",
    )


# --- action.yml ---------------------------------------------------------------------------------------------------


def test_the_action_is_composite_with_the_documented_inputs() -> None:
    metadata = action()
    assert metadata["runs"]["using"] == "composite"
    inputs = metadata["inputs"]
    assert {"paths", "usage", "fail-on", "format", "version", "sarif", "comment"} <= set(inputs)
    assert inputs["paths"]["default"] == "."
    assert inputs["sarif"]["default"] == "decider.sarif"
    assert inputs["fail-on"]["default"] in {"consider", "move", "none"}
    assert inputs["comment"]["default"] == "true"
    assert all(spec.get("description") for spec in inputs.values())
    assert {"exit-code", "sarif", "markdown"} <= set(metadata["outputs"])


def test_every_action_the_action_uses_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    steps = action()["runs"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(use.startswith("actions/setup-python@") for use in uses)
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    assert all(PINNED.match(use) for use in uses), uses
    text = ACTION.read_text(encoding="utf-8")
    for use in uses:
        assert re.search(rf"uses: {re.escape(use)} # v\d+\.\d+\.\d+$", text, re.MULTILINE), use


def test_the_shell_steps_run_the_script_and_take_inputs_only_through_the_environment() -> None:
    steps = action()["runs"]["steps"]
    runs = [step for step in steps if "run" in step]
    assert [step["run"] for step in runs] == [
        'bash "$GITHUB_ACTION_PATH/scripts/decider-action.sh" install',
        'bash "$GITHUB_ACTION_PATH/scripts/decider-action.sh" review',
    ]
    assert all(step["shell"] == "bash" for step in runs)
    assert all("${{" not in step["run"] for step in runs)
    review = next(step for step in runs if step["id"] == "review")
    for name in ("paths", "usage", "fail-on", "format", "sarif", "comment"):
        assert review["env"][f"INPUT_{name.upper().replace('-', '_')}"] == f"${{{{ inputs.{name} }}}}"
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "!cancelled()" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.review.outputs.sarif }}"


def test_the_script_is_executable() -> None:
    assert os.access(SCRIPT, os.X_OK)


# --- the review: reports, comment, exit code ------------------------------------------------------------------------


def test_the_review_writes_sarif_and_the_markdown_comment_and_posts_a_new_comment(tmp_path: Path) -> None:
    run = run_script(tmp_path)
    assert run.returncode == 0, run.stderr
    sarif = json.loads(Path(run.outputs["sarif"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"]
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "decider"
    markdown = Path(run.outputs["markdown"]).read_text(encoding="utf-8")
    assert markdown.splitlines()[0] == MARKER
    assert "decider review: 4 workloads" in markdown
    assert run.outputs["exit-code"] == "0"
    assert run.summary == markdown

    listing, post = run.gh_calls
    assert listing["args"][:3] == ["api", "--paginate", "repos/octo-org/shop/issues/42/comments?per_page=100"]
    assert json.dumps(MARKER) in listing["args"][listing["args"].index("--jq") + 1]
    assert post["args"][:4] == ["api", "--method", "POST", "repos/octo-org/shop/issues/42/comments"]
    assert post["input"] == {"body": markdown}
    assert "commented on pull request #42" in run.stdout
    assert "decider review: 4 workloads" in run.stdout  # the log, in the table format


def test_the_comment_that_starts_with_the_marker_is_updated_not_duplicated(tmp_path: Path) -> None:
    run = run_script(tmp_path, GH_COMMENT_IDS="4242\n5151\n")
    assert run.returncode == 0, run.stderr
    assert [call["args"][:4] for call in run.gh_calls[1:]] == [
        ["api", "--method", "PATCH", "repos/octo-org/shop/issues/comments/4242"]
    ]
    assert run.gh_calls[1]["input"]["body"].startswith(MARKER)
    assert "updated comment 4242" in run.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_comment_filter_picks_the_comments_that_start_with_the_marker(tmp_path: Path) -> None:
    listing = run_script(tmp_path).gh_calls[0]["args"]
    comments = [
        {"id": 1, "body": "LGTM"},
        {"id": 2, "body": None},
        {"id": 3, "body": f"quoting {MARKER} is not the report"},
        {"id": 4, "body": f"{MARKER}\n### decider review: 3 workloads"},
    ]
    found = subprocess.run(
        ["jq", listing[listing.index("--jq") + 1]], input=json.dumps(comments), capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["4"]


@pytest.mark.parametrize(("fail_on", "code"), [("consider", 1), ("move", 0), ("none", 0)])
def test_the_exit_code_is_deciders_for_fail_on(tmp_path: Path, fail_on: str, code: int) -> None:
    # The example has one consider and no move (tests/test_examples_iac.py).
    run = run_script(tmp_path, INPUT_FAIL_ON=fail_on, INPUT_FORMAT="json")
    assert run.returncode == code, run.stderr
    assert run.outputs["exit-code"] == str(code)
    assert json.loads(run.stdout[run.stdout.index("{") :])["summary"]["consider"] == 1
    if code:
        assert "review gate --fail-on consider tripped by 1 workload(s)" in run.stderr
    # The reports and the comment come first: a tripped gate still leaves them.
    assert Path(run.outputs["sarif"]).is_file()
    assert [call["args"][2] for call in run.gh_calls[1:]] == ["POST"]


def test_no_comment_when_asked_for_none_or_outside_a_pull_request(tmp_path: Path) -> None:
    assert run_script(tmp_path / "off", INPUT_COMMENT="false").gh_calls == []
    outside = run_script(tmp_path / "push", PR_NUMBER="")
    assert outside.returncode == 0, outside.stderr
    assert outside.gh_calls == []
    assert "not a pull request, so no comment" in outside.stdout


def test_a_comment_that_cannot_be_posted_warns_and_leaves_the_gate_to_decider(tmp_path: Path) -> None:
    run = run_script(tmp_path, GH_EXIT="1")
    assert run.returncode == 0
    assert "::warning title=decider::could not list the pull request's comments" in run.stderr


@pytest.mark.skipif(shutil.which("gh") is not None, reason="the GitHub CLI is installed here")
def test_without_the_github_cli_the_review_still_runs(tmp_path: Path) -> None:
    run = run_script(tmp_path, gh=False, INPUT_FAIL_ON="consider")
    assert run.returncode == 1
    assert "the GitHub CLI (gh) is not installed" in run.stderr
    assert Path(run.outputs["markdown"]).is_file()


def test_several_paths_separated_by_new_lines(tmp_path: Path) -> None:
    run = run_script(
        tmp_path, INPUT_PATHS="examples/iac/sam\n  examples/iac/ecs", INPUT_USAGE="", INPUT_COMMENT="false"
    )
    assert run.returncode == 0, run.stderr
    assert "decider review: 3 workloads" in run.stdout


def test_bad_input_exits_2_before_any_report_or_comment(tmp_path: Path) -> None:
    run = run_script(tmp_path, INPUT_USAGE="examples/iac/no-such-usage.yaml")
    assert run.returncode == 2
    assert "no such usage file" in run.stderr
    assert "::error title=decider::decider review could not run (exit 2)" in run.stderr
    assert run.outputs == {"exit-code": "2"}
    assert not (tmp_path / "reports" / "decider.sarif").exists()
    assert run.gh_calls == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("INPUT_FAIL_ON", "always", "fail-on is consider, move or none, not 'always'"),
        ("INPUT_FORMAT", "html", "format is table, json, markdown or sarif, not 'html'"),
        ("INPUT_COMMENT", "yes", "comment is true or false, not 'yes'"),
    ],
)
def test_a_bad_input_value_exits_2(tmp_path: Path, name: str, value: str, message: str) -> None:
    run = run_script(tmp_path, extra={name: value})
    assert run.returncode == 2
    assert message in run.stderr
    assert run.gh_calls == []


# --- install -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "requirement"),
    [
        ("0.1.0", "decider-aws==0.1.0"),
        ("v0.2.1", "decider-aws==0.2.1"),
        (
            "decider-aws @ git+https://github.com/your-org/decider@v0.1.0",
            "decider-aws @ git+https://github.com/your-org/decider@v0.1.0",
        ),
    ],
)
def test_install_takes_a_version_or_a_requirement(tmp_path: Path, version: str, requirement: str) -> None:
    pip = install(tmp_path, version)
    assert pip[:3] == ["-m", "pip", "install"]
    assert pip[-1] == requirement
    assert "--constraint" not in pip


def test_install_defaults_to_the_actions_own_checkout_with_its_pins(tmp_path: Path) -> None:
    pip = install(tmp_path, "")
    assert pip[-3:] == ["--constraint", f"{REPO_ROOT}/constraints.txt", str(REPO_ROOT)]


def install(tmp_path: Path, version: str) -> list[str]:
    python = stub(tmp_path / "python", "python3", PYTHON_STUB)
    venv = tmp_path / "venv"
    run = run_script(
        tmp_path,
        "install",
        PYTHON=str(python),
        PYTHON_LOG=str(tmp_path / "python.log"),
        DECIDER_VENV=str(venv),
        GITHUB_ACTION_PATH=str(REPO_ROOT),
        INPUT_VERSION=version,
    )
    assert run.returncode == 0, run.stderr
    assert run.outputs == {"decider": f"{venv}/bin/decider"}
    calls = [json.loads(line) for line in (tmp_path / "python.log").read_text().splitlines()]
    assert len(calls) == 1
    pip: list[str] = calls[0]
    return pip


# --- the pre-commit hooks ------------------------------------------------------------------------------------------

HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in loaded}


def run_hook(hook: dict[str, Any], args: list[str]) -> subprocess.CompletedProcess[str]:
    """The hook's entry as pre-commit runs it: the entry, then the args, from the repository root."""
    environment = {**os.environ, "PATH": os.pathsep.join([str(DECIDER.parent), os.environ.get("PATH", "")])}
    return subprocess.run(
        [*shlex.split(hook["entry"]), *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_hooks_have_what_pre_commit_requires() -> None:
    found = hooks()
    assert set(found) == {"decider-rules-lint", "decider-review"}
    for hook in found.values():
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository with pip
        assert hook["entry"].split()[0] == "decider"
        assert isinstance(hook["pass_filenames"], bool)
        re.compile(hook["files"])
    assert "--fail-on move" in found["decider-review"]["entry"]


@pytest.mark.parametrize(
    ("hook_id", "matched", "not_matched"),
    [
        (
            "decider-rules-lint",
            ["rules/limits.yaml", "docs/examples/org-rules/policy.yaml", "platform/rules/team.yml"],
            ["examples/iac/usage.yaml", "rules/README.md", "src/rulesets.py"],
        ),
        (
            "decider-review",
            ["examples/iac/sam/template.yaml", "examples/workload.json", "k8s/app.yml"],
            ["README.md", "src/handler.py"],
        ),
    ],
)
def test_the_hooks_run_for_the_files_they_check(hook_id: str, matched: list[str], not_matched: list[str]) -> None:
    files = re.compile(hooks()[hook_id]["files"])
    assert [path for path in matched if not files.search(path)] == []
    assert [path for path in not_matched if files.search(path)] == []


def test_the_rules_lint_hook_passes_on_the_shipped_and_the_example_rules() -> None:
    hook = hooks()["decider-rules-lint"]
    assert hook["pass_filenames"] is False  # decider rules lint takes directories
    for args in (hook["args"], ["docs/examples/org-rules"]):
        result = run_hook(hook, args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("ok: ")


def test_the_review_hook_passes_on_the_example_repository() -> None:
    hook = hooks()["decider-review"]
    assert hook["pass_filenames"] is False  # the usage file names resources across the whole review
    result = run_hook(hook, ["examples/iac", "--usage", "examples/iac/usage.yaml"])
    assert result.returncode == 0, result.stderr
    assert "decider review: 4 workloads" in result.stdout


def test_the_review_hook_fails_when_a_workload_must_move(tmp_path: Path) -> None:
    report = {
        "name": "report-builder",
        "runtime": {"max_duration_s": 2400, "memory_mb": 3008},  # 40 minutes: past Lambda's 15
        "traffic": {"pattern": "scheduled", "requests_per_month": 730},
        "team": {"current_platform": "lambda"},
    }
    (tmp_path / "report-builder.yaml").write_text(yaml.safe_dump(report), encoding="utf-8")
    result = run_hook(hooks()["decider-review"], [str(tmp_path)])
    assert result.returncode == 1
    assert "review gate --fail-on move tripped" in result.stderr


# --- the example workflow ------------------------------------------------------------------------------------------

WORKFLOW = REPO_ROOT / "examples" / "ci" / "decider-action.yml"


def test_the_example_workflow_uses_the_action_pinned_and_least_privileged() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["review"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write", "security-events": "write"}
    assert 0 < job["timeout-minutes"] <= 30
    checkout, review = job["steps"]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["persist-credentials"] is False
    assert PINNED.match(checkout["uses"])
    assert re.search(rf"uses: {re.escape(checkout['uses'])} # v\d+\.\d+\.\d+$", text, re.MULTILINE)
    # decider's own Action has no published repository yet: the example says to put its release commit there.
    assert review["uses"] == "your-org/decider@<commit-sha>"
    assert set(review["with"]) <= set(action()["inputs"])
    assert review["with"]["fail-on"] == "move"


def test_the_example_workflow_pins_the_same_checkout_as_the_docs() -> None:
    workflow = WORKFLOW.read_text(encoding="utf-8")
    docs = (REPO_ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+@\S+)", workflow)
    assert uses
    assert all(use in docs for use in uses)


CDK_STUB = """#!{python}
import json, os, sys
if sys.argv[1:] != ["synth", "--quiet", "--output", "cdk.out"] or os.environ.get("CDK_FAIL"):
    sys.exit(1)
os.makedirs("cdk.out", exist_ok=True)
function = {{"Type": "AWS::Lambda::Function", "Properties": {{"Runtime": "python3.12", "Timeout": 1200}}}}
with open("cdk.out/ShopStack.template.json", "w", encoding="utf-8") as out:
    json.dump({{"Resources": {{"Report": function}}}}, out)
"""


def test_a_cdk_app_is_synthesised_first_and_its_templates_reviewed(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    cdk = stub(tmp_path / "bin", "cdk", CDK_STUB)
    run = run_script(tmp_path, INPUT_PATHS=str(app), INPUT_USAGE="", INPUT_CDK_APP=str(app), CDK=str(cdk))
    assert run.returncode == 1, run.stderr  # a Lambda function of 20 minutes must move: the move gate trips
    markdown = Path(run.outputs["markdown"]).read_text(encoding="utf-8")
    assert "decider review: 1 workload: 0 keep, 0 consider, 1 move" in markdown
    assert "ShopStack.template.json" in markdown
    failed = run_script(tmp_path, INPUT_PATHS=str(app), INPUT_CDK_APP=str(app), CDK=str(cdk), CDK_FAIL="1")
    assert failed.returncode == 2
    assert "cdk synth failed in" in failed.stderr
