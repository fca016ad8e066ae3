from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from sammanhang.accounts.models import Membership


def test_admin_adds_a_member_and_the_change_is_logged(client, make_organisation, make_user):
    organisation = make_organisation(boss="admin")
    client.force_login(Membership.objects.get(organisation=organisation).user)
    make_user("ny-redaktor")
    url = reverse("accounts:organisation_members", args=[organisation.slug])
    response = client.post(url, {"username": "NY-REDAKTOR", "role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="ny-redaktor").role == "editor"
    log = client.get(reverse("accounts:organisation_audit", args=[organisation.slug]))
    rows = [row for row in log.content.decode().split("<tr>") if ">boss</td>" in row]
    assert len(rows) == 1
    with translation.override("sv"):
        assert translation.gettext("Access given") in rows[0]
    assert ">role</td>" in rows[0]


def test_unknown_user_gets_an_inline_error_and_keeps_the_typed_values(client, make_organisation):
    organisation = make_organisation(boss="admin")
    client.force_login(Membership.objects.get(organisation=organisation).user)
    url = reverse("accounts:organisation_members", args=[organisation.slug])
    response = client.post(url, {"username": "finns-inte", "role": "viewer"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="finns-inte"' in content
    assert re.search(r'<input type="radio" name="role" value="viewer"[^>]* checked', content)
    assert 'id="id_username_error"' in content
    assert 'aria-describedby="id_username_helptext id_username_error"' in content
    assert 'href="#id_username"' in content


def test_missing_fields_are_all_reported(client, make_organisation):
    organisation = make_organisation(boss="admin")
    client.force_login(Membership.objects.get(organisation=organisation).user)
    url = reverse("accounts:organisation_members", args=[organisation.slug])
    content = client.post(url, {}).content.decode()
    assert content.count('class="error-message"') == 2


def test_demoting_the_last_admin_shows_the_rule(client, make_organisation):
    organisation = make_organisation(boss="admin")
    membership = Membership.objects.get(organisation=organisation)
    client.force_login(membership.user)
    url = reverse("accounts:membership_edit", args=[organisation.slug, membership.uuid])
    response = client.post(url, {"role": "viewer"})
    assert response.status_code == 400
    assert f"{organisation.name} måste ha minst en administratör." in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "admin"
