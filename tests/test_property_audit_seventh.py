"""Invariants a seventh property audit checked, kept here where it found them broken:

- a target every capacity mode of which a rule keeps out is excluded, by those rules, never ranked without a bill
  (Lambda on demand kept out by a cold run past 15 minutes, Lambda Managed Instances by event bursts); any one mode's
  fix lets it in, and the search tries each;
- every ranked target has a bill or says why it has none (``no_price``), also when its every mode is kept out or not
  priced;
- the load warning stands alone: it says what needs the copies and names the inputs they come from, given or assumed;
- several warnings are prefaced once ("Check before acting: …"), not once each.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from decider import Ruleset, decide, load_ruleset, parse_workload
from tests.conftest import SHIPPED_RULES_DIR, write_yaml
from tests.test_properties import PROPERTY_SETTINGS, SHIPPED, WORKLOADS

COLD_RUN = "modes.lambda-on-demand-cold-run-past-15-minutes"
BURSTS = "modes.lambda-managed-instances-bursts"

#: An event-driven job of 800 s whose function starts in 120 s: a cold run takes 920 s.
EVENT_JOB: dict[str, Any] = {
    "runtime": {"max_duration_s": 800, "startup_s": 120},
    "traffic": {"pattern": "event", "requests_per_month": 100},
    "preferences": {"optimize_for": "cost"},
}


def test_a_target_with_every_mode_kept_out_is_excluded_by_those_rules(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(EVENT_JOB), ruleset)
    assert "lambda" not in [entry.target for entry in decision.ranking]
    [lam] = [entry for entry in decision.excluded if entry.target == "lambda"]
    assert [reason.rule for reason in lam.reasons] == [COLD_RUN, BURSTS]  # the modes in the target's order
    assert all(reason.message and reason.source.startswith("https://") for reason in lam.reasons)
    assert decision.recommendation == "ecs-fargate"
    [kept_out] = [text for text in decision.what_would_change if text.startswith("AWS Lambda is kept out by")]
    assert "any one of these would let it in" in kept_out  # one mode's way in is enough
    # A shorter start is one way in, verified by the search (its counterfactual says it lets Lambda in)
    [start] = [item for item in decision.counterfactuals if "runtime.startup_s" in item.change]
    assert start.kind == "exclusion"
    assert "AWS Lambda is no longer excluded" in start.message


def test_each_modes_fix_is_tried_on_its_own(ruleset: Ruleset) -> None:
    # A start of 10 s lets Lambda on demand in (920 s → 810 s) while events still keep Managed Instances out.
    shorter = decide(parse_workload({**EVENT_JOB, "runtime": {"max_duration_s": 800, "startup_s": 10}}), ruleset)
    assert "lambda" in [entry.target for entry in shorter.ranking]
    steady = decide(parse_workload({**EVENT_JOB, "traffic": {"pattern": "steady", "requests_per_month": 100}}), ruleset)
    [lam] = [entry for entry in steady.ranking if entry.target == "lambda"]
    assert lam.sizing is not None
    assert lam.sizing.mode == "managed-instances"  # on demand still kept out by its cold run


def test_a_ranked_target_without_a_priced_mode_says_why(tmp_path: Path) -> None:
    """Lambda on demand kept out (a cold run of 920 s), Managed Instances allowed (steady traffic) but not priced (a
    book without mode prices): Lambda is ranked, with no bill, and says why."""
    base = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES_DIR, base)
    book = yaml.safe_load((base / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8"))
    del book["modes"]
    write_yaml(base / "pricing" / "us-east-1.yaml", book)
    raw = {**EVENT_JOB, "traffic": {"pattern": "steady", "requests_per_month": 100}}
    decision = decide(parse_workload(raw), load_ruleset(rules_dir=base), advice=False)
    [lam] = [entry for entry in decision.ranking if entry.target == "lambda"]
    assert lam.monthly_cost is None
    assert lam.no_price is not None
    assert lam.no_price.startswith("no capacity mode of it can be priced: ")
    assert f"Lambda on demand kept out by {COLD_RUN}" in lam.no_price
    assert "Lambda Managed Instances not priced (the us-east-1 price book has no price for it" in lam.no_price


@settings(PROPERTY_SETTINGS, max_examples=80)
@given(
    WORKLOADS,
    st.floats(min_value=10.5, max_value=300),
    st.floats(min_value=600, max_value=900),
    st.sampled_from(["event", "spiky", "steady"]),
)
def test_every_ranked_target_has_a_bill_or_says_why(
    raw: dict[str, Any], startup_s: float, longest: float, pattern: str
) -> None:
    # Steered to long starts and runs and to bursts, where Lambda's modes are kept out one by one or all together
    raw = {**raw, "runtime": {**raw.get("runtime", {}), "startup_s": startup_s, "max_duration_s": longest}}
    raw["runtime"].pop("avg_duration_ms", None)
    raw["traffic"] = {**raw.get("traffic", {}), "pattern": pattern}
    decision = decide(parse_workload(raw), SHIPPED, advice=False)
    for entry in decision.ranking:
        assert (entry.monthly_cost is None) == (entry.no_price is not None), entry.target


def test_the_load_warning_names_what_needs_the_copies_and_the_inputs_given(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {
            "avg_duration_ms": 2000,
            "max_duration_s": 5,
            "memory_mb": 512,
            "vcpu": 0.25,
            "concurrency_per_copy": 1,
        },
        "traffic": {"pattern": "steady", "requests_per_month": 2_000_000_000, "peak_rps": 1500},
        "control": {"privileged": True},  # keeps Lambda out: its concurrency quota is not the matter
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    [warning] = [text for text in decision.warnings if "container copies at peak" in text]
    assert warning == (
        "The load as described needs 4,286 container copies at peak (over 1,000). It comes from traffic.peak_rps, "
        "runtime.avg_duration_ms, runtime.concurrency_per_copy as given: check them."
    )


def test_several_warnings_are_prefaced_once(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"avg_duration_ms": 5000, "max_duration_s": 1, "memory_mb": 512},  # the average past the longest
        "traffic": {"pattern": "steady", "peak_rps": 5000, "requests_per_month": 1e9},  # 35,715 copies at peak
        "control": {"privileged": True},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    # the average past the longest, a steady peak at 13× its average, the copies at peak
    assert len(decision.warnings) == 3
    every = " ".join(decision.warnings)
    assert decision.summary.startswith(f"Check before acting: {every} Recommended: ")
    assert decision.summary.count("Check before acting") == 1
