"""Verdicts (keep, consider, move), the summary, the review renderers and ``decider review`` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from decider.alternatives import alternatives
from decider.cli import main
from decider.errors import WorkloadError
from decider.render.comment import GITHUB_COMMENT_LIMIT_CHARS, MARKER, to_markdown
from decider.render.review import to_table
from decider.review import (
    Review,
    ReviewRequestItem,
    parse_review_request,
    review_imported,
    review_request,
)
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload
from decider.workload import parse_workload

REPO_ROOT = Path(__file__).resolve().parent.parent
IAC = "tests/fixtures/iac"
USAGE = f"{IAC}/usage.yaml"


def item(name: str, workload: dict[str, Any], target: str | None = None, platform: str | None = None) -> Any:
    return ReviewRequestItem(name=name, workload=workload, current_target=target, current_platform=platform)


def one(
    ruleset: Ruleset,
    workload: dict[str, Any],
    target: str | None = None,
    platform: str | None = None,
    margin: float = 5.0,
) -> Any:
    return review_request([item("w", workload, target, platform)], ruleset, margin).workloads[0]


# Traffic is given: a review gives a verdict only on evidence (with the volume left to decider's default it says
# "unknown", tests/test_review_real.py). Small rules: lambda 60, ecs-fargate 52, the rest 50.
SPIKY = {"traffic": {"pattern": "spiky", "requests_per_month": 1_000_000}}


# --- verdicts over the small rule set ---------------------------------------------------------------------------------


def test_keep_when_the_current_target_is_the_recommendation(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, SPIKY, target="lambda")
    assert (reviewed.verdict, reviewed.compared_target, reviewed.score_gap) == ("keep", "lambda", 0)
    assert reviewed.why == "AWS Lambda is the recommendation (score 60)."
    assert reviewed.current_platform == "lambda"  # taken from the target and passed to the engine


def test_consider_when_clearly_behind_names_the_gap_and_the_leading_rule(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, SPIKY, target="ecs-fargate")
    assert reviewed.verdict == "consider"
    assert reviewed.score_gap == 8
    assert reviewed.rules == ("traffic.spiky",)
    assert reviewed.why.startswith("AWS Lambda scores 8 points higher than Amazon ECS on AWS Fargate (60 against 52)")


def test_keep_within_the_margin_and_consider_beyond_it(small_ruleset: Ruleset) -> None:
    # a run time given: a job's verdict rests on it (with none it is "unknown", tests/test_review_job_run_time.py)
    run = {"max_duration_s": 600, "avg_duration_ms": 300_000}
    batch = {"runtime": run, "traffic": {"pattern": "batch", "requests_per_month": 30}}  # eks 53, the rest 50
    assert one(small_ruleset, batch, target="lambda").verdict == "keep"
    assert "within 5 points" in one(small_ruleset, batch, target="lambda").why
    assert one(small_ruleset, batch, target="lambda", margin=2).verdict == "consider"


def test_move_when_a_hard_limit_excludes_the_current_target(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, {"runtime": {"max_duration_s": 2400}, **SPIKY}, target="lambda")
    assert reviewed.verdict == "move"
    assert reviewed.rules == ("limits.lambda-long",)
    assert "(limits.lambda-long). Move to Amazon ECS on AWS Fargate (score 52)." in reviewed.why
    assert reviewed.compared_target is None
    assert reviewed.monthly_cost_now_usd is None


def test_move_when_nothing_fits_says_so(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, {"runtime": {"memory_mb": 2_000_000}}, target="eks")
    assert reviewed.verdict == "move"
    assert reviewed.why.endswith("No target can run it as described.")


def test_a_platform_without_a_precise_target_compares_its_best_placed_target(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, {**SPIKY, "control": {"sidecars": True}}, platform="ecs")  # fargate 58, lambda 60
    assert (reviewed.verdict, reviewed.compared_target) == ("keep", "ecs-fargate")
    assert "the best-placed Amazon ECS option" in reviewed.why
    gpu = one(small_ruleset, {"runtime": {"gpu": 1}, "traffic": {"requests_per_month": 1_000_000}}, platform="ecs")
    assert (gpu.verdict, gpu.compared_target) == ("keep", "ecs-managed-instances")


def test_no_verdict_for_workloads_that_run_nowhere_decider_ranks(small_ruleset: Ruleset) -> None:
    assert one(small_ruleset, SPIKY).verdict is None
    legacy = one(small_ruleset, SPIKY, platform="ec2")
    assert legacy.verdict is None
    assert "plain EC2" in legacy.why


def test_summary_counts_and_gate(small_ruleset: Ruleset) -> None:
    review = review_request(
        [
            item("a", SPIKY, "lambda"),
            item("b", SPIKY, "ecs-fargate"),
            item("c", {"runtime": {"max_duration_s": 2400}}, "lambda"),
            item("d", SPIKY),
        ],
        small_ruleset,
    )
    summary = review.summary
    assert (summary.workloads, summary.keep, summary.consider, summary.move, summary.no_verdict) == (4, 1, 1, 1, 1)
    assert summary.monthly_cost_now_usd is None  # the small rule set has no price book
    assert review.tripped_by("move") == 1
    assert review.tripped_by("consider") == 2
    assert review.tripped_by(None) == 0


def test_costs_say_how_much_in_dollars_and_the_summary_adds_them_up(ruleset: Ruleset) -> None:
    review = review_request(
        [
            item(
                "steady",
                {"traffic": {"pattern": "steady", "peak_rps": 50}, "runtime": {"avg_duration_ms": 200}},
                "lambda",
            ),
            item("spiky", {"traffic": {"pattern": "spiky", "requests_per_month": 100000}}, "lambda"),
        ],
        ruleset,
    )
    considered = [entry for entry in review.workloads if entry.verdict == "consider"]
    assert considered, "a busy steady service on Lambda should be worth considering a move"
    entry = considered[0]
    assert entry.monthly_cost_now_usd is not None
    assert entry.monthly_cost_recommended_usd is not None
    assert f"${abs(entry.monthly_cost_now_usd - entry.monthly_cost_recommended_usd):,.2f} a month" in entry.why
    summary = review.summary
    assert summary.costed_workloads == 2
    expected_now = sum(item.monthly_cost_now_usd or 0 for item in review.workloads)
    expected_after = sum(
        (item.monthly_cost_now_usd if item.verdict == "keep" else item.monthly_cost_recommended_usd) or 0
        for item in review.workloads
    )
    assert summary.monthly_cost_now_usd == pytest.approx(expected_now, abs=0.01)
    assert summary.monthly_cost_recommended_usd == pytest.approx(expected_after, abs=0.01)


def test_import_assumptions_come_first_in_the_decision(small_ruleset: Ruleset) -> None:
    imported = ImportedWorkload(
        "Fn",
        "t.yaml",
        3,
        "AWS::Lambda::Function",
        raw={"team": {"current_platform": "lambda"}},
        runs_as="function",
        assumptions=["Fn: Timeout is Ref T, not a literal"],
    )
    review = review_imported([imported], small_ruleset)
    assert review.workloads[0].decision.assumptions[0] == "Fn: Timeout is Ref T, not a literal"
    assert review.workloads[0].source.model_dump() == {"file": "t.yaml", "line": 3}


def test_invalid_imported_workloads_are_reported_together_with_file_and_line(small_ruleset: Ruleset) -> None:
    bad = [
        ImportedWorkload("A", "a.yaml", 4, "workload", raw={"runtime": {"memroy_mb": 1}}),
        ImportedWorkload("B", "b.yaml", 9, "workload", raw={"traffic": {"pattern": "spikey"}}),
    ]
    with pytest.raises(WorkloadError) as caught:
        review_imported(bad, small_ruleset)
    assert [str(problem) for problem in caught.value.problems] == [
        "a.yaml:4 A: runtime.memroy_mb: unknown field; valid fields here: architecture, artifact_mb, avg_duration_ms, "
        "concurrency_per_copy, connections_per_copy, ephemeral_storage_gb, gpu, long_running, max_duration_s, "
        "memory_mb, min_copies, os, provisioned_concurrency, startup_s, vcpu (did you mean 'memory_mb'?)",
        "b.yaml:9 B: traffic.pattern: 'spikey' is not allowed; choose one of steady, diurnal, spiky, scheduled, "
        "event, batch (did you mean 'spiky'?)",
    ]


# --- the request body (API) -----------------------------------------------------------------------------------------


def test_review_request_problems_name_the_item_index() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_review_request(
            {
                "workloads": [
                    {"name": "ok", "current_target": "lambda"},
                    {"name": "", "current_platform": "ecss", "workload": {"runtime": {"memroy_mb": 1}}},
                    {"name": "x", "current_target": "lambda", "current_platform": "eks", "extra": 1},
                    "not an object",
                    {"name": "y", "workload": None},
                ]
            }
        )
    located = [(problem.location, problem.suggestion) for problem in caught.value.problems]
    assert located == [
        ("workloads[1].name", None),
        ("workloads[1].current_platform", "ecs"),
        ("workloads[1].workload.runtime.memroy_mb", "memory_mb"),
        ("workloads[2].extra", None),
        ("workloads[3]", None),
        ("workloads[4].workload", None),
    ]


def test_a_review_item_carries_its_workload_validated_and_placed_where_it_runs(small_ruleset: Ruleset) -> None:
    [parsed] = parse_review_request({"workloads": [{"name": "a", "current_target": "ecs-fargate", "workload": SPIKY}]})
    assert parsed.workload == parse_workload(SPIKY)
    # The target's platform comes from the rule set (targets.yaml) when the item is reviewed.
    reviewed = review_request([parsed], small_ruleset).workloads[0]
    assert reviewed.current_platform == "ecs"
    assert reviewed.decision.assumptions == parse_workload({**SPIKY, "team": {"current_platform": "ecs"}}).assumptions
    [platform_only] = parse_review_request({"workloads": [{"name": "b", "current_platform": "eks"}]})
    assert platform_only.workload.workload.team.current_platform == "eks"


def test_review_request_reviews_the_parsed_items_without_parsing_again(
    small_ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = parse_review_request({"workloads": [{"name": "a", "current_target": "lambda", "workload": SPIKY}]})
    monkeypatch.setattr("decider.review.parse_workload", None)  # calling it would fail
    monkeypatch.setattr("decider.review_request.validate_workload", None)
    assert review_request(items, small_ruleset).workloads[0].verdict == "keep"


def test_review_request_items_hold_json_types_only_when_asked() -> None:
    body = {"workloads": [{"name": "a", "workload": {"runtime": {"long_running": 0}}}]}
    assert parse_review_request(body)[0].workload.workload.runtime.long_running is False
    with pytest.raises(WorkloadError) as caught:
        parse_review_request(body, strict_json=True)
    assert [p.location for p in caught.value.problems] == ["workloads[0].workload.runtime.long_running"]


def test_review_request_item_problems_keep_their_words() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_review_request(
            {
                "workloads": [
                    {"nme": "x", "current_target": ["eks"], "workload": 5},
                    [],
                ],
                "workloadz": 1,
            }
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "workloadz: unknown field; valid fields here: workloads (did you mean 'workloads'?)",
        "workloads[0].nme: unknown field; valid fields here: name, current_platform, current_target, current_mode, "
        "workload (did you mean 'name'?)",
        "workloads[0].name: give a name of 1 to 200 characters, got nothing",
        'workloads[0].current_target: ["eks"] is not allowed; choose one of lambda, ecs-fargate, '
        "ecs-managed-instances, ecs-ec2, eks (did you mean 'eks'?)",
        "workloads[0].workload: must be an object (a workload), got number",
        "workloads[1]: must be an object with name and workload, got array",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the body must be an object"),
        ({"workload": []}, "missing: give a list"),
        ({"workloads": []}, "give 1 to 1000 workloads, got 0"),
        ({"workloads": [{"name": "a"}] * 1001}, "give 1 to 1000 workloads, got 1001"),
    ],
)
def test_review_request_shape_and_bounds(body: Any, message: str) -> None:
    with pytest.raises(WorkloadError, match=message):
        parse_review_request(body)


# --- renderers ------------------------------------------------------------------------------------------------------


def many(small_ruleset: Ruleset, count: int) -> Review:
    items = [item(f"service-{index:04d}", SPIKY, "ecs-fargate") for index in range(count)]
    return review_request(items, small_ruleset)


def test_markdown_has_the_marker_a_summary_table_and_details(small_ruleset: Ruleset) -> None:
    text = to_markdown(many(small_ruleset, 3))
    assert text.startswith(MARKER + "\n")
    assert "### decider review: 3 workloads: 0 keep, 3 consider, 0 move" in text
    assert "#### Needs action: 0 move, 3 consider" in text
    assert "| **service-0000** | <code>—</code> | ecs-fargate → lambda | **consider** | 8 | n/a → n/a |" in text
    assert text.count("<details>") == 3
    assert text.count("</details>") == 3
    assert "Truncated" not in text


def test_markdown_stays_under_the_comment_limit_and_says_what_it_left_out(small_ruleset: Ruleset) -> None:
    review = many(small_ruleset, 600)
    text = to_markdown(review)
    assert len(text) <= GITHUB_COMMENT_LIMIT_CHARS
    assert "**Truncated:**" in text
    assert "details of" in text
    assert text.count("<details>") == text.count("</details>")  # never cut inside a block
    small = to_markdown(review, limit_chars=3000)
    assert len(small) <= 3000
    assert "more workloads are not in the table" in small


def test_markdown_leads_with_what_needs_action_and_counts_the_keeps_at_scale(small_ruleset: Ruleset) -> None:
    keeps = [item(f"fine-{index:03d}", SPIKY, "lambda") for index in range(520)]
    review = review_request([*keeps, item("long", {"runtime": {"max_duration_s": 2400}}, "lambda")], small_ruleset)
    assert review.summary.keep == 520
    text = to_markdown(review)
    assert text.index("#### Needs action: 1 move, 0 consider") < text.index("**520 keep**")
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert [row.split("**")[1] for row in rows] == ["long"], "only what needs action is a row"
    assert text.count("- fine-") == 50
    assert "- … and 470 more (`--format json` lists them all)" in text
    assert len(text) < 12_000, "500 keeps are a count and a folded list, not 500 rows and blocks"


def test_table_lists_worst_first_with_the_reason(small_ruleset: Ruleset) -> None:
    review = review_request(
        [item("fine", SPIKY, "lambda"), item("long", {"runtime": {"max_duration_s": 2400}}, "lambda")], small_ruleset
    )
    lines = to_table(review).splitlines()
    assert lines[0] == "decider review: 2 workloads: 1 keep, 0 consider, 1 move"
    assert lines[3].split()[:2] == ["move", "long"]
    assert "limits.lambda-long" in lines[4]
    # under the move its checks (a 40-minute request behind a load balancer: the idle timeout to set), then the keep
    assert lines[5].strip().startswith("Check before acting: Requests take up to 2,400 s behind the Application")
    assert lines[6].split()[:2] == ["keep", "fine"]


def test_an_unknown_row_says_under_it_what_in_the_source_left_its_traffic_unknown(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    """A schedule that cannot be read is why the traffic is not known: the terminal table says so under the row, as it
    does a move's reason, not only the JSON and the assumptions; an unknown with no such reason gets no line."""
    from decider.sources import find_workloads

    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Tick:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.13, Handler: a.h}\n"
        "  Every5:\n    Type: AWS::Events::Rule\n"
        "    Properties: {ScheduleExpression: rate(5 minute), Targets: [{Id: t, Arn: !GetAtt Tick.Arn}]}\n"
        "  Quiet:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.13, Handler: b.h}\n",
        encoding="utf-8",
    )
    review = review_imported(find_workloads([str(tmp_path)]).workloads, ruleset)
    lines = to_table(review).splitlines()
    [tick] = [index for index, line in enumerate(lines) if line.split()[:2] == ["unknown", "Tick"]]
    assert lines[tick + 1] == (
        "    Schedule not read: 'rate(5 minute)': AWS wants the unit 'minutes' for the value 5; its runs a month are "
        "not known."
    )
    [quiet] = [index for index, line in enumerate(lines) if line.split()[:2] == ["unknown", "Quiet"]]
    assert not lines[quiet + 1].startswith("    ")


