"""The strict JSON reader's fast path (decider/documents.py): orjson reads, a key count proves no key was given twice,
and whatever it cannot prove goes to the strict reader, so every answer and every error is the strict reader's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import decider.documents as documents
from decider.documents import parse_json, parse_text, read_file
from decider.errors import DocumentError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
Outcome = tuple[str, Any]


def outcome(reader: Callable[[Any, str], Any], data: bytes | str) -> Outcome:
    """What a reader answers: ("value", the value with its types) or ("error", the problem's text)."""
    try:
        return "value", typed(reader(data, "body"))
    except DocumentError as error:
        return "error", str(error.problem)


def typed(value: Any) -> Any:
    """The value with every scalar's type beside it, so 1 and 1.0 (or True and 1) never compare equal."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return type(value).__name__, value


def strict(data: bytes | str, source: str) -> Any:
    return documents._parse_json_strictly(data, source)


@pytest.fixture
def strict_reader_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the strict reader fail the test if called: what still parses was read by the fast path alone."""

    def refuse(data: bytes | str, source: str) -> Any:
        raise AssertionError("the strict reader was used")

    monkeypatch.setattr(documents, "_parse_json_strictly", refuse)


def example_bodies() -> list[bytes]:
    bodies = [json.dumps(read_file(path)).encode() for path in sorted(EXAMPLES.glob("*.yaml"))]
    return [*bodies, *(path.read_bytes() for path in sorted(EXAMPLES.glob("*.json")))]


# --- the fast path is taken, and gives the strict reader's value ------------------------------------------------------


def test_example_workloads_are_read_by_the_fast_path_alone(strict_reader_refused: None) -> None:
    for body in example_bodies():
        assert parse_json(body, "body") == json.loads(body)
    assert parse_json('{"a": [1, 2.5, null, true, "x"]}', "body") == {"a": [1, 2.5, None, True, "x"]}


def test_example_workloads_read_the_same_either_way() -> None:
    for body in example_bodies():
        assert outcome(parse_json, body) == outcome(strict, body)


# --- keys given twice: refused as before, wherever they are -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a": 1, "a": 2}', "body: not valid JSON: found key 'a' twice"),
        (b'{"a": 1, "a": 1}', "body: not valid JSON: found key 'a' twice"),
        (b'{"runtime": {"gpu": 1, "gpu": 2}}', "body: not valid JSON: found key 'gpu' twice"),
        (b'[{}, {"x": {"y": [1, {"z": 0, "z": 0}]}}]', "body: not valid JSON: found key 'z' twice"),
        (b'{"a": {"b": 1, "c": 2}, "a": 3}', "body: not valid JSON: found key 'a' twice"),
        (b'{"a": 1, "\\u0061": 2}', "body: not valid JSON: found key 'a' twice"),
        (b'{"a:b": 1, "a:b": 2}', "body: not valid JSON: found key 'a:b' twice"),
    ],
)
def test_a_key_given_twice_is_refused_with_the_strict_readers_message(data: bytes, message: str) -> None:
    assert outcome(parse_json, data) == ("error", message)
    assert outcome(strict, data) == ("error", message)


def test_a_colon_inside_a_string_is_read_by_the_fast_path_too(strict_reader_refused: None) -> None:
    # URLs, ARNs and times in a workload: more ':' than keys, proven by orjson's own dump of what it read.
    body = b'{"name": "arn:aws:ecs:x", "team": {"owner": "https://wiki/a:b", "c:d": ["09:00"]}}'
    assert parse_json(body, "body") == json.loads(body)


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (b'{"a": "x:y", "a": "x:y"}', True),
        (b'{"a": 1, "a": "\\u003a"}', True),
        (b'{"a": {"k": "1:2"}, "a": {"k": "1:2"}}', True),
        (b'{"a": "\\"", "b": "c:d"}', False),
        (b'{"a": "\\u003a", "b": "c:d"}', False),
    ],
)
def test_a_colon_inside_a_string_never_hides_a_key_given_twice(data: bytes, refused: bool) -> None:
    answer = outcome(parse_json, data)
    assert answer == outcome(strict, data)
    assert (answer[0] == "error") is refused


# --- numbers: NaN and Infinity refused, big integers kept -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a": {"b": [1, NaN]}}', "body.a.b[1]: NaN and Infinity are not JSON numbers"),
        (b"Infinity", "body: NaN and Infinity are not JSON numbers"),
        (b"-Infinity", "body: NaN and Infinity are not JSON numbers"),
    ],
)
def test_nan_and_infinity_are_refused_with_where(data: bytes, message: str) -> None:
    assert outcome(parse_json, data) == ("error", message)


