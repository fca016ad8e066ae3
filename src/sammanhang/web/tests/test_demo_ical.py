"""Every feed of the demo municipality, read back with the two libraries, against the site.

The demo has weekly, fortnightly, monthly and one-off schedules, cancelled and extra dates
and closed days around Christmas; its window (23 November 2026 a month back and a year
ahead) holds the autumn change of 2026 and both changes of 2027. Here, beside the other demo
tests, because the demo loader belongs to the web layer, which ``interop`` must not import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped]  # no stubs published

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Activity, Occurrence, Place
from sammanhang.interop.selectors import FeedWindow
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
WINDOW = FeedWindow.for_today(DEMO_TODAY)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def demo(db, settings):
    settings.SAMMANHANG_FIXED_NOW = f"{DEMO_TODAY.isoformat()}T12:00"
    demo_load(today=DEMO_TODAY)


def _expanded(client, url: str) -> list[tuple[str, datetime, datetime, bool]]:
    response = client.get(url)
    assert response.status_code == 200, url
    calendar = icalendar.Calendar.from_ical(response.content)
    first = datetime.combine(WINDOW.first, time(), tzinfo=STOCKHOLM)
    last = datetime.combine(WINDOW.last + timedelta(days=1), time(), tzinfo=STOCKHOLM)
    return sorted(
        (
            str(event["URL"]).removeprefix("http://testserver/aktiviteter/").rstrip("/"),
            event["DTSTART"].dt.astimezone(UTC),
            event["DTEND"].dt.astimezone(UTC),
            event.get("STATUS") == "CANCELLED",
        )
        for event in recurring_ical_events.of(calendar).between(first, last)
    )


def _shown(occurrences) -> list[tuple[str, datetime, datetime, bool]]:
    rows = occurrences.filter(date__gte=WINDOW.first, date__lte=WINDOW.last)
    return sorted(
        (
            row.activity.slug,
            row.starts_at.astimezone(UTC),
            row.ends_at.astimezone(UTC),
            row.cancelled or row.activity.status == Activity.Status.CANCELLED,
        )
        for row in rows.select_related("activity")
    )


def test_every_activity_feed_matches_its_sessions(client, demo):
    public = Activity.objects.exclude(status=Activity.Status.DRAFT).order_by("slug")
    assert public.count() > 50
    compared = 0
    for activity in public:
        shown = _shown(Occurrence.objects.filter(activity=activity))
        assert _expanded(client, f"/aktiviteter/{activity.slug}/kalender.ics") == shown, (
            activity.slug
        )
        compared += len(shown)
    # The demo's cancelled dates and closed days are among them.
    assert Occurrence.objects.filter(cancelled=True, date__gte=WINDOW.first).exists()
    assert (
        compared == Occurrence.objects.filter(date__gte=WINDOW.first, activity__in=public).count()
    )


def test_every_place_and_organisation_feed_matches_its_page(client, demo):
    published = Occurrence.objects.filter(activity__status=Activity.Status.PUBLISHED)
    for place in Place.objects.all():
        assert _expanded(client, f"/platser/{place.slug}/kalender.ics") == _shown(
            published.filter(place=place)
        ), place.slug
    for organisation in Organisation.objects.all():
        assert _expanded(client, f"/organisationer/{organisation.slug}/kalender.ics") == _shown(
            published.filter(activity__organisation=organisation)
        ), organisation.slug


def test_whole_finder_feed_is_every_found_activity(client, demo):
    found = {
        activity.slug
        for activity in client.get("/aktiviteter/").context["page"].paginator.object_list[:200]
    }
    published = Occurrence.objects.filter(activity__status=Activity.Status.PUBLISHED)

    assert _expanded(client, "/aktiviteter/kalender.ics") == _shown(
        published.filter(activity__slug__in=found)
    )
