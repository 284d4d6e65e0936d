"""What a twelfth architect's review found, kept true:

- a queue worker's copies at peak, which the rules quote (the container burst rule, bin-packing), are the copies its
  bills are sized for: at the queue worker's utilisation, not a listener's.
"""

from __future__ import annotations

import re
from typing import Any

from decider import Ruleset, decide, parse_workload
from decider.decision import FargateSizing
from decider.facts import derive

BUSY_QUEUE: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 5000, "max_duration_s": 10, "memory_mb": 2048},
    "traffic": {"pattern": "event", "requests_per_month": 50_000_000, "protocols": ["queue"]},
    "preferences": {"region": "eu-west-3"},
}


def test_a_queue_workers_copies_at_peak_are_those_its_bills_are_sized_for(ruleset: Ruleset) -> None:
    decision = decide(parse_workload(BUSY_QUEUE), ruleset, advice=False)
    fargate = next(entry for entry in decision.ranking if entry.target == "ecs-fargate")
    assert isinstance(fargate.sizing, FargateSizing)
    assert ruleset.cost_model is not None
    assert fargate.sizing.utilisation_target == ruleset.cost_model.queue_worker_utilisation
    peak = fargate.sizing.max_copies
    [burst] = [reason for reason in fargate.reasons if reason.rule == "traffic.burst-beyond-container-scaling"]
    said = re.search(r"Peak load needs ([\d,]+) container copies", burst.message)
    assert said is not None
    assert int(said.group(1).replace(",", "")) == peak
    assert f"needs {peak:,} container copies at peak" in decision.warnings[0]
    # A listener with the same load keeps its own utilisation, in the rules as in the bills.
    listener = parse_workload({**BUSY_QUEUE, "traffic": {**BUSY_QUEUE["traffic"], "protocols": ["http"]}}).workload
    queue = parse_workload(BUSY_QUEUE).workload
    facts = derive(queue, ruleset.cost_model)
    assert facts.copies_at_peak == peak
    assert derive(listener, ruleset.cost_model).copies_at_peak < facts.copies_at_peak
    assert derive(listener, ruleset.cost_model).copies_at_peak == derive(listener).copies_at_peak
