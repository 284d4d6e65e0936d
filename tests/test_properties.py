"""Properties of decide() over the whole workload contract, with workloads generated from workload.py's bounds."""

from __future__ import annotations

import typing
from typing import Any

import annotated_types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from decider import Decision, Ruleset, decide, load_ruleset, parse_workload
from decider.workload import Control, Preferences, Runtime, Team, Traffic

SHIPPED = load_ruleset()
#: Loaded separately, to show a decision does not depend on which loaded copy of the same rules made it.
SHIPPED_AGAIN = load_ruleset()
LAMBDA_MAX_DURATION_S = 900
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bounds(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The numeric bounds a workload field declares, as keyword arguments for a hypothesis strategy."""
    limits: dict[str, Any] = {}
    for item in model.model_fields[name].metadata:
        if isinstance(item, annotated_types.Ge):
            limits["min_value"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            limits["min_value"] = item.gt
            limits["exclude_min"] = True
        elif isinstance(item, annotated_types.Le):
            limits["max_value"] = item.le
        elif isinstance(item, annotated_types.Lt):
            limits["max_value"] = item.lt
            limits["exclude_max"] = True
    return limits


def _number(model: type[BaseModel], name: str, typical: tuple[float, float]) -> st.SearchStrategy[float]:
    """Mostly values in a typical range, sometimes anywhere within the field's bounds (edges included)."""
    limits = _bounds(model, name)
    low = max(typical[0], limits.get("min_value", typical[0]))
    anywhere = st.floats(allow_nan=False, allow_infinity=False, **limits)
    return st.one_of(st.floats(min_value=low, max_value=typical[1], exclude_min=low == 0), anywhere)


def _integer(model: type[BaseModel], name: str, typical: tuple[int, int]) -> st.SearchStrategy[int]:
    limits = _bounds(model, name)
    low, high = int(limits["min_value"]), int(limits["max_value"])
    return st.one_of(st.integers(max(low, typical[0]), min(high, typical[1])), st.integers(low, high))


def _choices(model: type[BaseModel], name: str) -> st.SearchStrategy[str]:
    annotation = model.model_fields[name].annotation
    literal = next(
        arg for arg in (annotation, *typing.get_args(annotation)) if typing.get_origin(arg) is typing.Literal
    )
    return st.sampled_from(typing.get_args(literal))


def _protocols() -> st.SearchStrategy[list[str]]:
    inner = typing.get_args(typing.get_args(Traffic.model_fields["protocols"].annotation)[0])[0]
    return st.lists(st.sampled_from(typing.get_args(inner)), min_size=1, max_size=3, unique=True)


def _section(required: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A section with any subset of its fields given: the rest take their defaults."""
    return st.fixed_dictionaries({}, optional=required)


RUNTIME = _section(
    {
        "max_duration_s": _number(Runtime, "max_duration_s", (0.01, 7200)),
        "avg_duration_ms": _number(Runtime, "avg_duration_ms", (1, 600_000)),
        "memory_mb": _integer(Runtime, "memory_mb", (128, 65_536)),
        "vcpu": _number(Runtime, "vcpu", (0.25, 64)),
        "gpu": _integer(Runtime, "gpu", (0, 2)),
        "ephemeral_storage_gb": _number(Runtime, "ephemeral_storage_gb", (0, 300)),
        "artifact_mb": _number(Runtime, "artifact_mb", (0, 12_000)),
        "architecture": _choices(Runtime, "architecture"),
        "os": _choices(Runtime, "os"),
        "startup_s": _number(Runtime, "startup_s", (0, 30)),
        "long_running": st.booleans(),
        "concurrency_per_copy": _integer(Runtime, "concurrency_per_copy", (1, 100)),
    }
)
TRAFFIC = _section(
    {
        "pattern": _choices(Traffic, "pattern"),
        "requests_per_month": _number(Traffic, "requests_per_month", (0, 5e9)),
        "peak_rps": _number(Traffic, "peak_rps", (0, 50_000)),
        "payload_mb": _number(Traffic, "payload_mb", (0, 300)),
        "connections": _number(Traffic, "connections", (0, 100_000)),
        "protocols": _protocols(),
        "latency_slo_ms": _number(Traffic, "latency_slo_ms", (1, 5_000)),
    }
)
CONTROL = _section(
    {
        **{name: st.booleans() for name, field in Control.model_fields.items() if field.annotation is bool},
        "instance_types": st.lists(st.sampled_from(["p4d", "g5", "c7gn", "m7i", "x2iedn"]), max_size=2, unique=True),
    }
)
TEAM = _section(
    {
        **{name: _choices(Team, name) for name in ("kubernetes_experience", "ops_capacity", "current_platform")},
        "new_cluster": st.booleans(),
    }
)
PREFERENCES = _section(
    {
        "optimize_for": _choices(Preferences, "optimize_for"),
        "commitment": _choices(Preferences, "commitment"),
        "spot_ok": st.booleans(),
        "free_tier": st.booleans(),
        # Only regions with a price book are valid; another region is refused with a did-you-mean.
        "region": st.sampled_from(sorted(SHIPPED.pricing) or ["us-east-1"]),
    }
)
WORKLOADS = st.fixed_dictionaries(
    {},
    optional={
        # printable text: a control character in a name is refused (tests/test_property_audit_fourth.py)
        "name": st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40),
        "runtime": RUNTIME,
        "traffic": TRAFFIC,
        "control": CONTROL,
        "team": TEAM,
        "preferences": PREFERENCES,
    },
)


def _decide(raw: dict[str, Any], ruleset: Ruleset = SHIPPED) -> Decision:
    return decide(parse_workload(raw), ruleset, advice=False)  # the advice search is tested in tests/test_advice.py


def _with(raw: dict[str, Any], section: str, **fields: Any) -> dict[str, Any]:
    return {**raw, section: {**raw.get(section, {}), **fields}}


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_every_valid_workload_gets_a_decision(raw: dict[str, Any]) -> None:
    decision = _decide(raw)
    ranked = {entry.target for entry in decision.ranking}
    excluded = {entry.target for entry in decision.excluded}
    assert ranked | excluded == set(SHIPPED.target_ids)
    assert not ranked & excluded
    assert decision.summary
    assert decision.ruleset.digest == SHIPPED.digest


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_decisions_are_deterministic(raw: dict[str, Any]) -> None:
    first = _decide(raw).model_dump_json()
    assert _decide(raw).model_dump_json() == first
    assert _decide(raw, SHIPPED_AGAIN).model_dump_json() == first


@PROPERTY_SETTINGS
@given(
    WORKLOADS,
    st.floats(
        min_value=LAMBDA_MAX_DURATION_S, max_value=_bounds(Runtime, "max_duration_s")["max_value"], exclude_min=True
    ),
)
def test_work_longer_than_fifteen_minutes_excludes_lambda(raw: dict[str, Any], max_duration_s: float) -> None:
    decision = _decide(_with(raw, "runtime", max_duration_s=max_duration_s))
    excluded = {entry.target: {reason.rule for reason in entry.reasons} for entry in decision.excluded}
    assert "limits.lambda-max-duration" in excluded["lambda"]
    assert "lambda" not in {entry.target for entry in decision.ranking}


@PROPERTY_SETTINGS
@given(WORKLOADS, st.integers(min_value=1, max_value=_bounds(Runtime, "gpu")["max_value"]))
def test_needing_a_gpu_excludes_lambda_and_fargate(raw: dict[str, Any], gpu: int) -> None:
    decision = _decide(_with(raw, "runtime", gpu=gpu))
    excluded = {entry.target for entry in decision.excluded}
    assert {"lambda", "ecs-fargate"} <= excluded
    assert decision.recommendation not in ("lambda", "ecs-fargate")


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_ranking_is_sorted_by_score_then_simplicity(raw: dict[str, Any]) -> None:
    decision = _decide(raw)
    keys = [(-entry.score, SHIPPED.target(entry.target).simplicity) for entry in decision.ranking]
    assert keys == sorted(keys)


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_every_reason_names_a_rule_and_carries_its_source(raw: dict[str, Any]) -> None:
    decision = _decide(raw)
    cost_score = SHIPPED.cost_model.score if SHIPPED.cost_model is not None else None
    cited = [(r.rule, r.category, r.source) for entry in decision.ranking for r in entry.reasons]
    cited += [(r.rule, r.category, r.source) for entry in decision.excluded for r in entry.reasons]
    for rule_id, category, source in cited:
        # An exclusion's headroom criterion is named after its rule: <rule id>.headroom, with the rule's source.
        rule = SHIPPED.rule(rule_id.removesuffix(".headroom"))
        if rule_id.endswith(".headroom"):
            assert rule is not None, f"{rule_id} names no rule"
            assert rule.headroom is not None, f"{rule_id} names an exclusion without headroom"
        if rule is None:
            # The cost model's computed score is the one reason that is not a YAML rule; it cites its own source.
            assert cost_score is not None, f"{rule_id} is not a rule of the ruleset"
            assert rule_id == cost_score.rule
            assert source == cost_score.source
            continue
        assert source == rule.source
        assert category == rule.category
    for entry in decision.excluded:
        assert entry.reasons, f"{entry.target} is excluded without a reason"
        for reason in entry.reasons:
            rule = SHIPPED.rule(reason.rule)
            assert rule is not None
            assert rule.effect == "exclude"
            assert entry.target in rule.targets


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_cost_is_scored_by_the_bill_where_there_is_one(raw: dict[str, Any]) -> None:
    """Cost is scored per target: a target with a bill by the criterion from the bills and by no rule that stands in
    for cost; a target without one by those rules and not the bills' criterion (one target losing its bill moves its
    own score alone, property audit 24, F2). With no bill at all, a proxy that scores an eligible target scores the
    eligible target it moves most."""
    decision = _decide(raw)
    proxies = {rule.id: rule for rule in SHIPPED.rules if rule.proxy_for == "cost"}
    cited = {entry.target: {reason.rule for reason in entry.reasons} for entry in decision.ranking}
    billed = {entry.target for entry in decision.ranking if entry.monthly_cost is not None}
    for target, rules in cited.items():
        if target in billed:
            assert not proxies.keys() & rules, (target, cited)
        else:
            assert "cost.relative-monthly-cost" not in rules, (target, cited)
    if billed:
        return
    for rule_id in set().union(*cited.values()) & proxies.keys():
        # Where it scores some eligible target it scores the one it moves most (smaller points may round to 0.0).
        impacts = {target: points for target, points in proxies[rule_id].impacts.items() if target in cited}
        most = max(impacts, key=lambda target: abs(impacts[target]))
        assert rule_id in cited[most], (rule_id, most, cited)


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_recommendation_is_null_exactly_when_nothing_is_eligible(raw: dict[str, Any]) -> None:
    decision = _decide(raw)
    if decision.ranking:
        assert decision.recommendation == decision.ranking[0].target
    else:
        assert decision.recommendation is None
        assert len(decision.excluded) == len(SHIPPED.target_ids)


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_scores_lie_in_0_to_100_and_are_the_sum_of_their_reasons(raw: dict[str, Any]) -> None:
    decision = _decide(raw)
    for entry in decision.ranking:
        assert 0.0 <= entry.score <= 100.0
        total = SHIPPED.base_score + sum(reason.impact for reason in entry.reasons)
        assert abs(entry.score - min(100.0, max(0.0, total))) < 0.051 * max(1, len(entry.reasons))


@PROPERTY_SETTINGS
@given(WORKLOADS)
def test_optimising_for_cost_picks_the_cheapest_or_names_what_outweighs_it(raw: dict[str, Any]) -> None:
    decision = _decide(_with(raw, "preferences", optimize_for="cost"))
    priced = {entry.target: entry.monthly_cost.total_usd for entry in decision.ranking if entry.monthly_cost}
    if decision.recommendation is None or decision.recommendation not in priced or len(priced) < 2:
        return
    cheapest = min(priced.values())
    if priced[decision.recommendation] <= cheapest:
        return
    # Targets whose bills tie to the cent (instance targets with nothing running bill the same fixed lines) are
    # equally the cheapest: the summary names one of them.
    tied = [entry.name for entry in decision.ranking if priced.get(entry.target) == cheapest]
    assert any(f"{name} would cost less" in decision.summary for name in tied)
    # By how many points: said there, or, when the cheapest is the runner-up, in the runner-up's sentence; or, tied
    # on points with the cheapest and placed first by the tie-break, that it ties (it does not lead it).
    runner_up = decision.ranking[1]
    scores = {entry.target: entry.score for entry in decision.ranking}
    tied_on_points = any(scores[decision.recommendation] == scores[t] for t in priced if priced[t] == cheapest)
    assert (
        "still leads it by" in decision.summary
        or (
            priced.get(runner_up.target) == cheapest
            and "still leads it" in decision.summary
            and "behind" in decision.summary
        )
        or (tied_on_points and "ties with it on points" in decision.summary)
    )


LIMIT_FIELDS = (
    ("runtime", "max_duration_s"),
    ("runtime", "ephemeral_storage_gb"),
    ("runtime", "artifact_mb"),
    ("traffic", "payload_mb"),
)


@PROPERTY_SETTINGS
@given(WORKLOADS, st.sampled_from(LIMIT_FIELDS), st.floats(0.01, 1000), st.floats(1, 50))
def test_exclusions_are_monotone_in_what_the_workload_needs(
    raw: dict[str, Any], limit: tuple[str, str], low: float, factor: float
) -> None:
    section, field = limit
    small = _decide(_with(raw, section, **{field: low}))
    large = _decide(_with(raw, section, **{field: low * factor}))
    assert {entry.target for entry in small.excluded} <= {entry.target for entry in large.excluded}
