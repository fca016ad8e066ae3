"""iCalendar feeds over HTTP, read back with ``icalendar`` and ``recurring-ical-events``.

The rule tested throughout: a feed expanded by the two libraries gives exactly the sessions
the site has materialised (same start and end instants, cancelled ones marked), across the
daylight-saving changes of Europe/Stockholm and with every kind of exception.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]  # no stubs published
from django.urls import reverse

from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    District,
    Municipality,
    Occurrence,
    Place,
    Schedule,
)
from sammanhang.interop.hsds.ids import part_id
from sammanhang.interop.selectors import FeedWindow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Summer time starts on 29 March 2026 and ends on 25 October 2026; the window of this day
# (a month back, a year ahead) holds both changes.
TODAY = date(2026, 3, 10)
WINDOW = FeedWindow.for_today(TODAY)


@pytest.fixture(autouse=True)
def _fixed_clock(settings):
    settings.SAMMANHANG_FIXED_NOW = f"{TODAY.isoformat()}T12:00"


@pytest.fixture
def place(make_organisation):
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="hbg")
    district = District.objects.create(municipality=municipality, code="soder", name="Söder")
    return Place.objects.create(
        slug="traffpunkten",
        name="Träffpunkten",
        owner=make_organisation("Träffpunktsföreningen"),
        municipality=municipality,
        district=district,
        street_address="Storgatan 1",
        postal_code="252 20",
        city="Helsingborg",
        latitude=56.0465,
        longitude=12.6945,
    )


def _activity(place, slug="kvallsfika", *, status=Activity.Status.PUBLISHED, **fields):
    activity = Activity.objects.create(
        slug=slug,
        organisation=fields.pop("organisation", place.owner),
        title=fields.pop("title", "Kvällsfika"),
        summary=fields.pop("summary", "Fika och samtal"),
        status=status,
        **fields,
    )
    activity.places.add(place)
    return activity


def _schedule(activity, place, **kwargs):
    values = {
        "freq": "WEEKLY",
        "byday": "TU",
        "opens_at": time(17),
        "closes_at": time(19),
        "valid_from": date(2026, 1, 6),
        "place_id": place.pk,
    }
    values.update(kwargs)
    return services.schedule_add(actor=None, activity=activity, **values)


@pytest.fixture
def busy(place):
    """An activity with every kind of rule and exception, across both DST changes."""
    activity = _activity(place, description="Vi träffas i caféet.")
    weekly = _schedule(activity, place)
    # Cancelled on the first Tuesday of summer time.
    services.schedule_exception_add(
        actor=None, schedule=weekly, kind="cancelled", day=date(2026, 3, 31), reason="Påsklov"
    )
    # Moved: the regular Tuesday later in the evening.
    services.schedule_exception_add(
        actor=None,
        schedule=weekly,
        kind="extra",
        day=date(2026, 4, 7),
        opens_at=time(18, 30),
        closes_at=time(21),
        reason="Senare i kväll",
    )
    # Extra dates: a Thursday at the regular time, and the day summer time ends at other times.
    services.schedule_exception_add(actor=None, schedule=weekly, kind="extra", day=date(2026, 4, 9))
    services.schedule_exception_add(
        actor=None,
        schedule=weekly,
        kind="extra",
        day=date(2026, 10, 25),
        opens_at=time(10),
        closes_at=time(12),
        reason="Extra söndagsfika",
    )
    # An extra date that is then cancelled.
    services.schedule_exception_add(
        actor=None, schedule=weekly, kind="extra", day=date(2026, 11, 5)
    )
    services.schedule_exception_add(
        actor=None, schedule=weekly, kind="cancelled", day=date(2026, 11, 5), reason="Sjukdom"
    )
    # The place is closed on a regular Tuesday.
    services.place_closure_add(actor=None, place=place, day=date(2026, 12, 22), reason="Jul")
    # Every other week on Monday, Thursday and Sunday (weeks start on Monday, so the Sunday
    # ends the week), from a Wednesday, until the autumn change.
    _schedule(
        activity,
        place,
        byday="MO,TH,SU",
        interval=2,
        opens_at=time(9, 30),
        closes_at=time(11),
        valid_from=date(2026, 2, 11),
        valid_to=date(2026, 10, 26),
    )
    # The last Saturday of every month (March's is the day before summer time starts,
    # October's the day before it ends).
    _schedule(
        activity,
        place,
        freq="MONTHLY",
        byday="-1SA",
        interval=1,
        opens_at=time(12),
        closes_at=time(15),
        valid_from=date(2026, 1, 1),
    )
    # One-off dates: one in the window with an extra date beside it, one long past with an
    # extra date in the window (no regular date in the window at all).
    once = _schedule(
        activity,
        place,
        freq="ONCE",
        byday="",
        opens_at=time(19),
        closes_at=time(22),
        valid_from=date(2026, 3, 28),
    )
    services.schedule_exception_add(
        actor=None, schedule=once, kind="extra", day=date(2026, 3, 29), opens_at=time(1)
    )
    past = _schedule(
        activity,
        place,
        freq="ONCE",
        byday="",
        opens_at=time(13),
        closes_at=time(14),
        valid_from=date(2025, 6, 1),
    )
    services.schedule_exception_add(
        actor=None, schedule=past, kind="extra", day=date(2026, 6, 6), reason="Nationaldagen"
    )
    services.schedule_exception_add(
        actor=None, schedule=past, kind="extra", day=date(2026, 6, 19), reason="Midsommar"
    )
    services.schedule_exception_add(
        actor=None, schedule=past, kind="cancelled", day=date(2026, 6, 19), reason="Regn"
    )
    activity.refresh_from_db()
    return activity


def _get_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, icalendar.Calendar.from_ical(response.content)


def _expanded(calendar) -> list[tuple[str, datetime, datetime, bool]]:
    """What a calendar app shows: every instance in the window, as absolute instants."""
    first = datetime.combine(WINDOW.first, time(), tzinfo=STOCKHOLM)
    last = datetime.combine(WINDOW.last + timedelta(days=1), time(), tzinfo=STOCKHOLM)
    instances = recurring_ical_events.of(calendar).between(first, last)
    return sorted(
        (
            str(event["URL"]),
            event["DTSTART"].dt.astimezone(UTC),
            event["DTEND"].dt.astimezone(UTC),
            event.get("STATUS") == "CANCELLED",
        )
        for event in instances
    )


def _shown(occurrences, *, all_cancelled=False) -> list[tuple[str, datetime, datetime, bool]]:
    """What the site shows: the materialised sessions in the window."""
    rows = occurrences.filter(date__gte=WINDOW.first, date__lte=WINDOW.last).select_related(
        "activity"
    )
    return sorted(
        (
            "http://testserver" + reverse("directory:activity", args=[row.activity.slug]),
            row.starts_at.astimezone(UTC),
            row.ends_at.astimezone(UTC),
            row.cancelled or all_cancelled,
        )
        for row in rows
    )


def test_activity_feed_gives_exactly_the_sessions_the_site_shows(client, busy):
    _response, calendar = _get_calendar(client, f"/aktiviteter/{busy.slug}/kalender.ics")

    shown = _shown(Occurrence.objects.filter(activity=busy))
    assert _expanded(calendar) == shown
    # The fixture is not trivial: the comparison covers both changes and every exception.
    assert len(shown) > 80
    assert sum(cancelled for *_rest, cancelled in shown) == 4


def test_dates_not_materialised_yet_are_left_out_as_the_site_leaves_them(client, place):
    activity = _activity(place)
    _schedule(activity, place, byday="MO,TH")
    # Last rebuilt three weeks ago (the daily job has not run since): the rows end three
    # weeks before today's horizon, so the rule's last dates have no session on the site.
    services.occurrences_rebuild(activity=activity, today=TODAY - timedelta(days=21))

    _response, calendar = _get_calendar(client, "/aktiviteter/kvallsfika/kalender.ics")

    shown = _shown(Occurrence.objects.filter(activity=activity))
    assert _expanded(calendar) == shown
    master = calendar.walk("VEVENT")[0]
    excluded = {when.dt.date() for exdate in _as_list(master["EXDATE"]) for when in exdate.dts}
    assert min(excluded) > TODAY + timedelta(days=366 - 22)
    assert len(excluded) == 6


def test_every_session_the_activity_and_place_pages_list_is_in_their_feeds(client, busy, place):
    for page, feed in [
        (f"/aktiviteter/{busy.slug}/", f"/aktiviteter/{busy.slug}/kalender.ics"),
        (f"/platser/{place.slug}/", f"/platser/{place.slug}/kalender.ics"),
    ]:
        listed = client.get(page).context["occurrences"]
        _response, calendar = _get_calendar(client, feed)
        expanded = _expanded(calendar)

        assert len(listed) >= 10, page
        for row in listed:
            seen = (
                f"http://testserver/aktiviteter/{busy.slug}/",
                row.starts_at.astimezone(UTC),
                row.ends_at.astimezone(UTC),
                row.cancelled,
            )
            assert seen in expanded, (page, row)


def test_sessions_keep_local_time_across_both_daylight_saving_changes(client, busy):
    _response, calendar = _get_calendar(client, f"/aktiviteter/{busy.slug}/kalender.ics")
    starts = {start for _url, start, _end, _cancelled in _expanded(calendar)}

    # Tuesdays at 17:00 local: 16:00 UTC in winter, 15:00 UTC in summer, 16:00 again after.
    assert datetime(2026, 3, 24, 16, tzinfo=UTC) in starts
    assert datetime(2026, 4, 14, 15, tzinfo=UTC) in starts
    assert datetime(2026, 10, 20, 15, tzinfo=UTC) in starts
    assert datetime(2026, 10, 27, 16, tzinfo=UTC) in starts
    assert datetime(2027, 3, 9, 16, tzinfo=UTC) in starts
    # The window's end is the feed's: nothing after it, as nothing is materialised there.
    assert max(starts) < datetime(2027, 3, 12, tzinfo=UTC)


def test_exceptions_are_expressed_as_rfc_5545_says(client, busy):
    _response, calendar = _get_calendar(client, f"/aktiviteter/{busy.slug}/kalender.ics")
    weekly = busy.schedules.get(byday="TU")
    uid = f"{weekly.uuid}@sammanhang"
    series = [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]
    master = next(event for event in series if "RRULE" in event)
    overrides = {event["RECURRENCE-ID"].dt: event for event in series if "RECURRENCE-ID" in event}

    assert master["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert master["DTSTART"].dt == datetime(2026, 2, 10, 17, tzinfo=STOCKHOLM)
    rule = master["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"], rule["WKST"]) == (["WEEKLY"], ["TU"], ["MO"])
    assert "UNTIL" in rule
    rdates = {when.dt for rdate in _as_list(master["RDATE"]) for when in rdate.dts}
    assert rdates == {
        datetime(2026, 4, 9, 17, tzinfo=STOCKHOLM),
        datetime(2026, 10, 25, 10, tzinfo=STOCKHOLM),
        datetime(2026, 11, 5, 17, tzinfo=STOCKHOLM),
    }
    cancelled = overrides[datetime(2026, 3, 31, 17, tzinfo=STOCKHOLM)]
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Inställt: Kvällsfika"
    assert str(cancelled["DESCRIPTION"]).startswith("Påsklov")
    moved = overrides[datetime(2026, 4, 7, 17, tzinfo=STOCKHOLM)]
    assert moved["DTSTART"].dt == datetime(2026, 4, 7, 18, 30, tzinfo=STOCKHOLM)
    assert moved["DTEND"].dt == datetime(2026, 4, 7, 21, tzinfo=STOCKHOLM)
    assert moved["STATUS"] == "CONFIRMED"
    assert overrides[datetime(2026, 12, 22, 17, tzinfo=STOCKHOLM)]["STATUS"] == "CANCELLED"
    assert overrides[datetime(2026, 11, 5, 17, tzinfo=STOCKHOLM)]["STATUS"] == "CANCELLED"
    # The extra Thursday at the regular time needs no override: the RDATE is enough.
    assert datetime(2026, 4, 9, 17, tzinfo=STOCKHOLM) not in overrides


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_feed_has_the_time_zone_and_the_calendar_properties(client, busy):
    response, calendar = _get_calendar(client, f"/aktiviteter/{busy.slug}/kalender.ics")

    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Stockholm"]
    assert str(calendar["X-WR-CALNAME"]) == "Kvällsfika"
    assert str(calendar["VERSION"]) == "2.0"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in response.content
    assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in response.content
    event = next(event for event in calendar.walk("VEVENT") if "RRULE" in event)
    assert str(event["LOCATION"]) == "Träffpunkten, Storgatan 1, 252 20 Helsingborg"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (56.0465, 12.6945)
    assert str(event["URL"]) == "http://testserver/aktiviteter/kvallsfika/"
    assert str(event["DESCRIPTION"]) == (
        "Fika och samtal\n\nVi träffas i caféet.\n\nTräffpunktsföreningen"
    )
    # The activity's last change, to the second iCalendar keeps.
    assert event["LAST-MODIFIED"].dt == busy.updated_at.replace(microsecond=0)
    assert event["DTSTAMP"].dt == busy.updated_at.replace(microsecond=0)
    assert response["Content-Disposition"] == 'attachment; filename="kvallsfika.ics"'
    assert b"\r\n" in response.content


def test_feed_without_sessions_is_still_a_valid_calendar(client, place):
    _activity(place)

    _response, calendar = _get_calendar(client, "/aktiviteter/kvallsfika/kalender.ics")

    assert calendar.walk("VEVENT") == []
    # RFC 5545 wants at least one component: the time zone is one.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_online_session_is_located_online(client, place):
    activity = _activity(place, online=True)
    _schedule(activity, place, place_id=None)

    _response, calendar = _get_calendar(client, "/aktiviteter/kvallsfika/kalender.ics")

    event = calendar.walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "På nätet"
    assert "GEO" not in event


def test_uids_are_stable_across_requests_and_rebuilds(client, busy):
    first = client.get(f"/aktiviteter/{busy.slug}/kalender.ics").content
    services.occurrences_rebuild(activity=busy)
    second = client.get(f"/aktiviteter/{busy.slug}/kalender.ics").content

    assert first == second
    uids = {str(event["UID"]) for event in icalendar.Calendar.from_ical(first).walk("VEVENT")}
    # The schedule's stored id, the one HSDS publishes it under.
    expected = {
        f"{schedule.uuid}@sammanhang"
        for schedule in busy.schedules.all()
        if schedule.valid_from.year == 2026
    }
    past = busy.schedules.get(valid_from=date(2025, 6, 1))
    # A schedule with only extra dates in the window: one event per session, its own UID.
    expected |= {
        f"{part_id(past.uuid, 'session', day)}@sammanhang" for day in ("2026-06-06", "2026-06-19")
    }
    assert uids == expected


def test_unchanged_feed_answers_not_modified(client, busy):
    response = client.get(f"/aktiviteter/{busy.slug}/kalender.ics")
    etag = response["ETag"]
    assert "max-age=3600" in response["Cache-Control"]

    again = client.get(f"/aktiviteter/{busy.slug}/kalender.ics", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""

    services.schedule_exception_add(
        actor=None,
        schedule=busy.schedules.get(byday="TU"),
        kind="cancelled",
        day=date(2026, 5, 5),
    )
    changed = client.get(f"/aktiviteter/{busy.slug}/kalender.ics", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_draft_and_unknown_activities_have_no_feed(client, place):
    draft = _activity(place, "utkast", status=Activity.Status.DRAFT)
    _schedule(draft, place)

    assert client.get("/aktiviteter/utkast/kalender.ics").status_code == 404
    assert client.get("/aktiviteter/finns-inte/kalender.ics").status_code == 404
    assert client.get("/platser/finns-inte/kalender.ics").status_code == 404
    assert client.get("/organisationer/finns-inte/kalender.ics").status_code == 404
    assert client.post(f"/platser/{place.slug}/kalender.ics").status_code == 405


def test_cancelled_activity_marks_every_session_cancelled(client, place):
    activity = _activity(place, status=Activity.Status.CANCELLED)
    _schedule(activity, place)

    _response, calendar = _get_calendar(client, "/aktiviteter/kvallsfika/kalender.ics")

    expanded = _expanded(calendar)
    assert expanded == _shown(Occurrence.objects.filter(activity=activity), all_cancelled=True)
    assert expanded


def test_place_feed_holds_the_published_sessions_held_there(client, busy, place):
    other_place = Place.objects.create(
        slug="annanstans", name="Annanstans", owner=place.owner, municipality=place.municipality
    )
    elsewhere = _activity(other_place, "annanstans-fika", title="Annanstans")
    _schedule(elsewhere, other_place)
    draft = _activity(place, "utkast", status=Activity.Status.DRAFT)
    _schedule(draft, place)
    weekend = _activity(place, "helgfika", title="Helgfika", organisation=other_place.owner)
    _schedule(weekend, place, byday="SA,SU", opens_at=time(11), closes_at=time(13))

    _response, calendar = _get_calendar(client, f"/platser/{place.slug}/kalender.ics")

    shown = _shown(
        Occurrence.objects.filter(place=place, activity__status=Activity.Status.PUBLISHED)
    )
    assert _expanded(calendar) == shown
    assert {url for url, *_rest in shown} == {
        "http://testserver/aktiviteter/kvallsfika/",
        "http://testserver/aktiviteter/helgfika/",
    }
    assert str(calendar["X-WR-CALNAME"]) == "Träffpunkten"


def test_organisation_feed_holds_its_published_activities(client, busy, place, make_organisation):
    second = _activity(place, "sangkor", title="Sångkör")
    _schedule(second, place, byday="WE", opens_at=time(18), closes_at=time(20))
    _schedule(_activity(place, "utkast", status=Activity.Status.DRAFT), place)
    other = _activity(place, "annans", organisation=make_organisation("Andra föreningen"))
    _schedule(other, place)

    _response, calendar = _get_calendar(client, f"/organisationer/{place.owner.slug}/kalender.ics")

    assert _expanded(calendar) == _shown(Occurrence.objects.filter(activity__in=[busy, second]))
    assert str(calendar["X-WR-CALNAME"]) == "Träffpunktsföreningen"


def test_english_feed_is_in_english(client, busy):
    _response, calendar = _get_calendar(client, f"/en/aktiviteter/{busy.slug}/kalender.ics")

    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert "Cancelled: Kvällsfika" in summaries
    assert str(calendar.walk("VEVENT")[0]["URL"]) == "http://testserver/en/aktiviteter/kvallsfika/"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?district=soder",
        "?category=motesplats",
        "?weekday=6",
        "?q=fika",
        "?free=on&district=&age=30",
        "?sort=name&target_group=aldre",
    ],
)
def test_finder_feed_holds_the_activities_the_finder_shows(client, directory, query):
    page = client.get(f"/aktiviteter/{query}")
    assert page.status_code == 200
    found = {
        f"http://testserver/aktiviteter/{activity.slug}/"
        for activity in page.context["page"].paginator.object_list[:200]
    }

    _response, calendar = _get_calendar(client, f"/aktiviteter/kalender.ics{query}")

    in_feed = {str(event["URL"]) for event in calendar.walk("VEVENT")}
    assert in_feed == found
    published = Occurrence.objects.filter(activity__status=Activity.Status.PUBLISHED)
    assert _expanded(calendar) == [row for row in _shown(published) if row[0] in found]


def test_finder_feed_narrows_as_the_finder_does(client, directory):
    _response, calendar = _get_calendar(client, "/aktiviteter/kalender.ics?district=soder")

    assert {str(event["URL"]) for event in calendar.walk("VEVENT")} == {
        "http://testserver/aktiviteter/kvallsfika/",
        "http://testserver/aktiviteter/helgpromenad/",
    }
    assert str(calendar["X-WR-CALNAME"]) == "Sammanhang: aktiviteter"
    assert str(calendar["X-WR-CALDESC"]) == "http://testserver/aktiviteter/?district=soder"


def test_finder_feed_of_a_search_that_cannot_be_made_is_a_bad_request(client, directory):
    response = client.get("/aktiviteter/kalender.ics?age=-5")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sökningen" in response.content.decode()


def _many(place, count):
    for number in range(count):
        activity = _activity(place, f"aktivitet-{number}", title=f"Aktivitet {number}")
        schedule = _schedule(activity, place, byday="MO,WE")
        services.schedule_exception_add(
            actor=None, schedule=schedule, kind="cancelled", day=date(2026, 4, 6)
        )
        services.schedule_exception_add(
            actor=None, schedule=schedule, kind="extra", day=date(2026, 4, 10), reason="Extra"
        )


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("/organisationer/{org}/kalender.ics", 25 * 3),
        ("/platser/{place}/kalender.ics", 25 * 3),
        ("/aktiviteter/aktivitet-0/kalender.ics", 3),
    ],
)
def test_feed_query_count_does_not_grow_with_its_activities(
    client, place, url, events, django_assert_num_queries
):
    _many(place, 25)
    address = url.format(org=place.owner.slug, place=place.slug)

    # What the feed is of, the schedules with their activities, and their sessions.
    with django_assert_num_queries(3):
        response = client.get(address)

    # Each series: the master, the cancelled Monday and the extra Friday with its note.
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == events


def test_finder_feed_query_count_is_bounded(client, place, django_assert_max_num_queries):
    _many(place, 25)

    with django_assert_max_num_queries(12):
        response = client.get("/aktiviteter/kalender.ics?weekday=1")

    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 25 * 3


def test_pages_link_to_their_feeds(client, busy, place):
    for page, feed in [
        (f"/aktiviteter/{busy.slug}/", f"/aktiviteter/{busy.slug}/kalender.ics"),
        (f"/platser/{place.slug}/", f"/platser/{place.slug}/kalender.ics"),
        (
            f"/organisationer/{place.owner.slug}/",
            f"/organisationer/{place.owner.slug}/kalender.ics",
        ),
        ("/aktiviteter/?district=soder", "/aktiviteter/kalender.ics?district=soder"),
    ]:
        html = client.get(page).content.decode()
        head = html.split("</head>")[0]
        assert f'<link rel="alternate" type="text/calendar" href="{feed}"' in head, page
        link = (
            f'<a href="{feed}" type="text/calendar">Prenumerera i kalendern (iCalendar, .ics)</a>'
        )
        assert link in html, page


def test_finder_without_results_offers_no_feed(client, busy):
    html = client.get("/aktiviteter/?q=finnsintenagonstans").content.decode()

    assert "kalender.ics" not in html


def test_reading_a_feed_writes_nothing(client, busy):
    # No rebuild, no new rows: a feed reads what the site shows.
    before = list(Occurrence.objects.order_by("pk").values_list("pk", flat=True))
    client.get(f"/aktiviteter/{busy.slug}/kalender.ics")
    assert list(Occurrence.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert Schedule.objects.filter(activity=busy).count() == 5
