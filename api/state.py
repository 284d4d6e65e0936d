"""The rules in service: loaded once at start-up and swapped atomically on reload, so a request sees one rule set."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anyio
import anyio.to_thread

from api import snapshot
from decider.errors import Problem, RulesError, quoted
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset

log = logging.getLogger("decider.api")


@dataclass(frozen=True)
class Loaded:
    """One loaded rule set and when it was loaded."""

    ruleset: Ruleset
    loaded_at: str


class RulesetHolder:
    """Holds the rule set in service. Readers take one reference; reload builds a new one and swaps it in whole.

    A failed load raises RulesError listing every problem (whatever went wrong) and leaves the rule set in service
    untouched. With a snapshot folder (several workers), every good load is saved there, and a start-up whose files
    on disk are bad serves the last good rules instead (api/snapshot.py).
    """

    def __init__(self, rules_dirs: tuple[str, ...], snapshot_root: Path | None = None) -> None:
        self.rules_dirs = rules_dirs
        self.snapshot_root = snapshot_root
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

    def load(self, timeout_s: float | None = None) -> Loaded:
        """Load the rules from disk and put them in service; on error the previous rules stay.

        ``timeout_s`` bounds the wait for a reload already under way (a load itself never blocks on a file)."""
        if not self._reload_lock.acquire(timeout=-1 if timeout_s is None else timeout_s):
            raise RulesError([Problem("rules", "another reload is still under way; the rules in service stay")])
        try:
            loaded = self._put(_load(self.rules_dirs))
            if self.snapshot_root is not None:
                try:
                    snapshot.save(self.rules_dirs, self.snapshot_root)
                except OSError as error:
                    log.warning("could not save the last good rules for new workers: %s", error)
            return loaded
        finally:
            self._reload_lock.release()

    def load_at_start(self) -> Loaded:
        """Start-up: the rules on disk, else (several workers) the last good rules a sibling saved, said loudly."""
        try:
            return self.load()
        except RulesError as error:
            saved = snapshot.layers(self.snapshot_root) if self.snapshot_root is not None else None
            if saved is None:
                raise
            log.error("the rules on disk are rejected; serving the last good rules instead: %s", error)
            base, extras = saved
            return self._put(_load(tuple(str(extra) for extra in extras), rules_dir=base))

    async def reload(self, timeout_s: float) -> Loaded:
        """``load`` in a worker thread, abandoned after ``timeout_s`` (RulesError; the rules in service stay)."""
        with anyio.move_on_after(timeout_s):
            return await anyio.to_thread.run_sync(self.load, timeout_s, abandon_on_cancel=True)
        raise RulesError([Problem("rules", f"the reload took more than {timeout_s:g} s; the rules in service stay")])

    def _put(self, ruleset: Ruleset) -> Loaded:
        loaded = Loaded(ruleset, datetime.now(UTC).isoformat(timespec="seconds"))
        self._loaded = loaded  # a single reference assignment: readers see the old or the new set, never a mix
        return loaded


def _load(rules_dirs: tuple[str, ...], rules_dir: Path | None = None) -> Ruleset:
    """load_ruleset, with anything it raises besides RulesError (a rule nested past Python's recursion, say) said as
    a RulesError too, so a caller handles one error."""
    try:
        return load_ruleset(rules_dirs, rules_dir=rules_dir)
    except RulesError:
        raise
    except (RecursionError, MemoryError, ValueError, OSError) as error:
        raise RulesError(
            [Problem("rules", f"could not be loaded: {type(error).__name__}: {quoted(str(error))}")]
        ) from None
