"""What would change the answer, tried by the engine itself: every counterfactual is a changed workload ranked anew.

Candidates, most useful first: each assumption decider made (a default) tried at other plausible values (×0.1 and
×10 for numbers, every other value of an enum or flag, decider/alternatives.py); each cost crossing (a volume just
past it, moved to the nearest volume that changes the answer, decider/flip.py); each excluded target's fix (every
rule keeping it out made false at its edge, decider/fixes.py); each preference flipped. A candidate is kept only when
the recommendation under the change differs from today's; its ``recommendation`` is the one the engine gave, so every
counterfactual is true when applied. An assumption whose change flips the answer is *decisive*.

Every candidate is tried: an assumption left untried could be the one the answer rests on, and a decisive
assumption the search never tried is one the answer does not say. The work per decision is still bounded, by a
number of trials (``BUDGET``) and not by a clock, so the same workload always gets the same answer: ``BUDGET`` is
the most candidates a decision can have. Most trials change no bill, or only what the rules read, and reuse the
decision's plans (decider/cost/memo.py); ``make bench`` measures what the search costs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from decider.advice_text import message
from decider.alternatives import AVERAGE, alternatives
from decider.cost.breakeven import distance
from decider.cost.memo import PlanMemo
from decider.decision import BreakEven
from decider.errors import DeciderError
from decider.facts import ONE
from decider.fixes import fix, fix_context, in_order, plausible, shortened, value_at, ways_in
from decider.flip import gap, nearest_flip
from decider.network import door_moves
from decider.peak_assumed import UNNAMED_PEAK
from decider.ranking import Ranked, rank
from decider.rules.fields import SECTION_PATHS
from decider.rules.model import Ruleset
from decider.workload import ParsedWorkload, Workload, resolve_defaults

#: The most workloads the search ranks for one decision; candidates past it are counted in ``Advice.untried``. It is
#: the most candidates a decision can have (tests/test_advice.py counts them): 35 other values of the 17 assumptions,
#: 3 cost crossings, a fix for each of the 5 targets, 7 preference flips; for a job, one more value of its average and
#: of its longest run; and an assumed peak that a peak given would keep capacity up for (decider/peak_assumed.py).
BUDGET = 53
#: Cost crossings tried, nearest the workload's volume first.
MAX_CROSSINGS = 3

#: Defaults worth trying: the quantities people estimate (durations, volumes, sizes) and the team's capacity. Facts a
#: user knows and would have said (the OS, a long-running process, the current platform) are not tried; the flags of
#: control and preferences are the user's choices, tried as preference flips instead.
ASSUMPTION_PATHS = (
    "runtime.avg_duration_ms",
    "traffic.requests_per_month",
    "runtime.max_duration_s",
    "traffic.peak_rps",
    "runtime.min_copies",
    "runtime.provisioned_concurrency",
    "traffic.bursts_per_day",
    "runtime.memory_mb",
    "runtime.vcpu",
    "traffic.pattern",
    "runtime.concurrency_per_copy",
    "traffic.connections",
    "traffic.payload_mb",
    "runtime.startup_s",
    "runtime.artifact_mb",
    "team.ops_capacity",
    "team.kubernetes_experience",
)

DOOR = "traffic.front_door"
PEAK = "traffic.peak_rps"
#: The front doors tried for an HTTP service that names none (decider prices AWS Lambda behind an API Gateway HTTP API
#: and containers behind an Application Load Balancer, decider/cost/sizing.py front_door): Lambda behind a function
#: URL, which adds no charge (https://aws.amazon.com/lambda/pricing/), and every target behind one load balancer.
#: Either can decide a close answer (architect audit 25, F6).
DOORS_TRIED = ("function-url", "alb")

PREFERENCES: tuple[tuple[str, tuple[Any, ...]], ...] = (
    ("preferences.optimize_for", ("balanced", "cost", "simplicity", "control")),
    ("preferences.commitment", ("none", "1yr", "3yr")),
    ("preferences.spot_ok", (False, True)),
    ("preferences.free_tier", (False, True)),
)


@dataclass(frozen=True, slots=True)
class Counterfactual:
    """A change to the workload (dotted paths → values) and the recommendation the engine gives with it."""

    change: Mapping[str, Any]
    recommendation: str | None
    message: str
    kind: str
    """assumption, cost-crossing, exclusion or preference."""


@dataclass(frozen=True, slots=True)
class Advice:
    counterfactuals: tuple[Counterfactual, ...]
    decisive: tuple[str, ...]
    """The paths of the assumptions whose other plausible values change the recommendation."""
    eligible_with: Mapping[str, Mapping[str, Any]]
    """For each excluded target, a change that lets it in (verified), when one was found."""
    tried: int
    untried: int
    still_out: Mapping[str, tuple[Mapping[str, Any], tuple[str, ...]]] = field(default_factory=dict)
    """For each excluded target no change let in, its own fix tried and the rules that kept it out even then (a
    limit that held back another: Lambda's cold start past 15 minutes once its longest run is cut to 900 s)."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    change: Mapping[str, Any]
    kind: str
    about: str = ""
    """The assumption's path, the excluded target, or the crossing's cheaper target."""


def apply(given: Workload, change: Mapping[str, Any]) -> Workload:
    """The workload as given with ``change`` (dotted paths → values) laid over it, defaults not yet resolved."""
    by_section: dict[str, dict[str, Any]] = {}
    for path, value in change.items():
        section, _, name = path.partition(".")
        # A list field is a tuple in the workload (plans are memoised by it): a caller's list is taken as one.
        by_section.setdefault(section, {})[name] = tuple(value) if isinstance(value, list) else value
    return given.model_copy(
        update={section: getattr(given, section).model_copy(update=values) for section, values in by_section.items()}
    )


def _candidates(
    parsed: ParsedWorkload, ruleset: Ruleset, ranked: Ranked, crossings: Sequence[BreakEven]
) -> Iterator[_Candidate]:
    """Every change worth trying, most useful first: the two assumptions answers rest on most (the average duration
    and the monthly volume), the nearest cost crossings, the excluded targets' fixes, the goal, then the other
    assumptions and preferences."""
    workload = parsed.workload
    defaults = dict(parsed.defaults)

    def assumptions(paths: Sequence[str]) -> Iterator[_Candidate]:
        for path in paths:
            if path in defaults:
                now = value_at(workload, path)
                others = alternatives(path, now, workload)
                if path == PEAK and any(said.startswith(UNNAMED_PEAK) for said in parsed.assumptions):
                    others = [now, *others]  # the peak assumed, given as it is: it keeps capacity up for bursts
                for other in others:
                    change = _pinned(workload, defaults, path, other)
                    if change is not None and in_order(workload, defaults, change):
                        yield _Candidate(change, "assumption", path)

    def preferences(paths: Sequence[str]) -> Iterator[_Candidate]:
        for path, values in PREFERENCES:
            if path in paths:
                now = value_at(workload, path)
                yield from (_Candidate({path: value}, "preference", path) for value in values if value != now)

    yield from assumptions(ASSUMPTION_PATHS[:2])
    requests = max(workload.requests_per_month, 1.0)
    nearest = sorted(crossings, key=lambda point: distance(point.requests_per_month, requests))
    for point in nearest[:MAX_CROSSINGS]:
        volume = point.requests_per_month * (1.2 if point.requests_per_month >= requests else 1 / 1.2)
        crossing = {"traffic.requests_per_month": float(f"{volume:.2g}")}
        if in_order(workload, defaults, crossing):
            yield _Candidate(crossing, "cost-crossing", point.target)
    exclusions = ranked.evaluation.exclusions
    context = fix_context(workload, ruleset) if exclusions else {}  # read by every fix, built once
    for target, fired in exclusions.items():
        for group in ways_in(fired):
            change: dict[str, Any] = {}
            for item in group:
                relaxed = fix(item.rule, workload, context, ruleset) if item.rule is not None else None
                if relaxed is None:
                    change = {}
                    break
                change.update(relaxed)
            change = shortened(workload, defaults, change)
            if change and plausible(workload, change) and in_order(workload, defaults, change):
                yield _Candidate(change, "exclusion", target)
    yield from preferences(("preferences.optimize_for",))
    yield from assumptions(ASSUMPTION_PATHS[2:])
    if workload.traffic.front_door is None and "http" in workload.protocols:  # each target's door, decider's pick
        yield from (_Candidate({DOOR: door}, "assumption", DOOR) for door in DOORS_TRIED)
    yield from preferences(("preferences.commitment", "preferences.spot_ok", "preferences.free_tier"))


def _pinned(workload: Workload, defaults: Mapping[str, Any], path: str, value: Any) -> dict[str, Any] | None:
    """The change that tries ``value`` for an assumed longest run with the average run as it is now, when the average
    was assumed too: it is derived from the longest and would move with it, so the answer would rest on the average,
    which is tried on its own. None when the average does not fit in that longest run; else ``{path: value}``."""
    if path != "runtime.max_duration_s" or AVERAGE not in defaults:
        return {path: value}
    average_ms = workload.avg_duration_s * 1000.0
    return {path: value, AVERAGE: average_ms} if average_ms <= float(value) * 1000.0 else None


def search(
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    ranked: Ranked,
    crossings: Sequence[BreakEven],
    budget: int = BUDGET,
    memo: PlanMemo | None = None,
) -> Advice:
    """Try every candidate change (at most ``budget`` of them); keep those that change the recommendation. ``memo``
    (the decision's) lends the changed workloads the plans they price alike (decider/cost/memo.py)."""
    given = parsed.given
    if given is None:
        return Advice((), (), {}, 0, 0)
    now = ranked.recommendation
    kept: list[Counterfactual] = []
    decisive: list[str] = []
    eligible_with: dict[str, Mapping[str, Any]] = {}
    still_out: dict[str, tuple[Mapping[str, Any], tuple[str, ...]]] = {}
    seen: dict[tuple[tuple[str, Any], ...], Ranked | None] = {}  # each change tried, with its ranking
    volumes: dict[float, Ranked | None] = {}  # each volume a flip ranked: another crossing's flip ranks some again
    kept_out_by = {target: {fired.id for fired in by} for target, by in ranked.evaluation.exclusions.items()}
    if memo is not None:  # each trial is a change or two away from today's workload: its rules fire from today's
        memo.quiet.pin(ruleset, ranked.context, ranked.workload.preferences.optimize_for)
    tried = untried = 0
    for candidate in _candidates(parsed, ruleset, ranked, crossings):
        key = tuple(sorted((path, repr(value)) for path, value in candidate.change.items()))
        if key in seen:  # another target's fix, or an assumption's value, tried already: what it let in is known
            earlier = seen[key]
            if candidate.kind == "exclusion" and earlier is not None:
                _let_in(candidate, earlier, eligible_with, still_out)
            continue
        if tried >= budget:
            seen[key] = None  # counted once as untried, as a change tried is counted once
            untried += 1
            continue
        tried += 1
        other = seen[key] = ranked_with(given, ruleset, candidate.change, memo, ranked)
        if other is None:
            continue  # a change the engine cannot price (say, a size no instance holds) is not advice
        if candidate.kind == "exclusion" and candidate.about in other.order:
            # The same fix lets in every target kept out by the same rules (their own candidates are this one).
            for target in (target for target in other.order if kept_out_by.get(target) == kept_out_by[candidate.about]):
                eligible_with.setdefault(target, candidate.change)
        elif candidate.kind == "exclusion":
            _let_in(candidate, other, eligible_with, still_out)
        if other.recommendation == now:
            continue
        if candidate.kind == "exclusion" and other.recommendation in ranked.order:
            continue  # moved to a target eligible already: by another part of the change (a smaller copy), not a fix
        if candidate.kind == "cost-crossing":
            candidate, other = _nearest_flip(given, ruleset, ranked, candidate, other, memo, volumes)
        # Several crossings can bring one answer: _plainest keeps the volume nearest today's
        if candidate.kind == "assumption" and candidate.about not in decisive:
            decisive.append(candidate.about)
        kept.append(
            Counterfactual(
                dict(candidate.change),
                other.recommendation,
                message(candidate.kind, candidate.about, candidate.change, parsed, ruleset, other, ranked.order),
                candidate.kind,
            )
        )
    still_out = {target: found for target, found in still_out.items() if target not in eligible_with}
    return Advice(_plainest(kept, parsed.workload), tuple(decisive), eligible_with, tried, untried, still_out)


def _let_in(
    candidate: _Candidate,
    other: Ranked,
    eligible_with: dict[str, Mapping[str, Any]],
    still_out: dict[str, tuple[Mapping[str, Any], tuple[str, ...]]],
) -> None:
    """What a target's fix did: let it in, or not, and by which rules it was kept out even then."""
    if candidate.about in other.order:
        eligible_with.setdefault(candidate.about, candidate.change)
    elif candidate.about in other.evaluation.exclusions:
        rules = tuple(fired.id for fired in other.evaluation.exclusions[candidate.about])
        still_out.setdefault(candidate.about, (candidate.change, rules))


def _plainest(kept: Sequence[Counterfactual], workload: Workload) -> tuple[Counterfactual, ...]:
    """The counterfactuals worth saying: of the values of one field that bring the same answer, the nearest today's
    (the first tried, for a choice); and no change that holds another bringing the same answer, plus more."""
    best: dict[tuple[str, str, str | None], Counterfactual] = {}
    for item in kept:
        if len(item.change) != 1:
            continue
        ((path, value),) = item.change.items()
        slot = (item.kind, path, item.recommendation)
        if slot not in best or _distance(workload, path, value) < _distance(workload, path, best[slot].change[path]):
            best[slot] = item
    single = [
        item
        for item in kept
        if len(item.change) != 1 or best[(item.kind, next(iter(item.change)), item.recommendation)] is item
    ]
    return tuple(
        item
        for item in single
        if not any(
            other is not item
            and other.recommendation == item.recommendation
            and len(other.change) < len(item.change)
            and all(path in item.change and item.change[path] == value for path, value in other.change.items())
            for other in single
        )
    )


def _distance(workload: Workload, path: str, value: Any) -> float:
    """How far a value is from today's: the ratio's logarithm for a number, else 0 (the first tried is kept)."""
    now = value_at(workload, path)
    if isinstance(value, bool) or not isinstance(value, int | float) or isinstance(now, bool):
        return 0.0
    if not isinstance(now, int | float) or now <= 0 or value <= 0:
        return 0.0
    return abs(math.log(value / now))


def _nearest_flip(
    given: Workload,
    ruleset: Ruleset,
    ranked: Ranked,
    candidate: _Candidate,
    flipped: Ranked,
    memo: PlanMemo | None,
    volumes: dict[float, Ranked | None],
) -> tuple[_Candidate, Ranked]:
    """A crossing's change moved to the volume nearest today's that changes the answer (decider/flip.py), when one
    is found; else the crossing as it was tried. ``ranked`` is today's ranking. ``volumes``: the rankings of the
    volumes the decision's flips ranked so far (each volume of the grid is ranked once: the flips of two crossings
    that bring the same answer search the same volumes)."""
    path = "traffic.requests_per_month"
    today, recommendation = ranked.recommendation, flipped.recommendation

    def rank_at(volume: float) -> Ranked | None:
        if volume not in volumes:
            volumes[volume] = ranked_with(given, ruleset, {path: volume}, memo)
        return volumes[volume]

    found = nearest_flip(
        rank_at,
        max(ranked.workload.requests_per_month, 1.0),
        float(candidate.change[path]),
        recommendation,
        (gap(ranked, today, recommendation), gap(flipped, today, recommendation)),
        today,
    )
    if found is None:
        return candidate, flipped
    return _Candidate({path: found[0]}, candidate.kind, candidate.about), found[1]


#: Sections no derived fact and no default of another field is computed from (decider/facts.py ``derive`` reads the
#: runtime and the traffic; ``resolve_defaults`` fills the team's Kubernetes experience from its platform): a change
#: to these fields alone leaves every other field and fact as it was (tests/test_advice.py checks it).
ON_THEIR_OWN = frozenset({"preferences", "control", "network"})
#: Fields of the other sections no default is computed from (but a door for event work given no protocols moves them:
#: ``door_moves``), each with the facts computed from it alone (decider/facts.py ``ONE``): a change to these leaves
#: every other field and fact as it was (tests/test_advice.py checks it). The search tries them on most workloads.
FIELDS_ON_THEIR_OWN: Mapping[str, tuple[str, ...]] = {
    "team.ops_capacity": (),
    "team.kubernetes_experience": (),
    "traffic.payload_mb": (),
    "traffic.front_door": (),
    "runtime.artifact_mb": ("container_disk_gb",),
}


def ranked_with(
    given: Workload,
    ruleset: Ruleset,
    change: Mapping[str, Any],
    memo: PlanMemo | None = None,
    base: Ranked | None = None,
) -> Ranked | None:
    """The ranking nobody reads of the workload as given with ``change`` (dotted paths → values), its defaults
    resolved anew; None when it cannot be ranked (a size no target holds). ``memo`` is the decision's. With ``base``
    (the ranking of the workload as given), a change to fields nothing else is computed from (``on_its_own``) is
    laid over its resolved workload, facts and context: only the facts computed from those fields are computed."""
    try:
        laid = base is not None and all(on_its_own(path) for path in change)
        if laid and base is not None and not door_moves(given, base.workload, change):
            workload = apply(base.workload, change)
            context = dict(base.context)
            for section in {path.partition(".")[0] for path in change}:
                values = getattr(workload, section)
                context.update((path, getattr(values, name)) for path, name in SECTION_PATHS[section])
            moved: dict[str, Any] = {
                name: ONE[name](workload) for path in change for name in FIELDS_ON_THEIR_OWN.get(path, ())
            }
            context.update((f"derived.{name}", value) for name, value in moved.items())
            facts = replace(base.facts, **moved) if moved else base.facts
            return rank(workload, ruleset, explain=False, memo=memo, derived=(facts, context))
        return rank(resolve_defaults(apply(given, change), record=False).workload, ruleset, explain=False, memo=memo)
    except (DeciderError, ValueError, ArithmeticError):
        return None


def on_its_own(path: str) -> bool:
    """Whether a field is one nothing else is computed from but facts it alone moves (``ON_THEIR_OWN``,
    ``FIELDS_ON_THEIR_OWN``)."""
    return path.partition(".")[0] in ON_THEIR_OWN or path in FIELDS_ON_THEIR_OWN
