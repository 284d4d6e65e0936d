"""Review of a change: the reviews of two versions of the same infrastructure, and what the change moves.

Workloads are matched by their file (relative to the root of each version) and name. Each is ``added`` (only in the new
version), ``removed`` (only in the base), ``changed`` (its verdict or its monthly cost moved) or ``unchanged``. The cost
compared is where the workload runs now (``monthly_cost_now_usd``), without a share of an EKS cluster's control plane or
an Ingress's load balancer (``own_cost``): a removed workload's cost falls away, an added one's is new; a cost the
review does not know (traffic unknown) gives no delta. A finding is *new* when the new version has a ``consider`` or
``move`` that the base did not have for that workload with the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from decider.cost.bill import round_usd
from decider.review import Review, ReviewedWorkload, Verdict
from decider.review_cluster import ALONE_ON_DEFINED
from decider.review_costs import shares_of, without_shares

#: A new cluster's control plane line on an EKS bill (decider/cost/bill.py): "EKS control plane (standard support)".
CONTROL_PLANE_LINE = "EKS control plane ("

Change = Literal["added", "removed", "changed", "unchanged"]
#: The order changes are listed in: what the change brings first.
CHANGE_ORDER: dict[str, int] = {"added": 0, "changed": 1, "removed": 2, "unchanged": 3}
FINDINGS = ("consider", "move")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkloadChange(_Frozen):
    """One workload in either version: its verdict and monthly cost before and after the change."""

    name: str
    file: str | None = Field(description="The workload's file in the new version (the base's when it is removed).")
    line: int | None = None
    change: Change
    verdict_before: Verdict | None = None
    verdict_after: Verdict | None = None
    mode_before: str | None = Field(None, description="The capacity mode it ran in (current_mode) in the base.")
    mode_after: str | None = Field(None, description="The capacity mode it runs in (current_mode) after the change.")
    monthly_cost_before_usd: float | None = None
    monthly_cost_after_usd: float | None = None
    monthly_cost_delta_usd: float | None = Field(
        None, description="After minus before; null when either side's cost is not known."
    )
    why: str = Field("", description="The verdict's reason in the new version (the base's when removed).")


class DiffSummary(_Frozen):
    """Counts of what moved, and the monthly cost of every workload whose cost is known on both sides."""

    added: int
    removed: int
    changed: int
    unchanged: int
    verdicts_changed: int
    new_findings: int = Field(description="consider or move verdicts the base did not have.")
    monthly_cost_before_usd: float
    monthly_cost_after_usd: float
    monthly_cost_delta_usd: float
    uncosted: int = Field(description="Workloads with a cost unknown on either side, left out of the sums.")


class ReviewDiff(_Frozen):
    """What a change moves: one entry per workload in either version (what changed first), and a summary."""

    base: str = Field(description="The base version: a git ref or a folder.")
    changes: tuple[WorkloadChange, ...]
    summary: DiffSummary


def workload_key(item: ReviewedWorkload, relative: Callable[[str | None], str]) -> tuple[str, str]:
    return relative(item.source.file), item.name


def compare(
    base: Review,
    head: Review,
    base_label: str,
    base_relative: Callable[[str | None], str],
    head_relative: Callable[[str | None], str],
) -> ReviewDiff:
    """The diff of two reviews; ``*_relative`` turn each side's file into the path both sides share."""
    before = {workload_key(item, base_relative): item for item in base.workloads}
    after = {workload_key(item, head_relative): item for item in head.workloads}
    changes: list[WorkloadChange] = []
    for key, item in after.items():
        old = before.get(key)
        changes.append(_change(old, item))
    changes.extend(_change(item, None) for key, item in before.items() if key not in after)
    changes.sort(key=lambda change: CHANGE_ORDER[change.change])
    return ReviewDiff(base=base_label, changes=tuple(changes), summary=_summary(changes))


