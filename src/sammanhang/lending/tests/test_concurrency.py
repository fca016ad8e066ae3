"""Many desks scanning the same article at once: exactly one loan, the others a clear message.

Real threads, each with its own database connection. On PostgreSQL they race, and the row
lock plus the ``loan_one_open_per_article`` constraint decide; on SQLite IMMEDIATE
transactions serialise them and the later ones see the article as lent.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from sammanhang.lending import services
from sammanhang.lending.models import Article, Hold, Loan
from sammanhang.lending.services import LendingError

THREADS = 6


def _run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    errors: list[LendingError] = []
    results: list[object] = []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except LendingError as exc:
            errors.append(exc)
        finally:
            # Each thread has its own connection; close it so the test database can be dropped.
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_without_the_services_checks_the_constraint_alone_keeps_one_open_loan(bank, make_article):
    # Inserts that skip the status check and the row lock, as a buggy caller would: the
    # database still refuses every open loan but one.
    article = make_article("A1")
    borrower = services.borrower_find_or_register(bank=bank, mobile="0701110000", name="Alva")
    refused: list[IntegrityError] = []

    def insert():
        now = timezone.now()
        try:
            Loan.objects.create(
                article=article,
                borrower=borrower,
                borrower_pseudonym="p",
                bank=bank,
                out_at=now,
                out_on=now.date(),
                due_on=now.date(),
                visit_id=uuid.uuid4(),
            )
        except IntegrityError as exc:
            refused.append(exc)

    results, errors = _run_at_once([insert] * THREADS)

    assert (len(results), errors, len(refused)) == (THREADS, [], THREADS - 1)
    assert Loan.objects.filter(article=article, returned_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_desks_lending_one_article_at_once_make_one_loan(bank, make_article):
    make_article("A1")
    borrowers = [
        services.borrower_find_or_register(bank=bank, mobile=f"07011100{n:02d}", name=f"B{n}")
        for n in range(THREADS)
    ]

    def lend(borrower):
        return lambda: services.loan_check_out(
            actor=None, bank=bank, borrower=borrower, code="A1", visit_id=services.visit_start()
        )

    results, errors = _run_at_once([lend(b) for b in borrowers])

    assert len(results) == 1
    assert Loan.objects.count() == 1
    assert [e.message for e in errors] == [
        "Artikel A1 är redan utlånad. Lämna tillbaka den innan den lånas ut igen."
    ] * (THREADS - 1)
    assert Article.objects.get(code="A1").status == Article.Status.ON_LOAN


@pytest.mark.django_db(transaction=True)
def test_two_desks_lending_to_one_borrower_at_the_limit_lend_one(bank, make_article):
    bank.max_items = 1
    bank.save()
    make_article("A1")
    make_article("A2")
    borrower = services.borrower_find_or_register(bank=bank, mobile="0701110000", name="Alva")

    def lend(code):
        return lambda: services.loan_check_out(
            actor=None, bank=bank, borrower=borrower, code=code, visit_id=services.visit_start()
        )

    results, errors = _run_at_once([lend("A1"), lend("A2")])

    assert (len(results), len(errors)) == (1, 1)
    assert Loan.objects.filter(borrower=borrower).count() == 1


@pytest.mark.django_db(transaction=True)
def test_holds_placed_at_once_get_distinct_positions(bank, skates):
    borrowers = [
        services.borrower_find_or_register(bank=bank, mobile=f"07022200{n:02d}", name=f"B{n}")
        for n in range(THREADS)
    ]

    def place(borrower):
        return lambda: services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")

    results, errors = _run_at_once([place(b) for b in borrowers])

    assert (len(results), errors) == (THREADS, [])
    positions = sorted(Hold.objects.values_list("position", flat=True))
    assert positions == list(range(1, THREADS + 1))
