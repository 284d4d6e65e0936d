"""The public Python surface is ``decider.__all__``; this test fails when it drifts."""

from __future__ import annotations

import pytest

import decider

EXPECTED = [
    "DeciderError",
    "Decision",
    "ParsedWorkload",
    "PriceBook",
    "PricingError",
    "Problem",
    "Rule",
    "RulesError",
    "Ruleset",
    "Target",
    "Workload",
    "WorkloadError",
    "__version__",
    "decide",
    "load_ruleset",
    "parse_workload",
]


def test_all_is_the_expected_public_surface() -> None:
    assert sorted(decider.__all__) == sorted(EXPECTED)


def test_every_exported_name_is_importable() -> None:
    for name in decider.__all__:
        assert getattr(decider, name) is not None, name


def test_error_hierarchy() -> None:
    for error in (decider.WorkloadError, decider.RulesError, decider.PricingError):
        assert issubclass(error, decider.DeciderError)


def test_public_names_are_imported_on_first_use_and_unknown_ones_say_so() -> None:
    import subprocess
    import sys

    # A fresh interpreter: importing the package builds no model class until a public name is used.
    probe = (
        "import sys, decider; "
        "before = 'decider.decision' in sys.modules; "
        "decider.Decision; "
        "print(before, 'decider.decision' in sys.modules, 'Decision' in dir(decider))"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["False", "True", "True"]
    with pytest.raises(AttributeError, match="not_a_public_name"):
        decider.not_a_public_name  # noqa: B018 - the attribute access is the test
