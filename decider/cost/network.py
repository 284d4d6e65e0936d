"""The lines a real bill has besides compute, from the workload's ``network`` section: NAT gateways (hours and data
processed), data transfer out to the internet (volume tiers), CloudWatch Logs (ingestion and a month's storage), and
the EBS root volume of every EC2 node, and the Linux node an EKS cluster of Windows nodes needs for its system pods.

A workload that leaves the section out adds nothing but the root volumes. A quantity the workload gives is priced from
the region's book; a book without these prices (no source gives them for the region) bills each at $0, said on the
line as "no price in this region" (decider/bill_checks.py warns that the bill is low by it).
"""

from __future__ import annotations

from collections.abc import Sequence

from decider.cost.capacity import Ramp
from decider.cost.gaps import NO_PRICE
from decider.cost.line import Line, fixed
from decider.cost.volumes import node_volume_gb, root_volume_gb
from decider.pricing.book import Discount, NetworkPrices, PriceBook, TieredPrice
from decider.pricing.cost_model import CostModel
from decider.workload import Workload

HOURS = 730.0


def network_lines(workload: Workload, book: PriceBook, *, in_vpc: bool, fronted: bool = False) -> list[Line]:
    """NAT gateway, data transfer out and CloudWatch Logs lines for one target; ``in_vpc`` says whether its traffic
    leaves through the VPC's NAT gateways (containers always; Lambda when ``network.vpc`` is true). With a front door
    (``fronted``: a load balancer, API Gateway, a function URL) the data out is the answers to its clients, which
    leave through that door: the NAT gateways process none of it (they carry only connections the workload opens)."""
    network = workload.network
    gateways = network.nat_gateways if in_vpc else 0
    egress, logs = network.egress_gb_per_month, network.logs_gb_per_month
    if not (gateways or egress or logs):
        return []
    prices = book.network
    if prices is None:
        return _unknown_lines(gateways, egress if not fronted else None, egress, logs)
    lines: list[Line] = []
    if gateways:
        hour, per_gb = prices.nat_gateway_hour, prices.nat_gateway_gb
        lines.append(fixed(f"NAT gateways ({gateways})", hour.unit, hour.usd, gateways * HOURS))
        if egress and not fronted:
            lines.append(fixed("NAT gateway data processed (the data out)", per_gb.unit, per_gb.usd, egress))
    if egress:
        free = prices.data_transfer_out_free.quantity if workload.preferences.free_tier else 0.0
        lines += fixed_tier_lines("Data transfer out to the internet", prices.data_transfer_out, egress, free)
    if logs:
        ingested, stored = prices.logs_ingested_gb, prices.logs_stored_gb_month
        free = prices.logs_free.quantity if workload.preferences.free_tier and prices.logs_free is not None else 0.0
        lines.append(_after_free("CloudWatch Logs ingested", ingested.unit, ingested.usd, logs, free))
        lines.append(_after_free("CloudWatch Logs stored (one month's volume)", stored.unit, stored.usd, logs, free))
    return lines


def _after_free(item: str, unit: str, usd: float, quantity: float, allowance: float) -> Line:
    """A line billed past a free ``allowance`` (none: the whole ``quantity``); one the allowance covers whole stays at
    $0, "within the free tier", as the other free-tier charges do."""
    if not allowance:
        return fixed(item, unit, usd, quantity)
    label = f"{item} after {allowance:g} GB free"
    if quantity <= allowance:
        return Line(label, unit, usd, Ramp.fixed(0.0), free=True)
    return fixed(label, unit, usd, quantity - allowance)


def image_pull_lines(workload: Workload, book: PriceBook, scaling: str) -> list[Line]:
    """The image pulls a Fargate task per run of a job makes through the VPC's NAT gateways: a task pulls its image
    every time it starts (Fargate keeps no image between tasks), so a run pulls ``runtime.artifact_mb`` and the NAT
    gateway bills it as data processed, unless the VPC reaches ECR through its VPC endpoints (the line says so). A
    service's tasks pull on deployments and scale-out, which no input gives: not priced."""
    gateways, image_mb = workload.network.nat_gateways, workload.runtime.artifact_mb
    if scaling != "per-run" or not gateways or image_mb <= 0:
        return []
    item = f"NAT gateway data processed (image pulls, {image_mb:g} MB a run; none through ECR VPC endpoints)"
    per_gb = book.network.nat_gateway_gb if book.network is not None else None
    if per_gb is None:  # no network prices in this region's book: shown at $0, as _unknown_lines shows the others
        return [Line(f"{item}: {NO_PRICE}", "GB processed", 0.0, Ramp(image_mb / 1024.0))]
    return [Line(item, per_gb.unit, per_gb.usd, Ramp(image_mb / 1024.0))]


