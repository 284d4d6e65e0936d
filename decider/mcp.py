"""decider's tools for MCP clients (IDEs, desktop assistants, agents): the same engine, over the Model Context Protocol.

``build_server(rules)`` makes a low-level MCP server (the official SDK, ``mcp``) with five tools: ``recommend``,
``review``, ``explain_rule``, ``list_targets`` and ``price_book``. Each tool's input schema is built from decider's own
contracts (``workload_schema()``, the review item), its output schema from the result's Pydantic model (both in
decider/mcp_tools.py), and each answer carries the structured result and a short text a model can quote. Bad input is
a tool error (``isError``) naming every field, its value, what is allowed and the nearest valid name, from the same
Problems the CLI and the API report.

``decider mcp`` serves it over stdio (``define_command``); the API mounts it at ``/mcp`` (api/mcp.py). This module
imports no web framework itself: the stdio transport is all it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any

import anyio
from mcp import types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp_types.methods import serialize_server_result

import decider
from decider.engine import decide
from decider.errors import DeciderError, Problem, WorkloadError, json_type, nearest, quoted, unknown_choice
from decider.mcp_files import USAGE, read_files, read_usage_argument, review_files
from decider.mcp_stdio import Answering, Counting, Pending, StrictLines, stdin_lines
from decider.mcp_tools import tools
from decider.render.decision import exclusions_by_rule
from decider.review import ReviewRequestItem, parse_review_request, review_request
from decider.rules.computed import computed_rule, rule_ids
from decider.rules.model import Ruleset
from decider.workload import Workload, parse_workload

NAME = "decider"
INSTRUCTIONS = (
    "decider ranks where a workload should run on AWS (Lambda, ECS on Fargate, ECS Managed Instances, ECS on EC2, "
    "EKS) with named rules, sources and monthly bills. Call recommend with a workload (every field is optional; "
    "what is left out is assumed and listed), explain_rule with a rule id from a decision, review for workloads "
    "with where they run now."
)

Rules = Callable[[], Ruleset]
Answer = tuple[dict[str, Any], str]


class ToolFailure(DeciderError):
    """A tool's arguments are wrong in a way that is not about a workload (an unknown rule id, region or tool)."""

    headline = "invalid arguments"


def _recommend(arguments: dict[str, Any], ruleset: Ruleset) -> Answer:
    decision = decide(parse_workload(arguments, strict_json=True), ruleset)
    lines = [decision.summary]
    for place, entry in enumerate(decision.ranking[:3], start=1):
        bill = f"${entry.monthly_cost.total_usd:,.2f}/month" if entry.monthly_cost else "not priced"
        lines.append(f"{place}. {entry.name} ({entry.target}): score {entry.score:.1f}, {bill}")
    lines.extend(
        f"Excluded {', '.join(item.target for item in kept_out)}: {message}"
        for _, message, _, kept_out in exclusions_by_rule(decision)
    )
    return decision.model_dump(mode="json"), "\n".join(lines)


#: How a review's verdict ``unknown`` tells a command line to give the traffic; a tool's caller is told its own way.
CLI_REMEDY = "add it to the usage file (--usage)"


