"""The ``decider`` command line; ``decider.cli.main`` builds it."""

from __future__ import annotations

from decider.cli.main import main, run

__all__ = ["main", "run"]
