"""Turning an evaluation into words: the summary paragraph and what would change the answer."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from decider.advice import Advice, Counterfactual
from decider.leads import leads as decision_leads
from decider.leads import shared
from decider.numbers import show
from decider.rules.model import Ruleset, render_template
from decider.scoring import Evaluation, Fired


def leads(
    evaluation: Evaluation, winner: str, runner_up: str | None, *, net: bool = False
) -> list[tuple[float, Fired]]:
    """Score rules that put ``winner`` ahead of ``runner_up`` (by raising one or lowering the other), biggest first,
    by the one definition of a lead (decider/leads.py). ``net``: a rule that lowers both, the other more, counts
    too (what outweighs a bill, not what the winner is good at)."""
    by_id = {fired.id: fired for fired in evaluation.fired}
    ahead = [(fired.id, points) for fired, points in evaluation.reasons[winner]]
    behind = [(fired.id, points) for fired, points in evaluation.reasons[runner_up]] if runner_up else []
    relative_ids = by_id if net else relative(evaluation)  # bills: relative
    found = decision_leads(ahead, behind, relative_ids if runner_up else (), shared(evaluation.fired))
    return [(lead, by_id[rule]) for lead, rule in found]


CLAUSE_END = re.compile(r"[,:;] ")
#: A rule that puts the runner-up ahead of the winner by at least this many points is said as what the winner wins
#: despite (``_despite``): a rule's whole weight (most score rules give 5 to 10 points), not a tie-breaker's share.
DESPITE_POINTS = 5.0


def _unrepeated(parts: list[str]) -> list[str]:
    """Reasons as one sentence says them: a reason whose opening clauses were said already, as another's opening or
    anywhere in it ("the team has little time for operations, and …"; "scheduled work runs as tasks …; Fargate
    provisions a job in about 30 seconds and bills per second, while EC2 …" then "Fargate provisions a job in about
    30 seconds and bills per second, while EKS nodes …: minutes that count against a run …"), says only the rest:
    its clauses said already are left out at either end."""
    said: list[str] = []
    clauses: set[str] = set()
    for part in parts:
        rest = part
        while clauses and (end := CLAUSE_END.search(rest)) is not None and rest[: end.start()].lower() in clauses:
            rest = rest[end.end() :].strip()  # a clause ends at a mark and a space: "$1,234" is no clause's end
        while clauses and (last := list(CLAUSE_END.finditer(rest))) and rest[last[-1].end() :].lower() in clauses:
            rest = rest[: last[-1].start()]  # and its closing clauses said already
        if rest != part and rest.startswith("while "):  # the contrast drawn with the clause left out, drawn again
            rest = "likewise, " + rest.removeprefix("while ")
        said.append(rest or part)
        clauses.update(clause.lower() for clause in CLAUSE_END.split(part))
    return said


def deciding_reasons(
    evaluation: Evaluation,
    winner: str,
    runner_up: str | None,
    limit: int = 3,
    *,
    billed: bool = True,
    bills: Collection[str] = (),
) -> list[Fired]:
    """The rules that did most to put ``winner`` ahead of ``runner_up`` (or, alone, that raised it most), leaving out
    a rule that makes the case for another target (``_pleads``), unless only such rules put it ahead: then they are
    its reasons, as the points say. A winner without a bill (not ``billed``) has no cost lead: the bills' criterion
    does not score it, which is no sign it costs less. ``bills``: the targets with a bill."""
    found = [fired for _, fired in leads(evaluation, winner, runner_up) if billed or not _is_computed(fired)]
    unbilled = () if billed else bills
    return ([fired for fired in found if not _pleads(fired, evaluation, winner, unbilled)] or found)[:limit]


def pleading(evaluation: Evaluation, winner: str, bills: Collection[str] = ()) -> frozenset[str]:
    """The rules fired for ``winner`` that make another target's case (``_pleads``), by id. ``bills``: the targets
    with a bill, when ``winner`` has none."""
    fired_for = evaluation.reasons[winner]
    return frozenset(fired.id for fired, _ in fired_for if _pleads(fired, evaluation, winner, bills))


def relative(evaluation: Evaluation) -> frozenset[str]:
    """The criteria computed from the bills, by id: their points are relative to the cheapest target (``leads``)."""
    return frozenset(fired.id for fired in evaluation.fired if _is_computed(fired))


def _pleads(fired: Fired, evaluation: Evaluation, winner: str, bills: Collection[str] = ()) -> bool:
    """Whether a rule's points, as written, make another target's case, not ``winner``'s, which reads as no reason
    the winner wins, though the points it gives the winner count in its score:

    - they go most to a target the workload keeps out ("the convenient way is ECS Managed Instances");
    - the rule stands in for cost (``proxy_for: cost``), the winner has no bill, and it gives a target with a bill
      (``bills``) at least the winner's points ("EC2 capacity costs less than Fargate's premium" for an EKS winner
      over ECS on EC2): only the winner gets them, since a billed target's cost is its bill.
    """
    rule = fired.rule
    if rule is None or not rule.impacts:
        return False
    top = max(rule.impacts.values())
    first = {target for target, points in rule.impacts.items() if points == top}
    if winner not in first and bool(first & set(evaluation.exclusions)):
        return True
    if not bills or rule.proxy_for != "cost":
        return False
    own = rule.impacts.get(winner, 0.0)
    kept_out = evaluation.exclusions
    return any(rule.impacts.get(target, 0.0) >= own for target in bills if target != winner and target not in kept_out)


def _more_limits(names: Sequence[tuple[str, int]]) -> str:
    """The count of the limits besides a reason that keep targets out: "; 1 more limit too" for a target named alone,
    "; AWS Lambda: 1 more limit too" for one of several named together."""

    def limits(more: int) -> str:
        return f"{more} more limit{'s' if more > 1 else ''} too"

    if len(names) == 1:
        return f"; {limits(names[0][1])}" if names[0][1] else ""
    return "".join(f"; {name}: {limits(more)}" for name, more in names if more)


def summary(
    ruleset: Ruleset,
    evaluation: Evaluation,
    ranking: Sequence[str],
    costs: Mapping[str, float],
    advice: Advice | None = None,
    warnings: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    modes: Mapping[str, str] | None = None,
) -> str:
    """One paragraph a person can paste into a review: warnings first, then the answer, why, the runner-up, what it
    rests on and what is excluded. A target kept out by several limits is excluded for the one the workload is
    furthest past (``_furthest``, from the rules' ``context``), with a count of the others. A target priced in a
    capacity mode other than its own default is named with it (``modes``: target → the mode's name), since the bill
    and some reasons are the mode's: "AWS Lambda (Lambda Managed Instances)"."""
    chosen = modes or {}

    def named(target: str) -> str:
        return ruleset.target(target).name + (f" ({chosen[target]})" if target in chosen else "")

    text = f"Check before acting: {' '.join(warnings)} " if warnings else ""  # said once before them all
    # Targets kept out for the same reason are named together, the reason said once (with the limits besides it
    # that keep out each target that has more).
    kept_out: dict[str, list[tuple[str, int]]] = {}
    for target, fired in _excluded(ruleset, evaluation):
        reason = _furthest(fired, context or {}).message.rstrip(".")
        kept_out.setdefault(reason, []).append((ruleset.target(target).name, len(fired) - 1))
    excluded_text = "; ".join(
        f"{', '.join(name for name, _ in names)} ({reason}{_more_limits(names)})" for reason, names in kept_out.items()
    )
    if not ranking:
        return text + (
            "No target can run this workload as described: every target is excluded by a hard limit. "
            f"Excluded: {excluded_text}. See what_would_change for the limits to relax."
        )
    winner = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    text += f"Recommended: {named(winner)} (score {show(evaluation.scores[winner])}"
    if winner in costs:
        text += f", about ${costs[winner]:,.2f} a month"
    text += ")."
    reasons = deciding_reasons(evaluation, winner, runner_up, billed=winner in costs, bills=costs.keys())
    if reasons:
        parts = [
            _cost_phrase(ruleset, winner, runner_up, costs) if _is_computed(fired) else _sentence(fired.message)
            for fired in reasons
        ]
        text += " It wins because " + "; ".join(_unrepeated(parts)) + "."
    text += _despite(ruleset, evaluation, winner, runner_up)
    text += _dearer_than_cheapest(ruleset, evaluation, winner, costs, runner_up)
    if runner_up is not None:
        gap = round(evaluation.scores[winner] - evaluation.scores[runner_up], 1)
        text += f" Runner-up: {named(runner_up)} at {show(evaluation.scores[runner_up])}"
        text += (
            f", {show(gap)} point{'' if gap == 1 else 's'} behind"
            if gap > 0
            else ", tied and placed second as the less simple option"
        )
        if runner_up in costs:  # its bill, whether or not the winner has one
            text += f" (about ${costs[runner_up]:,.2f} a month)"
        text += "."
    else:
        text += " It is the only eligible target."
    if advice is not None:
        text += "".join(
            f" {item.message}"
            for item in advice.counterfactuals
            if item.kind == "assumption" and item is _first_for(advice, item)
        )
    if excluded_text:
        text += f" Excluded: {excluded_text}."
    return text


def _despite(ruleset: Ruleset, evaluation: Evaluation, winner: str, runner_up: str | None) -> str:
    """The strongest rule against the winner, when one puts the runner-up ahead of it by ``DESPITE_POINTS`` or more:
    what a reviewer should weigh before acting ("Against it (limits.lambda-init-past-10s, 8 points to …): …"),
    which the reasons it wins by do not say; a rule that lowers both, the winner more, counts by the difference. A
    criterion computed from the bills is left to the cost sentences (``_dearer_than_cheapest``), and a rule said
    before acting (``check_before_acting``: decider/rule_checks.py) to the warnings."""
    if runner_up is None:
        return ""
    against = [
        (lead, fired)
        for lead, fired in leads(evaluation, runner_up, winner, net=True)  # one lowering both, the winner more, too
        if not _is_computed(fired) and not (fired.rule is not None and fired.rule.check_before_acting)
    ]
    if not against or against[0][0] < DESPITE_POINTS:
        return ""
    lead, fired = against[0]
    points = f"{fired.id}, {show(lead)} points to {ruleset.target(runner_up).name}"
    return f" Against it ({points}): {fired.message.rstrip('.')}."


def _first_for(advice: Advice, item: Counterfactual) -> Counterfactual:
    """The first counterfactual about the same assumption: the summary says each decisive assumption once."""
    path = next(iter(item.change))
    return next(other for other in advice.counterfactuals if other.kind == item.kind and path in other.change)


def _dearer_than_cheapest(
    ruleset: Ruleset, evaluation: Evaluation, winner: str, costs: Mapping[str, float], runner_up: str | None = None
) -> str:
    """When the winner is not the cheapest eligible target: which one is, and the rules that outweigh the bill; when
    the winner has no bill, the cheapest target that has one, and the rules the winner leads it by."""
    if winner not in costs and costs:
        cheapest = min(costs, key=lambda target: (costs[target], target))
        ahead = [
            f"{fired.id} (+{show(lead)} points between them)"
            for lead, fired in leads(evaluation, winner, cheapest, net=True)
        ][:3]
        text = (
            f" {ruleset.target(winner).name} has no bill here; {ruleset.target(cheapest).name} is the cheapest target "
            f"with one (about ${costs[cheapest]:,.2f} a month)"
        )
        return text + (
            f", and {ruleset.target(winner).name} leads it mostly through {', '.join(ahead)}." if ahead else "."
        )
    if winner not in costs or len(costs) < 2:
        return ""
    cheapest = min(costs, key=lambda target: (costs[target], target))
    if costs[cheapest] >= costs[winner]:
        return ""
    ruled = [(lead, fired) for lead, fired in leads(evaluation, winner, cheapest, net=True) if not _is_computed(fired)]
    # The bills' points between them, which the rules named outweigh: the three largest leads, and more until
    # together they do (a close call can take a fourth that tips it)
    deficit = sum(points for fired, points in evaluation.reasons[cheapest] if _is_computed(fired)) - sum(
        points for fired, points in evaluation.reasons[winner] if _is_computed(fired)
    )
    outweighing: list[str] = []
    total = 0.0
    for lead, fired in ruled:
        if len(outweighing) >= 3 and total > deficit:
            break
        outweighing.append(f"{fired.id} (+{show(lead)} points between them)")
        total += lead
    text = f" {ruleset.target(cheapest).name} would cost less (about ${costs[cheapest]:,.2f} a month); "
    if round(evaluation.scores[winner] - evaluation.scores[cheapest], 1) <= 0:  # tied: placed first, not ahead
        text += f"{ruleset.target(winner).name} ties with it on points"
        return text + (f", its points through {', '.join(outweighing)} making up for the bill." if outweighing else ".")
    if cheapest == runner_up:  # the runner-up's sentence gives the points between them
        text += f"{ruleset.target(winner).name} still leads it"
        return text + (f", mostly through {', '.join(outweighing)}." if outweighing else ".")
    text += (
        f"{ruleset.target(winner).name} still leads it by "
        f"{show(round(evaluation.scores[winner] - evaluation.scores[cheapest], 1))} points"
    )
    return text + (f", mostly through {', '.join(outweighing)}." if outweighing else ".")


def _is_computed(fired: Fired) -> bool:
    # A criterion computed from the bills has no rule file behind it: the summary quotes the bills instead.
    return fired.rule is None


def _cost_phrase(ruleset: Ruleset, winner: str, runner_up: str | None, costs: Mapping[str, float]) -> str:
    others = sorted((cost, target) for target, cost in costs.items() if target != winner)
    if not others:  # no other bill: cost is the only difference the criterion scored, and the winner has a bill
        return "it costs less than the alternatives"
    cheapest_cost, cheapest = others[0]
    if costs[winner] <= cheapest_cost:
        return (
            f"it is the cheapest option at about ${costs[winner]:,.2f} a month "
            f"(next: {ruleset.target(cheapest).name} at about ${cheapest_cost:,.2f})"
        )
    versus = runner_up if runner_up is not None and runner_up in costs else cheapest
    # The cheapest, when it is another target, is named by the sentence after (``_dearer_than_cheapest``).
    return (
        f"it costs about ${costs[winner]:,.2f} a month against ${costs[versus]:,.2f} for {ruleset.target(versus).name}"
    )


#: Words that keep their capital letter when a rule's message is joined into the summary mid-sentence.
_PROPER_NOUNS = frozenset({"Lambda", "Fargate", "Kubernetes", "Windows", "Managed", "Spot", "Graviton", "Helm"})


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    first = message.split(" ", 1)[0].removesuffix("'s").rstrip(",:;")
    # Acronyms (ECS, EC2, GPUs) and product names keep their case; "A cold start" becomes "a cold start".
    if (len(first) > 1 and first[:2].isupper()) or first in _PROPER_NOUNS:
        return message
    return message[:1].lower() + message[1:]


def _furthest(fired: Sequence[Fired], context: Mapping[str, Any]) -> Fired:
    """The exclusion the workload is furthest past, the one to name when there are several: a missing capability
    (no GPU, no privileged mode, an OS) before any size, and among sizes the largest multiple of its limit (a 40-minute
    job is kept out of Lambda by its 15 minutes before its 20 GB of scratch disk against 10). A limit on a compound
    condition counts as just past; ties keep the rules' order."""
    return max(fired, key=lambda item: _past(item, context))


def _past(fired: Fired, context: Mapping[str, Any]) -> float:
    leaf = fired.rule.condition.leaf if fired.rule is not None else None
    if leaf is None:
        return 1.0
    value = context.get(leaf.field)
    if leaf.op in ("gt", "ge") and isinstance(leaf.value, int | float) and not isinstance(leaf.value, bool):
        if leaf.value <= 0:
            return math.inf  # any at all: a capability (GPUs)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) / float(leaf.value)
        return 1.0
    if leaf.op in ("eq", "ne", "in", "not_in", "contains", "contains_any", "contains_all", "is_set"):
        return math.inf  # a capability or a kind, which no resizing changes
    return 1.0


def _excluded(ruleset: Ruleset, evaluation: Evaluation) -> list[tuple[str, tuple[Fired, ...]]]:
    return [(target, evaluation.exclusions[target]) for target in ruleset.target_ids if target in evaluation.exclusions]


def exclusion_fixes(
    ruleset: Ruleset, evaluation: Evaluation, context: Mapping[str, Any], advice: Advice | None = None
) -> list[str]:
    """For the excluded targets the limits that keep them out and the values that would let them in (each fix the
    rule's own); targets kept out by the same limits, with the same fix, share one sentence. When the advice search
    tried the fix and the targets were then eligible, the sentence says so; its counterfactuals say when letting a
    target in changes the answer."""
    tried = advice.eligible_with if advice is not None else {}
    still_out = advice.still_out if advice is not None else {}
    # A fix whose change brings another answer has a counterfactual of its own, which says it lets them in
    said = [item.change for item in advice.counterfactuals if item.kind == "exclusion"] if advice is not None else []
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for target, fired_list in _excluded(ruleset, evaluation):
        rules = ", ".join(fired.id for fired in fired_list)
        change = tried.get(target, {})
        values = "" if change in said else ", ".join(f"{path} {show(value)}" for path, value in change.items())
        # The fix tried and the target still kept out, by a limit that only holds once the fix is made: not enough
        kept, by = still_out.get(target, ({}, ()))
        short = ", ".join(f"{path} {show(value)}" for path, value in kept.items())
        rules_then = f"{', '.join(by[:-1])} and {by[-1]}" if len(by) > 1 else "".join(by)
        short = f"{short}; still kept out by {rules_then}" if short else ""
        key = (rules, _would_let_in(fired_list, context, enough=not short), values, short)
        groups.setdefault(key, []).append(ruleset.target(target).name)
    changes = []
    for (rules, fixes_text, values, short), names in groups.items():
        one = len(names) == 1
        named = names[0] if one else f"{', '.join(names[:-1])} and {names[-1]}"
        head, _, tail = fixes_text.partition("{}")
        text = f"{named} {'is' if one else 'are'} kept out by {rules}; {head}{'it' if one else 'them'}{tail}."
        if values:
            text += f" Tried: with {values} {'it is' if one else 'they are'} eligible."
        elif short:
            text += f" Tried: with {short.replace('; still', ' it is still' if one else ' they are still', 1)}."
        changes.append(text)
    return changes


def _would_let_in(fired_list: Sequence[Fired], context: Mapping[str, Any], *, enough: bool = True) -> str:
    """ "<which> would let {} in: <fixes>": every fix of the target's own limits, and, when rules keep every capacity
    mode of it out (decider/scoring.py), any one mode's fix. Not ``enough`` (the fix was tried and another limit
    kept the target out then): "<which> would be needed to let {} in"."""
    own = [_fix(fired, context) for fired in fired_list if fired.rule is None or fired.rule.mode is None]
    modes = [_fix(fired, context) for fired in fired_list if fired.rule is not None and fired.rule.mode is not None]
    which = "all of these" if len(own) > 1 else "this"
    let = "would let {} in" if enough else "would be needed to let {} in"
    if not modes:
        return f"{which} {let}: " + "; ".join(own)
    if not own:
        return f"{'any one of these' if len(modes) > 1 else 'this'} {let}: " + "; ".join(modes)
    return f"{which}, with any one of the others, {let}: " + "; ".join(own) + "; others: " + "; ".join(modes)


def _fix(fired: Fired, context: Mapping[str, Any]) -> str:
    rule = fired.rule
    if rule is None:  # exclusions come from rule files; a computed criterion only scores
        return f"the workload no longer matching {fired.id}"
    if rule.fix:
        return render_template(rule.fix, context)
    leaf = rule.condition.leaf
    inverse = leaf.describe_inverse() if leaf else None
    if leaf is not None and inverse is not None:
        return f"{inverse} (now {show(context[leaf.field])})"
    return f"the workload no longer matching {rule.id}"
