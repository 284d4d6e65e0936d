"""The page's presets: the example workloads decider ships (examples/*.yaml, packaged as ``decider_examples``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from decider.documents import read_file

EXAMPLES = "decider_examples"


def examples_dir() -> Path | None:
    """The repository's examples/ when decider runs from a checkout, else the copy packaged in the wheel."""
    beside = Path(__file__).resolve().parents[2] / "examples"
    if (beside / "checkout-api.yaml").is_file():
        return beside
    try:
        marker = resources.files(EXAMPLES).joinpath("checkout-api.yaml")
    except (ModuleNotFoundError, NotADirectoryError):  # not installed; an editable install's namespace placeholder
        return None
    return marker.parent if isinstance(marker, Path) and marker.is_file() else None


@cache
def presets() -> dict[str, Any]:
    """Each example workload by its file's stem, in name order (read once); none when no examples are installed."""
    folder = examples_dir()
    if folder is None:
        return {}
    return {path.stem: read_file(path) for path in sorted(folder.glob("*.yaml"))}
