"""Where the shipped rules are: read by the rules loader, and by workload validation for the names the shipped price
books know (decider/known_names.py), which must not wait for a ruleset to be loaded."""

from __future__ import annotations

import os
from pathlib import Path

PRICING_DIR = "pricing"
#: The import name of the shipped rules in a wheel: the top-level rules/ folder, packaged as data.
PACKAGED_RULES = "decider_rules"


def default_rules_dir() -> Path:
    """The shipped rules: $DECIDER_RULES_DIR, else the repository's rules/ when decider runs from a checkout (an
    editable install, so edits show up at once), else the copy packaged in the wheel, else ./rules."""
    configured = os.environ.get("DECIDER_RULES_DIR")
    if configured:
        return Path(configured)
    beside = Path(__file__).resolve().parents[2] / "rules"
    if (beside / "ruleset.yaml").is_file():
        return beside
    return packaged_rules_dir() or Path.cwd() / "rules"


def packaged_rules_dir() -> Path | None:
    """The rules/ folder the wheel ships as the data-only package ``decider_rules`` (see pyproject.toml), read through
    importlib.resources; None when it is not installed or not a real folder (a zip import): rules are globbed."""
    from importlib import resources  # only an installed wheel gets this far

    try:
        marker = resources.files(PACKAGED_RULES).joinpath("ruleset.yaml")
    except (ModuleNotFoundError, NotADirectoryError):  # not installed; an editable install's namespace placeholder
        return None
    return marker.parent if isinstance(marker, Path) and marker.is_file() else None
