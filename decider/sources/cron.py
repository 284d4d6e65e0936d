"""Cron expressions checked field by field and counted with croniter: Unix's five fields and AWS's six.

AWS EventBridge writes ``cron(minutes hours day-of-month month day-of-week year)``. Unlike Unix cron its days of the
week run 1-7 from Sunday, exactly one of the two day fields is ``?`` ("any": the other one decides), ``L`` is the
last day of the month (``6L`` the last Friday, ``L`` alone in day-of-week Saturday), ``15W`` the weekday nearest the
15th and ``2#1`` the first Monday. Both forms are checked here, so that an unreadable expression says which field,
what value and what is allowed, then rewritten in croniter's five fields; croniter does the calendar (including
Unix cron's rule that a day matches when either day field does, when both are restricted). Only a plain list of
dates or of weekdays, alone, is counted without it (tests/sources/test_schedule.py checks both ways agree).

Runs are counted over a whole 28-year cycle (2001-2028: seven leap years, every date on every weekday in
proportion), so that a count is the long-run average, the same on every machine and every day it is run.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from croniter import CroniterBadDateError, CroniterError, croniter

from decider.errors import quoted


class ScheduleError(ValueError):
    """A schedule expression that cannot be read; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    wildcards: str
    names: tuple[str, ...] = ()
    first_name: int = 0  # the value of names[0]

    def allowed(self) -> str:
        values = f"{self.low}-{self.high}"
        if self.names:
            values += f" or {self.names[0]}-{self.names[-1]}"
        return f"allowed: {values}, with {self.wildcards}"


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
#: Unix (and Kubernetes) cron; croniter's extensions L, W and # are read too.
UNIX_FIELDS = (
    _Field("minute", 0, 59, ", - * /"),
    _Field("hour", 0, 23, ", - * /"),
    _Field("day-of-month", 1, 31, ", - * ? / L W"),
    _Field("month", 1, 12, ", - * /", _MONTHS, 1),
    _Field("day-of-week", 0, 7, ", - * ? / L #", _DAYS, 0),
)
#: AWS EventBridge (rules and Scheduler), as its user guide lists the fields.
AWS_FIELDS = (
    _Field("minutes", 0, 59, ", - * /"),
    _Field("hours", 0, 23, ", - * /"),
    _Field("day-of-month", 1, 31, ", - * ? / L W"),
    _Field("month", 1, 12, ", - * /", _MONTHS, 1),
    _Field("day-of-week", 1, 7, ", - * ? L #", _DAYS, 1),
    _Field("year", 1970, 2199, ", - * /"),
)
_RANGE = re.compile(r"(?P<first>[A-Za-z0-9]+)(?:-(?P<last>[A-Za-z0-9]+))?")
_NEAREST_WEEKDAY = re.compile(r"(?P<day>\d+)W", re.IGNORECASE)
_NTH = re.compile(r"(?P<day>[A-Za-z0-9]+)#(?P<nth>.*)")
_LAST_OF_WEEK = re.compile(r"(?P<day>[A-Za-z]{3}|\d)L", re.IGNORECASE)  # 6L: the last Friday (AWS, Quartz)
_CRONITER_LAST_OF_WEEK = re.compile(r"L(?P<day>[0-7])", re.IGNORECASE)  # L5: the last Friday (croniter)
_Problem = Callable[[str], ScheduleError]


def unix_cron(expression: str, fields: list[str]) -> str:
    """Five Unix cron fields, checked, in croniter's form."""
    if len(fields) != len(UNIX_FIELDS):
        raise ScheduleError(
            f"{quoted(expression)}: a cron schedule has {len(UNIX_FIELDS)} fields "
            f"({' '.join(field.name for field in UNIX_FIELDS)}), this has {len(fields)}"
        )
    return " ".join(_field(expression, text, field, aws=False) for text, field in zip(fields, UNIX_FIELDS, strict=True))


