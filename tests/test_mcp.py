"""decider's MCP tools through the SDK's own client: in process for every tool, and `decider mcp` over stdio once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult, TextContent

from decider.mcp import build_server, call
from decider.mcp_tools import recommend_input_schema, review_input_schema
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.workload_schema import workload_schema

REPO = Path(__file__).resolve().parent.parent
CHECKOUT = REPO / "examples" / "checkout-api.yaml"
RULESET = load_ruleset()

SHIPPED_REGIONS = (
    "ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, "
    "eu-west-2, eu-west-3, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2"
)


def checkout() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(CHECKOUT.read_text())
    return raw


def with_client(session: Callable[[Client], Awaitable[Any]], ruleset: Ruleset = RULESET) -> Any:
    async def run() -> Any:
        async with Client(build_server(lambda: ruleset)) as client:
            return await session(client)

    return anyio.run(run)


def text_of(result: CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, TextContent)
    return first.text


def test_the_tools_are_listed_with_the_workload_contract_as_input() -> None:
    async def session(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in with_client(session)}
    assert set(tools) == {"recommend", "review", "explain_rule", "list_targets", "price_book"}
    recommend = tools["recommend"].input_schema
    assert recommend["properties"] == workload_schema()["properties"]
    assert recommend["$defs"] == workload_schema()["$defs"]
    assert all(tool.output_schema is not None for tool in tools.values())
    assert review_input_schema()["$defs"]["Workload"]["properties"] == recommend_input_schema()["properties"]


def test_recommend_answers_the_decision_with_a_text_to_quote() -> None:
    async def session(client: Client) -> CallToolResult:
        return await client.call_tool("recommend", checkout())

    result = with_client(session)
    assert not result.is_error
    assert result.structured_content is not None
    decision = result.structured_content
    assert decision["recommendation"] == "lambda"
    for key in ("summary", "ranking", "excluded", "counterfactuals", "assumptions", "ruleset", "pricing"):
        assert key in decision
    assert decision["ranking"][0]["monthly_cost"]["total_usd"] > 0
    assert text_of(result).startswith(decision["summary"])


def test_a_bad_workload_is_a_tool_error_naming_the_field_and_the_nearest_name() -> None:
    async def session(client: Client) -> CallToolResult:
        return await client.call_tool("recommend", {"runtime": {"memroy_mb": 512, "os": "windoze"}})

    result = with_client(session)
    assert result.is_error
    assert result.structured_content is not None
    problems = {problem["field"]: problem for problem in result.structured_content["problems"]}
    assert problems["runtime.memroy_mb"]["did_you_mean"] == "memory_mb"
    assert "windoze" in problems["runtime.os"]["message"]
    assert "linux" in problems["runtime.os"]["message"]
    assert "runtime.memroy_mb" in text_of(result)
    assert "Traceback" not in text_of(result)


def test_explain_rule_gives_the_rule_and_its_source() -> None:
    rule = RULESET.rules[0]
    result = call("explain_rule", {"rule_id": rule.id}, RULESET)
    assert not result.is_error
    assert result.structured_content == {"rule": rule.to_dict()}
    assert rule.source in text_of(result)


def test_explain_rule_explains_the_criterion_computed_from_the_bills() -> None:
    """Decisions cite it in their reasons; the tool's own error sends users there for rule ids."""
    result = call("explain_rule", {"rule_id": "cost.relative-monthly-cost"}, RULESET)
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["rule"]["file"] == "pricing/model.yaml"
    assert text_of(result).startswith("cost.relative-monthly-cost (cost): Computed from each eligible target's monthly")


