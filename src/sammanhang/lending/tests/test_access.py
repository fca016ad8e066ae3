from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sammanhang.accounts import services as account_services
from sammanhang.accounts.models import User
from sammanhang.lending.access import Role, access_bank_by_slug

pytestmark = pytest.mark.django_db


def _member(bank, username, role):
    user = User.objects.create_user(username, password="a-long-enough-test-password")
    account_services.membership_set(
        actor=None, organisation=bank.organisation, user=user, role=role
    )
    return user


def test_an_editor_works_at_the_desk(bank):
    user = _member(bank, "desk", "editor")
    assert access_bank_by_slug(user, bank.organisation.slug) == (bank, Role.EDITOR)


def test_a_viewer_reads_but_is_refused_at_the_desk(bank):
    user = _member(bank, "reader", "viewer")
    assert access_bank_by_slug(user, bank.organisation.slug, needed=Role.VIEWER)[0] == bank
    with pytest.raises(PermissionDenied):
        access_bank_by_slug(user, bank.organisation.slug)


def test_a_platform_admin_may_do_everything(bank, make_user):
    admin = make_user(platform_admin=True)
    assert access_bank_by_slug(admin, bank.organisation.slug, needed=Role.ADMIN)[0] == bank


def test_strangers_and_organisations_without_a_bank_get_404(bank, make_organisation, make_user):
    with pytest.raises(Http404):
        access_bank_by_slug(make_user("stranger"), bank.organisation.slug)
    with pytest.raises(Http404):
        access_bank_by_slug(AnonymousUser(), bank.organisation.slug)
    other = make_organisation("Föreningen", boss="admin")
    with pytest.raises(Http404):
        access_bank_by_slug(User.objects.get(username="boss"), other.slug)
