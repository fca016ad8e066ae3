"""Incremental sync through HTTP: ``modified_after`` on the lists, ``/deletions``, and a mirror
kept only from those feeds that always equals what the API publishes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from sammanhang.accounts import services as account_services
from sammanhang.core.models import Tombstone
from sammanhang.directory import services
from sammanhang.directory.models import Activity

from .conftest import make_activity

BAD_INPUT = "Några parametrar har värden som inte kan användas."
EPOCH = "1970-01-01T00:00:00Z"


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def pages(client, path, since, per_page=2):
    """Every record of a list with ``modified_after``, read a page at a time."""
    records, page = [], 1
    while True:
        body = get(client, f"{path}?modified_after={quote(since)}&per_page={per_page}&page={page}")
        records.extend(body["results"])
        if page * per_page >= body["count"]:
            return records
        page += 1


LISTS = {"activity": "activities", "place": "places", "organisation": "organisations"}


class Mirror:
    """A consumer as docs/open-data.md tells it to work: changes and deletions applied in time
    order, the next sync starting from the latest time seen."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict]] = {kind: {} for kind in LISTS}
        self.cursor = EPOCH

    def sync(self, client) -> None:
        events = []
        for kind, path in LISTS.items():
            for record in pages(client, f"/api/v1/{path}", self.cursor):
                events.append((record["updated_at"], 1, kind, record))
        for gone in pages(client, "/api/v1/deletions", self.cursor):
            events.append((gone["deleted_at"], 0, gone["kind"], gone))
        for when, is_record, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            if is_record:
                self.records[kind][item["uuid"]] = item
            else:
                self.records[kind].pop(item["uuid"], None)
            self.cursor = max(self.cursor, when)


def published(client):
    """What the API publishes now, read in full."""
    return {
        kind: {r["uuid"]: r for r in pages(client, f"/api/v1/{path}", EPOCH, per_page=100)}
        for kind, path in LISTS.items()
    }


def test_mirror_kept_from_the_feeds_equals_what_is_published(client, directory, make_user):
    """Create, edit, publish, unpublish, cancel a date, cancel, delete: after each step a sync
    from the last cursor makes the mirror equal to the published set."""
    mirror = Mirror()
    organisation = directory["organisation"]
    soder = directory["places"]["soder"]
    kvallsfika = directory["activities"]["kvallsfika"]

    def step():
        mirror.sync(client)
        now = published(client)
        assert mirror.records == now
        public = {
            str(u)
            for u in Activity.objects.filter(status="published").values_list("uuid", flat=True)
        }
        assert set(now["activity"]) == public

    step()
    assert len(mirror.records["activity"]) == 3  # the draft is not public

    # create (a draft: nothing public changes), then publish
    activity = services.activity_create(
        actor=None, organisation=organisation, slug="schack", title="Schack", summary="Spel"
    )
    services.schedule_add(
        actor=None,
        activity=activity,
        freq="WEEKLY",
        byday="WE",
        opens_at=time(18),
        closes_at=time(20),
        valid_from=date.today(),
        place_id=soder.pk,
    )
    step()
    assert str(activity.uuid) not in mirror.records["activity"]
    services.activity_set_status(actor=None, activity=activity, status="published")
    step()
    assert mirror.records["activity"][str(activity.uuid)]["title"] == "Schack"

    # edit the text, the terms, the languages, the places
    services.activity_update(actor=None, activity=activity, title="Schackklubben")
    step()
    assert mirror.records["activity"][str(activity.uuid)]["title"] == "Schackklubben"
    services.activity_update(
        actor=None,
        activity=activity,
        categories=["motesplats"],
        languages=["sv", "fi"],
        places=[soder, directory["places"]["centrum"]],
    )
    step()
    services.schedule_exception_add(
        actor=None,
        schedule=activity.schedules.get(),
        kind="cancelled",
        day=date.today() + timedelta(days=(2 - date.today().weekday()) % 7 or 7),
        reason="Sjukdom",
    )
    step()
    assert any(
        o["cancelled"] for o in mirror.records["activity"][str(activity.uuid)]["next_occurrences"]
    )

    # a place renamed: its record and the records of the activities held there change
    services.place_update(actor=None, place=soder, name="Söderhuset 2")
    step()
    assert mirror.records["activity"][str(kvallsfika.uuid)]["places"][0]["name"] == "Söderhuset 2"
    services.place_closure_add(
        actor=None, place=soder, day=date.today() + timedelta(days=3), reason="Städning"
    )
    step()

    # the organisation renamed: its record and those of its activities, which show its name
    account_services.organisation_update(
        actor=None, organisation=organisation, name="Mötesplatsföreningen Söder"
    )
    step()
    renamed = mirror.records["activity"][str(kvallsfika.uuid)]["organisation"]["name"]
    assert renamed == "Mötesplatsföreningen Söder"

    # unpublish, publish again, cancel, end
    services.activity_set_status(actor=None, activity=activity, status="draft")
    step()
    assert str(activity.uuid) not in mirror.records["activity"]
    services.activity_set_status(actor=None, activity=activity, status="published")
    step()
    assert str(activity.uuid) in mirror.records["activity"]
    services.activity_set_status(actor=None, activity=kvallsfika, status="cancelled")
    step()
    assert str(kvallsfika.uuid) not in mirror.records["activity"]

    # delete an activity (a draft first), a place and an organisation
    services.activity_set_status(actor=None, activity=activity, status="draft")
    services.activity_delete(actor=None, activity=activity)
    step()
    other = make_organisation_with_place(directory)
    step()
    assert str(other["place"].uuid) in mirror.records["place"]
    services.place_delete(actor=None, place=other["place"])
    account_services.organisation_delete(actor=None, organisation=other["organisation"])
    step()
    assert str(other["place"].uuid) not in mirror.records["place"]
    assert str(other["organisation"].uuid) not in mirror.records["organisation"]


