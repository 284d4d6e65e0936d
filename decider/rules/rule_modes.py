"""Compiling what a rule says about capacity modes: an exclusion's ``mode:`` (the one mode of its targets it keeps
out) and a score rule's ``in_modes:`` (for some of its targets, the modes its points hold in). Part of the rule
compiler (decider/rules/compiler.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.errors import Problem, nearest


def rule_mode(
    raw: Mapping[str, Any],
    effect: Any,
    targets: tuple[str, ...],
    modes: Mapping[str, tuple[str, ...]],
    where: str,
    problems: list[Problem],
) -> str | None:
    """An exclusion's ``mode:``: the capacity mode it keeps out, which every target it names must have."""
    mode = raw["mode"]
    if effect != "exclude":
        problems.append(Problem(f"{where} mode", "only an exclude rule keeps a mode out"))
        return None
    if "headroom" in raw:
        problems.append(Problem(f"{where} headroom", "a rule on a mode has no headroom (the target stays eligible)"))
    for target in targets:
        _known(mode, target, modes, f"{where} mode", problems)
    return str(mode)


def in_modes(
    raw: Any,
    effect: Any,
    impacts: Mapping[str, float],
    modes: Mapping[str, tuple[str, ...]],
    where: str,
    problems: list[Problem],
) -> dict[str, tuple[str, ...]]:
    """A score rule's ``in_modes:`` ({target: [mode, …]}): the points it gives such a target count only when the
    target runs in one of those modes, the one its bill chose (a team with ops to spare gains nothing from EKS
    managed node groups when EKS runs on Fargate). Every target must be one the rule scores, and every mode one the
    target lists in targets.yaml."""
    if effect != "score":
        problems.append(Problem(where, "only a score rule limits its points to capacity modes"))
        return {}
    if not isinstance(raw, Mapping) or not raw:
        problems.append(Problem(where, "must map targets to lists of their modes, e.g. {eks: [managed-node-group]}"))
        return {}
    found: dict[str, tuple[str, ...]] = {}
    before = len(problems)
    for target, listed in raw.items():
        if target not in impacts:
            problems.append(
                Problem(
                    f"{where}.{target}",
                    f"{target!r} is not a target this rule scores; it scores: {', '.join(impacts)}",
                    nearest(str(target), impacts),
                )
            )
            continue
        names = listed if isinstance(listed, list) else None
        if not names or not all(isinstance(name, str) for name in names):
            problems.append(Problem(f"{where}.{target}", f"must be a list of {target}'s modes, got {listed!r}"))
            continue
        for name in names:
            _known(name, target, modes, f"{where}.{target}", problems)
        found[str(target)] = tuple(names)
    return found if len(problems) == before else {}


def _known(mode: Any, target: str, modes: Mapping[str, tuple[str, ...]], where: str, problems: list[Problem]) -> None:
    known = modes.get(target, ())
    if mode not in known:
        listed = ", ".join(known) or "none (targets.yaml lists no modes for it)"
        problems.append(
            Problem(where, f"{target} has no mode {mode!r}; its modes: {listed}", nearest(str(mode), known))
        )
