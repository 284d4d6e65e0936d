"""Architecture review: for each workload where it runs today, a verdict — keep, consider or move — and why.

``keep``: the current target is the recommendation, or within ``KEEP_MARGIN_POINTS`` of its score.
``consider``: the current target is eligible, but the recommendation scores clearly higher (by how much, and the
monthly cost of both where the cost model prices them). ``move``: a hard limit excludes the current target.
``unknown``: nothing said how much traffic it gets, and no hard limit settles it, or nothing said how long a job's run
takes (decider/review_evidence.py).
A workload with no current platform (``none``, or plain ``ec2``, which decider does not rank) gets no verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from decider import review_evidence as evidence
from decider.cost.memo import PlanMemo
from decider.decision import Decision, RankedTarget
from decider.engine import decide
from decider.fixes import value_at
from decider.numbers import number
from decider.review_cluster import share_clusters, share_fixed_costs
from decider.review_costs import Shares, cluster_share, cost_clause, describe_current, target_name
from decider.review_fields import FieldAssumed, FieldRead, assumed_fields, read_fields
from decider.review_input import check_imported
from decider.review_mode import CurrentMode, mode_name
from decider.review_mode import current_mode as priced_mode
from decider.review_nodes import on_nodes
from decider.review_notes import grpc_why, unknown_traffic_reasons
from decider.review_request import MAX_REVIEW_ITEMS, ReviewRequestItem, check_modes, parse_review_request, with_platform
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, NodePool
from decider.workload import ParsedWorkload, parse_workload, resolve_defaults

__all__ = [  # the request's model and parser are the review's API, as before they had their own module
    "MAX_REVIEW_ITEMS",
    "Review",
    "ReviewRequestItem",
    "ReviewedWorkload",
    "judge",
    "parse_review_request",
    "review_imported",
    "review_request",
]

Verdict = Literal["keep", "consider", "move", "unknown"]
VERDICTS: tuple[Verdict, ...] = ("keep", "consider", "move", "unknown")

#: A current target this close to the recommendation's score is kept: a move costs more than a few points gain.
KEEP_MARGIN_POINTS = 5.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceLocation(_Frozen):
    """Where a workload is defined: a file and the 1-based line its resource starts on (null for API input)."""

    file: str | None = None
    line: int | None = None


class ReviewedWorkload(_Frozen):
    """One workload's verdict, the facts behind it, and the full decision."""

    name: str
    source: SourceLocation
    current_platform: str = Field(description="none | lambda | ecs | eks | ec2 (the workload's team.current_platform).")
    current_target: str | None = Field(description="The precise target it runs on now, when the source says.")
    current_mode: str | None = Field(
        None,
        description="The capacity mode it runs in now (targets.yaml modes: spot, managed-instances, fargate, "
        "auto-mode, ...), when the source or the request says; its bill is the cost now.",
    )
    verdict: Verdict | None = Field(
        description="keep | consider | move | unknown (traffic, or a job's run time, not known); null when it runs "
        "nowhere decider ranks."
    )
    why: str = Field(description="One sentence behind the verdict.")
    rules: tuple[str, ...] = Field(description="Rule ids behind the verdict: the exclusions (move) or the lead.")
    compared_target: str | None = Field(description="The target the verdict compares with the recommendation.")
    score_gap: float | None = Field(description="Recommendation's score minus the compared target's score.")
    monthly_cost_now_usd: float | None = Field(
        None, description="The compared target's monthly cost, in current_mode when that mode is priced."
    )
    monthly_cost_recommended_usd: float | None = None
    source_assumptions: tuple[str, ...] = Field(
        (), description="What reading the source had to assume (also first in decision.assumptions)."
    )
    decisive_assumptions: tuple[str, ...] = Field(
        (), description="Assumed fields (dotted paths) whose other plausible values would change a consider or move."
    )
    fields_read: tuple[FieldRead, ...] = Field((), description="Workload fields the source (or usage file) gave.")
    fields_assumed: tuple[FieldAssumed, ...] = Field((), description="Workload fields decider's defaults filled.")
    decision: Decision


class ReviewSummary(_Frozen):
    """Counts per verdict and the monthly cost now against the cost after following every verdict."""

    workloads: int
    keep: int
    consider: int
    move: int
    unknown: int = Field(
        description="Workloads whose traffic, or a job's run time, is not known: no verdict on defaults, no cost "
        "counted."
    )
    no_verdict: int
    keep_margin_points: float
    monthly_cost_now_usd: float | None = Field(
        description="Sum over costed workloads of the compared (current) target's monthly cost."
    )
    monthly_cost_recommended_usd: float | None = Field(
        description="Sum over the same workloads of the cost after the verdict: current for keep, else recommended."
    )
    costed_workloads: int = Field(description="Workloads whose current and recommended costs are both known.")


