"""The schedule rules, as pure functions (no database)."""

from __future__ import annotations

from datetime import UTC, date, time
from zoneinfo import ZoneInfo

import pytest

from sammanhang.directory.schedules import Rule, ScheduleRuleError, local_span, rule_dates

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _rule(freq="WEEKLY", byday="TU", interval=1, valid_from=date(2026, 11, 2), valid_to=None):
    return Rule(freq, interval, byday, valid_from, valid_to)


def test_weekly_on_two_days():
    dates = rule_dates(_rule(byday="TU,TH"), date(2026, 11, 2), date(2026, 11, 15))
    assert dates == [date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 10), date(2026, 11, 12)]


def test_every_second_week_counts_from_the_first_week():
    # valid_from is Monday 2 Nov (week 45): weeks 45, 47, 49 …
    dates = rule_dates(_rule(byday="WE", interval=2), date(2026, 11, 1), date(2026, 12, 10))
    assert dates == [date(2026, 11, 4), date(2026, 11, 18), date(2026, 12, 2)]


def test_every_second_week_is_the_same_whatever_window_is_asked_for():
    full = rule_dates(_rule(byday="WE", interval=2), date(2026, 11, 1), date(2027, 2, 1))
    later = rule_dates(_rule(byday="WE", interval=2), date(2027, 1, 1), date(2027, 2, 1))
    assert later == [d for d in full if d >= date(2027, 1, 1)]


def test_first_saturday_of_the_month():
    rule = _rule(freq="MONTHLY", byday="1SA")
    dates = rule_dates(rule, date(2026, 11, 1), date(2027, 2, 28))
    assert dates == [date(2026, 11, 7), date(2026, 12, 5), date(2027, 1, 2), date(2027, 2, 6)]


def test_last_tuesday_of_the_month():
    rule = _rule(freq="MONTHLY", byday="-1TU")
    dates = rule_dates(rule, date(2026, 11, 1), date(2027, 1, 31))
    assert dates == [date(2026, 11, 24), date(2026, 12, 29), date(2027, 1, 26)]


def test_validity_period_bounds_the_dates():
    rule = _rule(byday="MO", valid_from=date(2026, 11, 9), valid_to=date(2026, 11, 23))
    assert rule_dates(rule, date(2026, 11, 1), date(2026, 12, 31)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]


def test_single_date():
    rule = _rule(freq="ONCE", byday="", valid_from=date(2026, 12, 13))
    assert rule_dates(rule, date(2026, 12, 1), date(2026, 12, 31)) == [date(2026, 12, 13)]
    assert rule_dates(rule, date(2027, 1, 1), date(2027, 1, 31)) == []


@pytest.mark.parametrize(
    ("freq", "byday", "message"),
    [
        ("WEEKLY", "TI", "'TI' is not a day code"),
        ("WEEKLY", "1MO", "weekly schedule takes days without a number"),
        ("MONTHLY", "SA", "monthly schedule needs a number"),
        ("WEEKLY", "", "needs at least one day"),
    ],
)
def test_unreadable_days_are_refused_with_the_bad_part_named(freq, byday, message):
    with pytest.raises(ScheduleRuleError, match=message):
        rule_dates(_rule(freq=freq, byday=byday), date(2026, 11, 1), date(2026, 12, 1))


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 10, 24), 15),  # Saturday before the October change: CEST, UTC+2
        (date(2026, 10, 25), 16),  # the change day itself: already CET, UTC+1
        (date(2027, 3, 27), 16),  # Saturday before the March change: CET
        (date(2027, 3, 28), 15),  # the change day: CEST
    ],
)
def test_local_time_stays_the_same_across_daylight_saving(day, utc_hour):
    start, end = local_span(day, time(17), time(19), STOCKHOLM)
    assert start.astimezone(UTC).hour == utc_hour
    assert (end - start).total_seconds() == 2 * 3600
