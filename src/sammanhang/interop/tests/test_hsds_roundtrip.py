"""Export → import reproduces the directory: what ``export_hsds`` writes, ``import_hsds`` reads
back into an empty directory with the same ids and the same facts (JSON and CSV alike),
schedule ids and so the iCalendar UIDs included."""

from __future__ import annotations

from datetime import date, time

import icalendar
import pytest

from sammanhang.accounts.models import Organisation
from sammanhang.directory import services
from sammanhang.directory.models import Activity, Municipality, Place
from sammanhang.interop.hsds import importer
from sammanhang.interop.hsds.export import export_write


def _snapshot() -> dict:
    activities = {}
    for activity in Activity.objects.exclude(status=Activity.Status.DRAFT):
        activities[activity.uuid] = {
            "organisation": activity.organisation.uuid,
            "fields": [
                getattr(activity, name)
                for name in (
                    "title",
                    "summary",
                    "description",
                    "status",
                    "is_free",
                    "price",
                    "age_min",
                    "age_max",
                    "companion_free",
                    "drop_in",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "online",
                )
            ],
            "target_groups": sorted(activity.target_groups.values_list("code", flat=True)),
            "categories": sorted(activity.categories.values_list("code", flat=True)),
            "languages": sorted(activity.languages.values_list("code", flat=True)),
            "features": sorted(
                (code, value)
                for code, value in activity.features.values_list("term__code", "value")
                if value != "unknown" and code not in ("ledsagare-gratis", "ingen-anmalan")
            ),
            "places": sorted(activity.places.values_list("uuid", flat=True)),
            "schedules": sorted(
                (
                    s.freq,
                    s.byday,
                    s.interval,
                    s.opens_at,
                    s.closes_at,
                    s.valid_from,
                    s.valid_to,
                    s.place.uuid if s.place else None,
                    s.uuid,
                )
                for s in activity.schedules.all()
            ),
            "occurrences": sorted(
                activity.occurrences.values_list("date", "local_start", "local_end", "starts_at")
            ),
        }
    places = {
        place.uuid: (
            place.name,
            place.owner.uuid,
            place.street_address,
            place.postal_code,
            place.municipality_id,
            place.district_id,
            place.latitude,
            place.longitude,
            place.how_to_get_there,
            place.description,
            sorted(place.features.values_list("term__code", "value")),
            sorted(place.opening_hours.values_list("weekday", "opens_at", "closes_at", "uuid")),
        )
        for place in Place.objects.all()
    }
    organisations = {
        o.uuid: (o.name, o.description, o.email, o.website, o.phone, o.parent_id is not None)
        for o in Organisation.objects.all()
    }
    return {"activities": activities, "places": places, "organisations": organisations}


def _empty_the_directory() -> None:
    Activity.objects.all().delete()
    Place.objects.all().delete()
    while Organisation.objects.exists():
        Organisation.objects.filter(children__isnull=True).delete()


def _calendar_uids(client) -> dict:
    """Each public activity's iCalendar UIDs, by the activity's id (its slug may change)."""
    uids = {}
    for activity in Activity.objects.filter(status=Activity.Status.PUBLISHED):
        response = client.get(f"/aktiviteter/{activity.slug}/kalender.ics")
        assert response.status_code == 200
        calendar = icalendar.Calendar.from_ical(response.content)
        uids[activity.uuid] = sorted({str(e["UID"]) for e in calendar.walk("VEVENT")})
    return uids


@pytest.mark.parametrize("form", ["json", "csv"])
def test_an_export_imported_into_an_empty_directory_gives_the_same_directory(
    form, directory, tmp_path, settings, client
):
    settings.SAMMANHANG_FIXED_NOW = "2026-03-02T12:00"
    soder = directory["places"]["soder"]
    services.place_update(
        actor=None,
        place=soder,
        street_address="Södergatan 1",
        postal_code="252 25",
        latitude=56.04,
        longitude=12.70,
        features={"rullstol": "yes", "hiss": "no"},
    )
    services.place_opening_hours_set(
        actor=None, place=soder, hours=[services.HoursSpec(1, time(9), time(16))]
    )
    services.schedule_add(
        actor=None,
        activity=directory["activities"]["helgpromenad"],
        freq="ONCE",
        opens_at=time(10),
        closes_at=time(14),
        valid_from=date(2026, 3, 21),
    )
    services.activity_update(
        actor=None,
        activity=directory["activities"]["dagcafe"],
        summary="Lunch och samtal.",
        description="Varje vardag.\n\nVälkommen!",
        contact_role="Värd",
        contact_email="cafe@example.se",
        features={"ledsagare-gratis": "yes", "lugn-miljo": "yes"},
    )
    for activity in Activity.objects.all():
        services.occurrences_rebuild(activity=activity)  # all in the same (fixed) window
    before = _snapshot()
    uids_before = _calendar_uids(client)
    export_write(tmp_path / "export")
    source = tmp_path / "export"
    if form == "json":
        # Every JSON file the export writes, taxonomies.json and taxonomy_terms.json too;
        # not the data package (a folder with one is read as the package).
        source = tmp_path / "json"
        source.mkdir()
        for path in (tmp_path / "export").glob("*.json"):
            if path.name != "datapackage.json":
                (source / path.name).write_bytes(path.read_bytes())
    _empty_the_directory()

    importer.import_path(
        source,
        importer.Options(source="partner", municipality=Municipality.objects.get(code="1283")),
    )

    after = _snapshot()
    # Same organisations, none more: the taxonomies are not read as organisations.
    assert after["organisations"] == before["organisations"]
    assert after["places"] == before["places"]
    assert after["activities"].keys() == before["activities"].keys()
    for key, facts in before["activities"].items():
        assert after["activities"][key] == facts, facts["fields"][0]
    # The same schedule ids, so a subscribed calendar sees the same events.
    uids_after = _calendar_uids(client)
    assert uids_after == uids_before
    assert any(uids_before.values())
