"""The public finder through HTTP: each filter changes the results as it promises."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sammanhang.directory import selectors, services
from sammanhang.directory.models import Activity, Occurrence, PlaceFeature

from .conftest import make_activity, term


def _place_says(place, code: str, value: str) -> None:
    PlaceFeature.objects.create(
        place=place, term=term("sammanhang-tillganglighet", code), value=value
    )


def titles(client, query="", status=200):
    response = client.get(reverse("directory:finder") + query)
    assert response.status_code == status, response.content.decode()[:2000]
    return re.findall(
        r'<h3 class="result__title"><a href="[^"]+">([^<]+)</a></h3>', response.content.decode()
    )


def test_without_filters_every_published_activity_is_listed_by_next_time(client, directory):
    found = titles(client)
    assert sorted(found) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]


def test_drafts_are_never_found(client, directory):
    assert "Utkastgruppen" not in titles(client, "?q=utkast")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?district=soder", ["Helgpromenad", "Kvällsfika"]),
        ("?district=centrum", ["Dagcafé"]),
        ("?weekday=6", ["Helgpromenad"]),
        ("?weekday=2", ["Dagcafé", "Kvällsfika"]),
        ("?time_of_day=evening", ["Kvällsfika"]),
        ("?time_of_day=daytime", ["Dagcafé", "Helgpromenad"]),
        ("?time_of_day=weekend", ["Helgpromenad"]),
        ("?starts_after=16:00", ["Kvällsfika"]),
        ("?starts_after=16.30", ["Kvällsfika"]),
        ("?ends_before=14:00", ["Dagcafé", "Helgpromenad"]),
        ("?ends_after=18:00", ["Kvällsfika"]),
        ("?target_group=aldre", ["Dagcafé"]),
        ("?target_group=psykisk-funktionsnedsattning", ["Kvällsfika"]),
        ("?category=friluftsliv&category=matlagning", ["Dagcafé", "Helgpromenad"]),
        ("?free=on", ["Helgpromenad", "Kvällsfika"]),
        ("?companion_free=on", ["Kvällsfika"]),
        ("?drop_in=on", ["Helgpromenad", "Kvällsfika"]),
        ("?language=ar", ["Kvällsfika"]),
        ("?feature=lugn-miljo", ["Kvällsfika"]),
        ("?age=30", ["Helgpromenad", "Kvällsfika"]),
        ("?age=70", ["Dagcafé", "Helgpromenad", "Kvällsfika"]),
        ("?q=kvällsfika", ["Kvällsfika"]),
        ("?q=promenad", ["Helgpromenad"]),
        ("?district=soder&time_of_day=evening&free=on", ["Kvällsfika"]),
    ],
)
def test_filter(client, directory, query, expected):
    assert sorted(titles(client, query)) == expected


def test_date_window_restricts_to_occurrences_on_those_days(client, directory):
    today = timezone.localdate()
    next_saturday = today + timedelta(days=(6 - today.isoweekday()) % 7 or 7)
    query = f"?date_from={next_saturday}&date_to={next_saturday}"
    assert titles(client, query) == ["Helgpromenad"]


def test_a_date_window_ends_at_the_last_days_midnight(directory):
    """A session late on the window's last day is in it; the day before's window holds none
    of it: the bound on the start time (the window's end) matches the sessions' local dates."""
    last = timezone.localdate() + timedelta(days=3)
    late = make_activity(
        directory["organisation"], "sen-kvall", place=directory["places"]["soder"], freq="ONCE"
    )
    late.schedules.all().delete()
    services.schedule_add(
        actor=None,
        activity=late,
        freq="ONCE",
        opens_at=time(23, 15),
        closes_at=time(23, 59),
        valid_from=last,
        place_id=directory["places"]["soder"].pk,
    )

    def found(first, final):
        window = selectors.FinderCriteria(date_from=first, date_to=final)
        return list(selectors.matching_occurrences(window).filter(activity=late))

    assert [session.date for session in found(last, last)] == [last]
    assert [session.date for session in found(last - timedelta(days=2), last)] == [last]
    assert found(last - timedelta(days=1), last - timedelta(days=1)) == []
    assert found(last + timedelta(days=1), last + timedelta(days=1)) == []


def test_cancelled_occurrence_does_not_match_but_is_shown(client, directory):
    walk = directory["activities"]["helgpromenad"]
    today = timezone.localdate()
    saturday = today + timedelta(days=(6 - today.isoweekday()) % 7 or 7)
    schedule = walk.schedules.get()
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="cancelled", day=saturday, reason="Storm"
    )
    assert titles(client, f"?date_from={saturday}&date_to={saturday}") == []
    html = client.get(reverse("directory:finder") + "?q=promenad").content.decode()
    assert "Storm" in html
    assert '<li class="cancelled">' in html


def test_open_now_over_http_includes_what_happens_at_this_moment(client, directory):
    now = timezone.localtime()
    if not time(1) <= now.time() <= time(22, 30):
        pytest.skip("needs an hour either side of now within the same day")
    make_activity(
        directory["organisation"],
        "pagar-nu",
        place=directory["places"]["centrum"],
        freq="ONCE",
        valid_from=now.date(),
        opens=now.hour - 1,
        closes=now.hour + 1,
        title="Pågår nu",
    )
    found = titles(client, "?open_now=on")
    assert "Pågår nu" in found
    assert "Kvällsfika" not in found or time(17) <= now.time() < time(19)


@pytest.mark.parametrize(
    ("clock", "is_open"),
    [(time(16, 59), False), (time(17), True), (time(18, 59), True), (time(19), False)],
)
def test_open_now_at_the_boundaries(directory, clock, is_open):
    today = timezone.localdate()
    tuesday = today + timedelta(days=(2 - today.isoweekday()) % 7 or 7)
    moment = timezone.make_aware(datetime.combine(tuesday, clock))
    found = {
        a.slug
        for a in selectors.activity_list_for_finder(
            selectors.FinderCriteria(open_now=True, now=moment, districts=("soder",))
        )
    }
    assert ("kvallsfika" in found) is is_open


def test_sorting_by_name(client, directory):
    assert titles(client, "?sort=name") == ["Dagcafé", "Helgpromenad", "Kvällsfika"]


def test_results_show_next_times_place_and_badges(client, directory):
    html = client.get(reverse("directory:finder") + "?q=kvällsfika").content.decode()
    assert '<a href="/platser/soderhuset/">Söderhuset</a> (Söder)' in html
    assert "Gratis" in html
    assert "Ledsagare går gratis" in html
    # The rule in plain words, then the next three times.
    assert re.search(r'<p class="result__rule">[A-ZÅÄÖ][a-zåäö]+ 17:00–19:00</p>', html)
    assert html.count("17:00–19:00") == 4
    assert "1 aktivitet hittades" in html


def test_results_in_english_under_en(client, directory):
    # The result list is a Jinja2 fragment (sammanhang.jinja_env): it must follow the page's
    # language and link within it, as the Django template around it does.
    html = client.get("/en/aktiviteter/?q=kvällsfika").content.decode()
    assert '<a href="/en/platser/soderhuset/">Söderhuset</a> (Söder)' in html
    assert '<li class="badge badge--free">Free</li>' in html
    assert "Companion goes free" in html
    assert '<h4 class="result__when-title">Next times</h4>' in html
    assert "Gratis" not in html
    html = client.get("/en/aktiviteter/?q=dagcafé").content.decode()
    assert '<li class="badge">20 kr</li>' in html
    assert "Sign-up needed" in html


def test_results_escape_what_providers_wrote(client, directory):
    Activity.objects.filter(slug="dagcafe").update(
        summary='<script>alert("x")</script>', price="<b>20 kr</b>"
    )
    html = client.get(reverse("directory:finder") + "?q=dagcafé").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<li class="badge">&lt;b&gt;20 kr&lt;/b&gt;</li>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?district=atlantis", "atlantis är inte ett av alternativen för det här filtret."),
        ("?starts_after=25:99", "Skriv en tid som 16:00."),
        (
            "?date_from=2027-02-10&date_to=2027-02-01",
            "Slutdatumet är före startdatumet.",
        ),
        ("?date_from=igår", "Skriv ett datum som 2026-12-24."),
        ("?age=-3", "Skriv en ålder mellan 0 och 120."),
    ],
)
def test_bad_input_gets_a_clear_swedish_message_and_keeps_the_form(
    client, directory, query, message
):
    response = client.get(reverse("directory:finder") + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "data-error-summary" in html
    assert "<title>Fel:" in html


def test_selected_filters_can_each_be_removed(client, directory):
    html = client.get(reverse("directory:finder") + "?district=soder&free=on").content.decode()
    assert 'href="?free=on"' in html  # removes the district
    assert 'href="?district=soder"' in html  # removes "free"


def test_page_runs_the_same_number_of_queries_whatever_its_size(client, directory):
    url = reverse("directory:finder")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(15):
        make_activity(
            directory["organisation"],
            f"extra-{number}",
            place=directory["places"]["centrum"],
            target_groups=["alla"],
            categories=["spel"],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(titles(client)) == 18
    assert response.status_code == 200
    assert len(many) == len(few)


def test_pagination_keeps_the_filters(client, directory):
    for number in range(22):
        make_activity(
            directory["organisation"], f"extra-{number}", place=directory["places"]["centrum"]
        )
    html = client.get(reverse("directory:finder") + "?district=centrum").content.decode()
    assert 'href="?district=centrum&amp;page=2"' in html
    second = titles(client, "?district=centrum&page=2")
    assert len(second) == 23 - 20
    assert Occurrence.objects.exists()


def test_with_several_municipalities_the_chosen_ones_districts_are_listed(client, directory):
    from django import forms
    from django.http import QueryDict

    from sammanhang.directory.forms import FinderForm
    from sammanhang.directory.models import District, Municipality

    other = Municipality.objects.create(code="1284", name="Höganäs", slug="hoganas")
    District.objects.create(municipality=other, code="centrum", name="Höganäs centrum")
    District.objects.create(municipality=other, code="nyhamnslage", name="Nyhamnsläge")

    def districts(query: str) -> list[Any]:
        field = FinderForm(QueryDict(query)).fields["district"]
        assert isinstance(field, forms.MultipleChoiceField)
        return list(field.widget.choices)

    # The code "centrum" is in both; the chosen municipality's own districts only.
    assert districts("municipality=hoganas&district=centrum") == [
        ("centrum", "Höganäs centrum"),
        ("nyhamnslage", "Nyhamnsläge"),
    ]
    # A shared link naming a district but no municipality lists what it names.
    assert districts("district=soder") == [("soder", "Söder")]
    assert districts("q=fika") == []
    html = client.get(reverse("directory:finder") + "?municipality=hoganas").content.decode()
    assert "Nyhamnsläge" in html
    assert "Söder" not in html


def test_known_many_asks_the_filters_own_tables(directory):
    from sammanhang.directory.selectors import FinderCriteria, _known_many

    # One activity with "mötesplats", one with "äldre" and one in Arabic (kvällsfika, dagcafé).
    assert _known_many(FinderCriteria(categories=("motesplats",)), 0)
    assert not _known_many(FinderCriteria(categories=("motesplats",)), 1)
    assert _known_many(FinderCriteria(target_groups=("aldre",)), 0)
    assert not _known_many(FinderCriteria(target_groups=("aldre",)), 1)
    assert _known_many(FinderCriteria(languages=("ar",)), 0)
    assert not _known_many(FinderCriteria(languages=("ar",)), 1)
    # Two filters: the activities in both (Kvällsfika is a meeting place held in Arabic).
    assert _known_many(FinderCriteria(categories=("motesplats",), languages=("ar",)), 0)
    assert not _known_many(FinderCriteria(categories=("motesplats",), languages=("ar",)), 1)
    assert not _known_many(FinderCriteria(categories=("matlagning",), languages=("ar",)), 0)
    two_groups = ("aldre", "psykisk-funktionsnedsattning")
    assert not _known_many(FinderCriteria(target_groups=two_groups), 0)
    # Two codes of one filter: each activity once, however many of them it has (Kvällsfika
    # is in Swedish and Arabic; the four activities, the draft too, are in Swedish).
    assert _known_many(FinderCriteria(languages=("sv", "ar")), 3)
    assert not _known_many(FinderCriteria(languages=("sv", "ar")), 4)
    # Another activity filter: nothing is known.
    assert not _known_many(FinderCriteria(categories=("motesplats",), free=True), 0)
    assert not _known_many(FinderCriteria(), 0)


def test_known_many_counts_a_feature_by_the_places_that_have_it(directory):
    from sammanhang.directory.selectors import FinderCriteria, _known_many

    # Söderhuset holds Kvällsfika, Helgpromenad and the draft; Centrumgården says no.
    _place_says(directory["places"]["soder"], "rullstol", "yes")
    _place_says(directory["places"]["centrum"], "rullstol", "no")
    assert _known_many(FinderCriteria(features=("rullstol",)), 2)
    assert not _known_many(FinderCriteria(features=("rullstol",)), 3)
    assert _known_many(FinderCriteria(features=("rullstol",), categories=("motesplats",)), 0)
    assert not _known_many(FinderCriteria(features=("rullstol",), categories=("matlagning",)), 0)
    # Several places each: every activity once (Kvällsfika is also at Centrumgården).
    directory["activities"]["kvallsfika"].places.add(directory["places"]["centrum"])
    _place_says(directory["places"]["centrum"], "hiss", "yes")
    _place_says(directory["places"]["soder"], "hiss", "yes")
    assert _known_many(FinderCriteria(features=("hiss",)), 3)
    assert not _known_many(FinderCriteria(features=("hiss",)), 4)


def test_the_walk_looks_sessions_up_among_the_named_sets_on_postgresql(directory):
    from sammanhang.directory.selectors import FinderCriteria, _among

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL looks each session up in the filters' sets first")
    kvallsfika = directory["activities"]["kvallsfika"].pk
    # One filter alone: its set would be most activities, so none is built.
    assert _among(FinderCriteria(categories=("motesplats",))) is None

    # Several: the activities in every named set (a superset of those passing all filters).
    def ids(criteria: FinderCriteria) -> list[int]:
        among = _among(criteria)
        assert among is not None
        return sorted(row["activity_id"] for row in among)

    assert ids(FinderCriteria(categories=("motesplats",), languages=("ar",))) == [kvallsfika]
    named_and_free = FinderCriteria(categories=("motesplats", "matlagning"), free=True)
    assert ids(named_and_free) == sorted([kvallsfika, directory["activities"]["dagcafe"].pk])
    # Filters that name no set: nothing to look up.
    assert _among(FinderCriteria(free=True, drop_in=True)) is None


def test_a_feature_is_the_activitys_own_or_its_places(client, directory):
    _place_says(directory["places"]["soder"], "rullstol", "yes")
    _place_says(directory["places"]["centrum"], "rullstol", "no")
    _place_says(directory["places"]["centrum"], "lugn-miljo", "yes")
    _place_says(directory["places"]["centrum"], "hiss", "unknown")
    assert sorted(titles(client, "?feature=rullstol")) == ["Helgpromenad", "Kvällsfika"]
    # Kvällsfika says it is calm itself; Dagcafé's place says so.
    assert sorted(titles(client, "?feature=lugn-miljo")) == ["Dagcafé", "Kvällsfika"]
    assert titles(client, "?feature=rullstol&feature=lugn-miljo") == ["Kvällsfika"]
    # Only "yes" counts.
    assert titles(client, "?feature=hiss") == []