def _unknown_lines(gateways: int, processed: float | None, egress: float | None, logs: float | None) -> list[Line]:
    """The network lines of a region whose book has none of their prices (no source gives them): each quantity the
    workload states, billed at $0 and said so on the line. The bill is low by them (decider/bill_checks.py warns),
    and they are the same for every target that has them, so the other lines still compare."""
    unknown = f": {NO_PRICE}"
    lines: list[Line] = []
    if gateways:
        lines.append(fixed(f"NAT gateways ({gateways}){unknown}", "NAT gateway-hour", 0.0, gateways * HOURS))
        if processed:
            lines.append(fixed(f"NAT gateway data processed (the data out){unknown}", "GB processed", 0.0, processed))
    if egress:
        lines.append(fixed(f"Data transfer out to the internet{unknown}", "GB out to the internet", 0.0, egress))
    if logs:
        lines.append(fixed(f"CloudWatch Logs ingested{unknown}", "GB ingested", 0.0, logs))
        lines.append(fixed(f"CloudWatch Logs stored (one month's volume){unknown}", "GB-month archived", 0.0, logs))
    return lines


def fixed_tier_lines(item: str, price: TieredPrice, quantity: float, allowance: float) -> list[Line]:
    """One line per volume tier the fixed ``quantity`` reaches after a free ``allowance``; a quantity the allowance
    covers whole is one line at $0, shown "within the free tier" as the other free-tier charges are."""
    lines: list[Line] = []
    lower, billed = 0.0, max(0.0, quantity - allowance)
    if quantity > 0 and billed <= 0:
        label = item if len(price.tiers) == 1 else f"{item}, tier 1"
        return [
            Line(f"{label} after {allowance:g} GB free", price.unit, price.tiers[0].usd, Ramp.fixed(0.0), free=True)
        ]
    for index, tier in enumerate(price.tiers):
        upper = tier.up_to if tier.up_to is not None else float("inf")
        within = min(billed, upper) - lower
        if within > 0:
            label = item if len(price.tiers) == 1 else f"{item}, tier {index + 1}"
            lines.append(fixed(label + (f" after {allowance:g} GB free" if allowance else ""), price.unit, tier.usd,
                               within))  # fmt: skip
        lower = upper
    return lines


def instance_volume_lines(
    book: PriceBook,
    model: CostModel,
    ramps: Sequence[Ramp],
    scratch_gb: float = 0.0,
    image_gb: float = 0.0,
    os: str = "linux",
) -> list[Line]:
    """The EBS root volume of every node: instance-hours ÷ 730 × the volume size, in GB-months. The copies' scratch
    disk on a node (``scratch_gb``) beyond what the root volume holds for them enlarges it, and so does their image
    (``image_gb``, pulled and unpacked) beyond what it keeps for the AMI and images (``node_volume_gb``): Fargate
    bills a task's storage above 20 GB, and a node's copies need the same disk. A Windows node (``os``) starts from
    its own root volume (``windows_root_volume_gb``). Shown at $0 with "no price in this
    region" where the book has no EBS price, since every node has one."""
    root = root_volume_gb(model, os)
    size = node_volume_gb(model, scratch_gb, image_gb, os)
    extra = size - root
    if size <= 0:
        return []
    prices: NetworkPrices | None = book.network
    usd = prices.ebs_gp3_gb_month.usd if prices is not None else 0.0
    what = (
        f"{root:g} GB gp3 a node"
        if not extra
        else (f"{root:g} GB root + {extra:g} GB for the copies' scratch disk and image, gp3, a node")
    )
    item = f"EBS root volumes ({what})" + ("" if prices is not None else f": {NO_PRICE}")
    labels = [item] if len(ramps) == 1 else [f"{item}, while work runs", f"{item}, nodes beyond the first"]
    return [Line(label, "GB-month", usd, ramp.scaled(size / HOURS)) for label, ramp in zip(labels, ramps, strict=True)]


#: Amazon EKS clusters must contain one or more Linux or Fargate nodes to run the core system pods that only run on
#: Linux, such as CoreDNS: a cluster of Windows nodes pays for one.
SYSTEM_NODE_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/windows-support.html"


def system_node_lines(
    book: PriceBook, model: CostModel, *, existing: bool, discount: Discount | None = None, term: str = ""
) -> list[Line]:
    """The Linux node an EKS cluster of Windows nodes runs CoreDNS and the other Linux-only system pods on
    (``SYSTEM_NODE_SOURCE``): the cheapest general type of the catalogue with 2 GiB or more, no GPU and not burstable
    (as instance choice skips burstable types not named), up all month with its root volume. An existing cluster
    has it already: shown at $0."""
    fits = [
        instance
        for instance in book.ec2.instances
        if instance.gpu == 0 and instance.family != "burstable" and instance.memory_gib >= 2
    ]
    if not fits:
        return []
    node = min(fits, key=lambda instance: (instance.usd_per_hour, instance.type))
    plan = f", Compute Savings Plan {term}" if discount is not None else ""
    item = f"EKS Linux node for system pods ({node.type}{plan}; Windows nodes cannot run CoreDNS)"
    if existing:
        return [fixed(f"{item}: existing cluster's, already paid", "instance-hour", 0.0, HOURS)]
    prices: NetworkPrices | None = book.network
    volume = f"EBS root volume of the Linux node ({model.root_volume_gb:g} GB gp3)" + (
        "" if prices is not None else f": {NO_PRICE}"
    )
    return [
        fixed(item, "instance-hour", node.usd_per_hour * ((1 - discount.fraction) if discount else 1.0), HOURS),
        fixed(volume, "GB-month", prices.ebs_gp3_gb_month.usd if prices is not None else 0.0, model.root_volume_gb),
    ]