# --- decider review -------------------------------------------------------------------------------------------------


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["review", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("in_repo")
def test_review_lists_every_function_and_deployment_with_file_line_and_verdict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys,
        f"{IAC}/sam",
        f"{IAC}/kubernetes",
        f"{IAC}/workloads",
        f"{IAC}/cloudformation",
        f"{IAC}/ecs",
        "--usage",
        USAGE,
        "--format",
        "json",
    )
    assert code == 0
    review = json.loads(out)
    found = {entry["name"]: entry for entry in review["workloads"]}
    for name in ("CheckoutFunction", "OrderConsumer", "ReportBuilder", "ImageResizer", "storefront", "model-server"):
        assert found[name]["verdict"] in ("keep", "consider", "move", "unknown")
        assert found[name]["decision"]["ranking"] or found[name]["decision"]["excluded"]
    # Traffic the usage file does not give is not known: no verdict rests on decider's default volume.
    assert (found["ImageResizer"]["verdict"], found["model-server"]["verdict"]) == ("unknown", "unknown")
    # Its traffic is in the usage file, so it gets a verdict: keep, since the team runs EKS and pays its platform
    # work already (team.some-kubernetes-experience charges that work only to a new cluster).
    assert found["storefront"]["verdict"] == "keep"
    assert found["ReportBuilder"]["source"] == {"file": f"{IAC}/sam/template.yaml", "line": 54}
    assert found["storefront"]["source"] == {"file": f"{IAC}/kubernetes/apps.yaml", "line": 2}
    assert found["storefront"]["current_platform"] == "eks"
    # The usage file says the report takes 40 minutes: Lambda's 15-minute limit means move.
    assert found["ReportBuilder"]["verdict"] == "move"
    assert found["ReportBuilder"]["rules"] == ["limits.lambda-max-duration"]
    assert set(review["summary"]) >= {"workloads", "keep", "consider", "move", "monthly_cost_now_usd"}
    assert review["summary"]["workloads"] == len(review["workloads"]) == 20


