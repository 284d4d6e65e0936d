"""What a reviewed workload was decided on, field by field: the values its source (or the usage file) gave, with
their file and line, and the values decider's defaults filled in. The review's JSON echoes both, so a reader can see
which facts a verdict rests on and which were assumed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from decider.sources import ImportedWorkload
from decider.workload import ParsedWorkload


class FieldRead(BaseModel):
    """One workload field as a file gave it: the template's resource (its line), or the usage file (no line)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(description="Dotted workload path, e.g. runtime.max_duration_s.")
    value: Any
    file: str | None = None
    line: int | None = Field(None, description="The line of the resource it was read from; null for a usage file.")


class FieldAssumed(BaseModel):
    """One workload field decider's defaults filled, with the value assumed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    value: Any


def read_fields(item: ImportedWorkload) -> tuple[FieldRead, ...]:
    """Every field of an imported workload, where it came from: its source's resource or the usage file."""
    fields: list[FieldRead] = []
    for path, value in _flatten(item.raw):
        usage_file = item.given_in.get(path)
        if path in item.guessed and usage_file is None:
            continue  # a guess, not a value the source gave: the review lists it among the fields assumed
        if usage_file is not None:
            fields.append(FieldRead(field=path, value=value, file=usage_file))
        else:
            fields.append(FieldRead(field=path, value=value, file=item.file, line=item.line))
    return tuple(fields)


def assumed_fields(parsed: ParsedWorkload) -> tuple[FieldAssumed, ...]:
    return tuple(FieldAssumed(field=path, value=value) for path, value in parsed.defaults)


def _flatten(raw: Mapping[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for section, fields in raw.items():
        if isinstance(fields, Mapping):
            out += [(f"{section}.{name}", value) for name, value in fields.items()]
        else:
            out.append((str(section), fields))
    return out
