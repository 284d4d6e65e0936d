"""A mistyped command line or workload file: the error names the nearest valid option, choice or line to fix."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from decider.cli import main
from tests.cli.test_main import EXAMPLE, assert_bad_input, run
from tests.conftest import EXAMPLES_DIR

# -- options and choices -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["recomend", EXAMPLE], "invalid choice: 'recomend'"),
        (["recommend", EXAMPLE, "--format", "jsn"], "invalid choice: 'jsn'"),
        (["rules", "shwo"], "invalid choice: 'shwo'"),
    ],
)
def test_a_choice_not_offered_names_the_nearest(capsys: pytest.CaptureFixture[str], argv: list[str], said: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert said in err
    meant = {"recomend": "recommend", "jsn": "json", "shwo": "show"}[said.split("'")[1]]
    assert err.rstrip().endswith(f"did you mean '{meant}'?")


def test_a_choice_far_from_any_offers_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["recommend", EXAMPLE, "--format", "xlsx"])
    err = capsys.readouterr().err
    assert "invalid choice: 'xlsx'" in err
    assert "did you mean" not in err


def test_an_unknown_option_is_the_commands_with_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", "--strcit", str(EXAMPLES_DIR / "checkout-api.yaml")])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "decider review: error: unrecognized arguments: --strcit (--strcit: did you mean --strict?)" in err
    assert err.startswith("usage: decider review")  # the command's own usage, where --strict is listed


def test_an_unknown_option_with_its_value_written_in(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["recommend", EXAMPLE, "--fromat=json"])
    assert "(--fromat: did you mean --format?)" in capsys.readouterr().err


def test_a_stray_word_is_not_taken_for_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["recommend", EXAMPLE, "extra"])
    err = capsys.readouterr().err
    assert err.rstrip().endswith("unrecognized arguments: extra")


# -- --region ------------------------------------------------------------------------------------------------------


def test_region_option_prices_in_that_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--region", "eu-west-1", "--format", "json")
    assert code == 0
    assert json.loads(out)["pricing"]["region"] == "eu-west-1"
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "json")
    assert json.loads(out)["pricing"]["region"] == "us-east-1"


def test_region_option_replaces_the_files_region(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "w.yaml"
    file.write_text("name: w\nruntime:\n  memory_mb: 512\npreferences:\n  region: us-east-1\n  optimize_for: cost\n")
    code, out, _ = run(capsys, "recommend", str(file), "--region", "ap-southeast-2", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["pricing"]["region"] == "ap-southeast-2"
    # The rest of the file's preferences still hold: cost-first ranks the cheapest billed target first.
    billed = [(item["monthly_cost"]["total_usd"], item["target"]) for item in data["ranking"] if item["monthly_cost"]]
    assert data["recommendation"] == min(billed)[1]


@pytest.mark.parametrize("region", ["eu-wset-1", "mars"])
def test_a_bad_region_option_is_the_options_fault(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, region: str
) -> None:
    file = tmp_path / "w.yaml"
    file.write_text("name: w\npreferences:\n  region: us-east-1\n")
    code, out, err = run(capsys, "recommend", str(file), "--region", region)
    assert_bad_input(code, out, err)
    assert "  - --region: " in err
    assert err.startswith("decider: invalid option (1 problem):")  # the option's fault, not the workload's
    assert ":3:" not in err  # not the file's line, which the option replaced
    if region == "eu-wset-1":
        assert "(did you mean 'eu-west-1'?)" in err


# -- lines of a workload file --------------------------------------------------------------------------------------


def test_each_problem_names_its_line_in_a_yaml_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "w.yaml"
    file.write_text(
        "name: w\ntraffic:\n  protocols: [http,\n    grcp]\n  requests_per_month: abc\nruntime:\n  memroy_mb: 512\n"
    )
    code, out, err = run(capsys, "recommend", str(file))
    assert_bad_input(code, out, err)
    assert f"  - {file}:4: traffic.protocols.1: 'grcp' is not allowed" in err
    assert f"  - {file}:5: traffic.requests_per_month: must be a number" in err
    assert f"  - {file}:7: runtime.memroy_mb: unknown field" in err


def test_a_json_file_and_stdin_are_placed_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "w.json"
    file.write_text('{"name": "w",\n "runtime": {\n   "memory_mb": "lots"}}\n')
    code, out, err = run(capsys, "recommend", str(file))
    assert_bad_input(code, out, err)
    assert f"  - {file}:3: runtime.memory_mb: must be a whole number" in err
    code, out, err = run(capsys, "recommend", "-", stdin="name: w\n\nfoo: 1\n")
    assert_bad_input(code, out, err)
    assert "  - <stdin>:3: foo: unknown field" in err


def test_a_missing_field_is_placed_at_its_section(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import yaml

    from decider.document_lines import line_of

    root = yaml.compose("name: w\nruntime:\n  memory_mb: 1\n")
    assert line_of(root, "runtime.vcpu") == 2  # not written: the section it belongs in
    assert line_of(root, "runtime.memory_mb") == 3
    assert line_of(root, "traffic.peak_rps") is None  # not even the section is there
    assert line_of(root, "") is None


def test_a_valid_file_answers_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", str(EXAMPLES_DIR / "checkout-api.yaml"), "--format", "json")
    assert code == 0
    assert err == ""
    assert json.loads(out)["name"] == "checkout-api"


# -- adr --date ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2026-13-45", "2026-02-29", "20261203", "yesterday", "2026-1-5"])
def test_adr_refuses_a_date_that_is_not_one(capsys: pytest.CaptureFixture[str], date: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["adr", EXAMPLE, "--date", date])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert out == ""
    assert f"argument --date: '{date}' is not a date written YYYY-MM-DD" in err


def test_adr_prints_the_date_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adr", EXAMPLE, "--date", "2028-02-29"]) == 0
    assert "* Date: 2028-02-29" in capsys.readouterr().out
    assert sys.stdout is not None


# -- options of serve, and outputs that cannot be written ------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--port", "99999", "argument --port: give a TCP port, a whole number from 1 to 65,535, got '99999'"),
        ("--port", "0", "argument --port: give a TCP port, a whole number from 1 to 65,535, got '0'"),
        ("--workers", "0", "argument --workers: give the number of worker processes, a whole number from 1 to 256"),
    ],
)
def test_serve_refuses_a_port_or_worker_count_out_of_range(
    capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    """A port past 65,535 would wrap to another one while the log named the one given: refused before serving."""
    with pytest.raises(SystemExit) as caught:
        main(["serve", option, value])
    out, err = capsys.readouterr()
    assert caught.value.code == 2
    assert out == ""
    assert said in err


def test_outputs_that_are_folders_are_said_so_by_the_command_that_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    offers = Path(__file__).resolve().parents[1] / "fixtures" / "offers" / "us-east-1"
    code, out, err = run(
        capsys, "pricing", "refresh", "--region", "us-east-1", "--from", str(offers), "--output", str(folder)
    )
    assert_bad_input(code, out, err)
    assert err == (
        "decider: cannot write the price book (1 problem):\n"
        f"  - --output: {folder} is a directory; give the price book's file name\n"
    )
    code, out, err = run(capsys, "adr", EXAMPLE, "--output", str(folder))
    assert_bad_input(code, out, err)
    assert err.startswith("decider: cannot write the decision record (1 problem):")
    assert "Is a directory" in err


@pytest.mark.parametrize(("name", "meant"), [("m7g.larg", "m7g.large"), ("m7g.huge", "m7g.large")])
def test_an_instance_type_with_no_ec2_size_exits_2_naming_the_nearest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, meant: str
) -> None:
    path = tmp_path / "workload.yaml"
    path.write_text(f"control:\n  instance_types: [{name}]\ntraffic:\n  pattern: spikey\n", encoding="utf-8")
    code, out, err = run(capsys, "recommend", str(path))
    assert_bad_input(code, out, err)
    assert "(2 problems)" in err  # the pattern's problem with it, not after it
    assert f"'{name}' is not an EC2 instance type" in err
    assert f"(did you mean '{meant}'?)" in err
    assert "(did you mean 'spiky'?)" in err


@pytest.mark.parametrize("name", ["m7g.large", "m7g", "m7g.metal", "m7g.16xlarge", "u-6tb1.metal", "p4d.24xlarge"])
def test_an_instance_type_with_an_ec2_size_is_recommended_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path = tmp_path / "workload.yaml"
    path.write_text(f"control:\n  instance_types: [{name}]\n", encoding="utf-8")
    code, out, _ = run(capsys, "recommend", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["recommendation"]
