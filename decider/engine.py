"""``decide``: the single orchestration point from a parsed workload to a Decision. No I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping

from decider import explain
from decider.advice import BUDGET, Advice, search
from decider.bill_checks import (
    extended_support,
    floor_bills,
    idle_gpus,
    kubelet_reserve,
    names,
    partial_bills,
    provisioned_concurrency,
    provisioned_quota,
    spot_long_runs,
    spot_serving,
)
from decider.burst_checks import bursts_past_month
from decider.cost.bill import round_usd
from decider.cost.compiled import Compiled
from decider.cost.gaps import NO_PRICE, ONLY_NAMED, OTHER_ARCHITECTURE
from decider.cost.memo import PlanMemo
from decider.crossing_bands import smooth
from decider.crossings import ModeCheck, Totals, resize, totals_at
from decider.decision import Decision, RulesetInfo
from decider.decision_notes import (
    body_notes,
    copies_notes,
    managed_instances_notes,
    platform_notes,
    vpc_notes,
    warm_notes,
)
from decider.figure_checks import durations, peak_below_average, slo_below_work
from decider.input_checks import (
    alb_idle_timeout,
    cold_requests_at_gateway,
    contradictions,
    gateway_throttle,
    lambda_burst_throttle,
)
from decider.leads import shared
from decider.ranking import Ranked, rank
from decider.rule_checks import limits_on_the_winner
from decider.rules.model import Ruleset
from decider.workload import JOB_PATTERNS, ParsedWorkload

#: Peak executions in flight, or container copies, above which a workload's load reads as implausible.
IMPLAUSIBLE_COPIES = 1000
#: Each rule set's version and digest as the Decision says them: built once per rule set (a frozen model, shared).
_INFO: Compiled[RulesetInfo] = Compiled(limit=64)


def decide(
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    *,
    advice: bool = True,
    budget: int = BUDGET,
    memo: PlanMemo | None = None,
) -> Decision:
    """Rank every target for one workload; every exclusion and point of score is traced to a rule.

    ``advice`` runs the counterfactual search (decider/advice.py), at most ``budget`` trials: what would change the
    answer, each change tried by deciding again, and which assumptions are decisive. Bulk callers that print only the
    recommendation (the review) turn it off. ``memo`` holds the plans priced for this workload, which the search's
    rankings share where they price alike (the review passes its own to its evidence search; decider/cost/memo.py).
    """
    # Without advice and without a caller's memo, nothing after the ranking prices this workload again: its plans go
    # in no memo (and are not numbered for one)
    private = memo is None and not advice
    memo = memo if memo is not None else PlanMemo()
    ranked = rank(parsed.workload, ruleset, memo=None if private else memo)
    evaluation, order, priced = ranked.evaluation, ranked.order, ranked.priced
    costs: dict[str, float] = priced.totals if priced is not None else {}
    break_even = priced.break_even(order) if priced is not None else []
    if advice and priced is not None:  # the crossings said in words, as a rerun at their volume prices them
        totals = lambda targets: _totals_at(parsed, ruleset, memo, targets, ranked)  # noqa: E731 - read once
        job = parsed.workload.traffic.pattern in JOB_PATTERNS
        steady = smooth(ruleset.targets, priced.choices, job=job)  # bills without steps (decider/crossing_bands.py)
        break_even = list(resize(break_even, priced.requests_per_month, totals, steady))
    found = search(parsed, ruleset, ranked, break_even, budget, memo) if advice else Advice((), (), {}, 0, 0)
    checked = ModeCheck(parsed, ruleset, memo) if advice else None  # a sentence about another mode, tried
    warnings = _warnings(ranked, parsed, ruleset)

    # Nested parts go in as plain dicts: Decision validates the whole tree in one call, several times faster than
    # building each Reason on its own. The engine names only the models' fields, so that call ignores extra keys
    # rather than searching every mapping for them (a fifth of its time); a decision read from JSON still refuses them.
    ranking = tuple(
        {
            "target": target,
            "name": ruleset.target(target).name,
            "score": evaluation.scores[target],
            "monthly_cost": priced.bills.get(target) if priced is not None else None,
            "no_price": priced.unpriced.get(target) if priced is not None else None,
            "sizing": priced.sizing(target) if priced is not None and target in priced.plans else None,
            "reasons": tuple(
                {
                    "rule": fired.id,
                    "category": fired.category,
                    "impact": points,
                    "message": fired.message,
                    "source": fired.source,
                }
                for fired, points in evaluation.reasons[target]
            ),
        }
        for target in order
    )
    excluded = tuple(
        {
            "target": target.id,
            "name": target.name,
            "reasons": tuple(
                {
                    "rule": fired.id,
                    "category": fired.category,
                    "message": fired.message,
                    "source": fired.source,
                }
                for fired in evaluation.exclusions[target.id]
            ),
        }
        for target in ruleset.targets
        if target.id in evaluation.exclusions
    )
    decisive = found.decisive
    said = tuple(path + " " for path in decisive)  # an assumption about a path opens with it and a space
    assumptions = (
        *(text for prefix in said for text in parsed.assumptions if text.startswith(prefix)),
        *((text for text in parsed.assumptions if not text.startswith(said)) if said else parsed.assumptions),
        *platform_notes(ranked, ruleset),
        *vpc_notes(ranked, ruleset),
        *managed_instances_notes(ranked, ruleset),
        *body_notes(ranked, ruleset),
        *copies_notes(ranked, ruleset),
        *warm_notes(ranked, ruleset),
    )
    decision = Decision.model_validate(
        {
            "name": parsed.workload.name,
            "recommendation": order[0] if order else None,
            "summary": explain.summary(
                ruleset, evaluation, order, costs, found, warnings, ranked.context, _modes(ranked)
            ),
            "ranking": ranking,
            "excluded": excluded,
            "what_would_change": (
                *explain.exclusion_fixes(ruleset, evaluation, ranked.context, found),
                *(item.message for item in found.counterfactuals),
                *(priced.sentences(ruleset, break_even, resized=advice, check=checked) if priced is not None else ()),
            ),
            "break_even": tuple(break_even),
            "cost_curve": priced.curve(order, break_even) if advice and priced is not None else (),
            "counterfactuals": tuple(
                {
                    "change": dict(item.change),
                    "recommendation": item.recommendation,
                    "message": item.message,
                    "kind": item.kind,
                }
                for item in found.counterfactuals
            ),
            "assumptions": assumptions,
            "decisive_assumptions": decisive,
            "warnings": warnings,
            "ruleset": _INFO.get(
                id(ruleset), ruleset, lambda: RulesetInfo(version=ruleset.version, digest=ruleset.digest)
            ),
            "pricing": priced.pricing if priced is not None else None,
        },
        extra="ignore",
    )
    bills = costs.keys() if order and order[0] not in costs else ()
    pleads = explain.pleading(evaluation, order[0], bills) if order else frozenset()
    return decision.with_leads(explain.relative(evaluation), pleads, shared(evaluation.fired))


def _totals_at(
    parsed: ParsedWorkload, ruleset: Ruleset, memo: PlanMemo, targets: frozenset[str], today: Ranked
) -> Totals[Mapping[str, float]]:
    """``totals_at`` (decider/crossings.py) with today's volume taken from ``today``, the workload's own ranking in
    ``memo``: a rerun there resolves the same workload and takes the same plans from the memo, so its totals are the
    ranking's bills to the cent, and that volume is not rerun."""
    found, requests = totals_at(parsed, ruleset, memo, targets), today.workload.requests_per_month
    if today.priced is not None:
        plans = today.priced.plans
        chosen = [target.id for target in ruleset.targets if target.id in targets and target.id in plans]
        found.seen[requests] = {target: round_usd(plans[target].total(requests), 2) for target in chosen}
    return found


