"""Public pages for an activity, a place and an organisation."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from sammanhang.directory import selectors
from sammanhang.directory.models import OpeningHours, PlaceClosure


def test_activity_page_shows_facts_and_next_times(client, directory):
    activity = directory["activities"]["kvallsfika"]
    activity.easy_read = "Vi fikar. Du får komma som du är."
    activity.save(update_fields=["easy_read"])
    html = client.get(reverse("directory:activity", args=["kvallsfika"])).content.decode()
    assert "<h1>Kvällsfika</h1>" in html
    assert 'href="/platser/soderhuset/">Söderhuset</a> (Söder)' in html
    assert "Ledsagare går gratis</dt><dd>Ja" in html
    assert "Ingen anmälan, kom bara" in html
    assert "<dt>Språk</dt><dd>arabiska, svenska</dd>" in html
    assert html.count("17:00–19:00") == 10
    assert 'href="?lattlast=1"' in html
    easy = client.get(reverse("directory:activity", args=["kvallsfika"]) + "?lattlast=1")
    assert "Vi fikar. Du får komma som du är." in easy.content.decode()


def test_draft_activity_is_not_public(client, directory):
    response = client.get(reverse("directory:activity", args=["utkast"]))
    assert response.status_code == 404


def test_unknown_slug_is_404(client, directory):
    for name in ["directory:activity", "directory:place", "directory:organisation"]:
        assert client.get(reverse(name, args=["finns-inte"])).status_code == 404


def test_place_page_lists_hours_closures_and_coming_activities(client, directory):
    place = directory["places"]["soder"]
    OpeningHours.objects.create(place=place, weekday=2, opens_at=time(10), closes_at=time(20))
    closed = timezone.localdate() + timedelta(days=3)
    PlaceClosure.objects.create(place=place, date=closed, reason="Personaldag")
    html = client.get(reverse("directory:place", args=["soderhuset"])).content.decode()
    assert "<h1>Söderhuset</h1>" in html
    assert "tisdag</td>" in html
    assert "10:00–20:00" in html
    assert "Personaldag" in html
    assert 'href="/aktiviteter/kvallsfika/">Kvällsfika</a>' in html
    assert "Utkastgruppen" not in html


def test_place_open_now_follows_hours_and_closures(directory):
    place = directory["places"]["soder"]
    OpeningHours.objects.create(place=place, weekday=2, opens_at=time(10), closes_at=time(20))
    today = timezone.localdate()
    tuesday = today + timedelta(days=(2 - today.isoweekday()) % 7 or 7)

    def at(clock):
        return timezone.make_aware(datetime.combine(tuesday, clock))

    assert not selectors.place_is_open(place, now=at(time(9, 59)))
    assert selectors.place_is_open(place, now=at(time(10)))
    assert not selectors.place_is_open(place, now=at(time(20)))
    PlaceClosure.objects.create(place=place, date=tuesday, reason="Stängt")
    assert not selectors.place_is_open(place, now=at(time(12)))


def test_organisation_page_lists_published_activities(client, directory):
    slug = directory["organisation"].slug
    html = client.get(reverse("directory:organisation", args=[slug])).content.decode()
    assert "<h1>Mötesplatsföreningen</h1>" in html
    assert len(re.findall(r'href="/aktiviteter/[a-z]', html)) == 3
    assert "Utkastgruppen" not in html
