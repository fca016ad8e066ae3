"""Reads for the JSON API that the HTML pages do not need.

Rules kept here:
- Only published activities are shown; drafts, cancelled and ended activities are not found
  by the list or by their slug or UUID (the HTML detail page may still explain that an
  activity has ended, the API simply has no such record).
- Lists run a fixed number of queries whatever the page size: everything a record shows is
  joined or prefetched here.
- With ``modified_after`` a list holds the records whose ``updated_at`` is at or after it
  (inclusive, as HSDS's parameter), oldest change first with the pk as tie-break, so a client
  can resume from the last ``updated_at`` it saw; deletions come from core's tombstones.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from sammanhang.accounts.models import Organisation
from sammanhang.core.models import Tombstone
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


def activity_list_modified(since: datetime) -> QuerySet[Activity]:
    """Published activities changed at or after ``since``, oldest change first, whatever their
    sessions (the finder's window does not apply: a mirror needs every public activity)."""
    activities = Activity.objects.filter(status=Activity.Status.PUBLISHED, updated_at__gte=since)
    return activity_prefetches(activities).order_by("updated_at", "pk")


def deletion_list(*, since: datetime | None = None) -> QuerySet[Tombstone]:
    """Records deleted or taken out of public view (at or after ``since``), oldest first."""
    tombstones = Tombstone.objects.all()
    if since is not None:
        tombstones = tombstones.filter(deleted_at__gte=since)
    return tombstones.order_by("deleted_at", "pk")


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
    modified_after: datetime | None = None,
) -> QuerySet[Place]:
    """Places by district code, municipality slug, accessibility features (each one must be
    "yes") and words in the name or address; ordered by name, or with ``modified_after`` by
    change."""
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
    if modified_after is not None:
        places = places.filter(updated_at__gte=modified_after).order_by("updated_at", "pk")
    else:
        places = places.order_by("name", "pk")
    return _place_records(places)


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


def organisation_list(
    *, kinds: Iterable[str] = (), text: str = "", modified_after: datetime | None = None
) -> QuerySet[Organisation]:
    """Organisations by kind and words in the name; ordered by name, or with
    ``modified_after`` by change."""
    organisations = Organisation.objects.all()
    if kinds := list(kinds):
        organisations = organisations.filter(kind__in=kinds)
    for word in text.split():
        organisations = organisations.filter(name__icontains=word)
    if modified_after is not None:
        organisations = organisations.filter(updated_at__gte=modified_after).order_by(
            "updated_at", "pk"
        )
    else:
        organisations = organisations.order_by("name", "pk")
    return organisations.select_related("parent")


def organisation_by_ref(ref: str) -> Organisation | None:
    return Organisation.objects.filter(_lookup(ref)).select_related("parent").first()


def organisation_activities(organisation: Organisation) -> QuerySet[Activity]:
    return Activity.objects.filter(
        organisation=organisation, status=Activity.Status.PUBLISHED
    ).order_by("title", "pk")
