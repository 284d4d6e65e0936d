"""A compiled condition's tree: its branches (``all``, ``any``, ``not``) down to its comparisons, for what walks a
condition rather than evaluates it (an excluded target's fix, decider/fixes.py). The engine evaluates the predicate
decider/rules/conditions.py compiles; ``holds`` gives the same value (tests/test_fixes.py checks every shipped rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.rules.conditions import Comparison, Context, leaf_of


@dataclass(frozen=True)
class Branch:
    """One branch of a condition: ``all``, ``any`` or ``not`` over its parts (``not`` has one)."""

    name: str
    parts: tuple[Comparison | Branch, ...]

    def holds(self, context: Context) -> bool:
        if self.name == "all":
            return all(part.holds(context) for part in self.parts)
        if self.name == "any":
            return any(part.holds(context) for part in self.parts)
        return not self.parts[0].holds(context)


def tree(raw: Mapping[str, Any]) -> Comparison | Branch:
    """The tree of a condition that compiled without problems."""
    leaf = leaf_of(raw)
    if leaf is not None:
        return leaf
    ((name, body),) = raw.items()
    return Branch(name, (tree(body),) if name == "not" else tuple(tree(part) for part in body))