class SkippedFile(_Frozen):
    file: str
    reason: str


class UnreadableFile(_Frozen):
    """A file that should have been read and could not be; the review went on without it."""

    file: str
    line: int | None = None
    reason: str


class Review(_Frozen):
    """The review of many workloads: one entry each, in the order found, and a summary."""

    workloads: tuple[ReviewedWorkload, ...]
    summary: ReviewSummary
    skipped: tuple[SkippedFile, ...] = ()
    unreadable: tuple[UnreadableFile, ...] = ()

    def tripped_by(self, fail_on: str | None) -> int:
        """How many workloads trip a CI gate at ``fail_on`` (``move``; or ``consider``, which counts move too)."""
        return Tally(self.workloads).tripped_by(fail_on)


class Tally:
    """The summary counted one workload at a time, in review order (so the cost sums are summarise()'s to the cent).
    A workload moved off a shared EKS cluster or Ingress load balancer leaves its share behind while any of the
    review's workloads stays on it (``shares``: each with its cluster or Ingress, decider/review_costs.py)."""

    def __init__(self, reviewed: Iterable[ReviewedWorkload] = ()) -> None:
        self.counts: dict[Verdict | None, int] = dict.fromkeys((*VERDICTS, None), 0)
        self.now_total = self.after_total = 0.0
        self.costed = 0
        self.left_behind: dict[str, float] = {}  # per shared cluster or Ingress: the shares of workloads moved off
        self.staying: set[str] = set()  # the shared clusters and Ingresses some workload stays on
        for item in reviewed:
            share = cluster_share(item.decision, item.compared_target)
            self.add(item.verdict, item.monthly_cost_now_usd, item.monthly_cost_recommended_usd, share)

    def add(self, verdict: Verdict | None, now: float | None, recommended: float | None, shares: Shares = ()) -> None:
        self.counts[verdict] += 1
        moved = verdict in ("consider", "move")
        self.staying.update(key for key, _ in shares if not moved)
        if now is not None and recommended is not None:
            self.costed += 1
            self.now_total += now
            self.after_total += now if verdict == "keep" else recommended
            for key, usd in shares if moved else ():
                self.left_behind[key] = self.left_behind.get(key, 0.0) + usd

    def summary(self, keep_margin_points: float = KEEP_MARGIN_POINTS) -> ReviewSummary:
        after = self.after_total + sum(usd for cluster, usd in self.left_behind.items() if cluster in self.staying)
        return ReviewSummary(
            workloads=sum(self.counts.values()),
            keep=self.counts["keep"],
            consider=self.counts["consider"],
            move=self.counts["move"],
            unknown=self.counts["unknown"],
            no_verdict=self.counts[None],
            keep_margin_points=keep_margin_points,
            monthly_cost_now_usd=round(self.now_total, 2) if self.costed else None,
            monthly_cost_recommended_usd=round(after, 2) if self.costed else None,
            costed_workloads=self.costed,
        )

    def tripped_by(self, fail_on: str | None) -> int:
        gate = {"move": ("move",), "consider": ("consider", "move")}.get(fail_on or "", ())
        return sum(count for verdict, count in self.counts.items() if verdict in gate)


def review_imported(
    imported: Sequence[ImportedWorkload],
    ruleset: Ruleset,
    keep_margin_points: float = KEEP_MARGIN_POINTS,
    skipped: Sequence[tuple[str, str]] = (),
    unreadable: Sequence[UnreadableFile] = (),
) -> Review:
    """Review workloads read from files; every invalid one is reported at once with its file and line."""
    check_imported(imported, ruleset)
    share_clusters(imported, skipped)
    reviewed = list(review_each(imported, ruleset, keep_margin_points))
    summary = Tally(reviewed).summary(keep_margin_points)
    files = tuple(SkippedFile(file=f, reason=r) for f, r in skipped)
    return Review(workloads=tuple(reviewed), summary=summary, skipped=files, unreadable=tuple(unreadable))


