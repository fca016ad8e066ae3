"""``import_hsds``: HSDS 3.0 in, through the directory services; idempotent, atomic, explanatory."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import (
    Activity,
    Municipality,
    Occurrence,
    Place,
    Schedule,
)
from sammanhang.interop.hsds import ids, importer, positions, schemas
from sammanhang.interop.models import ImportedRecord, UnmappedAttribute

EXAMPLES = schemas.SCHEMA_DIR.parent / "examples"
SCHEDULES_EXAMPLE = (
    schemas.SCHEMA_DIR.parent
    / "docs"
    / "figures"
    / "field-guidance"
    / "schedules"
    / "services.json"
)
UTC = ZoneInfo("UTC")

ORG = "5a1d8a3e-0000-4000-8000-000000000001"
SERVICE = "5a1d8a3e-0000-4000-8000-000000000002"
LOCATION = "5a1d8a3e-0000-4000-8000-000000000003"
SECOND = "5a1d8a3e-0000-4000-8000-000000000004"

pytestmark = pytest.mark.django_db


def _term(taxonomy: str, code: str) -> dict:
    return {
        "id": str(uuid.uuid5(ids.NAMESPACE, f"{taxonomy}:{code}")),
        "code": code,
        "name": code,
        "description": code,
        "taxonomy": taxonomy,
    }


def _attribute(taxonomy: str, code: str, value: str | None = None) -> dict:
    attribute = {
        "id": str(uuid.uuid5(ids.NAMESPACE, f"attribute:{taxonomy}:{code}")),
        "taxonomy_term": _term(taxonomy, code),
    }
    if value is not None:
        attribute["value"] = value
    return attribute


def _organization() -> dict:
    """An organisation with one service held at one place in Helsingborg, in our profile."""
    return {
        "id": ORG,
        "name": "Föreningen Gemenskap",
        "description": "En förening i Helsingborg.",
        "email": "info@gemenskap.example",
        "website": "https://gemenskap.example",
        "phones": [{"id": str(uuid.uuid5(ids.NAMESPACE, "phone")), "number": "042-12 34 56"}],
        "services": [
            {
                "id": SERVICE,
                "name": "Språkcafé",
                "description": "Prata svenska över en kopp kaffe.\n\nVi bjuder på fika.",
                "status": "active",
                "minimum_age": 16,
                "maximum_age": 99,
                "cost_options": [
                    {"id": str(uuid.uuid5(ids.NAMESPACE, "cost")), "option": "Gratis", "amount": 0}
                ],
                "languages": [
                    {"id": str(uuid.uuid5(ids.NAMESPACE, "sv")), "code": "sv"},
                    {"id": str(uuid.uuid5(ids.NAMESPACE, "ar")), "code": "ar"},
                ],
                "contacts": [{"id": str(uuid.uuid5(ids.NAMESPACE, "c")), "title": "Värd"}],
                "service_areas": [{"id": str(uuid.uuid5(ids.NAMESPACE, "area")), "name": "Söder"}],
                "attributes": [
                    _attribute("sammanhang-malgrupp", "nyanlanda"),
                    _attribute("sammanhang-kategori", "studier"),
                    _attribute("sammanhang-tillganglighet", "lugn-miljo", "true"),
                    _attribute("sammanhang-tillganglighet", "ledsagare-gratis", "false"),
                    _attribute("sammanhang-tillganglighet", "ingen-anmalan", "true"),
                    {
                        "id": str(uuid.uuid5(ids.NAMESPACE, "foreign")),
                        "value": "ja",
                        "taxonomy_term": {
                            "id": str(uuid.uuid5(ids.NAMESPACE, "foreign-term")),
                            "code": "BD-1800",
                            "name": "Language classes",
                            "description": "Open Eligibility",
                            "taxonomy": "open-eligibility",
                        },
                    },
                ],
                "service_at_locations": [
                    {
                        "id": str(
                            ids.service_at_location_id(uuid.UUID(SERVICE), uuid.UUID(LOCATION))
                        ),
                        "location": {
                            "id": LOCATION,
                            "location_type": "physical",
                            "name": "Söderhuset",
                            "transportation": "Buss 1 till Söder.",
                            "latitude": 56.04,
                            "longitude": 12.70,
                            "addresses": [
                                {
                                    "id": str(uuid.uuid5(ids.NAMESPACE, "address")),
                                    "address_1": "Södergatan 1",
                                    "city": "Helsingborg",
                                    "state_province": "Skåne",
                                    "postal_code": "252 25",
                                    "country": "SE",
                                    "address_type": "physical",
                                }
                            ],
                            "attributes": [_attribute("sammanhang-tillganglighet", "rullstol")],
                        },
                        "schedules": [
                            {
                                "id": str(uuid.uuid5(ids.NAMESPACE, "schedule")),
                                "freq": "WEEKLY",
                                "byday": "TU,TH",
                                "opens_at": "17:00",
                                "closes_at": "19:00",
                                "valid_from": "2026-01-01",
                            }
                        ],
                    }
                ],
            }
        ],
    }


def _write(tmp_path: Path, document, name: str = "data.json") -> Path:
    path = tmp_path / name
    text = (
        document
        if isinstance(document, str)
        else json.dumps(document, indent=2, ensure_ascii=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def _import(path: Path, source: str = "partner", **options) -> importer.Summary:
    return importer.import_path(path, importer.Options(source=source, **options))


def _failure(path: Path, source: str = "partner", **options) -> list[str]:
    with pytest.raises(importer.ImportFailed) as caught:
        _import(path, source, **options)
    return [str(problem) for problem in caught.value.problems]


def _line_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Line and column where ``needle`` starts in ``text`` (its ``occurrence``-th time)."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _state() -> dict:
    """What the directory holds, to compare before and after."""
    return {
        "counts": (
            Organisation.objects.count(),
            Activity.objects.count(),
            Place.objects.count(),
            Schedule.objects.count(),
            Occurrence.objects.count(),
            ImportedRecord.objects.count(),
            UnmappedAttribute.objects.count(),
        ),
        "activities": sorted(
            Activity.objects.values_list(
                "uuid", "title", "summary", "status", "is_free", "price", "age_min", "updated_at"
            )
        ),
        "places": sorted(Place.objects.values_list("uuid", "name", "district_id", "updated_at")),
    }


@pytest.fixture
def helsingborg(directory):
    return Municipality.objects.get(code="1283")


# --- mapping ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("helsingborg")
def test_an_organisation_with_a_service_at_a_place_maps_onto_the_directory(tmp_path, settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-03-02T12:00"

    summary = _import(_write(tmp_path, _organization()))

    organisation = Organisation.objects.get(uuid=ORG)
    assert (organisation.name, organisation.email, organisation.website, organisation.phone) == (
        "Föreningen Gemenskap",
        "info@gemenskap.example",
        "https://gemenskap.example",
        "042-12 34 56",
    )
    activity = Activity.objects.get(uuid=SERVICE)
    assert activity.organisation == organisation
    assert activity.title == "Språkcafé"
    assert activity.summary == "Prata svenska över en kopp kaffe."
    assert activity.description == "Vi bjuder på fika."
    assert activity.status == Activity.Status.PUBLISHED
    assert (activity.age_min, activity.age_max) == (16, 99)
    assert (activity.is_free, activity.price) == (True, "")
    assert (activity.companion_free, activity.drop_in) == ("no", True)
    assert activity.contact_role == "Värd"
    assert sorted(activity.languages.values_list("code", flat=True)) == ["ar", "sv"]
    assert list(activity.target_groups.values_list("code", flat=True)) == ["nyanlanda"]
    assert list(activity.categories.values_list("code", flat=True)) == ["studier"]
    assert list(activity.features.values_list("term__code", "value")) == [("lugn-miljo", "yes")]
    place = Place.objects.get(uuid=LOCATION)
    assert list(activity.places.all()) == [place]
    assert (place.name, place.street_address, place.postal_code, place.city) == (
        "Söderhuset",
        "Södergatan 1",
        "252 25",
        "Helsingborg",
    )
    assert place.district is not None
    assert (place.municipality.name, place.district.name) == ("Helsingborg", "Söder")
    assert (place.latitude, place.longitude, place.how_to_get_there) == (
        56.04,
        12.70,
        "Buss 1 till Söder.",
    )
    assert place.owner == organisation
    assert list(place.features.values_list("term__code", "value")) == [("rullstol", "yes")]
    schedule = activity.schedules.get()
    assert (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "WEEKLY",
        "TU,TH",
        time(17),
        time(19),
    )
    assert (schedule.valid_from, schedule.valid_to, schedule.place) == (
        date(2026, 1, 1),
        None,
        place,
    )
    first = activity.occurrences.filter(date__gte=date(2026, 3, 2)).first()
    assert first is not None
    assert first.district is not None
    assert (first.date, first.local_start, first.district.name) == (
        date(2026, 3, 3),
        time(17),
        "Söder",
    )
    unmapped = UnmappedAttribute.objects.get()
    assert (
        unmapped.record.kind,
        unmapped.record.record_uuid,
        unmapped.taxonomy,
        unmapped.code,
    ) == (
        "service",
        uuid.UUID(SERVICE),
        "open-eligibility",
        "BD-1800",
    )
    assert summary.lines() == [
        "Organisationer: 1 skapade, 0 uppdaterade, 0 oförändrade, 0 överhoppade",
        "Aktiviteter: 1 skapade, 0 uppdaterade, 0 oförändrade, 0 överhoppade",
        "Platser: 1 skapade, 0 uppdaterade, 0 oförändrade, 0 överhoppade",
        "Attribut i taxonomier som inte är våra (sparade, inte översatta): 1",
        "  Språkcafé: open-eligibility / BD-1800 = ja",
    ]


@pytest.mark.usefixtures("helsingborg")
def test_a_paid_inactive_service_is_cancelled_with_its_price(tmp_path):
    document = _organization()
    service = document["services"][0]
    service["status"] = "inactive"
    service["cost_options"] = [
        {"id": SECOND, "amount": 50, "currency": "sek", "amount_description": "per gång"}
    ]

    _import(_write(tmp_path, document))

    activity = Activity.objects.get(uuid=SERVICE)
    assert (activity.status, activity.is_free, activity.price) == (
        "cancelled",
        False,
        "50 SEK per gång",
    )


def test_a_location_whose_city_is_no_municipality_takes_the_option(tmp_path, helsingborg):
    document = _organization()
    location = document["services"][0]["service_at_locations"][0]["location"]
    location["addresses"][0]["city"] = "Råå"

    problems = _failure(path := _write(tmp_path, document))
    line, column = _line_of(path.read_text(), '"Råå"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, "
        "$.services[0].service_at_locations[0].location.addresses[0].city, fält city: "
        "Det finns ingen kommun som heter Råå i Sammanhang; ange en med --municipality."
    ]

    _import(path, municipality=helsingborg)

    assert Place.objects.get(uuid=LOCATION).municipality == helsingborg


@pytest.mark.usefixtures("helsingborg")
def test_a_weekly_schedule_of_a_location_becomes_its_opening_hours(tmp_path):
    document = _organization()
    location = document["services"][0]["service_at_locations"][0]["location"]
    location["schedules"] = [
        {
            "id": SECOND,
            "freq": "WEEKLY",
            "byday": "MO,WE",
            "opens_at": "09:00",
            "closes_at": "16:00",
        },
        {
            "id": str(uuid.uuid4()),
            "freq": "MONTHLY",
            "byday": "1SA",
            "opens_at": "10:00",
            "closes_at": "12:00",
        },
    ]
    path = _write(tmp_path, document)

    first = _import(path)
    again = _import(path)

    place = Place.objects.get(uuid=LOCATION)
    assert list(
        place.opening_hours.values_list("weekday", "opens_at", "closes_at", "valid_from")
    ) == [(1, time(9), time(16), None), (3, time(9), time(16), None)]
    assert first.lines()[3].startswith(
        "Scheman: 0 skapade, 0 uppdaterade, 0 oförändrade, 1 överhoppade"
    )
    assert again.lines()[2] == "Platser: 0 skapade, 0 uppdaterade, 1 oförändrade, 0 överhoppade"


def test_a_place_district_comes_from_its_region_before_the_service_areas(tmp_path, helsingborg):
    document = _organization()
    service = document["services"][0]
    service["service_areas"].append({"id": SECOND, "name": "Centrum"})
    sal = service["service_at_locations"][0]
    other = copy.deepcopy(sal)
    other["id"] = str(uuid.uuid4())
    other["location"]["id"] = str(uuid.uuid4())
    other["location"]["name"] = "Centrumgården"
    other["location"]["addresses"][0]["id"] = str(uuid.uuid4())
    other["location"]["addresses"][0]["region"] = "Centrum"
    other["schedules"] = []
    service["service_at_locations"].append(other)

    _import(_write(tmp_path, document))

    # Söderhuset has no region and two areas are named: its district cannot be told.
    assert Place.objects.get(uuid=LOCATION).district is None
    centrum = Place.objects.get(uuid=other["location"]["id"]).district
    assert centrum is not None
    assert centrum.name == "Centrum"


@pytest.mark.usefixtures("helsingborg")
def test_dtstart_after_valid_from_starts_the_schedule_only_when_the_rule_disagrees(tmp_path):
    document = _organization()
    sal = document["services"][0]["service_at_locations"][0]
    base = sal["schedules"][0] | {"valid_from": "2026-03-01"}  # a Sunday; sessions TU,TH
    sal["schedules"] = [
        base | {"dtstart": "2026-03-03"},  # the rule's own first session: valid_from stays
        base | {"id": SECOND, "byday": "MO", "dtstart": "2026-04-06"},  # later: dtstart wins
    ]

    _import(_write(tmp_path, document))

    starts = Activity.objects.get(uuid=SERVICE).schedules.values_list("byday", "valid_from")
    assert sorted(starts) == [("MO", date(2026, 4, 6)), ("TU,TH", date(2026, 3, 1))]


@pytest.mark.usefixtures("helsingborg")
def test_a_schedule_without_freq_on_one_day_is_held_once(tmp_path, settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-03-02T12:00"
    document = _organization()
    day = "2026-03-14"
    document["services"][0]["service_at_locations"][0]["schedules"] = [
        {
            "id": SECOND,
            "valid_from": day,
            "valid_to": day,
            "dtstart": day,
            "opens_at": "10:00",
            "closes_at": "14:00",
        }
    ]

    _import(_write(tmp_path, document))

    activity = Activity.objects.get(uuid=SERVICE)
    assert list(activity.schedules.values_list("freq", "valid_from", "valid_to")) == [
        ("ONCE", date(2026, 3, 14), None)
    ]
    assert list(activity.occurrences.values_list("date", "local_start")) == [
        (date(2026, 3, 14), time(10))
    ]


@pytest.mark.usefixtures("helsingborg")
def test_the_services_own_email_and_telephone_are_its_contact(tmp_path):
    document = _organization()
    service = document["services"][0]
    service["email"] = "cafe@gemenskap.example"
    service["phones"] = [{"id": SECOND, "number": "042-10 10 10"}]

    _import(_write(tmp_path, document))

    activity = Activity.objects.get(uuid=SERVICE)
    assert (activity.contact_email, activity.contact_phone) == (
        "cafe@gemenskap.example",
        "042-10 10 10",
    )


def test_a_parent_organisation_later_in_the_file_is_linked_and_a_cycle_is_refused(tmp_path):
    unit = {"id": SECOND, "name": "Enheten", "description": "", "parent_organization_id": ORG}
    department = {"id": ORG, "name": "Förvaltningen", "description": ""}
    # The department alone has only fields a taxonomy has too: the file's name says what it is.
    _import(_write(tmp_path, [unit, department], "organizations.json"))

    assert Organisation.objects.get(uuid=SECOND).parent == Organisation.objects.get(uuid=ORG)

    department["parent_organization_id"] = SECOND
    path = _write(tmp_path, [unit, department], "organizations.json")
    problems = _failure(path)

    line, column = _line_of(path.read_text(), f'"parent_organization_id": "{SECOND}"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column + len('"parent_organization_id": ')}, "
        "$[1].parent_organization_id, fält parent_organization_id: "
        "En organisation kan inte vara sin egen överordnade."
    ]
    assert Organisation.objects.get(uuid=ORG).parent is None


# --- every example of the specification -------------------------------------------------------


EXPECTED = {
    # example: (organisations, activities, places) it brings
    "base.json": (0, 0, 0),
    "location.json": (0, 0, 1),
    "organization_full.json": (1, 1, 1),
    "organization_list.json": (1, 0, 0),
    "service_at_location_full.json": (1, 1, 1),
    "service_at_location_list.json": (1, 1, 1),
    "service_full.json": (1, 1, 1),
    "service_list.json": (1, 1, 0),
    "tabular.json": (1, 1, 1),
    "taxonomy.json": (0, 0, 0),
    "taxonomy_list.json": (0, 0, 0),
    "taxonomy_term.json": (0, 0, 0),
    "taxonomy_term_list.json": (0, 0, 0),
}


def test_every_json_example_is_listed_here():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_every_example_of_the_specification_imports(example, helsingborg, make_organisation):
    home = make_organisation("Hemkommunen")
    before = (Organisation.objects.count(), Activity.objects.count(), Place.objects.count())

    _import(EXAMPLES / example, municipality=helsingborg, organisation=home)

    after = (Organisation.objects.count(), Activity.objects.count(), Place.objects.count())
    assert tuple(b - a for a, b in zip(before, after, strict=True)) == EXPECTED[example]
    state = _state()
    again = _import(EXAMPLES / example, municipality=helsingborg, organisation=home)
    assert _state() == state
    assert not any(count["created"] or count["updated"] for count in again.counts.values())
    if EXPECTED[example][1]:
        activity = Activity.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
        assert activity.title == "Community Counselling"
        assert activity.organisation.uuid == uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    if EXPECTED[example][2]:
        place = Place.objects.get(uuid="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
        # 100/101 is out of range: left out, not refused.
        assert (place.name, place.latitude, place.municipality) == (
            "MyCity Civic Center",
            None,
            helsingborg,
        )


def test_the_full_service_example_keeps_its_age_price_and_foreign_attribute(helsingborg):
    _import(EXAMPLES / "service_full.json", municipality=helsingborg)

    activity = Activity.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert (activity.age_min, activity.age_max) == (12, 100)
    assert (activity.is_free, activity.price) == (
        False,
        "Non-NHS patients are expected to pay for their counselling sessions. We charge a flat "
        "rate per hour of counselling. The current rate is £50 per hour. Please see our "
        "website for up to date prices.",
    )
    assert activity.contact_role == "Reception Manager"
    assert list(activity.languages.values_list("code", flat=True)) == ["ur"]
    # The schedule given on the service and again at the place is held once, at the place.
    assert list(
        activity.schedules.values_list("place__uuid", "byday", "valid_from", "valid_to")
    ) == [
        (
            uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5"),
            "TH,FR",
            date(2005, 1, 1),
            date(2005, 1, 1),
        )
    ]
    assert list(UnmappedAttribute.objects.values_list("taxonomy", "code", "value")) == [
        ("taxonomy", "code", "value")
    ]


# --- the schedules of the field guidance -------------------------------------------------------


def test_the_schedules_example_gives_the_sessions_it_describes(settings, make_organisation):
    settings.SAMMANHANG_FIXED_NOW = "2020-06-01T12:00"
    home = make_organisation("Rådgivningen")

    summary = _import(SCHEDULES_EXAMPLE, organisation=home)

    assert summary.notes == [
        "6 tider i scheman hade en tidszon; de lästes som svensk lokal tid, som profilen säger."
    ]

    activity = Activity.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    sessions = list(activity.occurrences.order_by("starts_at"))
    # The window starts a month back (2020-05-01); weekly Monday–Thursday until 2020-12-20,
    # twice a day; monthly on the first Saturday from July to November.
    weekdays = [
        day
        for day in (
            date.fromordinal(n)
            for n in range(date(2020, 5, 1).toordinal(), date(2020, 12, 21).toordinal())
        )
        if day.isoweekday() <= 4
    ]
    first_saturdays = [
        date(2020, 7, 4),
        date(2020, 8, 1),
        date(2020, 9, 5),
        date(2020, 10, 3),
        date(2020, 11, 7),
    ]
    expected = sorted(
        [(day, time(9), time(12)) for day in weekdays]
        + [(day, time(15), time(17)) for day in weekdays]
        + [(day, time(9), time(17)) for day in first_saturdays]
    )
    assert sorted((s.date, s.local_start, s.local_end) for s in sessions) == expected
    # Across the change from summer to winter time (25 October 2020) the wall clock stays
    # at nine and the instant moves by an hour.
    by_date = {(s.date, s.local_start): s for s in sessions}
    thursday, monday = (
        by_date[(date(2020, 10, 22), time(9))],
        by_date[(date(2020, 10, 26), time(9))],
    )
    assert thursday.starts_at == datetime(2020, 10, 22, 7, 0, tzinfo=UTC)
    assert monday.starts_at == datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
    assert monday.ends_at == datetime(2020, 10, 26, 11, 0, tzinfo=UTC)


# --- idempotent -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("helsingborg")
def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    path = _write(tmp_path, _organization())
    _import(path)
    before = _state()

    summary = _import(path)

    assert _state() == before
    assert summary.lines()[:3] == [
        "Organisationer: 0 skapade, 0 uppdaterade, 1 oförändrade, 0 överhoppade",
        "Aktiviteter: 0 skapade, 0 uppdaterade, 1 oförändrade, 0 överhoppade",
        "Platser: 0 skapade, 0 uppdaterade, 1 oförändrade, 0 överhoppade",
    ]


@pytest.mark.usefixtures("helsingborg")
def test_a_changed_file_updates_the_records_it_made(tmp_path):
    document = _organization()
    _import(_write(tmp_path, document))
    service = document["services"][0]
    service["name"] = "Språkcafé på Söder"
    service["service_at_locations"][0]["schedules"][0]["opens_at"] = "16:30"
    del service["attributes"][-1]

    summary = _import(_write(tmp_path, document))

    activity = Activity.objects.get(uuid=SERVICE)
    assert activity.title == "Språkcafé på Söder"
    assert list(activity.schedules.values_list("opens_at", flat=True)) == [time(16, 30)]
    assert (Activity.objects.filter(uuid=SERVICE).count(), UnmappedAttribute.objects.count()) == (
        1,
        0,
    )
    assert (
        summary.lines()[1] == "Aktiviteter: 0 skapade, 1 uppdaterade, 0 oförändrade, 0 överhoppade"
    )


# --- sources --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("helsingborg")
def test_a_record_of_another_source_is_refused(tmp_path):
    path = _write(tmp_path, _organization())
    _import(path, source="föreningsregistret")

    problems = _failure(path, source="kommunen")

    line, column = _line_of(path.read_text(), f'"{SERVICE}"')
    assert (
        f"{path}, rad {line}, kolumn {column}, $.services[0].id, fält id: {SERVICE} importerades "
        "från källan föreningsregistret; bara den källan kan ändra den."
    ) in problems
    assert len(problems) == 3  # the organisation, the service and the place


def test_a_record_made_in_sammanhang_is_not_overwritten(tmp_path, directory):
    activity = directory["activities"]["kvallsfika"]
    document = _organization()
    document["services"][0]["id"] = str(activity.uuid)

    problems = _failure(_write(tmp_path, document))

    assert any(
        f"{activity.uuid} är en post som skapats i Sammanhang, inte importerad; en import skriver "
        "inte över den." in problem
        for problem in problems
    )
    assert Activity.objects.get(pk=activity.pk).title == "Kvällsfika"


# --- atomic -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("helsingborg")
def test_a_bad_file_changes_nothing(tmp_path):
    _import(_write(tmp_path, _organization(), "first.json"))
    before = _state()
    document = _organization()
    document["services"][0]["name"] = "Nytt namn som inte får sparas"
    second = copy.deepcopy(document["services"][0])
    second["id"] = SECOND
    second["service_at_locations"] = []
    second["schedules"] = [
        {
            "id": str(uuid.uuid4()),
            "freq": "WEEKLY",
            "byday": "MO",
            "opens_at": "18:00",
            "closes_at": "17:00",
        }
    ]
    document["services"].append(second)

    problems = _failure(_write(tmp_path, document, "second.json"))

    assert len(problems) == 1
    assert _state() == before
    assert Activity.objects.get(uuid=SERVICE).title == "Språkcafé"


@pytest.mark.usefixtures("helsingborg")
def test_a_value_the_models_refuse_while_writing_rolls_everything_back(tmp_path):
    before = _state()
    document = _organization()
    document["website"] = "urn:isbn:0451450523"  # a URI to the schema, not a web address

    problems = _failure(path := _write(tmp_path, document))

    line, column = _line_of(path.read_text(), '"urn:isbn:0451450523"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, $.website, fält website: Fyll i en giltig URL."
    ]
    assert _state() == before


# --- explanatory ----------------------------------------------------------------------------------


def test_broken_json_is_refused_with_its_line_and_column(tmp_path):
    path = _write(tmp_path, '{\n  "id": "x",\n  "name": "Språkcafé"\n  "status": "active"\n}\n')

    assert _failure(path) == [
        f"{path}, rad 4, kolumn 3, $: Det här är inte JSON: Expecting ',' delimiter"
    ]


@pytest.mark.usefixtures("helsingborg")
def test_wrong_types_are_named_with_line_path_and_field(tmp_path):
    document = _organization()
    document["services"][0]["minimum_age"] = "sexton"
    document["services"][0]["languages"] = "sv"
    path = _write(tmp_path, document)
    text = path.read_text()

    problems = _failure(path)

    age_line, age_column = _line_of(text, '"sexton"')
    language_line, language_column = _line_of(text, '"languages": "sv"')
    assert problems == [
        f"{path}, rad {age_line}, kolumn {age_column}, $.services[0].minimum_age, fält "
        'minimum_age: ska vara ett tal, inte "sexton".',
        f"{path}, rad {language_line}, kolumn {language_column + len('"languages": ')}, "
        '$.services[0].languages, fält languages: ska vara en lista, inte "sv".',
    ]


@pytest.mark.usefixtures("helsingborg")
def test_an_unknown_code_in_one_of_our_taxonomies_is_refused_by_name(tmp_path):
    document = _organization()
    document["services"][0]["attributes"][0] = _attribute("sammanhang-malgrupp", "marsianer")
    path = _write(tmp_path, document)

    problems = _failure(path)

    line, column = _line_of(path.read_text(), '"marsianer"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, "
        "$.services[0].attributes[0].taxonomy_term.code, fält code: "
        "Okänd kod marsianer i taxonomin sammanhang-malgrupp."
    ]


@pytest.mark.usefixtures("helsingborg")
def test_a_schedule_that_closes_before_it_opens_is_refused(tmp_path):
    document = _organization()
    schedule = document["services"][0]["service_at_locations"][0]["schedules"][0]
    schedule["closes_at"] = "16:00:00"
    path = _write(tmp_path, document)

    problems = _failure(path)

    line, column = _line_of(path.read_text(), '"16:00:00"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, "
        "$.services[0].service_at_locations[0].schedules[0].closes_at, fält closes_at: "
        "Sluttiden 16:00 är inte efter starttiden 17:00."
    ]


@pytest.mark.usefixtures("helsingborg")
def test_one_id_for_two_different_records_is_refused_with_both_places(tmp_path):
    document = _organization()
    twin = copy.deepcopy(document["services"][0])
    twin["name"] = "Ett annat café"
    twin["service_at_locations"] = []
    document["services"].append(twin)
    path = _write(tmp_path, document)
    text = path.read_text()

    problems = _failure(path)

    first_line, first_column = _line_of(text, f'"{SERVICE}"')
    line, column = _line_of(text, '"Ett annat café"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, $.services[1].name, fält name: Id:t {SERVICE} ges "
        f"till två olika poster av slaget service (den andra står i {path}, rad {first_line}, "
        f"kolumn {first_column}); de skiljer sig i name."
    ]


@pytest.mark.usefixtures("helsingborg")
def test_one_id_for_two_different_schedules_is_refused(tmp_path):
    document = _organization()
    schedules = document["services"][0]["service_at_locations"][0]["schedules"]
    schedules.append({**schedules[0], "byday": "FR"})
    path = _write(tmp_path, document)

    problems = _failure(path)

    line, column = _line_of(path.read_text(), '"FR"')
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{path}, rad {line}, kolumn {column}, "
        "$.services[0].service_at_locations[0].schedules[1].byday, fält byday: Id:t "
    )
    assert "två olika poster av slaget schedule" in problems[0]


@pytest.mark.usefixtures("helsingborg")
def test_a_part_of_a_repeated_record_is_named_where_that_occurrence_has_it(tmp_path):
    document = _organization()
    sal = document["services"][0]["service_at_locations"][0]
    location = sal["location"]
    # The service (read first) nests the place briefly; the organisation lists it in full.
    sal["location"] = {k: location[k] for k in ("id", "location_type", "name")}
    location["schedules"] = [
        {"id": SECOND, "freq": "WEEKLY", "byday": "MO", "opens_at": "16:00", "closes_at": "09:00"}
    ]
    document["locations"] = [location]
    path = _write(tmp_path, document)

    problems = _failure(path)

    line, column = _line_of(path.read_text(), '"09:00"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, $.locations[0].schedules[0].closes_at, "
        "fält closes_at: Sluttiden 09:00 är inte efter starttiden 16:00."
    ]


def test_all_problems_are_reported_not_only_the_first(tmp_path, make_organisation):
    home = make_organisation("Hem")
    services = []
    for index, (opens, closes, code) in enumerate(
        [("10:00", "09:00", "barn"), ("10:00", "11:00", "ufo"), ("25:00", "26:00", "barn")]
    ):
        services.append(
            {
                "id": str(uuid.UUID(int=index + 1)),
                "name": f"Tjänst {index}",
                "status": "active",
                "schedules": [
                    {
                        "id": str(uuid.UUID(int=index + 100)),
                        "freq": "WEEKLY",
                        "byday": "MO",
                        "opens_at": opens,
                        "closes_at": closes,
                        "valid_from": "2026-01-01",
                    }
                ],
                "attributes": [_attribute("sammanhang-malgrupp", code)],
            }
        )

    problems = _failure(_write(tmp_path, services), organisation=home)

    assert [problem.split(", fält ")[1].split(":")[0] for problem in problems] == [
        "closes_at",
        "code",
        "opens_at",
        "closes_at",
    ]
    assert not Activity.objects.filter(title__startswith="Tjänst").exists()


def test_a_service_without_an_organisation_needs_the_option(tmp_path):
    path = _write(tmp_path, {"id": SERVICE, "name": "Fika", "status": "active"})

    assert _failure(path) == [
        f"{path}, rad 1, kolumn 1, $, fält organization_id: Tjänsten anger ingen organisation; "
        "säg vems den är med --organisation."
    ]


# --- folders and the command --------------------------------------------------------------


@pytest.mark.usefixtures("helsingborg")
def test_a_folder_is_imported_as_one_change(tmp_path):
    folder = tmp_path / "hsds"
    folder.mkdir()
    _write(folder, _organization(), "a.json")
    _write(
        folder,
        {"contents": [{"id": SECOND, "name": "Kör", "status": "active", "organization_id": ORG}]},
        "b.json",
    )

    _import(folder)

    assert set(Activity.objects.filter(organisation__uuid=ORG).values_list("title", flat=True)) == {
        "Språkcafé",
        "Kör",
    }


@pytest.mark.usefixtures("helsingborg")
def test_the_command_prints_the_summary_in_swedish(tmp_path):
    path = _write(tmp_path, _organization())
    out = StringIO()

    call_command("import_hsds", str(path), "--source", "partner", stdout=out)

    assert out.getvalue().splitlines()[0] == (
        "Organisationer: 1 skapade, 0 uppdaterade, 0 oförändrade, 0 överhoppade"
    )


def test_the_command_lists_every_problem_and_imports_nothing(tmp_path, directory):
    document = _organization()
    document["services"][0]["attributes"][0] = _attribute("sammanhang-malgrupp", "marsianer")
    err = StringIO()

    with pytest.raises(CommandError, match="Ingenting importerades: 1 problem."):
        call_command(
            "import_hsds", str(_write(tmp_path, document)), "--source", "partner", stderr=err
        )

    assert "Okänd kod marsianer i taxonomin sammanhang-malgrupp." in err.getvalue()
    assert not Organisation.objects.filter(uuid=ORG).exists()


def test_positions_are_kept_for_every_value():
    text = '{\n  "a": [1, {"b": "x"}],\n  "c": null\n}'

    located = positions.parse(text)

    assert located.value == json.loads(text)
    assert located.line_column(("a", 1, "b")) == (2, 18)
    assert located.line_column(("c",)) == (3, 8)
    assert positions.json_path(("a", 1, "b")) == "$.a[1].b"


def test_the_command_names_an_unknown_municipality_or_organisation(tmp_path, directory):
    path = str(_write(tmp_path, _organization()))

    with pytest.raises(CommandError, match="Det finns ingen kommun Atlantis."):
        call_command("import_hsds", path, "--source", "s", "--municipality", "Atlantis")
    with pytest.raises(CommandError, match="Det finns ingen organisation med kortnamnet nobody."):
        call_command("import_hsds", path, "--source", "s", "--organisation", "nobody")


def test_the_command_takes_the_municipality_by_code_and_the_organisation_by_slug(
    tmp_path, directory
):
    path = _write(tmp_path, {"id": LOCATION, "location_type": "physical", "name": "Parken"})

    call_command(
        "import_hsds",
        str(path),
        "--source",
        "s",
        "--municipality",
        "1283",
        "--organisation",
        directory["organisation"].slug,
        stdout=StringIO(),
    )

    place = Place.objects.get(uuid=LOCATION)
    assert (place.municipality.code, place.owner) == ("1283", directory["organisation"])


def test_a_record_of_no_known_kind_is_refused(tmp_path):
    path = _write(tmp_path, {"contents": [{"id": SERVICE, "title": "Fika"}]})

    assert _failure(path) == [
        f"{path}, rad 3, kolumn 5, $.contents[0]: Det går inte att avgöra vilket slags HSDS-post "
        "det här är (organization, service, location eller service_at_location)."
    ]


# --- schedule ids ----------------------------------------------------------------------------

SCHEDULE_ID = str(uuid.uuid5(ids.NAMESPACE, "schedule"))


def _sal_schedule(document: dict) -> dict:
    return document["services"][0]["service_at_locations"][0]["schedules"][0]


@pytest.mark.usefixtures("helsingborg")
def test_a_schedule_keeps_its_id_and_its_row_on_every_import(tmp_path):
    document = _organization()
    path = _write(tmp_path, document)
    _import(path)
    schedule = Schedule.objects.get(activity__uuid=SERVICE)
    assert str(schedule.uuid) == SCHEDULE_ID

    summary = _import(path)

    assert (
        summary.lines()[1] == "Aktiviteter: 0 skapade, 0 uppdaterade, 1 oförändrade, 0 överhoppade"
    )
    assert list(Schedule.objects.filter(activity__uuid=SERVICE).values_list("pk", "uuid")) == [
        (schedule.pk, schedule.uuid)
    ]

    # A later file changes the schedule's times: the schedule keeps its id.
    _sal_schedule(document)["opens_at"] = "18:00"
    _import(_write(tmp_path, document))
    changed = Schedule.objects.get(activity__uuid=SERVICE)
    assert (str(changed.uuid), changed.opens_at) == (SCHEDULE_ID, time(18))


@pytest.mark.usefixtures("helsingborg")
def test_a_schedule_id_of_another_activity_is_refused_by_name(tmp_path):
    taken = Schedule.objects.exclude(activity__uuid=SERVICE).select_related("activity")[0]
    document = _organization()
    _sal_schedule(document)["id"] = str(taken.uuid)
    path = _write(tmp_path, document)

    problems = _failure(path)

    line, column = _line_of(path.read_text(), f'"{taken.uuid}"')
    assert problems == [
        f"{path}, rad {line}, kolumn {column}, "
        "$.services[0].service_at_locations[0].schedules[0].id, fält id: "
        f"Schemats id {taken.uuid} används redan av {taken.activity.uuid}, en annan tjänst "
        "eller plats; ett schemas id hör till ett enda schema."
    ]
    assert not Activity.objects.filter(uuid=SERVICE).exists()


@pytest.mark.usefixtures("helsingborg")
def test_one_schedule_id_under_two_services_is_refused(tmp_path):
    document = _organization()
    second = copy.deepcopy(document["services"][0])
    second["id"] = SECOND
    second["service_at_locations"][0]["id"] = str(
        ids.service_at_location_id(uuid.UUID(SECOND), uuid.UUID(LOCATION))
    )
    document["services"].append(second)

    problems = _failure(_write(tmp_path, document))

    assert [p.split(", fält ")[1] for p in problems] == [
        f"id: Schemats id {SCHEDULE_ID} används redan av {SERVICE}, en annan tjänst eller "
        "plats; ett schemas id hör till ett enda schema."
    ]
    assert "$.services[1].service_at_locations[0].schedules[0].id" in problems[0]


@pytest.mark.usefixtures("helsingborg")
def test_opening_hours_keep_the_ids_of_their_schedules(tmp_path):
    document = _organization()
    location = document["services"][0]["service_at_locations"][0]["location"]
    monday, weekdays = uuid.uuid4(), uuid.uuid4()
    location["schedules"] = [
        {"id": str(monday), "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00",
         "closes_at": "12:00"},
        {"id": str(weekdays), "freq": "WEEKLY", "byday": "TU,WE", "opens_at": "13:00",
         "closes_at": "16:00"},
    ]  # fmt: skip
    path = _write(tmp_path, document)

    _import(path)
    rows = list(Place.objects.get(uuid=LOCATION).opening_hours.values_list("weekday", "uuid"))
    _import(path)

    # A one-day schedule (as we export them) keeps its id; the days of a longer one get ids
    # derived from it, the same on every import.
    assert rows == [
        (1, monday),
        (2, ids.part_id(weekdays, "weekday", 2)),
        (3, ids.part_id(weekdays, "weekday", 3)),
    ]
    assert list(Place.objects.get(uuid=LOCATION).opening_hours.values_list("weekday", "uuid")) == (
        rows
    )


# --- what a file holds ------------------------------------------------------------------------

FOREIGN_TAXONOMY = {"id": SECOND, "name": "open-eligibility", "description": "Open Eligibility"}


def test_a_taxonomy_without_version_is_not_taken_for_an_organisation(tmp_path, client, directory):
    before = Organisation.objects.count()
    ours = client.get("/api/hsds/taxonomies").content.decode()
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "hsds-page.json").write_text(ours, encoding="utf-8")
    (tmp_path / "named").mkdir()
    _write(tmp_path / "named", [FOREIGN_TAXONOMY], "taxonomies.json")
    _write(tmp_path / "named", {"contents": [FOREIGN_TAXONOMY]}, "taxonomy_list.json")
    (tmp_path / "wrapped").mkdir()
    _write(tmp_path / "wrapped", {"taxonomies": [FOREIGN_TAXONOMY]})

    # Ours are known by their ids; a file's HSDS name or a wrapper says what the rest are.
    assert _import(tmp_path / "page").counts["taxonomy"]["skipped"] == 4
    assert _import(tmp_path / "named").counts["taxonomy"]["skipped"] == 2
    assert _import(tmp_path / "wrapped").counts["taxonomy"]["skipped"] == 1
    assert Organisation.objects.count() == before


def test_a_record_that_fits_several_kinds_is_refused_not_guessed(tmp_path):
    path = _write(tmp_path, [FOREIGN_TAXONOMY])

    assert _failure(path) == [
        f"{path}, rad 2, kolumn 3, $[0]: Det går inte att avgöra vilket slags HSDS-post det här "
        "är: dess fält passar flera (en organization, en taxonomy och en taxonomy_term har id, "
        "name och description gemensamt). Ge filen namn efter slaget (organizations.json, "
        "taxonomies.json, taxonomy_terms.json …) eller lägg posterna i en lista under sitt slag, "
        'som i {"organizations": […]}.'
    ]
    assert not Organisation.objects.filter(uuid=SECOND).exists()

    _import(_write(tmp_path, [FOREIGN_TAXONOMY], "organizations.json"), source="partner")
    assert Organisation.objects.get(uuid=SECOND).name == "open-eligibility"


# --- the tabular data package (CSV) ----------------------------------------------------------


def test_the_specifications_csv_package_imports_like_its_json_form(helsingborg):
    before = (Organisation.objects.count(), Activity.objects.count(), Place.objects.count())

    _import(EXAMPLES / "csv", municipality=helsingborg)
    again = _import(EXAMPLES / "csv" / "datapackage.json", municipality=helsingborg)

    after = (Organisation.objects.count(), Activity.objects.count(), Place.objects.count())
    assert tuple(b - a for a, b in zip(before, after, strict=True)) == EXPECTED["tabular.json"]
    activity = Activity.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert (activity.title, activity.age_min, activity.age_max) == (
        "Community Counselling",
        12,
        100,
    )
    assert list(activity.schedules.values_list("place__uuid", "byday")) == [
        (uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5"), "TH,FR")
    ]
    assert not any(count["created"] or count["updated"] for count in again.counts.values())


def _csv_package(tmp_path: Path, table: str, column: str, value: str) -> Path:
    """The specification's CSV package with one cell of the first data row changed."""
    import csv
    import shutil

    folder = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", folder)
    with (folder / table).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] = value
    with (folder / table).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def test_a_csv_cell_of_the_wrong_type_is_refused_with_file_row_and_column(tmp_path, helsingborg):
    folder = _csv_package(tmp_path, "services.csv", "minimum_age", "tolv")

    problems = _failure(folder, municipality=helsingborg)

    assert problems == [
        f"{folder / 'services.csv'}, rad 2, kolumn minimum_age: tolv är inte ett tal."
    ]
    assert not Activity.objects.filter(uuid="ac148810-d857-441c-9679-408f346de14b").exists()


def test_a_csv_schedule_closing_before_it_opens_names_its_row(tmp_path, helsingborg):
    folder = _csv_package(tmp_path, "schedules.csv", "closes_at", "09:00:00")

    problems = _failure(folder, municipality=helsingborg)

    assert problems == [
        f"{folder / 'schedules.csv'}, rad 2, kolumn closes_at, "
        '$["schedules.csv"][0].closes_at, fält closes_at: '
        "Sluttiden 09:00 är inte efter starttiden 10:00."
    ]