def _review(arguments: dict[str, Any], ruleset: Ruleset) -> Answer:
    if "files" in arguments:
        extra = [key for key in arguments if key not in ("files", USAGE)]
        if extra:
            raise ToolFailure([Problem(extra[0], "give either workloads or files, not both")])
        files = read_files(arguments["files"])
        usage = read_usage_argument(arguments[USAGE]) if USAGE in arguments else None
        review = review_files(files, ruleset, usage)
        remedy = f"add it to this tool's {USAGE} argument"
    elif USAGE in arguments:
        message = "a usage file goes with files; give each of the workloads its traffic in the workload itself"
        raise ToolFailure([Problem(USAGE, message)])
    else:
        review = review_request(review_items(arguments), ruleset)  # says to give traffic in the workload itself
        remedy = None
    answer = review.model_dump(mode="json")
    for said in answer["workloads"]:
        said["why"] = said["why"].replace(CLI_REMEDY, remedy) if remedy else said["why"]
    lines = [
        f"{item.name}: {item.verdict or 'no verdict'} (runs on {item.current_target or item.current_platform}"
        f"{f' in {item.current_mode}' if item.current_mode else ''}; "
        f"recommended {item.decision.recommendation}): {said['why']}"
        for item, said in zip(review.workloads, answer["workloads"], strict=True)
    ]
    summary = review.summary
    lines.append(f"{summary.keep} keep, {summary.consider} consider, {summary.move} move, {summary.unknown} unknown.")
    return answer, "\n".join(lines)


def review_items(raw: Any) -> list[ReviewRequestItem]:
    """A review request's items (JSON types, as a tool's arguments and the API's body come), as parse_review_request
    reads them, except that ``workloads`` given but not a list is said so, with its type (as /recommend/batch says),
    not called missing."""
    try:
        return parse_review_request(raw, strict_json=True)
    except WorkloadError as error:
        if not isinstance(raw, Mapping) or "workloads" not in raw or isinstance(raw["workloads"], list):
            raise
        given = raw["workloads"]
        wrong = Problem("workloads", f"must be a list of workloads, got {json_type(given)}")
        problems = [wrong if problem.location == "workloads" else problem for problem in error.problems]
        raise WorkloadError(problems) from None


def _explain_rule(arguments: dict[str, Any], ruleset: Ruleset) -> Answer:
    rule_id = arguments.get("rule_id")
    if not isinstance(rule_id, str) or not rule_id:
        raise ToolFailure([Problem("rule_id", f"give a rule id (text), got {quoted(rule_id)}")])
    rule = ruleset.rule(rule_id)
    computed = computed_rule(ruleset, rule_id) if rule is None else None
    if computed is not None:  # the criterion from the bills: cited by decisions, held by no rule file
        return {
            "rule": computed
        }, f"{computed['id']} ({computed['category']}): {computed['because']}\nSource: {computed['source']}"
    if rule is None:
        ids = rule_ids(ruleset)
        message = f"no rule with id {quoted(rule_id)}; rule ids are named in a decision's reasons and exclusions"
        raise ToolFailure([Problem("rule_id", message, nearest(rule_id, ids))])
    effect = f"excludes {', '.join(rule.targets)}" if rule.effect == "exclude" else f"scores {', '.join(rule.targets)}"
    text = f"{rule.id} ({rule.category}) {effect}: {rule.because}\nSource: {rule.source}"
    return {"rule": rule.to_dict()}, text


def _list_targets(arguments: dict[str, Any], ruleset: Ruleset) -> Answer:
    targets = [
        {
            "id": target.id,
            "name": target.name,
            "family": target.family,
            "platform": target.platform,
            "simplicity": target.simplicity,
            "docs": target.docs,
            "description": target.description,
        }
        for target in ruleset.targets
    ]
    text = "\n".join(f"{target.id}: {target.name} ({target.platform})" for target in ruleset.targets)
    return {"targets": targets}, text