def review_each(
    imported: Iterable[ImportedWorkload], ruleset: Ruleset, keep_margin_points: float = KEEP_MARGIN_POINTS
) -> Iterator[ReviewedWorkload]:
    """Each workload's review, one at a time and in order (check_imported() first: this stops at the first error)."""
    for item in imported:
        yield judge(
            item.name,
            parse_workload(item.raw, strict_json=item.json_types),
            ruleset,
            current_target=item.target_in(ruleset),
            source=SourceLocation(file=item.file, line=item.line),
            extra_assumptions=item.assumptions,
            keep_margin_points=keep_margin_points,
            cluster_workloads=item.cluster_workloads,
            cluster=item.cluster if "team.new_cluster" not in item.given_in else None,
            balancers=item.balancer_counts,
            nodes=item.nodes,
            current_mode=item.mode,
            guessed=tuple(path for path in item.guessed if path not in item.given_in),
            ceiling=item.ceiling if "runtime.max_duration_s" not in item.given_in else None,
        ).model_copy(update={"fields_read": read_fields(item)}, deep=False)


def review_request(
    items: Sequence[ReviewRequestItem], ruleset: Ruleset, keep_margin_points: float = KEEP_MARGIN_POINTS
) -> Review:
    """Review named workloads given with their current platform or target (the API's review)."""
    check_modes(items, ruleset)
    reviewed: list[ReviewedWorkload] = []
    for item in items:
        known = item.current_target in ruleset.target_ids
        platform = ruleset.platform_of(item.current_target) if item.current_target and known else item.current_platform
        parsed = item.workload
        if platform is not None and parsed.given is not None and parsed.workload.team.current_platform != platform:
            parsed = resolve_defaults(with_platform(parsed.given, platform))
        notes: list[str] = []
        if item.current_target and item.current_platform not in (None, platform):
            # The precise target says more than the platform; the contradiction is reported, not an error.
            notes.append(
                f"current_platform {item.current_platform!r} contradicts current_target {item.current_target!r}: "
                f"reviewed as running on {item.current_target} ({platform})"
            )
        reviewed.append(
            judge(
                item.name,
                parsed,
                ruleset,
                current_target=item.current_target if known else None,
                source=SourceLocation(),
                extra_assumptions=notes,
                keep_margin_points=keep_margin_points,
                current_mode=item.current_mode,
            )
        )
    return summarise(reviewed, keep_margin_points)


