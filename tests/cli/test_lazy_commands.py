"""Each command imports what it needs: ``recommend`` never loads the review, the sources, the price list or the
review's renderers, yet ``decider --help`` and every command's ``--help`` still list everything."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from decider.cli import main
from tests.conftest import EXAMPLES_DIR, REPO_ROOT

#: Modules only review, adr, pricing and rules need.
NOT_FOR_RECOMMEND = (
    "decider.cli.pricing",
    "decider.cli.review",
    "decider.cli.rules",
    "decider.pricing.refresh",
    "decider.render.adr",
    "decider.render.review",
    "decider.render.sarif",
    "decider.review",
    "decider.sources",
)
COMMANDS = ("recommend", "rules", "schema", "review", "adr", "pricing", "serve", "openapi")


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code`` (its own output discarded)."""
    script = (
        "import contextlib, io, json, sys\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    {code}\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    "code",
    [
        "import decider.cli",
        f"from decider.cli import main; main(['recommend', {str(EXAMPLES_DIR / 'checkout-api.yaml')!r}])",
        "from decider.cli import main; main(['schema'])",
    ],
)
def test_recommend_loads_no_review_source_or_price_list_module(code: str) -> None:
    loaded = modules_after(code)
    assert "decider.cli.main" in loaded
    assert not loaded & set(NOT_FOR_RECOMMEND)
    assert not any(name.startswith("decider.sources.") for name in loaded)


def test_a_command_loads_its_module_when_it_runs() -> None:
    loaded = modules_after("from decider.cli import main; main(['rules', 'fields'])")
    assert "decider.cli.rules" in loaded
    assert "decider.cli.review" not in loaded


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--help"])
    assert caught.value.code == 0
    return capsys.readouterr().out


def test_the_top_help_lists_every_command_with_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(capsys)
    listed = [line.split()[0] for line in text.split("COMMAND\n", 1)[1].split("\n\n")[0].splitlines()]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)
    assert "review workloads in files and folders" in text
    assert "show or rebuild price books" in text


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["recommend"], ("--format", "--colour", "--rules")),
        (["rules"], ("list", "show", "lint", "fields")),
        (["rules", "list"], ("--category", "--target", "--format", "--rules")),
        (["rules", "lint"], ("dirs", "--rules")),
        (
            ["review"],
            (
                "PATH",
                "--usage",
                "--format",
                "--fail-on",
                "--keep-margin",
                "--rules",
                "--jobs",
                "--strict",
                "Exit 0 when the review ran",
            ),
        ),
        (["adr"], ("WORKLOAD", "--name", "--usage", "--output", "--status", "--date", "Architecture Decision Record")),
        (["pricing"], ("show", "refresh")),
        (["pricing", "show"], ("--region", "--format", "--rules")),
        (["pricing", "refresh"], ("--region", "--from", "--output")),
        (["serve"], ("--host", "--port", "--workers", "--rules")),
        (["openapi"], ("--check",)),
    ],
)
def test_every_command_help_lists_its_options(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: tuple[str, ...]
) -> None:
    text = help_of(capsys, *argv)
    assert text.startswith(f"usage: decider {' '.join(argv)} ")
    for option in expected:
        assert option in text, option


