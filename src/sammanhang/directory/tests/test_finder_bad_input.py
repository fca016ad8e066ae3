"""Bad finder input: a clear Swedish message on the page and status 400, never a 500.

``test_finder.py`` has the first cases (unknown district, 25:99, a reversed date window); this
file adds the rest and throws junk at every field of the form.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sammanhang.directory.forms import FinderForm

from .test_finder import titles

# Fields that filter nothing are tolerated here if the form lacks them (the geo fields arrive
# from another branch); every field the form has gets the junk treatment below.
JUNK = ["tio", "-1", "25:99", "2026-13-45", "x" * 500, "\x00", "ä' OR 1=1 --", "1e9"]


def _error_summary(html: str) -> list[str]:
    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', html)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?age=tio", "age", "Skriv en ålder i hela år, till exempel 34."),
        ("?age=12.5", "age", "Skriv en ålder i hela år, till exempel 34."),
        ("?age=-3", "age", "Skriv en ålder mellan 0 och 120."),
        ("?age=500", "age", "Skriv en ålder mellan 0 och 120."),
        ("?district=atlantis", "district", "atlantis är inte ett av alternativen"),
        ("?weekday=9", "weekday", "9 är inte ett av alternativen för det här filtret."),
        ("?when=igår", "when", "igår är inte ett av alternativen för det här filtret."),
        ("?time_of_day=natt", "time_of_day", "natt är inte ett av alternativen"),
        ("?feature=hiss-till-manen", "feature", "hiss-till-manen är inte ett av alternativen"),
        ("?language=klingon", "language", "klingon är inte ett av alternativen"),
        ("?starts_after=25:99", "starts_after", "Skriv en tid som 16:00."),
        ("?ends_before=24:00", "ends_before", "Skriv en tid som 16:00."),
        (
            "?starts_after=18:00&starts_before=09:00",
            "starts_before",
            "Den här tiden är tidigare än den före.",
        ),
        (
            "?ends_after=20:00&ends_before=08:00",
            "ends_before",
            "Den här tiden är tidigare än den före.",
        ),
        ("?date_from=2027-02-30", "date_from", "Skriv ett datum som 2026-12-24."),
        (
            "?date_from=2027-02-10&date_to=2027-02-01",
            "date_to",
            "Slutdatumet är före startdatumet.",
        ),
    ],
)
def test_bad_value_is_named_next_to_its_field_and_in_the_summary(
    client, directory, query, field, message
):
    response = client.get(reverse("directory:finder") + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert any(line.startswith(message) for line in _error_summary(html)), _error_summary(html)
    # The summary links to the field, and the field keeps what was typed.
    assert f'href="#id_{field}' in html
    assert "<title>Fel:" in html
    assert "aktiviteter hittades" not in html


def test_the_typed_age_stays_in_the_field(client, directory):
    html = client.get(reverse("directory:finder") + "?age=tio&district=soder").content.decode()
    assert re.search(r'<input type="text" name="age" value="tio"[^>]*inputmode="numeric"', html)
    assert re.search(r'value="soder"[^>]*checked', html)


def test_bad_input_in_english_gets_an_english_message(client, directory):
    response = client.get("/en/aktiviteter/?age=tio")
    assert response.status_code == 400
    assert "Enter an age in whole years, such as 34." in _error_summary(response.content.decode())


@pytest.mark.parametrize("query", ["?district=", "?district=&free=on", "?weekday=&feature="])
def test_an_empty_list_filter_means_any(client, directory, query):
    expected = sorted(titles(client, "?free=on" if "free" in query else ""))
    assert sorted(titles(client, query)) == expected


@pytest.mark.parametrize("query", ["?page=abc", "?page=999", "?page=-1"])
def test_odd_values_that_have_a_sensible_reading_give_a_page(client, directory, query):
    assert len(titles(client, query)) >= 1


@pytest.mark.parametrize("field", sorted(FinderForm.base_fields))
def test_junk_in_any_field_never_gives_a_server_error(client, directory, field):
    for junk in JUNK:
        response = client.get(reverse("directory:finder"), {field: junk})
        assert response.status_code in (200, 400), (field, junk)
        if response.status_code == 400:
            assert _error_summary(response.content.decode()), (field, junk)