def _price_book(arguments: dict[str, Any], ruleset: Ruleset) -> Answer:
    region = arguments.get("region", "us-east-1")
    book = ruleset.pricing.get(region) if isinstance(region, str) else None
    if book is None:
        raise ToolFailure([unknown_choice("region", region, sorted(ruleset.pricing))])
    fargate = book.fargate.linux_x86_64 if book.fargate is not None else None
    key_prices: dict[str, float | None] = {
        "lambda_requests_usd_per_million": book.lambda_.request.usd,
        "lambda_x86_64_usd_per_gb_second": book.lambda_.duration["x86_64"].tiers[0].usd,
        "lambda_arm64_usd_per_gb_second": book.lambda_.duration["arm64"].tiers[0].usd,
        "fargate_linux_x86_64_usd_per_vcpu_hour": fargate.vcpu_hour.usd if fargate is not None else None,
        "fargate_linux_x86_64_usd_per_gb_hour": fargate.gb_hour.usd if fargate is not None else None,
        "eks_control_plane_usd_per_hour": book.eks.control_plane_hour.usd,
        "eks_extended_support_usd_per_hour": book.eks.extended_support_control_plane_hour.usd,
        "alb_usd_per_hour": book.load_balancers.alb_hour.usd if book.load_balancers is not None else None,
        "ecs_managed_instances_fee_fraction": book.managed_instances.fee_fraction.fraction,
    }
    floored = {name for name in key_prices if _KEY_PATHS[name] in book.floors}  # another region's figure, a floor

    def said(name: str, value: float | None) -> str:
        if value is None:
            return f"{name} no price in this region"
        return f"{name} {value:g}" + (" (another region's price, as a floor)" if name in floored else "")

    text = f"{book.region} prices as of {book.as_of} ({book.currency}): " + ", ".join(
        said(name, value) for name, value in key_prices.items()
    )
    floors = {name: book.floors[_KEY_PATHS[name]] for name in sorted(floored)}
    structured = {
        "region": book.region,
        "as_of": book.as_of,
        "key_prices": key_prices,
        "floors": floors,
        "book": book.summary(),
    }
    return structured, text


#: The price book path each key price is read from, for the floors it may be (``PriceBook.floors``).
_KEY_PATHS = {
    "lambda_requests_usd_per_million": "lambda",
    "lambda_x86_64_usd_per_gb_second": "lambda",
    "lambda_arm64_usd_per_gb_second": "lambda",
    "fargate_linux_x86_64_usd_per_vcpu_hour": "fargate",
    "fargate_linux_x86_64_usd_per_gb_hour": "fargate",
    "eks_control_plane_usd_per_hour": "eks",
    "eks_extended_support_usd_per_hour": "eks",
    "alb_usd_per_hour": "load_balancers",
    "ecs_managed_instances_fee_fraction": "managed_instances",
}


HANDLERS: dict[str, Callable[[dict[str, Any], Ruleset], Answer]] = {
    "recommend": _recommend,
    "review": _review,
    "explain_rule": _explain_rule,
    "list_targets": _list_targets,
    "price_book": _price_book,
}


def error_result(error: DeciderError) -> types.CallToolResult:
    """A tool error a model can act on: each problem's field, what is wrong (the value and what is allowed) and the
    nearest valid name, as text and as data."""
    problems = [
        {"field": problem.location, "message": problem.message, "did_you_mean": problem.suggestion}
        for problem in error.problems
    ]
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=str(error))],
        structured_content={"error": error.headline, "problems": problems},
        is_error=True,
    )


#: The arguments of the tools that take named ones (recommend and review check theirs as workloads and reviews are
#: checked): any other is a tool error naming the nearest, as the tools' input schemas allow no other.
ARGUMENTS: Mapping[str, tuple[str, ...]] = {"explain_rule": ("rule_id",), "list_targets": (), "price_book": ("region",)}


def call(name: str, arguments: dict[str, Any], ruleset: Ruleset) -> types.CallToolResult:
    """Run one tool; decider's errors become tool errors, never a traceback."""
    handler = HANDLERS.get(name)
    try:
        if handler is None:
            raise ToolFailure([unknown_choice("name", name, list(HANDLERS), noun="tool")])
        allowed = ARGUMENTS.get(name)
        unknown = [key for key in arguments if allowed is not None and key not in allowed]
        if unknown:
            raise ToolFailure(
                [
                    unknown_choice(str(key), key, allowed, noun="argument")
                    if allowed
                    else Problem(str(key), f"unknown argument {quoted(key)}; {name} takes no arguments")
                    for key in unknown
                ]
            )
        structured, text = handler(arguments, ruleset)
    except DeciderError as error:
        return error_result(error)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=structured)


