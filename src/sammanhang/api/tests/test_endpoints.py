"""The JSON API through HTTP: records, lists, pages, languages, errors, OpenAPI and CORS."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sammanhang.accounts import services as account_services
from sammanhang.api import records
from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    FeatureValue,
    Occurrence,
    OpeningHours,
    PlaceFeature,
)
from sammanhang.directory.templatetags.directory import schedule_words

from .conftest import make_activity, term

BAD_INPUT = "Några parametrar har värden som inte kan användas."
NOT_FOUND = "Här finns ingenting. Kontrollera adressen och identifieraren."
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$")


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_activity_record_has_every_public_fact(client, directory):
    activity = directory["activities"]["kvallsfika"]
    Activity.objects.filter(pk=activity.pk).update(
        contact_role="Samordnare", companion_terms="Med ledsagarintyg", capacity=12
    )
    body = get(client, "/api/v1/activities/kvallsfika")
    assert body["uuid"] == str(activity.uuid)
    assert body["url"] == "http://testserver/aktiviteter/kvallsfika/"
    assert body["title"] == "Kvällsfika"
    assert body["categories"] == [{"code": "motesplats", "name": "Mötesplats och gemenskap"}]
    assert body["target_groups"][0]["code"] == "psykisk-funktionsnedsattning"
    assert body["languages"] == [
        {"code": "ar", "name": "Arabiska"},
        {"code": "sv", "name": "Svenska"},
    ]
    assert body["features"] == [
        {"code": "lugn-miljo", "name": term("sammanhang-tillganglighet", "lugn-miljo").name_sv}
    ]
    assert (body["is_free"], body["price"], body["drop_in"], body["capacity"]) == (
        True,
        "",
        True,
        12,
    )
    assert (body["companion_free"], body["companion_terms"]) == ("yes", "Med ledsagarintyg")
    assert body["contact"]["role"] == "Samordnare"
    assert body["status"] == "published"
    assert body["organisation"]["name"] == "Mötesplatsföreningen"
    assert body["places"][0]["slug"] == "soderhuset"
    assert body["places"][0]["district"] == {"code": "soder", "name": "Söder"}
    assert body["schedule"] == ["tisdagar 17:00–19:00"]
    first = body["next_occurrences"][0]
    assert OFFSET.match(first["start"])
    assert OFFSET.match(first["end"])
    assert first["start"][11:16] == "17:00"
    assert first["cancelled"] is False
    by_uuid = get(client, f"/api/v1/activities/{activity.uuid}")
    assert by_uuid["slug"] == "kvallsfika"


def test_cancelled_occurrence_shows_with_its_reason(client, directory):
    walk = directory["activities"]["helgpromenad"]
    occurrence = Occurrence.objects.filter(activity=walk, starts_at__gt=timezone.now())[0]
    services.schedule_exception_add(
        actor=None,
        schedule=occurrence.schedule,
        kind="cancelled",
        day=occurrence.date,
        reason="Storm",
    )
    body = get(client, "/api/v1/activities/helgpromenad")
    cancelled = [o for o in body["next_occurrences"] if o["cancelled"]]
    assert cancelled
    assert cancelled[0]["reason"] == "Storm"


def test_summer_and_winter_times_carry_their_offsets():
    """17:00 local is 17:00+01:00 before the last Sunday of March and 17:00+02:00 after."""
    utc = ZoneInfo("UTC")
    winter = Occurrence(
        date=date(2026, 3, 28),
        weekday=6,
        local_start=time(17),
        local_end=time(19),
        starts_at=datetime(2026, 3, 28, 16, tzinfo=utc),
        ends_at=datetime(2026, 3, 28, 18, tzinfo=utc),
    )
    summer = Occurrence(
        date=date(2026, 3, 29),
        weekday=7,
        local_start=time(17),
        local_end=time(19),
        starts_at=datetime(2026, 3, 29, 15, tzinfo=utc),
        ends_at=datetime(2026, 3, 29, 17, tzinfo=utc),
    )
    assert records.occurrence(winter)["start"] == "2026-03-28T17:00:00+01:00"
    assert records.occurrence(summer)["start"] == "2026-03-29T17:00:00+02:00"
    assert records.occurrence(summer)["end"] == "2026-03-29T19:00:00+02:00"


@pytest.mark.parametrize("status", ["draft", "ended", "cancelled"])
def test_unpublished_activities_are_not_found(client, directory, status):
    activity = directory["activities"]["kvallsfika"]
    Activity.objects.filter(pk=activity.pk).update(status=status)
    assert get(client, "/api/v1/activities/kvallsfika", 404) == {"detail": NOT_FOUND, "errors": {}}
    assert get(client, f"/api/v1/activities/{activity.uuid}", 404)["detail"] == NOT_FOUND
    slugs = [a["slug"] for a in get(client, "/api/v1/activities")["results"]]
    assert "kvallsfika" not in slugs
    assert "utkast" not in slugs


@pytest.mark.parametrize(
    "ref",
    ["finns-inte", "00000000-0000-0000-0000-000000000000", "%00", "a%20b", "x" * 300, "ö'; --"],
)
@pytest.mark.parametrize("kind", ["activities", "places", "organisations"])
def test_unknown_or_malformed_identifiers_give_json_404(client, directory, kind, ref):
    assert get(client, f"/api/v1/{kind}/{ref}", 404)["detail"] == NOT_FOUND


def test_unknown_api_address_is_json_404(client, db):
    assert get(client, "/api/v1/nothing/here", 404)["detail"] == NOT_FOUND
    assert get(client, "/api/v2/activities", 404)["detail"] == NOT_FOUND


def test_english_names_by_parameter_or_header(client, directory):
    body = get(client, "/api/v1/activities/kvallsfika?lang=en")
    assert body["categories"] == [{"code": "motesplats", "name": "Meeting place and community"}]
    assert body["schedule"] == ["Tuesdays 17:00–19:00"]
    assert body["url"] == "http://testserver/en/aktiviteter/kvallsfika/"
    header = client.get("/api/v1/activities/kvallsfika", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert header.json()["languages"][0] == {"code": "ar", "name": "Arabic"}
    assert header["Content-Language"] == "en"
    swedish = client.get("/api/v1/activities/kvallsfika", HTTP_ACCEPT_LANGUAGE="de")
    assert swedish.json()["languages"][0]["name"] == "Arabiska"
    assert swedish["Content-Language"] == "sv"
    errors = get(client, "/api/v1/activities?lang=en&age=abc", 400)
    assert errors["detail"] == "Some parameters have values that cannot be used."
    assert errors["errors"] == {"age": ["Enter an age in whole years, such as 34."]}


def test_schedule_is_worded_as_on_the_pages(client, directory):
    """One wording for the site and the API (``schedule_words``), so they never disagree."""
    walk = directory["activities"]["helgpromenad"]
    record = get(client, f"/api/v1/activities/{walk.slug}", 200)
    schedules = sorted(walk.schedules.all(), key=lambda s: (s.valid_from, s.opens_at, s.pk))
    expected = [schedule_words(s) for s in schedules]
    assert expected
    assert record["schedule"] == expected
    assert all(word[:1].isalpha() for word in record["schedule"])


def test_activity_pages(client, directory):
    organisation, place = directory["organisation"], directory["places"]["centrum"]
    for n in range(5):
        make_activity(organisation, f"extra-{n}", place=place, byday="FR", opens=9 + n, closes=15)
    first = get(client, "/api/v1/activities?per_page=3&sort=name")
    assert (first["count"], first["page"], first["per_page"]) == (8, 1, 3)
    second = get(client, "/api/v1/activities?per_page=3&sort=name&page=2")
    third = get(client, "/api/v1/activities?per_page=3&sort=name&page=3")
    slugs = [a["slug"] for page in (first, second, third) for a in page["results"]]
    assert len(slugs) == len(set(slugs)) == 8
    assert get(client, "/api/v1/activities?per_page=3&page=4")["results"] == []
    default = get(client, "/api/v1/activities")
    assert default["per_page"] == 20
    assert len(default["results"]) == 8


def test_activity_list_runs_a_bounded_number_of_queries(client, directory):
    organisation, place = directory["organisation"], directory["places"]["centrum"]

    def queries(per_page):
        with CaptureQueriesContext(connection) as captured:
            get(client, f"/api/v1/activities?per_page={per_page}")
        return len(captured)

    queries(1)  # the finder's choice lists are read once, then kept (finder_choices)
    small = queries(1)
    for n in range(6):
        make_activity(organisation, f"more-{n}", place=place, byday="TH", languages=["sv", "en"])
    assert queries(9) == small


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("page=0", {"page": ["Kontrollera att detta värde är större än eller lika med 1."]}),
        ("page=abc", {"page": ["Fyll i ett heltal."]}),
        (
            "page=99999999999999999999",
            {"page": ["Kontrollera att detta värde är mindre än eller lika med 100000."]},
        ),
        (
            "per_page=101",
            {"per_page": ["Kontrollera att detta värde är mindre än eller lika med 100."]},
        ),
        ("per_page=1.5", {"per_page": ["Fyll i ett heltal."]}),
        ("lang=de", {"lang": ["de är inte ett av alternativen för det här filtret."]}),
        ("free=maybe", {"free": ["Skriv true eller false."]}),
        ("distrikt=soder", {"distrikt": ["Okänd parameter."]}),
        (
            "district=nowhere",
            {"district": ["nowhere är inte ett av alternativen för det här filtret."]},
        ),
        ("starts_after=25:99", {"starts_after": ["Skriv en tid som 16:00."]}),
        ("date_from=2026-13-01", {"date_from": ["Skriv ett datum som 2026-12-24."]}),
        (
            "date_from=2026-05-02&date_to=2026-05-01",
            {"date_to": ["Slutdatumet är före startdatumet."]},
        ),
        ("weekday=x", {"weekday": ["x är inte ett av alternativen för det här filtret."]}),
        ("age=121", {"age": ["Skriv en ålder mellan 0 och 120."]}),
        ("q=a%00b", {"q": ["Null-tecken är inte tillåtna."]}),
    ],
)
def test_bad_activity_filters_give_readable_400(client, directory, query, errors):
    body = get(client, "/api/v1/activities?" + query, 400)
    assert body == {"detail": BAD_INPUT, "errors": errors}


@pytest.mark.parametrize(
    "query",
    [
        "district=%00",
        "weekday=99999999999999999999",
        "age=1e400",
        "date_from=0001-01-01",
        "date_to=9999-12-31",
        "date_from=9999-12-31&date_to=9999-12-31",
        "starts_after=00:00&ends_before=23:59",
        "q=%22%27%3B--",
        "q=" + "ö" * 200,
        "sort=",
        "free=false&drop_in=0&open_now=true",
        "page=1&page=2",
    ],
)
def test_odd_values_never_give_a_server_error(client, directory, query):
    response = client.get("/api/v1/activities?" + query)
    assert response.status_code in (200, 400), response.content[:500]
    assert "detail" in response.json() or "results" in response.json()


def test_false_means_not_filtered(client, directory):
    everything = get(client, "/api/v1/activities")["count"]
    assert get(client, "/api/v1/activities?free=false")["count"] == everything
    assert get(client, "/api/v1/activities?free=true")["count"] == 2


def test_places_list_and_filters(client, directory):
    soder = directory["places"]["soder"]
    PlaceFeature.objects.create(
        place=soder, term=term("sammanhang-tillganglighet", "lugn-miljo"), value=FeatureValue.YES
    )
    assert [p["slug"] for p in get(client, "/api/v1/places")["results"]] == [
        "centrumgarden",
        "soderhuset",
    ]
    assert [p["slug"] for p in get(client, "/api/v1/places?district=soder")["results"]] == [
        "soderhuset"
    ]
    assert get(client, "/api/v1/places?municipality=helsingborg")["count"] == 2
    assert [p["slug"] for p in get(client, "/api/v1/places?feature=lugn-miljo")["results"]] == [
        "soderhuset"
    ]
    assert [p["slug"] for p in get(client, "/api/v1/places?q=centrum")["results"]] == [
        "centrumgarden"
    ]
    body = get(client, "/api/v1/places?district=mars&municipality=x&feature=y&bogus=1", 400)
    assert body["errors"] == {
        "bogus": ["Okänd parameter."],
        "district": ["mars är inte ett av alternativen för det här filtret."],
        "municipality": ["x är inte ett av alternativen för det här filtret."],
        "feature": ["y är inte ett av alternativen för det här filtret."],
    }


def test_place_detail(client, directory):
    soder = directory["places"]["soder"]
    soder.latitude, soder.longitude = 56.04, 12.70
    soder.save()
    OpeningHours.objects.create(place=soder, weekday=1, opens_at=time(9), closes_at=time(16))
    body = get(client, f"/api/v1/places/{soder.uuid}")
    assert body["slug"] == "soderhuset"
    assert body["coordinates"] == {"latitude": 56.04, "longitude": 12.70}
    assert body["municipality"]["slug"] == "helsingborg"
    assert body["opening_hours"] == [
        {
            "weekday": 1,
            "weekday_name": "måndag",
            "opens": "09:00",
            "closes": "16:00",
            "valid_from": None,
            "valid_to": None,
        }
    ]
    assert [a["slug"] for a in body["activities"]] == ["helgpromenad", "kvallsfika"]
    assert get(client, "/api/v1/places/soderhuset?page=2", 400)["errors"] == {
        "page": ["Okänd parameter."]
    }


def test_organisations(client, directory):
    account_services.organisation_create(
        actor=None, name="Kulturförvaltningen", slug="kultur", kind="municipal_department"
    )
    body = get(client, "/api/v1/organisations")
    assert [o["name"] for o in body["results"]] == ["Kulturförvaltningen", "Mötesplatsföreningen"]
    kinds = get(client, "/api/v1/organisations?kind=municipal_department")["results"]
    assert [(o["name"], o["kind"]["name"]) for o in kinds] == [
        ("Kulturförvaltningen", "Kommunal förvaltning")
    ]
    assert get(client, "/api/v1/organisations?q=mötes")["count"] == 1
    assert get(client, "/api/v1/organisations?kind=sect", 400)["errors"] == {
        "kind": ["sect är inte ett av alternativen för det här filtret."]
    }
    slug = directory["organisation"].slug
    detail = get(client, f"/api/v1/organisations/{slug}")
    assert [a["slug"] for a in detail["activities"]] == ["dagcafe", "helgpromenad", "kvallsfika"]


def test_filters_lists_every_finder_field_with_its_values(client, directory):
    from sammanhang.directory.forms import FinderForm

    body = get(client, "/api/v1/filters")
    by_name = {f["name"]: f for f in body["filters"]}
    assert list(by_name) == list(FinderForm().fields)
    assert by_name["district"]["choices"] == [
        {"code": "centrum", "name": "Centrum"},
        {"code": "soder", "name": "Söder"},
    ]
    assert {"code": "evening", "name": "Kväll (börjar 16.00 eller senare)"} in by_name[
        "time_of_day"
    ]["choices"]
    assert [c["code"] for c in by_name["when"]["choices"]] == ["today", "tomorrow", "this_week"]
    assert by_name["language"]["choices"] == [
        {"code": "ar", "name": "Arabiska"},
        {"code": "sv", "name": "Svenska"},
    ]
    assert by_name["category"]["choices"]
    assert by_name["target_group"]["choices"]
    assert by_name["feature"]["choices"]
    assert by_name["free"]["type"] == "boolean"
    english = get(client, "/api/v1/filters?lang=en")
    assert {f["name"]: f["label"] for f in english["filters"]}["district"] == "District"
    assert by_name["municipality"]["choices"] == [{"code": "helsingborg", "name": "Helsingborg"}]


def test_openapi_lists_every_endpoint_and_finder_parameter(client, db):
    from sammanhang.directory.forms import FinderForm

    schema = get(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/activities",
        "/api/v1/activities/{ref}",
        "/api/v1/places",
        "/api/v1/places/{ref}",
        "/api/v1/organisations",
        "/api/v1/organisations/{ref}",
        "/api/v1/filters",
        "/api/v1/deletions",
    }
    names = {p["name"] for p in schema["paths"]["/api/v1/activities"]["get"]["parameters"]}
    assert names == set(FinderForm.base_fields) | {"page", "per_page", "lang", "modified_after"}
    assert "400" in schema["paths"]["/api/v1/activities"]["get"]["responses"]


def test_docs_page_loads_swagger_from_our_own_static_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    scripts = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert scripts
    assert all(s.startswith("/static/") for s in scripts)


def test_cors_lets_any_site_read(client, directory):
    response = client.get("/api/v1/activities", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    error = client.get("/api/v1/activities?age=x", HTTP_ORIGIN="https://example.org")
    assert error["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/activities",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Origin" not in client.get("/aktiviteter/")


def test_writes_are_not_allowed(client, directory):
    response = client.post("/api/v1/activities", {"title": "x"})
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_head_is_answered_like_get(client, directory):
    response = client.head("/api/v1/activities")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) > 100
    assert response["Access-Control-Allow-Origin"] == "*"


def test_api_doc_names_every_endpoint_and_finder_parameter(client, db):
    from pathlib import Path

    from sammanhang.directory.forms import FinderForm

    doc = (Path(__file__).resolve().parents[4] / "docs" / "api.md").read_text(encoding="utf-8")
    for path in get(client, "/api/v1/openapi.json")["paths"]:
        assert path.replace("{ref}", "{uuid-or-slug}") in doc, path
    for name in FinderForm.base_fields:
        assert f"`{name}`" in doc, name


@pytest.mark.parametrize("kind", ["places", "organisations"])
def test_place_and_organisation_lists_run_a_bounded_number_of_queries(
    client, directory, make_organisation, kind
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = get(client, f"/api/v1/{kind}?per_page=50")
        return len(captured), body["count"]

    queries()  # the district choices are read once, then kept (finder_choices)
    small, before = queries()
    soder = directory["places"]["soder"]
    for n in range(4):
        organisation = make_organisation(f"Förening {n}")
        place = type(soder).objects.create(
            slug=f"plats-{n}",
            name=f"Plats {n}",
            owner=organisation,
            municipality=soder.municipality,
            district=soder.district,
        )
        PlaceFeature.objects.create(
            place=place, term=term("sammanhang-tillganglighet", "lugn-miljo"), value="yes"
        )
    large, after = queries()
    assert after == before + 4
    assert large == small


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/places?q=a%00b",
        "/api/v1/places?district=%00",
        "/api/v1/places?feature=%C3%B6&municipality=",
        "/api/v1/places?per_page=0",
        "/api/v1/organisations?kind=%00",
        "/api/v1/organisations?q=" + "x" * 500,
        "/api/v1/organisations?page=-1",
        "/api/v1/filters?district=soder",
        "/api/v1/activities/kvallsfika?lang=%00",
        "/api/v1/places/%E2%9C%93",
        "/api/v1/organisations/..%2F..%2Fetc",
    ],
)
def test_odd_place_and_organisation_values_never_give_a_server_error(client, directory, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), response.content[:500]
    assert response.json()["detail"] in (BAD_INPUT, NOT_FOUND)


@pytest.mark.parametrize("header", ["*", "en;q=abc", "xx-YY", "", "sv;q=0.1, en;q=0.9", "," * 50])
def test_odd_accept_language_headers_are_harmless(client, directory, header):
    response = client.get("/api/v1/filters", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == ("en" if "en;q=0.9" in header else "sv")


def test_distance_from_the_finder_is_in_the_record(rf, directory):
    activity = directory["activities"]["kvallsfika"]
    request = rf.get("/api/v1/activities")
    assert records.activity(request, activity, occurrences=[])["distance_km"] is None
    activity.distance_km = 1.23456
    assert records.activity(request, activity, occurrences=[])["distance_km"] == 1.23


def test_filters_list_a_chosen_municipalitys_districts_when_there_are_several(client, directory):
    from sammanhang.directory.models import District, Municipality

    other = Municipality.objects.create(code="1284", name="Höganäs", slug="hoganas")
    District.objects.create(municipality=other, code="centrum", name="Höganäs centrum")
    District.objects.create(municipality=other, code="nyhamnslage", name="Nyhamnsläge")

    def districts(query: str) -> list[dict[str, str]]:
        filters = get(client, "/api/v1/filters" + query)["filters"]
        return {f["name"]: f for f in filters}["district"]["choices"]

    # Two municipalities both have a "centrum": without one chosen, no district is listed.
    assert districts("") == []
    assert districts("?municipality=hoganas") == [
        {"code": "centrum", "name": "Höganäs centrum"},
        {"code": "nyhamnslage", "name": "Nyhamnsläge"},
    ]
    assert [d["code"] for d in districts("?municipality=helsingborg")] == ["centrum", "soder"]
    body = get(client, "/api/v1/filters?municipality=mars", 400)
    assert body["errors"] == {
        "municipality": ["mars är inte ett av alternativen för det här filtret."]
    }
