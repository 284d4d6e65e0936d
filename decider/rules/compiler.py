"""Checking raw rule-file items and compiling them: targets, category weights and rules, every problem collected.

Each builder takes the raw YAML value, appends a Problem (file, rule id, bad key, valid options, nearest match) for
everything wrong, and returns the compiled object or None; the loader (decider/rules/loader.py) reads the files.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from decider.errors import Problem, nearest, unknown_choice
from decider.rules.conditions import compile_condition
from decider.rules.fields import FIELDS
from decider.rules.grades import build_headroom, build_ramps
from decider.rules.model import (
    CATEGORIES,
    COST_MODELS,
    EFFECTS,
    MODE_PRICES,
    PLACEHOLDER,
    PLATFORMS,
    Mode,
    Rule,
    Target,
    TargetCost,
)
from decider.rules.rule_modes import in_modes, rule_mode
from decider.workload import OptimizeFor

OPTIMIZE_FOR: tuple[str, ...] = typing.get_args(OptimizeFor)
RULE_KEYS = (
    "id",
    "category",
    "effect",
    "target",
    "targets",
    "impacts",
    "when",
    "because",
    "fix",
    "source",
    "uncertain",
    "disabled",
    "ramp",
    "proxy_for",
    "headroom",
    "mode",
    "in_modes",
    "check_before_acting",
    "shares_with",
)
PROXIES = ("cost",)
TARGET_KEYS = ("id", "name", "family", "simplicity", "docs", "description", "platform", "cost", "runs_as", "modes")
MODE_KEYS = ("id", "name", "price", "hands_on")
TARGET_COST_KEYS = ("model", "instances", "management_fee", "control_plane")
_ID = re.compile(r"^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
_TARGET_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_IMPACT = 100.0


def build_targets(raw: Mapping[str, Mapping[str, Any]], path: Path, problems: list[Problem]) -> tuple[Target, ...]:
    targets: list[Target] = []
    for target_id, item in raw.items():
        where = f"{path} target {target_id}"
        for key in item:
            if key not in TARGET_KEYS:
                problems.append(unknown_choice(where, key, TARGET_KEYS, noun="key"))
        missing = [key for key in ("id", "name", "family", "simplicity", "docs", "platform") if key not in item]
        if missing:
            problems.append(Problem(where, f"missing {', '.join(missing)}"))
            continue
        if not _TARGET_ID.match(target_id):
            problems.append(Problem(where, "a target id is lower-case words joined by '-'"))
            continue
        if not isinstance(item["simplicity"], int) or isinstance(item["simplicity"], bool):
            problems.append(Problem(where, f"simplicity must be a whole number, got {item['simplicity']!r}"))
            continue
        platform = item["platform"]
        if platform not in PLATFORMS:
            problems.append(unknown_choice(f"{where} platform", platform, PLATFORMS, noun="value"))
            continue
        cost = _target_cost(item.get("cost"), f"{where} cost", problems)
        runs_as = item.get("runs_as", [])
        if not isinstance(runs_as, list) or not all(isinstance(word, str) and word for word in runs_as):
            problems.append(Problem(f"{where} runs_as", f"must be a list of names, got {runs_as!r}"))
            continue
        claimed = {word: target.id for target in targets for word in target.runs_as}
        for word in runs_as:
            if word in claimed:
                problems.append(Problem(f"{where} runs_as", f"{word!r} already names target {claimed[word]!r}"))
        modes = _modes(item.get("modes", []), f"{where} modes", problems)
        targets.append(
            Target(
                id=target_id,
                name=str(item["name"]),
                family=str(item["family"]),
                simplicity=item["simplicity"],
                docs=str(item["docs"]),
                description=str(item.get("description", "")),
                platform=str(platform),
                cost=cost,
                runs_as=tuple(runs_as),
                modes=modes,
            )
        )
    if not targets and not problems:
        problems.append(Problem(str(path), "no targets defined"))
    return tuple(sorted(targets, key=lambda target: (target.simplicity, target.id)))


def _modes(raw: Any, where: str, problems: list[Problem]) -> tuple[Mode, ...]:
    """A target's capacity modes (``modes:``), the default first: each an id, a name, how it is priced and how
    hands-on it is."""
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        problems.append(Problem(where, f"a list of modes (mappings with {', '.join(MODE_KEYS)}), got {raw!r}"))
        return ()
    modes: list[Mode] = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        for key in item:
            if key not in MODE_KEYS:
                problems.append(unknown_choice(at, key, MODE_KEYS, noun="key"))
        mode_id, name, price, hands_on = item.get("id"), item.get("name"), item.get("price"), item.get("hands_on", 0)
        if not isinstance(mode_id, str) or not _TARGET_ID.match(mode_id) or not isinstance(name, str) or not name:
            problems.append(Problem(at, "a mode needs an id (lower-case words joined by '-') and a name"))
        elif any(mode.id == mode_id for mode in modes):
            problems.append(Problem(at, f"mode {mode_id!r} is listed twice"))
        elif price not in MODE_PRICES:
            problems.append(unknown_choice(f"{at}.price", price, MODE_PRICES, noun="value"))
        elif isinstance(hands_on, bool) or not isinstance(hands_on, int) or hands_on < 0:
            problems.append(Problem(f"{at}.hands_on", f"a whole number ≥ 0, got {hands_on!r}"))
        else:
            modes.append(Mode(mode_id, name, str(price), hands_on))
    return tuple(modes)


def _target_cost(raw: Any, where: str, problems: list[Problem]) -> TargetCost | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, f"a mapping with model ({', '.join(COST_MODELS)}), got {raw!r}"))
        return None
    for key in raw:
        if key not in TARGET_COST_KEYS:
            problems.append(unknown_choice(where, key, TARGET_COST_KEYS, noun="key"))
    model = raw.get("model")
    if model not in COST_MODELS:
        problems.append(unknown_choice(f"{where}.model", model, COST_MODELS, noun="value"))
        return None
    flags = {key: raw.get(key, False) for key in ("management_fee", "control_plane")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            problems.append(Problem(f"{where}.{key}", f"is true or false, got {value!r}"))
    instances = raw.get("instances", "EC2 instances")
    if not isinstance(instances, str) or not instances:
        problems.append(
            Problem(f"{where}.instances", f"the name of the target's instances on a bill, got {instances!r}")
        )
        return None
    return TargetCost(str(model), instances, flags["management_fee"] is True, flags["control_plane"] is True)


def build_weights(
    meta: Mapping[str, Any], path: Path, problems: list[Problem]
) -> tuple[dict[str, dict[str, float]], float]:
    base_score = meta.get("base_score", 50)
    if isinstance(base_score, bool) or not isinstance(base_score, int | float):
        problems.append(Problem(f"{path} base_score", f"must be a number, got {base_score!r}"))
        base_score = 50
    raw = meta.get("weights")
    weights: dict[str, dict[str, float]] = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem(f"{path} weights", "missing: a mapping from optimize_for to category weights"))
        return weights, float(base_score)
    for goal in raw:
        if goal not in OPTIMIZE_FOR:
            problems.append(
                Problem(
                    f"{path} weights.{goal}",
                    f"unknown optimize_for; valid: {', '.join(OPTIMIZE_FOR)}",
                    nearest(str(goal), OPTIMIZE_FOR),
                )
            )
    for goal in OPTIMIZE_FOR:
        row = raw.get(goal)
        if not isinstance(row, Mapping):
            problems.append(Problem(f"{path} weights.{goal}", f"missing weights for optimize_for={goal}"))
            continue
        weights[goal] = {}
        for category in row:
            if category not in CATEGORIES:
                problems.append(
                    Problem(
                        f"{path} weights.{goal}.{category}",
                        f"unknown category; valid: {', '.join(CATEGORIES)}",
                        nearest(str(category), CATEGORIES),
                    )
                )
        for category in CATEGORIES:
            value = row.get(category)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(Problem(f"{path} weights.{goal}.{category}", f"must be a number ≥ 0, got {value!r}"))
                continue
            weights[goal][category] = float(value)
    return weights, float(base_score)


def build_rule(
    raw: Mapping[str, Any],
    path: str,
    target_ids: tuple[str, ...],
    problems: list[Problem],
    modes: Mapping[str, tuple[str, ...]] | None = None,
) -> Rule | None:
    rule_id = str(raw["id"])
    where = f"{path} {rule_id}"
    before = len(problems)
    for key in raw:
        if key not in RULE_KEYS:
            problems.append(unknown_choice(where, key, RULE_KEYS, noun="key"))
    if not _ID.match(rule_id):
        problems.append(Problem(where, "a rule id is dotted lower-case words, e.g. limits.lambda-max-duration"))
    missing = [key for key in ("category", "effect", "when", "because", "source") if key not in raw]
    if missing:
        problems.append(Problem(where, f"missing required key(s): {', '.join(missing)}"))
    category = raw.get("category")
    if "category" in raw and category not in CATEGORIES:
        problems.append(
            Problem(
                f"{where} category",
                f"{category!r} is not a category; valid: {', '.join(CATEGORIES)}",
                nearest(str(category), CATEGORIES),
            )
        )
    effect = raw.get("effect")
    if "effect" in raw and effect not in EFFECTS:
        problems.append(
            Problem(
                f"{where} effect",
                f"{effect!r} is not an effect; valid: {', '.join(EFFECTS)}",
                nearest(str(effect), EFFECTS),
            )
        )
    source = raw.get("source")
    if "source" in raw and (not isinstance(source, str) or not re.match(r"^https?://\S+$", source)):
        problems.append(Problem(f"{where} source", f"must be an http(s) URL, got {source!r}"))

    targets, impacts = _targets_and_impacts(raw, effect, where, target_ids, problems)
    condition = compile_condition(raw["when"], f"{where} when", problems) if "when" in raw else None
    because = raw.get("because")
    if "because" in raw:
        _check_template(because, f"{where} because", problems)
    fix = raw.get("fix")
    if fix is not None:
        _check_template(fix, f"{where} fix", problems)
    elif (
        effect == "exclude" and condition is not None and condition.leaf and condition.leaf.field.startswith("derived.")
    ):
        # Its fix would otherwise name a figure decider derives ("derived.container_vcpu ≤ 192"), not one to set.
        problems.append(
            Problem(
                f"{where} fix", "an exclusion on a derived figure needs a fix that names the workload fields to change"
            )
        )
    uncertain = raw.get("uncertain")
    if uncertain is not None and not isinstance(uncertain, str):
        problems.append(Problem(f"{where} uncertain", "must be text saying what is uncertain and why"))
    ramps = build_ramps(raw.get("ramp"), effect, f"{where} ramp", problems) if "ramp" in raw else ()
    proxy_for = raw.get("proxy_for")
    if proxy_for is not None and proxy_for not in PROXIES:
        problems.append(unknown_choice(f"{where} proxy_for", proxy_for, PROXIES, noun="value"))
    headroom = build_headroom(raw.get("headroom"), effect, condition, f"{where} headroom", problems)
    check = raw.get("check_before_acting", False)
    if not isinstance(check, bool):
        problems.append(Problem(f"{where} check_before_acting", f"must be true or false, got {check!r}"))
    elif check and effect != "score":
        problems.append(
            Problem(f"{where} check_before_acting", "only a score rule can be (an exclusion's target is never ranked)")
        )
    shares_with = raw.get("shares_with")
    if shares_with is not None and (effect != "score" or not isinstance(shares_with, str)):
        problems.append(Problem(f"{where} shares_with", "a score rule's shares_with names another score rule's id"))
    mode = rule_mode(raw, effect, targets, modes or {}, where, problems) if "mode" in raw else None
    limited = {}
    if "in_modes" in raw:
        limited = in_modes(raw["in_modes"], effect, impacts, modes or {}, f"{where} in_modes", problems)
    if len(problems) > before or condition is None:
        return None
    return Rule(
        id=rule_id,
        category=str(category),
        effect=str(effect),
        targets=targets,
        impacts=impacts,
        condition=condition,
        because=str(because),
        source=str(source),
        file=path,
        fix=str(fix) if fix is not None else None,
        uncertain=uncertain,
        raw=raw,
        ramps=ramps,
        proxy_for=str(proxy_for) if proxy_for is not None else None,
        headroom=headroom,
        mode=mode,
        in_modes=limited,
        check_before_acting=check is True,
        shares_with=shares_with if isinstance(shares_with, str) else None,
    )


def _targets_and_impacts(
    raw: Mapping[str, Any], effect: Any, where: str, target_ids: tuple[str, ...], problems: list[Problem]
) -> tuple[tuple[str, ...], dict[str, float]]:
    impacts: dict[str, float] = {}
    if effect == "score":
        for key in ("target", "targets"):
            if key in raw:
                problems.append(Problem(f"{where} {key}", "a score rule names its targets in 'impacts'"))
        raw_impacts = raw.get("impacts")
        if not isinstance(raw_impacts, Mapping) or not raw_impacts:
            problems.append(
                Problem(f"{where} impacts", "a score rule needs impacts: a mapping from target id to points")
            )
            return (), impacts
        for target, points in raw_impacts.items():
            if target not in target_ids:
                problems.append(
                    Problem(
                        f"{where} impacts.{target}",
                        f"unknown target; valid: {', '.join(target_ids)}",
                        nearest(str(target), target_ids),
                    )
                )
            elif (
                isinstance(points, bool)
                or not isinstance(points, int | float)
                or not -MAX_IMPACT <= points <= MAX_IMPACT
            ):
                problems.append(
                    Problem(f"{where} impacts.{target}", f"must be a number from -100 to 100, got {points!r}")
                )
            else:
                impacts[str(target)] = float(points)
        return tuple(target for target in target_ids if target in impacts), impacts
    if "impacts" in raw:
        problems.append(Problem(f"{where} impacts", "an exclude rule names 'target' or 'targets', not impacts"))
    listed: Iterable[Any]
    if "target" in raw and "targets" in raw:
        problems.append(Problem(where, "give 'target' or 'targets', not both"))
        return (), impacts
    if "target" in raw:
        listed = [raw["target"]]
    elif isinstance(raw.get("targets"), list) and raw["targets"]:
        listed = raw["targets"]
    else:
        if effect == "exclude":
            problems.append(Problem(where, "an exclude rule needs 'target' or a non-empty list 'targets'"))
        return (), impacts
    chosen: list[str] = []
    for target in listed:
        if target not in target_ids:
            problems.append(
                Problem(
                    f"{where} target",
                    f"unknown target {target!r}; valid: {', '.join(target_ids)}",
                    nearest(str(target), target_ids),
                )
            )
        else:
            chosen.append(str(target))
    return tuple(target for target in target_ids if target in chosen), impacts


def _check_template(text: Any, where: str, problems: list[Problem]) -> None:
    if not isinstance(text, str) or not text.strip():
        problems.append(Problem(where, "must be non-empty text"))
        return
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name not in FIELDS:
            problems.append(
                Problem(
                    where,
                    f"unknown placeholder {{{name}}}; placeholders name workload fields or derived facts",
                    nearest(name, FIELDS),
                )
            )
