"""decider: where should this workload run on AWS? A ranked, explained, priced recommendation.

The public surface is ``__all__``; everything else is internal and may change.
"""

from decider.decision import Decision
from decider.engine import decide
from decider.errors import DeciderError, PricingError, Problem, RulesError, WorkloadError
from decider.pricing.book import PriceBook
from decider.rules.loader import load_ruleset
from decider.rules.model import Rule, Ruleset, Target
from decider.workload import ParsedWorkload, Workload, parse_workload

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
