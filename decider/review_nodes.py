"""What a review says of a Kubernetes workload's cost now on the managed node groups the files reviewed define, when
they list their instance types.

decider prices EKS managed node groups on the catalogue type whose bill is lowest (decider/cost/sizing.py), as a share
of an existing cluster's nodes or as whole nodes of a new one. A review's workload already runs on the nodes its node
groups give it (``instance_types``, Spot when their capacity type is), which may cost more or less. Pricing them as
they are needs what the files seldom say in full (the other workloads that share those nodes, the launch template's
types, which of several listed types on-demand capacity launches), so the cost now stays decider's choice, and the
review says so wherever the node groups list other types or another purchase option than the one priced: "its node
groups list m7g.large (aws_eks_node_group.general (infra/eks.tf:11)); the cost now is priced on c7g.large, decider's
choice of type for EKS managed node groups, and what those nodes cost may differ" (architect audit, round 36, F1).
"""

from __future__ import annotations

from dataclasses import replace

from decider.decision import InstanceSizing, RankedTarget
from decider.review_mode import CurrentMode
from decider.sources.imported import NodePool

#: EKS's managed node group mode (rules/targets.yaml), the only mode node groups run.
NODE_GROUPS = "managed-node-group"


def on_nodes(mode: CurrentMode, nodes: NodePool | None, compared: RankedTarget) -> CurrentMode:
    """``mode`` with a note when the node groups that run the workload list instance types, or a purchase option,
    other than the ones its cost now is priced on; else ``mode`` as it is."""
    if nodes is None or mode.mode != NODE_GROUPS:
        return mode
    sizing = compared.sizing
    chosen = sizing if isinstance(sizing, InstanceSizing) and sizing.mode == NODE_GROUPS else None
    priced = chosen.instance_type if chosen is not None else None
    spot = chosen is not None and chosen.purchase == "spot"
    if priced in nodes.types and spot == nodes.spot:
        return mode
    listed = ", ".join(nodes.types) + (" (Spot)" if nodes.spot else "")
    on = f"{priced}{' Spot' if spot else ''}, decider's choice" if priced is not None else "decider's choice"
    note = (
        f"its node groups list {listed} ({nodes.groups}); the cost now is priced on {on} of type for EKS managed node "
        "groups, and what those nodes cost may differ"
    )
    return replace(mode, notes=(*mode.notes, note))
