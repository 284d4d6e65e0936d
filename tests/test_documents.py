"""Reading YAML and JSON: safe loading only, duplicate keys refused, errors that name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from decider.documents import parse_all, parse_json, parse_text, read_file
from decider.errors import DocumentError, json_type


def error_of(text: str, *, json_only: bool = False) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_text(text, "w.yaml", json_only=json_only)
    return caught.value


def test_yaml_and_json_read_as_plain_data() -> None:
    assert parse_text("runtime:\n  memory_mb: 1024\n  arch: [x86_64]\n", "w.yaml") == {
        "runtime": {"memory_mb": 1024, "arch": ["x86_64"]}
    }
    assert parse_text('{"runtime": {"memory_mb": 1024}}', "w.json", json_only=True) == {"runtime": {"memory_mb": 1024}}


def test_an_empty_document_is_none() -> None:
    assert parse_text("", "w.yaml") is None
    assert parse_text("# only a comment\n", "w.yaml") is None


def test_invalid_yaml_names_the_line() -> None:
    error = error_of("name: x\nruntime:\n  memory_mb: [1\n")
    assert error.problem.location.startswith("w.yaml:")
    assert int(error.problem.location.split(":")[1]) >= 3
    assert error.problem.message.startswith("not valid YAML: ")


def test_invalid_json_names_the_line() -> None:
    error = error_of('{\n  "a": 1,\n  "b": \n}', json_only=True)
    assert error.problem.location == "w.yaml:4"
    assert error.problem.message.startswith("not valid JSON: ")


def test_a_yaml_key_given_twice_is_refused_with_both_lines() -> None:
    error = error_of("runtime:\n  gpu: 1\n  memory_mb: 2\n  gpu: 0\n")
    assert error.problem.location == "w.yaml:4"
    assert "found key 'gpu' twice (first on line 2)" in error.problem.message


def test_a_json_key_given_twice_is_refused() -> None:
    error = error_of('{"runtime": {"gpu": 1, "gpu": 0}}', json_only=True)
    assert error.problem.location == "w.yaml"
    assert error.problem.message == "not valid JSON: found key 'gpu' twice"


def test_equal_keys_in_different_mappings_are_fine() -> None:
    assert parse_text("a: {x: 1}\nb: {x: 2}\n", "w.yaml") == {"a": {"x": 1}, "b": {"x": 2}}


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "a: !!python/object:collections.OrderedDict {}",
        "!!python/tuple [1, 2]",
    ],
)
def test_python_tags_are_refused(text: str) -> None:
    error = error_of(text)
    assert "not valid YAML" in error.problem.message
    assert "python" in error.problem.message


def test_a_multi_document_stream_yields_every_document() -> None:
    assert parse_all("a: 1\n---\nb: 2\n---\n", "s.yaml") == [{"a": 1}, {"b": 2}]


def test_a_multi_document_stream_refuses_python_tags() -> None:
    with pytest.raises(DocumentError):
        parse_all("a: 1\n---\n!!python/name:os.system\n", "s.yaml")


def test_read_file_chooses_json_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "w.json").write_text('{"a": 1}')
    assert read_file(tmp_path / "w.json") == {"a": 1}
    (tmp_path / "w.json").write_text("a: 1")  # YAML, but the file says JSON
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path / "w.json")
    assert caught.value.problem.message.startswith("not valid JSON")


def test_read_file_reports_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path / "w.yaml")
    assert caught.value.problem.location == str(tmp_path / "w.yaml")
    assert caught.value.problem.message.startswith("cannot read")


def test_a_document_error_reads_as_its_problem() -> None:
    assert str(error_of("a: [1\n")).startswith("w.yaml:")


def test_a_mapping_used_as_a_key_is_a_clear_error_not_a_crash() -> None:
    # An unrendered Helm/Go template reads as a mapping used as a key; it must be reported, not raise TypeError.
    with pytest.raises(DocumentError) as caught:
        parse_text("name: {{ .Release.Name }}\n", "chart.yaml")
    assert caught.value.problem.location == "chart.yaml:1"
    assert "used as a key" in caught.value.problem.message


# --- strict JSON (request bodies) -----------------------------------------------------------------------------------


def json_error(data: bytes) -> str:
    with pytest.raises(DocumentError) as caught:
        parse_json(data, "body")
    return str(caught.value.problem)


def test_strict_json_reads_bytes_and_text() -> None:
    assert parse_json(b'{"a": [1, 2.5, null]}', "body") == {"a": [1, 2.5, None]}
    assert parse_json("[]", "body") == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1, "a": 2}', "body: not valid JSON: found key 'a' twice"),
        (b'{"a": {"b": [1, NaN]}}', "body.a.b[1]: NaN and Infinity are not JSON numbers"),
        (b"Infinity", "body: NaN and Infinity are not JSON numbers"),
        (b"\xff", "body: not UTF-8: invalid start byte at byte 0"),
        (b"[" * 100_000, "body: nested more than 100 levels deep"),
        (b'{\n"a": }', "body:2: not valid JSON: Expecting value at line 2, column 6"),
    ],
)
def test_strict_json_refuses_what_json_is_not(data: bytes, expected: str) -> None:
    assert json_error(data) == expected


@pytest.mark.parametrize(
    ("value", "name"),
    [({}, "object"), ([], "array"), ("", "string"), (True, "boolean"), (1, "number"), (1.5, "number"), (None, "null")],
)
def test_json_type_names_a_value_as_json_does(value: object, name: str) -> None:
    assert json_type(value) == name


def test_a_bare_equals_sign_is_the_string_it_reads_as_in_yaml_1_2() -> None:
    """YAML 1.1's "value" type, which no Kubernetes or CloudFormation loader honours: kubectl reads "=" as a string
    (a CRD's enum lists it, a container's args hold it), and so does decider."""
    assert parse_text("op: =\nargs: [--sep, =]\n", "w.yaml") == {"op": "=", "args": ["--sep", "="]}


def test_a_manifest_holding_a_bare_equals_sign_is_reviewed_not_dropped_as_unreadable(tmp_path: Path) -> None:
    from decider.sources import find_workloads

    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: proxy}\nspec:\n  replicas: 3\n  template:\n"
        "    spec:\n      containers:\n        - name: proxy\n          image: envoy\n          args: [--op, =]\n"
        "          resources: {requests: {cpu: '2', memory: 4Gi}}\n",
        encoding="utf-8",
    )
    found = find_workloads([str(tmp_path)], keep_going=True)
    assert [workload.name for workload in found.workloads] == ["proxy"]
    assert found.unreadable == []
