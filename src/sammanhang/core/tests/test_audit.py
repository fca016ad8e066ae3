from __future__ import annotations

import pytest
from django.db import transaction

from sammanhang.core.models import AuditEvent
from sammanhang.core.services import audit_record


def test_event_names_object_and_fields_but_no_values(make_user, make_organisation):
    actor = make_user()
    organisation = make_organisation()
    with transaction.atomic():
        event = audit_record(
            actor=actor,
            action="organisation.renamed",
            target=organisation,
            organisation_id=organisation.pk,
            changed_fields=["name", "name", "kind"],
        )
    event.refresh_from_db()
    assert event.actor == actor
    assert (event.object_type, event.object_id) == ("accounts.organisation", str(organisation.pk))
    assert event.changed_fields == ["kind", "name"]
    assert organisation.name not in str(event.__dict__)


@pytest.mark.django_db(transaction=True)
def test_event_outside_a_transaction_is_refused(make_organisation):
    organisation = make_organisation()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="x", target=organisation)


def test_rolled_back_change_leaves_no_event(make_organisation):
    organisation = make_organisation()
    before = AuditEvent.objects.count()

    def change_then_fail():
        with transaction.atomic():
            audit_record(actor=None, action="x", target=organisation)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        change_then_fail()
    assert AuditEvent.objects.count() == before


def test_events_survive_deleting_the_actor(make_user, make_organisation):
    actor = make_user()
    organisation = make_organisation()
    with transaction.atomic():
        event = audit_record(actor=actor, action="x", target=organisation)
    actor.delete()
    event.refresh_from_db()
    assert event.actor is None
