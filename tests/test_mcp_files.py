"""The MCP review tool given the text of infrastructure files: reviewed as ``decider review`` reviews a folder, with
the caller's file names in the answer; bad files and bad arguments are tool errors naming the item."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client
from mcp.types import CallToolResult

from decider.mcp import build_server, call
from decider.mcp_tools import review_input_schema
from decider.review import review_imported
from decider.rules.loader import load_ruleset
from decider.sources import apply_usage, find_workloads, read_usage

REPO = Path(__file__).resolve().parent.parent
RULESET = load_ruleset()
SAM = REPO / "tests" / "fixtures" / "iac" / "sam" / "template.yaml"
USAGE = REPO / "tests" / "fixtures" / "iac" / "usage.yaml"
TERRAFORM = """resource "aws_lambda_function" "report" {
  function_name = "report"
  memory_size   = 1024
  timeout       = 900
}
"""


def through_client(arguments: dict[str, Any]) -> CallToolResult:
    async def run() -> CallToolResult:
        async with Client(build_server(lambda: RULESET)) as client:
            return await client.call_tool("review", arguments)

    return anyio.run(run)


def test_a_template_text_is_reviewed_with_the_callers_file_name() -> None:
    result = through_client({"files": [{"name": "template.yaml", "text": SAM.read_text()}]})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    workloads = result.structured_content["workloads"]
    assert len(workloads) >= 2
    assert {item["source"]["file"] for item in workloads} == {"template.yaml"}  # the caller's name, not a temp path
    # The verdicts decider review gives the same template read from disk, workload by workload.
    discovery = find_workloads([str(SAM)])
    from_disk = review_imported(discovery.workloads, RULESET)
    assert {item.name: item.verdict for item in from_disk.workloads} == {
        item["name"]: item["verdict"] for item in workloads
    }


@pytest.mark.parametrize("where", ["/", tempfile.gettempdir(), "."])
def test_file_names_are_the_callers_whatever_the_working_directory(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review names files relative to the working directory; the tool's answer names them as the caller did, from
    / (where the temporary folder reads tmp/decider-mcp-…) and from the temporary folder's parent alike."""
    monkeypatch.chdir(where)
    files = [{"name": "main.tf", "text": TERRAFORM}, {"name": "values.yaml", "text": "replicas: 2\n"}]
    result = call("review", {"files": files}, RULESET)
    assert result.structured_content is not None
    assert [item["source"]["file"] for item in result.structured_content["workloads"]] == ["main.tf"]
    assert [item["file"] for item in result.structured_content["skipped"]] == ["values.yaml"]


@pytest.mark.parametrize("where", ["/", tempfile.gettempdir(), "."])
def test_no_note_names_the_servers_temporary_folder(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Kubernetes workload reached only through a ClusterIP Service is told so with the Service's file and line:
    the caller's file name, never the temporary folder (which would differ on every call and expose the server)."""
    monkeypatch.chdir(where)
    text = (REPO / "examples" / "iac" / "kubernetes" / "recommendations.yaml").read_text()
    answers = [call("review", {"files": [{"name": "recommendations.yaml", "text": text}]}, RULESET) for _ in range(2)]
    assert answers[0].structured_content == answers[1].structured_content  # the same answer on every call
    said = str(answers[0].structured_content)
    assert "recommendations.yaml:" in said
    assert "decider-mcp-" not in said


def test_terraform_text_is_read_and_a_limit_it_breaks_says_move() -> None:
    result = call("review", {"files": [{"name": "main.tf", "text": TERRAFORM}]}, RULESET)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    [item] = result.structured_content["workloads"]
    assert (item["name"], item["source"]["file"]) == ("aws_lambda_function.report", "main.tf")
    assert item["current_target"] == "lambda"


def test_a_file_that_cannot_be_read_is_listed_and_the_others_reviewed() -> None:
    files = [
        {"name": "broken.yaml", "text": "AWSTemplateFormatVersion: '2010-09-09'\nResources: [unclosed\n"},
        {"name": "main.tf", "text": TERRAFORM},
    ]
    result = call("review", {"files": files}, RULESET)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert [item["source"]["file"] for item in result.structured_content["workloads"]] == ["main.tf"]
    assert [item["file"] for item in result.structured_content["unreadable"]] == ["broken.yaml"]


def test_bad_file_arguments_are_tool_errors_naming_the_item() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"files": [{"name": "../etc/passwd", "text": ""}]}, "files[0].name"),
        ({"files": [{"name": "a.tf", "text": "x"}, {"name": "a.tf", "text": "y"}]}, "files[1].name"),
        ({"files": [{"name": "a.tf"}]}, "files[0]"),
        ({"files": []}, "files"),
        ({"files": [{"name": "a.tf", "text": "x"}], "workloads": []}, "workloads"),
    ]
    for arguments, field in cases:
        result = call("review", arguments, RULESET)
        assert result.is_error, arguments
        assert result.structured_content is not None
        assert result.structured_content["problems"][0]["field"] == field, arguments


