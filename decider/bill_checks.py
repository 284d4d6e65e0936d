"""What decider's own bills warn of, beside the answer: a line the region's book cannot price, GPUs a copy leaves
idle on the only type that holds it, and an EKS node priced larger for the kubelet's reserve. Each is said only for
the recommendation or the runner-up, whose bills weigh on the answer."""

from __future__ import annotations

import math

from decider.cost.gaps import NO_PRICE
from decider.numbers import show
from decider.ranking import Ranked
from decider.rules.model import Ruleset


def partial_bills(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommendation's or the runner-up's bill with a line the region's book has no price for (EBS volumes,
    billed at $0): the bill is low by that line, and its comparison with the others is weaker for it."""
    priced = ranked.priced
    if priced is None:
        return ()
    partial = {
        target: sorted({line["item"].split(" (", 1)[0] for line in bill["lines"] if NO_PRICE in line["item"]})
        for target, bill in priced.bills.items()
        if target in ranked.order[:2]
    }
    partial = {target: items for target, items in partial.items() if items}
    if not partial:
        return ()
    targets = [target for target in ranked.order if target in partial]
    items = sorted({item for found in partial.values() for item in found})
    many = len(targets) > 1
    return (
        f"The bill{'s' if many else ''} of {names(ruleset, targets)} include{'' if many else 's'}"
        f" {', '.join(items)} at $0: the {priced.pricing.region} price book has no price for "
        f"{'them' if len(items) > 1 else 'it'}, so {'these bills are' if many else 'that bill is'} low "
        "by that much; weigh close comparisons with care.",
    )


def idle_gpus(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """The recommendation or the runner-up billed on instances whose GPUs its copies leave at least half idle: the
    region's book has no GPU type nearer the copy's need (us-west-1's holds only 8-GPU p5), so the bill, many times a
    single-GPU type's, says more about the book than about the region."""
    priced = ranked.priced
    if priced is None:
        return ()
    for target in ranked.order[:2]:
        plan = priced.plans.get(target)
        fields = plan.draft.fields if plan is not None else {}
        if not fields.get("copy_gpu") or not fields.get("desired_instances"):
            continue
        gpus = fields["instance_gpu"] * fields["desired_instances"]
        used = fields["copy_gpu"] * min(
            fields["desired_copies"], fields["copies_per_instance"] * fields["desired_instances"]
        )
        if gpus >= 2 * used:
            return (
                f"{ruleset.target(target).name} is billed on {fields['instance_type']} ({fields['instance_gpu']} GPUs "
                f"an instance) for copies that use {used} of the {gpus} GPUs it keeps up: the {priced.pricing.region} "
                "price book has no GPU type nearer the need, so the bill pays for idle GPUs. Check which GPU types "
                "AWS offers there, or compare in a region whose book has smaller ones (us-east-1's has single-GPU "
                "types).",
            )
    return ()


def kubelet_reserve(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """A pod asking for (nearly) all of a node's vCPUs: an EKS node keeps some for the kubelet and its DaemonSets, so
    EKS was priced on a larger node than the copy seems to need, which a slightly smaller request would avoid. Said
    when EKS is recommended or the runner-up, where its bill weighs on the answer."""
    reserve = ruleset.cost_model.kubelet_reserved_cpu if ruleset.cost_model is not None else None
    near = ranked.priced is not None and "eks" in ranked.order[:2]
    plan = ranked.priced.plans.get("eks") if ranked.priced is not None and near else None
    fields = plan.draft.fields if plan is not None else {}
    if reserve is None or "instance_vcpu" not in fields:
        return ()
    # The node the copy would have but for the reserve: the one ECS on EC2, which keeps none, is priced on (same
    # catalogue and copy); without it, or on the same node, there is nothing a smaller request would save.
    ecs = ranked.priced.plans.get("ecs-ec2") if ranked.priced is not None else None
    other = ecs.draft.fields if ecs is not None else {}
    if "instance_vcpu" not in other or fields.get("copies_per_instance") != 1:
        return ()
    copy, node, smaller = float(fields["copy_vcpu"]), float(fields["instance_vcpu"]), float(other["instance_vcpu"])
    kept = reserve.vcpu(smaller)
    if not (smaller - kept < copy <= smaller < node):
        return ()
    return (
        f"Each copy asks for {show(copy)} vCPU, and an EKS node of {show(smaller)} vCPU ({other['instance_type']}, "
        f"as ECS on EC2 is priced) keeps {show(round(kept, 3))} for the kubelet and its DaemonSets, so EKS is priced "
        f"on {fields['instance_type']} ({show(node)} vCPU); a request of "
        f"{show(math.floor((smaller - kept) * 1000) / 1000)} vCPU or less would fit {other['instance_type']}.",
    )


def names(ruleset: Ruleset, targets: list[str]) -> str:
    """The targets' names as a sentence lists them: "A", "A and B", "A, B and C"."""
    said = [ruleset.target(target).name for target in targets]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + f" and {said[-1]}"