@pytest.mark.parametrize("given", ["lambda-max-duration-typo", 7, ""])
def test_explain_rule_refuses_an_unknown_id_with_the_nearest(given: object) -> None:
    result = call("explain_rule", {"rule_id": given}, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["problems"][0]["field"] == "rule_id"


def test_explain_rule_suggests_the_nearest_id() -> None:
    rule_id = RULESET.rules[0].id
    result = call("explain_rule", {"rule_id": rule_id[:-1] + "x"}, RULESET)
    assert result.structured_content is not None
    assert result.structured_content["problems"][0]["did_you_mean"] == rule_id


def test_list_targets_and_price_book() -> None:
    targets = call("list_targets", {}, RULESET)
    assert targets.structured_content is not None
    assert [target["id"] for target in targets.structured_content["targets"]] == list(RULESET.target_ids)
    book = call("price_book", {"region": "us-east-1"}, RULESET)
    assert book.structured_content is not None
    assert book.structured_content["as_of"] == RULESET.pricing["us-east-1"].as_of
    assert book.structured_content["as_of"] in text_of(book)
    assert book.structured_content["floors"] == {}  # us-east-1's own figures
    # eu-west-2 takes us-east-1's load balancer prices as a floor: the key price and the text say so
    london = call("price_book", {"region": "eu-west-2"}, RULESET)
    assert london.structured_content is not None
    assert london.structured_content["floors"] == {
        "alb_usd_per_hour": RULESET.pricing["eu-west-2"].floors["load_balancers"]
    }
    assert "alb_usd_per_hour 0.0225 (another region's price, as a floor)" in text_of(london)
    assert "eks_control_plane_usd_per_hour 0.1," in text_of(london)
    unknown = call("price_book", {"region": "eu-south-1"}, RULESET)
    assert unknown.is_error
    assert unknown.structured_content is not None
    assert unknown.structured_content["problems"][0] == {
        "field": "region",
        "message": "'eu-south-1' is not allowed; choose one of " + SHIPPED_REGIONS,
        "did_you_mean": "eu-north-1",
    }


def test_review_gives_a_verdict_per_workload() -> None:
    async def session(client: Client) -> CallToolResult:
        item = {"name": "checkout", "current_platform": "eks", "workload": checkout()}
        return await client.call_tool("review", {"workloads": [item]})

    result = with_client(session)
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["workloads"][0]["verdict"] in ("keep", "consider", "move", "unknown")
    assert text_of(result).startswith("checkout: ")


def test_a_bad_review_item_names_its_index() -> None:
    result = call("review", {"workloads": [{"name": "a", "workload": {"traffic": {"request_per_month": 1}}}]}, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["problems"][0]["field"].startswith("workloads[0].workload.traffic")


@pytest.mark.parametrize(("workloads", "kind"), [({}, "object"), ("x", "string"), (None, "null")])
def test_review_workloads_of_the_wrong_type_are_said_so_not_missing(workloads: object, kind: str) -> None:
    result = call("review", {"workloads": workloads}, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    problem = result.structured_content["problems"][0]
    assert (problem["field"], problem["message"]) == ("workloads", f"must be a list of workloads, got {kind}")


def test_explain_rule_quotes_a_long_id_cut_with_the_rest_counted() -> None:
    result = call("explain_rule", {"rule_id": "x" * 3000}, RULESET)
    assert result.structured_content is not None
    message = result.structured_content["problems"][0]["message"]
    assert message.startswith("no rule with id '" + "x" * 79 + "… (2,922 more characters);")


@pytest.mark.parametrize(
    ("tool", "arguments", "field", "nearest"),
    [
        ("price_book", {"regoin": "eu-west-1"}, "regoin", "region"),
        ("explain_rule", {"rule_id": "limits.lambda-memory", "ruleid": "x"}, "ruleid", "rule_id"),
        ("list_targets", {"target": "lambda"}, "target", None),
    ],
)
def test_a_misspelled_argument_is_a_tool_error_not_ignored(
    tool: str, arguments: dict[str, object], field: str, nearest: str | None
) -> None:
    """The tools' input schemas allow no other argument: a misspelled one is named, not dropped (a price book asked
    for with 'regoin' must not answer us-east-1's prices as if nothing were wrong)."""
    result = call(tool, arguments, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    [problem] = result.structured_content["problems"]
    assert problem["field"] == field
    assert problem["did_you_mean"] == nearest
    if nearest is None:
        assert problem["message"] == f"unknown argument '{field}'; {tool} takes no arguments"


def test_an_unknown_tool_is_a_tool_error() -> None:
    result = call("recomend", {}, RULESET)
    assert result.is_error
    assert result.structured_content is not None
    assert result.structured_content["problems"][0]["did_you_mean"] == "recommend"


def test_decider_mcp_serves_over_stdio_the_same_recommendation_as_the_cli() -> None:
    command = str(Path(sys.executable).with_name("decider"))
    expected = json.loads(
        subprocess.run(
            [command, "recommend", str(CHECKOUT), "--format", "json"], capture_output=True, check=True
        ).stdout
    )

    async def run() -> tuple[list[str], CallToolResult]:
        async with Client(StdioServerParameters(command=command, args=["mcp"], cwd=str(REPO))) as client:
            tools = [tool.name for tool in (await client.list_tools()).tools]
            return tools, await client.call_tool("recommend", checkout())

    tools, result = anyio.run(run)
    assert "recommend" in tools
    assert result.structured_content is not None
    assert result.structured_content["recommendation"] == expected["recommendation"]
    assert result.structured_content == expected


def test_a_frame_that_is_not_json_rpc_is_answered_over_stdio_not_dropped() -> None:
    """Over stdio the SDK drops a line it cannot read, and a client waiting on it hangs: decider answers each with a
    JSON-RPC error (id null) and goes on serving, as /mcp does over HTTP."""
    command = str(Path(sys.executable).with_name("decider"))
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    frames = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        "this is not json",
        {"id": 2, "method": "tools/list"},  # no "jsonrpc"
        [{"jsonrpc": "2.0", "id": 3, "method": "tools/list"}],  # a batch, which MCP does not take
        {"jsonrpc": "2.0", "id": 4, "method": "tools/list"},
    ]
    text = "".join((frame if isinstance(frame, str) else json.dumps(frame)) + "\n" for frame in frames)
    # stdin stays open until the five answers are read: a client closing it first would end the session early.
    server = subprocess.Popen([command, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, server.kill)  # a server that never answers fails the test, never hangs it
    watchdog.start()
    try:
        assert server.stdin is not None
        assert server.stdout is not None
        server.stdin.write(text)
        server.stdin.flush()
        answers = [json.loads(server.stdout.readline()) for _ in range(5)]
    finally:
        watchdog.cancel()
        server.communicate(timeout=30)
    assert server.returncode == 0
    assert [answer.get("id") for answer in answers] == [1, None, None, None, 4]
    assert [answer["error"]["code"] for answer in answers[1:4]] == [-32700, -32600, -32600]
    assert "jsonrpc" in answers[2]["error"]["message"]
    assert {tool["name"] for tool in answers[4]["result"]["tools"]} >= {"recommend", "review"}


def test_over_stdio_frames_are_read_as_mcp_reads_a_body_and_every_request_is_answered_after_stdin_ends() -> None:
    """A script pipes its requests in and closes stdin: every request still gets its answer, and a frame with a key
    given twice, NaN or too deep a nesting is refused with the words /mcp and the REST routes use."""
    command = str(Path(sys.executable).with_name("decider"))
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    call = '{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "recommend", "arguments": %s}}'
    deep = '{"a": ' * 150 + "1" + "}" * 150
    frames = [
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello}),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        call % (2, '{"runtime": {"memory_mb": 512, "memory_mb": 1024}}'),
        call % (3, '{"runtime": {"memory_mb": NaN}}'),
        call % (4, deep),
        "",
        call % (5, json.dumps(checkout())),
        call % (6, '{"runtime": {"memory_mb": 1024}}'),
    ]
    done = subprocess.run(
        [command, "mcp"], input="\n".join(frames) + "\n", capture_output=True, text=True, timeout=120, check=True
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    # The refused frames are answered as they are read; the two tool calls run side by side, answered as each ends
    assert [answer.get("id") for answer in answers[:5]] == [1, None, None, None, None]
    assert sorted(answer.get("id") for answer in answers[5:]) == [5, 6]
    by_id = {answer["id"]: answer for answer in answers[5:]}
    errors = [answer["error"] for answer in answers[1:5]]
    assert {error["code"] for error in errors} == {-32700}
    assert "found key 'memory_mb' twice" in errors[0]["message"]
    assert "frame.params.arguments.runtime.memory_mb: NaN and Infinity are not JSON numbers" in errors[1]["message"]
    assert "nested more than 100 levels deep" in errors[2]["message"]
    assert "an empty line" in errors[3]["message"]
    assert by_id[5]["result"]["structuredContent"]["recommendation"] == "lambda"
    assert not by_id[6]["result"]["isError"]


def test_over_stdio_a_request_the_client_cancels_is_not_waited_for_after_stdin_ends() -> None:
    """A cancelled request gets no answer (MCP's cancellation), so the server does not wait for one at the end."""
    command = str(Path(sys.executable).with_name("decider"))
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    frames = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "recommend", "arguments": {}}},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7, "reason": "test"}},
    ]
    text = "".join(json.dumps(frame) + "\n" for frame in frames)
    done = subprocess.run([command, "mcp"], input=text, capture_output=True, text=True, timeout=60, check=True)
    ids = [json.loads(line).get("id") for line in done.stdout.splitlines()]
    assert ids[0] == 1
    assert set(ids) <= {1, 7}  # the call is answered only if it finished before the cancellation was read


