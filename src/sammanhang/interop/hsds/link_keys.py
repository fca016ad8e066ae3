"""The index behind ``GET /service_at_locations/{id}``: derived id → (activity, place).

A service_at_location id is a uuid5 of the activity's and the place's UUIDs (``ids``), so no
column holds it; recomputing every public link's id per request took about a second at
national scale. ``ServiceAtLocationKey`` stores each link's id once, and a lookup is a
primary-key read. The table is a hint, never the truth: the caller checks that the link still
exists and the activity is public, and ``forget``s a key that no longer does.

Keeping it up to date without a write path of its own (directory must not import interop):
every change to an activity's places or online flag, and every publication, moves the
activity's ``updated_at`` (directory.services, ``_touch``; directory/tests/test_sync_services).
So when an id is not found, ``refresh`` keys the links of the activities changed since the
last refresh and the lookup is tried once more; the first lookup ever builds the table whole.

- A stream of unknown ids costs a fixed handful of queries each: the refresh reads only the
  activities whose ``updated_at`` is within ``GRACE`` of the last refresh and, among their
  links, only those without a key (an anti-join), so when nothing changed it finds nothing.
- ``GRACE`` covers writes that were not yet committed when the last refresh ran (an
  activity's ``updated_at`` is its save time, not its commit time): a transaction open longer
  than that (a very long import) could leave a link unkeyed until ``rebuild``.
- The table does not grow without bound: deleted activities and places cascade, a refresh
  removes the keys of the changed activities whose links are gone or no longer public, and
  a key met by a lookup whose link is gone is removed then.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sammanhang.directory.models import Activity
from sammanhang.interop.hsds import ids
from sammanhang.interop.hsds.serialize import PUBLIC_STATUSES
from sammanhang.interop.models import ServiceAtLocationKey, ServiceAtLocationKeyMark

GRACE = timedelta(hours=1)
# The mark is moved forward at most this often, so a flood of unknown ids does not turn
# into a flood of writes to one row; the refresh window is GRACE wide anyway.
MARK_STEP = timedelta(minutes=1)
MARK_PK = 1
BATCH = 2000


def find(value: uuid.UUID) -> ServiceAtLocationKey | None:
    """The key with this id, refreshing the table once if it is not there."""
    key = ServiceAtLocationKey.objects.filter(pk=value).first()
    if key is None:
        refresh()
        key = ServiceAtLocationKey.objects.filter(pk=value).first()
    return key


def forget(key: ServiceAtLocationKey) -> None:
    """Drop a key whose link is gone; a link that comes back moves its activity and is
    keyed again by the next refresh."""
    ServiceAtLocationKey.objects.filter(pk=key.pk).delete()


def refresh() -> None:
    """Key the links of the activities changed since the last refresh (all of them the first
    time) and drop the keys of theirs that are gone."""
    started = timezone.now()
    mark = ServiceAtLocationKeyMark.objects.filter(pk=MARK_PK).first()
    since = None if mark is None else mark.refreshed_at - GRACE
    _update(since)
    if mark is None:
        ServiceAtLocationKeyMark.objects.update_or_create(
            pk=MARK_PK, defaults={"refreshed_at": started}
        )
    elif started - mark.refreshed_at >= MARK_STEP:
        # Never backwards, if a slower concurrent refresh started earlier.
        ServiceAtLocationKeyMark.objects.filter(pk=MARK_PK, refreshed_at__lt=started).update(
            refreshed_at=started
        )


def rebuild() -> None:
    """Key every public link and drop every key whose link is gone (a full pass, slow at
    national scale): for a deployment that wants certainty after a very long import."""
    started = timezone.now()
    _update(None)
    ServiceAtLocationKeyMark.objects.update_or_create(
        pk=MARK_PK, defaults={"refreshed_at": started}
    )


def _update(since: datetime | None) -> None:
    through = Activity.places.through
    activities = Activity.objects.filter(status__in=PUBLIC_STATUSES)
    keys = ServiceAtLocationKey.objects.all()
    if since is not None:
        activities = activities.filter(updated_at__gte=since)
        keys = keys.filter(activity__updated_at__gte=since)
    unkeyed_links = (
        through.objects.filter(activity__in=activities)
        .exclude(
            Exists(
                ServiceAtLocationKey.objects.filter(
                    activity_id=OuterRef("activity_id"), place_id=OuterRef("place_id")
                )
            )
        )
        .values_list("activity_id", "activity__uuid", "place_id", "place__uuid")
    )
    unkeyed_online = (
        activities.filter(online=True)
        .exclude(
            Exists(
                ServiceAtLocationKey.objects.filter(activity_id=OuterRef("pk"), place__isnull=True)
            )
        )
        .values_list("pk", "uuid")
    )
    batch: list[ServiceAtLocationKey] = []
    for activity_id, activity_uuid, place_id, place_uuid in unkeyed_links.iterator(BATCH):
        key_id = ids.service_at_location_id(activity_uuid, place_uuid)
        batch.append(ServiceAtLocationKey(id=key_id, activity_id=activity_id, place_id=place_id))
        batch = _flush(batch)
    for activity_id, activity_uuid in unkeyed_online.iterator(BATCH):
        key_id = ids.service_at_location_id(activity_uuid, ids.online_location_id(activity_uuid))
        batch.append(ServiceAtLocationKey(id=key_id, activity_id=activity_id, place_id=None))
        batch = _flush(batch)
    _flush(batch, force=True)
    _drop_stale(keys)


def _flush(batch: list[ServiceAtLocationKey], *, force: bool = False) -> list[ServiceAtLocationKey]:
    if batch and (force or len(batch) >= BATCH):
        # A concurrent refresh may have keyed the same link: same id, so skip it.
        ServiceAtLocationKey.objects.bulk_create(batch, ignore_conflicts=True)
        return []
    return batch


def _drop_stale(keys: QuerySet[ServiceAtLocationKey]) -> None:
    through = Activity.places.through
    linked = Exists(
        through.objects.filter(activity_id=OuterRef("activity_id"), place_id=OuterRef("place_id"))
    )
    gone = (
        ~Q(activity__status__in=PUBLIC_STATUSES)
        | Q(place__isnull=True, activity__online=False)
        | Q(Q(place__isnull=False) & ~linked)
    )
    keys.filter(gone).delete()
