"""Property audit, round 23, F1 (in part): points that hold in some capacity modes only (``in_modes``) jumped when a
small change switched the mode between two of three priced modes, because only the one mode nearest the chosen took a
share: the third's share vanished at the switch. A 3% step of the log volume switched EKS from Auto Mode to Fargate
under ``optimize_for: simplicity`` and moved EKS by 6.1 points (``team.low-ops-eks-nodes``' node-group share gone).
Every mode near the chosen one now takes a share by its nearness (decider/cost/modes.py ``Choice.shares``), and with
one mode near the shares are as before.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from decider import Decision, Ruleset, decide, parse_workload
from decider.cost.modes import SHARE_BAND, Choice
from decider.rules.model import Mode

SIDECAR_SOCKETS: dict[str, Any] = {
    "runtime": {"avg_duration_ms": 88.2333, "max_duration_s": 1.446, "memory_mb": 5334, "vcpu": 0.25,
                "architecture": "x86_64", "startup_s": 1.2684, "long_running": True, "provisioned_concurrency": 10},
    "traffic": {"pattern": "spiky", "requests_per_month": 16010.0487, "peak_rps": 0.0271,
                "protocols": ["http", "websocket"]},
    "control": {"sidecars": True},
    "team": {"kubernetes_experience": "none", "ops_capacity": "low", "current_platform": "lambda",
             "new_cluster": True},
    "preferences": {"optimize_for": "simplicity", "region": "ap-northeast-1", "commitment": "none",
                    "spot_ok": True, "free_tier": True},
    "network": {"egress_gb_per_month": 24.4789, "logs_gb_per_month": 910.0},
}  # fmt: skip


def eks(raw: dict[str, Any], ruleset: Ruleset) -> tuple[float, str | None]:
    decision: Decision = decide(parse_workload(raw), ruleset, advice=False)
    [entry] = [entry for entry in decision.ranking if entry.target == "eks"]
    return entry.score, entry.sizing.mode if entry.sizing is not None else None


def test_a_switch_between_two_of_three_modes_moves_no_share_at_once(ruleset: Ruleset) -> None:
    before = eks(SIDECAR_SOCKETS, ruleset)
    stepped = copy.deepcopy(SIDECAR_SOCKETS)
    stepped["network"]["logs_gb_per_month"] = 910.0 * 1.03
    after = eks(stepped, ruleset)
    assert (before[1], after[1]) == ("auto-mode", "fargate")  # the step switches EKS's mode
    assert abs(after[0] - before[0]) < 3.0


def test_with_one_mode_near_the_chosen_mode_keeps_one_less_half_the_nearness(ruleset: Ruleset) -> None:
    """Two modes: the other's share grows from none at ``SHARE_BAND`` past the switch to a half at it, as before."""
    on_demand = Mode(id="on-demand", name="on demand", price="on-demand")
    managed = Mode(id="managed", name="managed", price="on-demand")
    for rise in (0.0, 0.05, 0.1, 0.2, 0.3):
        choice = Choice(
            chosen=on_demand,
            priced=((on_demand, 100.0, ()), (managed, 100.0 * (1 + rise), ())),
            optimize_for="balanced",
            region="us-east-1",
        )
        shares = choice.shares()
        expected = max(0.0, 0.5 * (1 - rise / SHARE_BAND))
        assert shares.get("managed", 0.0) == pytest.approx(expected, abs=0.002)
        assert sum(shares.values()) == pytest.approx(1.0)
