"""Rule conditions: every operator, unset values, all/any/not, and every mistake caught at load with a suggestion."""

from __future__ import annotations

from typing import Any

import pytest

from decider.errors import Problem
from decider.rules.conditions import INVERSE, OPERATORS, REGISTRY, Comparison, Condition, Operator, compile_condition
from decider.rules.fields import FIELDS

#: A rule context holding only what these tests compare; compiled rules read nothing else.
CONTEXT: dict[str, Any] = {
    "runtime.memory_mb": 1024,
    "runtime.max_duration_s": 900,
    "runtime.vcpu": None,
    "runtime.long_running": False,
    "traffic.pattern": "spiky",
    "traffic.protocols": ("http", "websocket"),
    "traffic.latency_slo_ms": None,
    "control.instance_types": (),
    "preferences.region": "eu-west-1",
    "derived.always_on": True,
}


def compiled(raw: Any) -> Condition:
    problems: list[Problem] = []
    condition = compile_condition(raw, "rule when", problems)
    assert problems == []
    assert condition is not None
    return condition


def holds(raw: Any, context: dict[str, Any] | None = None) -> bool:
    return compiled(raw)(CONTEXT if context is None else context)


def problems_of(raw: Any) -> list[Problem]:
    problems: list[Problem] = []
    assert compile_condition(raw, "rule when", problems) is None
    assert problems
    return problems


# -- operators ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("gt", 900, False),
        ("gt", 899, True),
        ("ge", 900, True),
        ("ge", 901, False),
        ("lt", 900, False),
        ("lt", 901, True),
        ("le", 900, True),
        ("le", 899.5, False),
        ("eq", 900, True),
        ("eq", 901, False),
        ("ne", 901, True),
        ("ne", 900, False),
        ("in", [1, 900], True),
        ("in", [1, 2], False),
        ("not_in", [1, 2], True),
        ("not_in", [900], False),
    ],
)
def test_number_operators(op: str, value: Any, expected: bool) -> None:
    assert holds({"field": "runtime.max_duration_s", op: value}) is expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "spiky", True),
        ("eq", "steady", False),
        ("ne", "steady", True),
        ("ne", "spiky", False),
        ("in", ["spiky", "event"], True),
        ("in", ["steady", "diurnal"], False),
        ("not_in", ["steady"], True),
        ("not_in", ["spiky", "batch"], False),
    ],
)
def test_enum_operators(op: str, value: Any, expected: bool) -> None:
    assert holds({"field": "traffic.pattern", op: value}) is expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("contains", "websocket", True),
        ("contains", "udp", False),
        ("contains_any", ["udp", "http"], True),
        ("contains_any", ["udp", "tcp"], False),
    ],
)
def test_list_operators(op: str, value: Any, expected: bool) -> None:
    assert holds({"field": "traffic.protocols", op: value}) is expected


def test_bool_equality() -> None:
    assert holds({"field": "derived.always_on", "eq": True}) is True
    assert holds({"field": "runtime.long_running", "eq": True}) is False


def test_free_text_equality() -> None:
    assert holds({"field": "preferences.region", "eq": "eu-west-1"}) is True
    assert holds({"field": "preferences.region", "in": ["us-east-1", "us-west-2"]}) is False


def test_free_text_lists_contain_any_value() -> None:
    condition = compiled({"field": "control.instance_types", "contains_any": ["p4d", "p5"]})
    assert condition({**CONTEXT, "control.instance_types": ("p5",)}) is True
    assert condition(CONTEXT) is False


@pytest.mark.parametrize(
    ("path", "wanted", "expected"),
    [
        ("runtime.vcpu", True, False),
        ("runtime.vcpu", False, True),
        ("runtime.memory_mb", True, True),
        ("control.instance_types", True, False),  # an empty list is not set
        ("control.instance_types", False, True),
        ("traffic.protocols", True, True),
    ],
)
def test_is_set(path: str, wanted: bool, expected: bool) -> None:
    assert holds({"field": path, "is_set": wanted}) is expected


