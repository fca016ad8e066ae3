"""What incremental sync relies on: every change to what an activity's or a place's open-data
record shows moves its ``updated_at``, and every record that leaves public view leaves a
tombstone in the same transaction."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from sammanhang.accounts import services as account_services
from sammanhang.core.models import Tombstone
from sammanhang.directory import services
from sammanhang.directory.models import Activity, OpeningHours, Place, PlaceClosure

LONG_AGO = timezone.now() - timedelta(days=30)


def _age(*objects) -> None:
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(updated_at=LONG_AGO)


def _moved(obj) -> bool:
    return type(obj).objects.get(pk=obj.pk).updated_at > LONG_AGO


def _schedule(activity):
    return activity.schedules.get()


def _next_tuesday() -> date:
    today = date.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


ACTIVITY_CHANGES = {
    "title": lambda d, a: services.activity_update(actor=None, activity=a, title="Ny titel"),
    "price": lambda d, a: services.activity_update(
        actor=None, activity=a, is_free=False, price="10 kr"
    ),
    "places": lambda d, a: services.activity_update(
        actor=None, activity=a, places=[d["places"]["centrum"]]
    ),
    "categories": lambda d, a: services.activity_update(
        actor=None, activity=a, categories=["friluftsliv"]
    ),
    "target_groups": lambda d, a: services.activity_update(
        actor=None, activity=a, target_groups=["aldre"]
    ),
    "languages": lambda d, a: services.activity_update(actor=None, activity=a, languages=["fi"]),
    "features": lambda d, a: services.activity_update(
        actor=None, activity=a, features={"lugn-miljo": "no"}
    ),
    "status": lambda d, a: services.activity_set_status(actor=None, activity=a, status="draft"),
    "schedule_added": lambda d, a: services.schedule_add(
        actor=None,
        activity=a,
        freq="WEEKLY",
        byday="FR",
        opens_at=time(9),
        closes_at=time(10),
        valid_from=date.today(),
    ),
    "schedule_added_in_bulk": lambda d, a: services.schedule_add(
        actor=None,
        activity=a,
        freq="ONCE",
        opens_at=time(9),
        closes_at=time(10),
        valid_from=date.today(),
        rebuild=False,
    ),
    "schedule_changed": lambda d, a: services.schedule_update(
        actor=None,
        schedule=_schedule(a),
        freq="WEEKLY",
        byday="TU",
        opens_at=time(17),
        closes_at=time(20),
        valid_from=_schedule(a).valid_from,
        place_id=_schedule(a).place_id,
    ),
    "schedule_deleted": lambda d, a: services.schedule_delete(actor=None, schedule=_schedule(a)),
    "date_cancelled": lambda d, a: services.schedule_exception_add(
        actor=None, schedule=_schedule(a), kind="cancelled", day=_next_tuesday(), reason="Sjuk"
    ),
    "extra_date": lambda d, a: services.schedule_exception_add(
        actor=None, schedule=_schedule(a), kind="extra", day=_next_tuesday() + timedelta(days=1)
    ),
    "place_closed": lambda d, a: services.place_closure_add(
        actor=None, place=d["places"]["soder"], day=_next_tuesday(), reason="Stängt"
    ),
    "place_renamed": lambda d, a: services.place_update(
        actor=None, place=d["places"]["soder"], name="Nya Söderhuset"
    ),
    "place_moved": lambda d, a: services.place_update(
        actor=None, place=d["places"]["soder"], latitude=56.0, longitude=12.7
    ),
    "place_district": lambda d, a: services.place_update(
        actor=None, place=d["places"]["soder"], district=d["places"]["centrum"].district
    ),
}


@pytest.mark.parametrize("change", list(ACTIVITY_CHANGES))
def test_every_change_to_an_activity_record_moves_its_updated_at(directory, change):
    activity = directory["activities"]["kvallsfika"]
    _age(activity)
    ACTIVITY_CHANGES[change](directory, activity)
    assert _moved(activity)


def test_removing_a_cancelled_date_moves_updated_at(directory):
    activity = directory["activities"]["kvallsfika"]
    exception = services.schedule_exception_add(
        actor=None, schedule=_schedule(activity), kind="cancelled", day=_next_tuesday()
    )
    _age(activity)
    services.schedule_exception_remove(actor=None, exception=exception)
    assert _moved(activity)


def test_reopening_a_closed_day_moves_the_place_and_its_activities(directory):
    soder = directory["places"]["soder"]
    closure = services.place_closure_add(
        actor=None, place=soder, day=_next_tuesday(), reason="Stängt"
    )
    kvallsfika = directory["activities"]["kvallsfika"]
    _age(soder, kvallsfika)
    services.place_closure_remove(actor=None, closure=closure)
    assert _moved(soder)
    assert _moved(kvallsfika)


def test_a_change_that_changes_nothing_leaves_updated_at(directory):
    activity = directory["activities"]["kvallsfika"]
    soder = directory["places"]["soder"]
    _age(activity, soder)
    services.activity_update(actor=None, activity=activity, title=activity.title)
    services.place_update(actor=None, place=soder, name=soder.name)
    assert not _moved(activity)
    assert not _moved(soder)


def test_any_change_to_a_place_moves_the_activities_held_there(directory):
    """An HSDS service carries its locations in full, description and hours included."""
    soder = directory["places"]["soder"]
    kvallsfika, dagcafe = directory["activities"]["kvallsfika"], directory["activities"]["dagcafe"]
    _age(soder, kvallsfika, dagcafe)
    services.place_opening_hours_add(
        actor=None, place=soder, weekday=1, opens_at=time(9), closes_at=time(17)
    )
    assert _moved(soder)
    assert _moved(kvallsfika)
    assert not _moved(dagcafe)  # held at Centrumgården


def test_renaming_a_place_moves_only_the_activities_held_there(directory):
    soder = directory["places"]["soder"]
    kvallsfika, dagcafe = directory["activities"]["kvallsfika"], directory["activities"]["dagcafe"]
    _age(kvallsfika, dagcafe)
    services.place_update(actor=None, place=soder, name="Nya Söderhuset")
    assert _moved(kvallsfika)
    assert not _moved(dagcafe)  # held at Centrumgården


PLACE_CHANGES = {
    "features": lambda p: services.place_update(actor=None, place=p, features={"hiss": "yes"}),
    "opening_hours_added": lambda p: services.place_opening_hours_add(
        actor=None, place=p, weekday=1, opens_at=time(9), closes_at=time(17)
    ),
    "opening_hours_removed": lambda p: services.place_opening_hours_remove(
        actor=None,
        hours=OpeningHours.objects.create(place=p, weekday=2, opens_at=time(9), closes_at=time(17)),
    ),
    "closure_added": lambda p: services.place_closure_add(
        actor=None, place=p, day=date.today() + timedelta(days=3), reason="Städning"
    ),
    "closure_removed": lambda p: services.place_closure_remove(
        actor=None,
        closure=PlaceClosure.objects.create(
            place=p, date=date.today() + timedelta(days=4), reason="Städning"
        ),
    ),
    "address": lambda p: services.place_update(actor=None, place=p, street_address="Storgatan 1"),
}


@pytest.mark.parametrize("change", list(PLACE_CHANGES))
def test_every_change_to_a_place_record_moves_its_updated_at(directory, change):
    place = directory["places"]["soder"]
    _age(place)
    PLACE_CHANGES[change](place)
    assert _moved(place)


def test_place_picture_moves_updated_at(directory, picture):
    place = directory["places"]["soder"]
    _age(place)
    photo = services.place_photo_add(actor=None, place=place, upload=picture(), alt_text="Entré")
    assert _moved(place)
    _age(place)
    services.place_photo_remove(actor=None, photo=photo)
    assert _moved(place)


def tombstones() -> list[tuple[str, str, str]]:
    return [(t.kind, str(t.uuid), t.reason) for t in Tombstone.objects.order_by("deleted_at", "pk")]


@pytest.mark.parametrize(
    ("status", "reason"),
    [("draft", "unpublished"), ("cancelled", "withdrawn"), ("ended", "withdrawn")],
)
def test_leaving_public_view_leaves_a_tombstone(directory, status, reason):
    activity = directory["activities"]["kvallsfika"]
    services.activity_set_status(actor=None, activity=activity, status=status)
    assert tombstones() == [("activity", str(activity.uuid), reason)]


def test_becoming_public_or_moving_between_hidden_states_leaves_none(directory):
    draft = directory["activities"]["utkast"]
    services.activity_set_status(actor=None, activity=draft, status="cancelled")
    services.activity_set_status(actor=None, activity=draft, status="ended")
    _age(draft)
    services.activity_set_status(actor=None, activity=draft, status="published")
    assert tombstones() == []
    assert _moved(draft)


def test_a_cancelled_activity_back_to_draft_leaves_hsds_too(directory):
    """HSDS lists a cancelled activity as an inactive service; a draft it does not list."""
    activity = directory["activities"]["kvallsfika"]
    services.activity_set_status(actor=None, activity=activity, status="cancelled")
    services.activity_set_status(actor=None, activity=activity, status="draft")
    assert [reason for _kind, _uuid, reason in tombstones()] == ["withdrawn", "unpublished"]


def test_deleting_a_draft_leaves_a_tombstone(directory):
    draft = directory["activities"]["utkast"]
    services.activity_delete(actor=None, activity=draft)
    assert tombstones() == [("activity", str(draft.uuid), "deleted")]


def test_refused_delete_leaves_no_tombstone(directory):
    published = directory["activities"]["kvallsfika"]
    with pytest.raises(services.DirectoryError):
        services.activity_delete(actor=None, activity=published)
    assert tombstones() == []
    assert Activity.objects.filter(pk=published.pk).exists()


def test_tombstone_is_rolled_back_with_its_delete(directory):
    draft = directory["activities"]["utkast"]
    pk = draft.pk

    def delete_then_fail() -> None:
        with transaction.atomic():
            services.activity_delete(actor=None, activity=draft)
            raise RuntimeError("the caller's transaction fails later")

    with pytest.raises(RuntimeError, match="fails later"):
        delete_then_fail()
    assert tombstones() == []
    assert Activity.objects.filter(pk=pk).exists()


def test_deleting_a_place_leaves_a_tombstone_and_refuses_while_activities_are_held_there(
    directory,
):
    soder = directory["places"]["soder"]
    with pytest.raises(services.DirectoryError) as refused:
        services.place_delete(actor=None, place=soder)
    assert str(refused.value) == (
        "Aktiviteter hålls på Söderhuset; flytta dem till en annan plats först."
    )
    empty = Place.objects.create(
        slug="tomt",
        name="Tomt hus",
        owner=directory["organisation"],
        municipality=soder.municipality,
    )
    services.place_delete(actor=None, place=empty)
    assert tombstones() == [("place", str(empty.uuid), "deleted")]
    assert not Place.objects.filter(pk=empty.pk).exists()


def test_deleting_an_organisation_leaves_a_tombstone_and_refuses_while_it_has_activities(
    directory, make_organisation
):
    busy = directory["organisation"]
    with pytest.raises(account_services.OrganisationError) as refused:
        account_services.organisation_delete(actor=None, organisation=busy)
    assert str(refused.value) == (
        "Mötesplatsföreningen har fortfarande aktiviteter, platser eller enheter; "
        "flytta eller ta bort dem först."
    )
    assert tombstones() == []
    empty = make_organisation("Tomma föreningen", alice="admin")
    account_services.organisation_delete(actor=None, organisation=empty)
    assert tombstones() == [("organisation", str(empty.uuid), "deleted")]


def test_a_change_to_an_organisation_moves_its_activities_and_only_those(
    directory, make_organisation
):
    """An activity's records show its organisation (name, links, profile), so a change to it
    is a change to them; the places show only their owner's id, which never changes."""
    organisation = directory["organisation"]
    other = make_organisation("Grannföreningen")
    theirs = Activity.objects.create(organisation=other, slug="deras", title="Deras", summary="x")
    activities = list(Activity.objects.filter(organisation=organisation))
    places = list(directory["places"].values())
    _age(*activities, theirs, *places)

    account_services.organisation_update(actor=None, organisation=organisation, name="Nytt namn")

    assert all(_moved(activity) for activity in activities)
    assert not _moved(theirs)
    assert not any(_moved(place) for place in places)


