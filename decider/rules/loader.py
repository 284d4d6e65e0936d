"""Loading rule files into a compiled, immutable Ruleset: structure, then schema, then semantics; every problem at once.

A rules directory holds ``ruleset.yaml`` (version, base score, category weights), ``targets.yaml`` (the targets)
and any number of rule files (a YAML list of rules each). Extra directories (an organisation's rules) are read
after the shipped one; a rule there with a shipped id replaces it, and ``{id: X, disabled: true}`` removes it.
The shipped directory's ``pricing/`` holds the price books and cost model (decider/pricing/); they load into the
same Ruleset, so a reload swaps rules and prices together, and a missing price fails the load like a bad rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from decider.documents import read_collecting
from decider.errors import Problem, RulesError, nearest
from decider.known_names import remember_regions
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.pricing.loader import load_price_books
from decider.rules.compiler import build_rule, build_targets, build_weights
from decider.rules.location import PRICING_DIR, default_rules_dir
from decider.rules.model import Ruleset

META_FILES = ("ruleset.yaml", "targets.yaml")


def load_ruleset(extra_dirs: Sequence[str | Path] = (), rules_dir: str | Path | None = None) -> Ruleset:
    """Load, check and compile the shipped rules plus any extra directories; raise RulesError listing every problem."""
    base = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    problems: list[Problem] = []
    layers = [base, *(Path(extra) for extra in extra_dirs)]
    for layer in layers:
        if not layer.is_dir():
            problems.append(Problem(str(layer), "rules directory not found"))
    if problems:
        raise RulesError(problems)

    meta = _read_mapping(base / "ruleset.yaml", problems)
    targets_raw: dict[str, Mapping[str, Any]] = {}
    for layer in layers:
        path = layer / "targets.yaml"
        if layer == base or path.exists():
            for item in _read_targets(path, problems):
                targets_raw[str(item.get("id"))] = item
    targets = build_targets(targets_raw, base / "targets.yaml", problems)
    target_ids = tuple(target.id for target in targets)
    weights, base_score = build_weights(meta, base / "ruleset.yaml", problems)

    raw_rules: dict[str, tuple[Mapping[str, Any], str]] = {}
    for layer in layers:
        seen_here: dict[str, str] = {}
        for path in sorted(layer.glob("*.y*ml")):
            if path.name in META_FILES or path.suffix not in (".yaml", ".yml"):
                continue
            for index, item in enumerate(_read_rule_list(path, problems)):
                where = f"{path} rules[{index}]"
                rule_id = item.get("id") if isinstance(item, Mapping) else None
                if not isinstance(item, Mapping) or not isinstance(rule_id, str):
                    problems.append(Problem(where, "each rule is a mapping with a text 'id'"))
                    continue
                if rule_id in seen_here:
                    problems.append(Problem(f"{path} {rule_id}", f"duplicate rule id (also in {seen_here[rule_id]})"))
                    continue
                seen_here[rule_id] = str(path)
                if item.get("disabled") is True:
                    if rule_id not in raw_rules:
                        problems.append(
                            Problem(
                                f"{path} {rule_id}", "disables a rule that does not exist", nearest(rule_id, raw_rules)
                            )
                        )
                    raw_rules.pop(rule_id, None)
                    continue
                raw_rules[rule_id] = (item, str(path))

    modes = {target.id: tuple(mode.id for mode in target.modes) for target in targets}
    rules = [build_rule(raw, path, target_ids, problems, modes) for raw, path in raw_rules.values()]
    scored = {rule.id for rule in rules if rule is not None and rule.effect == "score"}
    for rule in rules:  # a criterion shared with a score rule the rules have
        if rule is not None and rule.shares_with is not None and rule.shares_with not in scored - {rule.id}:
            where = f"{rule.file} {rule.id} shares_with"
            said = f"names no other score rule: {rule.shares_with!r}"
            problems.append(Problem(where, said, nearest(rule.shares_with, scored)))
    pricing: Mapping[str, PriceBook] = {}
    cost_model: CostModel | None = None
    if (base / PRICING_DIR).is_dir():
        overrides = [layer / PRICING_DIR for layer in layers[1:] if (layer / PRICING_DIR).is_dir()]
        pricing, cost_model = load_price_books(base / PRICING_DIR, problems, overrides)
    if problems:
        raise RulesError(problems)
    remember_regions(pricing)  # a workload in a Region only an organisation's book prices is valid
    compiled = tuple(sorted((rule for rule in rules if rule is not None), key=lambda rule: rule.id))
    version = str(meta.get("version", "unversioned"))
    digest = _digest(version, targets_raw, weights, base_score, raw_rules)
    return Ruleset(
        version=version,
        digest=digest,
        targets=targets,
        rules=compiled,
        weights=weights,
        base_score=base_score,
        sources=tuple(str(layer) for layer in layers),
        pricing=pricing,
        cost_model=cost_model,
    )


def _digest(
    version: str,
    targets: Mapping[str, Any],
    weights: Mapping[str, Any],
    base_score: float,
    rules: Mapping[str, tuple[Mapping[str, Any], str]],
) -> str:
    body = {
        "version": version,
        "targets": targets,
        "weights": weights,
        "base_score": base_score,
        "rules": {rule_id: raw for rule_id, (raw, _) in sorted(rules.items())},
    }
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()


def _read_mapping(path: Path, problems: list[Problem]) -> Mapping[str, Any]:
    data = read_collecting(path, problems)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.append(Problem(str(path), "must be a mapping"))
        return {}
    return data


def _read_targets(path: Path, problems: list[Problem]) -> list[Mapping[str, Any]]:
    data = read_collecting(path, problems)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, Mapping) for item in data):
        problems.append(
            Problem(str(path), "must be a list of targets (mappings with id, name, family, simplicity, docs)")
        )
        return []
    return data


def _read_rule_list(path: Path, problems: list[Problem]) -> list[Any]:
    data = read_collecting(path, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(str(path), f"a rule file is a YAML list of rules, got {type(data).__name__}"))
        return []
    return data
