"""Access to every provider URL: login redirect, 403 for too low a role, 404 across
organisations, 200/302 when allowed.

``STAFF_URLS`` must list every URL of ``directory_staff``; a new URL fails
``test_every_provider_url_has_an_access_rule`` until its rule is added here.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import get_resolver, reverse

from sammanhang.accounts.models import Membership
from sammanhang.directory import services
from sammanhang.directory.models import (
    Municipality,
    Occurrence,
    OpeningHours,
    PlaceClosure,
    ScheduleException,
)

# url name -> (lowest role that may open it, POST only)
STAFF_URLS = {
    "activity_list": ("viewer", False),
    "activity_create": ("editor", False),
    "activity_detail": ("viewer", False),
    "activity_edit": ("editor", False),
    "activity_status": ("editor", False),
    "schedule_create": ("editor", False),
    "schedule_edit": ("editor", False),
    "schedule_delete": ("editor", False),
    "extra_date_add": ("editor", False),
    "occurrence_cancel": ("editor", False),
    "exception_remove": ("editor", True),
    "place_list": ("viewer", False),
    "place_create": ("editor", False),
    "place_detail": ("viewer", False),
    "place_edit": ("editor", False),
    "place_hours": ("editor", False),
    "place_hours_remove": ("editor", True),
    "place_closures": ("editor", False),
    "place_closure_remove": ("editor", True),
    "place_photos": ("editor", False),
    "place_photo_remove": ("editor", True),
    "organisation_logo": ("editor", False),
}
ROLES = ["viewer", "editor", "admin"]


def test_every_provider_url_has_an_access_rule():
    patterns = get_resolver().namespace_dict["directory_staff"][1].url_patterns
    assert {getattr(p, "name", None) for p in patterns} == set(STAFF_URLS)


def _objects(organisation, picture):
    """One of each object a provider URL names, owned by ``organisation``."""
    municipality, _ = Municipality.objects.get_or_create(
        code="1283", defaults={"name": "Helsingborg", "slug": "helsingborg"}
    )
    place = services.place_create(
        actor=None,
        owner=organisation,
        municipality=municipality,
        slug=f"plats-{organisation.slug}",
        name=f"Plats {organisation.name}",
        opening_hours=[(1, time(9), time(17))],
        closures=[(date(2030, 12, 24), "Julafton")],
    )
    activity = services.activity_create(
        actor=None,
        organisation=organisation,
        slug=f"aktivitet-{organisation.slug}",
        title=f"Aktivitet {organisation.name}",
        summary="En aktivitet",
        status="draft",
        places=[place],
    )
    schedule = services.schedule_add(
        actor=None,
        activity=activity,
        freq="WEEKLY",
        byday="MO,TH",
        opens_at=time(17),
        closes_at=time(19),
        valid_from=date.today(),
        place_id=place.pk,
    )
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="extra", day=date(2030, 1, 5), reason="Extra"
    )
    photo = services.place_photo_add(actor=None, place=place, upload=picture(), alt_text="Huset")
    return {
        "place": place,
        "activity": activity,
        "schedule": schedule,
        "occurrence": Occurrence.objects.filter(activity=activity).first(),
        "exception": ScheduleException.objects.get(schedule=schedule),
        "hours": OpeningHours.objects.get(place=place),
        "closure": PlaceClosure.objects.get(place=place),
        "photo": photo,
    }


def _url(name, organisation, objects):
    slug = organisation.slug
    activity, place = objects["activity"].uuid, objects["place"].uuid
    args = {
        "activity_list": [],
        "activity_create": [],
        "activity_detail": [activity],
        "activity_edit": [activity],
        "activity_status": [activity, "publicera"],
        "schedule_create": [activity],
        "schedule_edit": [activity, objects["schedule"].pk],
        "schedule_delete": [activity, objects["schedule"].pk],
        "extra_date_add": [activity, objects["schedule"].pk],
        "occurrence_cancel": [
            activity,
            objects["occurrence"].schedule_id,
            objects["occurrence"].date.isoformat(),
        ],
        "exception_remove": [activity, objects["exception"].pk],
        "place_list": [],
        "place_create": [],
        "place_detail": [place],
        "place_edit": [place],
        "place_hours": [place],
        "place_hours_remove": [place, objects["hours"].pk],
        "place_closures": [place],
        "place_closure_remove": [place, objects["closure"].pk],
        "place_photos": [place],
        "place_photo_remove": [place, objects["photo"].uuid],
        "organisation_logo": [],
    }[name]
    return reverse(f"directory_staff:{name}", args=[slug, *args])


@pytest.fixture
def setup(make_organisation, picture):
    own = make_organisation(
        "Egen förening", **{"the-viewer": "viewer", "the-editor": "editor", "the-admin": "admin"}
    )
    other = make_organisation("Annan förening", **{"other-editor": "editor"})
    return own, _objects(own, picture), other, _objects(other, picture)


def _request(client, name, url):
    return client.post(url) if STAFF_URLS[name][1] else client.get(url)


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_logged_out_user_is_sent_to_login(client, setup, name):
    own, objects, _other, _other_objects = setup
    response = _request(client, name, _url(name, own, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_role_decides_access_to_own_organisation(client, setup, name, role):
    own, objects, _other, _other_objects = setup
    client.force_login(Membership.objects.get(organisation=own, role=role).user)
    response = _request(client, name, _url(name, own, objects))
    needed, post_only = STAFF_URLS[name]
    if ROLES.index(role) < ROLES.index(needed):
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if post_only else 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_member_of_a_gets_404_on_b(client, setup, name, role):
    own, _objects_a, other, other_objects = setup
    client.force_login(Membership.objects.get(organisation=own, role=role).user)
    assert _request(client, name, _url(name, other, other_objects)).status_code == 404


NAMES_NO_OBJECT = {
    "activity_list",
    "activity_create",
    "place_list",
    "place_create",
    "organisation_logo",
}


@pytest.mark.parametrize("name", sorted(set(STAFF_URLS) - NAMES_NO_OBJECT))
def test_editor_of_a_cannot_reach_b_objects_through_a_url(client, setup, name):
    """B's activity, schedule, place … named in a URL under A's slug: 404, nothing changes."""
    own, objects, _other, other_objects = setup
    client.force_login(Membership.objects.get(organisation=own, role="editor").user)
    mixed = {**objects}
    for key, value in other_objects.items():
        mixed[key] = value
    response = _request(client, name, _url(name, own, mixed))
    assert response.status_code == 404
    assert ScheduleException.objects.filter(pk=other_objects["exception"].pk).exists()
    assert PlaceClosure.objects.filter(pk=other_objects["closure"].pk).exists()


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_platform_admin_reaches_everything(client, setup, make_user, name):
    _own, _objects_a, other, other_objects = setup
    client.force_login(make_user(platform_admin=True))
    response = _request(client, name, _url(name, other, other_objects))
    assert response.status_code == (302 if STAFF_URLS[name][1] else 200)


def test_shared_place_is_used_but_not_edited_by_the_other_organisation(client, setup):
    own, objects, _other, other_objects = setup
    services.activity_update(
        actor=None,
        activity=objects["activity"],
        places=[objects["place"], other_objects["place"]],
    )
    client.force_login(Membership.objects.get(organisation=own, role="editor").user)
    detail = client.get(_url("activity_detail", own, objects)).content.decode()
    assert "Plats Annan förening (ägs av Annan förening)" in detail
    shared = {**objects, "place": other_objects["place"]}
    assert client.get(_url("place_edit", own, shared)).status_code == 404
