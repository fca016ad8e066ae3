"""The equipment an activity needs: chosen by providers in the activity form (grouped by
category, no JavaScript), kept by the service, and in the search index at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sammanhang.accounts.models import Membership, User
from sammanhang.core.models import AuditEvent
from sammanhang.directory import services
from sammanhang.directory.models import Activity

from .test_staff_views import ACTIVITY_POST, staff_url


@pytest.fixture
def editor(directory, client):
    organisation = directory["organisation"]
    user = User.objects.create_user("eva.editor", password="a-long-enough-test-password")
    Membership.objects.create(user=user, organisation=organisation, role="editor")
    client.force_login(user)
    return organisation


def finder_titles(client, q: str) -> list[str]:
    html = client.get(reverse("directory:finder"), {"q": q}).content.decode()
    return re.findall(r'<h3 class="result__title"><a href="[^"]+">([^<]+)</a></h3>', html)


def test_form_groups_the_equipment_by_category_in_fieldsets(client, editor):
    html = client.get(staff_url("activity_create", editor)).content.decode()
    group = html.split('<legend class="label">Utrustning som behövs')[1].split(
        "</fieldset>\n</div>"
    )[0]
    assert '<fieldset class="checkbox-group"><legend>Vintersport</legend>' in group
    assert re.search(
        r'<input type="checkbox" name="equipment" value="skridskor"[^>]*>\s*Skridskor', group
    )
    # A category without kinds is offered itself, in its own group.
    assert "<legend>Hjälmar</legend>" in group
    assert 'value="hjalmar"' in group
    assert "sökfiltret ”Utrustning finns att låna” hittar aktiviteten" in html


def test_chosen_equipment_is_stored_shown_and_searchable_at_once(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    assert finder_titles(client, "skridskor") == []
    data = {
        **ACTIVITY_POST,
        "title": "Kvällsfika",
        "places": [directory["places"]["soder"].pk],
        "equipment": ["skridskor", "hjalmar"],
    }
    response = client.post(staff_url("activity_edit", editor, activity.uuid), data)
    assert response.status_code == 302
    assert sorted(activity.equipment.values_list("code", flat=True)) == ["hjalmar", "skridskor"]
    event = AuditEvent.objects.filter(action="activity.updated").latest("pk")
    assert "equipment" in event.changed_fields
    # The index was rewritten in the same transaction: the equipment's name finds it.
    assert finder_titles(client, "skridskor") == ["Kvällsfika"]
    detail = client.get(response["Location"]).content.decode()
    assert "<dt>Utrustning som behövs</dt><dd>Skridskor, Hjälmar</dd>" in detail
    edit = client.get(staff_url("activity_edit", editor, activity.uuid)).content.decode()
    assert re.search(r'name="equipment" value="skridskor"[^>]*checked', edit)
    response = client.post(
        staff_url("activity_edit", editor, activity.uuid), {**data, "equipment": []}
    )
    assert response.status_code == 302
    assert not activity.equipment.exists()
    assert finder_titles(client, "skridskor") == []


def test_a_refused_form_keeps_the_equipment_ticked(client, editor):
    response = client.post(
        staff_url("activity_create", editor),
        {**ACTIVITY_POST, "title": "", "equipment": ["talt"]},
    )
    assert response.status_code == 400
    assert re.search(r'name="equipment" value="talt"[^>]*checked', response.content.decode())


def test_an_unknown_equipment_code_is_refused_in_the_form(client, editor):
    response = client.post(
        staff_url("activity_create", editor), {**ACTIVITY_POST, "equipment": ["rymdraket"]}
    )
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ. rymdraket finns inte bland tillgängliga alternativ." in (
        response.content.decode()
    )
    assert not Activity.objects.filter(title="Stickcafé").exists()


def test_service_refuses_codes_of_other_taxonomies_and_writes_nothing(directory):
    activity = directory["activities"]["kvallsfika"]
    with pytest.raises(services.DirectoryError, match="Okänd utrustning motesplats."):
        services.activity_update(actor=None, activity=activity, equipment=["motesplats"])
    assert not activity.equipment.exists()
    with pytest.raises(services.DirectoryError, match="Okänd utrustning x."):
        services.activity_create(
            actor=None,
            organisation=directory["organisation"],
            slug="ny",
            title="Ny",
            summary="Ny",
            equipment=["skridskor", "x"],
        )
    assert not Activity.objects.filter(slug="ny").exists()


def test_service_sets_a_category_too_and_leaves_equipment_alone_when_not_given(directory):
    activity = directory["activities"]["kvallsfika"]
    changed = services.activity_update(actor=None, activity=activity, equipment=["vinter"])
    assert changed == ["equipment"]
    assert services.activity_update(actor=None, activity=activity, title="Fika") == ["title"]
    assert list(activity.equipment.values_list("code", flat=True)) == ["vinter"]
    assert services.activity_update(actor=None, activity=activity, equipment=["vinter"]) == []
