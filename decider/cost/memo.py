"""Plans already priced within one decision, for the rankings of changed workloads that price the same.

The advice search (decider/advice.py) and the review's evidence (decider/review_evidence.py) rank a workload again
for each change they try. Many changes leave everything the bills read as it was: the team's experience and ops
capacity, ``optimize_for``, the name. Their rankings differ in the rules that fire and in the scores, not in what
each target's plan in each mode costs, so ``choose_modes`` (decider/cost/modes.py) takes those plans from here
instead of sizing and pricing them again. The key is every input a plan is priced from (``key``); the memo lives for
one decision, so nothing is carried from one answer to the next.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from decider.pricing.book import PriceBook
from decider.scoring import Quiet
from decider.workload import Workload

if TYPE_CHECKING:
    from decider.cost.bill import Plan


@dataclass
class PlanMemo:
    """The plans of one decision, by priced inputs: each target's own plan per purchase option (``bases``, with why it
    is not priced when it is not) and each target's plan in a mode built on it (``modes``)."""

    bases: dict[tuple[int, bool, str], tuple[Plan | None, str | None]] = field(default_factory=dict)
    modes: dict[tuple[int, str, str, bool], Plan | None] = field(default_factory=dict)
    keys: dict[Hashable, int] = field(default_factory=dict)
    """Each distinct set of priced inputs, numbered: plans are keyed by the number, so a lookup hashes a small tuple
    instead of the workload's sections again."""
    quiet: Quiet = field(default_factory=Quiet)
    """The rules' outcomes in the last ranking nobody reads, for the next one to fire only what changed
    (decider/scoring.py)."""

    def key(self, workload: Workload, book: PriceBook) -> int:
        """The number of everything a plan is priced from but the Spot preference (keyed on its own, per purchase
        option): the runtime, traffic, control and network sections, the purchase preferences and region, whether
        the team's cluster exists already, and the price book."""
        preferences, team = workload.preferences, workload.team
        inputs = (
            workload.runtime,
            workload.traffic,
            workload.control,
            workload.network,
            preferences.region,
            preferences.commitment,
            preferences.savings_plan,
            preferences.free_tier,
            team.current_platform,
            team.new_cluster,
            id(book),
        )
        return self.keys.setdefault(inputs, len(self.keys))
