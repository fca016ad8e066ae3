"""Schedules and opening hours keep the HSDS ids they were published under before the ids were
stored (migration ``directory/0010_schedule_uuid``), and publish the stored id since."""

from __future__ import annotations

import importlib
import uuid
from datetime import time

import pytest
from django.apps import apps

from sammanhang.directory import services
from sammanhang.directory.models import OpeningHours, Schedule
from sammanhang.interop.hsds import ids, serialize

pytestmark = pytest.mark.django_db

migration = importlib.import_module("sammanhang.directory.migrations.0010_schedule_uuid")


def test_the_migration_fills_exactly_the_ids_published_before(directory):
    place = directory["places"]["soder"]
    services.place_opening_hours_add(
        actor=None, place=place, weekday=2, opens_at=time(9), closes_at=time(12)
    )
    assert Schedule.objects.count() > 3
    # As the AddField left them: ids unrelated to what was published.
    for schedule in Schedule.objects.all():
        schedule.uuid = uuid.uuid4()
        schedule.save(update_fields=["uuid"])
    OpeningHours.objects.update(uuid=uuid.uuid4())  # the one row

    migration.fill(apps, None)

    for schedule in Schedule.objects.select_related("activity"):
        assert schedule.uuid == ids.part_id(schedule.activity.uuid, "schedule", schedule.pk)
    hours = OpeningHours.objects.select_related("place").get()
    assert hours.uuid == ids.part_id(place.uuid, "schedule", hours.pk)
    # And that is what HSDS publishes.
    assert serialize.opening_schedule(place, hours)["id"] == str(hours.uuid)
    activity = directory["activities"]["kvallsfika"]
    rule = activity.schedules.get()
    assert serialize.schedule(activity, rule)["id"] == str(
        ids.part_id(activity.uuid, "schedule", rule.pk)
    )


def test_a_new_schedule_gets_an_id_of_its_own(directory):
    activity = directory["activities"]["kvallsfika"]
    added = services.schedule_add(
        actor=None,
        activity=activity,
        freq="WEEKLY",
        byday="MO",
        opens_at=time(9),
        closes_at=time(10),
        valid_from=activity.schedules.first().valid_from,
    )

    assert added.uuid.version == 4
    assert Schedule.objects.filter(uuid=added.uuid).count() == 1
