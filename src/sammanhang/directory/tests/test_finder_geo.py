"""Distance in the public finder, through HTTP: near a place, an address, a district or
coordinates; the radius, sorting by distance, and the Swedish errors for what cannot work."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sammanhang.directory import geo
from sammanhang.directory.models import Place

from .conftest import make_activity

# Helsingborg: the two fixture places are about 1.5 km apart, Råå about 5 km south.
CENTRUM = geo.Point(56.0465, 12.6945)
SODER = geo.Point(56.0340, 12.7050)
RAA = geo.Point(55.9950, 12.7150)


@pytest.fixture
def located(directory):
    places = directory["places"]
    for key, point, street in [
        ("centrum", CENTRUM, "Stortorget 1"),
        ("soder", SODER, "Södergatan 12"),
    ]:
        Place.objects.filter(pk=places[key].pk).update(
            latitude=point.latitude, longitude=point.longitude, street_address=street
        )
    raa = Place.objects.create(
        slug="raa-bibliotek",
        name="Råå bibliotek",
        owner=directory["organisation"],
        municipality=places["soder"].municipality,
        district=places["soder"].district,
        latitude=RAA.latitude,
        longitude=RAA.longitude,
        street_address="Rååvägen 40",
    )
    make_activity(directory["organisation"], "bokcirkel", place=raa, byday="WE", title="Bokcirkel")
    online = make_activity(
        directory["organisation"], "natfika", place=raa, byday="TH", title="Nätfika", online=True
    )
    online.places.clear()
    online.schedules.update(place=None)
    from sammanhang.directory import services

    services.occurrences_rebuild(activity=online)
    return directory


def get(client, query):
    return client.get(reverse("directory:finder") + query)


def titles(response):
    return re.findall(
        r'<h3 class="result__title"><a href="[^"]+">([^<]+)</a></h3>', response.content.decode()
    )


def test_without_a_point_online_activities_are_found_and_no_distance_is_shown(client, located):
    response = get(client, "")
    assert "Nätfika" in titles(response)
    assert "Avstånd:" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?near=Centrumgården&distance=1", ["Dagcafé"]),
        ("?near=Centrumgården", ["Dagcafé", "Helgpromenad", "Kvällsfika"]),  # default 2 km
        ("?near=Centrumgården&distance=2", ["Dagcafé", "Helgpromenad", "Kvällsfika"]),
        (
            "?near=Centrumgården&distance=10",
            ["Bokcirkel", "Dagcafé", "Helgpromenad", "Kvällsfika"],
        ),
        ("?near=Råå bibliotek&distance=1", ["Bokcirkel"]),
        ("?near=råå bibliotek&distance=1", ["Bokcirkel"]),
        ("?near=RÅÅ BIBLIOTEK&distance=1", ["Bokcirkel"]),
        ("?near=stortorget 1&distance=1", ["Dagcafé"]),
        ("?near=Södergatan&distance=1", ["Helgpromenad", "Kvällsfika"]),
        ("?near=Centrum&distance=1", ["Dagcafé"]),
        (f"?lat={CENTRUM.latitude}&lon={CENTRUM.longitude}&distance=1", ["Dagcafé"]),
        ("?lat=56,0465&lon=12,6945&distance=1", ["Dagcafé"]),
        (
            "?near=Centrumgården&distance=10&district=soder",
            ["Bokcirkel", "Helgpromenad", "Kvällsfika"],
        ),
        ("?near=Centrumgården&distance=10&free=on&weekday=3", ["Bokcirkel"]),
    ],
)
def test_distance_filter(client, located, query, expected):
    response = get(client, query)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert sorted(titles(response)) == expected


def test_district_is_measured_from_the_middle_of_its_places(client, located):
    # Söder's places are Söderhuset and Råå bibliotek; their middle is about 2.3 km from each.
    middle = geo.Point((SODER.latitude + RAA.latitude) / 2, (SODER.longitude + RAA.longitude) / 2)
    assert 2 < geo.haversine_km(middle, SODER) < 2.5
    assert titles(get(client, "?near=Söder&distance=2")) == []
    assert sorted(titles(get(client, "?near=söder&distance=5"))) == [
        "Bokcirkel",
        "Dagcafé",
        "Helgpromenad",
        "Kvällsfika",
    ]


def test_online_only_activities_have_no_distance_and_are_not_found_near_a_point(client, located):
    assert "Nätfika" not in titles(get(client, "?near=Råå bibliotek&distance=20"))


def test_a_place_just_outside_the_radius_but_inside_the_box_is_left_out(client, located):
    # North-east of Centrumgården at 0.8 km north and 0.8 km east: inside the 1 km box,
    # but about 1.13 km away.
    corner = geo.Point(
        CENTRUM.latitude + 0.8 / geo.KM_PER_DEGREE,
        CENTRUM.longitude + 0.8 / (geo.KM_PER_DEGREE * 0.5589),
    )
    assert 1.05 < geo.haversine_km(CENTRUM, corner) < 1.2
    box = geo.bounding_box(CENTRUM, 1)
    assert box.min_latitude < corner.latitude < box.max_latitude
    assert box.min_longitude < corner.longitude < box.max_longitude
    place = Place.objects.create(
        slug="hornet",
        name="Hörnet",
        owner=located["organisation"],
        municipality=located["places"]["centrum"].municipality,
        latitude=corner.latitude,
        longitude=corner.longitude,
    )
    make_activity(located["organisation"], "hornfika", place=place, byday="FR", title="Hörnfika")
    assert "Hörnfika" not in titles(get(client, "?near=Centrumgården&distance=1"))
    assert "Hörnfika" in titles(get(client, "?near=Centrumgården&distance=2"))


def test_sort_by_distance_puts_the_nearest_first_and_shows_distances(client, located):
    response = get(client, "?near=Centrumgården&distance=10&sort=distance")
    found = titles(response)
    assert found[0] == "Dagcafé"
    assert found[-1] == "Bokcirkel"
    assert set(found[1:3]) == {"Helgpromenad", "Kvällsfika"}
    page = response.content.decode()
    to_soder = geo.haversine_km(CENTRUM, SODER)
    to_raa = geo.haversine_km(CENTRUM, RAA)
    assert f"Avstånd: {to_soder:.1f} km".replace(".", ",") in page
    assert f"Avstånd: {to_raa:.1f} km".replace(".", ",") in page
    assert "Avstånd: 0,0 km" in page
    assert "Avstånden räknas från Centrumgården." in page


def test_a_point_without_sort_sorts_by_distance_and_name_sort_still_works(client, located):
    assert titles(get(client, "?near=Råå bibliotek&distance=10"))[0] == "Bokcirkel"
    assert titles(get(client, "?near=Råå bibliotek&distance=10&sort=name")) == [
        "Bokcirkel",
        "Dagcafé",
        "Helgpromenad",
        "Kvällsfika",
    ]


def test_sql_distance_agrees_with_python_haversine(located):
    from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder

    criteria = FinderCriteria(point=CENTRUM, distance_km=10)
    found = {a.slug: a.distance_km for a in activity_list_for_finder(criteria)}  # type: ignore[attr-defined]
    assert found["bokcirkel"] == pytest.approx(geo.haversine_km(CENTRUM, RAA), abs=1e-6)
    assert found["kvallsfika"] == pytest.approx(geo.haversine_km(CENTRUM, SODER), abs=1e-6)
    assert found["dagcafe"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?near=Atlantis",
            "Vi känner inte till någon plats som heter ”Atlantis”. Skriv namnet på en "
            "mötesplats, en gatuadress eller en stadsdel.",
        ),
        (
            "?sort=distance",
            "Skriv en plats i fältet Nära eller använd din position för att sortera efter avstånd.",
        ),
        (
            "?lat=56.04",
            "Din position gick inte att använda. Skriv en plats i fältet Nära i stället.",
        ),
        (
            "?lat=91&lon=12",
            "Din position gick inte att använda. Skriv en plats i fältet Nära i stället.",
        ),
        (
            "?lat=56&lon=181",
            "Din position gick inte att använda. Skriv en plats i fältet Nära i stället.",
        ),
        (
            "?lat=nan&lon=12",
            "Din position gick inte att använda. Skriv en plats i fältet Nära i stället.",
        ),
        (
            "?lat=norr&lon=12",
            "Din position gick inte att använda. Skriv en plats i fältet Nära i stället.",
        ),
        ("?near=Centrumgården&distance=3", "3 är inte ett av alternativen för det här filtret."),
    ],
)
def test_bad_distance_input_gets_a_swedish_message_not_a_crash(client, located, query, message):
    response = get(client, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    assert titles(response) == []


def test_a_place_without_coordinates_cannot_be_searched_near(client, located):
    Place.objects.filter(slug="centrumgarden").update(latitude=None, longitude=None)
    response = get(client, "?near=Centrumgården")
    assert response.status_code == 400
    assert "Vi känner inte till någon plats som heter ”Centrumgården”" in response.content.decode()


def test_typed_place_wins_over_coordinates(client, located):
    query = f"?near=Råå bibliotek&distance=1&lat={CENTRUM.latitude}&lon={CENTRUM.longitude}"
    assert titles(get(client, query)) == ["Bokcirkel"]


def test_removing_the_point_removes_distance_and_distance_sort_too(client, located):
    page = get(client, "?near=Centrumgården&distance=5&sort=distance&free=on").content.decode()
    chips = {
        label.strip(): rest
        for rest, label in re.findall(r'<a class="chip" href="\?([^"]*)">([^<]+)<', page)
    }
    rest = parse_qs(chips["Nära: Centrumgården (inom 5 km)"].replace("&amp;", "&"))
    assert rest == {"free": ["on"]}
    position = get(client, "?lat=56.0465&lon=12.6945").content.decode()
    assert "Nära din position" in position


@pytest.mark.parametrize(
    "query",
    ["?near=Centrumgården&distance=10&sort=distance", "?lat=56.0465&lon=12.6945&distance=10"],
)
def test_distance_search_runs_the_same_bounded_number_of_queries_whatever_its_size(
    client, located, django_assert_max_num_queries, query
):
    with CaptureQueriesContext(connection) as few:
        assert len(titles(get(client, query))) == 4
    for number in range(25):
        make_activity(
            located["organisation"],
            f"extra-{number}",
            place=located["places"]["centrum"],
            byday="MO",
            title=f"Extra {number}",
        )
    with django_assert_max_num_queries(len(few)):
        response = get(client, query)
    assert len(titles(response)) == 20
    # Resolving the place costs at most one query more than coordinates do.
    assert len(few) <= 11
