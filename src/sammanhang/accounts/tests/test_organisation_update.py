"""organisation_update: changed fields only, audited, no cycles; create keeps a given UUID."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from sammanhang.accounts import services
from sammanhang.accounts.models import Organisation
from sammanhang.core.models import AuditEvent


def test_update_changes_and_audits_only_what_differs(make_organisation):
    organisation = make_organisation("Föreningen")

    changed = services.organisation_update(
        actor=None, organisation=organisation, name="Föreningen Gemenskap", email=organisation.email
    )

    assert changed == ["name"]
    assert Organisation.objects.get(pk=organisation.pk).name == "Föreningen Gemenskap"
    assert (
        services.organisation_update(
            actor=None, organisation=organisation, name="Föreningen Gemenskap"
        )
        == []
    )
    assert list(
        AuditEvent.objects.filter(action="organisation.updated").values_list(
            "changed_fields", flat=True
        )
    ) == [["name"]]


def test_update_refuses_a_parent_that_would_make_a_cycle(make_organisation):
    parent = make_organisation("Förvaltningen")
    child = services.organisation_create(actor=None, name="Enheten", slug="enheten", parent=parent)

    with pytest.raises(ValidationError, match="kan inte vara sin egen överordnade"):
        services.organisation_update(actor=None, organisation=parent, parent=child)

    assert Organisation.objects.get(pk=parent.pk).parent is None


def test_update_refuses_a_malformed_website_and_writes_nothing(make_organisation):
    organisation = make_organisation("Föreningen")

    with pytest.raises(ValidationError):
        services.organisation_update(actor=None, organisation=organisation, website="inte en länk")

    assert Organisation.objects.get(pk=organisation.pk).website == ""


def test_create_keeps_a_given_uuid(db):
    given = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")

    organisation = services.organisation_create(
        actor=None, name="Example", slug="example", uuid=given
    )

    assert Organisation.objects.get(pk=organisation.pk).uuid == given
