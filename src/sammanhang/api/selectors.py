"""Reads for the JSON API that the HTML pages do not need.

Rules kept here:
- Only published activities are shown; drafts, cancelled and ended activities are not found
  by the list or by their slug or UUID (the HTML detail page may still explain that an
  activity has ended, the API simply has no such record).
- Lists run a fixed number of queries whatever the page size: everything a record shows is
  joined or prefetched here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    FeatureValue,
    OpeningHours,
    Place,
    PlaceFeature,
    Term,
)


def _lookup(ref: str) -> Q:
    """A record by UUID or by slug; anything else matches nothing (never a database error)."""
    try:
        return Q(uuid=uuid.UUID(ref))
    except ValueError:
        pass
    if ref and all(c.isalnum() or c in "-_" for c in ref) and len(ref) <= 200:
        return Q(slug=ref)
    return Q(pk__in=[])


def activity_prefetches(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """What an activity record shows besides the finder's own prefetches."""
    return activities.select_related("organisation").prefetch_related(
        Prefetch("places", queryset=Place.objects.select_related("district").order_by("name")),
        Prefetch("languages", queryset=ActivityLanguage.objects.order_by("code")),
        Prefetch("categories", queryset=Term.objects.order_by("position")),
        Prefetch("target_groups", queryset=Term.objects.order_by("position")),
        "schedules",
    )


def activity_published(ref: str) -> Activity | None:
    """A published activity by UUID or slug, with everything its record shows."""
    activities = Activity.objects.filter(_lookup(ref), status=Activity.Status.PUBLISHED)
    return (
        activity_prefetches(activities)
        .prefetch_related(
            Prefetch(
                "features",
                queryset=ActivityFeature.objects.filter(value=FeatureValue.YES)
                .select_related("term")
                .order_by("term__position"),
            ),
        )
        .first()
    )


def _place_records(places: QuerySet[Place]) -> QuerySet[Place]:
    return places.select_related("district", "municipality").prefetch_related(
        Prefetch(
            "features",
            queryset=PlaceFeature.objects.select_related("term").order_by("term__position"),
        )
    )


def place_list(
    *,
    districts: Iterable[str] = (),
    municipalities: Iterable[str] = (),
    features: Iterable[str] = (),
    text: str = "",
) -> QuerySet[Place]:
    """Places by district code, municipality slug, accessibility features (each one must be
    "yes") and words in the name or address; ordered by name."""
    places = Place.objects.all()
    if districts := list(districts):
        places = places.filter(district__code__in=districts)
    if municipalities := list(municipalities):
        places = places.filter(municipality__slug__in=municipalities)
    for code in features:
        places = places.filter(
            Exists(
                PlaceFeature.objects.filter(
                    place=OuterRef("pk"), term__code=code, value=FeatureValue.YES
                )
            )
        )
    for word in text.split():
        places = places.filter(
            Q(name__icontains=word)
            | Q(street_address__icontains=word)
            | Q(city__icontains=word)
            | Q(district__name__icontains=word)
        )
    return _place_records(places).order_by("name", "pk")


def place_by_ref(ref: str) -> Place | None:
    return (
        _place_records(Place.objects.filter(_lookup(ref)))
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
        )
        .first()
    )


def place_activities(place: Place) -> QuerySet[Activity]:
    return Activity.objects.filter(places=place, status=Activity.Status.PUBLISHED).order_by(
        "title", "pk"
    )


def organisation_list(*, kinds: Iterable[str] = (), text: str = "") -> QuerySet[Organisation]:
    """Organisations by kind and words in the name; ordered by name."""
    organisations = Organisation.objects.all()
    if kinds := list(kinds):
        organisations = organisations.filter(kind__in=kinds)
    for word in text.split():
        organisations = organisations.filter(name__icontains=word)
    return organisations.select_related("parent").order_by("name", "pk")


def organisation_by_ref(ref: str) -> Organisation | None:
    return Organisation.objects.filter(_lookup(ref)).select_related("parent").first()


def organisation_activities(organisation: Organisation) -> QuerySet[Activity]:
    return Activity.objects.filter(
        organisation=organisation, status=Activity.Status.PUBLISHED
    ).order_by("title", "pk")
