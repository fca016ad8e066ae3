"""Feeds, downloads and catalogues in open formats. Thin: selectors choose, builders write."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sammanhang.accounts.selectors import organisation_by_slug
from sammanhang.core import clock
from sammanhang.directory.forms import FinderForm, finder_query
from sammanhang.directory.models import Activity, Schedule
from sammanhang.directory.selectors import FinderCriteria
from sammanhang.interop import dcat, ical, selectors, tabular_export
from sammanhang.interop.selectors import FeedWindow

# --- iCalendar feeds -------------------------------------------------------------------------


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
    form = FinderForm(finder_query(request.GET) or None)
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
    query = finder_query(request.GET).urlencode()
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


# --- a finder search as CSV or XLSX ----------------------------------------------------------


@require_safe
def finder_csv(request: HttpRequest) -> HttpResponse:
    """The finder's results for the same query string, as CSV (see ``tabular_export``)."""
    return _finder_download(request, "csv")


@require_safe
def finder_xlsx(request: HttpRequest) -> HttpResponse:
    """The finder's results for the same query string, as an Excel workbook."""
    return _finder_download(request, "xlsx")


_DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _finder_download(request: HttpRequest, kind: str) -> HttpResponse:
    form = FinderForm(finder_query(request.GET) or None)
    if form.is_bound and not form.is_valid():
        # The finder page shows these errors beside their fields; a file cannot.
        problems = [f"{error}" for errors in form.errors.values() for error in errors]
        text = _("The search has errors. Open it on the search page to correct them.")
        return HttpResponse(
            "\n".join([text, *problems]), status=400, content_type="text/plain; charset=utf-8"
        )
    criteria = form.criteria() if form.is_bound else FinderCriteria()
    table = tabular_export.finder_table(criteria, url_for=lambda a: _activity_url(request, a))
    query = request.GET.urlencode()
    search_url = request.build_absolute_uri(
        reverse("directory:finder") + (f"?{query}" if query else "")
    )
    if kind == "csv":
        content = tabular_export.table_csv(table)
    else:
        about = [
            (_("Search"), search_url),
            (_("Downloaded"), date_format(timezone.localtime(clock.now()), "j F Y, H:i")),
            (_("Activities"), str(len(table.rows))),
        ]
        if table.cut:
            about.append((_("Note"), cut_note()))
        content = tabular_export.table_xlsx(table, about=about)
    response = HttpResponse(content, content_type=_DOWNLOAD_TYPES[kind])
    day = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{_("activities")}-{day}.{kind}"'
    # A program fetching the list learns that it was cut without reading the file.
    response["X-Result-Count"] = str(len(table.rows))
    response["X-Result-Cut"] = "true" if table.cut else "false"
    return response


def cut_note() -> str:
    return _(
        "The list holds the first %(limit)s activities of the search. Choose more filters "
        "for a shorter list."
    ) % {"limit": tabular_export.EXPORT_LIMIT}


def _activity_url(request: HttpRequest, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("directory:activity", args=[activity.slug]))


# --- the DCAT-AP-SE catalogue ----------------------------------------------------------------

# The iCalendar feed of a finder search (without a query: every activity), listed as a
# distribution when the site has it (i5-ical adds it).
ICALENDAR_FEED_URL_NAME = "interop:ical_finder"


@require_safe
def dcat_catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue in RDF/XML, or Turtle or JSON-LD by ``Accept`` or ``?format=``."""
    kind = dcat.chosen_format(request.headers.get("Accept", ""), request.GET.get("format"))
    try:
        with translation.override("sv"):
            ical_url: str | None = reverse(ICALENDAR_FEED_URL_NAME)
    except NoReverseMatch:
        ical_url = None
    graph = dcat.catalogue(request.build_absolute_uri, ical_url=ical_url)
    response = HttpResponse(
        dcat.SERIALISERS[kind](graph), content_type=f"{dcat.MEDIA_TYPES[kind]}; charset=utf-8"
    )
    patch_vary_headers(response, ["Accept"])
    return response
