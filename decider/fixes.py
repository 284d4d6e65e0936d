"""An excluded target's fix: the change to the workload, at the edge, that makes every rule keeping it out false.

The advice search (decider/advice.py) tries each excluded target's fix and says it only when the engine, ranking the
changed workload, lets the target in. A rule's condition is a tree (decider/rules/tree.py), walked here:

- a comparison that holds is made false at its edge: a number just past its bound, a flag turned over, an enum's
  first other value, a list without the values it must not hold, a list or setting that must not be set emptied;
- a comparison on a derived fact is made false through the workload field the fact is computed from
  (``DERIVED_FROM``): that field is moved, in its allowed range, to where the fact reaches the edge (Lambda's memory
  setting through the memory asked for, then the vCPUs; a container copy's vCPUs through the vCPUs given);
- ``all`` is made false by one of its parts that holds, the fields the rule's ``fix:`` text names first (an arm64
  Windows workload is told to run on x86_64, not to leave Windows); ``any`` by every part that holds;
- ``not``, and a comparison without a single edge (a derived fact with no field to move, equality with a number),
  have no fix: the target is said to be excluded, with the rule's ``fix:`` text, and no change is claimed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from decider.alternatives import choices
from decider.copy_cpu import container_vcpu_for
from decider.facts import derive, fact
from decider.node_fit import SHARES, node_fact, with_node_room
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.rules.conditions import Comparison
from decider.rules.fields import context as build_context
from decider.rules.model import Rule, Ruleset
from decider.rules.tree import Branch, tree
from decider.scoring import Fired
from decider.workload import SECONDS_PER_MONTH, SECTIONS, Workload

#: The workload fields a derived fact in an exclusion is computed from, in the order they are moved (only a field the
#: user gave is moved: one left unset is not the reason).
DERIVED_FROM: Mapping[str, tuple[str, ...]] = {
    "derived.lambda_memory_mb": ("runtime.memory_mb", "runtime.vcpu"),
    "derived.container_vcpu": ("runtime.vcpu",),
    "derived.container_disk_gb": ("runtime.ephemeral_storage_gb", "runtime.artifact_mb"),
    "derived.lambda_cold_run_s": ("runtime.startup_s", "runtime.max_duration_s"),
    # One copy's share of the roomiest node the named types give (decider/node_fit.py): a smaller copy fits
    "derived.ecs_node_share": ("runtime.vcpu", "runtime.memory_mb"),
    "derived.eks_node_share": ("runtime.vcpu", "runtime.memory_mb"),
}
#: Halvings of a field's range when moving it to a derived fact's edge: 40 take the widest range (memory, 128 MB to
#: 1 TB) to well below a megabyte.
HALVINGS = 40

#: The most fields a fix may change: one that rewrites more of the workload describes another workload, not a way
#: to let a target in.
MAX_FIELDS = 3
#: The most a fix may shrink or grow a copy's size (memory, vCPUs, disk, image, body): a copy a tenth the size is
#: another workload. A run's length is not held to it: long work can be split into shorter runs (the fix says so).
MAX_FACTOR = 10.0
SIZES = frozenset(
    {
        "runtime.memory_mb",
        "runtime.vcpu",
        "runtime.ephemeral_storage_gb",
        "runtime.artifact_mb",
        "traffic.payload_mb",
    }
)

PATHS = frozenset(f"{section}.{name}" for section, model in SECTIONS.items() for name in model.model_fields)

Tree = Comparison | Branch


def fix(
    rule: Rule, workload: Workload, context: Mapping[str, Any] | None = None, ruleset: Ruleset | None = None
) -> dict[str, Any] | None:
    """The change (dotted paths → values) that makes ``rule``'s condition false for ``workload``; {} when it is false
    already; None when decider has no change to offer (see the module's docstring). ``context``: the workload's rule
    context as ``fix_context`` builds it, when the caller has it (one for every rule of a workload it fixes).
    ``ruleset``: its price books and cost model, for the facts of the nodes the named types give (decider/node_fit.py);
    without it a rule on those facts has no fix."""
    if not rule.condition.raw:
        return None
    if context is None:
        context = fix_context(workload, ruleset)
    return _fix(tree(rule.condition.raw), workload, context, rule.fix or "", _nodes(workload, ruleset))


def fix_context(workload: Workload, ruleset: Ruleset | None = None) -> Mapping[str, Any]:
    """The context a fix reads which comparisons hold in: the workload's fields and its facts derived without a cost
    model, but for the nodes the named types give (``ruleset``'s book and cost model)."""
    nodes = _nodes(workload, ruleset)
    facts = derive(workload)
    return build_context(workload, with_node_room(facts, workload, *nodes) if nodes is not None else facts)


Nodes = tuple[PriceBook, CostModel] | None


def _nodes(workload: Workload, ruleset: Ruleset | None) -> Nodes:
    """The region's price book and the cost model, which the node facts are computed from; None without them."""
    model = ruleset.cost_model if ruleset is not None else None
    book = ruleset.pricing.get(workload.preferences.region) if ruleset is not None and model is not None else None
    return (book, model) if book is not None and model is not None else None


def _fix(
    node: Tree, workload: Workload, context: Mapping[str, Any], named: str, nodes: Nodes = None
) -> dict[str, Any] | None:
    if not node.holds(context):
        return {}
    if isinstance(node, Comparison):
        return _edge(node, workload, nodes)
    if node.name == "all":  # one part made false is enough: the fields the rule's fix names first
        parts = sorted(node.parts, key=lambda part: not any(path in named for path in _named_by(part)))
        for part in parts:
            found = _fix(part, workload, context, named, nodes)
            if found:
                return found
        return None
    if node.name == "any":  # every part that holds is made false
        change: dict[str, Any] = {}
        for part in node.parts:
            found = _fix(part, workload, context, named, nodes)
            if found is None:
                return None
            change.update(found)
        return change
    return None  # ``not``: no single edge


def _fields(node: Tree) -> set[str]:
    if isinstance(node, Comparison):
        return {node.field}
    return set().union(*(_fields(part) for part in node.parts))


def _named_by(node: Tree) -> set[str]:
    """The fields a fix's text can name for ``node``: its own, and for a derived fact moved through its inputs
    (``DERIVED_FROM``), those inputs."""
    fields = _fields(node)
    return fields.union(*(DERIVED_FROM.get(path, ()) for path in fields))


def _edge(leaf: Comparison, workload: Workload, nodes: Nodes = None) -> dict[str, Any] | None:
    """The change that makes one comparison that holds false, at its edge; None when it has no single edge."""
    if leaf.field in DERIVED_FROM:
        return _through_inputs(leaf, workload, nodes) if nodes is not None or leaf.field not in SHARES else None
    if leaf.field.startswith("derived.") or leaf.field not in PATHS:
        return None
    if leaf.op in ("gt", "ge", "lt", "le") and _is_number(leaf.value):
        down = leaf.op in ("gt", "ge")
        edge = float(leaf.value) if leaf.op in ("gt", "lt") else float(leaf.value) * (0.999 if down else 1.001)
        if leaf.op in ("ge", "le") and _is_int(leaf.field) and float(leaf.value).is_integer():
            edge = float(leaf.value) - 1 if down else float(leaf.value) + 1
        moved = _inside(leaf.field, edge, down=down)
        return {leaf.field: moved} if moved is not None else None
    if leaf.op == "eq" and isinstance(leaf.value, bool):
        return {leaf.field: not leaf.value}
    if leaf.op == "eq" and isinstance(leaf.value, int) and leaf.value == 0:
        return None
    if leaf.op in ("eq", "in"):
        excluded = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        options = [choice for choice in choices(leaf.field) if choice not in excluded]
        return {leaf.field: options[0]} if options else None
    if leaf.op in ("contains", "contains_any"):  # the list without the values it must not hold, when others remain
        unwanted = leaf.value if leaf.op == "contains_any" else (leaf.value,)
        now = value_at(workload, leaf.field)
        kept = tuple(item for item in now or () if item not in unwanted)
        return {leaf.field: kept} if kept else None
    if leaf.op == "is_set" and leaf.value is True:  # a list emptied, a setting unset
        return {leaf.field: () if isinstance(value_at(workload, leaf.field), tuple) else None}
    return None


def _through_inputs(leaf: Comparison, workload: Workload, nodes: Nodes = None) -> dict[str, Any] | None:
    """A comparison on a derived fact made false through the fields it is computed from (the ones given): each moved
    to where the fact reaches the edge with the other fields as far as they go (Lambda's memory setting is the larger
    of the memory and the vCPUs' memory: each must come down), then each move the others make unneeded dropped."""
    given = [path for path in DERIVED_FROM[leaf.field] if _is_number(value_at(workload, path))]
    far = {path: _range(path)[0 if leaf.op in ("gt", "ge") else 1] for path in given}
    change: dict[str, Any] = {}
    for path in given:
        others = _with_all(workload, {other: far[other] for other in given if other != path})
        value = _moved(leaf, others, path, float(value_at(workload, path)), far[path], nodes)
        if value is None:
            return None
        if value != value_at(workload, path):
            change[path] = value
    for path in list(change):  # a move another one makes unneeded is not asked for
        kept = {other: value for other, value in change.items() if other != path}
        if not _derived_holds(leaf, _with_all(workload, kept), nodes):
            change = kept
    if change and not _derived_holds(leaf, _with_all(workload, change), nodes):
        return change
    return _one_input(leaf, workload, given, far, nodes)


def _one_input(
    leaf: Comparison, workload: Workload, given: list[str], far: Mapping[str, float], nodes: Nodes = None
) -> dict[str, Any] | None:
    """A fact that is no sum of its inputs (Lambda's cold run counts the start only past 10 s) can reach its edge by
    one input moved with the others as they are, where moving each with the others as far as they go finds nothing:
    the first input that does."""
    for path in given:
        value = _moved(leaf, workload, path, float(value_at(workload, path)), far[path], nodes)
        if value is not None and value != value_at(workload, path):
            return {path: value}
    return None


def _moved(leaf: Comparison, base: Workload, path: str, now: float, far: float, nodes: Nodes = None) -> float | None:
    """The value of ``path`` nearest ``now``, towards ``far``, at which ``leaf`` no longer holds for ``base`` with
    that value, as the field holds it; None when there is none within the field's bounds."""

    def holds_at(value: float) -> bool:
        return _derived_holds(leaf, _with(base, path, value), nodes)

    moved = _edge_between(holds_at, now, far)
    return _inside(path, moved, down=leaf.op in ("gt", "ge")) if moved is not None else None


def _edge_between(holds_at: Callable[[float], bool], now: float, far: float) -> float | None:
    """The value nearest ``now``, towards ``far``, at which ``holds_at`` is false; None when it holds at ``far``."""
    if holds_at(far):
        return None
    held, cleared = now, far
    for _ in range(HALVINGS):
        middle = (held + cleared) / 2.0
        if holds_at(middle):
            held = middle
        else:
            cleared = middle
    # The edge as a person would write it (four significant figures, as the sentences print it), when that is past
    # the edge too; else those figures rounded on towards ``far``, so that the value said is the value tried
    for said in (float(f"{cleared:.4g}"), _towards(cleared, far)):
        if min(now, far) <= said <= max(now, far) and not holds_at(said):
            return said
    return cleared


def _towards(value: float, far: float) -> float:
    """``value`` to four significant figures, rounded towards ``far`` (192.1875 towards 0 is 192.1)."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - 3)
    if step == 0:  # a value so small (denormal) its fourth figure is below the smallest float: said as it is
        return value
    whole = math.floor(value / step) if far < value else math.ceil(value / step)
    return float(f"{whole * step:.4g}")


def _inside(path: str, value: float, *, down: bool) -> float | None:
    """``value`` as the field holds it (an int field's whole number on the side away from the edge), or None when it
    falls outside the field's bounds."""
    if _is_int(path):
        value = float(math.floor(value + 1e-9) if down else math.ceil(value - 1e-9))
    low, high = _range(path)
    if not low <= value <= high or (value == low and _exclusive_low(path)):
        return None
    return int(value) if _is_int(path) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(path: str) -> bool:
    section, _, name = path.partition(".")
    annotation = SECTIONS[section].model_fields[name].annotation
    return annotation is int or annotation == int | None


def _exclusive_low(path: str) -> bool:
    section, _, name = path.partition(".")
    return any(getattr(meta, "gt", None) is not None for meta in SECTIONS[section].model_fields[name].metadata)


def _with_all(workload: Workload, change: Mapping[str, Any]) -> Workload:
    for path, value in change.items():
        workload = _with(workload, path, value)
    return workload


def _derived_holds(leaf: Comparison, workload: Workload, nodes: Nodes = None) -> bool:
    if leaf.field in SHARES and nodes is not None:  # the nodes the named types give hold the copy or not
        return leaf.holds({leaf.field: node_fact(workload, derive(workload), *nodes, leaf.field)})
    return leaf.holds({leaf.field: fact(workload, leaf.field.removeprefix("derived."))})


def _range(path: str) -> tuple[float, float]:
    """The field's allowed range, from its bounds (0 and 10¹² when it has none)."""
    section, _, name = path.partition(".")
    low, high = 0.0, 1e12
    for meta in SECTIONS[section].model_fields[name].metadata:
        for attribute in ("ge", "gt"):
            if getattr(meta, attribute, None) is not None:
                low = float(getattr(meta, attribute))
        for attribute in ("le", "lt"):
            if getattr(meta, attribute, None) is not None:
                high = float(getattr(meta, attribute))
    return low, high


def _with(workload: Workload, path: str, value: Any) -> Workload:
    section, _, name = path.partition(".")
    moved = getattr(workload, section).model_copy(update={name: value})
    return workload.model_copy(update={section: moved})


def value_at(workload: Workload, path: str) -> Any:
    """A workload field's value by its dotted path; a copy's CPU not given is the one decider takes from its memory
    (decider/copy_cpu.py ``container_vcpu_for``), which every container target is sized with."""
    section, _, name = path.partition(".")
    value = getattr(getattr(workload, section), name)
    if value is None and path == "runtime.vcpu":
        runtime = workload.runtime
        return container_vcpu_for(runtime.memory_mb, None, runtime.os)
    return value


def plausible(workload: Workload, change: Mapping[str, Any]) -> bool:
    """Whether a fix is one to say: at most ``MAX_FIELDS`` fields, no size moved more than ``MAX_FACTOR``."""
    if len(change) > MAX_FIELDS:
        return False
    for path, value in change.items():
        now = value_at(workload, path)
        sized = path in SIZES and _is_number(value) and _is_number(now) and min(value, now) > 0
        if sized and max(value, now) / min(value, now) > MAX_FACTOR:
            return False
    return True


def shortened(workload: Workload, defaults: Mapping[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """An exclusion's fix that shortens the longest unit of work below the average given: the average must fit in it
    too, so the fix says so (work restructured to finish within 900 s takes at most 900 s on average)."""
    longest = change.get("runtime.max_duration_s")
    if (
        isinstance(longest, int | float)
        and "runtime.avg_duration_ms" not in defaults
        and "runtime.avg_duration_ms" not in change
        and workload.avg_duration_s > longest
    ):
        return {**change, "runtime.avg_duration_ms": float(longest) * 1000.0}
    return change


def ways_in(fired: Sequence[Fired]) -> list[list[Fired]]:
    """The rules to make false to let an excluded target in: all of its own, and, when rules keep every capacity mode
    of it out too (decider/scoring.py), those of any one mode (each mode's rules with its own a way in)."""
    own: list[Fired] = []
    modes: dict[str, list[Fired]] = {}
    for item in fired:
        mode = item.rule.mode if item.rule is not None else None
        if mode is None:
            own.append(item)
        else:
            modes.setdefault(mode, []).append(item)
    return [own + group for group in modes.values()] if modes else [own]


#: Pairs of figures in order, low before high, with the factor between their units: an average unit of work is no
#: longer than the longest (ms against s), and a month's requests arrive no faster on average than at peak (a month's
#: count against a rate a second).
ORDERED: tuple[tuple[str, str, float], ...] = (
    ("runtime.avg_duration_ms", "runtime.max_duration_s", 1000.0),
    ("traffic.requests_per_month", "traffic.peak_rps", float(SECONDS_PER_MONTH)),
)


def in_order(workload: Workload, defaults: Mapping[str, Any], change: Mapping[str, Any]) -> bool:
    """Whether a change keeps each ``ORDERED`` pair in order where neither figure is derived again from the other (an
    assumed one is, from the value tried): a 6,000 s average for a job given as stopping at 600 s, or ten times the
    monthly volume of a service given a peak it would then exceed, is no plausible alternative."""
    now = {
        "runtime.avg_duration_ms": workload.avg_duration_s * 1000.0,
        "runtime.max_duration_s": workload.max_duration_s,
        "traffic.requests_per_month": workload.requests_per_month,
        "traffic.peak_rps": workload.peak_rps,
    }
    for low, high, units in ORDERED:
        if low not in change and high not in change:
            continue
        if any(path in defaults and path not in change for path in (low, high)):
            continue  # the figure not tried is assumed: it follows the one tried
        if change.get(low, now[low]) > change.get(high, now[high]) * units * (1 + 1e-9):
            return False
    return True
