"""Whether the instance types ``control.instance_types`` allows can hold one copy of the workload: the facts the
rules ``limits.named-types-hold-no-copy``, ``limits.eks-named-types-hold-no-copy`` and ``limits.named-types-unsuited``
read (rules/limits.yaml).

A copy that no allowed type holds cannot run on that target as described: the pricing finds no type to size it on
(decider/cost/instances.py ``instance_fits``). The same fit decides here, node by node as the bills count it: an ECS
node registers its vCPUs and its memory less the OS's share; an EKS node keeps vCPU and memory for the kubelet and the
DaemonSets and runs at most its max pods (``kubelet_reserved_cpu``, ``kubelet_reserved_memory`` in the cost model).

Only types named size by size, every one of them priced by the book, are judged: the price book's catalogue lists a
part of EC2's types, so a copy that outgrows the whole catalogue, or a family the book lists some sizes of (t3: its
medium and large), is not said to fit nowhere on AWS (that target is ranked without a bill, with a warning). Names
the book does not price (a typo, or a type it leaves out) are no price, not no fit: the facts are 0 then, as when no
type is named. Named types none of which the workload can use at any size (another architecture's, Arm for Windows,
no GPU for a copy that needs one) are said so type by type (``unsuited``), for ``limits.named-types-unsuited``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from decider.cost.compiled import Compiled
from decider.cost.instances import catalogue_key, copies_per_instance, instance_candidates, node_memory_mb
from decider.facts import Facts
from decider.numbers import show
from decider.pricing.book import Instance, PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.model import Ruleset
from decider.workload import Workload

#: The facts, by the node they are about: ``<kind>_node_share`` and ``<kind>_roomiest_node``.
SHARES = {"derived.ecs_node_share": False, "derived.eks_node_share": True}
#: Every fact this module fills, as rules read them.
NODE_FACTS = (
    *SHARES,
    "derived.ecs_roomiest_node",
    "derived.eks_roomiest_node",
    "derived.node_copy",
    "derived.named_types_unsuited",
    "derived.named_types_unsuited_why",
)


@dataclass(frozen=True, slots=True)
class Room:
    """One copy's share of the roomiest allowed node (above 1: no allowed type holds one), and that node said."""

    share: float = 0.0
    roomiest: str = ""


NOT_JUDGED = Room()
_TYPES: Compiled[frozenset[str]] = Compiled()
_ROOMS: Compiled[Room] = Compiled()


def node_room(workload: Workload, facts: Facts, book: PriceBook, model: CostModel, *, kubernetes: bool) -> Room:
    """One copy's share of the roomiest node ``control.instance_types`` allows (the largest of its vCPU, memory and
    GPU shares of what one node of the type gives a copy, least over the allowed types), with that type and what it
    gives a copy; ``NOT_JUDGED`` when no type is named, a name is a family or one the book does not price, or no size
    of the names is allowed for the workload. Agrees with the pricing's fit: above 1 exactly when no allowed type
    holds a copy."""
    named = workload.control.instance_types
    if not named or not all(name in _priced_types(book) for name in named):
        return NOT_JUDGED  # a family (which the book may list in part), or a name the book does not price
    # Found once per catalogue, copy shape and node kind while the cost model is the one it was found with: the
    # advice search ranks many changed workloads with the same named types and copy
    key = (*catalogue_key(workload, book, model, workload.runtime.memory_mb, facts.container_vcpu), kubernetes)
    return _ROOMS.get(key, book, lambda: _roomiest(workload, facts, book, model, kubernetes=kubernetes), also=model)


def _roomiest(workload: Workload, facts: Facts, book: PriceBook, model: CostModel, *, kubernetes: bool) -> Room:
    """``node_room`` for named types the book prices, found afresh."""
    candidates = instance_candidates(workload, book)
    if not candidates:
        return NOT_JUDGED
    best: tuple[tuple[float, float, float, str], Instance, float, float] | None = None
    fits = False
    for instance in candidates:
        share, vcpu, memory = _share(instance, workload, facts, model, kubernetes=kubernetes)
        if not fits:  # the pricing's own fit (a copy of no vCPU, which a fix's search may try, by its share)
            held = (
                copies_per_instance(instance, workload, facts, model, kubernetes=kubernetes)
                if facts.container_vcpu > 0
                else 0
            )
            fits = held >= 1 if facts.container_vcpu > 0 else share <= 1.0
        # The roomiest: the least largest share, then the least smaller one (of two types short of the same vCPU, the
        # one with more memory), then the cheaper
        least = min(facts.container_vcpu / vcpu, workload.runtime.memory_mb / memory) if vcpu > 0 < memory else 0.0
        key = (share, least, instance.usd_per_hour, instance.type)
        if best is None or key < best[0]:
            best = (key, instance, vcpu, memory)
    if best is None:  # no candidate (checked above)
        return NOT_JUDGED
    (share, *_), instance, vcpu, memory = best
    # The pricing's fit decides at its edge (a copy that fills a node to the last vCPU): the share agrees with it
    share = min(share, 1.0) if fits else max(share, math.nextafter(1.0, 2.0))
    gpu = f" and {instance.gpu} GPU" if workload.runtime.gpu else ""
    if vcpu <= 0 or memory <= 0:
        gives = "room for no copy beside what the node keeps"
    elif (
        kubernetes
        and model.kubelet_reserved_memory is not None
        and model.kubelet_reserved_memory.copies(instance.type) < 1
    ):
        gives = "no pod beside its DaemonSets (its max pods)"
    else:
        gives = f"at most {show(round(vcpu, 3))} vCPU, {show(math.floor(memory))} MB{gpu} a copy"
    return Room(share, f"{instance.type} ({gives})")


