"""Small golden outputs of ``decider review``, short enough to read in a diff: the terminal table and the
pull-request Markdown for the SAM template alone (four workloads: one move, two consider, one keep), and the table of
the capacity-modes fixtures (tests/fixtures/modes: Fargate Spot, Lambda Managed Instances, an EKS Fargate profile and
Auto Mode cluster, in CloudFormation, Kubernetes manifests, Terraform HCL and a plan).

The whole fixture tree, every format and ``decider adr`` are checked by focused assertions in
``tests/render/test_review_report.py``. When decider's rules, prices or wording change on purpose, regenerate the
goldens and read the diff:

    .venv/bin/python tests/test_review_golden.py
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN = REPO_ROOT / "tests" / "golden" / "review"
IAC = "tests/fixtures/iac"
USAGE = f"{IAC}/usage.yaml"
SAM = f"{IAC}/sam/template.yaml"
#: The workloads of the SAM template; the review refuses usage entries for names it does not find.
SAM_WORKLOADS = ("CheckoutFunction", "OrderConsumer", "ReportBuilder", "ImageResizer")
REGENERATE = ".venv/bin/python tests/test_review_golden.py"

#: golden file → the options after ``decider review tests/fixtures/iac/sam/template.yaml --usage <SAM usage>``
CASES: dict[str, list[str]] = {
    "review-sam.txt": [],
    "review-sam.md": ["--format", "markdown"],
}


#: golden file → the whole ``decider review`` command line for the capacity-modes fixtures
MODES_CASES: dict[str, list[str]] = {
    "review-modes.txt": ["review", "tests/fixtures/modes", "--usage", "tests/fixtures/modes/usage.yaml"],
}


def render(argv: list[str]) -> str:
    """Run the CLI from the repository root (paths in the output are relative to it) and return stdout."""
    from decider.cli import main

    previous = Path.cwd()
    out = io.StringIO()
    try:
        os.chdir(REPO_ROOT)
        with contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        os.chdir(previous)
    if code != 0:
        raise AssertionError(f"decider {' '.join(argv)} exited {code}")
    return out.getvalue()


def sam_usage(directory: Path) -> Path:
    """The fixture usage file cut down to the SAM template's workloads, written into ``directory``.

    The usage path never appears in the output, so the goldens do not depend on where this file is.
    """
    usage = yaml.safe_load((REPO_ROOT / USAGE).read_text(encoding="utf-8"))
    path = directory / "sam-usage.yaml"
    path.write_text(yaml.safe_dump({name: usage[name] for name in SAM_WORKLOADS}, sort_keys=False), encoding="utf-8")
    return path


def review_sam(options: list[str], directory: Path) -> str:
    return render(["review", SAM, "--usage", str(sam_usage(directory)), *options])


@pytest.mark.parametrize("name", sorted(CASES))
def test_sam_review_matches_the_golden_file(name: str, tmp_path: Path) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = review_sam(CASES[name], tmp_path)
    assert actual == expected, f"{name} differs from its golden file; if intended, run: {REGENERATE}"


@pytest.mark.parametrize("name", sorted(MODES_CASES))
def test_modes_review_matches_the_golden_file(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert render(MODES_CASES[name]) == expected, f"{name} differs from its golden file; if intended, run: {REGENERATE}"


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    with tempfile.TemporaryDirectory() as scratch:
        for golden_name, options in CASES.items():
            (GOLDEN / golden_name).write_text(review_sam(options, Path(scratch)), encoding="utf-8")
            print(f"wrote {GOLDEN.relative_to(REPO_ROOT) / golden_name}")
    for golden_name, argv in MODES_CASES.items():
        (GOLDEN / golden_name).write_text(render(argv), encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(REPO_ROOT) / golden_name}")
