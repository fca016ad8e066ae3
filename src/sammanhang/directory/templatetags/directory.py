from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache

from django import template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sammanhang.core import clock
from sammanhang.directory.finder import ShownSession
from sammanhang.directory.models import Frequency, Occurrence, Schedule
from sammanhang.directory.schedules import ScheduleRuleError, parse_byday

register = template.Library()


@register.filter
def occurrence_when(occurrence: Occurrence | ShownSession, today: date | None = None) -> str:
    """ "i morgon, tisdag 24 november, 17:00–19:00": the day in plain words when it is near.

    ``today`` may be given by a page that words many sessions: reading the clock is most of
    the cost of a call (the finder's results read it once, not once per session).
    """
    day = _day_words(occurrence.date, today or clock.today(), translation.get_language())
    span = f"{occurrence.local_start:%H:%M}–{occurrence.local_end:%H:%M}"
    return f"{day}, {span}"


# A finder page shows some 60 sessions on a handful of days, and formatting a date in words
# goes through the locale's formats and catalogue each time: the words are kept per day,
# today and language (the arguments are the whole input).
@lru_cache(maxsize=4096)
def _day_words(day: date, today: date, language: str | None) -> str:
    words = date_format(day, "l j F")
    if day == today:
        return _("today, %(day)s") % {"day": words}
    if day == today + timedelta(days=1):
        return _("tomorrow, %(day)s") % {"day": words}
    return words


@register.filter
def language_name(code: str) -> str:
    """The language's name in the page's language ("arabiska"); the code if Django lacks it."""
    try:
        name = str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # Swedish writes language names in lower case; Django's catalogue capitalises them.
    return name.lower() if (translation.get_language() or "").startswith("sv") else name


WEEKDAYS_PLURAL = (
    pgettext_lazy("on every", "Mondays"),
    pgettext_lazy("on every", "Tuesdays"),
    pgettext_lazy("on every", "Wednesdays"),
    pgettext_lazy("on every", "Thursdays"),
    pgettext_lazy("on every", "Fridays"),
    pgettext_lazy("on every", "Saturdays"),
    pgettext_lazy("on every", "Sundays"),
)
WEEKDAYS_OF_MONTH = (
    pgettext_lazy("the nth … of the month", "Monday"),
    pgettext_lazy("the nth … of the month", "Tuesday"),
    pgettext_lazy("the nth … of the month", "Wednesday"),
    pgettext_lazy("the nth … of the month", "Thursday"),
    pgettext_lazy("the nth … of the month", "Friday"),
    pgettext_lazy("the nth … of the month", "Saturday"),
    pgettext_lazy("the nth … of the month", "Sunday"),
)
NTH = {
    1: pgettext_lazy("the nth … of the month", "first"),
    2: pgettext_lazy("the nth … of the month", "second"),
    3: pgettext_lazy("the nth … of the month", "third"),
    4: pgettext_lazy("the nth … of the month", "fourth"),
    5: pgettext_lazy("the nth … of the month", "fifth"),
    -1: pgettext_lazy("the nth … of the month", "last"),
}


@register.filter
def schedule_words(schedule: Schedule) -> str:
    """ "tisdagar och torsdagar 17:00–19:00", "första lördagen i månaden 11:00–13:00"."""
    return _schedule_words(
        schedule.freq,
        schedule.interval,
        schedule.byday,
        schedule.opens_at,
        schedule.closes_at,
        schedule.valid_from,
        schedule.valid_to,
        translation.get_language(),
    )


# Kept per rule and language (the arguments are the whole input): most rules are weekly at
# a few common times, and every finder page words twenty of them.
@lru_cache(maxsize=4096)
def _schedule_words(
    freq: str,
    interval: int,
    byday: str,
    opens_at: time,
    closes_at: time,
    valid_from: date,
    valid_to: date | None,
    language: str | None,
) -> str:
    span = f"{opens_at:%H:%M}–{closes_at:%H:%M}"
    if freq == Frequency.ONCE:
        return f"{date_format(valid_from, 'l j F Y')}, {span}"
    try:
        days = parse_byday(freq, byday)
    except ScheduleRuleError:
        return span
    if freq == Frequency.MONTHLY:
        parts = [
            _("the %(nth)s %(weekday)s of the month")
            % {"nth": NTH.get(day.n or 1, day.n), "weekday": WEEKDAYS_OF_MONTH[day.weekday]}
            for day in days
        ]
        when = _join(parts)
        if interval > 1:
            when = _("%(when)s, every %(n)s months") % {"when": when, "n": interval}
    else:
        when = _join([str(WEEKDAYS_PLURAL[day.weekday]) for day in days])
        if interval == 2:
            when = _("%(days)s every other week") % {"days": when}
        elif interval > 2:
            when = _("%(days)s every %(n)s weeks") % {"days": when, "n": interval}
    words = f"{when} {span}"
    if valid_to:
        words += " " + _("(until %(date)s)") % {"date": date_format(valid_to, "j F Y")}
    return words


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return _("%(some)s and %(last)s") % {"some": ", ".join(parts[:-1]), "last": parts[-1]}
