"""Two admins starting the same bank, or adding the same branch, at the same moment.

Real threads with their own connections (``test_concurrency._run_at_once``). Both may pass the
service's check in Python; the one-to-one ``Bank.organisation`` and
``branch_name_unique_per_bank`` let one insert through, and the others get the same clear
refusal as when they come one after the other.
"""

from __future__ import annotations

import pytest

from sammanhang.lending import services
from sammanhang.lending.models import Bank, Branch
from sammanhang.lending.tests.test_concurrency import THREADS, _run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_admins_starting_one_bank_at_once_make_one_bank(bank):
    organisation, place = bank.organisation, bank.place
    bank.delete()

    def start():
        return services.bank_create(actor=None, organisation=organisation, place=place)

    results, errors = _run_at_once([start] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert {type(error) for error in errors} == {services.LendingError}
    assert len({error.message for error in errors}) == 1
    assert Bank.objects.filter(organisation=organisation).count() == 1


def test_admins_adding_the_same_branch_at_once_make_one_branch(bank):
    def add():
        return services.branch_add(actor=None, bank=bank, name="Filial Väster")

    results, errors = _run_at_once([add] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(error, services.SettingsError) for error in errors)
    assert {tuple(error.errors) for error in errors} == {("name",)}
    assert Branch.objects.filter(bank=bank).count() == 1
