"""``decider review`` over the whole IaC fixture tree, in every format, and ``decider adr`` for one of its workloads:
focused assertions on what a reader relies on — every workload found where it is defined, its verdict and targets,
JSON and SARIF that agree, a Markdown comment a CI bot can find, counts and costs that add up, and a decision record
that says what the review says. ``tests/test_review_golden.py`` keeps a small golden of the text formats.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from decider.render.comment import GITHUB_COMMENT_LIMIT_CHARS
from decider.render.review import RUN_TIME_HINT
from decider.review_notes import unknown_traffic_reasons
from tests.test_review_golden import IAC, REPO_ROOT, SAM, SAM_WORKLOADS, USAGE, render, sam_usage

REVIEW = ["review", IAC, "--usage", USAGE]
ADR_DATE = "2026-11-27"
ECS_SERVICES = f"{IAC}/cloudformation/ecs-services.json"
FUNCTIONS = f"{IAC}/cloudformation/functions.yaml"
TASK_DEFINITION = f"{IAC}/ecs/worker-taskdef.json"
APPS = f"{IAC}/kubernetes/apps.yaml"
GPU_OPERATOR = f"{IAC}/kubernetes/gpu-operator.yaml"
WORKLOAD_LIST = f"{IAC}/workloads/list.json"
WORKLOAD_SERVICES = f"{IAC}/workloads/services.yaml"

#: Every workload in the fixtures: where it is defined, and its verdict, where it runs now (the target, or the
#: platform when the source names no precise target) and the recommended target. ``None``: runs nowhere decider ranks;
#: ``unknown``: the usage file gives no traffic for it, so no verdict rests on decider's default volume (nor, for a
#: job, on decider's default run of 1 s: the usage file gives NightlyExportTask its run time, not queue-worker).
EXPECTED: dict[str, tuple[str, int, str | None, str, str]] = {
    "WebService": (ECS_SERVICES, 21, "keep", "ecs-fargate", "ecs-fargate"),
    "AgentService": (ECS_SERVICES, 42, "unknown", "ecs-ec2", "ecs-ec2"),
    "InferenceService": (ECS_SERVICES, 67, "unknown", "ecs-managed-instances", "ecs-managed-instances"),
    "StreamIngest": (FUNCTIONS, 10, "keep", "lambda", "lambda"),
    "NightlyExportTask": (FUNCTIONS, 29, "keep", "ecs-fargate", "ecs-fargate"),
    "queue-worker": (TASK_DEFINITION, 1, "unknown", "ecs-ec2", "lambda"),
    # On the team's existing EKS cluster: its pods take a share of the nodes, and the platform work is paid already.
    "storefront": (APPS, 2, "keep", "eks", "eks"),
    "search-index": (APPS, 31, "unknown", "eks", "lambda"),
    "log-agent": (APPS, 50, "unknown", "eks", "eks"),
    # A Job runs each time it is applied, and nothing says how often: its traffic is not known
    "db-migrate": (APPS, 67, "unknown", "eks", "lambda"),
    "nightly-report": (APPS, 82, "consider", "eks", "lambda"),
    "model-server": (GPU_OPERATOR, 16, "unknown", "eks", "eks"),
    "CheckoutFunction": (SAM, 21, "keep", "lambda", "lambda"),
    "OrderConsumer": (SAM, 38, "keep", "lambda", "lambda"),
    "ReportBuilder": (SAM, 54, "move", "lambda", "ecs-fargate"),
    "ImageResizer": (SAM, 67, "unknown", "lambda", "lambda"),
    "session-store": (WORKLOAD_LIST, 2, "keep", "ecs", "ecs-fargate"),
    "new-idea": (WORKLOAD_LIST, 4, None, "none", "lambda"),
    "pdf-renderer": (WORKLOAD_SERVICES, 2, "keep", "lambda", "lambda"),
    "legacy-batch": (WORKLOAD_SERVICES, 7, None, "ec2", "ecs-fargate"),
}
SKIPPED = {
    f"{IAC}/other/docker-compose.yml": "not read (format: Docker Compose)",
    # an unrendered Helm template is not YAML: skipped with what to do, not reported as a file that does not parse
    f"{IAC}/other/chart/templates/deployment.yaml": "not read: Helm chart template: render it with `helm template`",
}
#: What a CI bot looks for to find and update its one comment.
MARKER = "<!-- decider-review -->"
WORST_FIRST = {"move": 0, "consider": 1, "keep": 2, "unknown": 3, None: 4}
MADR_SECTIONS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "## Pros and Cons of the Options",
    "## Assumptions",
    "## Links",
]


@pytest.fixture(scope="module")
def review() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(render([*REVIEW, "--format", "json"]))
    return parsed


@pytest.fixture(scope="module")
def workloads(review: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in review["workloads"]}


@pytest.fixture(scope="module")
def sarif() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(render([*REVIEW, "--format", "sarif"]))
    return parsed


@pytest.fixture(scope="module")
def markdown() -> str:
    return render([*REVIEW, "--format", "markdown"])


@pytest.fixture(scope="module")
def table() -> str:
    return render(REVIEW)


@pytest.fixture(scope="module")
def adr() -> str:
    return render(["adr", SAM, "--name", "ReportBuilder", "--usage", USAGE, "--date", ADR_DATE])


def current(entry: dict[str, Any]) -> str:
    """Where a workload runs now, as every format shows it: the precise target, else the platform, with the capacity
    mode it runs in when the source says ("lambda (on-demand)")."""
    where = target_now(entry)
    return f"{where} ({entry['current_mode']})" if entry["current_mode"] else where


def target_now(entry: dict[str, Any]) -> str:
    """The precise target it runs on now, else the platform (SARIF's ``current`` property; the mode is its own)."""
    return str(entry["current_target"] or entry["current_platform"])


def usd(text: str) -> float | None:
    return None if text == "n/a" else float(text.removeprefix("$").replace(",", ""))


def cost_of(ranked: dict[str, Any]) -> float | None:
    return ranked["monthly_cost"]["total_usd"] if ranked["monthly_cost"] is not None else None


def worst_first(review: dict[str, Any], *, unknown: bool = True, action_only: bool = False) -> list[str]:
    """The workloads worst verdict first; the Markdown comment details only what needs action (move, consider)."""
    listed = [
        entry
        for entry in review["workloads"]
        if (unknown or entry["verdict"] != "unknown") and (not action_only or entry["verdict"] in ("move", "consider"))
    ]
    return [entry["name"] for entry in sorted(listed, key=lambda entry: WORST_FIRST[entry["verdict"]])]


def run_time_unknown(entry: dict[str, Any]) -> bool:
    """An unknown job whose run time nothing said: its reason says so."""
    return entry["verdict"] == "unknown" and "Run time not known: " in entry["why"]


def headline(review: dict[str, Any]) -> str:
    """The counts; the unknowns' cause names the run time when some unknown is a job whose run time is not known."""
    summary = review["summary"]
    cause = "traffic or run time" if any(map(run_time_unknown, review["workloads"])) else "traffic"
    return (
        f"{summary['workloads']} workloads: {summary['keep']} keep, {summary['consider']} consider, "
        f"{summary['move']} move, {summary['unknown']} unknown ({cause} not known), "
        f"{summary['no_verdict']} not deployed on a ranked target"
    )


# --- what the review finds and decides ---------------------------------------------------------------------------


def test_every_fixture_workload_is_found_once_at_its_file_and_line(review: dict[str, Any]) -> None:
    names = [entry["name"] for entry in review["workloads"]]
    assert len(names) == len(set(names)), "a workload is listed twice"
    found = {entry["name"]: (entry["source"]["file"], entry["source"]["line"]) for entry in review["workloads"]}
    assert found == {name: (file, line) for name, (file, line, *_) in EXPECTED.items()}


def test_every_fixture_file_is_reviewed_or_skipped_with_its_reason(review: dict[str, Any]) -> None:
    files = {path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / IAC).rglob("*") if path.is_file()}
    reviewed = {entry["source"]["file"] for entry in review["workloads"]}
    skipped = {entry["file"]: entry["reason"] for entry in review["skipped"]}
    assert USAGE not in reviewed | set(skipped), "the usage file is read as usage, not searched for workloads"
    assert reviewed | set(skipped) == files - {USAGE}
    assert set(skipped) == set(SKIPPED)
    for file, reason in skipped.items():
        assert reason.startswith(SKIPPED[file]), (file, reason)