def _takes(name: str) -> str:
    """What a tool's arguments object holds, for a message about arguments that are not an object."""
    if name == "recommend":
        return f"the workload's sections: {', '.join(Workload.model_fields)}"
    if name == "review":
        return "workloads, or files"
    allowed = ARGUMENTS.get(name)
    return f"{name}'s arguments: {', '.join(allowed)}" if allowed else f"{{}}: {name} takes no arguments"


def call_problems(params: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with a ``tools/call``'s params that the SDK would refuse with a bare -32602 ("Invalid request
    parameters", no detail): no tool name or one that is not text, arguments that are not an object."""
    name, given = params.get("name"), params.get("arguments")
    if given is None or isinstance(given, Mapping):
        return [] if isinstance(name, str) else [_no_tool(name)]
    known = isinstance(name, str) and name in HANDLERS
    takes = _takes(name) if isinstance(name, str) and known else "the tool's arguments"
    wrong = Problem("arguments", f"must be an object ({takes}), got {json_type(given)}")
    return [wrong] if known else [_no_tool(name), wrong]


def _no_tool(name: object) -> Problem:
    if name is None:
        return Problem("name", f"give the tool to call; tools: {', '.join(HANDLERS)}")
    return unknown_choice("name", name, list(HANDLERS), noun="tool")


async def _checked_calls(ctx: ServerRequestContext[Any], call_next: CallNext) -> HandlerResult:
    """Server middleware: a ``tools/call`` whose params the SDK would refuse without saying why is answered with a
    tool error naming the param, as every other bad argument is."""
    if ctx.method == "tools/call" and isinstance(ctx.params, Mapping):
        problems = call_problems(ctx.params)
        if problems:  # answered here, so in the wire form of the session's protocol version, as the SDK shapes it
            result = error_result(ToolFailure(problems)).model_dump(mode="json", by_alias=True, exclude_none=True)
            return serialize_server_result(ctx.method, ctx.protocol_version, result)
    return await call_next(ctx)


def build_server(rules: Rules) -> Server[Any]:
    """The MCP server; ``rules`` gives the rule set in service at each call (the API's may be reloaded)."""

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools(rules()))

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        ruleset = rules()
        # The engine is synchronous and quick (milliseconds); a worker thread keeps the event loop free anyway.
        return await anyio.to_thread.run_sync(call, params.name, dict(params.arguments or {}), ruleset)

    server: Server[Any] = Server(
        NAME,
        version=decider.__version__,
        title="decider: compute choice on AWS",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
    server.middleware.append(_checked_calls)
    return server


async def serve_stdio(server: Server[Any]) -> None:
    """Serve ``server`` over this process's stdin and stdout until the client closes them."""
    pending = Pending()
    lines = StrictLines(stdin_lines(), pending)
    async with stdio_server(stdin=lines) as (read, write):  # type: ignore[arg-type]  # it reads lines, as a file
        # Frames are read strictly, as /mcp reads a body; a frame refused or unreadable is answered with a JSON-RPC
        # error, not dropped; every request read is answered before the server stops (decider/mcp_stdio.py).
        counting = Counting(write, pending)
        await server.run(Answering(read, counting, lines, pending), counting, server.create_initialization_options())


def define_command(parser: argparse.ArgumentParser) -> None:
    """``decider mcp``: its options and handler (the CLI imports this module only for this command)."""
    from decider.cli.arguments import add_rules_option

    parser.description = "Serve decider's tools (recommend, review, explain_rule, …) to an MCP client over stdio."
    add_rules_option(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from decider.cli.arguments import EXIT_OK, ruleset_from

    ruleset = ruleset_from(args)  # bad rules stop here, exit 2, before any client connects
    anyio.run(serve_stdio, build_server(lambda: ruleset))
    return EXIT_OK
