"""Runs a month of schedules: Unix cron (with croniter), AWS's six-field cron, rate(…), at(…), and clear problems.

A 730-hour month is 30.4167 days. The counts are the long-run average over the 28-year cycle 2001-2028 (10,227 days,
exactly 1,461 weeks, 7 leap years), so every date falls on every weekday equally often.
"""

from __future__ import annotations

import datetime

import pytest
from croniter import croniter

from decider.sources.cron import aws_cron
from decider.sources.schedule import ScheduleError, read_schedule, runs_per_month, schedule_problem

DAYS_A_MONTH = 730 / 24


def aws(fields: str) -> str:
    """The croniter form of an AWS cron expression's fields."""
    return aws_cron(f"cron({fields})", fields.split())


def test_both_day_fields_restricted_run_when_either_matches() -> None:
    # Unix cron ORs day-of-month and day-of-week when both are restricted: the 1st, the 15th, and every Monday.
    # By hand, per 30.4167-day month: the 1st and 15th, 24 a year over 365.25 days: 24 / 365.25 * 30.4167 = 1.9986;
    # Mondays: 30.4167 / 7 = 4.3452; the 1st or 15th falling on a Monday, counted twice: 1.9986 / 7 = 0.2855.
    # 1.9986 + 4.3452 - 0.2855 = 6.058. (The old count multiplied the fields' shares: 30.42 * 2/30.44 * 1/7 = 0.29.)
    assert runs_per_month("0 0 1,15 * 1") == pytest.approx(6.06)


def test_aws_nth_weekday_is_once_a_month() -> None:
    # 2#1, the first Monday (AWS counts 1 = Sunday): once a month, 12 a year; 12 / 365.25 * 30.4167 = 0.9993.
    # (The old count took "one day of the week": 30.42 / 7 = 4.35.)
    assert runs_per_month("cron(0 12 ? * 2#1 *)") == pytest.approx(1.0)


def test_fifth_friday_runs_only_in_months_that_have_one() -> None:
    # 6#5: a Friday on the 29th, 30th or 31st. Such dates: 29 a year (11 + 11 + 7 months), 30 in a leap year, so
    # 21 * 29 + 7 * 30 = 819 in the cycle, a seventh of them Fridays: 117 / 10,227 days * 30.4167 = 0.348.
    assert runs_per_month("cron(0 12 ? * 6#5 *)") == pytest.approx(0.35)


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("cron(0 12 L * ? *)", 1.0),  # the last day of the month: 12 a year
        ("cron(0 12 L FEB ? *)", 0.08),  # the last day of February only: 1 a year, 1/12 a month
        ("cron(0 18 ? * 6L *)", 1.0),  # the last Friday of the month
        ("cron(0 18 ? * L *)", 4.35),  # L alone in day-of-week is its last day, Saturday: 30.4167 / 7
        ("0 0 * * 5L", 1.0),  # the same forms in Unix cron, rewritten for croniter
        ("0 0 * * L5", 1.0),
    ],
)
def test_last_day_forms(expression: str, runs: float) -> None:
    assert runs_per_month(expression) == pytest.approx(runs)


def test_nearest_weekday_runs_once_a_month_and_takes_one_day() -> None:
    assert runs_per_month("cron(0 12 15W * ? *)") == pytest.approx(1.0)
    assert runs_per_month("cron(0 12 1W 1,7 ? *)") == pytest.approx(0.17)  # January and July: 2 a year
    assert aws("0 12 15W * ? *") == "0 12 15W * *"
    problem = schedule_problem("cron(0 12 1W,15W * ? *)")
    assert problem is not None
    assert "day-of-month '1W,15W': W takes one day, not a list" in problem
    problem = schedule_problem("cron(0 3W * * ? *)")
    assert problem is not None
    assert "hours '3W': W is not allowed in hours" in problem


def test_question_mark_stands_for_any_in_one_day_field() -> None:
    daily = 30.42  # 30.4167 days
    assert runs_per_month("cron(0 10 * * ? *)") == pytest.approx(daily)
    assert runs_per_month("cron(0 10 ? * * *)") == pytest.approx(daily)
    assert runs_per_month("cron(0 9 ? * MON-FRI *)") == pytest.approx(21.73)  # 30.4167 * 5 / 7
    assert runs_per_month("0 10 ? * *") == pytest.approx(daily)  # Kubernetes reads ? as * too
    for both in ("cron(0 10 ? * ? *)", "cron(0 10 1 * MON *)"):
        problem = schedule_problem(both)
        assert problem is not None
        assert "AWS cron needs ? in exactly one of day-of-month" in problem
    problem = schedule_problem("cron(? 10 * * ? *)")
    assert problem is not None
    assert "minutes '?': ? is not allowed in minutes" in problem


def test_aws_days_of_the_week_count_from_sunday() -> None:
    assert aws("0 8 ? * 1-2 *") == "0 8 * * 0-1"  # Sunday and Monday
    assert aws("0 8 ? * SUN,7 *") == "0 8 * * 0,6"
    assert aws("0/10 8-17 ? JAN-MAR 2#3 2030") == "0/10 8-17 * 1-3 1#3"
    assert runs_per_month("cron(0 8 ? * 1,7 *)") == runs_per_month("0 8 * * 0,6") == pytest.approx(8.69)


