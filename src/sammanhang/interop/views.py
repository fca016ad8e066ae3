"""Feeds in open formats. Thin: the selectors choose, the builders write."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sammanhang.accounts.selectors import organisation_by_slug
from sammanhang.directory.forms import FinderForm
from sammanhang.directory.models import Schedule
from sammanhang.directory.selectors import FinderCriteria

# The finder page's own reading of its query string (blank list filters mean "any"), so the
# feed of a search and the page can never read the same address differently.
from sammanhang.directory.views import _without_blanks
from sammanhang.interop import ical, selectors
from sammanhang.interop.selectors import FeedWindow


@require_safe
def ical_activity(request: HttpRequest, slug: str) -> HttpResponse:
    activity = selectors.activity_for_feed(slug)
    if activity is None:
        raise Http404
    window = FeedWindow.for_today()
    schedules = selectors.feed_schedules(window, activity=activity)
    return _calendar_response(request, activity.title, schedules, window, slug)


@require_safe
def ical_place(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.place_for_feed(slug)
    if place is None:
        raise Http404
    window = FeedWindow.for_today()
    schedules = selectors.feed_schedules(window, place=place)
    return _calendar_response(request, place.name, schedules, window, slug)


@require_safe
def ical_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_by_slug(slug)
    if organisation is None:
        raise Http404
    window = FeedWindow.for_today()
    schedules = selectors.feed_schedules(window, organisation_id=organisation.pk)
    return _calendar_response(request, organisation.name, schedules, window, slug)


@require_safe
def ical_finder(request: HttpRequest) -> HttpResponse:
    """The activities a finder search finds, read from the same query string as the page."""
    form = FinderForm(_without_blanks(request.GET) or None)
    if form.is_bound and not form.is_valid():
        # The page explains each error beside its field; a calendar app cannot show that.
        return HttpResponseBadRequest(
            _("The search cannot be made: open it in the finder to see why."),
            content_type="text/plain; charset=utf-8",
        )
    criteria = form.criteria() if form.is_bound else FinderCriteria()
    window = FeedWindow.for_today()
    ids = selectors.finder_activity_ids(criteria)
    schedules = selectors.feed_schedules(window, activity_ids=ids)
    text = criteria.text
    name = _("Sammanhang: %(search)s") % {"search": text} if text else _("Sammanhang: activities")
    query = _without_blanks(request.GET).urlencode()
    description = request.build_absolute_uri(
        reverse("directory:finder") + (f"?{query}" if query else "")
    )
    return _calendar_response(
        request, name, schedules, window, "aktiviteter", description=description
    )


def _calendar_response(
    request: HttpRequest,
    name: str,
    schedules: list[Schedule],
    window: FeedWindow,
    filename: str,
    *,
    description: str = "",
) -> HttpResponse:
    calendar = ical.calendar_build(
        name=name,
        schedules=schedules,
        window=window,
        absolute_url=request.build_absolute_uri,
        description=description,
    )
    body = calendar.to_ical()
    # The body is a function of the data and the day, so its hash is a strong validator:
    # a calendar app polling an unchanged feed gets 304 Not Modified.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=ical.MEDIA_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=3600)
    return response