def test_each_workload_gets_its_verdict_current_and_recommended_target(review: dict[str, Any]) -> None:
    verdicts = {
        entry["name"]: (entry["verdict"], target_now(entry), entry["decision"]["recommendation"])
        for entry in review["workloads"]
    }
    assert verdicts == {name: tuple(expected[2:]) for name, expected in EXPECTED.items()}


def test_report_builder_must_move_because_lambda_stops_at_15_minutes(workloads: dict[str, dict[str, Any]]) -> None:
    report = workloads["ReportBuilder"]  # the usage file says it takes 40 minutes
    assert report["verdict"] == "move"
    assert report["rules"] == ["limits.lambda-max-duration"]
    assert [excluded["target"] for excluded in report["decision"]["excluded"]] == ["lambda"]
    assert "lambda" not in {ranked["target"] for ranked in report["decision"]["ranking"]}
    assert "2,400 s" in report["why"]


def test_a_job_is_priced_on_the_run_time_the_usage_file_gives_and_unknown_without_one(
    workloads: dict[str, dict[str, Any]],
) -> None:
    export = workloads["NightlyExportTask"]  # a scheduled task: the usage file says a run takes ten minutes
    assert export["verdict"] == "keep"
    assert export["monthly_cost_now_usd"] is not None
    assert {"runtime.max_duration_s", "runtime.avg_duration_ms"} <= {item["field"] for item in export["fields_read"]}
    # a task with no port and no run time in the usage file: each run would be priced as decider's default of 1 s
    assert [name for name, entry in workloads.items() if run_time_unknown(entry)] == ["queue-worker"]
    asked = "e.g. `queue-worker: {runtime: {max_duration_s: 1800, avg_duration_ms: 600000}}`"
    assert asked in workloads["queue-worker"]["why"]


