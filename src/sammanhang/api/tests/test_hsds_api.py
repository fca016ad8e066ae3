"""The HSDS 3.0 API through HTTP: every endpoint validated against the vendored schemas
(strict: no field the specification does not name), filters, paging, ndjson and errors."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Activity, Place, Taxonomy, Term
from sammanhang.interop.hsds import ids, schemas

from .conftest import make_activity, term

BAD_INPUT = "Några parametrar har värden som inte kan användas."
NOT_FOUND = "Här finns ingenting. Kontrollera adressen och identifieraren."
# HSDS 3.0's openapi.json names compiled/service.json for GET /service_at_locations/{id};
# the specification has fixed that to service_at_location (openreferral/specification#574).
ITEM_SCHEMAS = {
    "/services/{id}": "service",
    "/service_at_locations/{id}": "service_at_location",
}


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def assert_valid(path, body):
    """``body`` is a valid 200 response of ``path`` in the specification's OpenAPI document."""
    if path in ITEM_SCHEMAS:
        checker = schemas.validator(ITEM_SCHEMAS[path])
    else:
        checker = schemas.response_validator(path)
    assert [f"{p.path}: {p.message}" for p in schemas.problems(body, checker)] == []


def assert_valid_page(path, body, item_schema):
    """A Page of ``path`` whose items are ``item_schema`` (a ``full`` list)."""
    assert_valid(path, {**body, "contents": []})
    checker = schemas.validator(item_schema)
    for item in body["contents"]:
        assert [f"{p.path}: {p.message}" for p in schemas.problems(item, checker)] == []


def names(body):
    return sorted(item["name"] for item in body["contents"])


def test_index_names_version_profile_and_openapi(client, db):
    body = get(client, "/api/hsds/")
    assert_valid("/", body)
    assert body == {
        "version": "3.0",
        "profile": "http://testserver/api/hsds/profile",
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }
    assert get(client, "/api/hsds") == body
    document = get(client, "/api/hsds/openapi.json")
    assert document["info"]["title"] == "Sammanhang HSDS API"
    assert document["servers"] == [{"url": "http://testserver/api/hsds/"}]
    assert "/service_at_locations" in document["paths"]
    profile = client.get("/api/hsds/profile")
    assert profile["Content-Type"] == "text/markdown; charset=utf-8"
    assert "How Sammanhang maps onto HSDS 3.0" in profile.content.decode()


def test_service_list_is_valid_and_never_shows_drafts(client, directory):
    Activity.objects.filter(slug="helgpromenad").update(status=Activity.Status.ENDED)
    body = get(client, "/api/hsds/services")

    assert_valid("/services", body)
    assert names(body) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]
    statuses = {item["name"]: item["status"] for item in body["contents"]}
    assert statuses == {"Dagcafé": "active", "Helgpromenad": "inactive", "Kvällsfika": "active"}
    first = body["contents"][0]
    assert first["organization"]["name"] == "Mötesplatsföreningen"
    assert first["url"] == "http://testserver/aktiviteter/dagcafe/"
    assert (body["total_items"], body["total_pages"], body["size"]) == (3, 1, 3)
    assert (body["first_page"], body["last_page"], body["empty"]) == (True, True, False)


def test_service_list_full_and_minimal_shapes(client, directory):
    full = get(client, "/api/hsds/services?full=true")
    assert_valid_page("/services", full, "service")
    assert all("service_at_locations" in item for item in full["contents"])

    minimal = get(client, "/api/hsds/services?minimal=true")
    assert_valid("/services", minimal)
    assert {tuple(sorted(item)) for item in minimal["contents"]} == {
        ("id", "last_modified", "name", "status")
    }
    refused = get(client, "/api/hsds/services?minimal=true&full=true", status=400)
    assert refused["errors"] == {"minimal": ["Välj minimal eller full, inte båda."]}


