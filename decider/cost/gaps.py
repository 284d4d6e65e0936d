"""Price gaps: a price a target's bill needs that the region's price book leaves out.

A book leaves a figure out when no source gives it for the region (``missing:`` in the book says why). The target
that needs it gets no bill, and says "no price in this region" and which price, rather than borrowing another
region's figure.
"""

from __future__ import annotations

from decider.cost.compiled import Compiled
from decider.cost.sizing import fargate_platform_name
from decider.errors import nearest
from decider.known_names import typo_of
from decider.numbers import show
from decider.pricing.book import Instance, PriceBook
from decider.pricing.cost_model import KubeletReserve
from decider.workload import Workload

NO_PRICE = "no price in this region"
#: What a bill line priced from a floor says (a book's ``floors:``: another region's figure where none was sourced).
FLOOR_PRICE = "another region's price, a floor"

_FARGATE_LABEL = {"linux_x86_64": "Linux/x86", "linux_arm64": "Linux/ARM", "windows_x86_64": "Windows/x86"}


class Unpriced(Exception):
    """A target the cost model cannot bill: the reason is shown with the target instead of a monthly cost."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def gap(book: PriceBook, path: str, what: str) -> Unpriced:
    """The Unpriced for a missing price at ``path``, with the book's reason when it gives one."""
    why = book.explains(path)
    detail = f": {why}" if why else ""
    return Unpriced(f"{NO_PRICE}: the {book.region} price book has no {what} ({path}){detail}")


def check_front_door(book: PriceBook, door: str | None, *, serverless: bool) -> None:
    """Raise Unpriced when the front door's prices are missing (containers reach API Gateway through a load
    balancer)."""
    if door is not None and door.startswith("api-gateway") and book.api_gateway is None:
        raise gap(book, "api_gateway", "API Gateway prices")
    if (
        door == "api-gateway-websocket-api"
        and book.api_gateway is not None
        and (book.api_gateway.websocket_messages is None or book.api_gateway.websocket_connection_minutes is None)
    ):
        raise gap(book, "api_gateway.websocket_messages", "API Gateway WebSocket prices")


def check_lambda(book: PriceBook, ephemeral_storage_mb: int) -> None:
    if ephemeral_storage_mb > 512 and book.lambda_.ephemeral_storage is None:
        raise gap(book, "lambda.ephemeral_storage", "Lambda ephemeral storage price")


def check_fargate(book: PriceBook, workload: Workload, ephemeral_storage_gb: float) -> None:
    fargate = book.fargate
    if fargate is None:
        raise gap(book, "fargate", "Fargate prices")
    name = fargate_platform_name(workload, book)
    if getattr(fargate, name) is None:
        raise gap(book, f"fargate.{name}", f"Fargate {_FARGATE_LABEL[name]} prices")
    extra = ephemeral_storage_gb > fargate.included_ephemeral_storage_gb.quantity
    if extra and fargate.ephemeral_storage_gb_hour is None:
        raise gap(book, "fargate.ephemeral_storage_gb_hour", "Fargate ephemeral storage price")


def check_instances(book: PriceBook, workload: Workload) -> None:
    if not book.ec2.instances:
        raise gap(book, "ec2.instances", "EC2 instance prices")
    if workload.runtime.os == "windows" and book.ec2.windows_license_vcpu_hour is None:
        raise gap(book, "ec2.windows_license_vcpu_hour", "Windows licence-included EC2 price")


#: How the reason reads when every type control.instance_types names is built for another architecture.
OTHER_ARCHITECTURE = "types only, and runtime.architecture is"


