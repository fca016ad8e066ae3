"""Replacing an activity's schedules or a place's opening hours as a whole (used by imports),
and keeping a given UUID on create."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sammanhang.core.models import AuditEvent
from sammanhang.directory import services
from sammanhang.directory.models import Activity, OpeningHours, Place, Schedule
from sammanhang.directory.services import HoursSpec, ScheduleSpec


def _specs(activity) -> set[ScheduleSpec]:
    return {services.schedule_spec(s) for s in activity.schedules.all()}


def test_schedules_set_keeps_wanted_rows_replaces_the_rest_and_rebuilds(directory, settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-03-02T12:00"
    activity = directory["activities"]["kvallsfika"]
    place = directory["places"]["soder"]
    kept = activity.schedules.get()
    added_before = AuditEvent.objects.filter(action="schedule.added").count()
    wanted = [
        services.schedule_spec(kept),
        ScheduleSpec("WEEKLY", time(10), time(11), date(2026, 3, 1), None, "sa", 1, place.pk),
    ]

    changed = services.activity_schedules_set(actor=None, activity=activity, schedules=wanted)

    assert changed is True
    assert activity.schedules.filter(pk=kept.pk).exists()
    assert _specs(activity) == {wanted[0], wanted[1]._replace(byday="SA")}
    saturday = activity.occurrences.get(date=date(2026, 3, 7))
    assert (saturday.local_start, saturday.place) == (time(10), place)
    assert AuditEvent.objects.filter(action="schedule.added").count() == added_before + 1


def test_schedules_set_with_the_same_schedules_changes_nothing(directory):
    activity = directory["activities"]["kvallsfika"]
    before = list(activity.occurrences.values_list("pk", flat=True))
    same = [services.schedule_spec(s) for s in activity.schedules.all()]

    assert services.activity_schedules_set(actor=None, activity=activity, schedules=same) is False
    assert list(activity.occurrences.values_list("pk", flat=True)) == before


def test_schedules_set_refuses_a_bad_schedule_and_keeps_the_old_ones(directory):
    activity = directory["activities"]["kvallsfika"]
    before = _specs(activity)
    bad = ScheduleSpec("WEEKLY", time(12), time(11), date(2026, 3, 1), None, "MO")

    with pytest.raises(ValidationError):
        services.activity_schedules_set(actor=None, activity=activity, schedules=[bad])

    assert _specs(activity) == before
    assert Schedule.objects.filter(activity=activity).count() == 1


def test_opening_hours_set_replaces_only_what_differs(directory):
    place = directory["places"]["soder"]
    monday = HoursSpec(1, time(9), time(17))
    summer = HoursSpec(6, time(10), time(14), date(2026, 6, 1), date(2026, 8, 31))
    services.place_opening_hours_set(actor=None, place=place, hours=[monday])
    kept = OpeningHours.objects.get(place=place)

    assert services.place_opening_hours_set(actor=None, place=place, hours=[monday, summer])
    assert not services.place_opening_hours_set(actor=None, place=place, hours=[monday, summer])

    rows = OpeningHours.objects.filter(place=place).order_by("weekday")
    assert [(r.pk == kept.pk, r.weekday, r.valid_to) for r in rows] == [
        (True, 1, None),
        (False, 6, date(2026, 8, 31)),
    ]
    assert AuditEvent.objects.filter(action="place.opening_hours_changed").count() == 2


def test_create_keeps_a_given_uuid(directory):
    given = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
    place_uuid = uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    place = services.place_create(
        actor=None,
        owner=directory["organisation"],
        municipality=directory["places"]["soder"].municipality,
        slug="civic",
        name="Civic",
        uuid=place_uuid,
    )
    activity = services.activity_create(
        actor=None,
        organisation=directory["organisation"],
        slug="counselling",
        title="Counselling",
        summary="Samtal",
        uuid=given,
    )

    assert (activity.uuid, place.uuid) == (given, place_uuid)
    with pytest.raises(ValidationError):
        services.activity_create(
            actor=None,
            organisation=directory["organisation"],
            slug="counselling-2",
            title="Counselling",
            summary="Samtal",
            uuid=given,
        )


def test_replacing_moves_updated_at_for_sync_and_a_no_op_does_not(directory):
    long_ago = timezone.now() - timedelta(days=30)
    activity = directory["activities"]["kvallsfika"]
    place = directory["places"]["soder"]
    same = [services.schedule_spec(s) for s in activity.schedules.all()]

    def age() -> None:
        Activity.objects.filter(pk=activity.pk).update(updated_at=long_ago)
        Place.objects.filter(pk=place.pk).update(updated_at=long_ago)

    def moved() -> tuple[bool, bool]:
        return (
            Activity.objects.get(pk=activity.pk).updated_at > long_ago,
            Place.objects.get(pk=place.pk).updated_at > long_ago,
        )

    age()
    services.activity_schedules_set(actor=None, activity=activity, schedules=same)
    services.place_opening_hours_set(actor=None, place=place, hours=[])
    assert moved() == (False, False)

    services.activity_schedules_set(actor=None, activity=activity, schedules=[])
    assert moved() == (True, False)

    age()
    services.place_opening_hours_set(
        actor=None, place=place, hours=[HoursSpec(2, time(9), time(12))]
    )
    # The activities held there move too: HSDS nests the place's hours in each service.
    assert moved() == (True, True)


# --- ids: a wanted schedule or opening-hours row with a uuid is the row with that id ---------


def test_schedules_set_keeps_a_schedule_by_its_id_and_gives_a_new_one_the_wanted_id(directory):
    activity = directory["activities"]["kvallsfika"]
    kept = activity.schedules.get()
    other_id, new_id = uuid.uuid4(), uuid.uuid4()
    same_rule = services.schedule_spec(kept)._replace(uuid=other_id)
    added = ScheduleSpec("ONCE", time(10), time(11), date(2026, 3, 21), uuid=new_id)

    # The same rule under another id: the row stays (with its dates) and takes the id.
    assert services.activity_schedules_set(
        actor=None, activity=activity, schedules=[same_rule, added]
    )
    assert activity.schedules.get(pk=kept.pk).uuid == other_id
    assert activity.schedules.get(freq="ONCE").uuid == new_id
    # Again: nothing to do, the ids and rows are kept.
    rows = sorted(activity.schedules.values_list("pk", "uuid"))
    assert not services.activity_schedules_set(
        actor=None, activity=activity, schedules=[same_rule, added]
    )
    assert sorted(activity.schedules.values_list("pk", "uuid")) == rows

    # The id with another rule: the schedule with that id now has that rule.
    moved = added._replace(opens_at=time(12), closes_at=time(13))
    assert services.activity_schedules_set(
        actor=None, activity=activity, schedules=[same_rule, moved]
    )
    once = activity.schedules.get(freq="ONCE")
    assert (once.uuid, once.opens_at) == (new_id, time(12))
    assert activity.schedules.count() == 2


def test_schedules_set_refuses_an_id_another_activitys_schedule_has(directory):
    activity = directory["activities"]["kvallsfika"]
    taken = directory["activities"]["dagcafe"].schedules.first()
    before = sorted(activity.schedules.values_list("pk", "uuid"))
    stolen = ScheduleSpec("ONCE", time(10), time(11), date(2026, 3, 21), uuid=taken.uuid)

    with pytest.raises(ValidationError):
        services.activity_schedules_set(actor=None, activity=activity, schedules=[stolen])

    assert sorted(activity.schedules.values_list("pk", "uuid")) == before
    assert Schedule.objects.get(uuid=taken.uuid).activity == directory["activities"]["dagcafe"]


def test_opening_hours_set_keeps_ids(directory):
    place = directory["places"]["soder"]
    monday = HoursSpec(1, time(9), time(17), uuid=uuid.uuid4())
    services.place_opening_hours_set(actor=None, place=place, hours=[monday])
    row = OpeningHours.objects.get(place=place)
    assert row.uuid == monday.uuid

    assert not services.place_opening_hours_set(actor=None, place=place, hours=[monday])
    renamed = monday._replace(uuid=uuid.uuid4())
    assert services.place_opening_hours_set(actor=None, place=place, hours=[renamed])
    assert list(OpeningHours.objects.filter(place=place).values_list("pk", "uuid")) == [
        (row.pk, renamed.uuid)
    ]
    # Without an id, a row with the same values is the one (its id stays).
    assert not services.place_opening_hours_set(
        actor=None, place=place, hours=[monday._replace(uuid=None)]
    )