def hsds_pages(client, since=None):
    """Every full service of the HSDS API (changed at or after ``since``)."""
    records, page = [], 1
    while True:
        query = {"full": "true", "per_page": 2, "page": page}
        if since is not None:
            query["modified_after"] = since
        body = client.get("/api/hsds/services", data=query).json()
        records.extend(body["contents"])
        if body["last_page"]:
            return records
        page += 1


def test_an_hsds_mirror_kept_from_modified_after_and_deletions_equals_the_hsds_api(
    client, directory
):
    """HSDS lists cancelled and ended services as inactive, so its consumer skips the
    ``withdrawn`` tombstones; a place's change reaches the services that carry it."""
    services_mirror: dict[str, dict] = {}
    cursor = EPOCH

    def step():
        nonlocal cursor
        events = [
            (datetime.fromisoformat(s["last_modified"]), 1, s) for s in hsds_pages(client, cursor)
        ]
        for gone in pages(client, "/api/v1/deletions", cursor):
            if gone["kind"] == "activity" and gone["reason"] != "withdrawn":
                events.append((datetime.fromisoformat(gone["deleted_at"]), 0, gone))
        for when, is_record, item in sorted(events, key=lambda e: (e[0], e[1])):
            if is_record:
                services_mirror[item["id"]] = item
            else:
                services_mirror.pop(item["uuid"], None)
            cursor = max(cursor, when.isoformat(), key=datetime.fromisoformat)
        assert services_mirror == {s["id"]: s for s in hsds_pages(client)}

    step()
    kvallsfika, dagcafe = directory["activities"]["kvallsfika"], directory["activities"]["dagcafe"]
    services.activity_set_status(actor=None, activity=kvallsfika, status="cancelled")
    step()
    assert services_mirror[str(kvallsfika.uuid)]["status"] == "inactive"
    services.place_opening_hours_add(
        actor=None,
        place=directory["places"]["centrum"],
        weekday=1,
        opens_at=time(9),
        closes_at=time(17),
    )
    step()
    services.activity_set_status(actor=None, activity=kvallsfika, status="draft")
    services.activity_set_status(actor=None, activity=dagcafe, status="draft")
    step()
    assert set(services_mirror) == {str(directory["activities"]["helgpromenad"].uuid)}
    services.activity_set_status(actor=None, activity=dagcafe, status="published")
    step()
    assert str(dagcafe.uuid) in services_mirror
    account_services.organisation_update(
        actor=None, organisation=directory["organisation"], website="https://example.se/ny"
    )
    step()
    assert services_mirror[str(dagcafe.uuid)]["organization"]["website"] == "https://example.se/ny"


