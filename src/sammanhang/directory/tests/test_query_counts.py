"""List and detail pages run a bounded number of queries, whatever the number of results.

Each page is asked with 5 and with 40 things to show (results, places, photos, features,
occasions), under the same bound: a page that loads something per row fails at 40.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    District,
    FeatureValue,
    Municipality,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Term,
)

from .conftest import make_activity, term

# Exact counts as measured, so any new query is noticed; loading per row would add dozens.
# Finder: the choice lists' token and the languages in use, the size of the candidate set,
# their next starts (one grouped query, see directory.finder), the page, 2 prefetches
# (running rules, next sessions).
FINDER_QUERIES = 7
# The first page after a term, municipality or district changed reads the lists again:
# municipalities, districts, the three taxonomies' terms (selectors.finder_choices).
CHOICE_LIST_QUERIES = 3
# Activity: the activity, 6 prefetches (categories, target groups, equipment, features,
# languages, places with districts), the next occasions, for the schema.org JSON-LD its
# schedules with their cancelled dates (interop.jsonld), and the Fritidsbanks' stock of the
# equipment it needs (the lending tag, one query however many terms and banks).
ACTIVITY_QUERIES = 11
# Place: the place, 3 prefetches (hours, features, photos), open now (closure, hours),
# closures, the next occasions, and the Fritidsbanks at the place (the template follows
# lending's reverse relation to link to a bank's page; docs/lending.md).
PLACE_QUERIES = 9
# Organisation: the organisation with its parent, its activities, and whether it is a
# Fritidsbank (lending's reverse relation, for the link to its bank page).
ORGANISATION_QUERIES = 3

SIZES = [5, 40]


def _place(organisation, number: int, district: District) -> Place:
    place = Place.objects.create(
        slug=f"plats-{number}",
        name=f"Plats {number}",
        owner=organisation,
        municipality=district.municipality,
        district=district,
    )
    for code in ("rullstol", "hiss", "horslinga"):
        PlaceFeature.objects.create(
            place=place, term=term("sammanhang-tillganglighet", code), value=FeatureValue.YES
        )
    return place


@pytest.fixture
def crowd(directory):
    """``crowd(n)``: n more published activities, each at its own place in its own district."""
    organisation = directory["organisation"]
    municipality = Municipality.objects.get()

    def build(count: int) -> list[Activity]:
        activities = []
        for number in range(count):
            district = District.objects.create(
                municipality=municipality, code=f"stadsdel-{number}", name=f"Stadsdel {number}"
            )
            activities.append(
                make_activity(
                    organisation,
                    f"extra-{number}",
                    place=_place(organisation, number, district),
                    target_groups=["alla", "vuxna"],
                    categories=["spel", "motesplats"],
                    languages=["sv", "ar"],
                    features=["lugn-miljo", "bildstod"],
                    title=f"Extra {number}",
                )
            )
        return activities

    return build


@pytest.mark.parametrize("count", SIZES)
def test_finder_page_with_every_filter_chosen(client, crowd, count, django_assert_max_num_queries):
    crowd(count)
    search = {"weekday": "2", "category": "spel", "target_group": "alla", "language": "ar"}
    # One more: whether the three filters' own tables hold many activities together
    # (selectors._known_many), before reading the activities that pass them.
    queries = FINDER_QUERIES + 1
    with django_assert_max_num_queries(queries + CHOICE_LIST_QUERIES):
        first = client.get(reverse("directory:finder"), search)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("directory:finder"), search)
    assert response.status_code == 200
    assert response.content == first.content
    assert response.content.decode().count('class="result__title"') == min(count, 20)


@pytest.mark.parametrize("count", SIZES)
def test_finder_page_without_filters(client, crowd, count, django_assert_max_num_queries):
    crowd(count)
    with django_assert_max_num_queries(FINDER_QUERIES + CHOICE_LIST_QUERIES):
        client.get(reverse("directory:finder"))
    with django_assert_max_num_queries(FINDER_QUERIES):
        response = client.get(reverse("directory:finder"))
    assert response.status_code == 200
    assert response.content.decode().count('class="result__title"') == min(count + 3, 20)


@pytest.mark.parametrize("count", SIZES)
def test_activity_page(client, directory, count, django_assert_max_num_queries):
    """One activity held at ``count`` places, with languages and features to list."""
    organisation = directory["organisation"]
    municipality = Municipality.objects.get()
    district = District.objects.create(municipality=municipality, code="norr", name="Norr")
    places = [_place(organisation, number, district) for number in range(count)]
    activity = make_activity(
        organisation,
        "manga-platser",
        place=places[0],
        byday="MO,TU,WE,TH,FR,SA,SU",
        languages=["sv", "ar", "en", "fa", "so"],
        target_groups=["alla", "vuxna", "unga"],
        categories=["spel", "motesplats", "musik"],
    )
    activity.places.add(*places)
    activity.equipment.set(
        [term("sammanhang-utrustning", code) for code in ("skridskor", "hjalmar", "talt")]
    )
    for code in ("lugn-miljo", "bildstod", "teckensprak", "lattlast"):
        ActivityFeature.objects.create(
            activity=activity, term=term("sammanhang-tillganglighet", code), value="yes"
        )
    with django_assert_max_num_queries(ACTIVITY_QUERIES):
        response = client.get(reverse("directory:activity", args=[activity.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('href="/platser/plats-') == count


@pytest.mark.parametrize("count", SIZES)
def test_place_page(client, directory, count, django_assert_max_num_queries):
    """A place with ``count`` activities, every weekday's hours, closures and features."""
    organisation = directory["organisation"]
    place = _place(organisation, 99, District.objects.get(code="centrum"))
    for number in range(count):
        make_activity(organisation, f"har-{number}", place=place, byday="MO,TU,WE,TH,FR,SA,SU")
    for weekday in range(1, 8):
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens_at="09:00", closes_at="21:00"
        )
    for code in Term.objects.filter(taxonomy="sammanhang-tillganglighet", applies_to="place"):
        PlaceFeature.objects.update_or_create(
            place=place, term=code, defaults={"value": FeatureValue.YES}
        )
    PlaceClosure.objects.create(place=place, date="2030-12-24", reason="Julafton")
    with django_assert_max_num_queries(PLACE_QUERIES):
        response = client.get(reverse("directory:place", args=[place.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('href="/aktiviteter/har-') == 15


@pytest.mark.parametrize("count", SIZES)
def test_organisation_page(
    client, crowd, directory, make_organisation, count, django_assert_max_num_queries
):
    crowd(count)
    organisation = directory["organisation"]
    organisation.parent = make_organisation("Paraplyförbundet")
    organisation.save(update_fields=["parent"])
    with django_assert_max_num_queries(ORGANISATION_QUERIES):
        response = client.get(reverse("directory:organisation", args=[organisation.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'href="/aktiviteter/[a-z]', html)) == count + 3
    assert "del av Paraplyförbundet" in html
