"""The Makefile's operations targets: ``make run PORT=...`` and ``make manifests`` as a part of ``make test``."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def dry_run(*arguments: str) -> list[str]:
    """The commands ``make -n`` would run (nothing runs)."""
    # Run from `make test`, make would pass its own flags down and print "Entering/Leaving directory" lines.
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
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


def test_make_test_runs_schemathesis_and_the_adversarial_suite_against_live_servers() -> None:
    match = re.search(r"^test:(.*)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match
    assert {"fuzz", "adversarial"} <= set(match.group(1).split())
    assert dry_run("adversarial")[-1] == ".venv/bin/python tests/live_adversarial.py"
    assert dry_run("fuzz")[-1] == ".venv/bin/python tests/live_schemathesis.py"