def _priced_types(book: PriceBook) -> frozenset[str]:
    """The instance types the book prices, by exact name (``m7i.xlarge``)."""
    return _TYPES.get((id(book),), book, lambda: frozenset(instance.type for instance in book.ec2.instances))


def _share(
    instance: Instance, workload: Workload, facts: Facts, model: CostModel, *, kubernetes: bool
) -> tuple[float, float, float]:
    """A copy's share of one node of ``instance`` (its largest need over what the node gives a copy), and the vCPU
    and memory the node gives a copy."""
    runtime = workload.runtime
    reserve = model.kubelet_reserved_cpu
    vcpu = instance.vcpu - (reserve.vcpu(instance.vcpu) if kubernetes and reserve is not None else 0.0)
    memory = node_memory_mb(instance, model, kubernetes=kubernetes)
    if vcpu <= 0 or memory <= 0:
        return math.inf, vcpu, memory
    share = max(facts.container_vcpu / vcpu, runtime.memory_mb / memory)
    if runtime.gpu:
        share = max(share, runtime.gpu / instance.gpu) if instance.gpu else math.inf
    pods = model.kubelet_reserved_memory if kubernetes else None
    if pods is not None and pods.copies(instance.type) < 1:
        share = math.inf
    return share, vcpu, memory


def with_node_room(facts: Facts, workload: Workload, book: PriceBook | None, model: CostModel | None) -> Facts:
    """``facts`` with the node facts of the workload's named types (``NOT_JUDGED`` without a price book)."""
    if not workload.control.instance_types and facts.node_copy == facts.named_types_unsuited_why == "":
        return facts  # no type named, and nothing said of one: every node fact is its default (``NOT_JUDGED``)
    ecs = eks = NOT_JUDGED
    if book is not None and model is not None and workload.control.instance_types:
        ecs = node_room(workload, facts, book, model, kubernetes=False)
        eks = node_room(workload, facts, book, model, kubernetes=True)
    copy = _copy_said(workload, facts) if NOT_JUDGED not in (ecs, eks) else ""
    # a judged node (a named type of use, priced) leaves nothing to say of unsuited names: not looked for again
    why = unsuited(workload, book) if book is not None and ecs == NOT_JUDGED else ""
    now = (
        facts.ecs_node_share,
        facts.ecs_roomiest_node,
        facts.eks_node_share,
        facts.eks_roomiest_node,
        facts.node_copy,
        facts.named_types_unsuited_why,
    )
    if now == (ecs.share, ecs.roomiest, eks.share, eks.roomiest, copy, why):
        return facts
    return replace(
        facts,
        ecs_node_share=ecs.share,
        ecs_roomiest_node=ecs.roomiest,
        eks_node_share=eks.share,
        eks_roomiest_node=eks.roomiest,
        node_copy=copy,
        named_types_unsuited=bool(why),
        named_types_unsuited_why=why,
    )


def unsuited(workload: Workload, book: PriceBook) -> str:
    """Why no type ``control.instance_types`` names is of use to the workload, name by name, as the pricing's
    candidates leave them out (decider/cost/instances.py ``instance_candidates``); empty when one is, or when a name
    is one the book does not price. A family is judged by what every size of it shares, which the sizes the book
    lists show (an architecture; no GPU in any of them): m7g is arm64 at every size."""
    named = workload.control.instance_types
    if not named or instance_candidates(workload, book):
        return ""
    families = {instance.type_family for instance in book.ec2.instances}
    if not all(name in _priced_types(book) or name in families for name in named):
        return ""
    runtime, reasons = workload.runtime, []
    for name in named:
        sizes = [instance for instance in book.ec2.instances if name in (instance.type, instance.type_family)]
        architectures = {instance.architecture for instance in sizes}
        (architecture,) = architectures if len(architectures) == 1 else ("mixed",)
        if runtime.architecture != "any" and architecture not in (runtime.architecture, "mixed"):
            reasons.append(f"{name} is {architecture}, the workload {runtime.architecture}")
        elif runtime.os == "windows" and architecture not in ("x86_64", "mixed"):
            reasons.append(f"{name} is {architecture}, and Windows containers run on x86_64 hosts")
        elif runtime.gpu and not any(instance.gpu for instance in sizes):
            reasons.append(f"{name} has no GPU, and a copy needs {runtime.gpu}")
        else:
            return ""  # a name the copy is held out of by size alone, or not judged: the node rules say it
    return "; ".join(reasons)


def _copy_said(workload: Workload, facts: Facts) -> str:
    """One copy's needs as the node rules say them: vCPU and memory, and its GPUs when it needs any."""
    runtime = workload.runtime
    gpus = f" and {runtime.gpu} GPU{'s' if runtime.gpu > 1 else ''}" if runtime.gpu else ""
    return f"{show(facts.container_vcpu)} vCPU, {show(runtime.memory_mb)} MB{gpus}"


def refreshed(
    facts: Facts, context: Mapping[str, Any], workload: Workload, ruleset: Ruleset
) -> tuple[Facts, Mapping[str, Any]]:
    """``with_node_room`` for a workload laid over another's facts and ``context`` (decider/advice.py): the named
    types and the region decide the nodes; the facts and context as they are when the nodes are the same."""
    model = ruleset.cost_model
    book = ruleset.pricing.get(workload.preferences.region) if model is not None else None
    roomy = with_node_room(facts, workload, book, model)
    if roomy is facts:
        return facts, context
    return roomy, {**context, **{path: getattr(roomy, path.removeprefix("derived.")) for path in NODE_FACTS}}


def node_fact(workload: Workload, facts: Facts, book: PriceBook, model: CostModel, path: str) -> float:
    """The node fact at ``path`` (one of ``SHARES``) of a workload: for a fix that moves the copy's size."""
    return node_room(workload, facts, book, model, kubernetes=SHARES[path]).share
