"""What a review's verdict rests on: evidence, not defaults.

A verdict is only as good as the workload it was decided on. When nothing said how much traffic a workload gets (no
usage file entry and nothing in its source: both ``traffic.requests_per_month`` and ``traffic.peak_rps`` came from
decider's defaults), a keep or a consider would be the defaults' verdict, so it is ``unknown`` with how to say the
traffic instead. A ``move`` stands only when the hard limit that excludes the current target holds whatever the
traffic (Lambda's 15 minutes): the workload is ranked again at volumes from one request a month to a billion.

A job (a scheduled or batch pattern) whose run time nothing said (no ``runtime.max_duration_s`` nor
``avg_duration_ms`` in its source or the usage file) is ``unknown`` too: each run would be priced as decider's
default of 1 s, which is no figure to act on.

A consider or move that does stand says which assumed values would change it: each default the counterfactual search
tries (decider/advice.py, ×0.1 and ×10 for numbers, every other value of a choice) is tried on its own, and an
assumption is *decisive* when the recommendation changes under it, or the current target is no longer excluded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from decider.advice import ASSUMPTION_PATHS, BUDGET, ranked_with
from decider.alternatives import alternatives
from decider.cost.memo import PlanMemo
from decider.decision import Decision
from decider.ranking import Ranked
from decider.rules.model import Ruleset
from decider.workload import JOB_PATTERNS, ParsedWorkload

#: The fields that say how much traffic a workload gets: when decider assumed both, its traffic is not known.
TRAFFIC_PATHS = ("traffic.requests_per_month", "traffic.peak_rps")
#: The fields that say how long a job's run takes: when decider assumed both, its run time is not known.
DURATION_PATHS = ("runtime.max_duration_s", "runtime.avg_duration_ms")
#: How the reason of a job whose run time is not known opens (the renderers find it by this).
RUN_TIME_NOT_KNOWN = "Run time not known"
#: Monthly volumes a hard limit must hold at for a move to stand when the traffic is not known.
TRIAL_VOLUMES = (1.0, 1e3, 1e6, 1e9)


def traffic_unknown(parsed: ParsedWorkload, guessed: Collection[str] = ()) -> bool:
    """True when both the monthly volume and the peak rate are decider's defaults or the source's guesses
    (``guessed``), not anything the workload said."""
    assumed = {path for path, _ in parsed.defaults} | set(guessed)
    return all(path in assumed for path in TRAFFIC_PATHS)


def unknown_why(name: str, *, from_file: bool = True) -> str:
    """The verdict ``unknown``'s reason, with the usage file entry that would give the traffic (a workload read from a
    file), or the workload's own fields (a workload given whole, as the API's review takes it)."""
    if not from_file:
        return (
            "Traffic not known: give it in the workload, e.g. `traffic: {requests_per_month: 2000000, peak_rps: 20}` "
            "(requests_per_month alone is enough; peak_rps follows from the pattern); a verdict on decider's default "
            "traffic would be a guess."
        )
    return (
        f"Traffic not known: add it to the usage file (--usage), e.g. `{name}: {{traffic: {{requests_per_month: "
        "2000000, peak_rps: 20}}` (requests_per_month alone is enough; peak_rps follows from the pattern); a verdict "
        "on decider's default traffic would be a guess."
    )


def duration_unknown(parsed: ParsedWorkload, guessed: Collection[str] = ()) -> bool:
    """True for a job (a scheduled or batch pattern) whose run time nothing said: both ``runtime.max_duration_s`` and
    ``runtime.avg_duration_ms`` are decider's defaults (a run of 1 s) or the source's guesses, so each run's bill and
    whether Lambda's 15 minutes hold it are guesses."""
    if parsed.workload.traffic.pattern not in JOB_PATTERNS:
        return False
    assumed = {path for path, _ in parsed.defaults} | set(guessed)
    return all(path in assumed for path in DURATION_PATHS)


def unknown_duration_why(name: str, *, from_file: bool = True) -> str:
    """The verdict ``unknown``'s reason for a job whose run time is not known, with where to give it."""
    example = "runtime: {max_duration_s: 1800, avg_duration_ms: 600000}"
    where = f"add it to the usage file (--usage), e.g. `{name}: {{{example}}}`" if from_file else f"give `{example}`"
    return (
        f"{RUN_TIME_NOT_KNOWN}: {where} (the longest run in seconds, the typical one in milliseconds); a job's bill "
        "and whether Lambda's 15 minutes hold a run follow from it, and a verdict on decider's default run of 1 s "
        "would be a guess."
    )


def unknown_reason(
    name: str,
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    verdict: str | None,
    candidates: Sequence[str],
    guessed: Collection[str] = (),
    from_file: bool = True,
    memo: PlanMemo | None = None,
) -> str | None:
    """Why ``verdict`` would rest on decider's defaults (the traffic, a job's run time, or both), so it is
    ``unknown``; None when it does not, or there is no verdict. A move stands when its hard limit holds at every
    trial volume (traffic not known), and whatever the run time: a longer run only adds Lambda's 15 minutes."""
    if verdict is None:
        return None
    traffic, duration = traffic_unknown(parsed, guessed), duration_unknown(parsed, guessed)
    if verdict == "move" and (not traffic or excluded_whatever_the_traffic(parsed, ruleset, candidates, memo)):
        return None
    reasons = [
        *([unknown_why(name, from_file=from_file)] if traffic else []),
        *([unknown_duration_why(name, from_file=from_file)] if duration else []),
    ]
    return " ".join(reasons) if reasons else None


