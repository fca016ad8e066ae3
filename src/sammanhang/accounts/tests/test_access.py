"""Access to every staff URL: who gets 200, 403 and 404 (and the login page when logged out).

``STAFF_URLS`` must list every named URL of the accounts app below /hantera/; a new staff
URL fails ``test_every_staff_url_has_an_access_rule`` until its rule is added here.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from sammanhang.accounts.models import Membership

# url name -> the lowest role that may open it
STAFF_URLS = {
    "dashboard": None,
    "organisation_detail": "viewer",
    "organisation_members": "admin",
    "membership_edit": "admin",
    "membership_remove": "admin",
    "organisation_audit": "admin",
}
POST_ONLY = {"membership_remove"}
ROLES = ["viewer", "editor", "admin"]


def test_every_staff_url_has_an_access_rule():
    staff_names = set()
    accounts = get_resolver().namespace_dict["accounts"][1]
    for pattern in accounts.url_patterns:
        if str(pattern.pattern).startswith("hantera/"):
            staff_names.add(getattr(pattern, "name", None))
    assert staff_names == set(STAFF_URLS)


def _url(name, organisation, membership):
    if name == "dashboard":
        return reverse("accounts:dashboard")
    if name in {"membership_edit", "membership_remove"}:
        return reverse(f"accounts:{name}", args=[organisation.slug, membership.uuid])
    return reverse(f"accounts:{name}", args=[organisation.slug])


@pytest.fixture
def setup(make_organisation, make_user):
    own = make_organisation(
        "Egen förening", **{"the-viewer": "viewer", "the-editor": "editor", "the-admin": "admin"}
    )
    other = make_organisation("Annan förening", **{"other-admin": "admin", "other-extra": "viewer"})
    return own, other


def _request(client, name, url):
    return client.post(url) if name in POST_ONLY else client.get(url)


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_logged_out_user_is_sent_to_login(client, setup, name):
    own, _other = setup
    membership = Membership.objects.filter(organisation=own).first()
    url = _url(name, own, membership)
    response = _request(client, name, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_role_decides_access_to_own_organisation(client, setup, name, role):
    own, _other = setup
    client.force_login(Membership.objects.get(organisation=own, role=role).user)
    target = Membership.objects.get(organisation=own, role="viewer")
    response = _request(client, name, _url(name, own, target))
    needed = STAFF_URLS[name]
    allowed = needed is None or ROLES.index(role) >= ROLES.index(needed)
    if not allowed:
        assert response.status_code == 403
    elif name in POST_ONLY:
        assert response.status_code == 302
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(set(STAFF_URLS) - {"dashboard"}))
def test_member_of_a_cannot_reach_b(client, setup, name, role):
    own, other = setup
    client.force_login(Membership.objects.get(organisation=own, role=role).user)
    target = Membership.objects.get(organisation=other, role="viewer")
    response = _request(client, name, _url(name, other, target))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("name", ["membership_edit", "membership_remove"])
def test_admin_of_a_cannot_reach_b_membership_through_a_url(client, setup, name):
    own, other = setup
    client.force_login(Membership.objects.get(organisation=own, role="admin").user)
    target = Membership.objects.get(organisation=other, role="viewer")
    response = _request(client, name, _url(name, own, target))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("name", sorted(set(STAFF_URLS) - {"membership_remove"}))
def test_platform_admin_reaches_everything(client, setup, make_user, name):
    _own, other = setup
    client.force_login(make_user(platform_admin=True))
    target = Membership.objects.get(organisation=other, role="viewer")
    assert client.get(_url(name, other, target)).status_code == 200


def test_dashboard_lists_only_own_organisations(client, setup):
    own, other = setup
    client.force_login(Membership.objects.get(organisation=own, role="editor").user)
    content = client.get(reverse("accounts:dashboard")).content.decode()
    assert own.name in content
    assert other.name not in content


def test_unknown_organisation_is_404(client, setup, make_user):
    client.force_login(make_user(platform_admin=True))
    url = reverse("accounts:organisation_detail", args=["finns-inte"])
    assert client.get(url).status_code == 404
