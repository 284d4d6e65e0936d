"""What the whole command line shares: ``decider --version``, shell completion (argcomplete) and a plain message,
not a traceback, when a command needs an optional extra that is not installed."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import decider
from decider import DISTRIBUTION
from decider.cli import main
from decider.cli.arguments import add_global_options, missing_extra, package_version
from tests.conftest import REPO_ROOT


def test_version_prints_the_installed_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"decider {importlib.metadata.version(DISTRIBUTION)}\n"


def test_version_falls_back_to_the_package_version_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert package_version() == decider.__version__


def test_the_version_option_exits_after_printing(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="decider")
    add_global_options(parser)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"decider {package_version()}\n"
    assert "--version" in parser.format_help()


def test_a_command_without_its_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def without_fastapi(argv: list[str]) -> int:
        raise ModuleNotFoundError("No module named 'fastapi'", name="fastapi")

    monkeypatch.setattr("decider.cli.run_command", without_fastapi)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "decider: this command needs the 'api' extra (fastapi is not installed); "
        f"install it with: pip install '{DISTRIBUTION}[api]'\n"
    )


def test_any_other_missing_module_is_named_in_one_line_not_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def without_something(argv: list[str]) -> int:
        raise ModuleNotFoundError("No module named 'something'", name="something")

    monkeypatch.setattr("decider.cli.run_command", without_something)
    assert main(["recommend", "x.yaml"]) == 2  # bad input's code, never a traceback; 1 stays the --fail-on gate's
    assert capsys.readouterr().err == (
        "decider: could not finish: ModuleNotFoundError: \"No module named 'something'\"\n"
    )
    assert missing_extra(ModuleNotFoundError("no name")) is None


def completions(line: str, tmp_path: Path) -> list[str]:
    """What the shell gets for ``line`` (cursor at its end), asked the way argcomplete's shell hook asks."""
    answer = tmp_path / "completions"
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "COMP_TYPE": "9",
    }
    subprocess.run(
        [sys.executable, "-c", "from decider.cli import run; run()"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
        check=True,
    )
    return answer.read_text().split("\v")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("decider rec", {"recommend"}),
        ("decider --v", {"--version"}),
        ("decider rules ", {"list", "show", "lint", "fields"}),  # a lazily defined command's own commands
        ("decider review --fa", {"--fail-on"}),
        ("decider recommend --format ", {"table", "json", "markdown"}),
    ],
)
def test_shell_completion_completes_commands_options_and_choices(tmp_path: Path, line: str, expected: set[str]) -> None:
    assert expected <= {word.strip() for word in completions(line, tmp_path)}


def test_the_entry_point_module_carries_argcomplete_marker() -> None:
    # argcomplete's global completion (activate-global-python-argcomplete) completes only marked entry points.
    assert "PYTHON_ARGCOMPLETE_OK" in (REPO_ROOT / "decider" / "cli" / "__init__.py").read_text()[:1024]


@pytest.mark.parametrize(("workload", "code"), [("checkout-api.yaml", 0), ("no-such-file.yaml", 2)])
def test_the_entry_point_ends_with_the_whole_output_the_exit_code_and_the_atexit_functions(
    capsys: pytest.CaptureFixture[str], workload: str, code: int
) -> None:
    """``run`` may end the process without the interpreter's teardown: the output is all there, flushed, the exit code
    is the command's, and what was registered with atexit still runs."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        f"sys.argv = ['decider', 'recommend', {str(REPO_ROOT / 'examples' / workload)!r}, '--format', 'json']\n"
        "from decider.cli import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == code
    assert done.stderr.endswith("atexit ran\n")
    assert main(["recommend", str(REPO_ROOT / "examples" / workload), "--format", "json"]) == code
    assert done.stdout == capsys.readouterr().out
    assert ("no such file" in done.stderr) is (code == 2)