def test_counts_match_croniter_over_the_whole_cycle() -> None:
    # The count is taken month kind by month kind (and without croniter for plain lists of dates or weekdays);
    # croniter stepping through all 28 years must find the same.
    start, end = datetime.datetime(2001, 1, 1), datetime.datetime(2029, 1, 1)
    days = (end - start).days
    for cron in ("0 0 1,15 * 1", "0 0 * 2 1-5", "0 0 L * *", "0 0 29 2 *", "0 0 * * 5#2"):
        schedule = croniter(cron, start - datetime.timedelta(minutes=1))
        runs = 0
        while schedule.get_next(datetime.datetime) < end:
            runs += 1
        assert runs_per_month(cron) == pytest.approx(round(runs / days * DAYS_A_MONTH, 2)), cron


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("rate(1 minute)", 43800),
        ("rate(5 minutes)", 8760),
        ("rate(1 hour)", 730),
        ("rate(12 hours)", 60.83),
        ("rate(1 day)", 30.42),
        ("rate(7 days)", 4.35),  # 730 / 168
        ("  rate( 2  hours )  ", 365),
        ("at(2025-11-20T13:00:00)", 1),  # a one-time schedule
        ("@every 1h30m", 486.67),
        ("@hourly", 730),
        ("@weekly", 4.35),
        ("@yearly", 0.08),
        ("CRON_TZ=Europe/Paris 0 2 * * *", 30.42),
        ("0 0 * * 7", 4.35),  # 7 is Sunday too
    ],
)
def test_rates_and_other_forms(expression: str, runs: float) -> None:
    assert read_schedule(expression) == pytest.approx(runs)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 25 * * ? *)", "hours '25': 25 is out of range; allowed: 0-23, with , - * /"),
        ("cron(0 12 ? * 8 *)", "day-of-week '8': 8 is out of range; allowed: 1-7 or SUN-SAT, with , - * ? L #"),
        ("cron(0 12 ? * 2/2 *)", "day-of-week '2/2': / is not allowed in day-of-week"),
        ("cron(0 12 ? * 2#1,6#3 *)", "AWS allows one expression only in a field that uses #"),
        ("cron(0 12 ? * 2#6 *)", "day-of-week '2#6': after # comes which one in the month, 1-5"),
        ("cron(0 0 1 1 ? 1969)", "year '1969': 1969 is out of range; allowed: 1970-2199"),
        ("cron(0 12 * * ?)", "AWS cron has 6 fields (minutes hours day-of-month month day-of-week year), this has 5"),
        ("cron(0 12 LW * ? *)", "day-of-month 'LW'"),
        ("cron(0 12 * FOO ? *)", "month 'FOO': 'FOO' is not a number or name; allowed: 1-12 or JAN-DEC"),
        ("0 0 * 13 *", "month '13': 13 is out of range; allowed: 1-12 or JAN-DEC"),
        ("*/0 * * * *", "minute '*/0': the step '0' after / must be a whole number above 0"),
        ("0 0 1,,2 * *", "day-of-month '': an empty value"),
        ("0 0 ?,1 * *", "day-of-month '?,1': ? stands alone"),
        ("0 0 1~5 * *", "day-of-month '1~5': not a number, name, range or wildcard"),
        ("0 0 * * 1#1,2", "day-of-week field does not support mixing literal values and nth"),  # croniter's words
        ("cron(0 12 * * ? *", "an AWS cron expression is cron( six fields ), closed by )"),
        ("rate(5)", "a rate expression is rate(value unit), such as rate(5 minutes)"),
        ("@every 0s", "@every takes a duration of at least 1s"),
        ("@every often", "@every takes a duration of at least 1s"),
        ("0 0 * *", "a cron schedule has 5 fields"),
        ("0 0 30 2 *", "never runs"),
        ("rate(5 hour)", "AWS wants the unit 'hours' for the value 5"),
        ("rate(1 hours)", "AWS wants the unit 'hour' for the value 1"),
        ("rate(0 minutes)", "the rate value '0' must be a whole number above 0"),
        ("rate(1.5 hours)", "the rate value '1.5' must be a whole number above 0"),
        ("rate(1 fortnight)", "the rate unit 'fortnight' is not one of minute, minutes, hour, hours, day, days"),
        ("at(2025-13-01T00:00:00)", "a one-time schedule is at(yyyy-mm-ddThh:mm:ss)"),
        ("at(tomorrow)", "a one-time schedule is at(yyyy-mm-ddThh:mm:ss)"),
        ("@fortnightly", "the @ names are @hourly"),
        ("bogus", "is not a schedule: expected rate(value unit), cron("),
    ],
)
def test_unreadable_expressions_say_which_part_and_what_is_allowed(expression: str, words: str) -> None:
    problem = schedule_problem(expression)
    assert problem is not None
    assert problem.startswith(repr(expression))
    assert words in problem
    assert runs_per_month(expression) is None
    with pytest.raises(ScheduleError, match=r"^'"):
        read_schedule(expression)


def test_only_text_is_a_schedule() -> None:
    assert runs_per_month(5) is None
    assert schedule_problem(5) == (
        "5 is not a schedule expression: expected text, one of rate(value unit), "
        "cron(minutes hours day-of-month month day-of-week year), at(yyyy-mm-ddThh:mm:ss), five cron fields "
        "(minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly, @yearly, "
        "@every <duration>"
    )
    assert schedule_problem("rate(5 minutes)") is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",
        "rate(² minutes)",  # str.isdigit() says yes; int() says no
        "rate(٣ minutes)",  # an Arabic-Indic three: not a number AWS reads
        "rate(" + "9" * 5000 + " minutes)",
        "cron(*/² * * * ? *)",
        "*/² * * * *",
        "cron(0 0 ? * 6#² *)",
        "cron(0-99999999999999999999 * * * ? *)",
        "0 0 " + "1" * 5000 + " * *",
    ],
)
def test_hostile_numbers_are_a_schedule_error_never_a_crash(expression: str) -> None:
    with pytest.raises(ScheduleError) as error:
        read_schedule(expression)
    assert len(str(error.value)) < 400  # a 5,000-digit number is not echoed whole
    assert runs_per_month(expression) is None
