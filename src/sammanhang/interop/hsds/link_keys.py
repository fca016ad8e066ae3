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

- A stream of unknown ids costs a fixed handful of queries each: the refresh reads the
  activities whose ``updated_at`` is within ``GRACE`` of the last refresh and that it has not
  seen in that state (``ServiceAtLocationKeyedActivity``, an anti-join); when there are none,
  nothing more runs (four queries in all). For those it finds, their links and keys are read
  by their ids and compared, and only the difference is written.
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
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sammanhang.directory.models import Activity
from sammanhang.interop.hsds import ids
from sammanhang.interop.hsds.serialize import PUBLIC_STATUSES
from sammanhang.interop.models import (
    ServiceAtLocationKey,
    ServiceAtLocationKeyedActivity,
    ServiceAtLocationKeyMark,
)

GRACE = timedelta(hours=1)
# The mark is moved forward at most this often, so a flood of unknown ids does not turn
# into a flood of writes to one row; the refresh window is GRACE wide anyway.
MARK_STEP = timedelta(minutes=1)
MARK_PK = 1
# Activities read and compared at a time (well under SQLite's limit on query parameters).
CHUNK = 1000

Row = tuple[int, uuid.UUID, str, bool, datetime]


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
    """Bring in line the keys of the activities changed since the last refresh (all of them
    the first time): add the missing, drop those whose link is gone."""
    started = timezone.now()
    mark = ServiceAtLocationKeyMark.objects.filter(pk=MARK_PK).first()
    if mark is None:
        rebuild()
        return
    _update(mark.refreshed_at - GRACE)
    if started - mark.refreshed_at >= MARK_STEP:
        # Never backwards, if a slower concurrent refresh started earlier.
        ServiceAtLocationKeyMark.objects.filter(pk=MARK_PK, refreshed_at__lt=started).update(
            refreshed_at=started
        )


def rebuild() -> None:
    """Compare every activity's links and keys again (a full pass, slow at national scale):
    for a deployment that wants certainty after a transaction open longer than ``GRACE``."""
    started = timezone.now()
    ServiceAtLocationKeyedActivity.objects.all().delete()
    _update(None)
    ServiceAtLocationKeyMark.objects.update_or_create(
        pk=MARK_PK, defaults={"refreshed_at": started}
    )


def _update(since: datetime | None) -> None:
    """Bring the keys of the activities changed at or after ``since`` (all: ``None``) in line
    with their links: add the missing, drop those whose link is gone or no longer public.

    Plain reads by the activities' ids, a chunk at a time, compared in Python: the plans stay
    simple on both databases, and when nothing changed only the first read runs.
    """
    seen = ServiceAtLocationKeyedActivity.objects.filter(
        activity_id=OuterRef("pk"), updated_at=OuterRef("updated_at")
    )
    # In id order, and keys written sorted, so that two concurrent refreshes take their row
    # locks in the same order and cannot deadlock.
    changed = Activity.objects.exclude(Exists(seen)).order_by("pk")
    if since is not None:
        changed = changed.filter(updated_at__gte=since)
    rows = changed.values_list("pk", "uuid", "status", "online", "updated_at").iterator(CHUNK)
    first = next(rows, None)
    if first is None:
        # The usual answer to an unknown id: no transaction (on SQLite a write lock) for it.
        return
    with transaction.atomic():  # one commit, not one per chunk's writes
        chunk: list[Row] = [first]
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                _update_chunk(chunk)
                chunk = []
        _update_chunk(chunk)


def _update_chunk(activities: list[Row]) -> None:
    public = {
        pk: (activity_uuid, online)
        for pk, activity_uuid, status, online, _ in activities
        if status in PUBLIC_STATUSES
    }
    wanted: dict[uuid.UUID, tuple[int, int | None]] = {}
    links = Activity.places.through.objects.filter(activity_id__in=list(public)).values_list(
        "activity_id", "place_id", "place__uuid"
    )
    for activity_id, place_id, place_uuid in links:
        key_id = ids.service_at_location_id(public[activity_id][0], place_uuid)
        wanted[key_id] = (activity_id, place_id)
    for activity_id, (activity_uuid, online) in public.items():
        if online:
            key_id = ids.service_at_location_id(
                activity_uuid, ids.online_location_id(activity_uuid)
            )
            wanted[key_id] = (activity_id, None)
    keyed = set(
        ServiceAtLocationKey.objects.filter(
            activity_id__in=[pk for pk, *_ in activities]
        ).values_list("pk", flat=True)
    )
    missing = sorted(
        (key_id, activity_id, place_id)
        for key_id, (activity_id, place_id) in wanted.items()
        if key_id not in keyed
    )
    # A concurrent refresh may have keyed the same link: same id, so skip it.
    _insert(ServiceAtLocationKey, ["id", "activity", "place"], missing, "DO NOTHING")
    stale = [key_id for key_id in keyed if key_id not in wanted]
    if stale:
        ServiceAtLocationKey.objects.filter(pk__in=sorted(stale)).delete()
    seen = [(pk, updated_at) for pk, *_, updated_at in activities]
    _insert(
        ServiceAtLocationKeyedActivity,
        ["activity", "updated_at"],
        seen,
        "(activity_id) DO UPDATE SET updated_at = excluded.updated_at",
    )


def _insert(
    model: type[models.Model], names: list[str], rows: list[tuple[Any, ...]], on_conflict: str
) -> None:
    """``INSERT … ON CONFLICT`` (PostgreSQL and SQLite alike) through ``executemany``: the
    first lookup keys every link, and building 1,000 model instances and their SQL per chunk
    took most of its time."""
    if not rows:
        return
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names from the models' metadata and our constants; the values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT {on_conflict}"  # noqa: S608
    prepared = [
        [f.get_db_prep_value(value, connection) for f, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
