"""Rule conditions: a small tree grammar checked against the field registry and compiled once into closures.

Grammar (YAML):
    {field: <path>, <op>: <value>}       a comparison; ops: eq ne gt ge lt le in not_in contains contains_any is_set
    {all: [<condition>, ...]}            every one holds
    {any: [<condition>, ...]}            at least one holds
    {not: <condition>}                   it does not hold

A comparison on a field whose value is not set (None) is false, except ``is_set: false``.
Nothing here evaluates text as code: operators are looked up in a fixed table.

That table is ``REGISTRY``, one ``Operator`` per operator: its name, the kind of field it applies to, how it reads in
explanations, the operator that negates it, the load-time check of its literal against the field, and the builder of
the closure decisions run. ``OPERATORS``, ``INVERSE``, every message, ``describe()`` and ``describe_inverse()`` follow
from it. Adding an operator is one entry (plus its builder, in decider/rules/builders.py, when none there fits), e.g.
"every one of these values":

    Operator("contains_all", "list", "includes all of", None, _check_list_of_values, build_contains_all),

    def build_contains_all(path: str, value: Any) -> Predicate:
        wanted = frozenset(value)
        return lambda context: wanted.issubset(context[path])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from decider.errors import Problem, nearest
from decider.numbers import show
from decider.rules.builders import (
    Predicate,
    build_contains,
    build_contains_any,
    build_eq,
    build_ge,
    build_gt,
    build_in,
    build_is_set,
    build_le,
    build_lt,
    build_ne,
    build_not_in,
)
from decider.rules.fields import FIELDS, FieldSpec

Context = Mapping[str, Any]
#: Checks an operator's literal against a field at load time: (operator name, field, value, where, problems) -> ok.
Check = Callable[[str, FieldSpec, Any, str, list[Problem]], bool]
#: Builds the closure decisions run from a field path and a checked literal.
Build = Callable[[str, Any], Predicate]
#: Which fields an operator applies to: number fields; any scalar field against one value (equality) or a non-empty
#: list of values (membership); list fields; any field (is_set).
OperatorKind = Literal["number", "equality", "membership", "list", "is_set"]


@dataclass(frozen=True)
class Operator:
    """One condition operator: everything the checker, the compiler and the explanations know of it."""

    name: str
    kind: OperatorKind
    symbol: str  # how it reads in explanations: "≥", "not in", "includes"
    inverse: str | None  # the operator that negates it on a set value, when there is one
    check: Check
    build: Build


BRANCHES = ("all", "any", "not")
#: How other rule languages spell our operators: a suggestion by meaning beats one by spelling (gte is ge, not gt).
_OPERATOR_ALIASES = {
    "gte": "ge",
    "lte": "le",
    ">": "gt",
    ">=": "ge",
    "<": "lt",
    "<=": "le",
    "==": "eq",
    "=": "eq",
    "!=": "ne",
    "equal": "eq",
    "equals": "eq",
    "includes": "contains",
}


# -- load-time checks of a literal against its field -------------------------------------------------------------


def _check_is_set(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    if not isinstance(value, bool):
        problems.append(Problem(where, f"{name} takes true or false, got {value!r}"))
        return False
    return True


def _check_number(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    if spec.kind != "number":
        problems.append(Problem(where, f"'{name}' compares numbers but {spec.path} is {spec.kind}"))
        return False
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(where, f"'{name}' needs a number, got {value!r}"))
        return False
    return True


def _check_value(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    return _check_scalar(spec, value, where, problems)


def _check_values(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    if not isinstance(value, tuple) or not value:
        problems.append(Problem(where, f"'{name}' takes a non-empty list, got {value!r}"))
        return False
    # all() stops at the first bad value: one problem per comparison.
    return all(_check_scalar(spec, item, where, problems) for item in value)


def _check_list_of_value(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    return _list_field(name, spec, where, problems) and _check_members(spec, (value,), where, problems)


def _check_list_of_values(name: str, spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    if not _list_field(name, spec, where, problems):
        return False
    if not isinstance(value, tuple):
        problems.append(Problem(where, f"{name} takes a list, got {value!r}"))
        return False
    return _check_members(spec, value, where, problems)


def _list_field(name: str, spec: FieldSpec, where: str, problems: list[Problem]) -> bool:
    if spec.kind not in ("enum_list", "string_list"):
        problems.append(Problem(where, f"'{name}' applies to list fields but {spec.path} is {spec.kind}"))
        return False
    return True


def _check_members(spec: FieldSpec, values: tuple[Any, ...], where: str, problems: list[Problem]) -> bool:
    ok = True
    for item in values:
        if not isinstance(item, str):
            problems.append(Problem(where, f"{spec.path} holds text values, got {item!r}"))
            ok = False
        elif spec.choices and item not in spec.choices:
            problems.append(
                Problem(
                    where,
                    f"{item!r} is not a value of {spec.path}; valid: {', '.join(spec.choices)}",
                    nearest(item, spec.choices),
                )
            )
            ok = False
    return ok


def _check_scalar(spec: FieldSpec, value: Any, where: str, problems: list[Problem]) -> bool:
    kind = spec.kind
    if kind == "bool" and not isinstance(value, bool):
        problems.append(Problem(where, f"{spec.path} is true or false, got {value!r}"))
        return False
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(Problem(where, f"{spec.path} is a number, got {value!r}"))
        return False
    if kind in ("enum_list", "string_list"):
        use = " or ".join(entry.name for entry in REGISTRY if entry.kind == "list")
        problems.append(Problem(where, f"{spec.path} is a list: use {use}"))
        return False
    if kind == "enum":
        return _check_members(spec, (value,), where, problems)
    if kind == "string" and not isinstance(value, str):
        problems.append(Problem(where, f"{spec.path} is text, got {value!r}"))
        return False
    return True


# -- the registry ------------------------------------------------------------------------------------------------

#: Every operator, in the order messages list them.
REGISTRY: tuple[Operator, ...] = (
    Operator("eq", "equality", "=", "ne", _check_value, build_eq),
    Operator("ne", "equality", "≠", "eq", _check_value, build_ne),
    Operator("gt", "number", ">", "le", _check_number, build_gt),
    Operator("ge", "number", "≥", "lt", _check_number, build_ge),
    Operator("lt", "number", "<", "ge", _check_number, build_lt),
    Operator("le", "number", "≤", "gt", _check_number, build_le),
    Operator("in", "membership", "in", "not_in", _check_values, build_in),
    Operator("not_in", "membership", "not in", "in", _check_values, build_not_in),
    Operator("contains", "list", "includes", None, _check_list_of_value, build_contains),
    Operator("contains_any", "list", "includes any of", None, _check_list_of_values, build_contains_any),
    Operator("is_set", "is_set", "is set", None, _check_is_set, build_is_set),
)
_BY_NAME: Mapping[str, Operator] = {entry.name: entry for entry in REGISTRY}
OPERATORS = tuple(entry.name for entry in REGISTRY)
INVERSE: Mapping[str, str] = {entry.name: entry.inverse for entry in REGISTRY if entry.inverse is not None}


@dataclass(frozen=True)
class Comparison:
    """One leaf of a condition: a field, an operator and a literal value."""

    field: str
    op: str
    value: Any

    def describe(self) -> str:
        if self.op == "is_set":
            return f"{self.field} is {'set' if self.value else 'not set'}"
        return f"{self.field} {_BY_NAME[self.op].symbol} {show(self.value)}"

    def describe_inverse(self) -> str | None:
        """The comparison that would make this leaf false, as text; None when there is no simple inverse."""
        entry = _BY_NAME.get(self.op)
        if entry is None or entry.inverse is None:
            return None
        return f"{self.field} {_BY_NAME[entry.inverse].symbol} {show(self.value)}"

    def holds(self, context: Context) -> bool:
        """The comparison's value in ``context`` (built anew each call: for the few callers that walk a tree, such
        as an exclusion's fix; a rule's predicate is compiled once)."""
        return bool(_BY_NAME[self.op].build(self.field, self.value)(context))


@dataclass(frozen=True)
class Condition:
    """A compiled condition: the predicate, its lone comparison when the tree is a single leaf, and the condition as
    written (for what walks its tree, decider/rules/tree.py: an excluded target's fix, decider/fixes.py)."""

    predicate: Predicate
    leaf: Comparison | None
    fields: frozenset[str]
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __call__(self, context: Context) -> bool:
        return self.predicate(context)


def compile_condition(raw: Any, where: str, problems: list[Problem]) -> Condition | None:
    """Check a raw condition tree and compile it; append every problem found; None when it has problems."""
    before = len(problems)
    compiled = _compile(raw, where, problems)
    if compiled is None or len(problems) > before:
        return None
    predicate, used = compiled
    return Condition(predicate, leaf_of(raw), frozenset(used), raw)


def leaf_of(raw: Mapping[str, Any]) -> Comparison | None:
    """The comparison a condition is, when it is a single one."""
    if "field" not in raw:
        return None
    op = next(key for key in raw if key != "field")
    return Comparison(raw["field"], op, _normalise(raw[op]))


def _normalise(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _compile(raw: Any, where: str, problems: list[Problem]) -> tuple[Predicate, set[str]] | None:
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, f"a condition must be a mapping, got {type(raw).__name__}: {raw!r}"))
        return None
    keys = set(raw)
    branch = keys & set(BRANCHES)
    if branch:
        if len(keys) != 1:
            problems.append(Problem(where, f"a branch has exactly one key ({'/'.join(BRANCHES)}); got {sorted(keys)}"))
            return None
        (name,) = branch
        return _compile_branch(name, raw[name], f"{where}.{name}", problems)
    if "field" not in keys:
        unknown = sorted(str(key) for key in keys)
        guess = nearest(unknown[0], (*BRANCHES, "field")) if unknown else None
        problems.append(
            Problem(where, f"unknown condition key(s) {unknown}; a condition is field+operator, all, any or not", guess)
        )
        return None
    return _compile_comparison(raw, where, problems)


