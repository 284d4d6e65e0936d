"""The page's form: one field per workload field (from the workload's JSON Schema, so a new field shows up by
itself), read back into a workload; and the workload carried in a URL, so a result can be shared as a link.

Form values are text. A field left empty is left out of the workload (decider applies its default and says so);
a value that does not read as its type goes to the engine as written, so the engine's own message lands at the
field. A pasted YAML or JSON document, when given, is the workload instead of the fields. A name the form does not
have (a hand-written post or link: ``runtime.memroy_mb``) and a number that is not finite (``nan``, ``inf``,
``1e400``) are refused at once, as the API refuses them, with the nearest valid name. A link's workload is read
with the API's own strict JSON reader: the same errors for the same text.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from decider.documents import parse_json, parse_text
from decider.errors import DocumentError, Problem, WorkloadError, nearest, quoted, unknown_choice
from decider.numbers import show
from decider.workload_schema import workload_schema

#: Units shown next to a field, by the ending of its name (units are in the names: the contract's own rule).
UNITS = (
    ("requests_per_month", "requests / month"),
    ("_per_month", "/ month"),
    ("connections", "connections"),
    ("_ms", "ms"),
    ("_s", "s"),
    ("_mb", "MB"),
    ("_gb", "GB"),
    ("_rps", "requests / s"),
    ("vcpu", "vCPU"),
    ("gpu", "GPUs"),
)
DOCUMENT = "document"
KEY_FIELD = "api_key"
#: The form's names that are not workload fields: the pasted document, the key, the example chooser and its button.
CONTROLS = frozenset({DOCUMENT, KEY_FIELD, "preset", "action"})
MAX_LINK_CHARS = 8000


@dataclass(frozen=True)
class FormField:
    """One input of the form: a workload field, its kind and choices, its default shown as a placeholder."""

    path: str
    section: str
    name: str
    label: str
    kind: str
    """``number``, ``integer``, ``boolean``, ``choice``, ``list`` or ``text``."""
    choices: tuple[str, ...]
    default: str
    help: str
    unit: str
    numbers: bool = False
    """A ``list`` of numbers (an hourly profile): each item is read as a number."""

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-")


def _unit(name: str) -> str:
    for ending, unit in UNITS:
        if name.endswith(ending):
            return unit
    return ""


def _options(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The schema and every alternative nested in it (``anyOf`` and ``oneOf``, at any depth)."""
    found = [schema]
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, ()):
            found.extend(_options(option))
    return found


def _field(section: str, name: str, schema: Mapping[str, Any]) -> FormField:
    options = _options(schema)
    types = {option.get("type") for option in options}
    enum = next((tuple(option["enum"]) for option in options if "enum" in option), ())
    items = next((option["items"] for option in options if option.get("type") == "array"), None)
    if items is not None:
        kind, choices = "list", tuple(items.get("enum", ()))
    elif enum:
        kind, choices = "choice", enum
    elif "boolean" in types:
        kind, choices = "boolean", ()
    elif "integer" in types:
        kind, choices = "integer", ()
    elif "number" in types:
        kind, choices = "number", ()
    else:
        kind, choices = "text", ()
    default = schema.get("default")
    path = f"{section}.{name}" if section else name
    return FormField(
        path=path,
        section=section,
        name=name,
        label=name.replace("_", " "),
        kind=kind,
        choices=choices,
        default="" if default is None or default == [] else show(default),
        help=str(schema.get("description", "")),
        unit=_unit(name),
        numbers=items is not None and items.get("type") in ("number", "integer"),
    )


def form_fields() -> tuple[tuple[str, str, tuple[FormField, ...]], ...]:
    """The form's sections in the contract's order: (section, its description, its fields); "" holds the name."""
    schema = workload_schema()
    definitions = schema.get("$defs", {})
    sections: list[tuple[str, str, tuple[FormField, ...]]] = []
    top: list[FormField] = []
    for key, spec in schema["properties"].items():
        references = [spec.get("$ref"), *(item.get("$ref") for item in spec.get("anyOf", ()))]
        reference = next((item for item in references if item), None)
        if reference is None:
            top.append(_field("", key, spec))
            continue
        section = definitions[reference.rsplit("/", 1)[1]]
        fields = tuple(_field(key, name, item) for name, item in section.get("properties", {}).items())
        sections.append((key, str(section.get("description", "")), fields))
    return (("", "", tuple(top)), *sections)


FIELDS = tuple(field for _, _, fields in form_fields() for field in fields)
PATHS = tuple(field.path for field in FIELDS)
#: The names a form's top level may hold: the top-level fields and the sections.
TOP_LEVEL = tuple(dict.fromkeys(field.section or field.name for field in FIELDS))