def test_service_detail_is_full_and_valid(client, directory):
    activity = directory["activities"]["kvallsfika"]
    body = get(client, f"/api/hsds/services/{activity.uuid}")

    assert_valid("/services/{id}", body)
    assert body["id"] == str(activity.uuid)
    (at_place,) = body["service_at_locations"]
    place = directory["places"]["soder"]
    assert at_place["id"] == str(ids.service_at_location_id(activity.uuid, place.uuid))
    (rule,) = at_place["schedules"]
    assert (rule["freq"], rule["byday"], rule["opens_at"], rule["closes_at"]) == (
        "WEEKLY",
        "TU",
        "17:00",
        "19:00",
    )
    assert body["service_areas"][0]["name"] == "Söder"
    assert [lang["code"] for lang in body["languages"]] == ["ar", "sv"]
    codes = {a["taxonomy_term"]["code"]: a.get("value") for a in body["attributes"]}
    assert codes == {
        "psykisk-funktionsnedsattning": None,
        "motesplats": None,
        "lugn-miljo": "true",
        "ledsagare-gratis": "true",
        "ingen-anmalan": "true",
    }


def test_paid_service_has_its_price_and_companion_no(client, directory):
    activity = directory["activities"]["dagcafe"]
    body = get(client, f"/api/hsds/services/{activity.uuid}")

    assert body["fees_description"] == "20 kr"
    (option,) = body["cost_options"]
    assert (option["amount"], option["amount_description"], option["currency"]) == (
        20,
        "20 kr",
        "SEK",
    )
    codes = {a["taxonomy_term"]["code"]: a.get("value") for a in body["attributes"]}
    assert codes["ledsagare-gratis"] == "false"
    assert "ingen-anmalan" not in codes


def test_draft_and_unknown_services_are_not_found_in_either_language(client, directory):
    draft = directory["activities"]["utkast"]
    body = get(client, f"/api/hsds/services/{draft.uuid}", status=404)
    assert body == {"detail": NOT_FOUND, "errors": {}}
    english = get(client, f"/api/hsds/services/{uuid.uuid4()}?lang=en", status=404)
    assert english["detail"] == "Nothing was found here. Check the address and the identifier."
    assert get(client, "/api/hsds/services/not-a-uuid", status=404)["detail"] == NOT_FOUND


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [
        ("taxonomy_term_id=aldre", ["Dagcafé"]),
        ("taxonomy_term_id=lugn-miljo", ["Kvällsfika"]),
        ("taxonomy_term_id=ledsagare-gratis", ["Kvällsfika"]),
        ("taxonomy_term_id=ingen-anmalan", ["Helgpromenad", "Kvällsfika"]),
        ("taxonomy_id=sammanhang-malgrupp", ["Dagcafé", "Kvällsfika"]),
        ("taxonomy_id=sammanhang-utrustning", []),
        ("search=promenad", ["Helgpromenad"]),
        ("search=fika", ["Kvällsfika"]),
    ],
)
def test_service_filters_filter(client, directory, parameter, expected):
    body = get(client, f"/api/hsds/services?{parameter}")
    assert_valid("/services", body)
    assert names(body) == expected


def test_term_and_taxonomy_filters_take_uuids(client, directory):
    older = term(Taxonomy.TARGET_GROUP, "aldre")
    body = get(client, f"/api/hsds/services?taxonomy_term_id={older.uuid}")
    assert names(body) == ["Dagcafé"]
    categories = ids.taxonomy_id(Taxonomy.CATEGORY)
    body = get(client, f"/api/hsds/services?taxonomy_id={categories}")
    assert names(body) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]


def test_organization_filter(client, directory, make_organisation):
    other = make_organisation("Studieförbundet")
    make_activity(other, "sprakcafe", place=directory["places"]["centrum"], title="Språkcafé")
    body = get(client, f"/api/hsds/services?organization_id={other.uuid}")
    assert names(body) == ["Språkcafé"]
    body = get(client, f"/api/hsds/service_at_locations?organization_id={other.uuid}")
    assert [item["service"]["name"] for item in body["contents"]] == ["Språkcafé"]
    unknown = get(client, f"/api/hsds/services?organization_id={uuid.uuid4()}", status=400)
    assert list(unknown["errors"]) == ["organization_id"]