def test_a_lazy_command_still_refuses_a_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["review", "x", "--format", "yaml"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: decider review [-h]")
    assert "argument --format: invalid choice: 'yaml'" in err


@pytest.mark.parametrize("rules", [[], ["--rules", "no-such-rules-dir"]])
def test_recommend_gives_the_garbage_collector_back_as_it_found_it(
    capsys: pytest.CaptureFixture[str], rules: list[str]
) -> None:
    """Its start-up runs with the collector paused and then sets what it built aside (gc.freeze) for the command: a
    process that runs more than one command (a test run, a program calling main) gets the collector back as it was."""
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    main(["recommend", str(EXAMPLES_DIR / "checkout-api.yaml"), *rules])
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_recommend_decides_with_fewer_collections_and_gives_the_thresholds_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decision's many short-lived objects are collected less often (``fewer_collections``): the young
    generation's threshold is raised while it decides, and every threshold is as it was after, even when it fails."""
    import decider.engine
    from decider.cli.arguments import WORK_GC_THRESHOLD

    decide = decider.engine.decide
    seen: list[tuple[int, int, int]] = []

    def deciding(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold())
        return decide(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decider.engine, "decide", deciding)
    before = gc.get_threshold()
    assert main(["recommend", str(EXAMPLES_DIR / "checkout-api.yaml")]) == 0
    assert capsys.readouterr().out.startswith("decider: checkout-api")
    assert seen == [(WORK_GC_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before
    assert main(["recommend", str(EXAMPLES_DIR / "checkout-api.yaml"), "--region", "xx-nowhere-1"]) == 2
    capsys.readouterr()
    assert gc.get_threshold() == before


def test_recommend_builds_the_validators_it_uses_and_not_their_nested_models(tmp_path: Path) -> None:
    """The price book's, the cost model's, the decision's and the workload's nested models are built on first use
    (defer_build): a recommend validates them inside PriceBook, CostModel, Decision and Workload only, and each still
    validates on its own (a section still refuses true/false for a number). Once
    the books are in the cache of validated books (decider/pricing/book_cache.py), a recommend validates no book."""
    script = (
        "import contextlib, io, json\n"
        "from decider.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['recommend', {str(EXAMPLES_DIR / 'checkout-api.yaml')!r}])\n"
        "from decider.decision import Decision, RankedTarget, Reason\n"
        "from decider.pricing.book import Price, PriceBook, Tier\n"
        "from decider.pricing.cost_model import CostModel, CostScore\n"
        "from decider.workload import Runtime, Workload\n"
        "models = (Decision, PriceBook, CostModel, Workload, RankedTarget, Reason, Price, Tier, CostScore, Runtime)\n"
        "built = {model.__name__: model.__pydantic_complete__ for model in models}\n"
        "tier = Tier.model_validate({'usd': 0.2})\n"
        "refused = False\n"
        "try:\n"
        "    Runtime.model_validate({'memory_mb': True})\n"
        "except ValueError:\n"
        "    refused = True\n"
        "print(json.dumps([built, tier.usd, Tier.__pydantic_complete__, refused]))\n"
    )
    environment = {**os.environ, "DECIDER_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> tuple[dict[str, bool], float, bool, bool]:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=environment,
            timeout=60,
            check=True,
        )
        built, usd, tier_built, refused = json.loads(done.stdout)
        return built, usd, tier_built, refused

    nested = {"RankedTarget": False, "Reason": False, "Price": False, "Tier": False, "CostScore": False}
    nested |= {"Runtime": False, "Workload": True}
    assert run() == ({"Decision": True, "PriceBook": True, "CostModel": True, **nested}, 0.2, True, True)
    assert run() == ({"Decision": True, "PriceBook": False, "CostModel": False, **nested}, 0.2, True, True)


#: A Pydantic plugin as an installed package registers one (an entry point in the ``pydantic`` group); loading it
#: writes a marker, so a test sees whether a command looked for plugins.
PLUGIN = """import os
open(os.environ["MARKER"], "w").close()


class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        return None, None, None


plugin = Plugin()
"""


@pytest.mark.parametrize(
    ("environment", "looked"),
    [({}, False), ({"PYDANTIC_DISABLE_PLUGINS": ""}, True)],  # the environment's own setting is kept
    ids=["default", "plugins-asked-for"],
)
def test_a_one_shot_command_looks_for_no_pydantic_plugin(
    tmp_path: Path, environment: dict[str, str], looked: bool
) -> None:
    (tmp_path / "markerplugin.py").write_text(PLUGIN, encoding="utf-8")
    info = tmp_path / "markerplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: markerplugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nmarker = markerplugin:plugin\n", encoding="utf-8")
    marker = tmp_path / "loaded"
    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    env |= {"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO_ROOT}", "MARKER": str(marker), **environment}
    command = "import sys; from decider.cli import run; sys.argv = ['decider', 'recommend', sys.argv[1]]; run()"
    done = subprocess.run(
        [sys.executable, "-c", command, str(EXAMPLES_DIR / "checkout-api.yaml")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"recommendation"' in done.stdout or "Recommended" in done.stdout
    assert marker.exists() is looked
