"""Reads for the open-data outputs of the ``interop`` app.

Invariants kept here:
- Only what the public pages show leaves through a feed: drafts never (their feed is a 404,
  as their page is); a place's and an organisation's feeds and a finder search hold
  published activities only, as their pages list only those.
- A feed's sessions are the materialised ``Occurrence`` rows, read in the same window the
  rebuild writes (``services.materialise_from``/``materialise_until``), so the feed and the
  pages can never disagree about a date, a time or a cancellation.
- A feed costs a fixed number of queries whatever the number of activities, schedules and
  sessions in it (asserted in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import NamedTuple

from django.db.models import QuerySet

from sammanhang.core import clock
from sammanhang.directory.models import Activity, Occurrence, Place, Schedule
from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder
from sammanhang.directory.services import materialise_from, materialise_until

# A calendar with more series than this is no use to anyone; the finder page itself pages.
FINDER_FEED_LIMIT = 200


class FeedSession(NamedTuple):
    """What a feed says of one materialised session (``Occurrence``): read as plain values,
    because a finder feed holds some 15,000 of them and model instances cost half its time."""

    date: date
    local_start: time
    local_end: time
    cancelled: bool
    note: str


@dataclass(frozen=True)
class FeedWindow:
    """The local dates a feed covers: the materialisation window of ``today``."""

    first: date
    last: date

    @classmethod
    def for_today(cls, today: date | None = None) -> FeedWindow:
        today = today or clock.today()
        return cls(first=materialise_from(today), last=materialise_until(today))


def activity_for_feed(slug: str) -> Activity | None:
    """An activity whose public page exists (published, cancelled or ended); never a draft."""
    return (
        Activity.objects.exclude(status=Activity.Status.DRAFT)
        .select_related("organisation")
        .filter(slug=slug)
        .first()
    )


def place_for_feed(slug: str) -> Place | None:
    """A place; every place has a public page."""
    return Place.objects.filter(slug=slug).first()


def feed_schedules(
    window: FeedWindow,
    *,
    activity_ids: Sequence[int] | None = None,
    activity: Activity | None = None,
    place: Place | None = None,
    organisation_id: int | None = None,
) -> list[Schedule]:
    """The schedules a feed shows, each with ``window_occurrences``: its sessions in ``window``
    (``FeedSession``) in start order, cancelled ones included (the pages show them, marked).

    One of the keyword filters names what the feed is of. Every schedule comes with its
    activity, the activity's organisation and the schedule's place; two queries in all.
    For anything but a single activity, only published activities' schedules are given.
    """
    schedules: QuerySet[Schedule] = Schedule.objects.all()
    if activity is not None:
        schedules = schedules.filter(activity=activity)
    else:
        schedules = schedules.filter(activity__status=Activity.Status.PUBLISHED)
        if activity_ids is not None:
            schedules = schedules.filter(activity_id__in=list(activity_ids))
        if place is not None:
            # The sessions the place's page lists are those whose schedule is held there.
            schedules = schedules.filter(place=place)
        if organisation_id is not None:
            schedules = schedules.filter(activity__organisation_id=organisation_id)
    found = list(
        schedules.select_related("activity__organisation", "place").order_by(
            "activity__title", "activity_id", "valid_from", "pk"
        )
    )
    sessions: dict[int, list[FeedSession]] = defaultdict(list)
    rows = (
        Occurrence.objects.filter(
            schedule_id__in=[schedule.pk for schedule in found],
            date__gte=window.first,
            date__lte=window.last,
        )
        .order_by("starts_at")
        .values_list("schedule_id", "date", "local_start", "local_end", "cancelled", "note")
    )
    for schedule_id, day, starts, ends, cancelled, note in rows:
        sessions[schedule_id].append(FeedSession(day, starts, ends, cancelled, note))
    for schedule in found:
        schedule.window_occurrences = sessions[schedule.pk]  # type: ignore[attr-defined]
    return found


def finder_activity_ids(criteria: FinderCriteria, *, limit: int = FINDER_FEED_LIMIT) -> list[int]:
    """The first ``limit`` activities a finder search shows, in the finder's order: the very
    selector the finder page uses, so the feed of a search is that search's results."""
    return [activity.pk for activity in activity_list_for_finder(criteria)[:limit]]
