"""``decider adr``: a MADR decision record from a decision — every section, pros and cons from the rules that fired,
costs, links to every rule source — written to stdout or a file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from decider.cli import main
from decider.engine import decide
from decider.render.adr import to_adr
from decider.rules.model import Ruleset
from decider.workload import parse_workload

REPO_ROOT = Path(__file__).resolve().parents[2]
MADR_SECTIONS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "## Pros and Cons of the Options",
    "## Links",
]


def record(ruleset: Ruleset, raw: dict[str, object], **options: str) -> str:
    parsed = parse_workload(raw)
    return to_adr(decide(parsed, ruleset), parsed.workload, date="2026-11-27", **options)


def test_the_record_has_every_madr_section_in_order(ruleset: Ruleset) -> None:
    text = record(ruleset, {"name": "checkout-api", "traffic": {"pattern": "spiky"}})
    positions = [text.index(section + "\n") for section in MADR_SECTIONS]
    assert positions == sorted(positions)
    assert text.startswith("# Run checkout-api on AWS Lambda\n")
    assert "* Status: proposed\n* Date: 2026-11-27\n" in text


def test_options_carry_their_pros_cons_costs_and_rule_links(ruleset: Ruleset) -> None:
    parsed = parse_workload({"name": "report", "runtime": {"max_duration_s": 2400}, "traffic": {"pattern": "batch"}})
    decision = decide(parsed, ruleset)
    text = to_adr(decision, parsed.workload, date="2026-11-27", status="accepted", source="infra/template.yaml:54")
    assert "* Status: accepted" in text
    assert "The workload is defined in `infra/template.yaml:54`." in text
    for entry in decision.ranking:
        assert f"* {entry.name} (`{entry.target}`): score" in text
        assert f"### {entry.name}\n" in text
        if entry.monthly_cost is not None:
            assert f"about ${entry.monthly_cost.total_usd:,.2f} a month" in text
    lambda_section = text.split("### AWS Lambda\n", 1)[1]
    assert lambda_section.startswith("\nExcluded: it cannot run this workload as described.")
    assert "* Bad, because Lambda stops every invocation at 15 minutes" in lambda_section  # names keep capitals
    cited = set(re.findall(r"\[`([a-z0-9.-]+)`\]\(", text))
    links = text.split("## Links\n", 1)[1]
    for rule in cited:
        assert f"* [`{rule}`](" in links
    assert "limits.lambda-max-duration" in cited


def test_no_option_fits(small_ruleset: Ruleset) -> None:
    text = record(small_ruleset, {"name": "huge", "runtime": {"memory_mb": 2_000_000}})
    assert text.startswith("# No AWS compute target fits huge as described\n")
    assert "No option can be chosen as the workload is described." in text


def test_cli_writes_the_record_from_a_template_with_usage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    out_file = tmp_path / "0007-report-builder.md"
    code = main(
        [
            "adr",
            "tests/fixtures/iac/sam/template.yaml",
            "--name",
            "ReportBuilder",
            "--usage",
            "tests/fixtures/iac/usage.yaml",
            "--date",
            "2026-11-27",
            "--output",
            str(out_file),
        ]
    )
    assert code == 0
    assert capsys.readouterr().err == f"decider: wrote {out_file}\n"
    text = out_file.read_text()
    assert text.startswith("# Run ReportBuilder on Amazon ECS on AWS Fargate\n")  # 40 minutes from the usage file
    assert "The workload is defined in `tests/fixtures/iac/sam/template.yaml:54`." in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tests/fixtures/iac/sam/template.yaml"], "holds 4 workloads; choose one with --name: CheckoutFunction"),
        (["tests/fixtures/iac/sam/template.yaml", "--name", "ReportBuildr"], "(did you mean 'ReportBuilder'?)"),
        (["tests/fixtures/iac/sam"], "is a folder"),
        (["nope.yaml"], "nope.yaml: no such file or directory"),
    ],
)
def test_cli_bad_input_exits_2(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert main(["adr", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("decider: cannot write the decision record (1 problem):")  # not "cannot review"


def test_the_context_names_the_platform_it_runs_on_today(ruleset: Ruleset) -> None:
    text = record(ruleset, {"name": "orders", "team": {"current_platform": "lambda"}})
    assert " It runs on AWS Lambda today." in text


def test_cli_reads_a_workload_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("name: queue-worker\ntraffic: {pattern: event}\n"))
    assert main(["adr", "-", "--date", "2026-11-27"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Run queue-worker on ")
    assert "is defined in" not in text


@pytest.mark.parametrize(
    ("text", "argv", "lines"),
    [
        ("runtime: {memroy_mb: 512}\ntrafic: {}\n", [], [1, 2]),
        ("- name: a\n  runtime: {memory_mb: 512}\n- name: b\n  trafic: {}\n", ["--name", "b"], [4]),
        ("name: a\nruntime: {memory_mb: 512}\n---\nname: b\ntraffic:\n  peak_rps: -1\n", ["--name", "b"], [6]),
    ],
    ids=["one-workload", "a-list", "a-stream"],
)
def test_cli_says_a_bad_workload_at_its_line_as_recommend_does(
    text: str,
    argv: list[str],
    lines: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The same file, the same problems, the same FILE:LINE: field as `decider recommend` (editors and CI logs link it).
    workload = tmp_path / "typo.yaml"
    workload.write_text(text)
    assert main(["adr", str(workload), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("decider: invalid workload (")
    placed = re.findall(r"^  - (.+?):(\d+): ", err, flags=re.MULTILINE)
    assert placed == [(str(workload), str(line)) for line in lines]
    if not argv:
        assert main(["recommend", str(workload)]) == 2
        assert capsys.readouterr().err == err
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["adr", "-", *argv]) == 2
    assert capsys.readouterr().err == err.replace(str(workload), "<stdin>")
