"""Golden outputs of ``decider review`` (every format) and ``decider adr`` over the IaC fixtures.

When decider's rules, prices or wording change on purpose, regenerate them and review the diff:

    .venv/bin/python tests/test_review_golden.py
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN = REPO_ROOT / "tests" / "golden" / "review"
IAC = "tests/fixtures/iac"
USAGE = f"{IAC}/usage.yaml"
REGENERATE = ".venv/bin/python tests/test_review_golden.py"

CASES: dict[str, list[str]] = {
    "review.txt": ["review", IAC, "--usage", USAGE],
    "review.json": ["review", IAC, "--usage", USAGE, "--format", "json"],
    "review.md": ["review", IAC, "--usage", USAGE, "--format", "markdown"],
    "review.sarif": ["review", IAC, "--usage", USAGE, "--format", "sarif"],
    "adr-report-builder.md": [
        "adr",
        f"{IAC}/sam/template.yaml",
        "--name",
        "ReportBuilder",
        "--usage",
        USAGE,
        "--date",
        "2026-11-27",
    ],
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


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_the_golden_file(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert render(CASES[name]) == expected, f"{name} differs from its golden file; if intended, run: {REGENERATE}"


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    for golden_name, arguments in CASES.items():
        (GOLDEN / golden_name).write_text(render(arguments), encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(REPO_ROOT) / golden_name}")
