"""Plans already priced within one decision, for the rankings of changed workloads that price the same.

The advice search (decider/advice.py) and the review's evidence (decider/review_evidence.py) rank a workload again
for each change they try. Many changes leave everything the bills read as it was: the team's experience and ops
capacity, ``optimize_for``, a cold start (but a job's), a longest duration (but where the two move Lambda's front
door), the control needs (``UNPRICED``). Their rankings differ in the rules that fire and in the scores, not in what
each target's plan in each mode costs, so ``choose_modes`` (decider/cost/modes.py) takes those plans from here instead
of sizing and pricing them again. The key is every input a plan is priced from (``key``); the memo lives for one
decision, so nothing is carried from one answer to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from decider.cost.capacity import profiled_burst
from decider.cost.doors import CLIENT_PROTOCOLS
from decider.cost.sizing import LAMBDA_ZIP_MAX_MB, front_door, purchase_for
from decider.defaults_said import assumed_for_bursts
from decider.facts import Facts, image_on_disk_gb
from decider.pricing.book import PriceBook
from decider.scoring import Quiet
from decider.workload import JOB_PATTERNS, SECTIONS, Workload

if TYPE_CHECKING:
    from decider.cost.bill import Plan


@dataclass
class PlanMemo:
    """The plans of one decision, by priced inputs: each target's own plan per purchase option (``bases``, with why it
    is not priced when it is not) and each target's plan in a mode built on it (``modes``)."""

    bases: dict[tuple[int, bool, str], tuple[Plan | None, str | None]] = field(default_factory=dict)
    modes: dict[tuple[int, str, str, bool, bool], Plan | None] = field(default_factory=dict)
    quotes: dict[Hashable, Any] = field(default_factory=dict)
    """The quotes (``Quote``, decider/cost/quote.py, which this module may not import) of the rankings nobody reads,
    by what they are priced from."""
    keys: dict[Hashable, int] = field(default_factory=dict)
    """Each distinct set of priced inputs, numbered: plans are keyed by the number, so a lookup hashes a small tuple
    instead of the workload's sections again."""
    quiet: Quiet = field(default_factory=Quiet)
    """The rules' outcomes in the workload the decision's unread rankings change (the reference, ``Quiet.pin`` in
    decider/firing.py), so each fires only what differs from it."""
    last: object = None
    """The unread rankings whose rules fired as the reference's, by what they were priced from (``Alike`` in
    decider/ranking.py, which this module may not import): another that would rank alike is one of them."""
    kept: object = None
    """The exclusions last found for the bills of a changed volume or mode (``Kept`` in decider/ranking.py), with the
    values they were found from: the volumes a decision's crossing checks price move none of them."""
    sized: dict[int, int] = field(default_factory=dict)
    """Each number's instance choices, by number (``instances``): the first number priced from the same inputs but
    those no instance choice reads."""
    choices: dict[int, dict[tuple[bool, bool, float], Any]] = field(default_factory=dict)
    """The instance types chosen (``InstanceOption``, by management fee, node kind and the share of compute billed;
    decider/cost/sizing.py ``size_instances``), by the number in ``sized``."""
    terms: dict[int, int] = field(default_factory=dict)
    """Each number's twin (``bought``): the first number priced from the same inputs but the Savings Plans term (and
    the free tier, where no line of a container's plan reads it)."""
    alike: dict[Hashable, int] = field(default_factory=dict)
    """The keys of ``sized`` and ``terms``, numbered by the first number that had them."""

    def key(self, workload: Workload, facts: Facts, book: PriceBook, image_room: float, *, shown: bool = True) -> int:
        """The number of everything a plan is priced from but the Spot preference (keyed on its own, per purchase
        option): every workload field but those in ``UNPRICED``, the largest body when a front door bills by it, the
        work in flight at peak, and the price book.

        The work in flight at peak reaches no bill line, only a sizing's peak figures (most copies and instances,
        Lambda's concurrency at peak), as Lambda's longest run on a new environment reaches only its timeout. A
        ranking nobody reads (``shown=False``) reads no sizing, so it is keyed without them, and takes the plans of
        any ranking that differs only there; a ranking shown gets its own."""
        # Only a front door (API Gateway's increments, a load balancer's processed bytes) or a streamed response bills
        # by body size: with neither (a queue worker, a batch job), the size reaches no bill.
        # Lambda's door reads the longest duration and (on demand) the start, which are otherwise unpriced: keyed by
        # the doors, on demand and on Lambda Managed Instances
        function_door = front_door(workload, serverless=True)
        # A client's response streamed by Lambda is billed by its size too, with no front door (the SDK's stream)
        doors = function_door or front_door(workload, serverless=False) or CLIENT_PROTOCOLS & set(workload.protocols)
        billed = (
            _PRICED["runtime"](workload.runtime),
            _PRICED["traffic"](workload.traffic),
            workload.traffic.front_door,
            workload.traffic.payload_mb if doors else None,
            # A run of a job is billed from its start (decider/cost/capacity.py run_seconds); a copy kept up is not
            workload.runtime.startup_s if workload.traffic.pattern in JOB_PATTERNS else None,
            # The image takes disk past what a Fargate task includes or a node's root volume keeps for images, or none
            workload.runtime.artifact_mb if image_billed(workload, facts, book, image_room) else None,
            workload.runtime.artifact_mb > LAMBDA_ZIP_MAX_MB,  # Lambda's sizing names its package type
            _PRICED["control"](workload.control),
            _PRICED["network"](workload.network),
            _PRICED["preferences"](workload.preferences),
            _PRICED["team"](workload.team),
            function_door,
            front_door(workload, serverless=True, cold=False),
            id(book),
            profiled_burst(workload),  # copies assumed for bursts, kept hour by hour, bill unlike a given minimum
            assumed_for_bursts(workload.runtime)[1],  # environments assumed for bursts: by the hour, unlike those given
        )
        if not shown:
            number = self.keys.setdefault(billed, len(self.keys))
            if number not in self.sized:
                self._number_alike(number, workload, billed, ())
            return number
        # a Lambda sizing's, with the start's, and its timeout (the longest run on a new environment)
        at_peak = (facts.peak_concurrency, facts.lambda_burst_concurrency, facts.lambda_cold_run_s)
        number = self.keys.setdefault((billed, at_peak), len(self.keys))
        self.keys.setdefault(billed, number)  # the rankings nobody reads price alike whatever the peak
        if number not in self.sized:
            self._number_alike(number, workload, billed, at_peak)
        return number

    def _number_alike(self, number: int, workload: Workload, billed: tuple[Any, ...], at_peak: tuple[Any, ...]) -> None:
        """Number ``number``'s twins: the inputs an instance choice reads (``sized``), and every priced input but the
        Savings Plans term, and the free tier where no data out or logs are billed (``terms``; with the peak's figures
        for a ranking shown, as ``key`` numbers it)."""
        if len(billed) != len(_PARTS):  # a part added to ``key`` is named in _PARTS, or the twins would be wrong
            raise ValueError(f"PlanMemo.key priced {len(billed)} parts, _PARTS names {len(_PARTS)}")
        network, preferences = workload.network, workload.preferences
        chosen = ("sized", preferences.region, *(billed[index] for index in _CHOSEN_AT))
        self.sized[number] = self.alike.setdefault(chosen, number)
        # A container's plan reads the free tier only in its data out's and logs' lines (decider/cost/network.py):
        # with neither, its plans on either side are alike (a function's reads it too, and is sized again)
        free = preferences.free_tier if network.egress_gb_per_month or network.logs_gb_per_month else None
        terms = _TERMLESS(preferences), free
        bought = ("terms", *billed[:_PREFERENCES_AT], terms, *billed[_PREFERENCES_AT + 1 :])
        self.terms[number] = self.alike.setdefault((bought, at_peak) if at_peak else bought, number)
        if at_peak:
            self.alike.setdefault(bought, number)  # a ranking nobody reads takes the plans of any peak

    def instances(self, number: int) -> dict[tuple[bool, bool, float], Any]:
        """The instance types chosen for the rankings numbered alike in all an instance choice reads (``sized``),
        for ``plan_targets`` to choose each once; a number this memo did not give has its own."""
        return self.choices.setdefault(self.sized.get(number, -1 - number), {})

    def bought(self, number: int, spot: bool, target: str, workload: Workload) -> Plan | None:
        """A plan of ``target`` priced from all that ``number`` is priced from but the Savings Plans term, the free
        tier where no line of it reads it (``terms``), and maybe the Spot preference: a Fargate plan, for
        decider/cost/repurchase.py to buy on ``workload``'s term; a plan on instances bought as ``workload`` buys it
        (on Spot, whatever the term), to take as it is, since its type is chosen by the price its purchase bills
        (decider/cost/hourly.py ``compute_factor``); None for any other. A Windows cluster's Linux system node
        (EKS) is bought on the term too, and its plan is not taken."""
        twin = self.terms.get(number, number)
        if twin == number:
            return None
        for flag in (spot, not spot):
            found = self.bases.get((twin, flag, target))
            plan = found[0] if found is not None else None
            if plan is not None:
                fields = plan.draft.fields
                if fields.get("os") == "windows" and fields.get("control_plane"):
                    return None
                if "instance_type" in fields and fields["purchase"] != purchase_for(workload, spot_allowed=True):
                    return None
                return plan
        return None


