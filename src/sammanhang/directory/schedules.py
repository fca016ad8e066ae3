"""Expanding schedules into dated sessions: pure functions, no database.

Rules:
- WEEKLY: the days in ``byday`` (``MO,TH``) every ``interval`` weeks, counted from the week of
  ``valid_from`` (weeks start on Monday).
- MONTHLY: the nth weekday of the month (``1SA`` first Saturday, ``-1TU`` last Tuesday), every
  ``interval`` months from ``valid_from``.
- ONCE: the single date ``valid_from``.
- Times are local wall-clock times: 17:00 stays 17:00 on both sides of a daylight-saving change,
  so the absolute instants differ by the shift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import rrule

DAY_CODES = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_BYDAY = re.compile(r"^(?P<nth>[+-]?[1-5])?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")


class ScheduleRuleError(ValueError):
    """A ``byday`` value that cannot be read; the message names the bad part."""


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int
    byday: str
    valid_from: date
    valid_to: date | None


def parse_byday(freq: str, byday: str) -> list[rrule.weekday]:
    """Turn ``MO,TH`` or ``1SA`` into dateutil weekdays; raise ``ScheduleRuleError`` if unusable."""
    days: list[rrule.weekday] = []
    for part in (p.strip().upper() for p in byday.split(",") if p.strip()):
        match = _BYDAY.match(part)
        if match is None:
            raise ScheduleRuleError(f"{part!r} is not a day code such as MO, TU or 1SA")
        weekday = _WEEKDAYS[DAY_CODES[match["day"]]]
        nth = match["nth"]
        if freq == "WEEKLY" and nth:
            raise ScheduleRuleError(f"{part!r}: a weekly schedule takes days without a number")
        if freq == "MONTHLY" and not nth:
            raise ScheduleRuleError(f"{part!r}: a monthly schedule needs a number, e.g. 1SA")
        days.append(weekday(int(nth)) if nth else weekday)
    if not days and freq != "ONCE":
        raise ScheduleRuleError("a recurring schedule needs at least one day")
    return days


def rule_dates(rule: Rule, start: date, end: date) -> list[date]:
    """The dates ``rule`` gives between ``start`` and ``end``, both inclusive."""
    last = min(end, rule.valid_to) if rule.valid_to else end
    if last < start or last < rule.valid_from:
        return []
    if rule.freq == "ONCE":
        return [rule.valid_from] if start <= rule.valid_from <= last else []
    dates = rrule.rrule(
        rrule.WEEKLY if rule.freq == "WEEKLY" else rrule.MONTHLY,
        interval=rule.interval,
        byweekday=parse_byday(rule.freq, rule.byday),
        dtstart=datetime.combine(rule.valid_from, time()),
        until=datetime.combine(last, time()),
        wkst=rrule.MO,
    )
    return [moment.date() for moment in dates if moment.date() >= start]


def local_span(
    day: date, opens_at: time, closes_at: time, zone: ZoneInfo
) -> tuple[datetime, datetime]:
    """The absolute start and end of a session held on ``day`` at local wall-clock times."""
    return (
        datetime.combine(day, opens_at, tzinfo=zone),
        datetime.combine(day, closes_at, tzinfo=zone),
    )
