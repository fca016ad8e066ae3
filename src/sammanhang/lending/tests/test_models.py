"""The rules the database itself guards, tried directly, without the services' checks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sammanhang.lending.models import Borrower, Hold, Loan

pytestmark = pytest.mark.django_db


def _loan(article, borrower, **fields):
    out_at = fields.pop("out_at", timezone.make_aware(datetime(2026, 12, 1, 12)))
    return Loan.objects.create(
        article=article,
        borrower=borrower,
        borrower_pseudonym="p",
        bank=article.bank,
        out_at=out_at,
        out_on=fields.pop("out_on", out_at.date()),
        due_on=fields.pop("due_on", out_at.date() + timedelta(days=14)),
        visit_id=uuid.uuid4(),
        **fields,
    )


def test_second_open_loan_for_same_article_is_refused(make_article, borrower):
    article = make_article("A1")
    _loan(article, borrower)
    with pytest.raises(IntegrityError), transaction.atomic():
        _loan(article, borrower)


def test_returned_loan_lets_the_article_be_lent_again(make_article, borrower):
    article = make_article("A1")
    first = _loan(article, borrower)
    first.returned_at = first.out_at + timedelta(days=3)
    first.save()
    second = _loan(article, borrower)
    assert list(Loan.objects.filter(article=article, returned_at__isnull=True)) == [second]


def test_due_date_before_the_loan_is_refused(make_article, borrower):
    with pytest.raises(IntegrityError), transaction.atomic():
        _loan(make_article("A1"), borrower, due_on=date(2026, 11, 30))


def test_return_before_the_loan_is_refused(make_article, borrower):
    out_at = timezone.make_aware(datetime(2026, 12, 1, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        _loan(make_article("A1"), borrower, out_at=out_at, returned_at=out_at - timedelta(hours=1))


def test_unknown_article_status_is_refused(make_article):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article("A1", status="borrowed")


def test_article_code_is_unique_per_bank(make_article):
    make_article("A1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article("A1")


def test_mobile_number_is_unique_per_bank_and_stored_in_e164(bank, borrower):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Borrower.objects.create(
            bank=bank, name="Annan", mobile=borrower.mobile, last_activity_at=now
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Borrower.objects.create(bank=bank, name="Annan", mobile="070-1234567", last_activity_at=now)


def test_two_waiting_holds_cannot_share_a_queue_position(bank, skates, borrower):
    other = Borrower.objects.create(
        bank=bank, name="Bo", mobile="+46701111111", last_activity_at=timezone.now()
    )
    fields = {"bank": bank, "type": skates, "size": "38", "position": 1}
    Hold.objects.create(borrower=borrower, created_at=timezone.now(), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(borrower=other, created_at=timezone.now(), **fields)
    # Once the first is fulfilled, its position is free for a waiting hold again.
    Hold.objects.update(status=Hold.Status.FULFILLED)
    Hold.objects.create(borrower=other, created_at=timezone.now(), **fields)


def test_an_offered_hold_names_its_article_and_last_day(bank, skates, borrower):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(
            bank=bank,
            type=skates,
            size="38",
            borrower=borrower,
            position=1,
            created_at=timezone.now(),
            status=Hold.Status.OFFERED,
        )
