"""The finder and detail pages at fixed moments (``SAMMANHANG_FIXED_NOW``), over HTTP.

"Open now" counts a session from its first minute up to, not including, its last: at 17:00 a
17–19 group is on, at 18:59 it still is, at 19:00 it is over. Local times hold across the
daylight-saving changes (the last Sundays of March and October).
"""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from sammanhang.directory.models import OpeningHours

from .conftest import make_activity
from .test_finder import titles

# A Monday; the directory's sessions are materialised around it.
BUILT_AT = "2027-03-22T08:00"


@pytest.fixture
def fixed(db, settings, request):
    """The test directory built at ``BUILT_AT``; set ``settings.SAMMANHANG_FIXED_NOW`` to move."""
    settings.SAMMANHANG_FIXED_NOW = BUILT_AT
    directory = request.getfixturevalue("directory")
    make_activity(
        directory["organisation"],
        "sondagsfika",
        place=directory["places"]["centrum"],
        byday="SU",
        opens=17,
        closes=19,
        title="Söndagsfika",
    )
    return directory


@pytest.mark.parametrize(
    ("moment", "on"),
    [
        ("2027-03-23T16:59", False),  # a minute before the start
        ("2027-03-23T17:00", True),  # exactly at the start
        ("2027-03-23T18:59", True),  # a minute before the end
        ("2027-03-23T19:00", False),  # exactly at the end
    ],
)
def test_open_now_at_the_boundaries_of_a_tuesday_evening_group(client, fixed, settings, moment, on):
    settings.SAMMANHANG_FIXED_NOW = moment
    assert ("Kvällsfika" in titles(client, "?open_now=on")) is on


@pytest.mark.parametrize(
    ("moment", "on"),
    [
        ("2027-03-28T16:59", False),
        ("2027-03-28T17:00", True),  # the day summer time starts
        ("2027-03-28T18:59", True),
        ("2027-03-28T19:00", False),
        ("2027-10-31T16:59", False),
        ("2027-10-31T17:00", True),  # the day summer time ends
        ("2027-10-31T18:59", True),
        ("2027-10-31T19:00", False),
    ],
)
def test_open_now_on_daylight_saving_sundays_follows_local_time(
    client, fixed, settings, moment, on
):
    settings.SAMMANHANG_FIXED_NOW = moment
    assert titles(client, "?open_now=on") == (["Söndagsfika"] if on else [])


def test_nothing_is_open_in_the_middle_of_the_night(client, fixed, settings):
    settings.SAMMANHANG_FIXED_NOW = "2027-03-24T03:00"
    assert titles(client, "?open_now=on") == []
    assert len(titles(client)) == 4


@pytest.mark.parametrize(
    ("moment", "when", "expected"),
    [
        # Monday noon: the day café is on until 14:00; the Tuesday evening group is tomorrow.
        ("2027-03-22T12:00", "today", ["Dagcafé"]),
        ("2027-03-22T12:00", "tomorrow", ["Dagcafé", "Kvällsfika"]),
        # Monday 14:00: the day café has just ended, so nothing is left today.
        ("2027-03-22T14:00", "today", []),
        # Friday: this week still holds the Friday café and the weekend's groups.
        ("2027-03-26T09:00", "this_week", ["Dagcafé", "Helgpromenad", "Söndagsfika"]),
        ("2027-03-27T09:00", "tomorrow", ["Söndagsfika"]),
    ],
)
def test_day_choices_follow_the_fixed_clock(client, fixed, settings, moment, when, expected):
    settings.SAMMANHANG_FIXED_NOW = moment
    assert sorted(titles(client, f"?when={when}")) == expected


def test_activity_page_says_today_and_tomorrow_by_the_fixed_clock(client, fixed, settings):
    url = reverse("directory:activity", args=["kvallsfika"])
    settings.SAMMANHANG_FIXED_NOW = "2027-03-22T12:00"
    assert "i morgon, tisdag 23 mars, 17:00–19:00" in client.get(url).content.decode()
    settings.SAMMANHANG_FIXED_NOW = "2027-03-23T12:00"
    html = client.get(url).content.decode()
    assert "i dag, tisdag 23 mars, 17:00–19:00" in html
    assert "i morgon" not in html


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("2027-03-23T09:59", "Stängt just nu"),
        ("2027-03-23T10:00", "Öppet just nu"),
        ("2027-03-23T19:59", "Öppet just nu"),
        ("2027-03-23T20:00", "Stängt just nu"),
        ("2027-03-24T12:00", "Stängt just nu"),  # no hours on Wednesdays
    ],
)
def test_place_page_open_now_at_the_boundaries_of_its_hours(
    client, fixed, settings, moment, status
):
    place = fixed["places"]["soder"]
    OpeningHours.objects.create(place=place, weekday=2, opens_at=time(10), closes_at=time(20))
    settings.SAMMANHANG_FIXED_NOW = moment
    html = client.get(reverse("directory:place", args=[place.slug])).content.decode()
    assert f"<strong>{status}</strong>" in html
