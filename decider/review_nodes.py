"""The cost now of a Kubernetes workload on the managed node groups the files reviewed define, priced on the
instance types those node groups list.

decider prices EKS managed node groups on the catalogue type whose bill is lowest (decider/cost/sizing.py), which is
what a team choosing anew would run. A review's workload already runs on the nodes its node groups give it
(``instance_types``, and Spot when their capacity type is), so its cost now is that mode's bill with the instance types
those node groups list (``control.instance_types``, laid over the workload as given: decider/advice.py
``ranked_with``), said with the bill of decider's own choice of type. The ranking and the verdict's score gap still
compare each target on its cheapest type; only the cost now, and the cost difference a consider states, are the
node groups'. Where those types cannot price the mode (no listed type holds a copy), the cost now stays decider's,
and the review says why.
"""

from __future__ import annotations

from dataclasses import replace

from decider.advice import ranked_with
from decider.cost.memo import PlanMemo
from decider.review_mode import CurrentMode
from decider.rules.model import Ruleset
from decider.sources.imported import NodePool
from decider.workload import ParsedWorkload

#: The EKS target and its managed node group mode (rules/targets.yaml).
EKS, NODE_GROUPS = "eks", "managed-node-group"


def on_nodes(
    mode: CurrentMode,
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    nodes: NodePool | None,
    memo: PlanMemo | None = None,
) -> CurrentMode:
    """``mode`` with its bill priced on ``nodes``' instance types, when the workload runs on EKS managed node groups
    (a mode of EKS alone) that list them; else ``mode`` as it is."""
    if nodes is None or mode.mode != NODE_GROUPS or parsed.given is None:
        return mode
    change: dict[str, object] = {"control.instance_types": list(nodes.types)}
    if nodes.spot:
        change["preferences.spot_ok"] = True
    ranked = ranked_with(parsed.given, ruleset, change, memo)
    choice = ranked.priced.choices.get(EKS) if ranked is not None and ranked.priced is not None else None
    total = next((total for each, total, _ in choice.priced if each.id == NODE_GROUPS), None) if choice else None
    listed = ", ".join(nodes.types) + (", Spot" if nodes.spot else "")
    if total is None:
        note = f"its node groups' instance types ({listed}: {nodes.groups}) cannot price it; decider's choice stands in"
        return replace(mode, notes=(*mode.notes, note))
    own = f", where decider's choice of type costs ${mode.usd:,.2f}" if mode.usd is not None else ""
    note = f"priced on the instance types its node groups list ({listed}: {nodes.groups}): ${total:,.2f}{own}"
    # What another mode would save is said of decider's types, not the node groups': not said against these
    return replace(mode, usd=round(total, 2), notes=(*mode.notes, note), cheaper=None)
