"""The closures rule conditions compile to (decider/rules/conditions.py): one per operator, each reading its field
from a decision's flat context with nothing looked up at evaluation. Every decision runs them for every rule, so each
is written out for its operator (no ``operator.gt`` call, no second lookup of the field)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Context = Mapping[str, Any]
Predicate = Callable[[Context], bool]


def build_is_set(path: str, value: Any) -> Predicate:
    wanted = bool(value)

    def is_set(context: Context) -> bool:
        current = context[path]
        return (current is not None and current != ()) == wanted

    return is_set


def build_gt(path: str, value: Any) -> Predicate:
    def greater(context: Context) -> bool:
        current = context[path]
        return current is not None and current > value

    return greater


def build_ge(path: str, value: Any) -> Predicate:
    def at_least(context: Context) -> bool:
        current = context[path]
        return current is not None and current >= value

    return at_least


def build_lt(path: str, value: Any) -> Predicate:
    def less(context: Context) -> bool:
        current = context[path]
        return current is not None and current < value

    return less


def build_le(path: str, value: Any) -> Predicate:
    def at_most(context: Context) -> bool:
        current = context[path]
        return current is not None and current <= value

    return at_most


def build_eq(path: str, value: Any) -> Predicate:
    if value is not None:  # always: a literal is checked to be a bool, number or text, which no unset value equals
        return lambda context: context[path] == value
    return lambda context: context[path] is not None and context[path] == value


def build_ne(path: str, value: Any) -> Predicate:
    def differs(context: Context) -> bool:
        current = context[path]
        return current is not None and current != value

    return differs


def build_in(path: str, value: Any) -> Predicate:
    members = frozenset(value)  # text, numbers or bools (checked at load): never None, which is in none of them
    return lambda context: context[path] in members


def build_not_in(path: str, value: Any) -> Predicate:
    members = frozenset(value)

    def outside(context: Context) -> bool:
        current = context[path]
        return current is not None and current not in members

    return outside


def build_contains(path: str, value: Any) -> Predicate:
    return lambda context: value in context[path]


def build_contains_any(path: str, value: Any) -> Predicate:
    wanted_any = frozenset(value)
    return lambda context: not wanted_any.isdisjoint(context[path])