def test_modified_after_filters_on_updated_at(client, directory):
    long_ago = timezone.now() - timedelta(days=30)
    Activity.objects.exclude(slug="dagcafe").update(updated_at=long_ago)
    Place.objects.update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    body = get(client, "/api/hsds/services", data={"modified_after": since})
    assert names(body) == ["Dagcafé"]
    body = get(client, "/api/hsds/service_at_locations", data={"modified_after": since})
    assert [item["service"]["name"] for item in body["contents"]] == ["Dagcafé"]
    as_date = get(client, "/api/hsds/services?modified_after=2000-01-01")
    assert len(as_date["contents"]) == 3

    bad = get(client, "/api/hsds/services?modified_after=igår", status=400)
    assert bad == {
        "detail": BAD_INPUT,
        "errors": {
            "modified_after": ["Skriv en tidpunkt, till exempel 2026-12-01T08:00:00+01:00."]
        },
    }


def test_paging(client, directory):
    body = get(client, "/api/hsds/services?per_page=2&page=2")
    assert_valid("/services", body)
    assert names(body) == ["Kvällsfika"]
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (
        3,
        2,
        2,
        1,
    )
    assert (body["first_page"], body["last_page"]) == (False, True)
    beyond = get(client, "/api/hsds/services?per_page=2&page=9")
    assert beyond["contents"] == []
    assert beyond["empty"] is False
    nothing = get(client, "/api/hsds/services?search=xyzzyqwerty")
    assert (nothing["total_items"], nothing["empty"], nothing["contents"]) == (0, True, [])


