"""The goal a target's capacity mode is chosen for (``optimize_for``, or simplicity for a low-ops team), and the choice
itself: the cheapest mode, or within ``mode_tilt`` of it the one the goal favours (decider/cost/modes.py prices the
modes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from decider.rules.model import Mode
from decider.workload import Workload

#: The goals (``optimize_for``) that tilt the choice of mode towards one near the cheapest (``pick_mode``).
TILTED = ("simplicity", "control")
#: What a low-ops team asking for a balanced answer is said to favour, when the tilt chooses a mode for it.
LOW_OPS = "a team with low ops capacity (team.ops_capacity: low)"


def mode_goal(workload: Workload) -> tuple[str, str]:
    """The goal a target's mode is chosen for, and what it is said as: ``optimize_for``; but a team with low ops
    capacity that asks for a balanced answer runs the mode it has less to run (lower ``hands_on``) when it costs at
    most ``mode_tilt`` more, as ``simplicity`` chooses: such a team would run EKS on Fargate rather than managed node
    groups for a few per cent more, and it is that EKS the ranking should weigh, not one whose node rules then mark it
    down (docs/cost-model.md#capacity-modes)."""
    goal = workload.preferences.optimize_for
    if goal == "balanced" and workload.team.ops_capacity == "low":
        return "simplicity", LOW_OPS
    return goal, ""


def pick_mode(modes: Sequence[Mode], totals: Mapping[str, float], goal: str, tilt: float) -> Mode:
    """The cheapest mode (the earlier listed on a tie), or within ``tilt`` of it the one ``goal`` (``mode_goal``)
    favours."""
    # min(modes, key=total) written out (the first of the cheapest, as min keeps it): the mode shares (Choice.shares)
    # ask up to ten times a target a ranking
    cheapest = modes[0]
    least = totals[cheapest.id]
    for mode in modes[1:]:
        total = totals[mode.id]
        if total < least:
            cheapest, least = mode, total
    if goal not in TILTED:
        return cheapest
    near = [mode for mode in modes if totals[mode.id] <= least * (1 + tilt) + 1e-9]
    sign = 1 if goal == "simplicity" else -1
    return min(near, key=lambda mode: (sign * mode.hands_on, totals[mode.id]))
