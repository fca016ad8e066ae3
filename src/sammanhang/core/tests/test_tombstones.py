"""Tombstones: written only inside the deleting transaction, purged after the retention period
by the periodic job."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from sammanhang.core import periodic
from sammanhang.core.models import Tombstone
from sammanhang.core.services import (
    TOMBSTONE_RETENTION_DAYS,
    periodic_run_due,
    tombstone_record,
    tombstones_purge,
)


@pytest.mark.django_db(transaction=True)
def test_tombstone_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        tombstone_record(kind="activity", record_uuid=uuid.uuid4())
    assert not Tombstone.objects.exists()


def test_unknown_kind_is_refused(db):
    with pytest.raises(ValueError, match="event"), transaction.atomic():
        tombstone_record(kind="event", record_uuid=uuid.uuid4())


def test_purge_keeps_tombstones_for_the_retention_period(db):
    now = timezone.now()
    with transaction.atomic():
        kept = tombstone_record(kind="place", record_uuid=uuid.uuid4())
        old = tombstone_record(kind="activity", record_uuid=uuid.uuid4())
    edge = now - timedelta(days=TOMBSTONE_RETENTION_DAYS)
    Tombstone.objects.filter(pk=kept.pk).update(deleted_at=edge + timedelta(minutes=1))
    Tombstone.objects.filter(pk=old.pk).update(deleted_at=edge - timedelta(minutes=1))
    assert TOMBSTONE_RETENTION_DAYS == 400
    assert tombstones_purge(now=now) == 1
    assert list(Tombstone.objects.values_list("pk", flat=True)) == [kept.pk]
    assert tombstones_purge(now=now) == 0


def test_the_daily_job_purges_them(db):
    assert "purge_tombstones" in {job.name for job in periodic.registered_jobs()}
    with transaction.atomic():
        old = tombstone_record(kind="organisation", record_uuid=uuid.uuid4())
    Tombstone.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - timedelta(days=TOMBSTONE_RETENTION_DAYS + 1)
    )
    report = periodic_run_due(only=["purge_tombstones"])
    assert report == {"purge_tombstones": "1 tombstones older than the retention period deleted"}
    assert not Tombstone.objects.exists()
