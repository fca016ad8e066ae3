"""Reads for the provider (staff) pages; kept apart from the public finder's selectors.

Each list runs a fixed number of queries whatever its length (prefetches, no per-row lookups).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, Min, Prefetch, Q, QuerySet, Value, When

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Schedule,
    ScheduleException,
)

# An activity nobody has touched for this long is probably out of date: the list flags it.
STALE_AFTER = timedelta(days=183)


def stale_before(now: datetime | None = None) -> datetime:
    return (now or clock.now()) - STALE_AFTER


def activities_for_organisation(
    organisation: Organisation, *, stale_only: bool = False
) -> QuerySet[Activity]:
    """The organisation's activities, all statuses, with ``next_start`` (next session) and
    ``is_stale`` set on each; ``stale_only`` keeps those not updated in six months."""
    cutoff = stale_before()
    activities = Activity.objects.filter(organisation=organisation).annotate(
        next_start=Min(
            "occurrences__starts_at",
            filter=Q(occurrences__starts_at__gte=clock.now(), occurrences__cancelled=False),
        ),
        is_stale=Case(
            When(updated_at__lt=cutoff, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if stale_only:
        activities = activities.filter(updated_at__lt=cutoff)
    return activities.order_by("title", "pk")


def is_stale(activity: Activity) -> bool:
    return activity.updated_at < stale_before()


def activity_for_staff(activity: Activity) -> Activity:
    """The activity with everything its staff page and edit form show, prefetched."""
    return (
        Activity.objects.filter(pk=activity.pk)
        .select_related("organisation")
        .prefetch_related(
            "categories",
            "target_groups",
            "equipment",
            "languages",
            Prefetch("features", queryset=ActivityFeature.objects.select_related("term")),
            Prefetch("places", queryset=Place.objects.select_related("owner", "district")),
            Prefetch(
                "schedules",
                queryset=Schedule.objects.select_related("place")
                .prefetch_related(
                    Prefetch("exceptions", queryset=ScheduleException.objects.order_by("date"))
                )
                .order_by("valid_from", "pk"),
            ),
        )
        .get()
    )


def occurrences_for_staff(activity: Activity, *, limit: int = 30) -> list[Occurrence]:
    """The next sessions (cancelled ones too), for cancelling one or seeing what is planned."""
    return list(
        Occurrence.objects.filter(activity=activity, ends_at__gt=clock.now())
        .select_related("place")
        .order_by("starts_at")[:limit]
    )


def places_for_activity_form(
    organisation: Organisation, activity: Activity | None
) -> QuerySet[Place]:
    """The places offered as checkboxes: the organisation's own and those already chosen
    (which may belong to another organisation: places are shared)."""
    chosen = Q(activities=activity) if activity is not None else Q(pk__in=[])
    return Place.objects.filter(Q(owner=organisation) | chosen).distinct().order_by("name")


def places_for_organisation(organisation: Organisation) -> QuerySet[Place]:
    return (
        Place.objects.filter(owner=organisation)
        .select_related("district", "municipality")
        .order_by("name")
    )


def place_for_staff(place: Place) -> Place:
    return (
        Place.objects.filter(pk=place.pk)
        .select_related("district", "municipality", "owner")
        .prefetch_related(
            Prefetch("features", queryset=PlaceFeature.objects.select_related("term")),
            Prefetch(
                "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")
            ),
            Prefetch("closures", queryset=PlaceClosure.objects.order_by("date")),
            "photos",
            Prefetch("activities", queryset=Activity.objects.select_related("organisation")),
        )
        .get()
    )