def test_verdicts_follow_from_the_ranking_the_margin_and_the_costs(review: dict[str, Any]) -> None:
    margin = review["summary"]["keep_margin_points"]
    for entry in review["workloads"]:
        decision = entry["decision"]
        ranked = {item["target"]: item for item in decision["ranking"]}
        best = decision["ranking"][0]
        assert decision["recommendation"] == best["target"], entry["name"]
        blank = entry["verdict"] == "unknown"  # no dollar figure rests on assumed traffic
        assert entry["monthly_cost_recommended_usd"] == (None if blank else cost_of(best)), entry["name"]
        if entry["verdict"] in ("keep", "consider"):
            compared = ranked[entry["compared_target"]]
            assert entry["score_gap"] == round(best["score"] - compared["score"], 1), entry["name"]
            assert entry["monthly_cost_now_usd"] == cost_of(compared), entry["name"]
        if entry["verdict"] == "keep":
            assert entry["score_gap"] <= margin, entry["name"]
            assert entry["rules"] == [], entry["name"]
        elif entry["verdict"] == "consider":
            assert entry["score_gap"] > margin, entry["name"]
            assert entry["compared_target"] != best["target"], entry["name"]
            assert entry["rules"], f"{entry['name']}: a consider names the rules behind it"
        elif entry["verdict"] == "move":
            assert entry["compared_target"] is None, entry["name"]
            assert entry["current_target"] in {item["target"] for item in decision["excluded"]}, entry["name"]
            assert entry["monthly_cost_now_usd"] is None, entry["name"]
        elif entry["verdict"] == "unknown":
            # No gap and no dollar figure rest on traffic decider had to assume.
            assert entry["why"].startswith(("Traffic not known: add it to", "Run time not known: add it to")), entry
            assert entry["score_gap"] is None, entry["name"]
            assert entry["monthly_cost_now_usd"] is None, entry["name"]
        else:
            assert entry["current_platform"] in ("none", "ec2"), entry["name"]
            assert entry["score_gap"] is None, entry["name"]
            assert entry["monthly_cost_now_usd"] is None, entry["name"]


