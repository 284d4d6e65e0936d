"""Invariants an eighth property audit checked, kept here where it found them broken:

- a target kept out by its own limits and with every capacity mode kept out as well lists both, and a change that
  lifts only its own limits is not said to let it in;
- a crossing's counterfactual names the nearest volume that changes the answer, also where the scores barely move
  for decades, and when a later crossing finds a nearer one;
- the search tries the cold-run rule's own way in (a shorter start), not a longest run past 15 minutes.
"""

from __future__ import annotations

from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.advice import ranked_with
from decider.flip import Grid

COLD_RUN = "modes.lambda-on-demand-cold-run-past-15-minutes"
BURSTS = "modes.lambda-managed-instances-bursts"
PRIVILEGED_EVENT_JOB: dict[str, Any] = {
    "runtime": {"max_duration_s": 800, "startup_s": 120},
    "traffic": {"pattern": "event", "requests_per_month": 10_000},
    "control": {"privileged": True},
}


def test_a_target_kept_out_by_its_limits_and_every_mode_lists_both(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(PRIVILEGED_EVENT_JOB), ruleset)
    [lam] = [entry for entry in decision.excluded if entry.target == "lambda"]
    assert [reason.rule for reason in lam.reasons] == ["limits.lambda-no-privileged", COLD_RUN, BURSTS]
    [said] = [text for text in decision.what_would_change if text.startswith("AWS Lambda is kept out by")]
    assert "this, with any one of the others, would let it in: control.privileged = false; others: " in said
    for item in decision.counterfactuals:
        if item.kind != "exclusion":
            continue
        applied = dict(PRIVILEGED_EVENT_JOB)
        for path, value in item.change.items():
            section, _, name = path.partition(".")
            applied[section] = {**applied.get(section, {}), name: value}
        ranked = {entry.target for entry in decide(parse_workload(applied), ruleset, advice=False).ranking}
        freed = item.message.partition(" no longer excluded")[0] if "no longer excluded" in item.message else ""
        for target in ("lambda", "ecs-fargate"):
            if ruleset.target(target).name in freed:
                assert target in ranked, item.message  # a target said to be let in is let in


def test_privileged_mode_alone_does_not_let_lambda_in(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(PRIVILEGED_EVENT_JOB), ruleset)
    [alone] = [item for item in decision.counterfactuals if item.change == {"control.privileged": False}]
    assert "AWS Lambda" not in alone.message.partition(" no longer excluded")[0]  # every mode of it still kept out
    assert alone.message.startswith(
        "With control.privileged false (now true), Amazon ECS on AWS Fargate is no longer excluded"
    )


def test_the_cold_run_is_fixed_by_a_shorter_start(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"max_duration_s": 800, "startup_s": 120},
        "traffic": {"pattern": "event", "requests_per_month": 100, "protocols": ["queue"]},
        "preferences": {"optimize_for": "cost"},
    }
    decision = decide(parse_workload(raw), ruleset)
    [start] = [item for item in decision.counterfactuals if "runtime.startup_s" in item.change]
    assert start.kind == "exclusion"
    assert start.recommendation == "lambda"
    assert float(start.change["runtime.startup_s"]) + 800 <= 900  # the cold run within 15 minutes
    assert not any("runtime.max_duration_s" in item.change for item in decision.counterfactuals)


def test_a_crossing_names_the_nearest_volume_where_scores_barely_move(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"max_duration_s": 0.547, "memory_mb": 700, "ephemeral_storage_gb": 7.02, "startup_s": 1.14},
        "traffic": {"requests_per_month": 2590, "payload_mb": 0.009, "protocols": ["http"], "latency_slo_ms": 213},
        "team": {"kubernetes_experience": "expert", "ops_capacity": "high", "current_platform": "none"},
        "preferences": {"optimize_for": "control", "spot_ok": True, "free_tier": True},
    }
    parsed = parse_workload(raw)
    assert parsed.given is not None
    decision = decide(parsed, ruleset)
    [crossing] = [item for item in decision.counterfactuals if item.kind == "cost-crossing"]
    volume = float(crossing.change["traffic.requests_per_month"])
    grid = Grid(rising=True)
    nearer = grid.volume(grid.number(volume) - 1)
    at = ranked_with(parsed.given, ruleset, {"traffic.requests_per_month": volume})
    short = ranked_with(parsed.given, ruleset, {"traffic.requests_per_month": nearer})
    assert at is not None
    assert short is not None
    assert at.recommendation == crossing.recommendation
    assert short.recommendation == decision.recommendation  # a step nearer keeps today's answer
