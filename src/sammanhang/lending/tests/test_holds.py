"""Reservations beyond the queue itself: an article on the shelf goes to the queue at once,
a donation serves the queue, and the borrower is told by SMS once, only in the day."""

from __future__ import annotations

from datetime import date

import pytest

from sammanhang.core import clock, messaging
from sammanhang.lending import selectors, services
from sammanhang.lending.models import Article, ArticleStatus, Hold
from sammanhang.lending.reminders import _claim_and_send, hold_offers_notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _day_and_outbox(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:00"
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


def _lend(bank, borrower, code):
    return services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code=code, visit_id=services.visit_start()
    )


def _other(bank, name="Bo", mobile="0702222222"):
    return services.borrower_find_or_register(bank=bank, mobile=mobile, name=name)


def test_a_reservation_gets_an_article_on_the_shelf_at_once(bank, borrower, make_article, skates):
    make_article("A2", size="40")
    a1 = make_article("A1")
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert (hold.status, hold.offered_article_id) == (Hold.Status.OFFERED, a1.pk)
    assert hold.offered_until == date(2026, 12, 8)
    # The next one waits: A1 is kept, and nothing else of that size is on the shelf.
    second = services.hold_place(bank=bank, borrower=_other(bank), type=skates, size="38")
    assert second.status == Hold.Status.WAITING


def test_an_article_kept_for_a_reservation_is_lent_to_its_holder_and_fulfils_it(
    bank, borrower, make_article, skates
):
    make_article("A1")
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    with pytest.raises(services.LendingError):
        _lend(bank, _other(bank), "A1")
    _lend(bank, borrower, "A1")
    hold.refresh_from_db()
    assert hold.status == Hold.Status.FULFILLED


def test_a_donation_is_offered_to_the_first_in_line(bank, borrower, skates):
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert hold.status == Hold.Status.WAITING
    services.articles_register(actor=None, bank=bank, type=skates, codes=["N1", "N2"], size="38")
    hold.refresh_from_db()
    assert (hold.status, hold.offered_article_id) == (
        Hold.Status.OFFERED,
        Article.objects.get(code="N1").pk,
    )


def test_the_same_reservation_twice_is_refused_with_its_own_error(bank, borrower, skates):
    services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    with pytest.raises(services.HoldAlreadyPlaced):
        services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert Hold.objects.count() == 1


def test_queue_place_counts_only_those_still_waiting_ahead(bank, borrower, make_article, skates):
    make_article("A1", status=ArticleStatus.ON_LOAN)
    first = services.hold_place(bank=bank, borrower=_other(bank, "Bo"), type=skates, size="38")
    second = services.hold_place(
        bank=bank, borrower=_other(bank, "Cy", "0703333333"), type=skates, size="38"
    )
    mine = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert selectors.hold_queue_place(hold=mine) == 3
    services.hold_cancel(hold=second)
    assert selectors.hold_queue_place(hold=mine) == 2
    [listed] = selectors.borrower_holds(borrower=borrower)
    assert listed.queue_place == 2  # type: ignore[attr-defined]
    assert [h.queue_place for h in selectors.hold_queues(bank=bank)] == [1, 2]  # type: ignore[attr-defined]
    assert first.position == 1


def test_the_offer_is_told_by_sms_once_right_after_it_is_made(
    bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    bank.organisation.phone = "042-10 50 00"
    bank.organisation.save()
    make_article("A1")
    with django_capture_on_commit_callbacks(execute=True):
        hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    [sms] = messaging.outbox
    assert sms.to == "+46701234567"
    assert sms.text == (
        "Hej Alva Berg! Din reservation av Hockeyskridskor i storlek 38 finns att hämta på "
        "Fritidsbanken Söder senast tisdag 8 december. Inga avgifter. Kan du inte komma, "
        "eller behöver du den inte längre? Ring 042-10 50 00."
    )
    hold.refresh_from_db()
    assert hold.notified_at == clock.now()
    # The hourly job finds nothing more to tell.
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_offers_notify(now=clock.now()) == 0
    assert len(messaging.outbox) == 1


def test_an_offer_made_in_the_evening_is_told_by_the_first_run_in_the_morning(
    settings, bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    make_article("A1", status=ArticleStatus.IN_REPAIR)
    services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T20:30"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_status_set(
            actor=None, article=Article.objects.get(code="A1"), status=ArticleStatus.AVAILABLE
        )
    assert messaging.outbox == []
    hold = Hold.objects.get()
    assert (hold.status, hold.notified_at) == (Hold.Status.OFFERED, None)
    for moment in ("2026-12-01T23:00", "2026-12-02T08:59"):
        settings.SAMMANHANG_FIXED_NOW = moment
        with django_capture_on_commit_callbacks(execute=True):
            assert hold_offers_notify(now=clock.now()) == 0
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T09:00"
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_offers_notify(now=clock.now()) == 1
        assert hold_offers_notify(now=clock.now()) == 0
    [sms] = messaging.outbox
    assert "senast tisdag 8 december" in sms.text


def test_a_run_holding_a_stale_copy_cannot_send_again(
    bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    """Two overlapping runs both read the hold as untold; the conditional UPDATE lets only
    the first claim it, so the second sends nothing."""
    make_article("A1")
    services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    first_copy = Hold.objects.select_related("bank__organisation", "borrower", "type").get()
    second_copy = Hold.objects.select_related("bank__organisation", "borrower", "type").get()
    with django_capture_on_commit_callbacks(execute=True):
        assert _claim_and_send(hold=first_copy, now=clock.now()) is True
        assert _claim_and_send(hold=second_copy, now=clock.now()) is False
    assert len(messaging.outbox) == 1


def test_an_offer_made_again_after_repair_is_told_again(
    bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    article = make_article("A1")
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert Hold.objects.get().notified_at is not None
    services.article_status_set(actor=None, article=article, status=ArticleStatus.IN_REPAIR)
    assert Hold.objects.get().notified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        services.article_status_set(actor=None, article=article, status=ArticleStatus.AVAILABLE)
    assert len(messaging.outbox) == 2


def test_nothing_is_told_for_a_cancelled_or_expired_offer(
    settings, bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T06:00"  # offered at night: not told yet
    make_article("A1")
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    services.hold_cancel(hold=hold)
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T10:00"
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_offers_notify(now=clock.now()) == 0
    assert messaging.outbox == []


def test_the_periodic_job_is_registered():
    from sammanhang.core.periodic import registered_jobs

    assert "lending_hold_notices" in {job.name for job in registered_jobs()}


class BrokenSmsBackend:
    def send(self, to: str, text: str) -> None:
        raise ConnectionError("the provider is down")


def test_a_failing_sms_provider_does_not_undo_the_return(
    settings, bank, borrower, make_article, skates, django_capture_on_commit_callbacks
):
    make_article("A1")
    _lend(bank, borrower, "A1")
    hold = services.hold_place(bank=bank, borrower=_other(bank), type=skates, size="38")
    settings.SAMMANHANG_SMS_BACKEND = f"{__name__}.BrokenSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_return(bank=bank, code="A1")
    hold.refresh_from_db()
    assert hold.status == Hold.Status.OFFERED
    assert Article.objects.get(code="A1").status == ArticleStatus.AVAILABLE
    # The claim stands: the lost message is not resent by the next run.
    assert hold.notified_at is not None