def aws_cron(expression: str, fields: list[str]) -> str:
    """The six fields of an AWS ``cron(…)``, checked, as croniter's five (the year only limits which years run)."""
    if len(fields) != len(AWS_FIELDS):
        raise ScheduleError(
            f"{quoted(expression)}: AWS cron has {len(AWS_FIELDS)} fields "
            f"({' '.join(field.name for field in AWS_FIELDS)}), this has {len(fields)}"
        )
    converted = [_field(expression, text, field, aws=True) for text, field in zip(fields, AWS_FIELDS, strict=True)]
    if (fields[2] == "?") == (fields[4] == "?"):
        raise ScheduleError(
            f"{quoted(expression)}: AWS cron needs ? in exactly one of day-of-month ({quoted(fields[2])}) and "
            f"day-of-week ({quoted(fields[4])}); the other one says which days run"
        )
    if "#" in fields[4] and "," in fields[4]:
        raise ScheduleError(
            f"{quoted(expression)}: day-of-week {quoted(fields[4])}: AWS allows one expression only in a field that "
            "uses #"
        )
    return " ".join(converted[:5])


def _field(expression: str, text: str, field: _Field, *, aws: bool) -> str:
    if "?" in text and text != "?":
        raise ScheduleError(f"{quoted(expression)}: {field.name} {quoted(text)}: ? stands alone; {field.allowed()}")
    if field.name == "day-of-month" and "," in text and "W" in text.upper():
        raise ScheduleError(
            f"{quoted(expression)}: {field.name} {quoted(text)}: W takes one day, not a list; {field.allowed()}"
        )
    return ",".join(_part(expression, part, field, aws=aws) for part in text.split(","))


def _part(expression: str, part: str, field: _Field, *, aws: bool) -> str:
    """One comma-separated part of a field in croniter's form; raises ScheduleError naming the field and value."""

    def problem(what: str) -> ScheduleError:
        return ScheduleError(f"{quoted(expression)}: {field.name} {quoted(part)}: {what}; {field.allowed()}")

    def wildcard(character: str) -> None:
        if character not in field.wildcards.split():
            raise problem(f"{character} is not allowed in {field.name}")

    day_of_week = field.name == "day-of-week"
    if not part:
        raise problem("an empty value (two commas together, or a comma at an end)")
    if part in ("?", "*") or part.upper() == "L":
        wildcard(part.upper())
        return "6" if day_of_week and part.upper() == "L" else part.replace("?", "*").upper()  # L alone: Saturday
    if part.upper() == "LW":
        raise problem("LW (the last weekday of the month) is not something decider can count; use L or nW")
    nearest = _NEAREST_WEEKDAY.fullmatch(part)
    if nearest:
        wildcard("W")
        return f"{_value(nearest.group('day'), field, problem)}W"
    nth = _NTH.fullmatch(part)
    if nth:
        wildcard("#")
        if not 1 <= (whole_number(nth.group("nth")) or 0) <= 5:
            raise problem("after # comes which one in the month, 1-5")
        return f"{_number(nth.group('day'), field, problem, aws=aws)}#{int(nth.group('nth'))}"
    last = _LAST_OF_WEEK.fullmatch(part) or (None if aws else _CRONITER_LAST_OF_WEEK.fullmatch(part))
    if last and day_of_week:
        return f"L{_number(last.group('day'), field, problem, aws=aws)}"
    base, slash, step = part.partition("/")
    if slash:
        wildcard("/")
        if (whole_number(step) or 0) < 1:
            raise problem(f"the step {quoted(step)} after / must be a whole number above 0")
    if base == "*":
        return f"*/{step}" if slash else "*"
    match = _RANGE.fullmatch(base)
    if match is None:
        raise problem("not a number, name, range or wildcard")
    first = _number(match.group("first"), field, problem, aws=aws)
    last_value = "" if match.group("last") is None else f"-{_number(match.group('last'), field, problem, aws=aws)}"
    return f"{first}{last_value}{slash}{step}"


def _number(text: str, field: _Field, problem: _Problem, *, aws: bool) -> int:
    """A value of the field as croniter reads it: AWS counts days of the week 1-7 from Sunday, croniter 0-6."""
    value = _value(text, field, problem)
    return value - 1 if aws and field.name == "day-of-week" else value