def _ranked(
    parsed: ParsedWorkload, ruleset: Ruleset, change: Mapping[str, Any], memo: PlanMemo | None = None
) -> Ranked | None:
    """The ranking of the workload as given with ``change``; None when there is no given workload or it cannot be
    ranked (a size no target holds). ``memo`` is the workload's decision's (decider/cost/memo.py)."""
    return ranked_with(parsed.given, ruleset, change, memo) if parsed.given is not None else None


def excluded_whatever_the_traffic(
    parsed: ParsedWorkload, ruleset: Ruleset, candidates: Sequence[str], memo: PlanMemo | None = None
) -> bool:
    """True when none of ``candidates`` (the current targets) is eligible at any trial volume."""
    for volume in TRIAL_VOLUMES:
        other = _ranked(parsed, ruleset, {"traffic.requests_per_month": volume}, memo)
        if other is not None and any(target in other.order for target in candidates):
            return False
    return True


def decisive_assumptions(
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    decision: Decision,
    candidates: Sequence[str],
    budget: int = BUDGET,
    memo: PlanMemo | None = None,
    keep_margin: float | None = None,
    ceiling: str | None = None,
) -> tuple[str, ...]:
    """The assumed fields whose other plausible values change the verdict: the recommendation differs, one of
    ``candidates`` becomes eligible where none was, or (given the ``keep_margin``) the best-placed current target
    comes within it of the recommendation, a keep; at most ``budget`` rankings. ``ceiling``: what the longest run
    was read from when it is a ceiling (a function's timeout), tried at a tenth, as if it were assumed."""
    defaults = dict(parsed.defaults)
    excluded = not any(entry.target in candidates for entry in decision.ranking)
    decisive: list[str] = []
    tried = 0
    assumed = [(path, None) for path in ASSUMPTION_PATHS] + _unknown_code(parsed, defaults, candidates)
    trials = [(path, values, False) for path, values in assumed]
    trials += [(path, values, True) for path, values in _within_ceiling(parsed)] if ceiling is not None else []
    for path, values, below_ceiling in trials:
        # An assumed field, or the longest run read from a ceiling; a field decisive once is said once
        if (path not in defaults and not below_ceiling) or path in decisive:
            continue
        section, _, field = path.partition(".")
        now = getattr(getattr(parsed.workload, section), field)
        for value in values if values is not None else alternatives(path, now, parsed.workload):
            if tried >= budget:
                return tuple(decisive)
            tried += 1
            other = _ranked(parsed, ruleset, {path: value}, memo)
            if other is None:
                continue
            let_in = excluded and any(target in other.order for target in candidates)
            if other.recommendation != decision.recommendation or let_in or _kept(other, candidates, keep_margin):
                decisive.append(path)
                break
    return tuple(decisive)


#: The longest run tried for a container job whose code gives no length: an hour, past Lambda's 15 minutes.
JOB_HOUR_S = 3600.0


def _unknown_code(
    parsed: ParsedWorkload, defaults: Mapping[str, Any], candidates: Sequence[str]
) -> list[tuple[str, tuple[Any, ...] | None]]:
    """What code read for a review leaves unsaid that a workload file would say, for workloads on containers now
    (what runs on Lambda now is neither of these): ``runtime.long_running`` when nothing says what it serves (no port,
    probe or event source: its protocols were assumed), since a process that stays up cannot run on Lambda; and an
    hour for the longest run of a job whose length nothing gives (×10 of a one-second default never nears Lambda's
    15 minutes, and a job started on containers often runs for minutes)."""
    if "lambda" in candidates:
        return []
    found: list[tuple[str, tuple[Any, ...] | None]] = []
    if "traffic.protocols" in defaults:
        found.append(("runtime.long_running", None))
    if parsed.workload.traffic.pattern in JOB_PATTERNS and parsed.workload.max_duration_s < JOB_HOUR_S:
        found.append(("runtime.max_duration_s", (JOB_HOUR_S,)))
    return found


def _within_ceiling(parsed: ParsedWorkload) -> list[tuple[str, tuple[Any, ...] | None]]:
    """The longest run at a tenth of its ceiling (no shorter than an average run given, not assumed): a function's
    runs may stay well within its timeout, which teams often set at Lambda's 15 minutes whatever the work takes."""
    workload, path = parsed.workload, "runtime.max_duration_s"
    lower = workload.max_duration_s * 0.1
    average = workload.runtime.avg_duration_ms
    if average is not None and "runtime.avg_duration_ms" not in dict(parsed.defaults):
        lower = max(lower, average / 1000.0)
    return [(path, (lower,))] if lower < workload.max_duration_s else []


def _kept(other: Ranked, candidates: Sequence[str], keep_margin: float | None) -> bool:
    """Whether the current targets' best-placed one is within ``keep_margin`` of the recommendation (a keep)."""
    current = next((target for target in other.order if target in candidates), None)
    if keep_margin is None or current is None or other.recommendation is None:
        return False
    scores = other.evaluation.scores
    return round(scores[other.recommendation] - scores[current], 1) <= keep_margin


def decisive_why(
    decisive: Sequence[str], parsed: ParsedWorkload, *, from_file: bool = True, ceiling: str | None = None
) -> str:
    """The sentence a verdict's reason ends with when assumed values would change it (given where the workload's
    other fields are: the usage file for a workload read from a file, else the workload); a longest run read from a
    ``ceiling`` is said as read from it."""
    defaults = dict(parsed.defaults)
    shown = ", ".join(
        f"{path} ({_show(parsed.workload.max_duration_s)} s, from the {ceiling}: runs may stay well within it)"
        if path not in defaults and ceiling is not None
        else f"{path} (assumed {_show(defaults.get(path))})"
        for path in decisive
    )
    where = "the usage file" if from_file else "the workload"
    return f" This verdict rests on assumptions: other values of {shown} would change it; give them in {where}."


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the usage file would write it
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:g}"
    return str(value)