# -- unset values ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value"),
    [("gt", 0), ("ge", 0), ("lt", 1e9), ("le", 1e9), ("eq", 1), ("ne", 1), ("in", [1, 2]), ("not_in", [1, 2])],
)
def test_a_comparison_on_an_unset_value_is_false(op: str, value: Any) -> None:
    # "vcpu not given" must not trip a limit on vcpu, nor its opposite.
    assert holds({"field": "runtime.vcpu", op: value}) is False


def test_not_of_a_comparison_on_an_unset_value_is_true() -> None:
    assert holds({"not": {"field": "traffic.latency_slo_ms", "lt": 100}}) is True


# -- branches ----------------------------------------------------------------------------------------------------

BIG = {"field": "runtime.memory_mb", "gt": 512}  # true
SMALL = {"field": "runtime.memory_mb", "lt": 512}  # false


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"all": [BIG, BIG]}, True),
        ({"all": [BIG, SMALL]}, False),
        ({"any": [SMALL, BIG]}, True),
        ({"any": [SMALL, SMALL]}, False),
        ({"not": SMALL}, True),
        ({"not": BIG}, False),
        ({"all": [BIG, {"not": {"any": [SMALL, {"field": "traffic.pattern", "eq": "steady"}]}}]}, True),
    ],
)
def test_branches(raw: Any, expected: bool) -> None:
    assert holds(raw) is expected


def test_a_branch_records_every_field_it_reads() -> None:
    condition = compiled({"all": [BIG, {"not": {"field": "traffic.pattern", "eq": "steady"}}]})
    assert condition.fields == frozenset({"runtime.memory_mb", "traffic.pattern"})
    assert condition.leaf is None


def test_a_single_comparison_keeps_its_leaf() -> None:
    condition = compiled({"field": "runtime.max_duration_s", "gt": 900})
    assert condition.leaf == Comparison("runtime.max_duration_s", "gt", 900)
    assert condition.fields == frozenset({"runtime.max_duration_s"})


# -- load-time errors --------------------------------------------------------------------------------------------


def test_unknown_field_suggests_the_nearest() -> None:
    [problem] = problems_of({"field": "runtime.memroy_mb", "gt": 1})
    assert problem.location == "rule when.field"
    assert "'runtime.memroy_mb'" in problem.message
    assert problem.suggestion == "runtime.memory_mb"


def test_unknown_derived_fact_suggests_the_nearest() -> None:
    [problem] = problems_of({"field": "derived.copies_at_peek", "gt": 1})
    assert problem.suggestion == "derived.copies_at_peak"


def test_unknown_operator_lists_the_operators_and_suggests_one() -> None:
    [problem] = problems_of({"field": "runtime.memory_mb", "gte": 1})
    assert problem.location == "rule when.gte"
    assert "eq, ne, gt, ge, lt, le, in, not_in, contains, contains_any, is_set" in problem.message
    assert problem.suggestion == "ge"


@pytest.mark.parametrize(
    ("op", "suggestion"), [(">=", "ge"), ("lte", "le"), ("==", "eq"), ("!=", "ne"), ("equal", "eq")]
)
def test_operators_spelt_as_elsewhere_suggest_ours(op: str, suggestion: str) -> None:
    [problem] = problems_of({"field": "runtime.memory_mb", op: 1})
    assert problem.suggestion == suggestion


