"""The advice search: every counterfactual is true when applied, decisive assumptions come first and are said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider import Decision, Ruleset, advice, alternatives, decide, engine, parse_workload
from decider.advice import ASSUMPTION_PATHS, BUDGET, MAX_CROSSINGS, PREFERENCES
from decider.cost.memo import PlanMemo
from decider.documents import read_file
from decider.ranking import rank
from decider.workload import SECONDS_PER_MONTH, Workload

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def _raw(path: Path) -> dict[str, Any]:
    data = read_file(path)
    return dict(data["workload"] if path.parent.name == "scenarios" else data)


def _applied(raw: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = {key: dict(value) if isinstance(value, dict) else value for key, value in raw.items()}
    for path, value in change.items():
        section, _, name = path.partition(".")
        out.setdefault(section, {})[name] = list(value) if isinstance(value, tuple) else value
    return out


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_every_counterfactual_is_true_when_applied(path: Path, ruleset: Ruleset) -> None:
    raw = _raw(path)
    decision = decide(parse_workload(raw), ruleset)
    for item in decision.counterfactuals:
        assert item.recommendation != decision.recommendation, item.message
        again = decide(parse_workload(_applied(raw, item.change)), ruleset, advice=False)
        assert again.recommendation == item.recommendation, f"{path.stem}: {item.message}"
        assert item.message in decision.what_would_change


def _api(**traffic: Any) -> dict[str, Any]:
    return {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 200, "memory_mb": 512},
        "traffic": {"pattern": "diurnal", "protocols": ["http"], **traffic},
    }


def test_a_cost_crossing_is_offered_and_verified(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(_api(requests_per_month=7_000_000)), ruleset)
    assert decision.recommendation == "lambda"
    crossings = [item for item in decision.counterfactuals if item.kind == "cost-crossing"]
    assert crossings, decision.what_would_change
    volume = crossings[0].change["traffic.requests_per_month"]
    assert volume > 7_000_000
    assert (
        decide(parse_workload(_api(requests_per_month=volume)), ruleset).recommendation == crossings[0].recommendation
    )


def test_a_decisive_default_is_listed_first_and_said_in_the_summary(ruleset: Ruleset) -> None:
    # The average duration is not given: a fifth of the 5 s limit (1 s) gives Fargate; a tenth of that, Lambda.
    raw = {
        "runtime": {"max_duration_s": 5, "memory_mb": 512},
        "traffic": {"pattern": "diurnal", "protocols": ["http"], "requests_per_month": 10_000_000},
    }
    decision: Decision = decide(parse_workload(raw), ruleset)
    assert decision.decisive_assumptions[0] == "runtime.avg_duration_ms"
    assert decision.assumptions[0].startswith("runtime.avg_duration_ms not given")
    assert "This answer assumes" in decision.summary
    assumption = next(item for item in decision.counterfactuals if item.kind == "assumption")
    assert assumption.message in decision.summary


def test_given_values_are_never_called_assumptions(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(_api(requests_per_month=7_000_000, peak_rps=10)), ruleset)
    assert "traffic.requests_per_month" not in decision.decisive_assumptions
    assert all(
        "traffic.requests_per_month" not in item.change
        for item in decision.counterfactuals
        if item.kind == "assumption"
    )


def test_the_search_is_deterministic_and_can_be_turned_off(ruleset: Ruleset) -> None:
    parsed = parse_workload(_api())
    assert decide(parsed, ruleset).model_dump_json() == decide(parsed, ruleset).model_dump_json()
    quiet = decide(parsed, ruleset, advice=False)
    assert quiet.counterfactuals == ()
    assert quiet.decisive_assumptions == ()
    assert quiet.recommendation == decide(parsed, ruleset).recommendation


def test_the_search_stops_at_its_budget(ruleset: Ruleset) -> None:
    parsed = parse_workload(_api())
    assert decide(parsed, ruleset, budget=0).counterfactuals == ()


def test_the_budget_holds_every_candidate_a_decision_can_have(ruleset: Ruleset) -> None:
    """Every candidate is tried: the budget is at least every other value of every assumption, every crossing tried,
    a fix for every target and every preference flip, so no decisive assumption goes unsaid for want of trials."""
    values = 0
    for path in ASSUMPTION_PATHS:
        choices = [choice for choice in alternatives.choices(path) if choice != "any"]
        # every other value; a number at ×0.1 and ×10; copies and environments assumed for a burst at one value each
        burst = path in ("runtime.min_copies", "runtime.provisioned_concurrency")
        values += len(choices) - 1 if choices else 1 if burst else 2
    values += 1  # a job's average run, taken as its whole longest run: also the request-driven default
    values += 1  # a job's longest run assumed within Lambda's 15 minutes: also an hour
    values += 1  # an assumed peak that a peak given would keep capacity up for, given as it is
    flips = sum(len(values_) - 1 for _, values_ in PREFERENCES)
    assert values + MAX_CROSSINGS + len(ruleset.targets) + flips <= BUDGET


SPARSE: tuple[dict[str, Any], ...] = (
    {},
    {"traffic": {"protocols": ["websocket"]}},
    {"runtime": {"max_duration_s": 7200, "memory_mb": 4096}, "control": {"privileged": True}},
    {"runtime": {"os": "windows"}},
)


@pytest.mark.parametrize("raw", [*SPARSE, *(_raw(path) for path in WORKLOADS)], ids=lambda raw: str(raw)[:40])
def test_every_candidate_is_tried(raw: dict[str, Any], ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """On workloads that give almost nothing (every default a candidate) and on every example and scenario, the search
    tries every candidate it has and leaves none untried."""
    found: list[advice.Advice] = []
    search = advice.search

    def counted(*arguments: Any, **options: Any) -> advice.Advice:
        result = search(*arguments, **options)
        found.append(result)
        return result

    monkeypatch.setattr(engine, "search", counted)
    decide(parse_workload(raw), ruleset)
    assert found[0].untried == 0
    assert found[0].tried > 0


def test_a_small_budget_counts_each_change_once(ruleset: Ruleset) -> None:
    """Tried and untried add up to the distinct changes the search has, however many targets share a fix (an arm64
    Windows workload: four targets kept out, two fixes)."""
    raw = {"runtime": {"max_duration_s": 10, "memory_mb": 2048, "os": "windows", "architecture": "arm64"}}
    parsed = parse_workload(raw)
    ranked = rank(parsed.workload, ruleset)
    whole = advice.search(parsed, ruleset, ranked, ())
    assert whole.untried == 0
    for budget in (1, 2, whole.tried - 1):
        cut = advice.search(parsed, ruleset, ranked, (), budget=budget)
        assert (cut.tried, cut.tried + cut.untried) == (budget, whole.tried)


def test_an_assumption_tried_late_is_found_decisive(ruleset: Ruleset) -> None:
    """The team's ops capacity comes near the end of the candidates; a privileged two-hour job's answer rests on it
    (with a team of low ops capacity, ECS Managed Instances), and the answer says so."""
    decision = decide(
        parse_workload({"runtime": {"max_duration_s": 7200, "memory_mb": 4096}, "control": {"privileged": True}}),
        ruleset,
    )
    assert "team.ops_capacity" in decision.decisive_assumptions
    said = [item for item in decision.counterfactuals if item.change == {"team.ops_capacity": "low"}]
    assert [item.recommendation for item in said] == ["ecs-managed-instances"]


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_an_exclusion_fix_names_every_target_it_lets_in(path: Path, ruleset: Ruleset) -> None:
    raw = _raw(path)
    decision = decide(parse_workload(raw), ruleset)
    before = {entry.target for entry in decision.excluded}
    for item in (item for item in decision.counterfactuals if item.kind == "exclusion"):
        again = decide(parse_workload(_applied(raw, item.change)), ruleset, advice=False)
        after = {entry.target for entry in again.excluded}
        freed = item.message.partition(" no longer excluded")[0].rpartition("), ")[2]
        for target in ruleset.targets:
            assert (target.name in freed) == (target.id in before - after), f"{path.stem}: {item.message}"


def test_a_fix_that_lets_in_several_targets_says_so(ruleset: Ruleset) -> None:
    raw = _raw(ROOT / "examples" / "platform-microservice.yaml")
    raw["team"] = {**raw.get("team", {}), "kubernetes_experience": "none"}
    found = decide(parse_workload(raw), ruleset).counterfactuals
    messages = [item.message for item in found if item.kind == "exclusion"]
    # The service serves gRPC alone: Lambda stays out by limits.lambda-grpc-only, whatever the Kubernetes API
    assert (
        "With control.kubernetes_api false (now true), Amazon ECS on AWS Fargate, Amazon ECS Managed Instances and "
        "Amazon ECS on EC2 are no longer excluded, and Amazon ECS on AWS Fargate would be recommended."
    ) in messages, messages


def test_a_fix_that_lets_in_the_new_answer_alone_names_it_once(ruleset: Ruleset) -> None:
    raw = _raw(ROOT / "tests" / "scenarios" / "fargate-huge-container-image.yaml")
    found = decide(parse_workload(raw), ruleset).counterfactuals
    messages = [item.message for item in found if item.kind == "exclusion"]
    assert any(
        message.startswith("With runtime.artifact_mb 10,240 (now ")
        and message.endswith("), AWS Lambda is no longer excluded and would be recommended.")
        for message in messages
    ), messages


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_no_change_tried_makes_the_average_outlast_the_longest(path: Path, ruleset: Ruleset) -> None:
    raw = _raw(path)
    decision = decide(parse_workload(raw), ruleset)
    for item in decision.counterfactuals:
        changed = parse_workload(_applied(raw, item.change)).workload
        assert _in_order(changed, raw), f"{path.stem}: {item.message}"


def _in_order(workload: Workload, raw: dict[str, Any]) -> bool:
    """The average unit of work no longer than the longest; the average rate no higher than a peak given (an assumed
    peak follows the volume, and a job's assumes runs that do not overlap)."""
    if workload.avg_duration_s > workload.max_duration_s:
        return False
    peak_given = "peak_rps" in raw.get("traffic", {})
    return not peak_given or workload.requests_per_month / SECONDS_PER_MONTH <= workload.peak_rps * (1 + 1e-9)


ONE_OF_A_PAIR: tuple[dict[str, Any], ...] = (
    {"runtime": {"max_duration_s": 600}, "traffic": {"pattern": "scheduled", "requests_per_month": 30}},
    {"runtime": {"avg_duration_ms": 2000}},
    {"runtime": {"max_duration_s": 1200, "memory_mb": 2048}, "traffic": {"peak_rps": 50}},
    {"traffic": {"requests_per_month": 3_000_000, "pattern": "spiky"}},
    {"runtime": {"max_duration_s": 2, "avg_duration_ms": 1500}, "traffic": {"peak_rps": 3, "pattern": "steady"}},
)


@pytest.mark.parametrize("raw", ONE_OF_A_PAIR, ids=lambda raw: str(raw)[:60])
def test_every_workload_tried_keeps_its_figures_in_order(
    raw: dict[str, Any], ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where one of a pair (average and longest duration, monthly volume and peak rate) is given, no trial moves the
    other past it: the search ranks no workload whose average outlasts its longest run or outpaces its peak."""
    tried: list[Workload] = []

    def recorded(workload: Workload, *arguments: Any, **options: Any) -> Any:
        tried.append(workload)
        return rank(workload, *arguments, **options)

    monkeypatch.setattr("decider.advice.rank", recorded)
    decide(parse_workload(raw), ruleset)
    assert len(tried) > 5
    for workload in tried:
        assert _in_order(workload, raw), (workload.runtime, workload.traffic)


def test_a_given_longest_duration_bounds_the_averages_tried(ruleset: Ruleset) -> None:
    # A nightly job that stops at 600 s: its assumed 600 s average is not tried at 6,000 s.
    raw = _raw(ROOT / "tests" / "scenarios" / "lambda-short-nightly-job.yaml")
    decision = decide(parse_workload(raw), ruleset)
    assert "runtime.avg_duration_ms" not in decision.decisive_assumptions
    assert not any("6,000,000 ms" in change for change in decision.what_would_change)


def test_a_fix_that_shortens_the_longest_run_shortens_a_longer_average_too(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"max_duration_s": 7200, "avg_duration_ms": 1_200_000, "memory_mb": 2048},
        "traffic": {"pattern": "batch", "requests_per_month": 30},
    }
    decision = decide(parse_workload(raw), ruleset)
    assert (
        "AWS Lambda is kept out by limits.lambda-max-duration; this would let it in: runtime.max_duration_s ≤ 900 "
        "(now 7,200). Tried: with runtime.max_duration_s 900, runtime.avg_duration_ms 900,000 it is eligible."
    ) in decision.what_would_change


#: Changes laid over a ranking's resolved workload, facts and context (``advice.on_its_own``): every preference
#: flip the search tries, the team's capacity and experience, control and network fields, the body's and the image's
#: sizes (the image's past what a task or node keeps for it, too) and every front door.
ON_THEIR_OWN_CHANGES: tuple[dict[str, Any], ...] = (
    *({path: value} for path, values in PREFERENCES for value in values),
    {"preferences.savings_plan": "ec2-instance"},
    {"team.ops_capacity": "low"},
    {"team.ops_capacity": "high"},
    {"team.kubernetes_experience": "production"},
    {"control.privileged": True},
    {"control.kubernetes_api": True, "preferences.optimize_for": "control"},
    {"network.nat_gateways": 2, "network.egress_gb_per_month": 500},
    *({"traffic.payload_mb": value} for value in (0.01, 1.0, 6.0, 20.0, 10_000.0)),
    *({"traffic.front_door": door} for door in ("http-api", "rest-api", "alb", "function-url", "none")),
    *({"runtime.artifact_mb": value} for value in (10.0, 250.0, 1_000.0, 20_000.0, 100_000.0)),
    {"runtime.artifact_mb": 30_000.0, "traffic.payload_mb": 12.0, "team.ops_capacity": "low"},
)


@pytest.mark.parametrize("path", WORKLOADS, ids=lambda path: path.stem)
def test_a_change_laid_over_the_ranking_ranks_as_resolving_it_anew(path: Path, ruleset: Ruleset) -> None:
    """The search ranks a change to fields nothing else is computed from over today's ranking (no defaults resolved
    or facts derived again): the same order, scores and bills as resolving the changed workload from scratch."""
    parsed = parse_workload(_raw(path))
    assert parsed.given is not None
    base = rank(parsed.workload, ruleset, explain=False)
    for change in ON_THEIR_OWN_CHANGES:
        assert all(advice.on_its_own(name) for name in change)
        laid = advice.ranked_with(parsed.given, ruleset, change, base=base)
        fresh = advice.ranked_with(parsed.given, ruleset, change)
        if fresh is None:
            assert laid is None
            continue
        assert laid is not None, change
        assert laid.order == fresh.order, change
        assert laid.evaluation.scores == fresh.evaluation.scores, change
        assert laid.totals == fresh.totals, change
        assert laid.facts == fresh.facts, change
        assert dict(laid.context) == dict(fresh.context), change


def test_a_list_valued_change_ranks_as_the_same_tuple(ruleset: Ruleset) -> None:
    """A Python caller may give a list field's new value as a list: it ranks as the tuple the parser gives, through
    the decision's plan memo (which keys plans by the workload), laid over today's ranking or resolved anew."""
    parsed = parse_workload({"runtime": {"memory_mb": 2048, "vcpu": 1}, "traffic": {"requests_per_month": 5_000_000}})
    assert parsed.given is not None
    base = rank(parsed.workload, ruleset, explain=False)
    as_tuple = advice.ranked_with(parsed.given, ruleset, {"control.instance_types": ("m7g",)})
    assert as_tuple is not None
    for laid in (None, base):
        as_list = advice.ranked_with(parsed.given, ruleset, {"control.instance_types": ["m7g"]}, PlanMemo(), base=laid)
        assert as_list is not None
        assert as_list.order == as_tuple.order
        assert as_list.totals == as_tuple.totals
        assert as_list.workload.control.instance_types == ("m7g",)