def test_bad_parameters_are_refused_in_swedish_and_english(client, directory):
    body = get(client, "/api/hsds/services?per_page=500&page=0&format=xml&colour=red", status=400)
    assert body["detail"] == BAD_INPUT
    assert body["errors"] == {
        "colour": ["Okänd parameter."],
        "page": ["Kontrollera att detta värde är större än eller lika med 1."],
        "per_page": ["Kontrollera att detta värde är mindre än eller lika med 200."],
        "format": ["Välj json eller ndjson."],
    }
    english = get(client, "/api/hsds/services?format=xml&full=maybe&lang=en", status=400)
    assert english == {
        "detail": "Some parameters have values that cannot be used.",
        "errors": {"format": ["Choose json or ndjson."], "full": ["Enter true or false."]},
    }
    by_header = get(
        client, "/api/hsds/taxonomies?top_only=true", status=400, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert by_header["errors"] == {"top_only": ["Unknown parameter."]}
    assert get(client, "/api/hsds/services/x?full=true", status=400)["errors"] == {
        "full": ["Okänd parameter."]
    }


def test_ndjson_streams_every_record_without_the_page(client, directory):
    response = client.get("/api/hsds/services?format=ndjson&per_page=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["name"] for r in records) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]
    checker = schemas.validator("compiled/service_list")
    for record in records:
        assert list(schemas.problems(record, checker)) == []

    full = client.get("/api/hsds/services?format=ndjson&full=true")
    full_records = [json.loads(line) for line in b"".join(full.streaming_content).splitlines()]
    assert [list(schemas.problems(r, schemas.validator("service"))) for r in full_records] == [
        [],
        [],
        [],
    ]
    for path in ("/organizations", "/service_at_locations", "/taxonomies", "/taxonomy_terms"):
        response = client.get(f"/api/hsds{path}?format=ndjson")
        assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
        assert b"".join(response.streaming_content).count(b"\n") >= 1


def test_a_page_of_fifty_full_services_takes_a_fixed_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    organisation = directory["organisation"]
    for number in range(50):
        make_activity(
            organisation,
            f"serie-{number}",
            place=directory["places"]["centrum" if number % 2 else "soder"],
            target_groups=["barn"],
            categories=["spel"],
            languages=["sv", "en"],
            features=["bildstod"],
        )
    with django_assert_max_num_queries(20):
        body = get(client, "/api/hsds/services?full=true&per_page=50")
    assert len(body["contents"]) == 50
    with django_assert_max_num_queries(20):
        body = get(client, "/api/hsds/service_at_locations?full=true&per_page=50")
    assert len(body["contents"]) == 50
    with django_assert_max_num_queries(20):
        body = get(client, "/api/hsds/organizations?full_service=true")
    assert len(body["contents"][0]["services"]) == 53


def test_organizations(client, directory, make_organisation):
    parent = directory["organisation"]
    child = make_organisation("Ungdomsgården")
    Organisation.objects.filter(pk=child.pk).update(parent=parent, website="https://ung.example")

    body = get(client, "/api/hsds/organizations")
    assert_valid("/organizations", body)
    assert names(body) == ["Mötesplatsföreningen", "Ungdomsgården"]
    listed = {item["name"]: item for item in body["contents"]}
    assert listed["Ungdomsgården"]["parent_organization_id"] == str(parent.uuid)
    assert listed["Ungdomsgården"]["website"] == "https://ung.example"
    assert names(get(client, "/api/hsds/organizations?search=gården")) == ["Ungdomsgården"]

    detail = get(client, f"/api/hsds/organizations/{parent.uuid}")
    assert_valid("/organizations/{id}", detail)
    assert sorted(s["name"] for s in detail["services"]) == [
        "Dagcafé",
        "Helgpromenad",
        "Kvällsfika",
    ]
    assert "service_at_locations" not in detail["services"][0]
    full = get(client, f"/api/hsds/organizations/{parent.uuid}?full_service=true")
    assert_valid("/organizations/{id}", full)
    assert "service_at_locations" in full["services"][0]

    full_list = get(client, "/api/hsds/organizations?full=true")
    assert_valid_page("/organizations", full_list, "compiled/organization")
    assert [len(item["services"]) for item in full_list["contents"]] == [3, 0]
    get(client, f"/api/hsds/organizations/{uuid.uuid4()}", status=404)


def test_service_at_locations(client, directory):
    online = directory["activities"]["helgpromenad"]
    Activity.objects.filter(pk=online.pk).update(online=True)
    body = get(client, "/api/hsds/service_at_locations")

    assert_valid("/service_at_locations", body)
    rows = [(item["service"]["name"], item["location"]["name"]) for item in body["contents"]]
    assert rows == [
        ("Dagcafé", "Centrumgården"),
        ("Helgpromenad", "Söderhuset"),
        ("Kvällsfika", "Söderhuset"),
        ("Helgpromenad", "På nätet"),
    ]
    virtual = body["contents"][3]
    assert virtual["location"]["location_type"] == "virtual"
    assert virtual["id"] == str(
        ids.service_at_location_id(online.uuid, ids.online_location_id(online.uuid))
    )
    paged = get(client, "/api/hsds/service_at_locations?per_page=3&page=2")
    assert [item["id"] for item in paged["contents"]] == [virtual["id"]]

    full = get(client, "/api/hsds/service_at_locations?full=true")
    assert_valid_page("/service_at_locations", full, "service_at_location")
    for item in body["contents"]:
        detail = get(client, f"/api/hsds/service_at_locations/{item['id']}")
        assert_valid("/service_at_locations/{id}", detail)
        assert detail["id"] == item["id"]
    draft = directory["activities"]["utkast"]
    hidden = ids.service_at_location_id(draft.uuid, directory["places"]["soder"].uuid)
    get(client, f"/api/hsds/service_at_locations/{hidden}", status=404)


def test_postcode_and_proximity(client, directory):
    soder, centrum = directory["places"]["soder"], directory["places"]["centrum"]
    Place.objects.filter(pk=soder.pk).update(
        postal_code="252 21", latitude=56.0400, longitude=12.7000
    )
    # About 1.1 km north of Söderhuset.
    Place.objects.filter(pk=centrum.pk).update(
        postal_code="252 25", latitude=56.0500, longitude=12.7000
    )

    def services(query):
        body = get(client, f"/api/hsds/service_at_locations?{query}")
        assert_valid("/service_at_locations", body)
        return sorted(item["service"]["name"] for item in body["contents"])

    assert services("postcode=25221") == ["Helgpromenad", "Kvällsfika"]
    assert services("postcode=252+25") == ["Dagcafé"]
    assert services("postcode=25221&proximity=500") == ["Helgpromenad", "Kvällsfika"]
    assert services("postcode=25221&proximity=2000") == ["Dagcafé", "Helgpromenad", "Kvällsfika"]
    assert services("postcode=25221&proximity=1000&taxonomy_term_id=friluftsliv") == [
        "Helgpromenad"
    ]

    lonely = get(client, "/api/hsds/service_at_locations?proximity=500", status=400)
    assert lonely["errors"] == {"proximity": ["Ange ett postnummer att mäta avståndet från."]}
    unknown = get(client, "/api/hsds/service_at_locations?postcode=99999&proximity=5", status=400)
    assert unknown["errors"] == {
        "postcode": [
            "Ingen av våra platser har postnumret 99999, så det finns ingen punkt att mäta "
            "avståndet från."
        ]
    }
    bad = get(client, "/api/hsds/service_at_locations?postcode=25221&proximity=-3", status=400)
    assert bad["errors"] == {"proximity": ["Ange ett avstånd i meter, mer än 0 och högst 100000."]}


def test_taxonomies(client, db):
    body = get(client, "/api/hsds/taxonomies")
    assert_valid("/taxonomies", body)
    assert names(body) == sorted(Taxonomy.values)
    target = ids.taxonomy_id(Taxonomy.TARGET_GROUP)
    detail = get(client, f"/api/hsds/taxonomies/{target}")
    assert_valid("/taxonomies/{id}", detail)
    assert detail == {"id": str(target), "name": "sammanhang-malgrupp", "description": "Målgrupp"}
    english = get(client, f"/api/hsds/taxonomies/{target}?lang=en")
    assert english["description"] == "Target group"
    assert names(get(client, "/api/hsds/taxonomies?search=kategori")) == ["sammanhang-kategori"]
    get(client, f"/api/hsds/taxonomies/{uuid.uuid4()}", status=404)


def test_taxonomy_terms(client, db):
    body = get(client, "/api/hsds/taxonomy_terms?per_page=200")
    assert_valid("/taxonomy_terms", body)
    assert body["total_items"] == Term.objects.count()

    winter = Term.objects.get(taxonomy=Taxonomy.EQUIPMENT, code="vinter")
    children = get(client, f"/api/hsds/taxonomy_terms?parent_id={winter.uuid}")
    assert_valid("/taxonomy_terms", children)
    expected = Term.objects.filter(parent=winter).values_list("code", flat=True)
    assert sorted(item["code"] for item in children["contents"]) == sorted(expected)
    assert {item["parent_id"] for item in children["contents"]} == {str(winter.uuid)}

    equipment = ids.taxonomy_id(Taxonomy.EQUIPMENT)
    top = get(client, f"/api/hsds/taxonomy_terms?taxonomy_id={equipment}&top_only=true")
    expected_top = Term.objects.filter(taxonomy=Taxonomy.EQUIPMENT, parent__isnull=True)
    assert sorted(item["code"] for item in top["contents"]) == sorted(
        expected_top.values_list("code", flat=True)
    )
    assert "vinter" in {item["code"] for item in top["contents"]}
    searched = get(client, "/api/hsds/taxonomy_terms?search=rullstol")
    assert [item["code"] for item in searched["contents"]] == ["rullstol"]

    older = term(Taxonomy.TARGET_GROUP, "aldre")
    detail = get(client, f"/api/hsds/taxonomy_terms/{older.uuid}")
    assert_valid("/taxonomy_terms/{id}", detail)
    assert (detail["code"], detail["name"], detail["language"]) == ("aldre", "Äldre (65+)", "sv")
    english = get(client, f"/api/hsds/taxonomy_terms/{older.uuid}?lang=en")
    assert (english["name"], english["language"]) == ("Older people (65+)", "en")
    missing = get(client, f"/api/hsds/taxonomy_terms?parent_id={uuid.uuid4()}", status=400)
    assert list(missing["errors"]) == ["parent_id"]
    get(client, f"/api/hsds/taxonomy_terms/{uuid.uuid4()}", status=404)


def test_head_and_cors_as_in_the_v1_api(client, directory):
    response = client.head("/api/hsds/services")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/hsds/services").status_code == 405


def test_open_data_doc_names_every_hsds_path_and_parameter():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[4] / "docs" / "open-data.md").read_text(
        encoding="utf-8"
    )
    section = doc.split("## HSDS 3.0 API")[1].split("\n## ")[0]
    document = json.loads((schemas.SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        assert f"`GET /api/hsds{path}`" in section, path
        for parameter in item["get"].get("parameters", []):
            name = parameter.get("name") or parameter["$ref"].rsplit("/", 1)[-1]
            assert f"`{name}`" in section, name
