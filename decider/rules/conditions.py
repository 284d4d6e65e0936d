"""Rule conditions: a small tree grammar checked against the field registry and compiled once into closures.

Grammar (YAML):
    {field: <path>, <op>: <value>}       a comparison; ops: eq ne gt ge lt le in not_in contains contains_any is_set
    {all: [<condition>, ...]}            every one holds
    {any: [<condition>, ...]}            at least one holds
    {not: <condition>}                   it does not hold

A comparison on a field whose value is not set (None) is false, except ``is_set: false``.
Nothing here evaluates text as code: operators are looked up in a fixed table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from decider.errors import Problem, nearest
from decider.numbers import show
from decider.rules.fields import FIELDS, FieldSpec

Context = Mapping[str, Any]
Predicate = Callable[[Context], bool]

_NUMERIC = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "contains", "contains_any", "is_set")
BRANCHES = ("all", "any", "not")
_SYMBOL = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "ge": "≥",
    "lt": "<",
    "le": "≤",
    "in": "in",
    "not_in": "not in",
    "contains": "includes",
    "contains_any": "includes any of",
}
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
INVERSE = {
    "eq": "ne",
    "ne": "eq",
    "gt": "le",
    "ge": "lt",
    "lt": "ge",
    "le": "gt",
    "in": "not_in",
    "not_in": "in",
}


@dataclass(frozen=True)
class Comparison:
    """One leaf of a condition: a field, an operator and a literal value."""

    field: str
    op: str
    value: Any

    def describe(self) -> str:
        if self.op == "is_set":
            return f"{self.field} is {'set' if self.value else 'not set'}"
        return f"{self.field} {_SYMBOL[self.op]} {show(self.value)}"

    def describe_inverse(self) -> str | None:
        """The comparison that would make this leaf false, as text; None when there is no simple inverse."""
        inverse = INVERSE.get(self.op)
        if inverse is None:
            return None
        return f"{self.field} {_SYMBOL[inverse]} {show(self.value)}"


@dataclass(frozen=True)
class Condition:
    """A compiled condition: the predicate, and its lone comparison when the tree is a single leaf."""

    predicate: Predicate
    leaf: Comparison | None
    fields: frozenset[str]

    def __call__(self, context: Context) -> bool:
        return self.predicate(context)


def compile_condition(raw: Any, where: str, problems: list[Problem]) -> Condition | None:
    """Check a raw condition tree and compile it; append every problem found; None when it has problems."""
    before = len(problems)
    compiled = _compile(raw, where, problems)
    if compiled is None or len(problems) > before:
        return None
    predicate, used = compiled
    leaf = _leaf(raw)
    return Condition(predicate, leaf, frozenset(used))


def _leaf(raw: Mapping[str, Any]) -> Comparison | None:
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
    # Plain loops rather than all()/any() over a generator: every decision runs these for every rule.
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
    if op not in OPERATORS:
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
    if not _check_value(spec, op, value, f"{where}.{op}", problems):
        return None
    return _predicate(path, op, value), {path}


def _check_value(spec: FieldSpec, op: str, value: Any, where: str, problems: list[Problem]) -> bool:
    kind = spec.kind
    if op == "is_set":
        if not isinstance(value, bool):
            problems.append(Problem(where, f"is_set takes true or false, got {value!r}"))
            return False
        return True
    if op in _NUMERIC:
        if kind != "number":
            problems.append(Problem(where, f"'{op}' compares numbers but {spec.path} is {kind}"))
            return False
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(where, f"'{op}' needs a number, got {value!r}"))
            return False
        return True
    if op in ("contains", "contains_any"):
        if kind not in ("enum_list", "string_list"):
            problems.append(Problem(where, f"'{op}' applies to list fields but {spec.path} is {kind}"))
            return False
        values = value if op == "contains_any" else (value,)
        if op == "contains_any" and not isinstance(value, tuple):
            problems.append(Problem(where, f"contains_any takes a list, got {value!r}"))
            return False
        return _check_members(spec, values, where, problems)
    if op in ("in", "not_in"):
        if not isinstance(value, tuple) or not value:
            problems.append(Problem(where, f"'{op}' takes a non-empty list, got {value!r}"))
            return False
        return all(_check_scalar(spec, item, where, problems) for item in value)
    return _check_scalar(spec, value, where, problems)


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
        problems.append(Problem(where, f"{spec.path} is a list: use contains or contains_any"))
        return False
    if kind == "enum":
        return _check_members(spec, (value,), where, problems)
    if kind == "string" and not isinstance(value, str):
        problems.append(Problem(where, f"{spec.path} is text, got {value!r}"))
        return False
    return True


def _predicate(path: str, op: str, value: Any) -> Predicate:
    if op == "is_set":
        wanted = bool(value)

        def is_set(context: Context) -> bool:
            current = context[path]
            return (current is not None and current != ()) == wanted

        return is_set
    if op in _NUMERIC:
        compare = _NUMERIC[op]

        def numeric(context: Context) -> bool:
            current = context[path]
            return current is not None and bool(compare(current, value))

        return numeric
    if op == "eq":
        return lambda context: context[path] is not None and context[path] == value
    if op == "ne":
        return lambda context: context[path] is not None and context[path] != value
    if op in ("in", "not_in"):
        members = frozenset(value)
        wanted_in = op == "in"
        return lambda context: context[path] is not None and (context[path] in members) == wanted_in
    if op == "contains":
        return lambda context: value in context[path]
    wanted_any = frozenset(value)
    return lambda context: bool(wanted_any.intersection(context[path]))