def make_organisation_with_place(directory):
    organisation = account_services.organisation_create(
        actor=None, name="Tillfälliga föreningen", slug="tillfalliga"
    )
    place = services.place_create(
        actor=None,
        owner=organisation,
        municipality=directory["places"]["soder"].municipality,
        slug="tillfalligt",
        name="Tillfälligt hus",
        features={"hiss": "yes"},
    )
    return {"organisation": organisation, "place": place}


def test_modified_after_lists_changes_at_or_after_the_time_oldest_first(client, directory):
    old = timezone.now() - timedelta(days=10)
    Activity.objects.update(updated_at=old)
    dagcafe = directory["activities"]["dagcafe"]
    services.activity_update(actor=None, activity=dagcafe, title="Dagcafé i centrum")
    kvallsfika = directory["activities"]["kvallsfika"]
    services.activity_update(actor=None, activity=kvallsfika, title="Kvällsfika i Söder")
    since = (old + timedelta(days=1)).isoformat()
    body = get(client, f"/api/v1/activities?modified_after={quote(since)}")
    assert [r["slug"] for r in body["results"]] == ["dagcafe", "kvallsfika"]
    # Inclusive: the exact updated_at of a record finds it again.
    exact = body["results"][1]["updated_at"]
    again = get(client, f"/api/v1/activities?modified_after={quote(exact)}")
    assert [r["slug"] for r in again["results"]] == ["kvallsfika"]
    everything = get(client, f"/api/v1/activities?modified_after={EPOCH}")
    assert everything["count"] == 3  # every published activity, the draft never


def test_modified_after_lists_published_activities_without_sessions_in_the_window(
    client, directory
):
    far = make_activity(
        directory["organisation"],
        "sommarlager",
        place=directory["places"]["soder"],
        freq="ONCE",
        valid_from=date.today() + timedelta(days=200),
    )
    assert "sommarlager" not in [r["slug"] for r in get(client, "/api/v1/activities")["results"]]
    body = get(client, f"/api/v1/activities?modified_after={EPOCH}&per_page=100")
    assert str(far.uuid) in {r["uuid"] for r in body["results"]}


@pytest.mark.parametrize(
    ("value", "seen"),
    [
        ("2026-12-01T08:00:00+01:00", "2026-12-01T07:00:00+00:00"),
        ("2026-12-01T08:00:00 01:00", "2026-12-01T07:00:00+00:00"),  # "+" decoded to a space
        ("2026-12-01T07:00:00Z", "2026-12-01T07:00:00+00:00"),
        ("2026-12-01T08:00:00", "2026-12-01T07:00:00+00:00"),  # Swedish time
        ("2026-12-01", "2026-11-30T23:00:00+00:00"),
    ],
)
def test_modified_after_reads_iso_8601(client, directory, value, seen):
    from datetime import datetime

    cut = datetime.fromisoformat(seen)
    Activity.objects.update(updated_at=cut - timedelta(microseconds=1))
    Activity.objects.filter(slug="dagcafe").update(updated_at=cut)
    body = get(client, f"/api/v1/activities?modified_after={quote(value, safe=' :')}")
    assert [r["slug"] for r in body["results"]] == ["dagcafe"]


@pytest.mark.parametrize("path", ["activities", "places", "organisations", "deletions"])
def test_malformed_modified_after_is_refused_in_the_clients_language(client, db, path):
    body = get(client, f"/api/v1/{path}?modified_after=i%20går", status=400)
    assert body["detail"] == BAD_INPUT
    assert body["errors"] == {
        "modified_after": ["Skriv en tidpunkt, till exempel 2026-12-01T08:00:00+01:00."]
    }
    english = get(client, f"/api/v1/{path}?modified_after=2026-13-01&lang=en", status=400)
    assert english["errors"] == {
        "modified_after": ["Enter a date and time such as 2026-12-01T08:00:00+01:00."]
    }


