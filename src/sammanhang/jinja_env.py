"""The Jinja2 environment, for the few fragments rendered on every search.

Django's template language resolves each variable through a chain of lookups at render time;
Jinja2 compiles a template to Python once. The finder's result list (20 results with their
sessions, rules and links on every request) is rendered here for that reason; every other page
stays in Django templates. Text goes through Django's gettext, so one catalogue serves both
(``makemessages`` finds ``{{ _("…") }}`` in these files as it does in Django templates).
"""

from __future__ import annotations

import re
from typing import Any

from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.text import capfirst
from jinja2 import Environment

from sammanhang.core import clock
from sammanhang.directory.templatetags.directory import occurrence_when, schedule_words

# Routes that take one slug, linked once or more per result on every finder page: their
# address is the route's own with the slug put in, so ``reverse`` (about 30 µs a call, a
# hundred calls a page) runs once per route, language and prefix instead
# (``directory/tests/test_jinja_urls.py`` compares it with ``reverse``).
SLUG_ROUTES = frozenset({"directory:activity", "directory:place"})
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "slug-placeholder-0"
_slug_routes: dict[tuple[str, str | None, str, str | None], tuple[str, str]] = {}


def url(name: str, *args: Any) -> str:
    if name in SLUG_ROUTES and len(args) == 1 and _SLUG.fullmatch(str(args[0])):
        # The language too: addresses under i18n_patterns start with it (/en/…).
        key = (name, translation.get_language(), get_script_prefix(), get_urlconf())
        parts = _slug_routes.get(key)
        if parts is None:
            before, _, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
            parts = _slug_routes[key] = (before, after)
        return f"{parts[0]}{args[0]}{parts[1]}"
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
    env.globals.update(url=url, static=static, clock_today=clock.today)
    env.filters.update(
        capfirst=capfirst,
        floatformat=floatformat,
        occurrence_when=occurrence_when,
        schedule_words=schedule_words,
    )
    return env