def own_cost(item: ReviewedWorkload) -> float | None:
    """The workload's monthly cost where it runs now, without its share of an EKS cluster's control plane (an
    existing cluster's, or one the files reviewed define: decider/review_cluster.py) or of an Ingress's load balancer:
    the cluster and the Ingress pay that whatever a change adds or removes, and the share moves with the count of
    workloads reviewed, so comparing it would charge an added workload, and every other one, for what they cost
    anyway."""
    cost = item.monthly_cost_now_usd
    if cost is None or item.current_target != "eks":
        return cost
    eks = next((entry for entry in item.decision.ranking if entry.target == "eks"), None)
    lines = eks.monthly_cost.lines if eks is not None and eks.monthly_cost is not None else ()
    own = without_shares(cost, shares_of(eks)) if eks is not None else cost
    if any(ALONE_ON_DEFINED in note for note in item.source_assumptions):
        # alone on a cluster the files define, it is priced as on a new cluster: its control plane is the cluster's
        # as the shares are, and left out likewise (removing the other workload on it moved no control plane)
        own -= sum(line.usd for line in lines if line.item.startswith(CONTROL_PLANE_LINE))
    return round_usd(own, 2)


def _change(old: ReviewedWorkload | None, new: ReviewedWorkload | None) -> WorkloadChange:
    shown = new or old
    assert shown is not None  # noqa: S101 - one side at least
    cost_before = own_cost(old) if old is not None else 0.0
    cost_after = own_cost(new) if new is not None else 0.0
    delta = round(cost_after - cost_before, 2) if cost_before is not None and cost_after is not None else None
    verdict_before = old.verdict if old is not None else None
    verdict_after = new.verdict if new is not None else None
    mode_before = old.current_mode if old is not None else None
    mode_after = new.current_mode if new is not None else None
    change: Change
    if old is None:
        change = "added"
    elif new is None:
        change = "removed"
    elif verdict_before != verdict_after or cost_before != cost_after or mode_before != mode_after:
        change = "changed"
    else:
        change = "unchanged"
    return WorkloadChange(
        name=shown.name,
        file=shown.source.file,
        line=shown.source.line,
        change=change,
        verdict_before=verdict_before,
        verdict_after=verdict_after,
        mode_before=mode_before,
        mode_after=mode_after,
        monthly_cost_before_usd=cost_before if old is not None else None,
        monthly_cost_after_usd=cost_after if new is not None else None,
        monthly_cost_delta_usd=delta,
        why=shown.why,
    )


def is_new_finding(change: WorkloadChange) -> bool:
    return change.verdict_after in FINDINGS and change.verdict_before != change.verdict_after


def _summary(changes: Sequence[WorkloadChange]) -> DiffSummary:
    costed = [change for change in changes if change.monthly_cost_delta_usd is not None]
    before = sum(change.monthly_cost_before_usd or 0.0 for change in costed)
    after = sum(change.monthly_cost_after_usd or 0.0 for change in costed)
    count = {kind: sum(1 for change in changes if change.change == kind) for kind in CHANGE_ORDER}
    return DiffSummary(
        added=count["added"],
        removed=count["removed"],
        changed=count["changed"],
        unchanged=count["unchanged"],
        verdicts_changed=sum(
            1 for change in changes if change.change == "changed" and change.verdict_before != change.verdict_after
        ),
        new_findings=sum(1 for change in changes if is_new_finding(change)),
        monthly_cost_before_usd=round(before, 2),
        monthly_cost_after_usd=round(after, 2),
        monthly_cost_delta_usd=round(after - before, 2),
        uncosted=len(changes) - len(costed),
    )


def new_findings(head: Review, diff: ReviewDiff, head_relative: Callable[[str | None], str]) -> Review:
    """The new version's review with only the workloads whose finding the change brings (for SARIF)."""
    wanted = {(head_relative(change.file), change.name) for change in diff.changes if is_new_finding(change)}
    kept = tuple(item for item in head.workloads if workload_key(item, head_relative) in wanted)
    return head.model_copy(update={"workloads": kept})
