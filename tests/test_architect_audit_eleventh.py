"""What an eleventh architect's review found, kept true:

- a webhook's body is a synchronous call's (6 MB through its front door), not an asynchronous invocation's 1 MB: it is
  scored as the same body on spiky requests is;
- the load warning quotes the copies the container bills are sized for, also when Lambda is recommended, and the work
  in flight as Lambda's sizing counts it;
- the webhook rule's reason does not deny a queue the workload also takes its events from.
"""

from __future__ import annotations

from typing import Any

from decider import Decision, Ruleset, decide, parse_workload

WEBHOOK_2MB: dict[str, Any] = {
    "runtime": {"max_duration_s": 3, "avg_duration_ms": 400, "memory_mb": 1024, "startup_s": 1},
    "traffic": {"pattern": "event", "requests_per_month": 1_000_000, "protocols": ["http"], "payload_mb": 2},
}


def reasons(decision: Decision, target: str) -> dict[str, float]:
    [entry] = [entry for entry in decision.ranking if entry.target == target]
    return {reason.rule: reason.impact for reason in entry.reasons}


def test_a_webhooks_body_is_not_held_to_the_asynchronous_limit(ruleset: Ruleset) -> None:
    event = decide(parse_workload(WEBHOOK_2MB), ruleset, advice=False)
    spiky = decide(parse_workload({**WEBHOOK_2MB, "traffic": {**WEBHOOK_2MB["traffic"], "pattern": "spiky"}}), ruleset)
    assert "limits.lambda-async-payload" not in reasons(event, "lambda")
    scores = {entry.target: entry.score for entry in event.ranking}
    assert scores == {entry.target: entry.score for entry in spiky.ranking}
    # Events an EventBridge rule invokes (no client waits, no queue delivers: an asynchronous invocation) keep 1 MB
    pushed = {**WEBHOOK_2MB, "traffic": {**WEBHOOK_2MB["traffic"], "protocols": ["schedule"]}}
    assert reasons(decide(parse_workload(pushed), ruleset, advice=False), "lambda")["limits.lambda-async-payload"] < 0


def test_the_load_warning_quotes_the_copies_the_container_bills_are_sized_for(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"max_duration_s": 600, "avg_duration_ms": 120_000, "memory_mb": 2048},
        "traffic": {"pattern": "event", "requests_per_month": 200_000_000, "protocols": ["queue"]},
    }
    for goal in ("balanced", "control"):  # Lambda recommended, then a container target
        decision = decide(parse_workload({**raw, "preferences": {"optimize_for": goal}}), ruleset, advice=False)
        sized = {entry.target: getattr(entry.sizing, "max_copies", None) for entry in decision.ranking}
        copies = {value for value in sized.values() if value is not None}
        assert len(copies) == 1  # every container target sized alike
        [warning] = [text for text in decision.warnings if "container copies at peak" in text]
        assert f"needs {copies.pop():,} container copies at peak" in warning, goal
        lam = [entry for entry in decision.ranking if entry.target == "lambda"]
        if lam and "units of work in flight" in warning:
            in_flight = getattr(lam[0].sizing, "peak_concurrency", None)
            assert in_flight is not None
            assert f"keeps {in_flight:,} units of work in flight" in warning


def test_events_from_a_queue_and_from_clients_are_not_told_no_queue_holds_them(ruleset: Ruleset) -> None:
    raw = {
        "runtime": {"max_duration_s": 3, "avg_duration_ms": 300, "memory_mb": 512, "startup_s": 2},
        "traffic": {"pattern": "event", "requests_per_month": 3_000_000, "protocols": ["queue", "http"]},
    }
    decision = decide(parse_workload(raw), ruleset, advice=False)
    assert "traffic.client-events-favour-lambda" in reasons(decision, "lambda")  # its clients still wait
    assert "no queue" not in decision.summary
