"""How often a schedule runs: AWS ``rate(…)`` and ``cron(…)`` expressions and Kubernetes cron schedules.

An estimate of runs per 730-hour month, good enough to price a job; expressions it cannot read give None.
"""

from __future__ import annotations

import re

HOURS_PER_MONTH = 730
_DAYS_PER_MONTH = HOURS_PER_MONTH / 24
_RATE = re.compile(r"^\s*rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)\s*$")
_RATE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_AWS_CRON = re.compile(r"^\s*cron\((.*)\)\s*$")
#: (lowest, highest) for the minute, hour, day-of-month, month and day-of-week fields.
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_NAMED = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0"}
_NAMED |= {"@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}
_NAMES = {name: str(index) for index, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_NAMES |= {
    name: str(index)
    for index, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
_NAME = re.compile(r"[A-Za-z]{3}")


def runs_per_month(expression: object) -> float | None:
    """Runs a month for ``rate(5 minutes)``, ``cron(0 2 * * ? *)`` or ``0 2 * * *``; None when it is not one."""
    if not isinstance(expression, str):
        return None
    rate = _RATE.match(expression)
    if rate is not None:
        period_s = int(rate.group(1)) * _RATE_SECONDS[rate.group(2).rstrip("s")]
        return float(round(HOURS_PER_MONTH * 3600 / period_s))
    aws = _AWS_CRON.match(expression)
    fields = (aws.group(1) if aws else _NAMED.get(expression.strip(), expression)).split()
    if len(fields) == 6 and aws:  # AWS cron adds a year field
        fields = fields[:5]
    if len(fields) != 5:
        return None
    counts = [_count(field, low, high) for field, (low, high) in zip(fields, _RANGES, strict=True)]
    if any(count is None for count in counts):
        return None
    minutes, hours, days, months, weekdays = (float(count or 0) for count in counts)
    per_day = minutes * hours
    day_share = 1.0
    if fields[2] not in ("*", "?"):
        day_share *= days / 30.44
    if fields[4] not in ("*", "?"):
        day_share *= weekdays / 7
    return float(round(per_day * _DAYS_PER_MONTH * day_share * months / 12, 2))


def _count(field: str, low: int, high: int) -> int | None:
    """How many values a cron field selects (``*``, ``*/15``, ``1-5``, ``1,3,5``, names of days count as one)."""
    total = 0
    field = _NAME.sub(lambda match: _NAMES.get(match.group(0).upper(), match.group(0)), field)
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else 1
        if step_text and not step_text.isdigit():
            return None
        if base in ("*", "?"):
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            if not (first.isdigit() and last.isdigit()):
                return None
            start, end = int(first), int(last)
        elif base.isdigit():
            start, end = int(base), int(base) if not step_text else high
        elif re.fullmatch(r"L|\d+[LW#]\d*|LW", base):
            start, end = 0, 0  # last day, nearest weekday, nth weekday: one day
        else:
            return None
        total += len(range(start, end + 1, step))
    return total