def _warnings(ranked: Ranked, parsed: ParsedWorkload, ruleset: Ruleset) -> tuple[str, ...]:
    """Inputs that contradict each other, and loads that look implausible with the assumptions they rest on."""
    return (
        *durations(parsed),
        *peak_below_average(parsed),
        *contradictions(parsed),
        *limits_on_the_winner(ranked, ruleset),
        *cold_requests_at_gateway(ranked),
        *gateway_throttle(ranked, ruleset),
        *lambda_burst_throttle(ranked, ruleset),
        *bursts_past_month(ranked, parsed),
        *slo_below_work(ranked),
        *_load(ranked, parsed, ruleset),
        *_uneven_bills(ranked, ruleset),
        *partial_bills(ranked, ruleset),
        *floor_bills(ranked, ruleset),
        *kubelet_reserve(ranked, ruleset),
        *extended_support(ranked, ruleset),
        *idle_gpus(ranked, ruleset),
        *provisioned_concurrency(ranked, ruleset),
        *provisioned_quota(ranked, ruleset),
        *spot_long_runs(ranked, ruleset),
        *spot_serving(ranked, ruleset),
        *alb_idle_timeout(ranked, ruleset),  # what to configure, after what to check
    )


def _uneven_bills(ranked: Ranked, ruleset: Ruleset) -> tuple[str, ...]:
    """Some eligible targets billed and others not (a price the region's book lacks): the ranking cannot compare
    their bills, only the rules that stand in for cost, which then score every target alike (decider/scoring.py).
    Said when the recommendation or the runner-up is among the unbilled."""
    priced = ranked.priced
    if priced is None or not priced.unpriced:
        return ()
    unbilled = [target for target in ranked.order if target in priced.unpriced]
    billed = [target for target in ranked.order if target in priced.bills]
    if not set(unbilled) & set(ranked.order[:2]):
        return ()
    # Each reason's gist: "no price in this region: the sa-east-1 price book has no load balancer prices (...)..."
    why = sorted({priced.unpriced[target].removeprefix(f"{NO_PRICE}: ").split(" (", 1)[0] for target in unbilled})
    if not billed and all(OTHER_ARCHITECTURE in reason for reason in why):
        # The names are another architecture's: the reason says what to change, whole
        return (f"No eligible target has a bill here: {priced.unpriced[unbilled[0]]}.",)
    if not billed and all(reason.startswith(NO_FIT) for reason in why):
        # Every target left needs an instance and none holds a copy: nothing can run the workload as described.
        runtime = ranked.workload.runtime
        most = _most_gpus(ruleset, ranked.workload.preferences.region)
        if most is not None and runtime.gpu > most[0]:
            # No type of any architecture has that many: no other architecture or type name would help
            return (
                f"No eligible target has a bill here: {why[0]}, and every target left runs on instances. "
                f"runtime.gpu asks for {runtime.gpu} GPUs a copy, and no instance type in this price book's catalogue "
                f"has more than {most[0]} ({most[1]}): one copy cannot run on one instance. Split the work across "
                "copies or nodes (multi-node training) with at most that many GPUs each.",
            )
        narrowed = [
            *(["control.instance_types"] if ranked.workload.control.instance_types else []),
            *([f"runtime.architecture ({runtime.architecture})"] if runtime.architecture != "any" else []),
        ]
        check = ", ".join(narrowed) if narrowed else "runtime.vcpu, runtime.memory_mb and runtime.gpu"
        example = " (no Arm GPU type, for one)" if runtime.gpu else ""  # said where it is what the copy asks for
        return (
            f"No eligible target has a bill here: {why[0]}, and every target left runs on instances. No type in this "
            f"price book's catalogue holds one copy as described; the catalogue lists a part of EC2's types{example}, "
            f"so check {check}, or price the type you mean in a book of your own "
            "(docs/cost-model.md, Your own prices).",
        )
    if not billed and all(UNPRICED_NAMES in reason for reason in why):
        # Only names the book does not price: a typo (p4dd), or a type it leaves out (c8g); no size is at fault. Each
        # name is said with the nearest the book prices (did you mean p4d?).
        said = priced.unpriced[unbilled[0]].removeprefix(f"{NO_PRICE}: ").split(ONLY_NAMED, 1)[0]
        return (
            f"No eligible target has a bill here: {said}, and control.instance_types names nothing else. Check "
            "the name: a typo, or a type this price book leaves out; the ranking rests on the rules alone.",
        )
    if not billed:
        return (
            f"No eligible target has a bill here ({'; '.join(why)}): the ranking rests on the rules alone, cost "
            "among them only through rules that stand in for it; see each target's no_price.",
        )
    # A copy no type in the catalogue holds is not helped by another region's book; a book pricing the type is
    remedy = (
        "price the type you mean in a book of your own (docs/cost-model.md, Your own prices)"
        if any("catalogue holds one copy" in reason for reason in why)
        else "compare in a region whose price book has every price"
    )
    return (
        f"{names(ruleset, unbilled)} {'have' if len(unbilled) > 1 else 'has'} no bill here ({'; '.join(why)}), "
        f"while {names(ruleset, billed)} {'have' if len(billed) > 1 else 'has'} one: cost enters the score of "
        f"{'those' if len(unbilled) > 1 else 'that target'} only through rules that stand in for it, and of the "
        f"others through their bills, so the two are not weighed alike. Weigh it with care, or {remedy}.",
    )


