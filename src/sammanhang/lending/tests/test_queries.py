"""The desk costs the same number of queries whatever the loan history, and the index for
open loans by due date is in the database.

How fast the desk is at 100,000 articles and a million loans is measured by
``benchmarks/lending_desk.py``, not here; these tests catch what would make it slow as the
history grows: a query per historical loan, or the reminder run's index gone missing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sammanhang.accounts import services as account_services
from sammanhang.accounts.models import User
from sammanhang.core import clock
from sammanhang.lending import selectors, services
from sammanhang.lending.models import Loan
from sammanhang.lending.reminders import reminders_send
from sammanhang.lending.retention import purge_borrowers

pytestmark = pytest.mark.django_db

HISTORY = 30


def _history(bank, article, borrower, count=HISTORY):
    """``count`` returned loans of ``article`` to ``borrower``, the last ending a month ago."""
    now = clock.now()
    loans = []
    for n in range(count):
        out_at = now - timedelta(days=30 + 20 * (count - n))
        loans.append(
            Loan(
                article=article,
                borrower=borrower,
                borrower_pseudonym=services.borrower_pseudonym(borrower),
                bank=bank,
                out_at=out_at,
                out_on=out_at.date(),
                due_on=out_at.date() + timedelta(days=14),
                returned_at=out_at + timedelta(days=10),
                condition_on_return="good",
                visit_id=uuid.uuid4(),
            )
        )
    Loan.objects.bulk_create(loans)


def _desk_queries(bank, borrower, code):
    with CaptureQueriesContext(connection) as lent:
        services.loan_check_out(
            actor=None, bank=bank, borrower=borrower, code=code, visit_id=uuid.uuid4()
        )
    with CaptureQueriesContext(connection) as returned:
        services.loan_return(bank=bank, code=code)
    return len(lent), len(returned)


def test_check_out_and_return_cost_the_same_after_a_long_history(
    open_mon_wed_fri, borrower, make_article
):
    bank = open_mon_wed_fri
    make_article("A1")
    fresh = _desk_queries(bank, borrower, "A1")
    used = make_article("A2")
    _history(bank, used, borrower)
    other = services.borrower_find_or_register(bank=bank, mobile="070-765 43 21", name="Bo Ek")
    _history(bank, used, other)

    assert _desk_queries(bank, borrower, "A2") == fresh


def test_the_visit_page_costs_the_same_after_a_long_history(
    client, open_mon_wed_fri, borrower, make_article
):
    bank = open_mon_wed_fri
    user = User.objects.create_user("desk", password="a-long-enough-test-password")
    account_services.membership_set(
        actor=None, organisation=bank.organisation, user=user, role="editor"
    )
    client.force_login(user)
    url = reverse(
        "lending_staff:visit",
        kwargs={
            "org_slug": bank.organisation.slug,
            "borrower_id": borrower.pk,
            "visit": uuid.uuid4(),
        },
    )
    make_article("A1")
    services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code="A1", visit_id=uuid.uuid4()
    )
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(url).status_code == 200
    _history(bank, make_article("A2"), borrower)

    with CaptureQueriesContext(connection) as used:
        response = client.get(url)

    assert len(used) == len(fresh)
    assert [loan.article.code for loan in response.context["loans"]] == ["A1"]


def test_the_reminder_run_and_the_purge_cost_the_same_after_a_long_history(
    settings, open_mon_wed_fri, borrower, make_article
):
    bank = open_mon_wed_fri
    settings.SAMMANHANG_FIXED_NOW = "2026-11-30T12:00"
    for code in ("A1", "A2"):
        make_article(code)
        services.loan_check_out(
            actor=None, bank=bank, borrower=borrower, code=code, visit_id=uuid.uuid4()
        )
    moment = clock.now() + timedelta(days=12)

    def counts():
        with CaptureQueriesContext(connection) as reminded:
            reminders_send(now=moment)
        with CaptureQueriesContext(connection) as purged:
            purge_borrowers(moment)
        return len(reminded), len(purged)

    fresh = counts()
    # Undo what the first run wrote, so the second has the same to do.
    Loan.objects.get(article__code="A1").reminders.all().delete()
    Loan.objects.get(article__code="A2").reminders.all().delete()
    _history(bank, make_article("A3"), borrower)
    _history(bank, make_article("A4"), borrower)

    assert counts() == fresh


def test_open_loans_are_indexed_by_bank_and_due_date():
    # The hourly reminder run reads each bank's open loans due soon or overdue: without this
    # index it reads the whole loan history (a million loans in the benchmark).
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Loan._meta.db_table)

    assert constraints["loan_open_by_bank_due"]["columns"] == ["bank_id", "due_on"]
    assert constraints["loan_open_by_bank_due"]["index"] is True


def test_the_visit_selector_reads_only_open_loans(open_mon_wed_fri, borrower, make_article):
    bank = open_mon_wed_fri
    make_article("A1")
    services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code="A1", visit_id=uuid.uuid4()
    )
    _history(bank, make_article("A2"), borrower)

    assert [loan.article.code for loan in selectors.borrower_open_loans(borrower=borrower)] == [
        "A1"
    ]
