"""The printable list of a finder search: every result with what a support person hands
over, the search address and the date, and the same Swedish errors as the finder."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format

from sammanhang.directory import views
from sammanhang.directory.models import Activity, Place
from sammanhang.directory.templatetags.directory import schedule_words

from .conftest import make_activity


def print_page(client, query="", status=200):
    response = client.get(reverse("directory:finder_print") + query)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def printed_titles(page):
    return re.findall(r'<li class="print-result">\s*<h3>([^<]+)</h3>', page)


def test_print_route_is_not_taken_for_an_activity_slug():
    assert resolve("/aktiviteter/utskrift/").func is views.finder_print


def test_print_list_shows_every_result_with_what_to_hand_over(client, directory):
    Place.objects.filter(slug="soderhuset").update(
        street_address="Södergatan 12", postal_code="252 25", city="Helsingborg"
    )
    Activity.objects.filter(slug="kvallsfika").update(
        contact_role="Mötesplatsens värd", contact_phone="042-10 50 00"
    )
    page = print_page(client, "?district=soder")
    assert sorted(printed_titles(page)) == ["Helgpromenad", "Kvällsfika"]
    assert "<h1>Lista över aktiviteter att skriva ut</h1>" in page
    assert "2 aktiviteter" in page
    assert "tisdagar 17:00–19:00, Söderhuset" in page
    assert "lördagar 11:00–13:00" in page
    assert "Söderhuset, Södergatan 12, 252 25 Helsingborg (Söder)" in page
    assert "Mötesplatsens värd" in page
    assert "042-10 50 00" in page
    assert "Gratis" in page
    assert "Ledsagare går gratis" in page
    assert "Nästa tillfällen" in page
    assert "http://testserver/aktiviteter/?district=soder" in page
    assert date_format(timezone.localdate(), "j F Y") in page
    assert "Dagcafé" not in page


def test_print_list_without_filters_lists_all_and_links_back_to_the_plain_finder(client, directory):
    page = print_page(client)
    assert sorted(printed_titles(page)) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]
    assert 'href="http://testserver/aktiviteter/"' in page


def test_print_list_says_when_it_was_cut(client, directory, monkeypatch):
    monkeypatch.setattr(views, "PRINT_LIMIT", 2)
    page = print_page(client)
    assert len(printed_titles(page)) == 2
    assert "Listan visar de första 2 av 3 aktiviteter." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?starts_after=25:99", "Skriv en tid som 16:00."),
        ("?district=atlantis", "atlantis är inte ett av alternativen för det här filtret."),
        ("?near=Atlantis", "Vi känner inte till någon plats som heter ”Atlantis”."),
    ],
)
def test_bad_query_gets_the_finders_swedish_error(client, directory, query, message):
    page = print_page(client, query, status=400)
    assert message in page
    assert printed_titles(page) == []
    assert "Gå tillbaka till sökningen och rätta den" in page


def test_finder_links_to_the_print_list_of_the_same_search(client, directory):
    page = client.get(reverse("directory:finder") + "?district=soder&page=1").content.decode()
    assert 'href="/aktiviteter/utskrift/?district=soder">Skriv ut listan</a>' in page


def test_print_list_runs_a_bounded_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    for number in range(30):
        make_activity(
            directory["organisation"],
            f"extra-{number}",
            place=directory["places"]["centrum"],
            title=f"Extra {number}",
        )
    # The finder's own queries (see test_query_counts) and the printed list's two prefetches.
    with django_assert_max_num_queries(13):
        page = print_page(client)
    assert len(printed_titles(page)) == 33


@pytest.mark.parametrize(
    ("freq", "byday", "interval", "valid_to", "expected"),
    [
        ("WEEKLY", "TU", 1, None, "tisdagar 17:00–19:00"),
        ("WEEKLY", "MO,WE,FR", 1, None, "måndagar, onsdagar och fredagar 17:00–19:00"),
        ("WEEKLY", "TH", 2, None, "torsdagar varannan vecka 17:00–19:00"),
        ("WEEKLY", "TH", 3, None, "torsdagar var 3:e vecka 17:00–19:00"),
        ("MONTHLY", "1SA", 1, None, "första lördagen i månaden 17:00–19:00"),
        ("MONTHLY", "-1TU", 1, None, "sista tisdagen i månaden 17:00–19:00"),
        (
            "WEEKLY",
            "TU",
            1,
            date(2027, 6, 15),
            "tisdagar 17:00–19:00 (till och med 15 juni 2027)",
        ),
    ],
)
def test_schedule_in_plain_words(directory, freq, byday, interval, valid_to, expected):
    from sammanhang.directory.models import Schedule

    schedule = Schedule(
        activity=directory["activities"]["kvallsfika"],
        freq=freq,
        byday=byday,
        interval=interval,
        opens_at=time(17),
        closes_at=time(19),
        valid_from=date(2026, 1, 1),
        valid_to=valid_to,
    )
    assert schedule_words(schedule) == expected


def test_one_off_schedule_in_plain_words(directory):
    from sammanhang.directory.models import Schedule

    schedule = Schedule(
        freq="ONCE", opens_at=time(18), closes_at=time(20), valid_from=date(2026, 12, 24)
    )
    assert schedule_words(schedule) == "torsdag 24 december 2026, 18:00–20:00"