def _value(text: str, field: _Field, problem: _Problem) -> int:
    if text.upper() in field.names:
        return field.names.index(text.upper()) + field.first_name
    value = whole_number(text)
    if value is None:
        raise problem(f"{quoted(text)} is not a number{' or name' if field.names else ''}")
    if not field.low <= value <= field.high:
        raise problem(f"{text} is out of range")
    return value


_WHOLE = re.compile(r"[0-9]{1,12}")


def whole_number(text: str) -> int | None:
    """``text`` as a whole number when it is 1 to 12 ASCII digits (no "²" or "٣", which str.isdigit takes, and no
    5,000-digit number), else None."""
    return int(text) if _WHOLE.fullmatch(text) else None


# --- counting ---------------------------------------------------------------------------------------------------

_CYCLE_YEARS = range(2001, 2029)
_CYCLE_DAYS = sum(366 if calendar.isleap(year) else 365 for year in _CYCLE_YEARS)  # 10,227: 1,461 weeks


def _month_kinds() -> Counter[tuple[int, int]]:
    """Which days of a month a cron expression picks depends only on the month, its length and the weekday of its
    first day; one month of each such kind, with how many months of the cycle are of that kind."""
    first_of_kind: dict[tuple[int, int, int], tuple[int, int]] = {}
    weights: Counter[tuple[int, int]] = Counter()
    for year in _CYCLE_YEARS:
        for month in range(1, 13):
            first_weekday, length = calendar.monthrange(year, month)
            weights[first_of_kind.setdefault((month, length, first_weekday), (year, month))] += 1
    return weights


_MONTH_KINDS = _month_kinds()
_PLAIN = re.compile(r"[0-9,*/-]+")  # a field without L, W or #
_ONE_MINUTE = datetime.timedelta(minutes=1)


def check_runs(cron: str, expression: str) -> croniter:
    """croniter for the checked expression; raises ScheduleError if croniter refuses it or it never runs."""
    try:
        schedule = croniter(cron, datetime.datetime(_CYCLE_YEARS[0], 1, 1))
        schedule.get_next(datetime.datetime)
    except CroniterBadDateError:
        raise ScheduleError(f"{quoted(expression)} never runs: no date matches it") from None
    except CroniterError as error:
        raise ScheduleError(f"{quoted(expression)}: {error}") from None
    return schedule


@lru_cache(maxsize=512)
def runs_per_day(cron: str, expression: str) -> float:
    """Average runs a day of a croniter expression over the cycle: runs in a day times the share of days that run.

    Minutes and hours do not depend on the day, so a day that runs runs as often as any other. Which days run is
    counted month by month: directly when one plain list of dates or of weekdays decides (or neither field limits
    the days), else by croniter, which knows L, W, # and the rule that either day field may pick a day."""
    schedule = check_runs(cron, expression)
    minutes, hours, days, months, weekdays = schedule.expanded
    per_day = (60 if minutes == ["*"] else len(minutes)) * (24 if hours == ["*"] else len(hours))
    day_field, month_field, weekday_field = cron.split()[2:]
    plain = _PLAIN.fullmatch(day_field) and _PLAIN.fullmatch(weekday_field) and ["*"] in (days, weekdays)
    counted = 0
    for (year, month), weight in _MONTH_KINDS.items():
        if months != ["*"] and month not in months:
            continue
        length = calendar.monthrange(year, month)[1]
        if plain:
            dates = range(1, length + 1) if days == ["*"] else [day for day in days if day <= length]
            # croniter counts days of the week from Sunday (0, and 7 too), Python from Monday
            matched = sum(
                1 for day in dates if weekdays == ["*"] or (calendar.weekday(year, month, day) + 1) % 7 in weekdays
            )
        else:
            start = datetime.datetime(year, month, 1)
            days_of_month = croniter(f"0 0 {day_field} {month_field} {weekday_field}", start - _ONE_MINUTE)
            end = start + datetime.timedelta(days=length)
            matched = 0
            while days_of_month.get_next(datetime.datetime) < end:
                matched += 1
        counted += matched * weight
    return per_day * counted / _CYCLE_DAYS