def judge(
    name: str,
    parsed: ParsedWorkload,
    ruleset: Ruleset,
    *,
    current_target: str | None = None,
    source: SourceLocation | None = None,
    extra_assumptions: Sequence[str] = (),
    keep_margin_points: float = KEEP_MARGIN_POINTS,
    cluster_workloads: int = 0,
    cluster: str | None = None,
    balancers: Mapping[str, int] | None = None,
    nodes: NodePool | None = None,
    current_mode: str | None = None,
    guessed: Sequence[str] = (),
    ceiling: str | None = None,
) -> ReviewedWorkload:
    """Decide one workload and compare where it runs now with the recommendation; ``cluster_workloads`` shares its
    EKS cluster's control plane between that many (``cluster``: the one the files define, if so; ``balancers``: the
    Ingresses whose load balancers it is billed shares of, each with how many: decider/review_cluster.py);
    ``current_mode``: the capacity mode it runs in now, whose bill is the cost now (decider/review_mode.py);
    ``guessed``: fields the source set on a guess (decider/sources/imported.py), assumed; ``ceiling``: what the
    longest run was read from when it is a ceiling (a function's timeout)."""
    memo = PlanMemo()  # the plans priced for this workload, lent to the evidence search's rankings
    decision = decide(parsed, ruleset, advice=False, memo=memo)  # the search, when wanted, is review_evidence's
    region = parsed.workload.preferences.region
    decision = share_fixed_costs(decision, ruleset, parsed.workload, (cluster_workloads, cluster), balancers or {})
    if extra_assumptions:
        decision = decision.model_copy(update={"assumptions": (*extra_assumptions, *decision.assumptions)})
    platform = parsed.workload.team.current_platform
    # The targets a platform may mean when the precise one is not known (targets.yaml): the best-ranked stands for it.
    candidates = (current_target,) if current_target else ruleset.on_platform(platform)
    best = decision.ranking[0] if decision.ranking else None
    verdict: Verdict | None
    rules: tuple[str, ...] = ()
    compared: RankedTarget | None = None
    gap: float | None = None
    mode = CurrentMode(current_mode)
    if not candidates:
        verdict = None
        where = "runs nowhere yet" if platform == "none" else "runs on plain EC2, which decider does not rank"
        recommended = f"{target_name(ruleset, best.target)} is recommended." if best else "no target fits."
        why = f"{name} {where}: {recommended}"
    else:
        eligible = [entry for entry in decision.ranking if entry.target in candidates]
        now = describe_current(ruleset, candidates, platform)
        if len(candidates) == 1:
            now = CurrentMode(current_mode, mode_name(ruleset, candidates[0], current_mode)).label(now)
        if not eligible:
            verdict = "move"
            exclusions = [reason for item in decision.excluded if item.target in candidates for reason in item.reasons]
            rules = tuple(dict.fromkeys(reason.rule for reason in exclusions))
            first = exclusions[0].message.rstrip(".") if exclusions else "a hard limit applies"
            why = f"{now} cannot run it: {first} ({', '.join(rules)}). " + (
                f"Move to {target_name(ruleset, best.target)} (score {number(best.score)})."
                if best
                else "No target can run it as described."
            )
        else:
            compared = eligible[0]
            best = decision.ranking[0]  # an eligible current target means the ranking is not empty
            mode = on_nodes(priced_mode(ruleset, current_mode, current_target, compared), nodes, compared)
            if len(candidates) > 1:
                now = f"{mode.label(target_name(ruleset, compared.target))} (the best-placed {now} option)"
            gap = round(best.score - compared.score, 1)
            if compared.target == best.target:
                verdict = "keep"
                why = f"{now} is the recommendation (score {number(best.score)})." + mode.saving()
            elif gap <= keep_margin_points:
                verdict = "keep"
                why = (
                    f"{now} scores {number(compared.score)}, within {number(keep_margin_points)} points of the "
                    f"recommended {target_name(ruleset, best.target)} ({number(best.score)})."
                ) + mode.saving()
            else:
                verdict = "consider"
                rules = tuple(rule for _, rule in decision.leads_over(compared.target)[:3])
                why = (
                    f"{target_name(ruleset, best.target)} scores {number(gap)} points higher than {now} "
                    f"({number(best.score)} against {number(compared.score)})"
                )
                now_usd = mode.usd if mode.usd is not None else _cost(compared)
                why += cost_clause(ruleset, best, compared, now_usd, region, cluster_workloads, balancers) + "."
    cost_now = mode.usd if mode.usd is not None else _cost(compared) if compared is not None else None
    if mode.notes and verdict is not None:
        why += " Cost now: " + "; ".join(mode.notes) + "."
        decision = decision.model_copy(update={"assumptions": (*mode.notes, *decision.assumptions)})
    cost_recommended = _cost(best) if best is not None else None
    decisive: tuple[str, ...] = ()
    from_file = source is None or source.file is not None  # a source with no file: given whole (the API's review)
    unknown = evidence.unknown_reason(name, parsed, ruleset, verdict, candidates, guessed, from_file, memo)
    if unknown is not None:
        verdict, why, rules, gap = "unknown", unknown, (), None
        # A schedule the source gives but decider could not read, or work started by something with no rate, is why
        # its traffic is not known: say so.
        why += "".join(f" {text}" for text in unknown_traffic_reasons(extra_assumptions))
        cost_now = cost_recommended = None
    if verdict in ("consider", "move"):
        why += grpc_why(parsed.workload, ruleset, best.target if best is not None else None, candidates)
        margin = keep_margin_points if verdict == "consider" else None
        decisive = evidence.decisive_assumptions(
            parsed, ruleset, decision, candidates, memo=memo, keep_margin=margin, ceiling=ceiling
        )
        why += evidence.decisive_why(decisive, parsed, from_file=from_file, ceiling=ceiling) if decisive else ""
    return ReviewedWorkload(
        name=name,
        source=source or SourceLocation(),
        current_platform=platform,
        current_target=current_target,
        current_mode=current_mode,
        verdict=verdict,
        why=why,
        rules=rules,
        compared_target=compared.target if compared is not None else None,
        score_gap=gap,
        monthly_cost_now_usd=cost_now,
        monthly_cost_recommended_usd=cost_recommended,
        source_assumptions=tuple(extra_assumptions),
        decisive_assumptions=decisive,
        fields_assumed=(
            *assumed_fields(parsed),
            *(FieldAssumed(field=path, value=value_at(parsed.workload, path)) for path in guessed),
        ),
        decision=decision,
    )


def summarise(reviewed: Sequence[ReviewedWorkload], keep_margin_points: float = KEEP_MARGIN_POINTS) -> Review:
    return Review(workloads=tuple(reviewed), summary=Tally(reviewed).summary(keep_margin_points))


def _cost(entry: RankedTarget) -> float | None:
    return entry.monthly_cost.total_usd if entry.monthly_cost is not None else None
