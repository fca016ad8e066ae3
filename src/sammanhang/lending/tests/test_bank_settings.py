"""Starting a bank, its settings and its branches (``services.bank_*`` and ``branch_*``)."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import pytest
from django.db import models
from django.utils import translation

from sammanhang.core.models import AuditEvent
from sammanhang.directory.models import Municipality, Place
from sammanhang.lending.models import Bank, Branch
from sammanhang.lending.services import (
    BANK_SETTING_BOUNDS,
    BankSettings,
    LendingError,
    SettingsError,
    bank_create,
    bank_settings_update,
    branch_add,
    branch_remove,
    branch_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def municipality(db):
    return Municipality.objects.get_or_create(
        code="1283", defaults={"name": "Helsingborg", "slug": "helsingborg"}
    )[0]


@pytest.fixture
def make_place(municipality):
    def make(owner, slug: str) -> Place:
        return Place.objects.create(
            slug=slug, name=slug.title(), owner=owner, municipality=municipality
        )

    return make


@pytest.fixture
def organisation(make_organisation):
    return make_organisation("Fritidsgården Norr", boss="admin")


def _one(name: str, value: int) -> dict[str, Any]:
    return {name: value}


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_the_defaults_are_the_models_defaults():
    for f in fields(BankSettings):
        field = Bank._meta.get_field(f.name)
        assert isinstance(field, models.Field)
        model_default = field.default
        expected = "" if model_default is models.NOT_PROVIDED else model_default
        assert getattr(BankSettings(), f.name) == expected, f.name


def test_an_organisation_becomes_a_bank_at_its_own_place_audited(
    organisation, make_place, make_user
):
    place = make_place(organisation, "norr")
    admin = make_user()
    bank = bank_create(
        actor=admin,
        organisation=organisation,
        place=place,
        bank_settings=BankSettings(loan_days=21, donation_info="  Lämna i receptionen. "),
    )
    bank.refresh_from_db()
    assert (bank.organisation, bank.place, bank.loan_days, bank.max_items) == (
        organisation,
        place,
        21,
        5,
    )
    assert bank.donation_info == "Lämna i receptionen."
    [event] = _events("bank.created")
    assert (event.actor, event.organisation_id, event.object_id) == (
        admin,
        organisation.pk,
        str(bank.pk),
    )


def test_a_second_bank_for_the_same_organisation_is_refused(organisation, make_place):
    place = make_place(organisation, "norr")
    bank_create(actor=None, organisation=organisation, place=place)
    with pytest.raises(LendingError) as refused:
        bank_create(actor=None, organisation=organisation, place=place)
    assert refused.value.message == (
        "Fritidsgården Norr lånar redan ut utrustning: ändra inställningarna i stället."
    )
    assert Bank.objects.count() == 1
    assert len(_events("bank.created")) == 1


def test_a_place_of_another_organisation_is_refused(organisation, make_organisation, make_place):
    elsewhere = make_place(make_organisation("Kommunen"), "stadshuset")
    with pytest.raises(SettingsError) as refused:
        bank_create(actor=None, organisation=organisation, place=elsewhere)
    assert refused.value.errors == {"place": "Välj en av organisationens egna platser."}
    assert not Bank.objects.exists()
    assert not _events("bank.created")


def test_no_place_is_refused(organisation):
    with pytest.raises(SettingsError) as refused:
        bank_create(actor=None, organisation=organisation, place=None)
    assert refused.value.errors == {"place": "Välj platsen där banken lånar ut."}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("loan_days", "Lånetiden måste vara från 1 till 90 dagar."),
        ("max_items", "Gränsen måste vara från 1 till 50 saker per låntagare."),
        ("reminder_days", "Påminnelsen måste komma från 0 till 14 dagar före återlämningsdagen."),
        (
            "overdue_repeat_days",
            "Dagarna mellan påminnelser om ett försenat lån måste vara från 1 till 60.",
        ),
        (
            "overdue_reminders_max",
            "Antalet påminnelser om ett försenat lån måste vara från 0 till 10.",
        ),
        (
            "borrower_retention_months",
            "Låntagare måste sparas från 1 till 36 månader efter senaste återlämning.",
        ),
    ],
)
def test_each_setting_is_kept_within_its_bounds(organisation, make_place, name, message):
    place = make_place(organisation, "norr")
    low, high = BANK_SETTING_BOUNDS[name]
    # Loan days high enough that no reminder day trips the reminder-before-loan rule.
    base = BankSettings(loan_days=90) if name != "loan_days" else BankSettings(reminder_days=0)
    for wrong in (low - 1, high + 1):
        with pytest.raises(SettingsError) as refused:
            bank_create(
                actor=None,
                organisation=organisation,
                place=place,
                bank_settings=replace(base, **_one(name, wrong)),
            )
        assert refused.value.errors == {name: message}, wrong
    for right in (low, high):
        bank = bank_create(
            actor=None,
            organisation=organisation,
            place=place,
            bank_settings=replace(base, **_one(name, right)),
        )
        assert getattr(bank, name) == right
        bank.delete()


def test_every_wrong_field_is_named_at_once(organisation, make_organisation, make_place):
    elsewhere = make_place(make_organisation("Kommunen"), "stadshuset")
    with pytest.raises(SettingsError) as refused:
        bank_create(
            actor=None,
            organisation=organisation,
            place=elsewhere,
            bank_settings=BankSettings(loan_days=0, borrower_retention_months=37),
        )
    assert set(refused.value.errors) == {"place", "loan_days", "borrower_retention_months"}


def test_the_reminder_must_come_after_the_day_of_the_loan(organisation, make_place):
    with pytest.raises(SettingsError) as refused:
        bank_create(
            actor=None,
            organisation=organisation,
            place=make_place(organisation, "norr"),
            bank_settings=BankSettings(loan_days=3, reminder_days=3),
        )
    assert refused.value.errors == {
        "reminder_days": (
            "Påminnelsen måste komma efter utlåningsdagen: välj färre dagar än lånetiden."
        )
    }


def test_a_long_donation_text_is_refused(organisation, make_place):
    with pytest.raises(SettingsError) as refused:
        bank_create(
            actor=None,
            organisation=organisation,
            place=make_place(organisation, "norr"),
            bank_settings=BankSettings(donation_info="x" * 2001),
        )
    assert refused.value.errors == {
        "donation_info": "Korta texten om gåvor till högst 2000 tecken."
    }


def test_settings_update_names_the_changed_fields_in_the_audit(bank, make_place, make_user):
    other_place = make_place(bank.organisation, "filialen")
    admin = make_user()
    changed = bank_settings_update(
        actor=admin,
        bank=bank,
        place=other_place,
        bank_settings=replace(BankSettings.of(bank), loan_days=21, borrower_retention_months=6),
    )
    assert changed == ["borrower_retention_months", "loan_days", "place"]
    bank.refresh_from_db()
    assert (bank.place, bank.loan_days, bank.borrower_retention_months) == (other_place, 21, 6)
    [event] = _events("bank.settings_changed")
    assert event.actor == admin
    assert event.changed_fields == ["borrower_retention_months", "loan_days", "place"]


def test_settings_update_without_a_change_writes_nothing(bank):
    assert (
        bank_settings_update(
            actor=None, bank=bank, place=bank.place, bank_settings=BankSettings.of(bank)
        )
        == []
    )
    assert not _events("bank.settings_changed")


def test_settings_update_is_refused_out_of_bounds_and_keeps_the_old_values(
    bank, make_organisation, make_place
):
    with pytest.raises(SettingsError) as refused:
        bank_settings_update(
            actor=None,
            bank=bank,
            place=make_place(make_organisation("Kommunen"), "stadshuset"),
            bank_settings=replace(BankSettings.of(bank), loan_days=91),
        )
    assert set(refused.value.errors) == {"place", "loan_days"}
    bank.refresh_from_db()
    assert bank.loan_days == 14
    assert not _events("bank.settings_changed")


def test_branches_are_added_renamed_and_removed_audited(bank, make_place):
    place = make_place(bank.organisation, "filialen")
    branch = branch_add(actor=None, bank=bank, name="  Filial Väster ", place=place)
    assert (branch.name, branch.place) == ("Filial Väster", place)
    assert branch_update(actor=None, branch=branch, name="Filial Öster", place=None) == [
        "name",
        "place",
    ]
    branch.refresh_from_db()
    assert (branch.name, branch.place) == ("Filial Öster", None)
    branch_remove(actor=None, branch=branch)
    assert not Branch.objects.exists()
    assert [
        e.action for e in AuditEvent.objects.filter(object_type="lending.branch").order_by("pk")
    ] == [
        "branch.created",
        "branch.changed",
        "branch.removed",
    ]
    assert _events("branch.changed")[0].changed_fields == ["name", "place"]


def test_a_branch_name_is_used_once_per_bank_whatever_the_case(bank):
    branch_add(actor=None, bank=bank, name="Filial Väster")
    with pytest.raises(SettingsError) as refused:
        branch_add(actor=None, bank=bank, name="filial väster")
    assert refused.value.errors == {"name": "Banken har redan en filial som heter filial väster."}
    other = branch_add(actor=None, bank=bank, name="Filial Öster")
    with pytest.raises(SettingsError):
        branch_update(actor=None, branch=other, name="Filial Väster")
    # Keeping its own name is no clash.
    assert branch_update(actor=None, branch=other, name="Filial Öster") == []


def test_a_branch_needs_a_name_and_a_place_of_the_organisation(bank, make_organisation, make_place):
    elsewhere = make_place(make_organisation("Kommunen"), "stadshuset")
    with pytest.raises(SettingsError) as refused:
        branch_add(actor=None, bank=bank, name="  ", place=elsewhere)
    assert refused.value.errors == {
        "name": "Skriv filialens namn.",
        "place": "Välj en av organisationens egna platser.",
    }
    assert not Branch.objects.exists()


def test_nothing_refers_to_a_branch_so_removing_it_is_a_plain_delete():
    # branch_remove deletes without asking what refers to the branch. When a model starts to
    # refer to Branch, this fails: make branch_remove refuse while such rows exist.
    assert [rel.related_model for rel in Branch._meta.related_objects] == []
