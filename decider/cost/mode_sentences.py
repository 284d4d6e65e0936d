"""A capacity mode that moves a cost crossing, in words (decider/cost/modes.py chooses the modes; decider/crossings.py
``ModeCheck`` tries each sentence with the search): "With Lambda Managed Instances, AWS Lambda stays cheaper than
Amazon ECS on AWS Fargate up to ~40M requests a month"."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from decider.cost.bill import Plan
from decider.cost.breakeven import Curve, approx_requests, approx_toward, curve_crossings
from decider.decision import BreakEven


def mode_sentences(
    names: Mapping[str, str],
    modes: Mapping[str, Mapping[str, str]],
    plans: Mapping[str, Plan],
    alternatives: Mapping[str, Mapping[str, Plan]],
    points: Sequence[BreakEven],
    near: Callable[[float], bool] = lambda volume: True,
    *,
    unit: str = "requests",
    check: Callable[[str, str, str, float, float], bool] | None = None,
) -> list[str]:
    """A mode switch that moves a cost crossing, in words: for each crossing of two targets, where it would lie if one
    of them ran in another mode it can use ("With Lambda Managed Instances, AWS Lambda stays cheaper than Amazon ECS
    on AWS Fargate up to ~40M requests a month"; ``unit``: requests, or runs of a job). Only a switch in ``side``'s
    favour is said: its advantage lasts to a higher volume, or starts at a lower one, by more than a tenth, at a
    volume ``near`` accepts. ``names`` are the targets' names, ``modes`` the modes' names. ``check`` (side, mode, other,
    the volume the crossing moves to, the crossing now) tries a sentence before it is said (decider/crossings.py
    ``ModeCheck``): one that does not hold is left out."""
    said: list[str] = []
    curves: dict[tuple[str, str], Curve] = {}  # each plan's curve once, by (target, mode or "")

    def curve(target: str, mode: str, plan: Plan) -> Curve:
        found = curves.get((target, mode))
        if found is None:
            found = curves[(target, mode)] = Curve.of(plan)
        return found

    for point in points:
        for side, other in ((point.target, point.versus), (point.versus, point.target)):
            for mode, plan in alternatives.get(side, {}).items():
                # At the crossing the chosen mode's bill equals the other target's: another mode can move the
                # crossing in this side's favour only if it is cheaper there.
                volume_now = point.requests_per_month
                if other not in plans or plan.total(volume_now) >= plans[side].total(volume_now) - 1e-9:
                    continue
                for moved in curve_crossings(curve(side, mode, plan), curve(other, "", plans[other])):
                    if not _helps(side, point, moved) or not near(moved.requests_per_month):
                        continue
                    if _crossed_between(points, point, moved.requests_per_month):
                        continue  # the bills cross again in between: the mode moves that crossing, not this one
                    if check is not None and not check(
                        side, mode, other, moved.requests_per_month, point.requests_per_month
                    ):
                        continue
                    # Rounded towards the crossing now: the claim holds between the two, so it holds at the volume said
                    now = point.requests_per_month
                    volume = approx_toward(moved.requests_per_month, now, now)[0]
                    change = (
                        f"stays cheaper than {names[other]} up to {volume}"
                        if moved.versus == side
                        else f"becomes cheaper than {names[other]} above {volume}"
                    )
                    sentence = (
                        f"With {modes[side][mode]}, {names[side]} {change} {unit} a month "
                        f"(in its chosen mode the bills cross at {approx_requests(point.requests_per_month)})."
                    )
                    if sentence not in said:
                        said.append(sentence)
    return said


def _crossed_between(points: Sequence[BreakEven], point: BreakEven, moved: float) -> bool:
    """Whether another crossing of ``point``'s two targets lies between it and ``moved`` (where another mode moves
    it): the bills of the modes chosen cross more than once there, and "in its chosen mode the bills cross at" would
    name the wrong one of them (Lambda already cheaper on demand at the volume the sentence says it becomes so)."""
    pair = {point.target, point.versus}
    low, high = sorted((point.requests_per_month, moved))
    return any(
        other is not point and {other.target, other.versus} == pair and low < other.requests_per_month < high
        for other in points
    )


def _helps(side: str, point: BreakEven, moved: BreakEven) -> bool:
    """Whether a crossing in another mode (``moved``) is in ``side``'s favour against the crossing now (``point``)."""
    if moved.versus == side and point.versus == side:  # cheaper below: for longer
        return moved.requests_per_month > 1.1 * point.requests_per_month
    if moved.target == side and point.target == side:  # cheaper above: sooner
        return moved.requests_per_month < point.requests_per_month / 1.1
    return False