class NotFinite(ValueError):
    """A form's number is NaN or infinite (``nan``, ``inf``, ``1e400``): no workload number is."""


def _value(field: FormField, text: str) -> Any:
    """A form value as the workload's value; text that does not read as the field's type is passed on as is."""
    text = text.strip()
    if field.kind == "list":
        items = [item.strip() for item in text.split(",") if item.strip()]
        return [_number(item) for item in items] if field.numbers else items
    if field.kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    if field.kind in ("number", "integer"):
        return _number(text.replace(",", ""))
    return text


def _number(text: str) -> Any:
    """``text`` as a number (an integer when whole); as it is when it is not one, for validation to name; NotFinite
    for NaN and infinities, which float() reads but JSON has no numbers for (the API refuses them too)."""
    try:
        number = float(text.replace("_", ""))
    except ValueError:
        return text
    if not math.isfinite(number):
        raise NotFinite(text)
    return int(number) if number.is_integer() else number


def unknown_names(form: Mapping[str, str]) -> list[Problem]:
    """A Problem for every name the form does not have, with the nearest name it has (``runtime.memory_mb``)."""
    problems = []
    for key in form:
        if key in CONTROLS or key in PATHS:
            continue
        section, _, name = key.rpartition(".")
        here = [field.name for field in FIELDS if field.section == section] if section else []
        if here:
            found = unknown_choice(key, name, here, field=True, fallback=PATHS)
        else:  # an unknown section: the nearest whole name (runtme.vcpu → runtime.vcpu), else the nearest section
            listed = unknown_choice(key, key, TOP_LEVEL, field=True)
            found = Problem(key, listed.message, nearest(key, PATHS) or listed.suggestion)
        problems.append(found)
    return problems


def workload_from_form(form: Mapping[str, str]) -> Any:
    """The workload the submitted form describes: the pasted document when there is one, else the fields.

    WorkloadError for names the form does not have and numbers that are not finite, each at its name."""
    problems = unknown_names(form)
    document = form.get(DOCUMENT, "").strip()
    if document and not problems:
        return parse_text(document, DOCUMENT)
    workload: dict[str, Any] = {}
    for field in FIELDS:
        text = form.get(field.path, "")
        if not text.strip() or document:
            continue
        target = workload.setdefault(field.section, {}) if field.section else workload
        try:
            target[field.name] = _value(field, text)
        except NotFinite as error:
            problems.append(Problem(field.path, f"not a finite number, got {quoted(str(error))}"))
    if problems:
        raise WorkloadError(problems)
    return workload


def form_values(workload: Any) -> dict[str, str]:
    """The form's values for a workload (its fields flattened to dotted paths), to fill the form again."""
    values: dict[str, str] = {}
    if not isinstance(workload, Mapping):
        return values
    for field in FIELDS:
        holder = workload.get(field.section) if field.section else workload
        if not isinstance(holder, Mapping) or field.name not in holder:
            continue
        value = holder[field.name]
        if isinstance(value, list | tuple):
            values[field.path] = ", ".join(str(item) for item in value)
        elif isinstance(value, bool):
            values[field.path] = "true" if value else "false"
        elif isinstance(value, int | float):
            values[field.path] = show(value).replace(",", "")
        else:
            values[field.path] = str(value)
    return values


def applied(workload: Any, change: Mapping[str, Any]) -> Any:
    """The workload with a counterfactual's change (dotted paths → values) applied."""
    result: dict[str, Any] = {
        key: dict(value) if isinstance(value, Mapping) else value for key, value in workload.items()
    }
    for path, value in change.items():
        section, _, name = path.rpartition(".")
        holder = result.setdefault(section, {}) if section else result
        holder[name] = value
    return result


def encode(workload: Any) -> str:
    """The workload for a URL: compact JSON, base64url without padding."""
    return base64.urlsafe_b64encode(orjson.dumps(workload, option=orjson.OPT_SORT_KEYS)).decode().rstrip("=")


def decode(text: str) -> Any:
    """A workload from a URL; ValueError with a reason a person can act on when it cannot be read.

    The JSON is read by the API's reader (decider.documents.parse_json), so a link is held to what a body is: a key
    given twice, NaN, a number out of range or too many digits are said as such, located in ``w``."""
    if len(text) > MAX_LINK_CHARS:
        raise ValueError(f"the link's workload is longer than {MAX_LINK_CHARS:,} characters")
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("the link's workload cannot be read: it is not base64url-encoded") from None
    try:
        return parse_json(raw, "w")
    except DocumentError as error:
        raise ValueError(f"the link's workload cannot be read: {error.problem}") from None
