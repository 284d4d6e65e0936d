"""The public Python surface is ``decider.__all__``; this test fails when it drifts."""

from __future__ import annotations

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