def image_billed(workload: Workload, facts: Facts, book: PriceBook, image_room: float) -> bool:
    """Whether the image's size reaches a bill: a Fargate task's disk (scratch and image) past the storage it
    includes, an image past the room a node's root volume keeps for images (``image_room``, GB;
    decider/cost/volumes.py image_room_gb), or a job's image pulled through NAT gateways every run
    (decider/cost/network.py image_pull_lines). Otherwise any image size prices alike."""
    if workload.network.nat_gateways and workload.traffic.pattern in JOB_PATTERNS:
        return True
    included = book.fargate.included_ephemeral_storage_gb.quantity if book.fargate is not None else 20.0
    image_gb = image_on_disk_gb(workload.runtime.artifact_mb)
    return facts.container_disk_gb > included or image_gb > image_room


#: The workload fields no plan is priced from: they decide eligibility and the rules' points, not bills (the longest
#: duration reaches a bill only through the function's front door, which is keyed). A ranking
#: whose change touches only these takes its plans from the memo (the advice search tries a cold start, a longest
#: duration and the team's capacity on most workloads). The peak rate and the start reach a sizing only through the
#: work in flight at peak (``Facts.peak_concurrency``, and for a burst ``Facts.lambda_burst_concurrency``, keyed for a
#: ranking shown) and no bill line at all; the largest body
#: is keyed where a front door bills by it; the Spot preference is keyed per purchase option
#: (decider/cost/modes.py). A field added to a section is keyed until it is listed here; tests/cost/test_memo.py
#: changes every field listed here on every scenario and checks that every plan is the one priced afresh.
UNPRICED: Mapping[str, frozenset[str]] = {
    "runtime": frozenset({"max_duration_s", "startup_s", "artifact_mb"}),  # the start, the image: keyed on their own
    "traffic": frozenset({"peak_rps", "latency_slo_ms", "payload_mb"}),  # the body's size: keyed on its own
    "control": frozenset({"privileged", "host_daemons", "sidecars", "custom_ami", "kubernetes_api", "portability"}),
    "network": frozenset(),
    "preferences": frozenset({"optimize_for", "spot_ok"}),
    "team": frozenset({"kubernetes_experience", "ops_capacity"}),
}


