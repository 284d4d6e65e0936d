"""The ``decider`` command line: formats, stdin, exit codes, and messages on stderr without a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from decider.cli import main
from decider.rules.model import Ruleset
from tests.conftest import EXAMPLES_DIR, REPO_ROOT, RuleDirFactory, RuleFactory

EXAMPLE = str(EXAMPLES_DIR / "checkout-api.yaml")
TARGETS = ("lambda", "ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks")


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            code = main(list(argv))
    else:
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_bad_input(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("decider: ")
    assert "Traceback" not in err


# -- recommend ---------------------------------------------------------------------------------------------------


def test_recommend_json_is_the_decision(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    code, out, err = run(capsys, "recommend", EXAMPLE, "--format", "json")
    assert code == 0
    assert err == ""
    data = json.loads(out)
    assert data["name"] == "checkout-api"
    assert data["recommendation"] in TARGETS
    assert data["ruleset"]["digest"] == ruleset.digest
    assert data["ranking"][0]["target"] == data["recommendation"]


def test_recommend_reads_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    text = Path(EXAMPLE).read_text()
    from_stdin = run(capsys, "recommend", "-", "--format", "json", stdin=text)
    from_file = run(capsys, "recommend", EXAMPLE, "--format", "json")
    assert from_stdin[0] == 0
    assert from_stdin[1] == from_file[1]


@pytest.mark.parametrize(
    ("text", "got"),
    [("null\n", "null"), ("~", "null"), ("", "an empty document"), ("# nothing yet\n---\n", "an empty document")],
)
def test_recommend_refuses_an_empty_or_null_document(capsys: pytest.CaptureFixture[str], text: str, got: str) -> None:
    """A generator that failed and wrote nothing gets exit 2, not the default workload's answer (the API refuses null
    too); ``{}`` stays the workload of every default."""
    code, out, err = run(capsys, "recommend", "-", "--format", "json", stdin=text)
    assert_bad_input(code, out, err)
    assert (
        err == "decider: invalid workload (1 problem):\n"
        f"  - <stdin>: a workload must be a mapping of sections (a JSON object), got {got}\n"
    )


def test_recommend_refuses_a_null_file_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text("null")
    code, out, err = run(capsys, "recommend", str(path))
    assert_bad_input(code, out, err)
    assert f"{path}: a workload must be a mapping of sections (a JSON object), got null" in err


class FullDisk(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("stdout", "reason"), [(None, "it is closed"), (FullDisk(), "No space left on device")], ids=["closed", "full"]
)
def test_output_that_cannot_be_written_names_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdout: io.StringIO | None, reason: str
) -> None:
    """``decider ... >&-`` or ``> /dev/full``: exit 2 saying stdout could not be written, not an internal error."""
    monkeypatch.setattr(sys, "stdout", stdout)
    code = main(["schema"])
    monkeypatch.undo()
    _, err = capsys.readouterr()
    assert code == 2
    assert err == f"decider: could not write the output to stdout: {reason}\n"


def test_recommend_reads_json_from_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "-", "--format", "json", stdin='{"runtime": {"max_duration_s": 3600}}')
    assert code == 0
    assert "lambda" in {item["target"] for item in json.loads(out)["excluded"]}


def test_recommend_reads_a_json_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('{"name": "from-json", "runtime": {"memory_mb": 2048}}')
    code, out, _ = run(capsys, "recommend", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["name"] == "from-json"


WRONG_JSON_TYPES = '{"runtime": {"memory_mb": "512"}, "control": {"privileged": "yes"}}'


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_json_workload_is_held_to_json_types_as_the_api_holds_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    """The same .json workload the CLI accepts in CI must not be refused by the service: both refuse "512" and
    "yes" where a number and a boolean belong, naming each field."""
    path = tmp_path / "workload.json"
    path.write_text(WRONG_JSON_TYPES, encoding="utf-8")
    if where == "file":
        code, out, err = run(capsys, "recommend", str(path), "--format", "json")
    else:
        code, out, err = run(capsys, "recommend", "-", "--format", "json", stdin=WRONG_JSON_TYPES)
    assert_bad_input(code, out, err)
    assert "runtime.memory_mb: must be a whole number, got '512'" in err
    assert "control.privileged: must be true or false, got 'yes'" in err


def test_a_yaml_workload_stays_lenient(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "-", "--format", "json", stdin='runtime: {memory_mb: "512"}\n')
    assert code == 0
    assert json.loads(out)["ranking"]


def test_recommend_table_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "table", "--colour", "never")
    assert code == 0
    assert out.startswith("decider: checkout-api\nRecommendation: ")
    assert "Ranking" in out
    assert "\033[" not in out


def test_recommend_table_is_the_default_and_plain_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE)
    assert code == 0
    assert out.startswith("decider: checkout-api\n")
    assert "\033[" not in out


def test_recommend_table_in_colour_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--colour", "always")
    assert code == 0
    assert "\033[1mdecider: checkout-api\033[0m" in out


def test_recommend_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "markdown")
    assert code == 0
    assert out.startswith("## decider: checkout-api\n")
    assert "**Recommendation:** `" in out


def test_recommend_with_an_organisations_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make_rule: RuleFactory
) -> None:
    org = tmp_path / "org"
    org.mkdir()
    rule = make_rule.exclude(
        "control.org-no-eks", "eks", {"field": "runtime.gpu", "ge": 0}, because="Our platform team runs no EKS."
    )
    (org / "org.yaml").write_text(json.dumps([rule]))
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "json", "--rules", str(org))
    assert code == 0
    [eks] = [item for item in json.loads(out)["excluded"] if item["target"] == "eks"]
    assert {"rule": "control.org-no-eks", "message": "Our platform team runs no EKS."}.items() <= eks["reasons"][
        -1
    ].items()


# -- bad input: exit 2, a message, no traceback ------------------------------------------------------------------


def test_a_misspelt_field_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="runtime:\n  memroy_mb: 1024\n")
    assert_bad_input(code, out, err)
    assert "invalid workload" in err
    assert "runtime.memroy_mb" in err
    assert "did you mean 'memory_mb'?" in err


def test_a_misspelt_top_level_field_exits_2_with_its_full_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="memroy_mb: 1024\n")
    assert_bad_input(code, out, err)
    assert "did you mean 'runtime.memory_mb'?" in err


def test_an_out_of_range_value_exits_2_naming_field_and_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="runtime: {max_duration_s: -3}\n")
    assert_bad_input(code, out, err)
    assert "runtime.max_duration_s" in err
    assert "-3" in err


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "recommend", str(tmp_path / "nope.yaml"))
    assert_bad_input(code, out, err)
    assert "nope.yaml: no such file" in err


def test_a_directory_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "recommend", str(tmp_path))
    assert_bad_input(code, out, err)
    assert "is a directory" in err


def test_invalid_yaml_exits_2_with_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("name: x\nruntime:\n  memory_mb: [1024\n")
    code, out, err = run(capsys, "recommend", str(path))
    assert_bad_input(code, out, err)
    assert f"{path}:" in err
    assert "not valid YAML" in err


def test_invalid_json_exits_2_with_the_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('{\n  "name": "x",\n}\n')
    code, out, err = run(capsys, "recommend", str(path))
    assert_bad_input(code, out, err)
    assert f"{path}:3: not valid JSON: Expecting property name enclosed in double quotes at line 3, column 1" in err


def test_invalid_yaml_on_stdin_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="runtime: {memory_mb: 1\n")
    assert_bad_input(code, out, err)
    assert "<stdin>:" in err


def test_a_list_instead_of_a_workload_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="- memory_mb: 1\n")
    assert_bad_input(code, out, err)
    assert "a workload must be a mapping of sections (a JSON object), got array" in err


def test_a_duplicate_key_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin="runtime:\n  gpu: 1\n  gpu: 0\n")
    assert_bad_input(code, out, err)
    assert "found key 'gpu' twice" in err


def test_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["recommend", EXAMPLE, "--format", "yaml"])
    assert caught.value.code == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_a_missing_rules_directory_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "recommend", EXAMPLE, "--rules", str(tmp_path / "none"))
    assert_bad_input(code, out, err)
    assert "rules directory not found" in err


# -- rules -------------------------------------------------------------------------------------------------------


def test_rules_lint_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    code, out, err = run(capsys, "rules", "lint")
    assert code == 0
    assert err == ""
    assert out.startswith(f"ok: {len(ruleset.rules)} rules (")
    assert "over 5 targets" in out
    assert ruleset.digest in out


def test_rules_lint_fails_with_a_suggestion_on_a_misspelt_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make_rule: RuleFactory
) -> None:
    org = tmp_path / "org"
    org.mkdir()
    (org / "org.yaml").write_text(
        json.dumps([make_rule.exclude("limits.org-big", "lambda", {"field": "runtime.memroy_mb", "gt": 4096})])
    )
    code, out, err = run(capsys, "rules", "lint", str(org))
    assert_bad_input(code, out, err)
    assert "invalid rules (1 problem)" in err
    assert f"{org / 'org.yaml'} limits.org-big when.field" in err
    assert "did you mean 'runtime.memory_mb'?" in err


def test_rules_lint_reports_every_problem_of_a_broken_directory(
    capsys: pytest.CaptureFixture[str], rules_dir: RuleDirFactory, make_rule: RuleFactory
) -> None:
    broken = rules_dir(
        {
            "a.yaml": [
                make_rule.exclude("limits.a", "lamda", {"field": "runtime.gpu", "gt": 0}),
                make_rule.score("traffic.b", {"lambda": 1}, {"field": "traffic.pattern", "eq": "spikey"}),
            ]
        }
    )
    code, out, err = run(capsys, "rules", "lint", "--rules", str(broken))
    assert_bad_input(code, out, err)
    assert "did you mean 'lambda'?" in err
    assert "did you mean 'spiky'?" in err


def test_rules_list_filters_by_category(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    code, out, _ = run(capsys, "rules", "list", "--category", "limits")
    assert code == 0
    lines = out.splitlines()
    expected = [rule.id for rule in ruleset.rules if rule.category == "limits"]
    assert [line.split()[0] for line in lines[:-1]] == expected
    assert all(line.split()[1] == "limits" for line in lines[:-1])
    assert lines[-1].startswith(f"{len(expected)} rule(s); ruleset")


def test_rules_list_filters_by_target(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    code, out, _ = run(capsys, "rules", "list", "--target", "lambda", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    from_files = [rule.id for rule in ruleset.rules if "lambda" in rule.targets]
    assert [item["id"] for item in listed] == [*from_files, "cost.relative-monthly-cost"]  # then the computed one
    assert all("lambda" in item["targets"] for item in listed)


def test_rules_list_unknown_target_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "list", "--target", "lamda")
    assert_bad_input(code, out, err)
    assert "unknown target 'lamda'" in err
    assert "did you mean 'lambda'?" in err


def test_rules_list_unknown_category_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["rules", "list", "--category", "limit"])
    assert caught.value.code == 2
    assert "invalid choice: 'limit'" in capsys.readouterr().err


def test_rules_show_finds_the_criterion_decisions_cite_from_the_bills(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "show", "cost.relative-monthly-cost")
    assert code == 0
    shown = json.loads(out)
    assert (shown["id"], shown["effect"], shown["file"]) == (
        "cost.relative-monthly-cost",
        "score",
        "pricing/model.yaml",
    )
    assert shown["because"].startswith(
        "Computed from each eligible target's monthly bill: impact = -min(30, 10 × log2("
    )
    code, out, _ = run(capsys, "rules", "list", "--category", "cost")
    assert "cost.relative-monthly-cost   cost     score computed from the bills (pricing/model.yaml)" in out


def test_rules_show_prints_the_rule(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    rule = ruleset.rules[0]
    code, out, _ = run(capsys, "rules", "show", rule.id)
    assert code == 0
    shown = json.loads(out)
    assert shown["id"] == rule.id
    assert shown["source"] == rule.source
    assert shown["because"] == rule.because
    assert shown["when"] == rule.raw["when"]


def test_rules_show_unknown_id_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str], ruleset: Ruleset) -> None:
    rule_id = max((rule.id for rule in ruleset.rules), key=len)
    typo = rule_id[:-2] + rule_id[-1]
    code, out, err = run(capsys, "rules", "show", typo)
    assert_bad_input(code, out, err)
    assert "no rule with this id" in err
    assert f"did you mean {rule_id!r}?" in err


def test_rules_show_quotes_a_long_unknown_id_cut_with_the_rest_counted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "show", "x" * 3000)
    assert_bad_input(code, out, err)
    assert "x" * 81 not in err
    assert "(2,922 more characters)" in err  # 3,000 less the 78 quoted and the quote mark


def test_rules_fields_lists_every_name_with_its_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "fields")
    assert code == 0
    rows = {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines()}
    assert rows["runtime.memory_mb"] == "number"
    assert rows["traffic.pattern"] == "enum [steady, diurnal, spiky, scheduled, event, batch]"
    assert rows["derived.copies_at_peak"] == "number"
    assert rows["control.instance_types"] == "string_list"


# -- schema ------------------------------------------------------------------------------------------------------


def test_schema_is_valid_json_with_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema: dict[str, Any] = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "decider workload"
    assert set(schema["properties"]) == {"name", "runtime", "traffic", "control", "team", "preferences", "network"}
    assert schema["additionalProperties"] is False
    runtime = schema["$defs"]["Runtime"]
    assert runtime["properties"]["memory_mb"]["maximum"] == 33_554_432
    assert runtime["additionalProperties"] is False


# -- the installed command ---------------------------------------------------------------------------------------


def test_the_installed_command_recommends_and_refuses_bad_input() -> None:
    command = str(REPO_ROOT / ".venv" / "bin" / "decider")
    good = subprocess.run(
        [command, "recommend", EXAMPLE, "--format", "json"], capture_output=True, text=True, timeout=60, check=False
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["recommendation"] in TARGETS
    bad = subprocess.run(
        [command, "recommend", "-"],
        input="runtime:\n  memroy_mb: 1024\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "did you mean 'memory_mb'?" in bad.stderr
    assert "Traceback" not in bad.stderr


# -- recommend --chart --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "magic"), [("cost.svg", b"<svg"), ("cost.png", b"\x89PNG")])
def test_recommend_writes_the_chart_named_by_its_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, magic: bytes
) -> None:
    chart = tmp_path / name
    code, out, err = run(capsys, "recommend", EXAMPLE, "--chart", str(chart), "--format", "json")
    assert code == 0
    assert json.loads(out)["recommendation"] == "lambda"
    assert chart.read_bytes().startswith(magic)
    assert err == ""


def test_recommend_chart_with_another_extension_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chart = tmp_path / "cost.gif"
    code, out, err = run(capsys, "recommend", EXAMPLE, "--chart", str(chart))
    assert_bad_input(code, out, err)
    assert "unknown chart format '.gif'; name the file .svg or .png" in err
    assert not chart.exists()


def test_recommend_chart_without_vl_convert_names_the_extra(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    chart = tmp_path / "cost.svg"
    code, out, err = run(capsys, "recommend", EXAMPLE, "--chart", str(chart))
    assert_bad_input(code, out, err)
    assert "pip install 'decider-aws[chart]'" in err
    assert not chart.exists()


def test_malformed_json_on_stdin_is_refused_with_its_place_not_read_as_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    # As YAML this trailing comma is harmless and "512" would pass for a number: written as JSON, it is held to JSON.
    code, out, err = run(capsys, "recommend", "-", "--format", "json", stdin='{"runtime":{"memory_mb":"512",}}')
    assert_bad_input(code, out, err)
    assert "<stdin>:1: not valid JSON: Expecting property name enclosed in double quotes at line 1, column 31" in err


def test_a_yaml_flow_mapping_on_stdin_stays_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "-", "--format", "json", stdin="{runtime: {memory_mb: 512}}")
    assert code == 0
    assert json.loads(out)["ranking"]


@pytest.mark.parametrize(
    ("number", "said"),
    [("NaN", "NaN and Infinity are not JSON numbers"), ("1e400", "a number out of range: 1e400 is beyond ±1.8e308")],
)
def test_json_on_stdin_refuses_numbers_json_has_not_in_the_apis_words(
    capsys: pytest.CaptureFixture[str], number: str, said: str
) -> None:
    code, out, err = run(capsys, "recommend", "-", stdin='{"runtime": {"memory_mb": ' + number + "}}")
    assert_bad_input(code, out, err)
    assert f"<stdin>:1: runtime.memory_mb: {said}" in err


def test_a_number_json_has_not_in_a_workload_file_is_said_at_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # FILE:LINE: field, as every other problem with a file's value (not "nan.json.runtime.memory_mb", a field of a
    # section called "nan").
    workload = tmp_path / "nan.json"
    workload.write_text('{\n  "traffic": {"requests_per_month": 1000},\n  "runtime": {"memory_mb": NaN}\n}\n')
    code, out, err = run(capsys, "recommend", str(workload))
    assert_bad_input(code, out, err)
    assert err == f"decider: {workload}:3: runtime.memory_mb: NaN and Infinity are not JSON numbers\n"


def test_pricing_show_writes_small_prices_plainly_and_lists_the_catalogue_by_kind_family_and_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "pricing", "show")
    assert code == 0
    assert "$0.0000166667 (x86) / $0.0000133334 (arm) per GB-s" in out
    assert "e-05" not in out
    rows = [line.split() for line in out.splitlines() if line.startswith("    ") and "vCPU" in line]
    kinds = ["burstable", "general", "compute", "memory", "gpu"]
    order = [(kinds.index(row[1]), row[0].split(".")[0], float(row[3])) for row in rows]
    assert order == sorted(order)
    assert len(rows) > 50


# -- openapi -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["openapi", "--check"], ["openapi"]], ids=["check", "write"])
def test_openapi_outside_a_clone_is_bad_input_not_documents_out_of_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # Installed from a wheel, the package's folder holds no openapi/: nothing there is out of date, and nothing is
    # written into site-packages.
    monkeypatch.setattr("decider.cli.serve.REPOSITORY_ROOT", tmp_path)
    code, out, err = run(capsys, *argv)
    assert_bad_input(code, out, err)
    assert "out of date" not in err
    assert f"this decider runs from an installed package ({tmp_path})" in err
    assert "pip install -e ." in err
    assert list(tmp_path.iterdir()) == []


def test_openapi_check_says_a_missing_document_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'decider-aws'\n")
    monkeypatch.setattr("decider.cli.serve.REPOSITORY_ROOT", tmp_path)
    code, _, err = run(capsys, "openapi", "--check")
    assert code == 1
    assert "decider: openapi/openapi.json is missing; regenerate with: .venv/bin/decider openapi" in err
    assert "out of date" not in err
