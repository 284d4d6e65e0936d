"""How often a schedule runs: AWS ``rate(…)``, ``cron(…)`` and ``at(…)`` expressions and Kubernetes cron schedules.

Runs per 730-hour month, the long-run average: a rate divides the month by its period; a cron expression is counted
day by day over a 28-year cycle (decider/sources/cron.py, with croniter); ``at(…)``, a one-time schedule, runs once.
An expression that cannot be read raises ScheduleError (read_schedule) whose message names the part that is wrong
and what is allowed; runs_per_month gives None for it and schedule_problem the message.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from decider.errors import quoted
from decider.sources.cron import ScheduleError, aws_cron, runs_per_day, unix_cron, whole_number
from decider.sources.imported import ImportedWorkload

__all__ = [
    "HOURS_PER_MONTH",
    "NOT_READ",
    "NO_RATE",
    "ScheduleError",
    "counted_runs",
    "disabled",
    "note_disabled",
    "read_schedule",
    "runs_per_month",
    "schedule_problem",
]

HOURS_PER_MONTH = 730
_RATE = re.compile(r"rate\(\s*(?P<value>\S+)\s+(?P<unit>[^\s)]+)\s*\)")
_RATE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_AT = re.compile(r"at\((?P<when>[^)]*)\)")
_AWS_CRON = re.compile(r"cron\((?P<fields>[^)]*)\)")
#: Kubernetes' time zone prefix (not allowed in spec.schedule since Kubernetes 1.27, read all the same).
_TIME_ZONE = re.compile(r"(?:CRON_)?TZ=\S+\s+")
_EVERY = re.compile(r"@every\s+(?P<duration>(?:\d+(?:\.\d+)?(?:h|m|s))+)")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_DURATION_SECONDS = {"h": 3600, "m": 60, "s": 1}
_MACROS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0"}
_MACROS |= {"@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}
_FORMS = (
    "rate(value unit), cron(minutes hours day-of-month month day-of-week year), at(yyyy-mm-ddThh:mm:ss), "
    "five cron fields (minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly, @yearly, "
    "@every <duration>"
)


def runs_per_month(expression: object) -> float | None:
    """Runs a month for ``rate(5 minutes)``, ``cron(0 2 * * ? *)``, ``at(…)`` or ``0 2 * * *``; None when it is not
    one (schedule_problem says why)."""
    if not isinstance(expression, str):
        return None
    try:
        return read_schedule(expression)
    except ScheduleError:
        return None


#: How a schedule that cannot be read opens its assumption; the review finds it by this to say why traffic is unknown.
NOT_READ = "schedule not read:"
#: How a source that starts work with no rate of its own (an EventBridge event pattern, a state machine) opens its
#: assumption; the review finds it by this, as it does an unreadable schedule, to say why traffic is unknown.
NO_RATE = "runs a month not known:"


def counted_runs(expression: object, assume: Callable[[str], None]) -> float | None:
    """Runs a month of a schedule a workload was found to run on; when the expression cannot be read (AWS would
    refuse it too: ``rate(5 minute)``), ``assume`` is told why, so the review says what is wrong rather than only
    that the traffic is not known. None for no expression."""
    if expression is None:
        return None
    runs = runs_per_month(expression)
    if runs is None:
        assume(f"{NOT_READ} {schedule_problem(expression)}; its runs a month are not known")
    return runs


def disabled(values: Mapping[str, Any], state: str, enabled: str | None = None) -> str | None:
    """How a rule or schedule is turned off, as written (``State DISABLED``): its ``state`` key DISABLED (EventBridge
    rules and Scheduler schedules in CloudFormation, SAM and Terraform), or its ``enabled`` key false (SAM's
    ``Enabled``, Terraform's older ``is_enabled``); None when it runs (their default) or the value is not known until
    deployment. A disabled rule does not trigger on its schedule:
    https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DisableRule.html"""
    said = values.get(state)
    if isinstance(said, str) and said.strip().upper() == "DISABLED":
        return f"{state} {said}"
    on = values.get(enabled) if enabled is not None else None
    if on is False or (isinstance(on, str) and on.strip().lower() == "false"):
        return f"{enabled} false"
    return None


def note_disabled(workload: ImportedWorkload, off: Sequence[str], *, other_starts: bool) -> None:
    """Say the disabled schedules ``off`` that name ``workload`` (each with how it is off, its file and line): they
    start nothing, so their runs are not counted; when nothing else starts it, it runs nothing and is not reviewed
    (``idle``), as a suspended CronJob is not."""
    if not off:
        return
    names, many = "; ".join(off), len(off) > 1
    if other_starts:
        workload.assume(
            f"disabled schedule{'s' if many else ''} {names}: {'they start' if many else 'it starts'} nothing, so "
            f"{'their' if many else 'its'} runs are not counted"
        )
    else:
        workload.idle = (
            f"{workload.kind} {workload.name}: its only schedule{'s' if many else ''}, {names}, "
            f"{'are' if many else 'is'} disabled: it starts nothing until enabled, so is not reviewed"
        )


def schedule_problem(expression: object) -> str | None:
    """Why ``expression`` is not a schedule decider can count; None when it is one."""
    if not isinstance(expression, str):
        return f"{quoted(expression)} is not a schedule expression: expected text, one of {_FORMS}"
    try:
        read_schedule(expression)
    except ScheduleError as error:
        return str(error)
    return None


def read_schedule(expression: str) -> float:
    """Runs per 730-hour month, rounded to hundredths; raises ScheduleError saying what is wrong."""
    text = expression.strip()
    if text.startswith("rate("):
        return _rate(expression, text)
    if text.startswith("at("):
        return _at(expression, text)
    if text.startswith("cron("):
        aws = _AWS_CRON.fullmatch(text)
        if aws is None:
            raise ScheduleError(f"{quoted(expression)}: an AWS cron expression is cron( six fields ), closed by )")
        cron = aws_cron(expression, aws.group("fields").split())
    elif text.startswith("@every"):
        return _every(expression, text)
    elif text.startswith("@"):
        if text.lower() not in _MACROS:
            raise ScheduleError(f"{quoted(expression)} is not a schedule: the @ names are {', '.join(_MACROS)}, @every")
        cron = _MACROS[text.lower()]
    else:
        fields = _TIME_ZONE.sub("", text, count=1).split()
        if len(fields) < 2:
            raise ScheduleError(f"{quoted(expression)} is not a schedule: expected {_FORMS}")
        cron = unix_cron(expression, fields)
    return round(runs_per_day(cron, expression) * HOURS_PER_MONTH / 24, 2)


def _rate(expression: str, text: str) -> float:
    """``rate(value unit)``: AWS wants a whole number above 0, and the unit singular for 1 and plural otherwise."""
    match = _RATE.fullmatch(text)
    if match is None:
        raise ScheduleError(f"{quoted(expression)}: a rate expression is rate(value unit), such as rate(5 minutes)")
    value, unit = match.group("value"), match.group("unit")
    number = whole_number(value)
    if number is None or number < 1:
        raise ScheduleError(f"{quoted(expression)}: the rate value {quoted(value)} must be a whole number above 0")
    singular = unit.removesuffix("s")
    if singular not in _RATE_SECONDS:
        raise ScheduleError(
            f"{quoted(expression)}: the rate unit {quoted(unit)} is not one of minute, minutes, hour, hours, day, days"
        )
    if (number == 1) != (unit == singular):
        wanted = singular if number == 1 else f"{singular}s"
        raise ScheduleError(f"{quoted(expression)}: AWS wants the unit {wanted!r} for the value {value}")
    return round(HOURS_PER_MONTH * 3600 / (number * _RATE_SECONDS[singular]), 2)


def _at(expression: str, text: str) -> float:
    """``at(yyyy-mm-ddThh:mm:ss)``: a one-time schedule runs once."""
    match = _AT.fullmatch(text)
    when = match.group("when").strip() if match else ""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", when):
            raise ValueError(when)
        datetime.datetime.fromisoformat(when)
    except ValueError:
        raise ScheduleError(
            f"{quoted(expression)}: a one-time schedule is at(yyyy-mm-ddThh:mm:ss), such as at(2025-11-20T13:00:00)"
        ) from None
    return 1.0


def _every(expression: str, text: str) -> float:
    """Kubernetes' ``@every 1h30m``: a Go duration in hours, minutes and seconds between runs."""
    match = _EVERY.fullmatch(text)
    seconds = 0.0
    if match:
        seconds = sum(
            float(amount) * _DURATION_SECONDS[unit] for amount, unit in _DURATION_PART.findall(match["duration"])
        )
    if seconds < 1:
        raise ScheduleError(f"{quoted(expression)}: @every takes a duration of at least 1s, such as @every 1h30m")
    return round(HOURS_PER_MONTH * 3600 / seconds, 2)
