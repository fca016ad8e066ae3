"""Provider services: updates keep occurrences, the search index and the audit log in step."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sammanhang.core.models import AuditEvent
from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    ActivitySearch,
    Occurrence,
    OpeningHours,
    PlaceClosure,
    Schedule,
)
from sammanhang.directory.schedules import ScheduleRuleError
from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder


def found(text: str) -> set[str]:
    return {a.slug for a in activity_list_for_finder(FinderCriteria(text=text))}


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_edited_title_is_found_and_old_title_is_not(directory):
    activity = directory["activities"]["kvallsfika"]
    assert found("kvällsfika") == {"kvallsfika"}
    changed = services.activity_update(actor=None, activity=activity, title="Brädspelskväll")
    assert changed == ["title"]
    assert found("brädspel") == {"kvallsfika"}
    assert found("kvällsfika") == set()
    assert events("activity.updated") == 1


def test_edited_categories_and_places_are_searchable(directory):
    activity = directory["activities"]["kvallsfika"]
    services.activity_update(
        actor=None,
        activity=activity,
        categories=["friluftsliv"],
        places=[directory["places"]["centrum"]],
    )
    row = ActivitySearch.objects.get(activity=activity)
    assert "Friluftsliv" in row.topic
    assert "Centrumgården" in row.context
    assert "Söderhuset" not in row.context


def test_update_without_change_records_nothing(directory):
    activity = directory["activities"]["kvallsfika"]
    assert services.activity_update(actor=None, activity=activity, title=activity.title) == []
    assert events("activity.updated") == 0


def test_update_refuses_unknown_category_and_writes_nothing(directory):
    activity = directory["activities"]["kvallsfika"]
    with pytest.raises(services.DirectoryError, match="Okänd kategori finns-inte"):
        services.activity_update(
            actor=None, activity=activity, title="Nytt namn", categories=["finns-inte"]
        )
    assert Activity.objects.get(pk=activity.pk).title == "Kvällsfika"


def test_update_refuses_paid_activity_without_price(directory):
    activity = directory["activities"]["kvallsfika"]
    with pytest.raises(ValidationError):
        services.activity_update(actor=None, activity=activity, is_free=False, price="")
    assert Activity.objects.get(pk=activity.pk).is_free is True


def test_publish_makes_a_draft_findable_and_unpublish_hides_it(directory):
    draft = directory["activities"]["utkast"]
    assert found("utkastgruppen") == set()
    services.activity_set_status(actor=None, activity=draft, status="published")
    assert found("utkastgruppen") == {"utkast"}
    services.activity_set_status(actor=None, activity=draft, status="draft")
    assert found("utkastgruppen") == set()


def test_cancel_and_end_remove_the_activity_from_the_finder(directory):
    activity = directory["activities"]["kvallsfika"]
    services.activity_set_status(actor=None, activity=activity, status="cancelled")
    assert found("kvällsfika") == set()
    assert ActivitySearch.objects.filter(activity=activity).exists()
    services.activity_set_status(actor=None, activity=activity, status="ended")
    assert found("kvällsfika") == set()
    assert events("activity.status_changed") == 2


def test_deleting_a_draft_removes_its_search_row_and_occurrences(directory):
    draft = directory["activities"]["utkast"]
    pk = draft.pk
    services.activity_delete(actor=None, activity=draft)
    assert not ActivitySearch.objects.filter(activity_id=pk).exists()
    assert not Occurrence.objects.filter(activity_id=pk).exists()
    assert events("activity.deleted") == 1


def test_a_published_activity_cannot_be_deleted(directory):
    activity = directory["activities"]["kvallsfika"]
    with pytest.raises(services.DirectoryError, match="Bara ett utkast kan tas bort"):
        services.activity_delete(actor=None, activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_schedule_update_rebuilds_occurrences(directory):
    activity = directory["activities"]["kvallsfika"]
    schedule = activity.schedules.get()
    assert set(Occurrence.objects.filter(activity=activity).values_list("weekday", flat=True)) == {
        2
    }
    services.schedule_update(
        actor=None,
        schedule=schedule,
        freq="WEEKLY",
        byday="FR",
        opens_at=time(18),
        closes_at=time(20),
        valid_from=schedule.valid_from,
        place_id=schedule.place_id,
    )
    occurrences = Occurrence.objects.filter(activity=activity)
    assert set(occurrences.values_list("weekday", flat=True)) == {5}
    assert set(occurrences.values_list("local_start", flat=True)) == {time(18)}
    event = AuditEvent.objects.get(action="schedule.changed")
    assert event.changed_fields == ["byday", "closes_at", "opens_at"]


def test_schedule_update_refuses_bad_rule_and_keeps_the_old_one(directory):
    schedule = directory["activities"]["kvallsfika"].schedules.get()
    with pytest.raises(ScheduleRuleError):
        services.schedule_update(
            actor=None,
            schedule=schedule,
            freq="MONTHLY",
            byday="SA",
            opens_at=time(18),
            closes_at=time(20),
            valid_from=schedule.valid_from,
        )
    assert Schedule.objects.get(pk=schedule.pk).byday == "TU"


def test_schedule_delete_removes_its_upcoming_occurrences(directory):
    activity = directory["activities"]["kvallsfika"]
    services.schedule_delete(actor=None, schedule=activity.schedules.get())
    assert not Occurrence.objects.filter(activity=activity).exists()
    assert events("schedule.deleted") == 1


def test_cancelled_date_can_be_restored(directory):
    activity = directory["activities"]["kvallsfika"]
    occurrence = Occurrence.objects.filter(activity=activity, starts_at__gt=timezone.now())[0]
    exception = services.schedule_exception_add(
        actor=None,
        schedule=occurrence.schedule,
        kind="cancelled",
        day=occurrence.date,
        reason="Ledaren är sjuk",
    )
    assert Occurrence.objects.get(activity=activity, date=occurrence.date).cancelled
    services.schedule_exception_remove(actor=None, exception=exception)
    restored = Occurrence.objects.get(activity=activity, date=occurrence.date)
    assert not restored.cancelled
    assert restored.note == ""


def test_place_rename_is_searchable_and_district_change_moves_occurrences(directory):
    place = directory["places"]["soder"]
    centrum = directory["places"]["centrum"].district
    changed = services.place_update(actor=None, place=place, name="Ljusgården", district=centrum)
    assert sorted(changed) == ["district", "name"]
    assert found("ljusgården") == {"kvallsfika", "helgpromenad"}
    activity = directory["activities"]["kvallsfika"]
    assert set(Occurrence.objects.filter(activity=activity).values_list("district", flat=True)) == {
        centrum.pk
    }


def test_place_update_refuses_district_of_another_municipality(directory):
    from sammanhang.directory.models import District, Municipality

    other = Municipality.objects.create(code="1280", name="Malmö", slug="malmo")
    district = District.objects.create(municipality=other, code="rosengard", name="Rosengård")
    place = directory["places"]["soder"]
    with pytest.raises(
        services.DirectoryError, match="Rosengård är inte en stadsdel i Helsingborg"
    ):
        services.place_update(actor=None, place=place, district=district)


def test_place_features_are_replaced(directory):
    place = directory["places"]["soder"]
    services.place_update(actor=None, place=place, features={"rullstol": "yes", "hiss": "no"})
    assert dict(place.features.values_list("term__code", "value")) == {
        "rullstol": "yes",
        "hiss": "no",
    }
    services.place_update(actor=None, place=place, features={"rullstol": "no"})
    assert dict(place.features.values_list("term__code", "value")) == {"rullstol": "no"}


def test_closure_cancels_sessions_at_the_place_and_removal_restores_them(directory):
    place = directory["places"]["soder"]
    activity = directory["activities"]["kvallsfika"]
    upcoming = Occurrence.objects.filter(activity=activity, starts_at__gt=timezone.now())[0]
    closure = services.place_closure_add(
        actor=None, place=place, day=upcoming.date, reason="Vattenläcka"
    )
    cancelled = Occurrence.objects.get(activity=activity, date=upcoming.date)
    assert cancelled.cancelled
    assert cancelled.note == "Vattenläcka"
    services.place_closure_remove(actor=None, closure=closure)
    assert not Occurrence.objects.get(activity=activity, date=upcoming.date).cancelled
    assert not PlaceClosure.objects.exists()
    assert events("place.closure_added") == events("place.closure_removed") == 1


def test_closure_needs_a_reason(directory):
    with pytest.raises(services.DirectoryError, match="Skriv varför platsen är stängd"):
        services.place_closure_add(
            actor=None, place=directory["places"]["soder"], day=date(2030, 1, 1), reason="  "
        )


def test_opening_hours_with_validity(directory):
    place = directory["places"]["soder"]
    hours = services.place_opening_hours_add(
        actor=None,
        place=place,
        weekday=1,
        opens_at=time(10),
        closes_at=time(15),
        valid_from=date(2030, 6, 1),
        valid_to=date(2030, 8, 31),
    )
    assert OpeningHours.objects.get(pk=hours.pk).valid_to == date(2030, 8, 31)
    with pytest.raises(ValidationError):
        services.place_opening_hours_add(
            actor=None, place=place, weekday=1, opens_at=time(15), closes_at=time(10)
        )
    services.place_opening_hours_remove(actor=None, hours=hours)
    assert not OpeningHours.objects.filter(place=place).exists()


def test_schedule_change_counts_as_an_update(directory):
    activity = directory["activities"]["kvallsfika"]
    old = timezone.now() - timedelta(days=400)
    Activity.objects.filter(pk=activity.pk).update(updated_at=old)
    schedule = activity.schedules.get()
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="extra", day=date(2030, 1, 2), reason=""
    )
    services.schedule_delete(actor=None, schedule=schedule)
    assert Activity.objects.get(pk=activity.pk).updated_at > old


def test_slug_unique_appends_a_number(directory):
    assert services.slug_unique(Activity, "Kvällsfika") == "kvallsfika-2"
    assert services.slug_unique(Activity, "Något nytt") == "nagot-nytt"
