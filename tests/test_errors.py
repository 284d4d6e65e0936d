"""Nearest-name suggestions, the relocator, "unknown choice" problems and the translator of validation errors."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from decider.errors import Problem, nearest, relocate, unknown_choice
from decider.validation import Wording, nested_problems, problems_from_validation

ARCHITECTURES = ["any", "x86_64", "arm64"]
REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1"]
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
        # an architecture by another of its names is that architecture, not the one it is spelt like
        ("amd64", ARCHITECTURES, "x86_64"),
        ("AMD64", ARCHITECTURES, "x86_64"),
        ("x86-64", ARCHITECTURES, "x86_64"),
        ("graviton", ARCHITECTURES, "arm64"),
        ("aarch64", ARCHITECTURES, "arm64"),
        ("arm65", ARCHITECTURES, "arm64"),
        # the same letters and digits with other separators, or a stray space
        ("us-east1", REGIONS, "us-east-1"),
        ("useast1", REGIONS, "us-east-1"),
        ("US_EAST_1", REGIONS, "us-east-1"),
        ("us-east-1 ", REGIONS, "us-east-1"),
    ],
)
def test_likely_typos_get_the_nearest_choice(name: str, choices: list[str], expected: str) -> None:
    assert nearest(name, choices) == expected


@pytest.mark.parametrize(("name", "choices"), [("qqqq", ["memory_mb", "vcpu"]), ("anything", [])])
def test_nothing_close_means_no_suggestion(name: str, choices: list[str]) -> None:
    assert nearest(name, choices) is None


def test_choices_may_be_any_iterable() -> None:
    assert nearest("ek", iter(["eks", "lambda"])) == "eks"


# --- the one relocator, the one "unknown choice", the one translator of validation errors ------------------------


def test_relocate_places_a_parts_problems_in_the_whole() -> None:
    problems = [Problem("runtime.memory_mb", "too big", "memory_mb"), Problem("", "not an object")]
    assert relocate(problems, "workloads[3]") == [
        Problem("workloads[3].runtime.memory_mb", "too big", "memory_mb"),
        Problem("workloads[3]", "not an object"),
    ]
    assert [p.location for p in relocate(problems, "a.yaml:4 Api", ": ")] == [
        "a.yaml:4 Api: runtime.memory_mb",
        "a.yaml:4 Api",
    ]
    assert relocate(problems, "") == problems


def test_unknown_choice_words_a_value_and_suggests_the_nearest() -> None:
    problem = unknown_choice("traffic.pattern", "spikey", ["steady", "spiky"])
    assert (
        str(problem) == "traffic.pattern: 'spikey' is not allowed; choose one of steady, spiky (did you mean 'spiky'?)"
    )
    assert unknown_choice("x", 5, ["5", "6"]).suggestion is None  # not text: no guess
    assert unknown_choice("x", ["ec2"], ["ec2", "eks"], match_any_value=True).suggestion == "ec2"


def test_unknown_choice_words_a_field_and_falls_back_to_full_paths() -> None:
    problem = unknown_choice("runtime.memroy_mb", "memroy_mb", ["memory_mb", "vcpu"], field=True)
    assert (problem.message, problem.suggestion) == ("unknown field; valid fields here: memory_mb, vcpu", "memory_mb")
    moved = unknown_choice("pattern", "pattern", ["runtime", "traffic"], field=True, fallback=["traffic.pattern"])
    assert moved.suggestion == "traffic.pattern"


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    kind: Literal["small", "large"] = "small"
    size: int = 1


def _errors(raw: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _Item.model_validate(raw)
    return caught.value


def test_the_translator_locates_under_at_and_says_the_value() -> None:
    problems = problems_from_validation(_errors({"name": "", "size": "x"}), at="items[2]")
    assert [str(p) for p in problems] == [
        "items[2].name: String should have at least 1 character, got ''",
        "items[2].size: Input should be a valid integer, unable to parse string as an integer, got 'x'",
    ]


def test_the_translator_words_choices_and_unknown_fields_when_asked() -> None:
    wording = Wording(fields=lambda path: list(_Item.model_fields), choices=True, unknown_first=True)
    problems = problems_from_validation(_errors({"name": "a", "kind": "smal", "nme": 1}), wording=wording)
    assert problems == [
        Problem("nme", "unknown field; valid fields here: name, kind, size", "name"),
        Problem("kind", "'smal' is not allowed; choose one of small, large", "small"),
    ]


def test_the_translator_takes_fixed_messages_by_type_and_by_field() -> None:
    wording = Wording(
        link=" ", values="always", by_type={"missing": "missing"}, by_field={"size": "a count, not {value!r}"}
    )
    problems = problems_from_validation(_errors({"size": "x", "extra": 1}), at="f.yaml", wording=wording)
    assert [str(p) for p in problems] == [
        "f.yaml name: missing",
        "f.yaml size: a count, not 'x'",
        "f.yaml extra: Extra inputs are not permitted, got 1",
    ]


def test_a_validator_may_hand_over_the_problems_of_a_part() -> None:
    def check(value: Any) -> Any:
        raise nested_problems([Problem("runtime.memory_mb", "too big"), Problem("", "whole part")])

    class Holder(BaseModel):
        part: Annotated[dict[str, Any], AfterValidator(check)]

    with pytest.raises(ValidationError) as caught:
        Holder.model_validate({"part": {}})
    assert problems_from_validation(caught.value, at="items[0]") == [
        Problem("items[0].part.runtime.memory_mb", "too big"),
        Problem("items[0].part", "whole part"),
    ]