def test_the_summary_counts_and_costs_add_up(review: dict[str, Any]) -> None:
    summary = review["summary"]
    verdicts = Counter(entry["verdict"] for entry in review["workloads"])
    assert summary["workloads"] == len(review["workloads"]) == len(EXPECTED)
    counts = (summary["keep"], summary["consider"], summary["move"], summary["unknown"], summary["no_verdict"])
    assert counts == (verdicts["keep"], verdicts["consider"], verdicts["move"], verdicts["unknown"], verdicts[None])
    assert sum(counts) == summary["workloads"]
    assert counts == (8, 1, 1, 8, 2)
    costed = [entry for entry in review["workloads"] if entry["monthly_cost_now_usd"] is not None]
    assert summary["costed_workloads"] == len(costed) == 9  # every keep, consider and move
    assert summary["monthly_cost_now_usd"] == pytest.approx(sum(entry["monthly_cost_now_usd"] for entry in costed))
    after = [
        entry["monthly_cost_now_usd" if entry["verdict"] == "keep" else "monthly_cost_recommended_usd"]
        for entry in costed
    ]
    # A workload moved off the shared EKS cluster leaves its share of the control plane behind: the kept EKS
    # workloads still run on the cluster, so the cost after following the verdicts still pays for it whole.
    left = [
        line["usd"]
        for entry in costed
        if entry["verdict"] in ("consider", "move")
        for ranked in entry["decision"]["ranking"]
        if ranked["target"] == entry["compared_target"]
        for line in ranked["monthly_cost"]["lines"]
        if line["item"].startswith("EKS control plane $")
    ]
    assert left, "the fixture moves a workload off the shared cluster"
    assert any(entry["verdict"] == "keep" and entry["current_platform"] == "eks" for entry in costed)
    assert summary["monthly_cost_recommended_usd"] == pytest.approx(sum(after) + sum(left), abs=0.01)


