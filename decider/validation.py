"""The one translator from Pydantic's validation errors to decider's Problems, and how each input words them.

Every input is validated once, at the edge, into the model that is passed on; what fails becomes Problems here.
A ``Wording`` says how one kind of input names locations and words messages (a workload suggests the nearest field
and value; a price book says "unknown key"; a setting is an environment variable). A validator that validates a part
of its input on its own (the workload inside a review item) raises ``nested_problems`` with that part's Problems,
which the translator places under the part's location.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from decider.errors import (
    MAX_PROBLEMS,
    MAX_QUOTED_CHARS,
    Meant,
    Problem,
    json_type,
    meant_by,
    more_problems,
    nearest,
    quoted,
    relocate,
    unknown_choice,
)

NESTED = "nested_problems"


@dataclass(frozen=True)
class Wording:
    """How one kind of input words Pydantic's errors; the defaults give a dotted path and Pydantic's message."""

    link: str = "."
    """Between the ``at`` of problems_from_validation and a location."""
    separator: str = "."
    """Between the parts of Pydantic's location."""
    upper: bool = False
    """Locations in capitals (environment variable names)."""
    values: Literal["always", "scalars", "scalars-once"] = "scalars"
    """When Pydantic's message gets ", got <value>": always; only for a value that is not a mapping or list; or as
    ``scalars`` but a message that already says "got …" gets ": <value>" instead (the value said once)."""
    by_type: Mapping[str, str] = field(default_factory=dict)
    """A message for every error of a type (``missing``, ``model_type``); may use {value!r} and {type}."""
    by_field: Mapping[str, str] = field(default_factory=dict)
    """A message for every error at a location (``name``); {value!r} is None for a missing field."""
    fields: Callable[[Sequence[str]], Sequence[str]] | None = None
    """The valid fields at a location: an unknown field names them and the nearest ("unknown field; valid fields
    here: …"). None keeps Pydantic's message (or by_type's)."""
    fallback: Sequence[str] = ()
    """Suggested for an unknown field when no field at its level is close (full paths)."""
    choices: bool = False
    """A value outside a Literal's is "'x' is not allowed; choose one of …", with the nearest."""
    items: Callable[[Sequence[str]], Sequence[str]] | None = None
    """The values a list at a location takes, when they are a Literal's: one word given where a list was meant, and
    not one of them, is told them too (``protocols: HTTP``), not only how a list of one is written."""
    match_any_value: bool = False
    """With ``choices``: a value that is not text is matched by its printed form too."""
    unknown_first: bool = False
    """Unknown fields before the other problems (Pydantic reports them last)."""
    bounds: Callable[[Sequence[str]], tuple[float | None, float | None]] | None = None
    """The least and most a number at a location may be: a whole number too large to read as one (``1e40``) is told
    the bound it is past, as a smaller one past it is."""
    synonyms: Mapping[str, Mapping[str, str | Meant]] = field(default_factory=dict)
    """Other words for the choices of a field (its dotted path, no list index): a value that is one is told the
    choice it means before any by spelling (decider/synonyms.py)."""
    null: str = ""
    """Added to the problem of a value given as null (YAML's ``~`` or an empty value, JSON's ``null``): what to write
    instead."""


PLAIN = Wording()


