"""Public directory pages. Thin: the form parses, the selectors decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sammanhang.accounts.selectors import organisation_by_slug
from sammanhang.core import clock
from sammanhang.directory import search, selectors
from sammanhang.directory.forms import FinderForm, finder_query
from sammanhang.directory.models import Activity
from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder

PAGE_SIZE = 20
# A printed list longer than this helps nobody; the page says when it was cut.
PRINT_LIMIT = 200


def finder(request: HttpRequest) -> HttpResponse:
    form = FinderForm(finder_query(request.GET) or None)
    page = None
    corrected = ""
    base_query = request.GET.copy()
    base_query.pop("page", None)
    if not form.is_bound or form.is_valid():
        criteria = form.criteria() if form.is_bound else FinderCriteria()
        query = search.parse_query(criteria.text)
        corrected = search.corrected_text(criteria.text, query)
        page = Paginator(activity_list_for_finder(criteria, query=query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    tiles_url = settings.SAMMANHANG_MAP_TILES_URL
    return render(
        request,
        "directory/finder.html",
        {
            "form": form,
            "page": page,
            "selected": form.selected_filters(request.GET) if form.is_bound else [],
            "base_query": base_query.urlencode(),
            "corrected": corrected,
            "map_points": map_points(page) if page is not None and tiles_url else [],
            "map_tiles_url": tiles_url,
            "map_attribution": settings.SAMMANHANG_MAP_ATTRIBUTION,
        },
        status=400 if form.errors else 200,
    )


def finder_print(request: HttpRequest) -> HttpResponse:
    """Every result of a finder search on one plain page, to print and hand over."""
    form = FinderForm(finder_query(request.GET) or None)
    activities: list[Activity] = []
    total = 0
    count_exact = True
    base_query = request.GET.copy()
    base_query.pop("page", None)
    if not form.is_bound or form.is_valid():
        criteria = form.criteria() if form.is_bound else FinderCriteria()
        results = selectors.activity_list_for_print(criteria)
        activities = results[: PRINT_LIMIT + 1]
        total = len(activities)
        if total > PRINT_LIMIT:
            total = results.count()
            count_exact = results.count_exact
            activities = activities[:PRINT_LIMIT]
    query = base_query.urlencode()
    search_url = request.build_absolute_uri(
        reverse("directory:finder") + (f"?{query}" if query else "")
    )
    return render(
        request,
        "directory/finder_print.html",
        {
            "form": form,
            "activities": activities,
            "total": total,
            "count_exact": count_exact,
            "cut": total > len(activities),
            "selected": form.selected_filters(request.GET) if form.is_bound else [],
            "search_url": search_url,
            "printed_at": timezone.localtime(clock.now()),
        },
        status=400 if form.errors else 200,
    )


def map_points(activities: Iterable[Any]) -> list[dict[str, Any]]:
    """Markers for the map: each place with coordinates where a shown session is held.

    Uses only what the finder already prefetched (``upcoming``), so no queries are added.
    """
    points: dict[int, dict[str, Any]] = {}
    for activity in activities:
        for occurrence in getattr(activity, "upcoming", []):
            place = occurrence.place
            if place is None or place.latitude is None or place.longitude is None:
                continue
            point = points.setdefault(
                place.pk,
                {"lat": place.latitude, "lon": place.longitude, "place": place.name, "items": []},
            )
            item = {
                "title": activity.title,
                "url": reverse("directory:activity", args=[activity.slug]),
            }
            if item not in point["items"]:
                point["items"].append(item)
    return list(points.values())


def activity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    activity = selectors.activity_public_detail(slug)
    if activity is None:
        raise Http404
    easy_read = request.GET.get("lattlast") == "1" and bool(activity.easy_read)
    return render(
        request,
        "directory/activity_detail.html",
        {
            "activity": activity,
            "occurrences": selectors.occurrences_upcoming(activity=activity),
            "easy_read": easy_read,
        },
    )


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.place_public_detail(slug)
    if place is None:
        raise Http404
    return render(
        request,
        "directory/place_detail.html",
        {
            "place": place,
            "is_open": selectors.place_is_open(place),
            "closures": selectors.place_closures_upcoming(place),
            "occurrences": selectors.occurrences_upcoming(place=place, limit=15),
        },
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_by_slug(slug)
    if organisation is None:
        raise Http404
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "activities": selectors.organisation_public_activities(organisation.pk),
        },
    )