RANGE = "is beyond ±1.8e308, the largest number decider reads"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"runtime": {"vcpu": 1e400}}', f"body.runtime.vcpu: a number out of range: 1e400 {RANGE}"),
        (b"[-1e309]", f"body[0]: a number out of range: -1e309 {RANGE}"),
        (b"[1" + b"0" * 400 + b".5]", f"body[0]: a number out of range: '1{'0' * 78}… (325 more characters) {RANGE}"),
    ],
)
def test_a_number_too_large_for_a_float_is_said_out_of_range_not_infinity(data: bytes, message: str) -> None:
    """Python's parser reads 1e400 as infinity; the number was written finite, so the message says what it is."""
    assert outcome(parse_json, data) == ("error", message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"runtime": {"memory_mb": NaN}}', "nan.json:1: runtime.memory_mb: NaN and Infinity are not JSON numbers"),
        (
            '{\n  "traffic": {"requests_per_month": 1000},\n  "runtime": {\n    "ports": [80,\n      1e400]\n  }\n}',
            f"nan.json:5: runtime.ports[1]: a number out of range: 1e400 {RANGE}",
        ),
        ("-Infinity", "nan.json:1: NaN and Infinity are not JSON numbers"),
    ],
)
def test_a_number_json_has_not_in_a_file_is_said_at_its_line_with_its_field(text: str, message: str) -> None:
    """A file's problem reads FILE:LINE: field, as editors and CI logs link it, not as a field of a section named after
    the file (nan.json.runtime.memory_mb)."""
    with pytest.raises(DocumentError) as error:
        parse_text(text, "nan.json", json_only=True)
    assert str(error.value) == message
    assert error.value.problem.line == int(message.split(":")[1])


def test_a_byte_order_mark_is_read_past_in_a_file_and_refused_in_words_in_a_body(tmp_path: Path) -> None:
    # Some editors save JSON with a UTF-8 byte-order mark; JSON does not allow one, and json's own words for it
    # ("decode using utf-8-sig") tell a sender nothing it can do.
    file = tmp_path / "workload.json"
    file.write_bytes(b'\xef\xbb\xbf{"runtime": {"memory_mb": 512}}')
    assert read_file(file) == {"runtime": {"memory_mb": 512}}
    for data in (b'\xef\xbb\xbf{"runtime": {"memory_mb": 512}}', '\ufeff{"runtime": {"memory_mb": 512}}'):
        assert outcome(parse_json, data) == (
            "error",
            "body:1: not valid JSON: it begins with a UTF-8 byte-order mark (the bytes EF BB BF), which JSON does "
            "not allow; remove it",
        )


@pytest.mark.parametrize(
    "text",
    ["123456789012345678901234567890", "-9223372036854775809", "18446744073709551616", "9223372036854775807"],
)
def test_integers_beyond_64_bits_stay_integers(text: str) -> None:
    value = parse_json(f'{{"n": {text}}}'.encode(), "body")["n"]
    assert type(value) is int
    assert value == int(text)


def test_a_large_float_reads_as_the_same_float() -> None:
    assert parse_json(b"[1e19, -2.5e300, 9.2e18]", "body") == [1e19, -2.5e300, 9.2e18]


# --- every other refusal is the strict reader's, word for word --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b'{\n"a": }',
        b"[1,]",
        b"01",
        b"\xff",
        b"\xef\xbb\xbf{}",
        b'"\xed\xa0\x80"',
        b'"a\x01b"',
        b'"\\ud800"',
        b"{} x",
        b"[" * 2000 + b"]" * 2000,
        b"[" * 100_000,
        b'{"a": ' + b"9" * 5000 + b"}",
    ],
)
def test_malformed_documents_get_the_strict_readers_answer(data: bytes) -> None:
    assert outcome(parse_json, data) == outcome(strict, data)


def test_text_reads_like_bytes() -> None:
    assert parse_json('{"a": "é:1"}', "body") == {"a": "é:1"}
    assert outcome(parse_json, '{"a": 1, "a": 2}') == ("error", "body: not valid JSON: found key 'a' twice")


# --- the fast path and the strict reader agree on any document --------------------------------------------------------

KEYS = st.text(alphabet=st.sampled_from('ab:"\\é \u2028'), max_size=3)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.sampled_from('ab:"\\é \u2028\x00'), max_size=4),
)


def object_text(pairs: list[tuple[str, str]]) -> str:
    """A JSON object from (key, value text) pairs, a key possibly given twice (as a client may send it)."""
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in pairs) + "}"


#: A string with its ':' written as an escape: the same value, one ':' fewer in the text.
ESCAPED_COLONS = st.text(alphabet=st.sampled_from("a:"), min_size=1, max_size=3).map(
    lambda text: json.dumps(text).replace(":", "\\u003a")
)
DOCUMENTS = st.recursive(
    SCALARS.map(json.dumps) | ESCAPED_COLONS | st.sampled_from(["NaN", "-Infinity", "1e400", "1.5E-5", "-0", "0.0"]),
    lambda children: (
        st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(KEYS, children), max_size=4).map(object_text)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_the_fast_path_answers_exactly_as_the_strict_reader(text: str) -> None:
    data = text.encode()
    assert outcome(parse_json, data) == outcome(strict, data)
