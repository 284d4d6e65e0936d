"""The MCP review tool given the text of infrastructure files: reviewed as ``decider review`` reviews a folder, with
the caller's file names in the answer; bad files and bad arguments are tool errors naming the item."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from decider.mcp import build_server, call
from decider.review import review_imported
from decider.rules.loader import load_ruleset
from decider.sources import find_workloads

REPO = Path(__file__).resolve().parent.parent
RULESET = load_ruleset()
SAM = REPO / "tests" / "fixtures" / "iac" / "sam" / "template.yaml"
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