def test_unknown_field_and_operator_are_both_reported() -> None:
    problems = problems_of({"field": "runtime.memroy_mb", "gte": 1})
    assert [problem.suggestion for problem in problems] == ["runtime.memory_mb", "ge"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"field": "runtime.memory_mb", "gt": "big"}, "needs a number, got 'big'"),
        ({"field": "runtime.memory_mb", "gt": True}, "needs a number, got True"),
        ({"field": "runtime.memory_mb", "eq": "1024"}, "runtime.memory_mb is a number, got '1024'"),
        ({"field": "runtime.long_running", "eq": 1}, "runtime.long_running is true or false, got 1"),
        ({"field": "preferences.region", "eq": 1}, "preferences.region is text, got 1"),
        ({"field": "traffic.pattern", "gt": 1}, "'gt' compares numbers but traffic.pattern is enum"),
        ({"field": "runtime.vcpu", "is_set": "yes"}, "is_set takes true or false, got 'yes'"),
        ({"field": "runtime.memory_mb", "in": 5}, "'in' takes a non-empty list, got 5"),
        ({"field": "runtime.memory_mb", "not_in": []}, "'not_in' takes a non-empty list"),
        ({"field": "traffic.protocols", "contains_any": "http"}, "contains_any takes a list, got 'http'"),
        ({"field": "control.instance_types", "contains": 4}, "holds text values, got 4"),
    ],
)
def test_wrong_value_types_are_refused(raw: dict[str, Any], words: str) -> None:
    [problem] = problems_of(raw)
    assert words in problem.message


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ({"field": "traffic.pattern", "eq": "spikey"}, "spiky"),
        ({"field": "traffic.pattern", "in": ["steady", "batchh"]}, "batch"),
        ({"field": "traffic.protocols", "contains": "websockets"}, "websocket"),
        ({"field": "traffic.protocols", "contains_any": ["http", "gprc"]}, "grpc"),
        ({"field": "team.kubernetes_experience", "ne": "expret"}, "expert"),
    ],
)
def test_enum_value_typos_suggest_the_value(raw: dict[str, Any], suggestion: str) -> None:
    [problem] = problems_of(raw)
    assert "valid:" in problem.message
    assert problem.suggestion == suggestion


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (
            {"field": "runtime.memory_mb", "contains": 1},
            "'contains' applies to list fields but runtime.memory_mb is number",
        ),
        ({"field": "traffic.pattern", "contains_any": ["spiky"]}, "applies to list fields but traffic.pattern is enum"),
        ({"field": "traffic.protocols", "eq": "http"}, "traffic.protocols is a list: use contains or contains_any"),
        ({"field": "control.instance_types", "in": ["p4d"]}, "is a list: use contains or contains_any"),
    ],
)
def test_list_and_scalar_operators_are_not_mixed(raw: dict[str, Any], words: str) -> None:
    [problem] = problems_of(raw)
    assert words in problem.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("runtime.memory_mb > 5", "a condition must be a mapping, got str"),
        ({"field": "runtime.memory_mb"}, "exactly one operator"),
        ({"field": "runtime.memory_mb", "gt": 1, "lt": 5}, "exactly one operator"),
        ({"all": [BIG], "any": [BIG]}, "a branch has exactly one key"),
        ({"all": []}, "'all' takes a non-empty list of conditions"),
        ({"any": BIG}, "'any' takes a non-empty list of conditions"),
        ({"fields": "runtime.memory_mb", "gt": 1}, "unknown condition key(s)"),
    ],
)
def test_malformed_conditions_are_refused(raw: Any, words: str) -> None:
    problems = problems_of(raw)
    assert any(words in problem.message for problem in problems), problems


def test_a_misspelt_condition_key_suggests_field() -> None:
    [problem] = problems_of({"feild": "runtime.memory_mb"})
    assert problem.suggestion == "field"


def test_every_bad_leaf_of_a_tree_is_reported_with_its_place() -> None:
    problems = problems_of(
        {
            "all": [
                {"field": "runtime.memroy_mb", "gt": 1},
                BIG,
                {"not": {"field": "traffic.pattern", "eq": "spikey"}},
            ]
        }
    )
    assert [problem.location for problem in problems] == ["rule when.all[0].field", "rule when.all[2].not.eq"]


def test_compiling_is_not_evaluating_text() -> None:
    # A value that looks like code is only ever compared as a value.
    condition = compiled({"field": "preferences.region", "eq": "__import__('os').system('true')"})
    assert condition(CONTEXT) is False


