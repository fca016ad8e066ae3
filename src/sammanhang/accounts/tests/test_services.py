from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import translation

from sammanhang.accounts import services
from sammanhang.accounts.models import Membership, Organisation
from sammanhang.core.models import AuditEvent


def test_membership_set_adds_then_changes_role_and_audits(make_organisation, make_user):
    organisation = make_organisation(boss="admin")
    actor = Membership.objects.get(organisation=organisation).user
    user = make_user()
    services.membership_set(actor=actor, organisation=organisation, user=user, role="viewer")
    services.membership_set(actor=actor, organisation=organisation, user=user, role="editor")
    assert Membership.objects.get(organisation=organisation, user=user).role == "editor"
    actions = list(
        AuditEvent.objects.filter(organisation_id=organisation.pk, actor=actor)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["membership.added", "membership.role_changed"]


def test_database_refuses_a_second_membership_for_the_same_pair(make_organisation, make_user):
    organisation = make_organisation()
    user = make_user()
    Membership.objects.create(organisation=organisation, user=user, role="viewer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organisation=organisation, user=user, role="editor")


def test_database_refuses_an_unknown_role(make_organisation, make_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organisation=make_organisation(), user=make_user(), role="owner")


def test_database_refuses_an_unknown_organisation_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="X", slug="x", kind="company")


def test_last_admin_can_be_neither_demoted_nor_removed(make_organisation):
    organisation = make_organisation(boss="admin")
    membership = Membership.objects.get(organisation=organisation)
    with (
        translation.override("sv"),
        pytest.raises(services.MembershipError, match="måste ha minst en administratör"),
    ):
        services.membership_set(
            actor=None, organisation=organisation, user=membership.user, role="editor"
        )
    with pytest.raises(services.MembershipError):
        services.membership_remove(actor=None, membership=membership)
    assert Membership.objects.get(pk=membership.pk).role == "admin"


def test_one_of_two_admins_can_leave(make_organisation):
    organisation = make_organisation(first="admin", second="admin")
    first = Membership.objects.get(organisation=organisation, user__username="first")
    services.membership_remove(actor=None, membership=first)
    assert list(Membership.objects.filter(organisation=organisation)) == [
        Membership.objects.get(user__username="second")
    ]


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(make_organisation):
    organisation = make_organisation(first="admin", second="admin")
    memberships = list(Membership.objects.filter(organisation=organisation))
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def demote(membership):
        try:
            barrier.wait()
            services.membership_set(
                actor=None, organisation=organisation, user=membership.user, role="viewer"
            )
        except services.MembershipError as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=demote, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1
    assert Membership.objects.filter(organisation=organisation, role="admin").count() == 1
