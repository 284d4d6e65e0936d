"""Nearest-name suggestions: likely typos get a suggestion, unrelated names do not."""

from __future__ import annotations

import pytest

from decider.errors import nearest

FIELDS = ["runtime.memory_mb", "runtime.max_duration_s", "traffic.pattern", "derived.copies_at_peak"]


@pytest.mark.parametrize(
    ("name", "choices", "expected"),
    [
        ("memroy_mb", ["memory_mb", "vcpu", "gpu"], "memory_mb"),
        ("MEMORY_MB", ["memory_mb", "vcpu"], "memory_mb"),
        ("lamda", ["lambda", "ecs-fargate", "eks"], "lambda"),
        ("runtime.memroy_mb", FIELDS, "runtime.memory_mb"),
        ("derived.copies_at_peek", FIELDS, "derived.copies_at_peak"),
        ("runtime.pattern", FIELDS, "traffic.pattern"),
    ],
)
def test_likely_typos_get_the_nearest_choice(name: str, choices: list[str], expected: str) -> None:
    assert nearest(name, choices) == expected


@pytest.mark.parametrize(("name", "choices"), [("qqqq", ["memory_mb", "vcpu"]), ("anything", [])])
def test_nothing_close_means_no_suggestion(name: str, choices: list[str]) -> None:
    assert nearest(name, choices) is None


def test_choices_may_be_any_iterable() -> None:
    assert nearest("ek", iter(["eks", "lambda"])) == "eks"