def _most_gpus(ruleset: Ruleset, region: str) -> tuple[int, str] | None:
    """The most GPUs any instance type in the region's catalogue has, and the types that have them."""
    book = ruleset.pricing.get(region)
    if book is None or not book.ec2.instances:
        return None
    most = max(instance.gpu for instance in book.ec2.instances)
    largest = sorted(instance.type for instance in book.ec2.instances if instance.gpu == most)
    return most, ", ".join(largest[:3]) + (" and others" if len(largest) > 3 else "")


#: How the reason a target has no bill begins when no instance type holds one copy (decider/cost/gaps.py).
NO_FIT = "no instance type in "
#: How that reason reads when every name in ``control.instance_types`` is one the book does not price.
UNPRICED_NAMES = "price book does not price"


def _load(ranked: Ranked, parsed: ParsedWorkload, ruleset: Ruleset) -> tuple[str, ...]:
    """Loads that look implausible for one workload, and the assumptions they rest on."""
    facts = ranked.facts
    quota = ruleset.cost_model.lambda_concurrency_quota if ruleset.cost_model is not None else 1000
    found: list[str] = []
    # Lambda's quota, said only where Lambda is ranked: 18,000 streams held open on containers are an ordinary load
    on_lambda = any(ruleset.platform_of(target) == "lambda" for target in ranked.order)
    if facts.peak_concurrency > quota and on_lambda:
        in_flight = math.ceil(facts.peak_concurrency - 1e-9)  # as Lambda's sizing counts them
        found.append(
            f"The load as described keeps {in_flight:,} units of work in flight at peak, above the {quota:,} "
            "concurrent executions an account gets by default"
        )
    copies = _most_copies(ranked, facts.copies_at_peak, ruleset)
    if copies > IMPLAUSIBLE_COPIES:
        needs = "it needs" if found else "The load as described needs"
        found.append(f"{needs} {copies:,.0f} container copies at peak (over {IMPLAUSIBLE_COPIES:,})")
    if not found:
        return ()
    # The inputs the flagged figures come from: the work in flight (duration and rates), or, for copies that hold
    # open connections, the connections and how many a copy holds.
    held = copies > IMPLAUSIBLE_COPIES and facts.connection_copies >= facts.copies_at_peak
    inputs = ["runtime.avg_duration_ms", "traffic.peak_rps", "traffic.requests_per_month"]
    if copies > IMPLAUSIBLE_COPIES:  # a copy's requests at once divide the copies
        inputs.append("runtime.concurrency_per_copy")
    if held:
        inputs = [*(inputs if facts.peak_concurrency > quota and on_lambda else []), "traffic.connections"]
        inputs.append("runtime.connections_per_copy")
    behind = [path for path, _ in parsed.defaults if path in inputs]
    text = "; ".join(found) + "."
    if behind:
        text += f" It rests on values decider assumed ({', '.join(behind)}): check them."
    else:  # every input given: the figures the load comes from, to check
        rates = ["traffic.peak_rps", "runtime.avg_duration_ms", "runtime.concurrency_per_copy"]
        drivers = rates if not held or (facts.peak_concurrency > quota and on_lambda) else []
        drivers += ["traffic.connections", "runtime.connections_per_copy"] if held else []
        text += f" It comes from {', '.join(drivers)} as given: check them."
    return (text,)


def _modes(ranked: Ranked) -> dict[str, str]:
    """The capacity modes chosen other than each target's default, by name (Fargate Spot, Lambda Managed
    Instances): the summary names them beside their targets."""
    choices = ranked.priced.choices if ranked.priced is not None else {}
    return {target: choice.chosen.name for target, choice in choices.items() if choice.chosen != choice.priced[0][0]}


def _most_copies(ranked: Ranked, at_peak: float, ruleset: Ruleset) -> float:
    """The container copies the load needs at peak, as the bills size them (a queue worker's copies run at its own
    utilisation): those of the best-ranked target that runs containers (Lambda's environments, on demand or on
    Managed Instances, are not container copies); the facts' figure when no bill sizes copies."""
    plans = ranked.priced.plans if ranked.priced is not None else {}
    for target in ranked.order:
        plan = plans.get(target)
        if plan is None or ruleset.platform_of(target) == "lambda":
            continue
        sized = plan.draft.fields.get("max_copies")
        if isinstance(sized, int | float) and not isinstance(sized, bool):
            return float(sized)
    return at_peak