def _getter(section: str, *apart: str) -> Callable[[Any], Any]:
    names = [name for name in SECTIONS[section].model_fields if name not in UNPRICED[section] and name not in apart]
    return attrgetter(*names)  # one name reads a value, several a tuple: either hashes as the key needs


#: The priced fields of each section; the front door is keyed on its own (no instance choice reads it).
_PRICED: Mapping[str, Callable[[Any], Any]] = {
    section: _getter(section, *(("front_door",) if section == "traffic" else ())) for section in UNPRICED
}
#: The parts of ``PlanMemo.key``'s priced inputs, in its order.
_PARTS = (
    "runtime", "traffic", "door", "body", "start", "image", "package", "control", "network", "preferences", "team",
    "function door", "function door at work", "book", "bursts", "environments",
)  # fmt: skip
#: An instance type is chosen by the month's cost of the copies' instances and their volumes, as the purchase option
#: bills compute (decider/cost/instances.py cheapest_instance; each choice is kept by that share, ``compute_factor``):
#: not by a front door, the body's size, the network's lines or the free tier (of the preferences, the region alone:
#: its price book; the purchase terms through the share); nor by the peak's figures, which reach no bill. The parts it
#: reads (``PlanMemo.instances``):
_CHOSEN_AT = tuple(
    index
    for index, part in enumerate(_PARTS)
    if part not in ("door", "body", "network", "preferences", "function door", "function door at work")
)
_PREFERENCES_AT = _PARTS.index("preferences")
#: The priced preferences but the Savings Plans term and the free tier (``PlanMemo.bought``).
_TERMLESS = _getter("preferences", "commitment", "free_tier")