# -- descriptions used by explanations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaf", "text", "inverse"),
    [
        (
            Comparison("runtime.max_duration_s", "gt", 900),
            "runtime.max_duration_s > 900",
            "runtime.max_duration_s ≤ 900",
        ),
        (Comparison("runtime.memory_mb", "ge", 10240), "runtime.memory_mb ≥ 10,240", "runtime.memory_mb < 10,240"),
        (Comparison("runtime.memory_mb", "lt", 128), "runtime.memory_mb < 128", "runtime.memory_mb ≥ 128"),
        (Comparison("runtime.memory_mb", "le", 0.5), "runtime.memory_mb ≤ 0.5", "runtime.memory_mb > 0.5"),
        (Comparison("runtime.os", "eq", "windows"), "runtime.os = windows", "runtime.os ≠ windows"),
        (Comparison("runtime.privileged", "eq", True), "runtime.privileged = true", "runtime.privileged ≠ true"),
        (
            Comparison("traffic.pattern", "in", ("batch", "scheduled")),
            "traffic.pattern in [batch, scheduled]",
            "traffic.pattern not in [batch, scheduled]",
        ),
        (
            Comparison("traffic.pattern", "not_in", ("steady",)),
            "traffic.pattern not in [steady]",
            "traffic.pattern in [steady]",
        ),
    ],
)
def test_leaf_describe_and_inverse(leaf: Comparison, text: str, inverse: str) -> None:
    assert leaf.describe() == text
    assert leaf.describe_inverse() == inverse


@pytest.mark.parametrize(
    ("leaf", "text"),
    [
        (Comparison("traffic.protocols", "contains", "udp"), "traffic.protocols includes udp"),
        (
            Comparison("traffic.protocols", "contains_any", ("tcp", "udp")),
            "traffic.protocols includes any of [tcp, udp]",
        ),
        (Comparison("runtime.vcpu", "is_set", True), "runtime.vcpu is set"),
        (Comparison("runtime.vcpu", "is_set", False), "runtime.vcpu is not set"),
    ],
)
def test_leaves_without_a_simple_inverse(leaf: Comparison, text: str) -> None:
    assert leaf.describe() == text
    assert leaf.describe_inverse() is None


# -- the operator registry ---------------------------------------------------------------------------------------


def test_operators_are_the_registry_in_order() -> None:
    assert OPERATORS == ("eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "contains", "contains_any", "is_set")
    assert tuple(entry.name for entry in REGISTRY) == OPERATORS
    assert len(set(OPERATORS)) == len(OPERATORS)


def test_every_inverse_is_an_operator_whose_inverse_is_the_first() -> None:
    by_name = {entry.name: entry for entry in REGISTRY}
    for entry in REGISTRY:
        if entry.inverse is not None:
            inverse = by_name[entry.inverse]
            assert inverse.inverse == entry.name, entry.name
            assert inverse.kind == entry.kind, entry.name
    assert dict(INVERSE) == {entry.name: entry.inverse for entry in REGISTRY if entry.inverse is not None}


#: For each kind of operator with an inverse: fields, literals to compare with, and set values to compare.
NEGATION_SAMPLES: dict[str, list[tuple[str, list[Any], list[Any]]]] = {
    "number": [("runtime.max_duration_s", [0, 899, 900, 900.5], [0, 899, 900, 900.0, 900.5, 901, 1e9])],
    "equality": [
        ("runtime.max_duration_s", [900, 1.5], [0, 1.5, 900, 900.0]),
        ("traffic.pattern", ["spiky", "steady"], list(FIELDS["traffic.pattern"].choices)),
        ("derived.always_on", [True, False], [True, False]),
        ("preferences.region", ["eu-west-1"], ["eu-west-1", "us-east-1", ""]),
    ],
    "membership": [
        ("runtime.max_duration_s", [[1, 900], [2]], [0, 1, 900, 900.0]),
        ("traffic.pattern", [["spiky", "event"], ["batch"]], list(FIELDS["traffic.pattern"].choices)),
    ],
}


@pytest.mark.parametrize("entry", [entry for entry in REGISTRY if entry.inverse], ids=lambda entry: entry.name)
def test_an_inverse_is_the_negation_on_set_values(entry: Operator) -> None:
    assert entry.inverse is not None
    for path, literals, currents in NEGATION_SAMPLES[entry.kind]:
        for literal in literals:
            this = compiled({"field": path, entry.name: literal})
            other = compiled({"field": path, entry.inverse: literal})
            for current in currents:
                assert this({path: current}) is (not other({path: current})), (path, literal, current)
                # Unset, neither holds: "vcpu not given" trips no limit on vcpu, nor its opposite.
                assert this({path: None}) is other({path: None}) is False
            leaf = Comparison(path, entry.name, tuple(literal) if isinstance(literal, list) else literal)
            assert leaf.describe_inverse() == Comparison(path, entry.inverse, leaf.value).describe()
