"""The cache of validated price books: a book taken from it is the book validation gives (the same types, the same
set fields, the same digest), only files validated before are answered from it, and a load from it builds no price
book validator."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from decider.errors import RulesError
from decider.pricing import book_cache
from decider.pricing.book import PriceBook
from decider.rules.loader import load_ruleset

from ..conftest import SHIPPED_RULES_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DECIDER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES_DIR, copy)
    return copy


def stored(cache: Path) -> list[Path]:
    return sorted((cache / "books").glob("*.json")) if (cache / "books").exists() else []


def same(one: object, other: object) -> None:
    """Equal, and of the same types all the way down (1 == 1.0 and (1,) != [1] are not enough)."""
    assert type(one) is type(other)
    if isinstance(one, BaseModel):
        assert isinstance(other, BaseModel)
        assert one.model_fields_set == other.model_fields_set
        for name in type(one).model_fields:
            same(getattr(one, name), getattr(other, name))
    elif isinstance(one, dict):
        assert isinstance(other, dict)
        assert list(one) == list(other)
        for name in one:
            same(one[name], other[name])
    elif isinstance(one, tuple | list):
        assert isinstance(other, tuple | list)
        assert len(one) == len(other)
        for mine, theirs in zip(one, other, strict=True):
            same(mine, theirs)
    else:
        assert one == other


def test_every_shipped_book_comes_back_from_the_cache_exactly(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_ruleset()
    assert len(stored(cache)) == len(cold.pricing) + 1  # every book and the cost model
    warm = load_ruleset()
    monkeypatch.setenv("DECIDER_CACHE_DIR", "off")
    uncached = load_ruleset()
    assert list(warm.pricing) == list(uncached.pricing) == list(cold.pricing)
    for region, book in uncached.pricing.items():
        same(warm.pricing[region], book)
        same(cold.pricing[region], book)
        assert warm.pricing[region].digest == book.digest
    same(warm.cost_model, uncached.cost_model)
    assert warm.pricing_digest == uncached.pricing_digest


def test_a_changed_book_is_read_and_checked_anew(cache: Path, rules: Path) -> None:
    load_ruleset(rules_dir=rules)
    book = rules / "pricing" / "eu-west-1.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("hours_per_month: 730", "hours_per_month: 731", 1), encoding="utf-8")
    assert load_ruleset(rules_dir=rules).pricing["eu-west-1"].hours_per_month == 731
    book.write_text(text.replace("hours_per_month: 730", "hours_per_month: -1", 1), encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        load_ruleset(rules_dir=rules)
    assert [problem.location for problem in raised.value.problems] == [f"{book} hours_per_month"]


def test_an_override_added_or_changed_is_read_and_checked_anew(cache: Path, tmp_path: Path) -> None:
    shipped = load_ruleset().pricing["eu-west-1"]
    extra = tmp_path / "org"
    (extra / "pricing").mkdir(parents=True)
    override = extra / "pricing" / "eu-west-1.yaml"
    override.write_text("as_of: '2026-01-01'\nhours_per_month: 720\n", encoding="utf-8")
    assert load_ruleset([extra]).pricing["eu-west-1"].hours_per_month == 720
    override.write_text("as_of: '2026-01-01'\nhours_per_month: 700\n", encoding="utf-8")
    assert load_ruleset([extra]).pricing["eu-west-1"].hours_per_month == 700
    override.write_text("hours_per_month: 700\n", encoding="utf-8")  # no as_of: refused, cached or not
    with pytest.raises(RulesError, match="as_of"):
        load_ruleset([extra])
    override.unlink()
    same(load_ruleset([extra]).pricing["eu-west-1"], shipped)


def test_a_damaged_entry_is_read_and_checked_anew(cache: Path, rules: Path) -> None:
    expected = load_ruleset(rules_dir=rules)
    for entry in stored(cache):
        entry.write_bytes(b'{"model": ["m", "os.system", {}, []], "digest": null}')
    damaged = load_ruleset(rules_dir=rules)
    for region, book in expected.pricing.items():
        same(damaged.pricing[region], book)
    same(damaged.cost_model, expected.cost_model)


def test_a_book_whose_entry_is_gone_when_first_read_is_read_and_checked_anew(cache: Path, rules: Path) -> None:
    """A book's entry is read when the book is first read, not by the load: one removed in between (another process
    keeping the cache small) gives the book its files give."""
    expected = load_ruleset(rules_dir=rules)
    warm = load_ruleset(rules_dir=rules)
    for entry in stored(cache):
        entry.unlink()
    for region, book in expected.pricing.items():
        same(warm.pricing[region], book)


def test_only_the_package_s_models_can_be_named() -> None:
    with pytest.raises(ValueError, match="not a stored model"):
        book_cache.decode(["m", "builtins.object", {}, []])
    assert all(issubclass(model, BaseModel) for model in book_cache.MODELS.values())
    assert {model.__module__ for model in book_cache.MODELS.values()} == {
        "decider.pricing.book",
        "decider.pricing.cost_model",
    }


def test_a_model_json_cannot_carry_exactly_is_not_stored(cache: Path) -> None:
    book = load_ruleset().pricing["us-east-1"]
    odd = book.model_copy(update={"hours_per_month": float("inf")})
    assert book_cache.encode(odd) is None
    assert isinstance(book_cache.encode(book), list)


def test_turned_off_nothing_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECIDER_CACHE_DIR", "off")
    assert book_cache.key("us-east-1.yaml", [SHIPPED_RULES_DIR / "pricing" / "us-east-1.yaml"]) is None
    assert isinstance(load_ruleset().pricing["us-east-1"], PriceBook)


def test_a_load_from_the_cache_builds_no_price_book_validator(cache: Path) -> None:
    script = (
        "from decider.rules.loader import load_ruleset\n"
        "from decider.pricing.book import PriceBook\n"
        "from decider.pricing.cost_model import CostModel\n"
        "ruleset = load_ruleset()\n"
        "book = ruleset.pricing['us-east-1']\n"
        "print(book.region, book.digest[:7], PriceBook.__pydantic_complete__, CostModel.__pydantic_complete__)\n"
    )
    environment = {"DECIDER_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO_ROOT)}

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
        ).stdout

    assert run() == "us-east-1 sha256: True True\n"  # validated, then stored
    assert run() == "us-east-1 sha256: False False\n"  # from the cache: no validator built