def _compile_branch(name: str, body: Any, where: str, problems: list[Problem]) -> tuple[Predicate, set[str]] | None:
    if name == "not":
        inner = _compile(body, where, problems)
        if inner is None:
            return None
        predicate, used = inner

        def negate(context: Context) -> bool:
            return not predicate(context)

        return negate, used
    if not isinstance(body, list) or not body:
        problems.append(Problem(where, f"'{name}' takes a non-empty list of conditions"))
        return None
    parts = [_compile(item, f"{where}[{index}]", problems) for index, item in enumerate(body)]
    compiled = [part for part in parts if part is not None]
    if len(compiled) != len(parts):
        return None
    predicates = tuple(predicate for predicate, _ in compiled)
    used = set().union(*(fields for _, fields in compiled))
    # Plain loops rather than all()/any() over a generator: every decision runs these for every rule. Two or three
    # parts, most branches, are joined directly, without the loop.
    if name == "all" and len(predicates) in (2, 3):
        first, second, *rest = predicates
        if not rest:
            return (lambda context: first(context) and second(context)), used
        third = rest[0]
        return (lambda context: first(context) and second(context) and third(context)), used
    if name == "any" and len(predicates) in (2, 3):
        first, second, *rest = predicates
        if not rest:
            return (lambda context: first(context) or second(context)), used
        third = rest[0]
        return (lambda context: first(context) or second(context) or third(context)), used
    if name == "all":

        def every(context: Context) -> bool:
            for predicate in predicates:  # noqa: SIM110
                if not predicate(context):
                    return False
            return True

        return every, used

    def some(context: Context) -> bool:
        for predicate in predicates:  # noqa: SIM110
            if predicate(context):
                return True
        return False

    return some, used


def _compile_comparison(
    raw: Mapping[str, Any], where: str, problems: list[Problem]
) -> tuple[Predicate, set[str]] | None:
    path = raw["field"]
    ops = [key for key in raw if key != "field"]
    spec = FIELDS.get(path) if isinstance(path, str) else None
    ok = True
    if spec is None:
        problems.append(
            Problem(f"{where}.field", f"unknown field {path!r}; see `decider rules fields`", nearest(str(path), FIELDS))
        )
        ok = False
    if len(ops) != 1:
        problems.append(Problem(where, f"a comparison has exactly one operator ({', '.join(OPERATORS)}); got {ops}"))
        return None
    op = ops[0]
    entry = _BY_NAME.get(op)
    if entry is None:
        problems.append(
            Problem(
                f"{where}.{op}",
                f"unknown operator; valid: {', '.join(OPERATORS)}",
                _OPERATOR_ALIASES.get(str(op)) or nearest(str(op), OPERATORS),
            )
        )
        return None
    if not ok or spec is None:
        return None
    value = _normalise(raw[op])
    if not entry.check(entry.name, spec, value, f"{where}.{op}", problems):
        return None
    return entry.build(path, value), {path}
