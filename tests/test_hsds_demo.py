"""CI check: every public record of the demo municipality, serialised as HSDS 3.0, is valid
against the vendored schemas with additional properties forbidden.

Here rather than in ``interop/tests`` because the demo loader lives in the web app, which the
interop app must not import (see the import-linter contracts).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import translation

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Activity, Place, Term
from sammanhang.interop.hsds import schemas, selectors, serialize
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
BASE_URL = "https://sammanhang.example"


def _problems(document, checker):
    return [f"{p.path}: {p.message}" for p in schemas.problems(document, checker)]


@pytest.fixture
def demo(db, settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-11-23T09:00:00+01:00"
    demo_load(today=DEMO_TODAY)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_public_demo_record_is_valid_hsds(demo, language):
    translation.activate(language)
    full_service = schemas.response_validator("/services/{id}")
    listed_service = schemas.validator("compiled/service_list")
    organization = schemas.response_validator("/organizations/{id}")
    listed_organization = schemas.validator("compiled/organization_list")
    location = schemas.validator("location")
    # HSDS 3.0's openapi.json names compiled/service.json for GET /service_at_locations/{id};
    # the specification fixed that to service_at_location (openreferral/specification#574).
    at_location = schemas.validator("service_at_location")
    listed_at_location = schemas.validator("compiled/service_at_location_list")
    terms = serialize.derived_terms()

    activities = selectors.with_service_relations(selectors.public_activities(), full=True)
    found = {}
    for activity in activities:
        record = serialize.service(activity, base_url=BASE_URL, terms=terms)
        found[activity.uuid] = record
        assert _problems(record, full_service) == [], activity.slug
        assert _problems(serialize.service_list_item(activity), listed_service) == []
        for place in serialize.service_at_locations_of(activity):
            full = serialize.service_at_location(activity, place, base_url=BASE_URL)
            assert _problems(full, at_location) == [], activity.slug
            brief = serialize.service_at_location_list_item(activity, place)
            assert _problems(brief, listed_at_location) == [], activity.slug
    published = Activity.objects.exclude(status=Activity.Status.DRAFT)
    assert set(found) == set(published.values_list("uuid", flat=True))
    assert len(found) == 63
    assert {r["status"] for r in found.values()} == {"active", "inactive"}

    for place in selectors._places_with_relations():
        assert _problems(serialize.location(place, base_url=BASE_URL), location) == []
    for org in selectors.with_organization_relations(
        Organisation.objects.select_related("parent"), full_services=False
    ):
        services = [serialize.service_fields(a, BASE_URL) for a in org.public_services]
        record = serialize.organization(org, base_url=BASE_URL, services=services)
        assert _problems(record, organization) == [], org.slug
        assert _problems(serialize.organization_list_item(org), listed_organization) == []
    term_checker = schemas.response_validator("/taxonomy_terms/{id}")
    for term in Term.objects.select_related("parent"):
        assert _problems(serialize.taxonomy_term(term), term_checker) == [], term.code
    taxonomy_checker = schemas.response_validator("/taxonomies/{id}")
    for value in serialize.taxonomies():
        assert _problems(value, taxonomy_checker) == []


def test_demo_service_carries_the_profiles_fields(demo):
    activity = selectors.service_by_id(
        Activity.objects.get(slug="motesplats-drottninghog-oppen").uuid
    )
    record = serialize.service(activity)

    assert record["status"] == "active"
    assert record["minimum_age"] == 18
    assert "maximum_age" not in record
    assert record["cost_options"][0]["option"] == "Gratis"
    assert record["cost_options"][0]["amount"] == 0
    assert [lang["code"] for lang in record["languages"]] == ["ar", "sv"]
    assert [lang["name"] for lang in record["languages"]] == ["arabiska", "svenska"]
    attributes = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]): a.get("value")
        for a in record["attributes"]
    }
    assert attributes[("sammanhang-malgrupp", "psykisk-funktionsnedsattning")] is None
    assert attributes[("sammanhang-kategori", "motesplats")] is None
    assert attributes[("sammanhang-tillganglighet", "ledsagare-gratis")] == "true"
    assert attributes[("sammanhang-tillganglighet", "ingen-anmalan")] == "true"
    assert record["contacts"] == [
        {
            "id": record["contacts"][0]["id"],
            "service_id": record["id"],
            "title": "Mötesplatsens personal",
        }
    ]
    (at_place,) = record["service_at_locations"]
    place = Place.objects.get(slug="motesplats-drottninghog")
    assert at_place["location_id"] == str(place.uuid)
    assert at_place["location"]["addresses"][0]["city"] == "Helsingborg"
    assert at_place["location"]["addresses"][0]["state_province"] == "Skåne län"
    assert at_place["location"]["addresses"][0]["country"] == "SE"
    assert at_place["schedules"], "sessions at a place are on its service_at_location"
    assert all(s["service_at_location_id"] == at_place["id"] for s in at_place["schedules"])
    assert record["service_areas"][0]["name"] == place.district.name


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:1000]
    return response.json()


def _valid(path, body, item_schema=None):
    if item_schema is None:
        checker = schemas.response_validator(path)
        assert _problems(body, checker) == [], path
        return
    assert _problems({**body, "contents": []}, schemas.response_validator(path)) == []
    for item in body.get("contents", [body]):
        assert _problems(item, schemas.validator(item_schema)) == [], path


def test_every_endpoint_on_the_demo_data_is_valid_and_hides_drafts(client, demo):
    drafts = {
        str(u) for u in Activity.objects.filter(status="draft").values_list("uuid", flat=True)
    }
    assert len(drafts) == 2

    _valid("/", _get(client, "/api/hsds/"))
    services = _get(client, "/api/hsds/services?per_page=200")
    _valid("/services", services)
    assert services["total_items"] == 63
    assert not drafts & {s["id"] for s in services["contents"]}
    _valid("/services", _get(client, "/api/hsds/services?full=true&per_page=200"), "service")
    _valid("/services", _get(client, "/api/hsds/services?minimal=true&per_page=200"))
    _valid("/services", _get(client, "/api/hsds/services?search=fika"))
    for service in services["contents"][:10]:
        _valid("/services/{id}", _get(client, f"/api/hsds/services/{service['id']}"))
    for draft in drafts:
        assert client.get(f"/api/hsds/services/{draft}").status_code == 404

    organizations = _get(client, "/api/hsds/organizations?per_page=200")
    _valid("/organizations", organizations)
    full = _get(client, "/api/hsds/organizations?full_service=true&per_page=200")
    _valid("/organizations", full, "compiled/organization")
    listed = {s["id"] for org in full["contents"] for s in org["services"]}
    assert len(listed) == 63
    assert not drafts & listed
    for org in organizations["contents"]:
        _valid("/organizations/{id}", _get(client, f"/api/hsds/organizations/{org['id']}"))

    links = _get(client, "/api/hsds/service_at_locations?per_page=200")
    _valid("/service_at_locations", links)
    assert not drafts & {link["service_id"] for link in links["contents"]}
    full_links = _get(client, "/api/hsds/service_at_locations?full=true&per_page=200")
    _valid("/service_at_locations", full_links, "service_at_location")
    for link in links["contents"][:5]:
        detail = _get(client, f"/api/hsds/service_at_locations/{link['id']}")
        # The specification's fix (openreferral/specification#574): a service_at_location.
        assert _problems(detail, schemas.validator("service_at_location")) == []
    postcode = Place.objects.exclude(postal_code="").values_list("postal_code", flat=True)[0]
    near = _get(client, f"/api/hsds/service_at_locations?postcode={postcode}&proximity=1500")
    _valid("/service_at_locations", near)
    assert near["total_items"] > 0

    taxonomies = _get(client, "/api/hsds/taxonomies")
    _valid("/taxonomies", taxonomies)
    for value in taxonomies["contents"]:
        _valid("/taxonomies/{id}", _get(client, f"/api/hsds/taxonomies/{value['id']}"))
    terms = _get(client, "/api/hsds/taxonomy_terms?per_page=200")
    _valid("/taxonomy_terms", terms)
    for value in terms["contents"][:5]:
        _valid("/taxonomy_terms/{id}", _get(client, f"/api/hsds/taxonomy_terms/{value['id']}"))

    response = client.get("/api/hsds/services?format=ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 63
    assert not drafts & {json.loads(line)["id"] for line in lines}


def _ranked_in_one_query(text: str) -> list[int]:
    """The order a search promises, computed the slow way: every match annotated with its
    tier and title hits, then sorted."""
    from sammanhang.directory import search

    matched = search.filter_and_rank(selectors.public_activities(), search.parse_query(text))
    return list(
        matched.order_by("-search_tier", "-title_hits", "title", "pk").values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "text", ["fika", "träffpunkt", "språkcafé", "autism fika", "promenad natur", "kör"]
)
def test_a_search_read_a_tier_at_a_time_gives_the_one_query_order_on_every_page(demo, text):
    from sammanhang.directory import search

    expected = _ranked_in_one_query(text)
    ranked = selectors.RankedServices(
        selectors.public_activities(), search.parse_query(text), full=False
    )

    assert expected, f"{text!r} should find something in the demo"
    assert ranked.count() == len(expected)
    assert ranked.ids() == expected
    for start in range(len(expected) + 2):  # every window, across every tier's boundary
        assert ranked.ids(start, start + 3) == expected[start : start + 3]
    assert [a.pk for a in ranked[2:7]] == expected[2:7]
    assert [a.pk for a in ranked.iterator(chunk_size=2)] == expected
