"""decider: where should this workload run on AWS? A ranked, explained, priced recommendation.

The public surface is ``__all__``; everything else is internal and may change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decider.decision import Decision
    from decider.engine import decide
    from decider.errors import DeciderError, PricingError, Problem, RulesError, WorkloadError
    from decider.pricing.book import PriceBook
    from decider.rules.loader import load_ruleset
    from decider.rules.model import Rule, Ruleset, Target
    from decider.workload import ParsedWorkload, Workload, parse_workload

#: Where each public name is defined: imported on first use (PEP 562), so ``decider --help`` and a command that needs
#: only part of the package do not pay for building every model class at start-up.
_EXPORTS = {
    "Decision": "decider.decision",
    "decide": "decider.engine",
    "DeciderError": "decider.errors",
    "PricingError": "decider.errors",
    "Problem": "decider.errors",
    "RulesError": "decider.errors",
    "WorkloadError": "decider.errors",
    "PriceBook": "decider.pricing.book",
    "load_ruleset": "decider.rules.loader",
    "Rule": "decider.rules.model",
    "Ruleset": "decider.rules.model",
    "Target": "decider.rules.model",
    "ParsedWorkload": "decider.workload",
    "Workload": "decider.workload",
    "parse_workload": "decider.workload",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'decider' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__version__ = "0.1.0"
#: decider's name on the package index (the command and the import package are ``decider``; another project owns
#: the name "decider" there).
DISTRIBUTION = "decider-aws"

__all__ = [
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
