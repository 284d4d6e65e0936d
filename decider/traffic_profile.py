"""A workload's hourly traffic profile (``traffic.hourly_profile``): how its requests spread over a day or a week.

24 relative request rates, one per hour of the day (hour 0 first, in whatever time zone the team reads), or 168, one
per hour of the week. Only their proportions matter: ``[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, …]`` and the same
list times ten are the same profile. The profile sets the shape and nothing else: ``requests_per_month`` is still
the month's volume, spread over the hours in these proportions.

From a profile, decider derives the peak, when ``traffic.peak_rps`` is not given: the busiest hour's average rate
times the pattern's peak factor (which stands for the bursts within an hour; ``diurnal``'s factor already stands for
a day's swing, so give such a workload a profile and the pattern ``steady``); the duty cycle (the mean over the
hours of how busy one copy would be, capped at fully busy); and each container target's copy-hours, hour by hour
(decider/cost/profile.py). A flat profile gives the same answers as no profile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

PROFILE_LENGTHS = (24, 168)
DESCRIPTION = (
    "Relative request rate of each hour: 24 values (a day, hour 0 first) or 168 (a week, Monday 00:00 first). Only the "
    "proportions count; peak, duty cycle and container copy-hours are derived hour by hour. Default: no profile."
)


#: The largest relative rate an hour may have (a trillion: any count of requests an hour fits); the document says so,
#: so a client knows the bound before it sends, and the sum of 168 of them stays finite.
MAX_RATE = 1e12


def _check(values: tuple[float, ...]) -> tuple[float, ...]:
    if len(values) not in PROFILE_LENGTHS:
        raise PydanticCustomError(
            "hourly_profile",
            "give 24 values (one per hour of the day) or 168 (one per hour of the week), got {count}",
            {"count": len(values)},
        )
    bad = [index for index, value in enumerate(values) if not 0 <= value <= MAX_RATE]  # NaN fails too
    if bad:
        raise PydanticCustomError(
            "hourly_profile",
            f"every value must be a number from 0 to {MAX_RATE:g}: hour {{hour}} is {{value}}",
            {"hour": bad[0], "value": values[bad[0]]},
        )
    if not math.fsum(values) > 0:
        raise PydanticCustomError(
            "hourly_profile", "at least one hour must have traffic: every value is 0 (leave the profile out instead)"
        )
    return values


def _no_flags(values: Any) -> Any:
    """true and false are not rates: refused as a JSON document refuses them, whatever the document's format (YAML
    reads them as Python booleans, which a float would otherwise take as 1 and 0)."""
    if isinstance(values, list | tuple):
        flags = [index for index, value in enumerate(values) if isinstance(value, bool)]
        if flags:
            raise PydanticCustomError(
                "hourly_profile",
                "every value must be a number, not true/false: hour {hour} is {value}",
                {"hour": flags[0], "value": str(values[flags[0]]).lower()},
            )
    return values


def _schema(hours: int) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "number", "minimum": 0, "maximum": MAX_RATE},
        "minItems": hours,
        "maxItems": hours,
        "contains": {"type": "number", "exclusiveMinimum": 0},
    }


HourlyProfile = Annotated[
    tuple[float, ...],
    BeforeValidator(_no_flags),
    AfterValidator(_check),
    WithJsonSchema({"oneOf": [_schema(hours) for hours in PROFILE_LENGTHS]}),
]
"""The type of ``traffic.hourly_profile``: validated as a whole."""

PROFILE_FIELD: Any = Field(None, description=DESCRIPTION)


def shares(profile: Sequence[float]) -> tuple[float, ...]:
    """Each hour's share of the requests (summing to 1)."""
    total = math.fsum(profile)
    return tuple(value / total for value in profile)


def peak_to_average(profile: Sequence[float]) -> float:
    """The busiest hour's rate over the average hour's (its share times the number of hours)."""
    return max(shares(profile)) * len(profile)


def peak_factor(pattern_factor: float, pattern: str, profile: Sequence[float] | None) -> tuple[float, str]:
    """The peak-to-average factor for a default peak, and what it comes from: the pattern's factor, times the busiest
    hour's rate over the average hour's when there is a profile (1 for a flat one)."""
    if profile is None or len(set(profile)) == 1:
        return pattern_factor, pattern
    return pattern_factor * peak_to_average(profile), f"{pattern} and the hourly profile"


def duty_cycle(profile: Sequence[float] | None, avg_concurrency: float) -> float:
    """How busy one copy would be on average, each hour counted at its own load, capped at fully busy: an hour's
    in-flight work is the month's average times that hour's rate over the average hour's."""
    if profile is None or len(set(profile)) == 1:
        return min(1.0, avg_concurrency)
    hours = len(profile)
    return math.fsum(min(1.0, avg_concurrency * share * hours) for share in shares(profile)) / hours
