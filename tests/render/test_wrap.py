"""The table format on a terminal: long lines wrapped to its width, continuations hanging under their text; piped,
every line whole (decider/render/wrap.py)."""

from __future__ import annotations

import io
import sys

import pytest
import yaml

from decider import Ruleset, decide, parse_workload
from decider.cli import main
from decider.render.decision import to_table
from decider.render.wrap import wrapped
from tests.conftest import EXAMPLES_DIR

CODES = ("\033[1m", "\033[2m", "\033[0m", "\033[31m", "\033[32m")


def _plain(text: str) -> str:
    for code in CODES:
        text = text.replace(code, "")
    return text


@pytest.fixture(scope="module")
def table(ruleset: Ruleset) -> str:
    raw = yaml.safe_load((EXAMPLES_DIR / "checkout-api.yaml").read_text(encoding="utf-8"))
    return to_table(decide(parse_workload(raw), ruleset))


@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_line_fits_and_no_word_is_lost(table: str, width: int) -> None:
    out = wrapped(table, width)
    for line in out.split("\n"):  # past the width only a word too long to break (a rule id), alone on its line
        assert len(line) <= width or len(line.split()) == 1, line
    assert out.split() == table.split()  # the same words in the same order: only line breaks added


def test_continuations_hang_under_their_label(table: str) -> None:
    lines = wrapped(table, 80).split("\n")
    at = next(index for index, line in enumerate(lines) if line.startswith("       configure: Lambda"))
    assert lines[at + 1].startswith(" " * len("       configure: ") + "")
    assert not lines[at + 1][len("       configure: ")].isspace()


def test_colour_codes_take_no_columns(ruleset: Ruleset) -> None:
    raw = yaml.safe_load((EXAMPLES_DIR / "checkout-api.yaml").read_text(encoding="utf-8"))
    coloured = to_table(decide(parse_workload(raw), ruleset), colour=True)
    out = wrapped(coloured, 90)
    assert _plain(out).split() == _plain(coloured).split()
    assert max(len(_plain(line)) for line in out.split("\n")) <= 90 + 8  # a painted line's codes at its ends


def test_a_narrow_terminal_is_left_alone(table: str) -> None:
    assert wrapped(table, 20) == table


def test_the_cli_wraps_only_for_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    example = str(EXAMPLES_DIR / "checkout-api.yaml")
    main(["recommend", example, "--colour", "never"])
    piped = capsys.readouterr().out
    assert max(len(line) for line in piped.split("\n")) > 120  # whole lines, for tools that read lines

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "72")
    main(["recommend", example, "--colour", "never"])
    shown = terminal.getvalue()
    assert max(len(line) for line in shown.split("\n")) <= 72
    assert shown.split() == piped.split()