def test_decider_mcp_without_the_mcp_extra_names_the_extra_to_install() -> None:
    """Without the extra, the first module the command misses is the SDK's anyio: it is named with the extra that
    installs it, exit 2, as for every command whose extra is missing (not 'could not finish')."""
    script = (
        "import sys\n"
        "for name in ('anyio', 'mcp'):\n"
        "    sys.modules[name] = None  # as if not installed: importing it raises ModuleNotFoundError\n"
        "from decider.cli import main\n"
        "sys.exit(main(['mcp']))\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == (
        "decider: this command needs the 'mcp' extra (anyio is not installed); "
        "install it with: pip install 'decider-aws[mcp]'\n"
    )


def test_over_stdio_arguments_that_are_not_an_object_are_a_tool_error_naming_them() -> None:
    """As over HTTP: the call is answered, with the param, what was given and what is allowed, not a bare -32602."""
    command = str(Path(sys.executable).with_name("decider"))
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    frames = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "recommend", "arguments": []}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "recomend", "arguments": "x"}},
    ]
    text = "".join(json.dumps(frame) + "\n" for frame in frames)
    done = subprocess.run([command, "mcp"], input=text, capture_output=True, text=True, timeout=60, check=True)
    answers = {answer["id"]: answer["result"] for answer in map(json.loads, done.stdout.splitlines())}
    assert answers[2]["isError"] is True
    [problem] = answers[2]["structuredContent"]["problems"]
    sections = ", ".join(workload_schema()["properties"])
    assert (problem["field"], problem["message"]) == (
        "arguments",
        f"must be an object (the workload's sections: {sections}), got array",
    )
    # A misspelled tool is named with the nearest, and the arguments too.
    named = [(problem["field"], problem["did_you_mean"]) for problem in answers[3]["structuredContent"]["problems"]]
    assert named == [("name", "recommend"), ("arguments", None)]
