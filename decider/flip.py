"""The volume nearest today's at which the answer changes, for a cost crossing's counterfactual.

Bills cross where scores need not: the answer may change well before a crossing of two bills (or only after it). The
advice search (decider/advice.py) tries a volume just past each crossing; when that changes the answer, the flip lies
between today's volume (which keeps it) and that one, and halving on a log scale finds it to within a few percent.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from decider.ranking import Ranked

#: Halvings, on a log scale, of the volumes between today's and the crossing's: 7 take a range of a million to
#: within 12%.
BISECTIONS = 7


def nearest_flip(
    rank_at: Callable[[float], Ranked | None], now: float, crossing: float, recommendation: str | None
) -> tuple[float, Ranked] | None:
    """(the volume, its ranking) nearest ``now`` that ``rank_at`` ranks with ``recommendation``, between ``now``
    (which does not) and ``crossing`` (which does): said to two significant figures, rounded away from ``now``, and
    kept only when ranking that volume gives ``recommendation``; None when there is none nearer than ``crossing``."""
    low, high = now, crossing
    for _ in range(BISECTIONS):
        middle = math.sqrt(low * high)
        trial = rank_at(middle)
        if trial is None or trial.recommendation != recommendation:
            low = middle  # today's answer, or another: the flip lies further
        else:
            high = middle
    rising = crossing > now
    step = 10.0 ** (math.floor(math.log10(high)) - 1)
    said = (math.ceil(high / step - 1e-9) if rising else math.floor(high / step + 1e-9)) * step
    said = float(f"{said:.2g}")
    if said == crossing or (said <= now if rising else said >= now):
        return None
    trial = rank_at(said)
    if trial is None or trial.recommendation != recommendation:
        return None
    return said, trial
