"""The Makefile's operations targets: ``make run PORT=...`` and ``make manifests`` as a part of ``make test``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*arguments: str) -> list[str]:
    """The commands ``make -n`` would run (nothing runs)."""
    result = subprocess.run(["make", "-n", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def test_make_run_serves_on_port_8000_unless_told_otherwise() -> None:
    assert dry_run("run")[-1] == ".venv/bin/decider serve --host 127.0.0.1 --port 8000"
    assert dry_run("run", "PORT=8123")[-1] == ".venv/bin/decider serve --host 127.0.0.1 --port 8123"


def test_make_test_validates_the_manifests() -> None:
    match = re.search(r"^test:(.*)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match
    assert "manifests" in match.group(1).split()
    commands = "\n".join(dry_run("manifests"))
    assert "kubernetes-validate --strict" in commands
    assert "tests/test_deploy_kubernetes.py tests/test_deploy_ecs.py" in commands
