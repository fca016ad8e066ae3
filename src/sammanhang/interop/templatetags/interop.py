"""What the directory's pages show of the open formats: schema.org JSON-LD in the page's head
and the download limit beside the finder's download links.

Tags rather than view code because the directory does not import interop (the layers go the
other way); templates may name every app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString

from sammanhang.accounts.models import Organisation
from sammanhang.directory import selectors
from sammanhang.directory.models import Activity, Occurrence, Place, PlaceClosure
from sammanhang.interop import jsonld, tabular_export

register = template.Library()

_PAGES = {
    Activity: "directory:activity",
    Place: "directory:place",
    Organisation: "directory:organisation",
}


def _urls(request: HttpRequest) -> tuple[Callable[[Any], str], Callable[[str], str]]:
    """(the absolute public URL of an activity, place or organisation; of any path)."""

    def url_of(thing: Any) -> str:
        return request.build_absolute_uri(reverse(_PAGES[type(thing)], args=[thing.slug]))

    return url_of, request.build_absolute_uri


@register.simple_tag(takes_context=True)
def activity_jsonld(
    context: template.Context, activity: Activity, occurrences: Iterable[Occurrence]
) -> SafeString:
    url_of, absolute = _urls(context["request"])
    data = jsonld.activity_jsonld(
        activity,
        schedules=selectors.schedules_for_public(activity),
        occurrences=occurrences,
        url_of=url_of,
        absolute=absolute,
    )
    return jsonld.script(data)


@register.simple_tag(takes_context=True)
def place_jsonld(
    context: template.Context,
    place: Place,
    closures: Iterable[PlaceClosure],
    occurrences: Iterable[Occurrence],
) -> SafeString:
    url_of, absolute = _urls(context["request"])
    data = jsonld.place_jsonld(
        place, closures=closures, occurrences=occurrences, url_of=url_of, absolute=absolute
    )
    return jsonld.script(data)


@register.simple_tag(takes_context=True)
def organisation_jsonld(context: template.Context, organisation: Organisation) -> SafeString:
    url_of, absolute = _urls(context["request"])
    return jsonld.script(
        jsonld.organisation_page_jsonld(organisation, url_of=url_of, absolute=absolute)
    )


@register.simple_tag
def export_limit() -> int:
    """How many activities a downloaded list holds at most."""
    return tabular_export.EXPORT_LIMIT
