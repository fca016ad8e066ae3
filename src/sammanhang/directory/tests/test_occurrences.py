"""Materialised occurrences follow schedules, exceptions and closures (real database)."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    District,
    Municipality,
    Occurrence,
    Place,
    PlaceClosure,
    Schedule,
    Term,
)
from sammanhang.directory.schedules import ScheduleRuleError

TODAY = date(2026, 11, 23)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def place(make_organisation):
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="hbg")
    district = District.objects.create(municipality=municipality, code="soder", name="Söder")
    return Place.objects.create(
        slug="traffpunkt",
        name="Träffpunkten",
        owner=make_organisation(),
        municipality=municipality,
        district=district,
    )


@pytest.fixture
def activity(place):
    return Activity.objects.create(
        slug="kvallsfika",
        organisation=place.owner,
        title="Kvällsfika",
        summary="Fika och samtal",
        status=Activity.Status.PUBLISHED,
    )


def _add(activity, place, **kwargs):
    defaults = {
        "freq": "WEEKLY",
        "byday": "TU",
        "opens_at": time(17),
        "closes_at": time(19),
        "valid_from": TODAY - timedelta(days=60),
        "place_id": place.pk,
    }
    schedule = services.schedule_add(actor=None, activity=activity, **(defaults | kwargs))
    services.occurrences_rebuild(activity=activity, today=TODAY)
    return schedule


def _dates(activity, **filters):
    return list(
        Occurrence.objects.filter(activity=activity, **filters)
        .order_by("starts_at")
        .values_list("date", flat=True)
    )


def test_weekly_occurrences_cover_the_window_with_district_and_local_times(activity, place):
    _add(activity, place)
    dates = _dates(activity)
    assert dates[0] >= TODAY - timedelta(days=services.HISTORY_DAYS)
    assert dates[-1] <= TODAY + timedelta(days=services.HORIZON_DAYS)
    assert {d.isoweekday() for d in dates} == {2}
    assert len(dates) in (56, 57)
    occurrence = Occurrence.objects.filter(activity=activity).earliest("starts_at")
    assert occurrence.district == place.district
    assert (occurrence.local_start, occurrence.local_end, occurrence.weekday) == (
        time(17),
        time(19),
        2,
    )


def test_cancelled_date_stays_visible_as_cancelled_with_reason(activity, place):
    schedule = _add(activity, place)
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="cancelled", day=date(2026, 12, 22), reason="Jullov"
    )
    services.occurrences_rebuild(activity=activity, today=TODAY)
    occurrence = Occurrence.objects.get(activity=activity, date=date(2026, 12, 22))
    assert occurrence.cancelled
    assert occurrence.note == "Jullov"
    assert Occurrence.objects.filter(activity=activity, cancelled=True).count() == 1


def test_extra_date_adds_an_occurrence_with_its_own_times(activity, place):
    schedule = _add(activity, place)
    services.schedule_exception_add(
        actor=None,
        schedule=schedule,
        kind="extra",
        day=date(2026, 12, 27),
        reason="Extra mellandagsträff",
        opens_at=time(13),
        closes_at=time(16),
    )
    services.occurrences_rebuild(activity=activity, today=TODAY)
    extra = Occurrence.objects.get(activity=activity, date=date(2026, 12, 27))
    assert (extra.local_start, extra.local_end, extra.cancelled) == (time(13), time(16), False)
    assert extra.note == "Extra mellandagsträff"


def test_place_closure_cancels_the_sessions_held_there(activity, place):
    PlaceClosure.objects.create(
        place=place, date=date(2026, 12, 29), reason="Stängt i mellandagarna"
    )
    _add(activity, place)
    occurrence = Occurrence.objects.get(activity=activity, date=date(2026, 12, 29))
    assert occurrence.cancelled
    assert occurrence.note == "Stängt i mellandagarna"


def test_every_second_week_and_monthly_schedules(activity, place):
    _add(activity, place, byday="MO", interval=2, valid_from=date(2026, 11, 2))
    _add(activity, place, freq="MONTHLY", byday="1SA", opens_at=time(11), closes_at=time(14))
    mondays = _dates(activity, weekday=1, date__lt=date(2026, 12, 31), date__gte=TODAY)
    assert mondays == [date(2026, 11, 30), date(2026, 12, 14), date(2026, 12, 28)]
    saturdays = _dates(activity, weekday=6, date__gte=TODAY, date__lt=date(2027, 3, 1))
    assert saturdays == [date(2026, 12, 5), date(2027, 1, 2), date(2027, 2, 6)]


def test_occurrences_across_the_march_change_keep_local_time(activity, place):
    _add(activity, place, byday="SA,SU")
    before = Occurrence.objects.get(activity=activity, date=date(2027, 3, 27))
    after = Occurrence.objects.get(activity=activity, date=date(2027, 3, 28))
    assert before.local_start == after.local_start == time(17)
    assert (after.starts_at - before.starts_at) == timedelta(hours=23)


def test_rebuild_keeps_history_and_replaces_the_window(activity, place):
    schedule = _add(activity, place)
    old = Occurrence.objects.create(
        activity=activity,
        schedule=schedule,
        place=place,
        date=date(2025, 1, 7),
        weekday=2,
        local_start=time(17),
        local_end=time(19),
        starts_at="2025-01-07T16:00:00Z",
        ends_at="2025-01-07T18:00:00Z",
    )
    first = services.occurrences_rebuild(activity=activity, today=TODAY)
    second = services.occurrences_rebuild(activity=activity, today=TODAY)
    assert (
        first == second == Occurrence.objects.filter(date__gte=TODAY - timedelta(days=31)).count()
    )
    assert Occurrence.objects.filter(pk=old.pk).exists()


def test_unreadable_days_and_reversed_times_are_refused(activity, place):
    with pytest.raises(ScheduleRuleError):
        _add(activity, place, byday="tisdag")
    with pytest.raises(ValidationError):
        _add(activity, place, opens_at=time(19), closes_at=time(17))
    assert not Schedule.objects.exists()


def test_database_refuses_a_schedule_that_ends_before_it_starts(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        Schedule.objects.create(
            activity=activity,
            freq="WEEKLY",
            byday="MO",
            opens_at=time(19),
            closes_at=time(17),
            valid_from=TODAY,
        )


def test_taxonomies_are_loaded_with_stable_codes(db):
    assert Term.objects.filter(taxonomy="sammanhang-malgrupp", code="npf").exists()
    skates = Term.objects.get(taxonomy="sammanhang-utrustning", code="skridskor")
    assert skates.parent is not None
    assert skates.parent.code == "vinter"
    assert skates.co2_kg_per_loan == 4


def test_occurrences_across_the_october_change_keep_local_time(activity, place):
    # Sunday 31 October 2027, the last Sunday of October: clocks go back from 03:00 to 02:00.
    _add(activity, place, byday="SA,SU")
    before = Occurrence.objects.get(activity=activity, date=date(2027, 10, 30))
    after = Occurrence.objects.get(activity=activity, date=date(2027, 10, 31))
    assert before.local_start == after.local_start == time(17)
    assert (after.starts_at - before.starts_at) == timedelta(hours=25)
    assert before.starts_at.astimezone(UTC).hour == 15
    assert after.starts_at.astimezone(UTC).hour == 16


@pytest.mark.parametrize(
    ("first", "change", "offset_before", "offset_after"),
    [
        (date(2027, 3, 22), date(2027, 3, 28), 1, 2),  # last Sunday of March: CET → CEST
        (date(2027, 10, 25), date(2027, 10, 31), 2, 1),  # last Sunday of October: CEST → CET
    ],
)
def test_a_daily_group_in_a_daylight_saving_week_meets_at_the_same_local_time(
    activity, place, first, change, offset_before, offset_after
):
    _add(activity, place, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(9), closes_at=time(11))
    week = Occurrence.objects.filter(activity=activity, date__gte=first, date__lte=change).order_by(
        "date"
    )
    assert [o.date for o in week] == [first + timedelta(days=n) for n in range(7)]
    for occurrence in week:
        local = occurrence.starts_at.astimezone(STOCKHOLM)
        assert (local.date(), local.time()) == (occurrence.date, time(9))
        assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=2)
        offset = offset_after if occurrence.date == change else offset_before
        assert occurrence.starts_at.astimezone(UTC).hour == 9 - offset, occurrence.date


def test_a_fortnightly_group_keeps_its_rhythm_over_the_new_year(activity, place):
    _add(activity, place, byday="TH", interval=2, valid_from=date(2026, 11, 26))
    dates = _dates(activity, date__gte=date(2026, 12, 1), date__lt=date(2027, 2, 1))
    assert dates == [
        date(2026, 12, 10),
        date(2026, 12, 24),
        date(2027, 1, 7),
        date(2027, 1, 21),
    ]


def test_a_monthly_group_with_a_cancelled_and_an_extra_date(activity, place):
    schedule = _add(
        activity, place, freq="MONTHLY", byday="-1FR", opens_at=time(18), closes_at=time(21)
    )
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="cancelled", day=date(2026, 12, 25), reason="Juldagen"
    )
    services.schedule_exception_add(
        actor=None,
        schedule=schedule,
        kind="extra",
        day=date(2026, 12, 18),
        reason="Flyttad från juldagen",
    )
    services.occurrences_rebuild(activity=activity, today=TODAY)
    sessions = list(
        Occurrence.objects.filter(
            activity=activity, date__gte=TODAY, date__lt=date(2027, 2, 1)
        ).values_list("date", "local_start", "cancelled", "note")
    )
    assert sessions == [
        (date(2026, 11, 27), time(18), False, ""),
        (date(2026, 12, 18), time(18), False, "Flyttad från juldagen"),
        (date(2026, 12, 25), time(18), True, "Juldagen"),
        (date(2027, 1, 29), time(18), False, ""),
    ]
