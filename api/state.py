"""The rules in service: loaded once at start-up and swapped atomically on reload, so a request sees one rule set."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset


@dataclass(frozen=True)
class Loaded:
    """One loaded rule set and when it was loaded."""

    ruleset: Ruleset
    loaded_at: str


class RulesetHolder:
    """Holds the rule set in service. Readers take one reference; reload builds a new one and swaps it in whole.

    A failed load raises (RulesError lists every problem) and leaves the rule set in service untouched.
    """

    def __init__(self, rules_dirs: tuple[str, ...]) -> None:
        self.rules_dirs = rules_dirs
        self._loaded: Loaded | None = None
        self._reload_lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def current(self) -> Loaded:
        loaded = self._loaded
        if loaded is None:
            raise RuntimeError("rules are not loaded yet")
        return loaded

    @property
    def ruleset(self) -> Ruleset:
        return self.current.ruleset

    def load(self) -> Loaded:
        """Load the rules from disk and put them in service; on error the previous rules stay."""
        with self._reload_lock:
            ruleset = load_ruleset(self.rules_dirs)
            loaded = Loaded(ruleset, datetime.now(UTC).isoformat(timespec="seconds"))
            self._loaded = loaded  # a single reference assignment: readers see the old or the new set, never a mix
            return loaded
