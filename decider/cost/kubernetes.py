"""What a new EKS cluster's control plane costs for the Kubernetes version it runs (``control.kubernetes_version``), on
its price book's date: the standard-support hour while the version is in standard support, the extended-support hour
for the 12 months after (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Past its
extended support EKS upgrades the control plane to the oldest version it still supports, which bills as that version
does. The calendar is the cost model's ``eks_versions`` (rules/pricing/model.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from decider.cost.line import Line, fixed
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel, KubernetesVersion
from decider.workload import Workload

#: The control plane line of a new cluster whose version is not given (or is in standard support), as bills name it.
STANDARD = "EKS control plane (standard support)"
#: How the line of a control plane in extended support begins.
EXTENDED = "EKS control plane (extended support"


@dataclass(frozen=True, slots=True)
class Support:
    """The support a cluster's control plane has on a date: extended or not, the line's item, and a sentence saying
    why (None for a version not given)."""

    extended: bool
    item: str
    said: str | None = None
    ends: str | None = None
    """When standard support ends, for a version in it that the calendar lists."""


def support(version: str | None, model: CostModel, on: str) -> Support:
    """The support of a control plane running ``version`` (``1.32``; None: not given) on the date ``on``
    (YYYY-MM-DD)."""
    if version is None:
        return Support(False, STANDARD)
    calendar = model.eks_versions
    minor = int(version.split(".", 1)[1])
    entry = next((item for item in calendar if item.minor == minor), None)
    if not calendar or (entry is None and minor > calendar[-1].minor):
        newest = calendar[-1].version if calendar else "none"
        return Support(
            False,
            f"{STANDARD[:-1]}, Kubernetes {version})",
            f"Kubernetes {version} is newer than the last version decider's EKS calendar lists ({newest}): its control "
            "plane is billed in standard support.",
        )
    if entry is not None and on < entry.end_of_standard_support:
        return Support(
            False,
            f"{STANDARD[:-1]}, Kubernetes {version} until {entry.end_of_standard_support})",
            f"Kubernetes {version} is in EKS standard support until {entry.end_of_standard_support}{_guess(entry)}; "
            "from then its control plane bills the extended-support hour.",
            entry.end_of_standard_support,
        )
    if entry is not None and on < entry.end_of_extended_support:
        return Support(
            True,
            f"{EXTENDED}: Kubernetes {version} since {entry.end_of_standard_support})",
            f"Kubernetes {version} left EKS standard support on {entry.end_of_standard_support}{_guess(entry)} and "
            f"is in extended support until {entry.end_of_extended_support} on the price book's date ({on}).",
        )
    # Past its extended support (or older than the calendar): EKS upgrades it to the oldest version still supported
    first = calendar[0].end_of_extended_support
    ended = f"on {entry.end_of_extended_support}" if entry is not None else f"before {first}"
    upgraded = next((item for item in calendar if on < item.end_of_extended_support), None)
    if upgraded is None or on < upgraded.end_of_standard_support:
        to = upgraded.version if upgraded is not None else "a newer version"
        return Support(
            False,
            f"{STANDARD[:-1]}, Kubernetes {version} upgraded by EKS to {to})",
            f"Kubernetes {version}'s EKS extended support ended {ended}: EKS upgrades the control plane to {to}, "
            "in standard support on the price book's date.",
        )
    return Support(
        True,
        f"{EXTENDED}: Kubernetes {version} upgraded by EKS to {upgraded.version})",
        f"Kubernetes {version}'s EKS extended support ended {ended}: EKS upgrades the control plane to "
        f"{upgraded.version}, the oldest version it still supports, in extended support on the price book's date "
        f"({on}) until {upgraded.end_of_extended_support}.",
    )


def _guess(entry: KubernetesVersion) -> str:
    return " (a date not yet on AWS's page as read: uncertain)" if entry.uncertain else ""


#: The hours of the month a bill prices, from the price book's date.
MONTH_HOURS = 730.0


def standard_hours(found: Support, on: str) -> float:
    """The hours of the month from ``on`` that a version in standard support stays in it: all of them, or those
    before the day its standard support ends (extended support is billed from the start of that day, UTC)."""
    if found.extended:
        return 0.0
    if found.ends is None:
        return MONTH_HOURS
    days = (date.fromisoformat(found.ends) - date.fromisoformat(on)).days
    return min(MONTH_HOURS, max(0.0, days * 24.0))


def control_plane_lines(version: str | None, book: PriceBook, model: CostModel) -> list[Line]:
    """The control plane lines of a new EKS cluster running ``version``, priced by its support over the month from
    the book's date: the standard hour, then the extended-support hour from the day standard support ends when that
    comes within the month (audit of round 39's changes, F5: 1.34, ending five days after us-east-1's book, was billed
    the standard hour all month)."""
    found = support(version, model, book.as_of)
    standard, extended = book.eks.control_plane_hour.usd, book.eks.extended_support_control_plane_hour.usd
    if found.extended:
        return [fixed(found.item, "cluster-hour", extended, MONTH_HOURS)]
    hours = standard_hours(found, book.as_of)
    lines = [fixed(found.item, "cluster-hour", standard, hours)]
    if hours < MONTH_HOURS:
        item = f"{EXTENDED}: Kubernetes {version} from {found.ends})"
        lines.append(fixed(item, "cluster-hour", extended, MONTH_HOURS - hours))
    return lines


def monthly_usd(version: str | None, book: PriceBook, model: CostModel) -> tuple[float, bool]:
    """The control plane's month from the book's date, and whether any of it is in extended support."""
    lines = control_plane_lines(version, book, model)
    extended = any(line.item.startswith(EXTENDED) for line in lines)
    return sum(line.unit_price_usd * line.quantity(0.0) for line in lines), extended


def plane_support(workload: Workload, book: PriceBook, model: CostModel) -> str:
    """The support an EKS sizing names for the workload's control plane: ``eks-extended-support`` or
    ``eks-standard-support``."""
    found = support(workload.control.kubernetes_version, model, book.as_of)
    extended = found.extended or standard_hours(found, book.as_of) < MONTH_HOURS
    return "eks-extended-support" if extended else "eks-standard-support"
