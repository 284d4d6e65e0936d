"""The flips of one decision's cost crossings (decider/advice.py ``_nearest_flip``) share the volumes they ranked:
each volume is ranked once, and the answer is the answer with each flip ranking its own."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest

from decider import advice as advice_module
from decider import parse_workload
from decider.documents import read_file
from decider.engine import decide
from decider.rules.model import Ruleset

SCENARIOS = sorted((Path(__file__).resolve().parent / "scenarios").glob("*.yaml"))


def _decide_all(ruleset: Ruleset) -> list[dict[str, Any]]:
    return [decide(parse_workload(read_file(path)["workload"]), ruleset).model_dump() for path in SCENARIOS]


def test_the_flips_rank_each_volume_once_and_answer_as_if_each_ranked_its_own(
    ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked_with = advice_module.ranked_with
    flipped: collections.Counter[tuple[int, float]] = collections.Counter()
    decisions = 0

    def counted(given: Any, rules: Ruleset, change: Any, memo: Any = None, base: Any = None) -> Any:
        if base is None and list(change) == ["traffic.requests_per_month"]:  # a flip's volume
            flipped[(decisions, change["traffic.requests_per_month"])] += 1
        return ranked_with(given, rules, change, memo, base)

    monkeypatch.setattr(advice_module, "ranked_with", counted)
    shared = []
    for path in SCENARIOS:
        shared.append(decide(parse_workload(read_file(path)["workload"]), ruleset).model_dump())
        decisions += 1
    assert flipped  # some crossing flipped the answer
    assert max(flipped.values()) == 1

    nearest_flip = advice_module._nearest_flip

    def alone(given: Any, rules: Ruleset, ranked: Any, candidate: Any, flip: Any, memo: Any, volumes: Any) -> Any:
        return nearest_flip(given, rules, ranked, candidate, flip, memo, {})  # each flip ranks its own volumes

    monkeypatch.setattr(advice_module, "_nearest_flip", alone)
    assert _decide_all(ruleset) == shared
