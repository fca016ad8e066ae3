"""Plain-words rendering of schedules for the provider pages."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammanhang.directory.models import Frequency, Schedule, Weekday
from sammanhang.directory.schedules import DAY_CODES

register = template.Library()

_NTH = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last"}


def _day_name(code: str) -> str:
    return str(Weekday(DAY_CODES[code] + 1).label).lower()


@register.filter
def schedule_when(schedule: Schedule) -> str:
    """ "Weekly: tuesday, thursday 17:00–19:00, every 2 weeks, from 2026-01-05"."""
    span = f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"
    start = date_format(schedule.valid_from, "j F Y")
    if schedule.freq == Frequency.ONCE:
        return _("Once: %(date)s, %(span)s") % {"date": start, "span": span}
    parts = [p for p in schedule.byday.split(",") if p]
    if schedule.freq == Frequency.WEEKLY:
        days = ", ".join(_day_name(p) for p in parts)
        every = ngettext("every week", "every %(n)s weeks", schedule.interval) % {
            "n": schedule.interval
        }
    else:
        nth_names = {
            "first": _("first"),
            "second": _("second"),
            "third": _("third"),
            "fourth": _("fourth"),
            "fifth": _("fifth"),
            "last": _("last"),
        }
        days = ", ".join(
            f"{nth_names[_NTH.get(p[:-2].lstrip('+'), 'first')]} {_day_name(p[-2:])}" for p in parts
        )
        every = ngettext("every month", "every %(n)s months", schedule.interval) % {
            "n": schedule.interval
        }
    text = _("%(days)s %(span)s, %(every)s, from %(start)s") % {
        "days": days,
        "span": span,
        "every": every,
        "start": start,
    }
    if schedule.valid_to:
        text += " " + _("to %(end)s") % {"end": date_format(schedule.valid_to, "j F Y")}
    return text
