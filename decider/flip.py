"""The volume nearest today's at which the answer changes, for a cost crossing's counterfactual.

Bills cross where scores need not: the answer may change well before a crossing of two bills (or only after it). The
advice search (decider/advice.py) tries a volume just past each crossing (said to two significant figures); when that
changes the answer, the flip lies between today's volume (which keeps it) and that one. The volume said is the one of
two significant figures nearest today's that brings the new answer, so the search runs over those volumes alone
(``Grid``: 1.0, 1.1 … 9.9 times a power of ten), and the last volume it ranks with the new answer is the one said, its
ranking already the proof.

Scores move smoothly with the volume (graded rules, the log of the bills' ratio), so the bracket is narrowed where a
straight line (in log volume) through the score gaps at its ends crosses zero (regula falsi); when one end keeps
moving, the other end's gap is halved for the next line (the Illinois step), so the bracket closes from both sides.
Where a gap cannot be read (a target excluded or unranked) or shows no lead (today's answer holds on a tie), the
bracket is halved instead, and so is it after two lines in a row that did not halve it (scores that barely move for
decades): the search closes the bracket on the volume itself, in at most three times the halvings (``MOST``). A flip
the line finds costs two to five rankings, where halving a range of a million to within 12% took eight.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from decider.ranking import Ranked

#: The most volumes ranked for one flip: two lines and a halving in turn narrow twelve decades (1,080 volumes) to one.
MOST = 33
#: Volumes of two significant figures per power of ten (10 … 99).
PER_DECADE = 90


@dataclass(frozen=True, slots=True)
class Grid:
    """The volumes of two significant figures, numbered outwards from today's: rising, 1.0e6 is followed by 1.1e6;
    falling, by 9.9e5. ``first`` is the number of the first volume past today's."""

    rising: bool

    def number(self, volume: float) -> int:
        """The number of ``volume`` (itself of two figures), or of the first volume of two figures past it."""
        exponent = math.floor(math.log10(volume)) - 1
        mantissa = volume / 10.0**exponent  # 10 … 100
        if self.rising:
            return exponent * PER_DECADE + math.ceil(mantissa - 1e-9) - 10
        return -(exponent * PER_DECADE + math.floor(mantissa + 1e-9) - 10)

    def volume(self, number: int) -> float:
        index = number if self.rising else -number
        exponent, step = divmod(index, PER_DECADE)
        return float(f"{10 + step}e{exponent}")

    def first(self, now: float) -> int:
        """The number of the first volume of two figures strictly past ``now``."""
        number = self.number(now)
        return number + 1 if self.volume(number) == now else number


def gap(ranked: Ranked | None, today: str | None, recommendation: str | None) -> float | None:
    """How far today's recommendation leads ``recommendation`` in ``ranked``'s scores (at or below zero: the flip side);
    None when either is not ranked (excluded, or nothing ranked)."""
    if ranked is None or today is None or recommendation is None:
        return None
    if today not in ranked.order or recommendation not in ranked.order:
        return None
    scores = ranked.evaluation.scores
    return scores[today] - scores[recommendation]


def nearest_flip(
    rank_at: Callable[[float], Ranked | None],
    now: float,
    crossing: float,
    recommendation: str | None,
    gaps: tuple[float | None, float | None] = (None, None),
    today: str | None = None,
) -> tuple[float, Ranked] | None:
    """(the volume, its ranking) nearest ``now`` that ``rank_at`` ranks with ``recommendation``, between ``now``
    (which does not) and ``crossing`` (a volume of two significant figures, which does): itself of two significant
    figures, found among them; None when there is none nearer than ``crossing``. ``gaps`` are today's recommendation's
    lead over ``recommendation`` (``gap``) at ``now`` and at ``crossing``, when known; ``today`` names today's
    recommendation, for the gaps of the volumes tried."""
    grid = Grid(rising=crossing > now)
    low, high = grid.first(now) - 1, grid.number(crossing)  # ``low`` stands for today's volume: it keeps the answer
    low_volume, high_volume = now, crossing
    gap_low, gap_high = gaps
    found: Ranked | None = None
    moved = ""  # the end the last volume tried moved
    step, slow = 0, 0  # slow: the lines in a row that did not halve the bracket
    while high - low > 1 and step < MOST:
        middle, width = (low + high) // 2, high - low
        if slow < 2 and gap_low is not None and gap_high is not None and gap_low > 0 >= gap_high:
            share = gap_low / (gap_low - gap_high)  # where the line through the gaps crosses zero
            middle = grid.number(low_volume * math.exp(math.log(high_volume / low_volume) * share))
            middle = min(high - 1, max(low + 1, middle))
        volume = grid.volume(middle)
        trial = rank_at(volume)
        tried = gap(trial, today, recommendation)
        if trial is None or trial.recommendation != recommendation:  # today's answer, or another: further out
            low, low_volume, gap_low = middle, volume, tried
            if moved == "low" and gap_high is not None:
                gap_high /= 2  # the line keeps falling short: lean it towards the other end (Illinois)
            moved = "low"
        else:
            high, high_volume, gap_high, found = middle, volume, tried, trial
            if moved == "high" and gap_low is not None:
                gap_low /= 2
            moved = "high"
        # Two lines in a row that did not halve the bracket (scores that hardly move for decades): a halving next
        slow = 0 if slow == 2 or high - low <= width // 2 else slow + 1
        step += 1
    if found is None:
        return None
    return high_volume, found