def no_fitting_type(
    book: PriceBook, workload: Workload, vcpu: float, reserve: KubeletReserve | None = None
) -> Unpriced:
    """Why no catalogue type holds one copy: the copy's shape against the largest types the catalogue has, and for an
    EKS node (``reserve``: the vCPU its kubelet and system pods keep) what it leaves for pods (property audit 32, F1:
    a 192-vCPU pod was told the largest type had 128 vCPU, beside ECS billed on a 192-vCPU one)."""
    runtime = workload.runtime
    shape = f"{show(vcpu)} vCPU, {show(runtime.memory_mb)} MB" + (f", {runtime.gpu} GPU" if runtime.gpu else "")
    named = workload.control.instance_types
    unpriced = unknown_names(book, named)
    if named and len(unpriced) == len(named):  # every name the book does not price: no size is at fault
        said = "; ".join(f"{name}{_nearest_said(near, typo, 'nearest priced')}" for name, near, typo in unpriced)
        return Unpriced(f"{NO_PRICE}: the {book.region} price book does not price {said}{ONLY_NAMED}")
    where = f"the {book.region} catalogue" + (f" limited to {', '.join(named)}" if named else "")
    in_named = [i for i in book.ec2.instances if not named or i.type in named or i.type_family in named]
    if named and in_named and runtime.architecture != "any":
        other = sorted({i.architecture for i in in_named} - {runtime.architecture})
        if not any(i.architecture == runtime.architecture for i in in_named):
            # The names are another architecture's (m7g is Graviton): no size of theirs runs the image as built
            return Unpriced(
                f"no instance type in {where} holds one copy: control.instance_types names {', '.join(other)} "
                f"{OTHER_ARCHITECTURE} {runtime.architecture}; name {runtime.architecture} types "
                "(or families), or build the image for the architecture named"
            )
    arch = runtime.architecture if runtime.architecture != "any" else "any architecture"
    gpu = " GPU" if runtime.gpu else ""  # a GPU job is measured against the GPU types
    fitting = [i for i in in_named if runtime.architecture in ("any", i.architecture) and (i.gpu or not gpu)]
    # The largest in what the copy outgrows: vCPUs when no type has as many for pods, else memory

    def pods(instance: Instance) -> float:
        """The vCPU a type leaves for copies: all of it, or an EKS node's less what it keeps."""
        return instance.vcpu - (reserve.vcpu(instance.vcpu) if reserve is not None else 0.0)

    by_cpu = bool(fitting) and vcpu > max(pods(i) for i in fitting)
    if gpu:
        largest = max(fitting, key=lambda i: (i.gpu, i.memory_gib, i.vcpu), default=None)
    elif by_cpu:  # the most vCPUs, a type without GPUs first
        largest = max(fitting, key=lambda i: (i.vcpu, not i.gpu, i.memory_gib), default=None)
    else:
        largest = max(fitting, key=lambda i: (i.memory_gib, i.vcpu), default=None)
    biggest = (
        f"; its largest {arch}{gpu} type is {largest.type} ({show(largest.vcpu)} vCPU, {show(largest.memory_gib)} GiB"
        + (f", {largest.gpu} GPU)" if gpu else ")")
        if (largest is not None)
        else ""
    )
    if largest is not None and pods(largest) < vcpu <= largest.vcpu:  # the node's own share keeps it out
        left = f"{pods(largest):,.3f}".rstrip("0").rstrip(".")  # to the thousandth: 127.485 of a 127.5 pod
        biggest += f", which leaves {left} vCPU for pods after its kubelet's and system pods' share"
    unknown = "".join(
        f"; {name} matches no instance type or family this book prices{_nearest_said(near, typo, 'nearest')}"
        for name, near, typo in unpriced
    )
    return Unpriced(f"no instance type in {where} holds one copy ({shape}){biggest}{_left_out(book, named)}{unknown}")


#: How the reason reads after the names the book does not price, when they are all control.instance_types names.
ONLY_NAMED = ", the only instance types control.instance_types allows, so no type is left to size a copy on"
_UNKNOWN: Compiled[tuple[tuple[str, str | None, bool], ...]] = Compiled(limit=256)


def unknown_names(book: PriceBook, named: tuple[str, ...]) -> tuple[tuple[str, str | None, bool], ...]:
    """The names in ``control.instance_types`` that match no type or family of the catalogue nor one the book leaves
    out (a typo, or a type the book does not price), each with the nearest name the book prices (p4dd: p4d) and
    whether it is that name with a letter typed twice (a likely typo: did you mean it?); found once per price book and
    names (the advice search prices the same names many times)."""

    def build() -> tuple[tuple[str, str | None, bool], ...]:
        listed = {instance.type for instance in book.ec2.instances}
        types = listed | set(book.absent_types())
        families = {name.split(".", 1)[0] for name in types}
        known = sorted(families | types)
        found = []
        for name in named:
            if name in types or name in families:
                continue
            typo = typo_of(name, listed)  # a listed type (a listed family) with a letter typed twice
            found.append((name, typo, True) if typo else (name, nearest(name, known), False))
        return tuple(found)

    return _UNKNOWN.get((id(book), named), book, build)


def _nearest_said(near: str | None, typo: bool, label: str) -> str:
    """The nearest name the book prices, as the reason says it: asked after when it is a likely typo (``typo_of``)."""
    if near is None:
        return ""
    return f" (did you mean {near!r}?)" if typo else f" ({label}: {near})"


def _left_out(book: PriceBook, named: tuple[str, ...]) -> str:
    """The types the book leaves out (``missing: ec2.instances[<type>]``) that could have held the copy: those the
    workload names, with the book's reason, or every one when it names none."""
    absent = book.absent_types()
    if named:
        hits = [name for name in absent if name in named or name.split(".", 1)[0] in named]
        return "".join(f"; {name} is not in this book: {absent[name]}" for name in hits)
    return f"; this book leaves out {', '.join(absent)} (not offered or not sourced here)" if absent else ""