def test_an_organisation_change_that_changes_nothing_leaves_its_activities(directory):
    organisation = directory["organisation"]
    activities = list(Activity.objects.filter(organisation=organisation))
    _age(*activities)
    account_services.organisation_update(
        actor=None, organisation=organisation, name=organisation.name
    )
    assert not any(_moved(activity) for activity in activities)


def test_an_organisation_logo_moves_its_activities(directory, picture):
    organisation = directory["organisation"]
    activity = directory["activities"]["kvallsfika"]
    _age(activity)
    account_services.organisation_logo_set(actor=None, organisation=organisation, upload=picture())
    assert _moved(activity)


def test_an_organisation_renamed_in_the_admin_moves_its_activities(
    client, directory, django_user_model
):
    organisation = directory["organisation"]
    activity = directory["activities"]["kvallsfika"]
    admin = django_user_model.objects.create_superuser("root", "root@example.se", "hemligt-123")
    client.force_login(admin)
    _age(activity)
    url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    unchanged = {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "parent": "",
        "description": organisation.description,
        "description_en": organisation.description_en,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
    }
    assert client.post(url, unchanged).status_code == 302
    assert not _moved(activity)

    assert client.post(url, {**unchanged, "name": "Omdöpta föreningen"}).status_code == 302

    assert _moved(activity)
    assert Activity.objects.get(pk=activity.pk).organisation.name == "Omdöpta föreningen"
