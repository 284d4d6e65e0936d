"""A package that works anywhere: the wheel carries the shipped rules and price books, installs light (the engine
and the CLI need neither the web stack nor Slack), and works from any folder, with no repository in sight.

The wheel test builds the wheel from a copy of what it is built from (so the repository gets no build/ folder),
installs it with constraints.txt into one fresh virtual environment (the core only, from the package index) and runs
every check there from an empty temporary folder. It takes about half a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from decider import DISTRIBUTION
from decider.cli.arguments import EXTRA_OF_MODULE
from decider.render.sarif import FALLBACK_INFORMATION_URI

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
#: What the wheel is built from (and all the Dockerfile copies before installing decider).
BUILT_FROM = ("pyproject.toml", "README.md", "decider", "api", "rules", "examples")
TIMEOUT_S = 300
#: Import names whose distribution is named otherwise.
DISTRIBUTION_OF = {"vl_convert": "vl_convert_python"}
WEB_STACK = ("fastapi", "starlette", "uvicorn", "pydantic_settings", "prometheus_client", "slack_sdk", "httpx")


def test_every_package_in_the_source_is_in_the_wheel() -> None:
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for package in ("decider", "api")
        for path in (ROOT / package).rglob("__init__.py")
    }
    shipped_rules = {
        "decider_examples",
        "decider_rules",
        *("decider_rules." + path.name for path in (ROOT / "rules").iterdir() if path.is_dir()),
    }
    assert set(SETUPTOOLS["packages"]) == found | shipped_rules, "list every package in pyproject.toml"
    assert SETUPTOOLS["package-dir"] == {"decider_rules": "rules", "decider_examples": "examples"}


def test_the_distribution_name_is_the_one_decider_names() -> None:
    assert PROJECT["name"] == DISTRIBUTION
    assert FALLBACK_INFORMATION_URI.endswith(f"/pypi.org/project/{DISTRIBUTION}/")
    assert PROJECT["scripts"] == {"decider": "decider.cli:run"}


def requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0].split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip()
        names.add(name.lower().replace("-", "_"))
    return names


def test_the_core_installs_light_and_dev_installs_every_extra() -> None:
    extras = PROJECT["optional-dependencies"]
    core = requirement_names(PROJECT["dependencies"])
    assert core.isdisjoint(requirement_names(extras["api"]) | requirement_names(extras["refresh"]))
    every_extra = sorted(set(extras) - {"dev", "bench"})
    assert any(
        requirement.startswith(f"{DISTRIBUTION}[") and sorted(requirement[:-1].split("[")[1].split(",")) == every_extra
        for requirement in extras["dev"]
    ), f"dev installs {DISTRIBUTION}[{','.join(every_extra)}]"
    # A missing module the CLI maps to an extra is one that extra installs (by its distribution's name).
    for module, extra in EXTRA_OF_MODULE.items():
        assert DISTRIBUTION_OF.get(module, module) in requirement_names(extras[extra]), module


@dataclass(frozen=True)
class Installed:
    """The wheel, the fresh environment it is installed in, and an empty folder to run from."""

    wheel: Path
    venv: Path
    folder: Path

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DECIDER_", "COV_CORE_")) and name not in ("PYTHONPATH", "VIRTUAL_ENV")
        }
        env["PATH"] = os.pathsep.join([str(self.venv / "bin"), env.get("PATH", "")])
        return subprocess.run(
            argv, capture_output=True, text=True, cwd=self.folder, env=env, timeout=TIMEOUT_S, check=False
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for name in BUILT_FROM:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = base / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(source)], check=True, timeout=TIMEOUT_S)
    [wheel] = wheels.glob("*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=TIMEOUT_S)
    subprocess.run(
        [str(venv / "bin" / "python"), *pip[1:], "install", "--constraint", str(ROOT / "constraints.txt"), str(wheel)],
        check=True,
        timeout=TIMEOUT_S,
    )
    folder = base / "anywhere"
    folder.mkdir()
    return Installed(wheel, venv, folder)


def test_the_wheel_carries_the_shipped_rules_and_price_books(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    shipped = {
        f"decider_rules/{path.relative_to(ROOT / 'rules').as_posix()}" for path in (ROOT / "rules").rglob("*.yaml")
    }
    assert shipped
    assert shipped <= names


def test_the_wheel_carries_the_page_and_its_presets(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    page = ROOT / "api" / "page"
    assets = {
        f"api/page/{path.relative_to(page).as_posix()}"
        for folder in ("templates", "static")
        for path in (page / folder).iterdir()
    }
    assert {"api/page/templates/page.html", "api/page/static/vega-embed.js"} <= assets <= names
    examples = {f"decider_examples/{path.name}" for path in (ROOT / "examples").glob("*.yaml")}
    assert "decider_examples/checkout-api.yaml" in examples
    assert examples <= names


def test_version_names_the_installed_distribution(installed: Installed) -> None:
    done = installed.run("decider", "--version")
    assert (done.returncode, done.stdout) == (0, f"decider {PROJECT['version']}\n"), done.stderr


def test_recommend_works_from_any_folder(installed: Installed) -> None:
    done = installed.run("decider", "recommend", str(ROOT / "examples" / "checkout-api.yaml"))
    assert done.returncode == 0, done.stderr
    assert "Recommendation:" in done.stdout


def test_review_works_from_any_folder(installed: Installed) -> None:
    fixtures = ROOT / "tests" / "fixtures" / "iac"
    done = installed.run("decider", "review", str(fixtures), "--usage", str(fixtures / "usage.yaml"))
    assert done.returncode == 0, done.stderr  # no --fail-on: a finding is reported, not a failure


def test_the_python_api_reads_the_rules_packaged_in_the_wheel(installed: Installed) -> None:
    code = "import json, decider; r = decider.load_ruleset(); print(json.dumps([r.version, r.sources, len(r.rules)]))"
    done = installed.run("python", "-c", code)
    assert done.returncode == 0, done.stderr
    version, sources, rules = json.loads(done.stdout)
    assert version == str(yaml.safe_load((ROOT / "rules" / "ruleset.yaml").read_text(encoding="utf-8"))["version"])
    assert rules > 0
    [source] = sources
    assert Path(source).is_relative_to(installed.venv), source


def test_the_core_install_has_no_web_stack_and_serve_names_the_extra(installed: Installed) -> None:
    code = f"import importlib.util as u; print([m for m in {WEB_STACK!r} if u.find_spec(m)])"
    done = installed.run("python", "-c", code)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
    done = installed.run("decider", "serve")
    assert done.returncode == 2
    assert f"pip install '{DISTRIBUTION}[api]'" in done.stderr
    assert "Traceback" not in done.stderr
