from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sammanhang.core import clock
from sammanhang.directory.models import Occurrence

register = template.Library()


@register.filter
def occurrence_when(occurrence: Occurrence) -> str:
    """ "i morgon, tisdag 24 november, 17:00–19:00": the day in plain words when it is near."""
    today = clock.today()
    day = date_format(occurrence.date, "l j F")
    if occurrence.date == today:
        day = _("today, %(day)s") % {"day": day}
    elif occurrence.date == today + timedelta(days=1):
        day = _("tomorrow, %(day)s") % {"day": day}
    span = f"{occurrence.local_start:%H:%M}–{occurrence.local_end:%H:%M}"
    return f"{day}, {span}"


@register.filter
def language_name(code: str) -> str:
    """The language's name in the page's language ("arabiska"); the code if Django lacks it."""
    try:
        name = str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # Swedish writes language names in lower case; Django's catalogue capitalises them.
    return name.lower() if (translation.get_language() or "").startswith("sv") else name
