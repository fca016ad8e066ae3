"""Borrowers are purged a bank-set time after their last return; statistics stay the same."""

from __future__ import annotations

from datetime import date

import pytest

from sammanhang.core import clock
from sammanhang.core.retention import registered_rules
from sammanhang.core.services import personal_data_purge
from sammanhang.lending import selectors, services
from sammanhang.lending.models import Borrower, Hold, Loan

pytestmark = pytest.mark.django_db


def _visit(settings, moment, bank, borrower, code, *, keep=False):
    settings.SAMMANHANG_FIXED_NOW = moment
    services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code=code, visit_id=services.visit_start()
    )
    if not keep:
        services.loan_return(bank=bank, code=code)


def test_the_rule_is_registered():
    assert "lending.borrowers" in {rule.key for rule in registered_rules()}


def test_purge_removes_borrowers_after_the_period_and_keeps_the_statistics(
    settings, bank, borrower, make_article, skates
):
    make_article("A1")
    make_article("A2")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    cy = services.borrower_find_or_register(bank=bank, mobile="0703333333", name="Cy")
    _visit(settings, "2025-01-10T12:00", bank, borrower, "A1")
    _visit(settings, "2025-01-11T12:00", bank, borrower, "A1")
    _visit(settings, "2025-01-12T12:00", bank, bo, "A1")
    services.hold_place(bank=bank, borrower=bo, type=skates, size="40")
    # Cy borrowed long ago but still has the article: kept, whatever the date.
    _visit(settings, "2025-01-13T12:00", bank, cy, "A2", keep=True)
    # Alva came back recently: kept.
    _visit(settings, "2026-06-01T12:00", bank, borrower, "A1")
    start, end = date(2025, 1, 1), date(2026, 12, 31)
    before = (
        Loan.objects.count(),
        selectors.loan_unique_borrowers(bank=bank, start=start, end=end),
    )

    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:00"
    result = personal_data_purge(now=clock.now())

    assert result["lending.borrowers"] == 1
    assert set(Borrower.objects.values_list("name", flat=True)) == {"Alva Berg", "Cy"}
    assert not Hold.objects.filter(borrower__name="Bo").exists()
    assert not Hold.objects.exists()
    bo_loan = Loan.objects.get(out_on=date(2025, 1, 12))
    assert bo_loan.borrower is None
    # Nothing in the loan history can bring back the name or the number.
    assert "0702222222" not in bo_loan.borrower_pseudonym
    assert (
        (Loan.objects.count(), selectors.loan_unique_borrowers(bank=bank, start=start, end=end))
        == before
        == (5, 3)
    )
    # Idempotent.
    assert personal_data_purge(now=clock.now())["lending.borrowers"] == 0


def test_a_shorter_bank_period_purges_sooner(settings, bank, borrower, make_article):
    bank.borrower_retention_months = 3
    bank.save()
    make_article("A1")
    _visit(settings, "2026-08-01T12:00", bank, borrower, "A1")
    settings.SAMMANHANG_FIXED_NOW = "2026-10-31T12:00"
    assert personal_data_purge(now=clock.now())["lending.borrowers"] == 0
    settings.SAMMANHANG_FIXED_NOW = "2026-11-02T12:00"
    assert personal_data_purge(now=clock.now())["lending.borrowers"] == 1
    assert not Borrower.objects.exists()
