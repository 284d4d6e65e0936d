"""The document cache: a rules directory read from it gives exactly what parsing its YAML gives, and only texts that
passed every check of the strict reader are ever answered from it."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from decider import document_cache
from decider.documents import parse_text, read_collecting
from decider.errors import Problem, RulesError
from decider.rules.loader import load_ruleset

from .conftest import SHIPPED_RULES_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
PADDING = "# a comment\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DECIDER_CACHE_DIR", str(folder))
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted((folder / "documents").glob("*.json")) if (folder / "documents").exists() else []


def test_every_shipped_file_comes_back_from_the_cache_exactly(cache: Path) -> None:
    files = sorted(SHIPPED_RULES_DIR.rglob("*.yaml"))
    problems: list[Problem] = []
    parsed = {path: parse_text(path.read_text(encoding="utf-8"), str(path)) for path in files}
    first = {path: read_collecting(path, problems) for path in files}  # read and stored
    again = {path: read_collecting(path, problems) for path in files}  # from the cache
    assert problems == []
    assert first == parsed
    assert again == parsed
    assert len(entries(cache)) == len(files)  # short ones too: a run answered from the cache needs no PyYAML


def test_dates_come_back_as_dates(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(PADDING + "as_of: 2026-11-27\nlines: [{since: 2025-01-31}, 2024-02-29]\n", encoding="utf-8")
    expected = {
        "as_of": datetime.date(2026, 11, 27),
        "lines": [{"since": datetime.date(2025, 1, 31)}, datetime.date(2024, 2, 29)],
    }
    assert read_collecting(path, []) == expected
    assert len(entries(cache)) == 1
    cached = read_collecting(path, [])
    assert cached == expected
    assert type(cached["lines"][1]) is datetime.date


def test_a_ruleset_loaded_from_the_cache_is_the_same_ruleset(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_ruleset()
    assert entries(cache)
    warm = load_ruleset()
    monkeypatch.setenv("DECIDER_CACHE_DIR", "off")
    uncached = load_ruleset()
    for loaded in (cold, warm):
        assert (loaded.digest, loaded.pricing_digest) == (uncached.digest, uncached.pricing_digest)
        assert loaded.pricing == uncached.pricing


def test_a_changed_file_is_read_and_checked_anew(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(PADDING + "a: 1\nb: [1, 2]\n", encoding="utf-8")
    problems: list[Problem] = []
    assert read_collecting(path, problems) == {"a": 1, "b": [1, 2]}
    path.write_text(PADDING + "a: 1\na: 2\n", encoding="utf-8")  # now a key given twice
    assert read_collecting(path, problems) is None
    assert len(problems) == 1
    assert "found key 'a' twice" in problems[0].message
    assert len(entries(cache)) == 1  # the broken text was not stored


def test_a_broken_rules_directory_fails_at_load_whatever_the_cache_holds(cache: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES_DIR, copy)
    load_ruleset(rules_dir=copy)  # every file cached
    book = copy / "pricing" / "eu-west-1.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("as_of:", "as_of: [", 1), encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        load_ruleset(rules_dir=copy)
    assert any("eu-west-1.yaml" in problem.location for problem in raised.value.problems)


@pytest.mark.parametrize(
    "text",
    [
        "a: .nan\n",  # JSON has no NaN
        "1: integer key\n",  # JSON keys are text
        "a: 123456789012345678901234567890\n",  # beyond orjson's integers
        "a: 2026-12-01 10:00:00\n",  # a timestamp, not a date
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_data_json_cannot_carry_exactly_is_not_cached(cache: Path, tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(PADDING + text, encoding="utf-8")
    problems: list[Problem] = []
    expected = parse_text(PADDING + text, str(path))
    assert read_collecting(path, problems) == expected
    assert read_collecting(path, problems) == expected
    assert problems == []
    assert entries(cache) == []


def test_turned_off_or_unwritable_the_files_are_read_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(PADDING + "a: [1, 2.5, true, null, text]\n", encoding="utf-8")
    monkeypatch.setenv("DECIDER_CACHE_DIR", "off")
    assert document_cache.cache_dir() is None
    assert read_collecting(path, []) == {"a": [1, 2.5, True, None, "text"]}
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("DECIDER_CACHE_DIR", str(blocked))
    assert read_collecting(path, []) == {"a": [1, 2.5, True, None, "text"]}


def test_a_damaged_entry_is_ignored_and_the_file_read(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(PADDING + "a: 1\n", encoding="utf-8")
    read_collecting(path, [])
    (entry,) = entries(cache)
    entry.write_bytes(b"{not json")
    assert read_collecting(path, []) == {"a": 1}


def test_the_oldest_entries_go_past_the_limit(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_cache, "MAX_ENTRIES", 3)
    for index in range(5):
        path = tmp_path / f"doc{index}.yaml"
        path.write_text(PADDING + f"a: {index}\n", encoding="utf-8")
        read_collecting(path, [])
        for number, entry in enumerate(entries(cache)):  # distinct write times, oldest first
            os.utime(entry, (number, number))
    assert len(entries(cache)) == 3


def test_a_recommend_answered_from_the_cache_does_not_import_pyyaml(cache: Path) -> None:
    """The rule files, the price books and the YAML workload file all come from the cache on the second run."""
    script = (
        "import sys\n"
        "from decider.cli.main import main\n"
        "code = main(['recommend', 'examples/checkout-api.yaml', '--format', 'json'])\n"
        "print(code, 'yaml' in sys.modules)\n"
    )
    environment = {**os.environ, "DECIDER_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO_ROOT)}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[-1]

    assert run() == "0 True"  # read, checked and stored
    assert run() == "0 False"


def test_the_cache_folder_follows_its_variables_as_they_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DECIDER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert document_cache.cache_dir() == tmp_path / "xdg" / "decider"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert document_cache.cache_dir() == tmp_path / "home" / ".cache" / "decider"
    monkeypatch.setenv("DECIDER_CACHE_DIR", str(tmp_path / "mine"))
    assert document_cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("DECIDER_CACHE_DIR", "off")
    assert document_cache.cache_dir() is None
