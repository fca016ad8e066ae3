"""The Jinja2 environment, for the few fragments rendered on every search.

Django's template language resolves each variable through a chain of lookups at render time;
Jinja2 compiles a template to Python once. The finder's result list (20 results with their
sessions, rules and links on every request) is rendered here for that reason; every other page
stays in Django templates. Text goes through Django's gettext, so one catalogue serves both
(``makemessages`` finds ``{{ _("…") }}`` in these files as it does in Django templates).
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from jinja2 import Environment

from sammanhang.directory.templatetags.directory import occurrence_when, schedule_words


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    # Always escaping, as Django's templates do (Django's backend passes autoescape=True too).
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Not "newstyle": that marks every translation safe; here a translation is escaped like
    # any other text, as Django's {% translate %} output is.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=False
    )
    env.globals.update(url=url, static=static)
    env.filters.update(
        capfirst=capfirst,
        floatformat=floatformat,
        occurrence_when=occurrence_when,
        schedule_words=schedule_words,
    )
    return env