def test_bad_file_arguments_say_the_value_given_in_json_terms() -> None:
    folder_name = call("review", {"files": [{"name": "sam/template.yaml", "text": ""}]}, RULESET)
    assert folder_name.structured_content is not None
    assert folder_name.structured_content["problems"][0]["message"] == (
        "a plain file name: letters, digits and ._- (no folders), got 'sam/template.yaml'"
    )
    not_a_list = call("review", {"files": "main.tf"}, RULESET)
    assert not_a_list.structured_content is not None
    assert not_a_list.structured_content["problems"][0]["message"].endswith("got string")  # JSON's word, not str


def sam_usage() -> dict[str, Any]:
    """The fixture usage file's entries for the SAM template's functions (the others name workloads of other files)."""
    usage: dict[str, Any] = yaml.safe_load(USAGE.read_text())
    return {name: entry for name, entry in usage.items() if name in SAM.read_text()}


@pytest.mark.parametrize("form", ["text", "object"])
def test_a_usage_argument_gives_the_traffic_as_decider_review_usage_does(form: str, tmp_path: Path) -> None:
    """Without traffic a file review can only say unknown; the usage argument is the usage file decider review
    --usage reads (as its text or as the document), and the verdicts are the CLI's for the same files and usage."""
    entries = sam_usage()
    usage_file = tmp_path / "usage.yaml"
    usage_file.write_text(yaml.safe_dump(entries))
    usage = usage_file.read_text() if form == "text" else entries
    result = call("review", {"files": [{"name": "template.yaml", "text": SAM.read_text()}], "usage": usage}, RULESET)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    verdicts = {item["name"]: item["verdict"] for item in result.structured_content["workloads"]}
    discovery = find_workloads([str(SAM)])
    apply_usage(discovery.workloads, read_usage(str(usage_file)), str(usage_file))
    assert verdicts == {item.name: item.verdict for item in review_imported(discovery.workloads, RULESET).workloads}
    # Each function the usage gives traffic has a verdict (without it, an unknown), the others stay unknown.
    assert {name for name, verdict in verdicts.items() if verdict != "unknown"} == {
        name for name, entry in entries.items() if "traffic" in entry
    }
    checkout = next(item for item in result.structured_content["workloads"] if item["name"] == "CheckoutFunction")
    given = {field["field"]: field["file"] for field in checkout["fields_read"]}
    assert given["traffic.requests_per_month"] == "usage"  # the argument, never the server's temporary file


def test_unknown_traffic_is_told_to_use_the_usage_argument_not_a_command_line_flag() -> None:
    files = call("review", {"files": [{"name": "template.yaml", "text": SAM.read_text()}]}, RULESET)
    workloads = call("review", {"workloads": [{"name": "a", "current_target": "lambda", "workload": {}}]}, RULESET)
    for result, told in ((files, "add it to this tool's usage argument"), (workloads, "give it in the workload")):
        assert result.structured_content is not None
        unknown = [item for item in result.structured_content["workloads"] if item["verdict"] == "unknown"]
        assert unknown
        assert all(item["why"].startswith(f"Traffic not known: {told}") for item in unknown)
        assert "--usage" not in str(result.structured_content)
        assert "--usage" not in str(result.content)


@pytest.mark.parametrize(
    ("usage", "field", "message", "nearest"),
    [
        ({"CheckoutFuntion": {}}, "usage: CheckoutFuntion", "no workload or resource of this name", "CheckoutFunction"),
        (
            {"ReportBuilder": {"traffic": {"request_per_month": 1}}},
            "usage: ReportBuilder.traffic.request_per_month",
            "unknown field",
            "requests_per_month",
        ),
        ("ReportBuilder: [unclosed\n", "usage:2", "not valid YAML", None),
        (["ReportBuilder"], "usage", "the usage file's text, or the document as an object, got array", None),
    ],
)
def test_a_bad_usage_argument_is_a_tool_error_located_at_usage(
    usage: object, field: str, message: str, nearest: str | None
) -> None:
    result = call("review", {"files": [{"name": "template.yaml", "text": SAM.read_text()}], "usage": usage}, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    [problem] = result.structured_content["problems"]
    assert (problem["field"], problem["did_you_mean"]) == (field, nearest)
    assert message in problem["message"]
    assert "decider-mcp-" not in str(result.content)


def test_a_usage_argument_goes_with_files_only() -> None:
    result = call(
        "review", {"workloads": [{"name": "a", "current_target": "lambda", "workload": {}}], "usage": {}}, RULESET
    )
    assert result.is_error
    assert result.structured_content is not None
    assert [problem["field"] for problem in result.structured_content["problems"]] == ["usage"]
    schema = review_input_schema()
    assert schema["properties"]["usage"]["type"] == ["object", "string"]
    assert schema["dependentRequired"] == {"usage": ["files"]}
