"""The names rules may read: every workload field and derived fact, with its kind, and a decision's flat context."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import Any, Literal

from pydantic import BaseModel

from decider.facts import Facts
from decider.workload import SECTIONS, Workload

FieldKind = Literal["number", "bool", "enum", "enum_list", "string", "string_list"]


@dataclass(frozen=True)
class FieldSpec:
    """A name rules may refer to: its kind, and for enums the values it can take."""

    path: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    description: str = ""


def _spec_for(path: str, annotation: Any, description: str) -> FieldSpec:
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _spec_for(path, args[0], description)
    if origin is Literal:
        return FieldSpec(path, "enum", tuple(str(arg) for arg in args), description)
    if origin is tuple:
        inner = args[0]
        if typing.get_origin(inner) is Literal:
            return FieldSpec(path, "enum_list", tuple(str(arg) for arg in typing.get_args(inner)), description)
        return FieldSpec(path, "string_list", (), description)
    if annotation is bool:
        return FieldSpec(path, "bool", (), description)
    if annotation in (int, float):
        return FieldSpec(path, "number", (), description)
    return FieldSpec(path, "string", (), description)


def _build_registry() -> dict[str, FieldSpec]:
    registry: dict[str, FieldSpec] = {}
    for section_name, section in SECTIONS.items():
        model: type[BaseModel] = section
        for name, field in model.model_fields.items():
            path = f"{section_name}.{name}"
            registry[path] = _spec_for(path, field.annotation, field.description or "")
    hints = typing.get_type_hints(Facts)
    for item in fields(Facts):
        path = f"derived.{item.name}"
        registry[path] = _spec_for(path, hints[item.name], "")
    return registry


FIELDS: Mapping[str, FieldSpec] = _build_registry()


# The paths are built once: context() runs for every decision.
_SECTION_PATHS = tuple(
    (section_name, tuple((f"{section_name}.{name}", name) for name in section.model_fields))
    for section_name, section in SECTIONS.items()
)
#: Each section's (path, field name) pairs, by section.
SECTION_PATHS: Mapping[str, tuple[tuple[str, str], ...]] = dict(_SECTION_PATHS)
_FACT_PATHS = tuple((f"derived.{item.name}", item.name) for item in fields(Facts))


def context(workload: Workload, facts: Facts) -> dict[str, Any]:
    """Every field and fact of a decision as one flat mapping from path to value, the input of compiled rules."""
    values: dict[str, Any] = {}
    for section_name, paths in _SECTION_PATHS:
        section = getattr(workload, section_name)
        for path, name in paths:
            values[path] = getattr(section, name)
    for path, name in _FACT_PATHS:
        values[path] = getattr(facts, name)
    return values


def values_at(workload: Workload, facts: Facts, paths: tuple[str, ...]) -> tuple[Any, ...]:
    """The values at ``paths`` of ``context(workload, facts)``, in order, without the rest: for what reads those paths
    alone (the rules that keep something out, decider/ranking.py ``_kept_out``)."""
    values: list[Any] = []
    for section, read in _readers(paths):
        values.extend(read(facts if section == "derived" else getattr(workload, section)))
    return tuple(values)


@lru_cache(maxsize=64)
def _readers(paths: tuple[str, ...]) -> tuple[tuple[str, Callable[[Any], tuple[Any, ...]]], ...]:
    """How ``values_at`` reads ``paths``: per run of paths of one section, the section (or ``derived``) and a reader of
    their fields. Cached by the paths alone, all that the readers are built from."""
    runs = []
    for section, run in groupby(paths, key=lambda path: path.partition(".")[0]):
        names = [path.partition(".")[2] for path in run]
        read = attrgetter(*names)
        runs.append((section, read if len(names) > 1 else _one(read)))
    return tuple(runs)


def _one(read: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A reader of one field, its value as a tuple of one (``attrgetter`` of one name gives the value itself)."""
    return lambda source: (read(source),)