@pytest.mark.usefixtures("in_repo")
def test_fail_on_gates_exit_1_and_still_writes_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, IAC, "--usage", USAGE, "--fail-on", "move")
    assert code == 1
    assert out.startswith("decider review:")
    assert err == "decider: review gate --fail-on move tripped by 1 workload(s)\n"
    assert run(capsys, IAC, "--usage", USAGE)[0] == 0
    keep_only = f"{IAC}/cloudformation/ecs-services.json"
    assert run(capsys, keep_only, "--fail-on", "move")[0] == 0
    assert run(capsys, IAC, "--usage", USAGE, "--fail-on", "consider")[0] == 1
    # Without traffic every ECS workload is "unknown": nothing for the gate to trip on.
    assert run(capsys, f"{IAC}/ecs", "--fail-on", "consider")[0] == 0


@pytest.mark.usefixtures("in_repo")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["infra-missing/"], "infra-missing/: no such file or directory"),
        ([f"{IAC}/sam", "--usage", "missing-usage.yaml"], "missing-usage.yaml: no such usage file"),
        ([f"{IAC}/sam", "--usage", USAGE], "WebService: no workload or resource of this name was found"),
        ([f"{IAC}/sam", "--keep-margin", "-1"], "--keep-margin: must be between 0 and 100 points, got -1"),
    ],
)
def test_bad_input_exits_2_with_the_problem_named(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_an_unreadable_template_is_reported_and_exits_2_only_with_strict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn: [\n")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 0  # the review went on: the file is listed with its reason
    assert "template.yaml:4: not valid YAML" in out
    assert "could not be read" in err
    code, _, err = run(capsys, str(tmp_path), "--strict")
    assert code == 2
    assert "template.yaml:4: not valid YAML" in err


def test_a_target_that_contradicts_the_platform_wins_and_is_reported(small_ruleset: Ruleset) -> None:
    reviewed = one(small_ruleset, SPIKY, target="lambda", platform="eks")
    assert (reviewed.current_platform, reviewed.verdict) == ("lambda", "keep")
    assert reviewed.source_assumptions == (
        "current_platform 'eks' contradicts current_target 'lambda': reviewed as running on lambda (lambda)",
    )
    assert reviewed.decision.assumptions[0] == reviewed.source_assumptions[0]


def test_a_job_priced_at_its_whole_timeout_says_the_verdict_rests_on_that(ruleset: Ruleset) -> None:
    """A function run every 30 minutes whose source gives only its 900 s timeout: its average run is taken as the
    whole timeout (a ceiling), and the consider that follows rests on it; the review says so. With runs of 2 s, the
    request-driven default, Lambda is within the keep margin."""
    runtime: dict[str, Any] = {"max_duration_s": 900, "memory_mb": 1024}
    traffic = {"pattern": "scheduled", "requests_per_month": 1460, "protocols": ["schedule"]}
    reviewed = one(ruleset, {"runtime": runtime, "traffic": traffic}, target="lambda")
    assert reviewed.verdict == "consider"
    assert "runtime.avg_duration_ms" in reviewed.decisive_assumptions
    assert "This verdict rests on assumptions" in reviewed.why
    short = one(ruleset, {"runtime": {**runtime, "avg_duration_ms": 2000}, "traffic": traffic}, target="lambda")
    assert short.verdict == "keep"


def test_a_decisive_assumption_is_said_once_however_many_of_its_values_change_the_verdict(ruleset: Ruleset) -> None:
    """A container job whose longest run nothing gives (its typical run, 1 s, is given: with neither its verdict is
    "unknown") is tried at ×0.1 and ×10 of the default and at an hour: when both change the verdict,
    runtime.max_duration_s is one decisive assumption, listed and said once, in the order the fields were found."""
    runtime = {"vcpu": 0.5, "memory_mb": 1024, "architecture": "arm64", "avg_duration_ms": 1000}
    traffic = {"pattern": "scheduled", "requests_per_month": 8760, "protocols": ["schedule"]}
    reviewed = one(ruleset, {"runtime": runtime, "traffic": traffic}, target="ecs-fargate")
    decisive = reviewed.decisive_assumptions
    assert "runtime.max_duration_s" in decisive
    assert len(decisive) == len(set(decisive))
    assert reviewed.why.count("runtime.max_duration_s (assumed") == 1


def test_the_short_run_is_a_plausible_average_only_for_a_job_taken_at_its_whole_run() -> None:
    job = parse_workload({"runtime": {"max_duration_s": 900}, "traffic": {"pattern": "scheduled"}}).workload
    # ×0.1, ×10 (the search drops it: longer than the longest run) and the request-driven default, 2 s
    assert alternatives("runtime.avg_duration_ms", 900_000.0, job) == [90_000.0, 9_000_000.0, 2_000.0]
    api = parse_workload({"runtime": {"max_duration_s": 900}, "traffic": {"pattern": "steady"}}).workload
    assert alternatives("runtime.avg_duration_ms", 900_000.0, api) == [90_000.0, 9_000_000.0]