def test_modified_after_cannot_be_combined_with_finder_filters(client, directory):
    body = get(
        client, f"/api/v1/activities?modified_after={EPOCH}&district=soder&free=true", status=400
    )
    message = ["Det här filtret kan inte kombineras med modified_after."]
    assert body["errors"] == {"district": message, "free": message}
    # Paging and language are not filters.
    get(client, f"/api/v1/activities?modified_after={EPOCH}&page=2&per_page=1&lang=en")


def test_place_and_organisation_lists_take_modified_after_with_their_filters(client, directory):
    soder, centrum = directory["places"]["soder"], directory["places"]["centrum"]
    old = timezone.now() - timedelta(days=1)
    type(soder).objects.update(updated_at=old)
    services.place_update(actor=None, place=centrum, description="Nyrenoverat")
    since = quote((old + timedelta(seconds=1)).isoformat())
    body = get(client, f"/api/v1/places?modified_after={since}")
    assert [r["slug"] for r in body["results"]] == ["centrumgarden"]
    assert get(client, f"/api/v1/places?modified_after={since}&district=soder")["count"] == 0
    organisation = directory["organisation"]
    type(organisation).objects.update(updated_at=old)
    assert get(client, f"/api/v1/organisations?modified_after={since}")["count"] == 0
    assert get(client, f"/api/v1/organisations?modified_after={EPOCH}")["count"] == 1


def test_deletions_list_tombstones_after_the_time_in_pages(client, directory):
    activities = directory["activities"]
    for slug in ("kvallsfika", "dagcafe", "helgpromenad"):
        services.activity_set_status(actor=None, activity=activities[slug], status="draft")
    body = get(client, "/api/v1/deletions?per_page=2")
    assert body["count"] == 3
    assert [r["uuid"] for r in body["results"]] == [
        str(activities["kvallsfika"].uuid),
        str(activities["dagcafe"].uuid),
    ]
    assert (body["results"][0]["kind"], body["results"][0]["reason"]) == ("activity", "unpublished")
    last = Tombstone.objects.latest("deleted_at", "pk")
    since = quote(last.deleted_at.isoformat())
    after = get(client, f"/api/v1/deletions?modified_after={since}")
    assert [r["uuid"] for r in after["results"]] == [str(activities["helgpromenad"].uuid)]
    assert get(client, "/api/v1/deletions?kind=activity", status=400)["errors"] == {
        "kind": ["Okänd parameter."]
    }


def test_openapi_describes_modified_after_and_deletions(client, db):
    schema = get(client, "/api/v1/openapi.json")
    for path in ("activities", "places", "organisations", "deletions"):
        parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/{path}"]["get"]["parameters"]}
        assert parameters["modified_after"]["schema"] == {"type": "string", "format": "date-time"}


def test_a_renamed_organisation_brings_its_activities_into_modified_after(client, directory):
    since = timezone.now().isoformat()
    Activity.objects.update(updated_at=timezone.now() - timedelta(days=1))
    assert get(client, f"/api/v1/activities?modified_after={quote(since)}")["count"] == 0

    account_services.organisation_update(
        actor=None, organisation=directory["organisation"], name="Nya föreningen"
    )

    changed = get(client, f"/api/v1/activities?modified_after={quote(since)}")["results"]
    assert {a["uuid"] for a in changed} == {
        str(a.uuid) for a in directory["activities"].values() if a.status == "published"
    }
    assert {a["organisation"]["name"] for a in changed} == {"Nya föreningen"}
    hsds = get(client, "/api/hsds/services", data={"modified_after": since})
    assert {s["organization"]["name"] for s in hsds["contents"]} == {"Nya föreningen"}
    assert hsds["total_items"] == len(changed)
