"""The documentation cannot rot: runnable examples run, relative links resolve, README.md stays short.

A fenced block is runnable when the line just before its fence is ``<!-- runnable -->`` (or
``<!-- runnable: exit=N -->``). In a ``console``/``sh`` block every line starting with ``$ `` is run with bash from the
repository root (a trailing backslash continues the command on the next line) and must exit 0 (or N); the lines
after a command are output it must print: each must appear in its stdout or stderr, where a line ``...`` stands for
omitted lines and ``...`` inside a line for an omitted part of it. A ``python`` block is run with this interpreter
and must exit 0. See docs/development.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from decider.rules.model import Ruleset

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_LIMIT = 10_000
TIMEOUT_S = 60

MARKER = re.compile(r"<!-- runnable(?::\s*exit=(?P<exit>\d+))?\s*-->")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
SHELL_LANGUAGES = frozenset({"console", "sh", "shell", "bash"})
ELISIONS = ("...", "…")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\((?P<target><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
INLINE_CODE = re.compile(r"(`+).*?\1")


def doc_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Command:
    """One ``$ `` command of a shell block and the output lines shown under it."""

    line: int
    text: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A runnable fenced block: where it is, its language, its expected exit code and its text."""

    path: Path
    line: int
    language: str
    exit_code: int
    body: str
    commands: tuple[Command, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{relative(self.path)}:{self.line}"


def fenced_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are inside a fenced block or are its fences."""
    inside: set[int] = set()
    opening: str | None = None
    for index, line in enumerate(lines):
        match = FENCE.match(line.strip())
        if opening is None and match:
            opening = match.group("fence")
            inside.add(index)
        elif opening is not None:
            inside.add(index)
            if line.strip().startswith(opening[0] * len(opening)) and not line.strip().strip(opening[0]):
                opening = None
    return inside


def parse_commands(body_lines: list[str], first_line: int) -> tuple[Command, ...]:
    commands: list[Command] = []
    text: list[str] = []
    expected: list[str] = []
    start = 0
    continuing = False
    for offset, raw in enumerate(body_lines):
        if continuing:
            text.append(raw)
            continuing = raw.rstrip().endswith("\\")
            continue
        if raw.startswith("$ "):
            if text:
                commands.append(Command(start, "\n".join(text), tuple(expected)))
            text, expected, start = [raw[2:]], [], first_line + offset
            continuing = raw.rstrip().endswith("\\")
        elif text:
            expected.append(raw)
    if text:
        commands.append(Command(start, "\n".join(text), tuple(expected)))
    return tuple(commands)


def parse_blocks(path: Path) -> tuple[list[Block], list[str]]:
    """Every runnable block of one Markdown file, and every problem with a marker."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    problems: list[str] = []
    for index, line in enumerate(lines):
        marker = MARKER.fullmatch(line.strip())
        if marker is None:
            continue
        where = f"{relative(path)}:{index + 1}"
        fence = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if fence is None:
            problems.append(f"{where}: a runnable marker must be followed by a fenced block")
            continue
        language = fence.group("lang")
        closing = next(
            (end for end in range(index + 2, len(lines)) if lines[end].strip() == fence.group("fence")),
            None,
        )
        if closing is None:
            problems.append(f"{where}: the fenced block is never closed")
            continue
        body_lines = lines[index + 2 : closing]
        exit_code = int(marker.group("exit") or 0)
        if language in SHELL_LANGUAGES:
            commands = parse_commands(body_lines, index + 3)
            if not commands:
                problems.append(f"{where}: a runnable {language} block needs lines starting with '$ '")
                continue
            blocks.append(Block(path, index + 2, language, exit_code, "\n".join(body_lines), commands))
        elif language == "python":
            blocks.append(Block(path, index + 2, language, exit_code, "\n".join(body_lines) + "\n"))
        else:
            problems.append(f"{where}: runnable blocks are console, sh or python, not {language or 'plain'!r}")
    return blocks, problems


def all_blocks() -> list[Block]:
    return [block for path in doc_files() for block in parse_blocks(path)[0]]


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["TMPDIR"] = str(tmp_path)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "80"
    return env


def shown_line_appears(shown: str, output_lines: list[str]) -> bool:
    """Whether every part of a shown line (split at elisions) appears, in order, in one line of the output."""
    pattern = "|".join(re.escape(elision) for elision in ELISIONS)
    parts = [part.strip() for part in re.split(pattern, shown)]
    parts = [part for part in parts if part]
    if not parts:
        return True
    for line in output_lines:
        position = 0
        for part in parts:
            found = line.find(part, position)
            if found < 0:
                break
            position = found + len(part)
        else:
            return True
    return False


def missing_lines(expected: tuple[str, ...], output: str) -> list[str]:
    output_lines = output.splitlines()
    return [
        shown
        for shown in expected
        if shown.strip() and shown.strip() not in ELISIONS and not shown_line_appears(shown, output_lines)
    ]


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize("block", [pytest.param(block, id=block.id) for block in all_blocks()])
def test_runnable_block(block: Block, tmp_path: Path) -> None:
    if block.language == "python":
        result = run([sys.executable, "-c", block.body], tmp_path)
        assert result.returncode == block.exit_code, (
            f"{block.id}: exit {result.returncode}, expected {block.exit_code}\n{result.stdout}\n{result.stderr}"
        )
        return
    for command in block.commands:
        result = run(["bash", "-c", command.text], tmp_path)
        where = f"{relative(block.path)}:{command.line}: $ {command.text}"
        output = result.stdout + result.stderr
        assert result.returncode == block.exit_code, (
            f"{where}\nexit {result.returncode}, expected {block.exit_code}\n{output}"
        )
        missing = missing_lines(command.expected, output)
        assert not missing, f"{where}\nshown but not printed:\n" + "\n".join(missing) + f"\n--- output ---\n{output}"


def test_runnable_markers_are_well_formed() -> None:
    problems = [problem for path in doc_files() for problem in parse_blocks(path)[1]]
    assert not problems, "\n".join(problems)
    assert all_blocks(), "no runnable blocks found"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = INLINE_CODE.sub(lambda match: match.group(0).strip("`"), heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = fenced_lines(lines)
    return {
        slug(line.lstrip("#"))
        for index, line in enumerate(lines)
        if index not in fenced and re.match(r"^#{1,6} ", line)
    }


def links(path: Path) -> list[tuple[int, str]]:
    """Every link target outside code, with its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = fenced_lines(lines)
    # Blank fenced lines and inline code, keep the line breaks: a link's text may wrap onto the next line.
    text = "\n".join("" if index in fenced else INLINE_CODE.sub("", line) for index, line in enumerate(lines))
    return [
        (text.count("\n", 0, match.start()) + 1, match.group("target").strip("<>")) for match in LINK.finditer(text)
    ]


def broken_link(path: Path, target: str) -> str | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return None  # http:, https:, mailto: ...
    file_part, _, anchor = target.partition("#")
    destination = (path.parent / file_part).resolve() if file_part else path
    if not destination.exists():
        return f"{target}: no such file"
    if not destination.is_relative_to(ROOT):
        return f"{target}: outside the repository"
    if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
        return f"{target}: no heading #{anchor} in {relative(destination)}"
    return None


@pytest.mark.parametrize("path", doc_files(), ids=relative)
def test_relative_links_resolve(path: Path) -> None:
    broken = [
        f"{relative(path)}:{line}: {problem}"
        for line, target in links(path)
        if (problem := broken_link(path, target)) is not None
    ]
    assert not broken, "\n".join(broken)


def test_readme_is_short_and_links_every_docs_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) <= README_LIMIT, f"README.md has {len(text)} characters; keep it to {README_LIMIT}"
    linked = {(README.parent / target.partition("#")[0]).resolve() for _, target in links(README)}
    unlinked = [relative(page) for page in sorted(DOCS.glob("*.md")) if page.resolve() not in linked]
    assert not unlinked, f"README.md does not link: {', '.join(unlinked)}"


def test_the_readme_cost_chart_marks_todays_crossings(ruleset: Ruleset) -> None:
    """docs/img/cost-chart.svg (``make screenshots``) marks the crossings today's answer for order-events
    (examples/queue-consumer.yaml) has in range, and no other: a chart drawn from an older answer shows volumes the
    engine no longer gives."""
    from decider import decide, parse_workload
    from decider.render.chart import cost_chart

    raw = yaml.safe_load((ROOT / "examples" / "queue-consumer.yaml").read_text(encoding="utf-8"))
    decision = decide(parse_workload(raw), ruleset)
    spec = cost_chart(decision, raw["traffic"]["requests_per_month"])
    layers = spec["layer"]
    drawn = {datum["label"] for layer in layers for datum in layer["data"]["values"] if "above" in datum}
    assert drawn, "today's answer marks no crossing in the chart's range"
    svg = (DOCS / "img" / "cost-chart.svg").read_text(encoding="utf-8")
    shown = set(re.findall(r">([^<>]* cheaper above ~[0-9.]+[KMB]?)<", svg))
    assert shown == drawn, "docs/img/cost-chart.svg is stale: run `make screenshots`"
