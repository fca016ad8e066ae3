"""The HSDS serialiser on small, exact cases: schedules, exceptions in words, places,
online activities, empty fields, languages and drafts."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import translation

from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    ExceptionKind,
    FeatureValue,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Schedule,
    Taxonomy,
)
from sammanhang.interop.hsds import ids, schemas, selectors, serialize

from .conftest import make_activity, term

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.fixture(autouse=True)
def _fixed_clock(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T09:00:00+01:00"


def _service(activity: Activity) -> dict:
    found = selectors.service_by_id(activity.uuid)
    assert found is not None
    record = serialize.service(found)
    problems = list(schemas.problems(record, schemas.validator("service")))
    assert problems == []
    return record


def _empty_values(node, path="$"):
    """Every ``None``, ``""`` or ``[]`` anywhere in the document, by path."""
    if node is None or node == "" or node == []:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _empty_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _empty_values(value, f"{path}[{number}]")


def _rules(record: dict) -> list[dict]:
    return [s for at in record.get("service_at_locations", []) for s in at.get("schedules", [])]


def test_a_weekly_schedule_names_its_place_and_first_session(directory):
    activity = directory["activities"]["helgpromenad"]
    rule = activity.schedules.get()
    Schedule.objects.filter(pk=rule.pk).update(valid_from=date(2026, 12, 2), interval=2)

    (record,) = _rules(_service(activity))

    place = directory["places"]["soder"]
    assert record == {
        "id": str(rule.uuid),
        "service_id": str(activity.uuid),
        "location_id": str(place.uuid),
        "service_at_location_id": str(ids.service_at_location_id(activity.uuid, place.uuid)),
        "valid_from": "2026-12-02",
        "dtstart": "2026-12-05",  # the first Saturday on or after valid_from
        "freq": "WEEKLY",
        "wkst": "MO",
        "interval": 2,
        "byday": "SA",
        "opens_at": "11:00",
        "closes_at": "13:00",
        "description": "Lördagar varannan vecka 11:00–13:00.",
    }


def test_monthly_and_one_off_schedules(directory):
    activity = directory["activities"]["kvallsfika"]
    place = directory["places"]["soder"]
    services.schedule_add(
        actor=None,
        activity=activity,
        freq="MONTHLY",
        byday="1SA",
        opens_at=time(10),
        closes_at=time(12),
        valid_from=date(2026, 12, 1),
        valid_to=date(2027, 5, 31),
        place_id=place.pk,
    )
    services.schedule_add(
        actor=None,
        activity=activity,
        freq="ONCE",
        opens_at=time(18),
        closes_at=time(21),
        valid_from=date(2026, 12, 13),
        place_id=place.pk,
    )

    _weekly, monthly, once = _rules(_service(activity))

    assert (monthly["freq"], monthly["byday"], monthly["dtstart"]) == (
        "MONTHLY",
        "1SA",
        "2026-12-05",
    )
    assert (monthly["valid_to"], monthly["until"]) == ("2027-05-31", "2027-05-31")
    assert {"freq", "byday", "interval"}.isdisjoint(once)
    assert (once["valid_from"], once["valid_to"], once["dtstart"]) == ("2026-12-13",) * 3
    assert (once["opens_at"], once["closes_at"]) == ("18:00", "21:00")


def test_cancelled_and_extra_dates_are_described_in_words(directory):
    activity = directory["activities"]["kvallsfika"]
    rule = activity.schedules.get()
    for day, kind, reason in [
        (date(2026, 11, 24), ExceptionKind.CANCELLED, "Passerat"),
        (date(2026, 12, 8), ExceptionKind.CANCELLED, "Personalfest"),
        (date(2026, 12, 22), ExceptionKind.CANCELLED, ""),
        (date(2026, 12, 27), ExceptionKind.EXTRA, "Julfika"),
    ]:
        services.schedule_exception_add(
            actor=None,
            schedule=rule,
            kind=kind,
            day=day,
            reason=reason,
            opens_at=time(15) if kind == ExceptionKind.EXTRA else None,
            closes_at=time(17) if kind == ExceptionKind.EXTRA else None,
        )

    (record,) = _rules(_service(activity))
    assert record["description"] == (
        "Tisdagar 17:00–19:00. Inställt tisdag 8 december 2026 (Personalfest), "
        "tisdag 22 december 2026. Extra tillfälle söndag 27 december 2026 15:00–17:00."
    )
    with translation.override("en"):
        (english,) = _rules(_service(activity))
    assert english["description"] == (
        "Tuesdays 17:00–19:00. Cancelled on Tuesday 8 December 2026 (Personalfest), "
        "Tuesday 22 December 2026. Extra session on Sunday 27 December 2026 15:00–17:00."
    )


def test_a_place_becomes_a_full_location(directory):
    place = directory["places"]["soder"]
    Place.objects.filter(pk=place.pk).update(
        street_address="Södergatan 1",
        postal_code="252 25",
        latitude=56.04,
        longitude=12.70,
        how_to_get_there="Buss 1 till Söder.",
    )
    PlaceFeature.objects.create(
        place=place, term=term(Taxonomy.ACCESSIBILITY, "rullstol"), value=FeatureValue.YES
    )
    PlaceFeature.objects.create(
        place=place, term=term(Taxonomy.ACCESSIBILITY, "hiss"), value=FeatureValue.NO
    )
    PlaceFeature.objects.create(
        place=place, term=term(Taxonomy.ACCESSIBILITY, "horslinga"), value=FeatureValue.UNKNOWN
    )
    tuesdays = OpeningHours.objects.create(
        place=place, weekday=2, opens_at=time(9), closes_at=time(16)
    )
    OpeningHours.objects.create(place=place, weekday=3, opens_at=time(9), closes_at=time(16))
    PlaceClosure.objects.create(place=place, date=date(2026, 12, 8), reason="Inventering")

    (found,) = selectors._places_with_relations().filter(pk=place.pk)
    record = serialize.location(found, base_url="https://example.se")

    assert list(schemas.problems(record, schemas.validator("location"))) == []
    assert record["url"] == "https://example.se/platser/soderhuset/"
    assert record["transportation"] == "Buss 1 till Söder."
    assert record["addresses"] == [
        {
            "id": str(ids.part_id(place.uuid, "address", "physical")),
            "location_id": str(place.uuid),
            "address_1": "Södergatan 1",
            "region": "Söder",
            "city": "Helsingborg",
            "state_province": "Skåne län",
            "postal_code": "252 25",
            "country": "SE",
            "address_type": "physical",
        }
    ]
    assert record["accessibility"][0]["description"] == (
        "Tillgängligt med rullstol: ja. Hiss: nej."
    )
    assert {(a["taxonomy_term"]["code"], a["value"]) for a in record["attributes"]} == {
        ("rullstol", "true"),
        ("hiss", "false"),
    }
    tuesday, wednesday = record["schedules"]
    assert tuesday["id"] == str(tuesdays.uuid)
    assert (tuesday["byday"], tuesday["opens_at"], tuesday["closes_at"]) == ("TU", "09:00", "16:00")
    assert tuesday["description"] == "Stängt tisdag 8 december 2026."
    assert "description" not in wednesday


def test_an_online_activity_has_a_virtual_location_and_its_schedule_on_the_service(directory):
    activity = make_activity(
        directory["organisation"],
        "digital-fika",
        place=directory["places"]["soder"],
        title="Digital fika",
        online=True,
    )
    activity.places.clear()
    Schedule.objects.filter(activity=activity).update(place=None)

    record = _service(activity)

    (online,) = record["service_at_locations"]
    virtual = ids.online_location_id(activity.uuid)
    assert online["location"] == {
        "id": str(virtual),
        "location_type": "virtual",
        "organization_id": str(directory["organisation"].uuid),
        "name": "På nätet",
    }
    assert online["id"] == str(ids.service_at_location_id(activity.uuid, virtual))
    assert [s["byday"] for s in record["schedules"]] == ["TU"]
    assert "service_areas" not in record


def test_no_field_is_sent_empty(directory):
    activity = make_activity(
        directory["organisation"],
        "tom",
        place=directory["places"]["centrum"],
        languages=[],
        summary="",
        easy_read="Vi ses och pratar.",
    )

    record = _service(activity)

    # The organisation has written no description, and the schema requires one.
    assert list(_empty_values(record)) == ["$.organization.description"]
    assert record["description"] == "Vi ses och pratar.", "easy-read only when nothing else"
    assert {"languages", "contacts", "email", "phones", "maximum_age"}.isdisjoint(record)


def test_english_texts_and_term_names(directory):
    activity = directory["activities"]["dagcafe"]
    Activity.objects.filter(pk=activity.pk).update(summary_en="A day café")
    with translation.override("en"):
        record = _service(activity)
    assert record["description"].startswith("A day café")
    older = next(a for a in record["attributes"] if a["taxonomy_term"]["code"] == "aldre")
    assert older["taxonomy_term"]["name"] == "Older people (65+)"
    assert older["taxonomy_term"]["language"] == "en"
    assert older["id"] == str(ids.part_id(activity.uuid, "attribute", "aldre"))
    assert older["taxonomy_term"]["taxonomy_id"] == str(ids.taxonomy_id(Taxonomy.TARGET_GROUP))


def test_a_draft_is_never_serialised(directory):
    draft = directory["activities"]["utkast"]
    assert selectors.service_by_id(draft.uuid) is None
    with pytest.raises(ValueError, match="draft"):
        serialize.service(Activity.objects.get(pk=draft.pk))
    with pytest.raises(ValueError, match="draft"):
        serialize.service_minimal(Activity.objects.get(pk=draft.pk))