def test_a_workload_reviewed_alone_gets_what_it_gets_in_the_whole_tree(
    workloads: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    # The small golden reviews the SAM template alone; it stands for the whole run only if nothing leaks between files.
    alone = json.loads(render(["review", SAM, "--usage", str(sam_usage(tmp_path)), "--format", "json"]))
    assert [entry["name"] for entry in alone["workloads"]] == [
        name for name, (file, *_) in EXPECTED.items() if file == SAM
    ]
    assert sorted(SAM_WORKLOADS) == sorted(entry["name"] for entry in alone["workloads"])
    for entry in alone["workloads"]:  # the same, but for the usage file's path (a copy cut down to the SAM names)
        assert usage_path_hidden(entry) == usage_path_hidden(workloads[entry["name"]]), entry["name"]


def usage_path_hidden(entry: dict[str, Any]) -> dict[str, Any]:
    fields = [{**field, "file": "usage file"} if field["line"] is None else field for field in entry["fields_read"]]
    return {**entry, "fields_read": fields}


def test_the_json_echoes_the_fields_read_with_their_file_and_line_and_those_assumed(
    workloads: dict[str, dict[str, Any]],
) -> None:
    checkout = workloads["CheckoutFunction"]
    read = {field["field"]: field for field in checkout["fields_read"]}
    assert read["runtime.memory_mb"] == {"field": "runtime.memory_mb", "value": 512, "file": SAM, "line": 21}
    assert read["traffic.requests_per_month"]["file"] == USAGE, "a usage file value is credited to the usage file"
    assert read["traffic.requests_per_month"]["line"] is None
    assumed = {field["field"] for field in checkout["fields_assumed"]}
    assert not assumed & set(read), "a field is either read or assumed"
    assert set(checkout["decisive_assumptions"]) <= assumed


# --- SARIF --------------------------------------------------------------------------------------------------------


def test_sarif_has_one_result_per_consider_or_move_at_its_file_and_line(
    review: dict[str, Any], sarif: dict[str, Any]
) -> None:
    flagged = [entry for entry in review["workloads"] if entry["verdict"] in ("consider", "move")]
    expected = {
        (entry["source"]["file"], entry["source"]["line"]): (
            entry["name"],
            {"consider": "warning", "move": "error"}[entry["verdict"]],
            entry["verdict"],
            target_now(entry),
            entry["decision"]["recommendation"],
            entry["current_mode"],
            entry["rules"][0],
            entry["rules"],
        )
        for entry in flagged
    }
    results = sarif["runs"][0]["results"]
    located = {
        (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
        ): (
            result["message"]["text"].split(" (", 1)[0],
            result["level"],
            result["properties"]["verdict"],
            result["properties"]["current"],
            result["properties"]["recommended"],
            result["properties"].get("current_mode"),
            result["ruleId"],
            result["properties"]["rules"],
        )
        for result in results
    }
    assert len(results) == len(located) == len(flagged) == 2
    assert located == expected


def test_sarif_results_point_at_their_rule_descriptors(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(dict.fromkeys(result["ruleId"] for result in run["results"]))
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {rule["id"]: rule.get("defaultConfiguration", {}).get("level") for rule in rules}
    assert levels["limits.lambda-max-duration"] == "error"


# --- Markdown (the pull-request comment) ---------------------------------------------------------------------------


def test_markdown_opens_with_the_marker_and_the_counts(review: dict[str, Any], markdown: str) -> None:
    lines = markdown.splitlines()
    assert lines[0] == MARKER
    assert lines[1] == f"### decider review: {headline(review)}"
    assert len(markdown) < GITHUB_COMMENT_LIMIT_CHARS
    assert "Truncated" not in markdown
    assert f"<sub>Skipped {len(review['skipped'])} file(s) or module call(s) decider does not read.</sub>" in lines
    ruleset = review["workloads"][0]["decision"]["ruleset"]
    assert lines[-1].startswith(f"<sub>keep margin 5 points · ruleset {ruleset['version']} `{ruleset['digest'][:19]}`")


def test_markdown_lists_each_workload_worst_first_with_its_verdict_and_costs(
    review: dict[str, Any], workloads: dict[str, dict[str, Any]], markdown: str
) -> None:
    rows = [line for line in markdown.splitlines() if line.startswith("| **")]
    assert [row.split("**")[1] for row in rows] == worst_first(review, unknown=False, action_only=True)
    cause = " or run time" if any(map(run_time_unknown, review["workloads"])) else ""
    for verdict, counted in (("keep", "keep**"), ("unknown", f"with unknown traffic{cause}**")):
        others = [entry for entry in review["workloads"] if entry["verdict"] == verdict]
        assert f"**{len(others)} {counted}" in markdown
        for entry in others:  # named with their file, not tabled; a job whose run time is not known says so
            named = f"- {entry['name']} (<code>{entry['source']['file']}:{entry['source']['line']}</code>)"
            assert (f"{named}: {RUN_TIME_HINT}" if run_time_unknown(entry) else named) in markdown
    for row in rows:
        name, where, targets, verdict, _gap, costs, rests_on = (cell.strip() for cell in row.strip("|").split("|"))
        entry = workloads[name.strip("*")]
        assert where == f"<code>{entry['source']['file']}:{entry['source']['line']}</code>"
        assert (targets, verdict) == (
            f"{current(entry)} → {entry['decision']['recommendation']}",
            f"**{entry['verdict'] or '—'}**",
        )
        assert rests_on == (", ".join(f"`{path}`" for path in entry["decisive_assumptions"]) or "—")
        assert [usd(cost) for cost in costs.split(" → ")] == [
            entry["monthly_cost_now_usd"],
            entry["monthly_cost_recommended_usd"],
        ]


def test_markdown_details_each_workload_at_its_file_and_line(review: dict[str, Any], markdown: str) -> None:
    blocks = markdown.split("<details><summary><b>")[1:]
    assert [block.split("</b>", 1)[0] for block in blocks] == worst_first(review, unknown=False, action_only=True)
    detailed = sorted(
        (entry for entry in review["workloads"] if entry["verdict"] in ("move", "consider")),
        key=lambda e: WORST_FIRST[e["verdict"]],
    )
    for block, entry in zip(blocks, detailed, strict=True):
        where = f"<code>{entry['source']['file']}:{entry['source']['line']}</code>"
        assert f"{where} — {entry['why']}" in block, entry["name"]
        assert "</details>" in block
    report = next(block for block in blocks if block.startswith("ReportBuilder</b>"))
    assert "- ✗ lambda: [`limits.lambda-max-duration`](https://" in report


# --- terminal table ------------------------------------------------------------------------------------------------


def test_table_rows_say_verdict_targets_gap_costs_and_source(
    review: dict[str, Any], workloads: dict[str, dict[str, Any]], table: str
) -> None:
    lines = table.splitlines()
    assert lines[0] == f"decider review: {headline(review)}"
    columns = ["verdict", "workload", "current", "recommended", "gap", "cost now", "cost rec.", "source"]
    assert re.split(r" {2,}", lines[2]) == columns
    body = lines[3 : lines.index("", 3)]
    rows = [re.split(r" {2,}", line) for line in body if not line.startswith(" ")]
    assert [row[1] for row in rows] == worst_first(review)
    for row in rows:
        verdict, name, now, recommended, gap, cost_now, cost_recommended, source = row
        entry = workloads[name]
        # an unknown verdict's ranking rests on default traffic: the row names no recommendation
        shown = "—" if entry["verdict"] == "unknown" else entry["decision"]["recommendation"]
        assert (verdict, now, recommended, source) == (
            entry["verdict"] or "—",
            current(entry),
            shown,
            f"{entry['source']['file']}:{entry['source']['line']}",
        )
        assert (None if gap == "—" else float(gap)) == entry["score_gap"], name
        assert (usd(cost_now), usd(cost_recommended)) == (
            entry["monthly_cost_now_usd"],
            entry["monthly_cost_recommended_usd"],
        ), name
    whys = [line.strip() for line in body if line.startswith("    ")]
    # Under a move or consider its reason; under an unknown what in the source left its traffic unknown, if anything,
    # and for a job whose run time is not known where to give it
    assert whys == [
        workloads[name]["why"] if workloads[name]["verdict"] in ("consider", "move") else reason
        for name in worst_first(review)
        if workloads[name]["verdict"] in ("consider", "move")
        or (
            reason := " ".join(
                [
                    *unknown_traffic_reasons(workloads[name]["source_assumptions"]),
                    *([f"{RUN_TIME_HINT}."] if run_time_unknown(workloads[name]) else []),
                ]
            )
        )
    ]


def test_table_ends_with_the_costs_the_skipped_files_and_the_margin(review: dict[str, Any], table: str) -> None:
    summary = review["summary"]
    assert (
        f"Monthly cost now ${summary['monthly_cost_now_usd']:,.2f}, after following the verdicts "
        f"${summary['monthly_cost_recommended_usd']:,.2f} ({summary['costed_workloads']} of {summary['workloads']} "
        "workloads priced)."
    ) in table.splitlines()
    for skipped in review["skipped"]:
        assert f"  {skipped['file']}: {skipped['reason']}" in table.splitlines()
    assert table.endswith("\nkeep margin 5 points\n")


# --- decision record -----------------------------------------------------------------------------------------------


def test_adr_has_the_madr_sections_in_order(adr: str) -> None:
    positions = [adr.index(f"\n{section}\n") for section in MADR_SECTIONS]
    assert positions == sorted(positions)
    assert f"* Status: proposed\n* Date: {ADR_DATE}\n" in adr


def test_adr_names_the_recommended_target_and_its_cost_as_in_the_review(
    workloads: dict[str, dict[str, Any]], adr: str
) -> None:
    report = workloads["ReportBuilder"]
    best = report["decision"]["ranking"][0]
    assert best["target"] == report["decision"]["recommendation"] == "ecs-fargate"
    assert adr.startswith(f"# Run ReportBuilder on {best['name']}\n")
    outcome = adr.split("## Decision Outcome\n", 1)[1].split("\n## ", 1)[0]
    assert f'Chosen option: "{best["name"]}"' in outcome
    # The cheapest option priced: its bill is a reason for it, as the summary says
    assert (
        f"* Good, because it is the cheapest option, about ${report['monthly_cost_recommended_usd']:,.2f} a month"
        in outcome
    )
    assert f"The workload is defined in `{SAM}:{report['source']['line']}`." in adr
    ruleset = report["decision"]["ruleset"]
    assert f"ruleset {ruleset['version']} (`{ruleset['digest'][:19]}`)" in adr


def test_adr_considers_every_option_with_the_review_scores_and_costs(
    workloads: dict[str, dict[str, Any]], adr: str
) -> None:
    decision = workloads["ReportBuilder"]["decision"]
    options = adr.split("## Considered Options\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\* (.+) \(`([a-z0-9-]+)`\): score ([\d.]+), about \$([\d,.]+) a month$", options, re.M)
    assert [(name, target, float(score), usd(f"${cost}")) for name, target, score, cost in listed] == [
        (ranked["name"], ranked["target"], ranked["score"], cost_of(ranked)) for ranked in decision["ranking"]
    ]
    assert "* AWS Lambda (`lambda`): excluded by a hard limit" in options
    links = adr.split("## Links\n", 1)[1]
    assert "[`limits.lambda-max-duration`](https://docs.aws.amazon.com/lambda/" in links
