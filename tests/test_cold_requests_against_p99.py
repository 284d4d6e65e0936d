"""Lambda's cold requests weighed against the p99 latency target they are part of, burst by burst.

``traffic.latency_slo_ms`` is a p99 target: one request in a hundred may be slower. A burst starts a Lambda
environment for each execution past those the average load keeps warm, and only that environment's first request
waits its start. So a service whose month of bursts starts fewer cold requests than 1% of its requests meets its p99
with no environment kept warm (architect audit 21, M1: checkout-api was billed $50.20 for 5 environments its p99 did
not need, against $8.40 without them). ``traffic.bursts_per_day`` says how often the load climbs to its peak; not
given, it is taken as 24 and said. The environments assumed are the lesser of the share whose cold request misses the
target and the share past what the p99 absorbs (decider/defaults_said.py ``budget_share``), and the cold-start rules
weigh only what is left cold of that share, so a looser target never scores Lambda lower (architect audit 22, F4).

Lambda's scale-up (``derived.lambda_scale_up_s``) climbs from the environments already warm, not from none (architect
audit 22, F1: a steady function at 1,000 in flight was said to take 15 s to reach 1,500).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from decider import Decision, Ruleset, decide, parse_workload
from decider.defaults_said import DAYS_PER_MONTH, budget_share
from decider.facts import derive

#: The README's example: 3M requests a month, a 50 rps peak, a 1 s start and 120 ms of work against a 300 ms target.
CHECKOUT: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "examples" / "checkout-api.yaml").read_text(encoding="utf-8")
)
#: Architect audit 22's payment webhook: a 1.5 s start against an 800 ms target, 2M requests, 40 rps at the peak.
WEBHOOK: dict[str, Any] = {
    "name": "payment-webhook",
    "runtime": {"avg_duration_ms": 150, "max_duration_s": 3, "memory_mb": 512, "startup_s": 1.5},
    "traffic": {
        "pattern": "spiky",
        "requests_per_month": 2_000_000,
        "peak_rps": 40,
        "protocols": ["http"],
        "latency_slo_ms": 800,
    },
}
#: Architect audit 22's steady IoT endpoint: about 1,000 executions in flight on average, 1,500 at the peak.
IOT: dict[str, Any] = {
    "name": "iot-ingest-lambda-shop",
    "runtime": {"avg_duration_ms": 250, "max_duration_s": 2, "memory_mb": 512},
    "traffic": {
        "pattern": "steady",
        "requests_per_month": 10_512_000_000,
        "peak_rps": 6000,
        "protocols": ["http"],
        "payload_mb": 0.002,
    },
    "team": {"current_platform": "lambda", "ops_capacity": "low"},
    "preferences": {"optimize_for": "simplicity"},
}


def _with(base: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    return {**base, **{name: {**base.get(name, {}), **values} for name, values in sections.items()}}


def _lambda(decision: Decision) -> Any:
    return next(entry for entry in decision.ranking if entry.target == "lambda")


def _environments(raw: dict[str, Any]) -> int | None:
    value = parse_workload(raw).workload.runtime.provisioned_concurrency
    return value


def test_a_month_of_bursts_whose_cold_requests_fit_the_p99_keeps_no_environment_warm(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(CHECKOUT), ruleset)
    lam = _lambda(decision)
    assert lam.monthly_cost is not None
    assert lam.monthly_cost.total_usd == pytest.approx(8.40, abs=0.01)
    assert not any("provisioned" in line.item for line in lam.monthly_cost.lines)
    said = next(text for text in decision.assumptions if text.startswith("traffic.bursts_per_day not given"))
    # 6 in flight at the peak, 0.14 on average: about 5.9 cold requests a burst, 24 bursts a day, 730 hours
    assert "assumed 24" in said
    assert "about 4,280 cold requests a month, 0.14% of the requests, within the 1%" in said
    # the cold-start rule weighs the cold starts the p99 cannot absorb: none here
    assert not any(reason.rule == "traffic.cold-start-vs-slo" for reason in lam.reasons)


def test_bursts_given_as_assumed_decide_alike(ruleset: Ruleset) -> None:
    for raw in (CHECKOUT, WEBHOOK, _with(WEBHOOK, traffic={"peak_rps": 400})):
        assumed = decide(parse_workload(raw), ruleset)
        given = decide(parse_workload(_with(raw, traffic={"bursts_per_day": 24})), ruleset)
        assert given.ranking == assumed.ranking
        assert not any(text.startswith("traffic.bursts_per_day") for text in given.assumptions)


def test_more_bursts_a_day_keep_no_fewer_environments_and_never_lower_lambdas_bill(ruleset: Ruleset) -> None:
    raw = _with(WEBHOOK, traffic={"peak_rps": 400})
    last_environments, last_bill = -1, 0.0
    for bursts in (0.5, 2, 6, 24, 96, 400, 1440):
        changed = _with(raw, traffic={"bursts_per_day": bursts})
        environments = _environments(changed) or 0
        bill = _lambda(decide(parse_workload(changed), ruleset, advice=False)).monthly_cost.total_usd
        assert environments >= last_environments, bursts
        assert bill >= last_bill - 0.005, bursts
        last_environments, last_bill = environments, bill
    assert last_environments > 0  # a burst a minute: past the p99's budget


def test_the_budget_share_is_the_burst_past_what_the_p99_absorbs() -> None:
    # 100 executions in flight at the peak over 10 on average: 90 cold requests a burst
    requests = 10_000_000.0
    allowed = 0.01 * requests / (24 * DAYS_PER_MONTH)  # 137 a burst
    assert budget_share(24, requests, 10.0, 100.0) == 0.0  # 90 fit in 137
    assert budget_share(240, requests, 10.0, 100.0) == pytest.approx(1 - allowed / 10 / 90)
    assert budget_share(24, requests, 10.0, 10.0) == 0.0  # no burst, no cold request past the average's
    # no step: the share rises from 0 as the bursts come more often
    low = budget_share(24 * 137 / 90 * 1.0001, requests, 10.0, 100.0)
    assert 0.0 < low < 0.001


COLD_RULES = ("traffic.cold-start-vs-slo", "limits.lambda-init-past-10s", "limits.lambda-cold-wait-past-15s")


def test_a_looser_target_never_weighs_lambdas_cold_starts_more(ruleset: Ruleset) -> None:
    """Architect audit 22, F4: Lambda fell from 66.1 to 61.9 as the webhook's target loosened from 300 to 1,114 ms:
    fewer environments assumed, and the cold-start rules weighing the rest of the burst. They now weigh only what is
    left cold of the share kept warm, so Lambda's cold-start points never grow as the target loosens (its score may
    still move by the decision's scale factor, docs/rules.md, as the other targets' bills move)."""
    for raw in (WEBHOOK, _with(WEBHOOK, traffic={"requests_per_month": 20_000_000, "peak_rps": 150})):
        last_cold = -100.0
        slo = 300.0
        while slo < 1600:
            changed = _with(raw, traffic={"latency_slo_ms": slo, "bursts_per_day": 240})
            decision = decide(parse_workload(changed), ruleset, advice=False)
            lam = _lambda(decision)
            cold = sum(reason.impact for reason in lam.reasons if reason.rule in COLD_RULES)
            assert cold >= last_cold - 0.05, slo
            last_cold, slo = cold, slo * 1.05


def test_lambdas_climb_to_the_peak_starts_from_the_environments_already_warm(ruleset: Ruleset) -> None:
    """Architect audit 22, F1: 1,000 in flight on average and 1,500 at the peak climb 500 in 5 s, under the rule's
    8 s; with the peak kept warm nothing climbs. A burst from a low average still climbs."""
    cost_model = ruleset.cost_model
    steady = derive(parse_workload(IOT).workload, cost_model)
    assert steady.lambda_scale_up_s == pytest.approx(5.0, rel=0.01)
    given = derive(parse_workload(_with(IOT, runtime={"provisioned_concurrency": 1500})).workload, cost_model)
    assert given.lambda_scale_up_s == 0.0
    decision = decide(parse_workload(IOT), ruleset, advice=False)
    assert not any(reason.rule == "traffic.burst-beyond-lambda-scaling" for reason in _lambda(decision).reasons)
    spiky = _with(IOT, traffic={"pattern": "spiky", "requests_per_month": 1_000_000_000, "peak_rps": 60_000})
    burst = derive(parse_workload(spiky).workload, cost_model)
    average = 1_000_000_000 / (730 * 3600) * 0.25
    assert burst.lambda_scale_up_s == pytest.approx((15_000 - average) / 1000 * 10)
    ranked = decide(parse_workload(spiky), ruleset, advice=False)
    assert any(reason.rule == "traffic.burst-beyond-lambda-scaling" for reason in _lambda(ranked).reasons)