#: Control characters (C0, DEL and C1): a terminal or a CI log would act on them (colours, cursor moves, a bell), and
#: a workload's name reaches both, from a repository under review as well as from a user.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The longest text read as a list written as text (``protocols: http``, ``hourly_profile: "1,2,3"``, 24 hours of
#: figures): longer text is said to be no list, without the list it would make.
MAX_LIST_TEXT = 200
#: A number as JSON writes it.
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _printable(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise PydanticCustomError(
            "printable_text",
            "must be printable text: a control character ({code}) is at position {position}",
            {"code": f"U+{ord(found.group()):04X}", "position": found.start()},
        )
    return text


#: A free-text label (a workload's name): printable text, 200 characters at most.
Label = Annotated[
    str,
    StringConstraints(max_length=200),
    AfterValidator(_printable),
    WithJsonSchema({"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"}),
]
#: Pydantic's messages for a value of the wrong type or length name Python types ("a valid tuple", "after
#: validation"): said instead as JSON and YAML users write their values.
PLAIN_WORDS: Mapping[str, str] = {
    "bool_type": "must be true or false, got {value!r}",
    "bool_parsing": "must be true or false, got {value!r}",
    "int_type": "must be a whole number, got {value!r}",
    "int_parsing": "must be a whole number, got {value!r}",
    "int_from_float": "must be a whole number, got {value!r}",
    "float_type": "must be a number, got {value!r}",
    "float_parsing": "must be a number, got {value!r}",
    "string_type": "must be text, got {type}",
    "list_type": "must be a list, got {type}",
    "tuple_type": "must be a list, got {type}",
    "too_short": "must have at least {min_length} item(s), got {value!r}",
    "too_long": "must have at most {max_length} item(s), got {actual_length} items",
}


def nested_problems(problems: Iterable[Problem]) -> PydanticCustomError:
    """For a validator to raise: the Problems a part of its input has, placed by the translator at the part."""
    return PydanticCustomError(NESTED, "has problems", {"problems": tuple(problems)})


def problems_from_validation(
    error: ValidationError | Iterable[Mapping[str, Any]], *, at: str = "", wording: Wording = PLAIN
) -> list[Problem]:
    """Pydantic's errors as Problems: located under ``at``, worded as ``wording`` says."""
    items = _without_echoes(list(error.errors(include_url=False) if isinstance(error, ValidationError) else error))
    if wording.unknown_first:
        items.sort(key=lambda item: item["type"] != "extra_forbidden")
    problems: list[Problem] = []
    for item in items[:MAX_PROBLEMS]:  # the rest are counted, not worded: each word costs a nearest-name search
        loc = [str(part) for part in item.get("loc", ())]
        location = wording.separator.join(loc)
        found = _problems(item, loc, location.upper() if wording.upper else location, wording)
        if wording.null and "input" in item and item["input"] is None and item["type"] != "missing":
            found = [replace(problem, message=problem.message + wording.null) for problem in found]
        problems.extend(found)
    problems = relocate(problems, at, wording.link)
    if len(items) > MAX_PROBLEMS:
        problems.append(more_problems(len(items) - MAX_PROBLEMS))
    return problems


def _json_item(word: str) -> str:
    """A word of a list as JSON writes it: a number as the number (an hourly profile's ``[1, 2, 3]``; ``2.`` and ``01``
    as JSON writes them, 2 and 1), else text."""
    if _JSON_NUMBER.fullmatch(word):
        return word
    try:
        number = float(word)
    except ValueError:
        return json.dumps(word)
    if not math.isfinite(number):
        return json.dumps(word)
    return json.dumps(int(number) if number.is_integer() else number)


def _joined(words: list[str], allowed: Sequence[str]) -> list[str]:
    """``words`` with each two neighbours that make an allowed value together joined (``web socket`` is
    ``websocket``)."""
    lowered = {choice.lower() for choice in allowed}
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] not in allowed and (joined[-1] + word).lower() in lowered:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _without_echoes(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Without a list's "too short" that only echoes its items' problems: Pydantic counts a list's length after
    dropping the items that failed, so ``protocols: [event]`` is also reported as "at least 1 item … not 0"."""
    parents = {tuple(item.get("loc", ()))[:-1] for item in items}
    return [item for item in items if item["type"] != "too_short" or tuple(item.get("loc", ())) not in parents]


def _problems(item: Mapping[str, Any], loc: list[str], location: str, wording: Wording) -> list[Problem]:
    kind: str = item["type"]
    value = item.get("input")
    if kind == NESTED:
        return relocate(item["ctx"]["problems"], location)
    template = wording.by_field.get(".".join(loc))
    if template is not None:
        return [Problem(location, template.format(value=_NOTHING if kind == "missing" else _Quoted(value)))]
    template = wording.by_type.get(kind)
    if template is not None:
        context = item.get("ctx") or {}
        message = template.format(value=_Quoted(value), type=json_type(value), **context)
        one = isinstance(value, str) and value.isprintable() and bool(value.strip()) and len(value) <= MAX_LIST_TEXT
        if kind in ("list_type", "tuple_type") and one:  # `protocols: http` for `[http]`: say the list that was meant
            allowed = wording.items(loc) if wording.items is not None else ()
            words = _joined([word for word in re.split(r"[,;\s]+", str(value)) if word], allowed)
            synonyms = wording.synonyms.get(".".join(loc), {})
            if len(words) > 1:  # `protocols: "queue,http"`: the list of them, each the nearest allowed
                meant = [  # names without a choice are lower case (m7g.large)
                    word.lower() if not allowed else word if word in allowed else _meant(word, allowed, synonyms)
                    for word in words
                ]
                meant = [word for word in meant if word]  # a word nothing allowed is near is left out of the list
                as_json = ", ".join(map(_json_item, meant))
                listed = f"a list is written [{', '.join(meant)}] in YAML, [{as_json}] in JSON" if meant else ""
                unknown = [word for word in words if allowed and word not in allowed]
                if unknown:
                    wrong = unknown_choice(location, unknown[0], allowed, synonyms=synonyms)
                    return [replace(wrong, message=f"{message} ({wrong.message}){'; ' + listed if listed else ''}")]
                return [Problem(location, f"{message} ({quoted(value)}): {listed}")]
            if allowed and value not in allowed:  # the list of one would be refused too: say what it may hold
                wrong = unknown_choice(location, value, allowed, synonyms=synonyms)
                example = wrong.suggestion or allowed[0]
                listed = f"a list of one is written [{example}] in YAML, [{_json_item(example)}] in JSON"
                return [replace(wrong, message=f"{message} ({wrong.message}); {listed}")]
            word = str(value) if allowed else str(value).lower()  # names without a choice are lower case (m7g)
            message += f" ({quoted(value)}): a list of one is written [{word}] in YAML, [{_json_item(word)}] in JSON"
        elif kind in ("list_type", "tuple_type") and not (isinstance(value, str) and value.strip()):
            allowed = wording.items(loc) if wording.items is not None else ()
            if allowed:  # `protocols: ""`, `protocols: true`: what the list may hold
                message += f" ({quoted(value)}): give a list of any of {', '.join(allowed)}"
            elif not isinstance(value, dict | list):
                message += f" ({quoted(value)})"
        return [Problem(location, message)]
    if kind == "extra_forbidden" and wording.fields is not None:
        fields = wording.fields(loc[:-1])
        return [unknown_choice(location, loc[-1], fields, field=True, fallback=wording.fallback)]
    if kind == "literal_error" and wording.choices:
        expected = item.get("ctx", {}).get("expected", "")
        choices = [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip(" '")]
        others = wording.synonyms.get(_field_path(loc))
        return [unknown_choice(location, value, choices, match_any_value=wording.match_any_value, synonyms=others)]
    if kind == "int_parsing_size" and wording.bounds is not None and isinstance(value, int | float):
        low, high = wording.bounds(loc)  # a number too large for a whole one: the bound it is past, as past a smaller
        bound = ("less", high) if value > 0 else ("greater", low)
        if bound[1] is not None:
            said = int(bound[1]) if float(bound[1]).is_integer() else bound[1]
            return [Problem(location, f"Input should be {bound[0]} than or equal to {said}, got {quoted(value)}")]
    message = str(item.get("msg", "invalid"))
    if wording.values == "always":
        message = f"{message}, got {quoted(value)}"
    elif "input" in item and not isinstance(value, dict | list):
        once = wording.values == "scalars-once" and " got " in message
        # Pydantic's own wording sometimes already ends in "got …" (e.g. "a fractional part"): say the value once.
        message = f"{message}: {quoted(value)}" if once else f"{message}, got {quoted(value)}"
    return [Problem(location, message)]


def _meant(word: str, allowed: Sequence[str], synonyms: Mapping[str, str | Meant]) -> str:
    """The allowed value ``word`` means (by ``synonyms``) or is spelt like; "" when none is near."""
    meant = meant_by(word, synonyms)
    return (meant.choice or "") if meant is not None else nearest(word, allowed) or ""


def _field_path(loc: Sequence[str]) -> str:
    """A location's field, without list indexes (``traffic.protocols.0``: ``traffic.protocols``)."""
    return ".".join(part for part in loc if not part.isdigit())


class _Nothing:
    """A missing value in a message template: "got nothing"."""

    def __repr__(self) -> str:
        return "nothing"

    __str__ = __repr__


_NOTHING = _Nothing()


class _Quoted:
    """A value in a message template: ``{value!r}`` and ``{value}`` quote it cut short (errors.quoted)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return quoted(self.value)

    def __str__(self) -> str:
        text = str(self.value) if isinstance(self.value, str) else quoted(self.value)
        return text if len(text) <= MAX_QUOTED_CHARS else quoted(self.value)


def arrays_as_tuples(value: Any) -> Any:
    # Strict validation takes a tuple field only from a tuple; a JSON array is the same thing. JSON Schema counts
    # 8.0 as an integer, and strict validation takes an int wherever it takes a float.
    if isinstance(value, list):
        return tuple(arrays_as_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: arrays_as_tuples(item) for key, item in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def model_at(root: type[BaseModel], path: Sequence[str]) -> type[BaseModel] | None:
    """The model a path of fields leads to from ``root`` (``("traffic",)``: Traffic); None past a field that is not
    one."""
    model = root
    for part in path:
        found = model.model_fields.get(part)
        annotation = found.annotation if found else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def fields_at(root: type[BaseModel], path: Sequence[str]) -> list[str]:
    """The fields at a path from ``root``, sorted (``Wording.fields``)."""
    return sorted(model.model_fields) if (model := model_at(root, path)) else []


def list_choices(root: type[BaseModel], path: Sequence[str]) -> tuple[str, ...]:
    """The values a list field at a path from ``root`` takes, when they are a Literal's (``traffic.protocols``:
    ``tuple[Protocol, ...] | None``); none else (``Wording.items``)."""
    model = model_at(root, path[:-1])
    found = model.model_fields.get(path[-1]) if model is not None and path else None
    pending = list(get_args(found.annotation)) if found is not None else []
    while pending:  # the Literal inside the tuple inside the union
        argument = pending.pop(0)
        if get_origin(argument) is Literal:
            return tuple(str(choice) for choice in get_args(argument))
        pending.extend(get_args(argument))
    return ()


def field_bounds(root: type[BaseModel], path: Sequence[str]) -> tuple[float | None, float | None]:
    """The least and most a number field at a path from ``root`` may be (its ``ge`` and ``le``), None where it has no
    such bound (``Wording.bounds``)."""
    model = model_at(root, path[:-1])
    found = model.model_fields.get(path[-1]) if model is not None and path else None
    low = high = None
    for meta in found.metadata if found is not None else ():
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high
