"""Reminders before the due date and when overdue: once, capped, grouped, by day, no duplicates."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from sammanhang.core import clock, messaging
from sammanhang.core.services import personal_data_purge
from sammanhang.lending import services
from sammanhang.lending.models import ArticleType, Loan, Reminder
from sammanhang.lending.reminders import _due_reminders, _record_and_send, reminders_send

pytestmark = pytest.mark.django_db

THREADS = 4


@pytest.fixture(autouse=True)
def empty_outbox():
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


@pytest.fixture
def run(settings, django_capture_on_commit_callbacks):
    """Run the job at a local moment; returns the messages it sent."""

    def run_at(moment: str) -> list[messaging.Sms]:
        settings.SAMMANHANG_FIXED_NOW = moment
        before = len(messaging.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            count = reminders_send(now=clock.now())
        sent = messaging.outbox[before:]
        assert count == len(sent)
        return sent

    return run_at


def _lend(settings, bank, borrower, *codes, moment="2026-11-30T12:00"):
    settings.SAMMANHANG_FIXED_NOW = moment
    visit = services.visit_start()
    return [
        services.loan_check_out(actor=None, bank=bank, borrower=borrower, code=code, visit_id=visit)
        for code in codes
    ]


def test_due_soon_is_sent_once(settings, open_mon_wed_fri, borrower, make_article, run):
    bank = open_mon_wed_fri
    bank.organisation.phone = "042-10 50 00"
    bank.organisation.save()
    make_article("A1")
    [loan] = _lend(settings, bank, borrower, "A1")
    assert loan.due_on == date(2026, 12, 14)

    assert run("2026-12-11T10:00") == []
    [sms] = run("2026-12-12T10:00")
    assert sms.to == "+46701234567"
    assert sms.text == (
        "Hej Alva Berg! Påminnelse från Fritidsbanken Söder: Hockeyskridskor ska lämnas "
        "tillbaka senast måndag 14 december. Inga avgifter. Frågor? Ring 042-10 50 00."
    )
    assert run("2026-12-12T11:00") == []
    assert run("2026-12-13T10:00") == []
    assert run("2026-12-14T10:00") == []
    assert Reminder.objects.get().kind == Reminder.Kind.DUE_SOON


def test_overdue_is_repeated_at_the_interval_and_capped(
    settings, open_mon_wed_fri, borrower, make_article, run
):
    bank = open_mon_wed_fri
    make_article("A1")
    _lend(settings, bank, borrower, "A1")
    run("2026-12-12T10:00")  # the due-soon reminder
    sent_on = []
    for day in range(15, 32):
        if run(f"2026-12-{day:02}T10:00"):
            sent_on.append(day)
    for day in range(1, 20):
        if run(f"2027-01-{day:02}T10:00"):
            sent_on.append(100 + day)
    assert sent_on == [15, 22, 29]
    overdue = list(Reminder.objects.filter(kind=Reminder.Kind.OVERDUE).order_by("sequence"))
    assert [r.sequence for r in overdue] == [1, 2, 3]
    # Kind and blame-free: no fee, and a way back.
    messaging.outbox.clear()
    Reminder.objects.filter(kind=Reminder.Kind.OVERDUE).delete()
    [sms] = run("2026-12-15T10:00")
    assert "skulle ha lämnats tillbaka måndag 14 december" in sms.text
    assert "Lämna tillbaka när du kan. Inga avgifter." in sms.text


def test_one_message_per_borrower_groups_all_loans(
    settings, open_mon_wed_fri, borrower, make_article, skates, run
):
    bank = open_mon_wed_fri
    skis = ArticleType.objects.create(category=skates.category, name="Längdskidor")
    make_article("A1")
    make_article("A2", type=skis)
    make_article("B1")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    _lend(settings, bank, borrower, "A1", "A2")
    _lend(settings, bank, bo, "B1")

    sent = run("2026-12-12T10:00")

    assert sorted(sms.to for sms in sent) == ["+46701234567", "+46702222222"]
    alva = next(sms for sms in sent if sms.to == "+46701234567")
    assert "Hockeyskridskor och Längdskidor ska lämnas tillbaka senast måndag 14 december" in (
        alva.text
    )
    assert Reminder.objects.count() == 3


def test_nothing_is_sent_at_night(settings, open_mon_wed_fri, borrower, make_article, run):
    make_article("A1")
    _lend(settings, open_mon_wed_fri, borrower, "A1")
    assert run("2026-12-12T08:59") == []
    assert run("2026-12-12T19:00") == []
    assert run("2026-12-13T02:00") == []
    assert not Reminder.objects.exists()
    assert len(run("2026-12-13T09:00")) == 1


def test_returned_loans_get_nothing(settings, open_mon_wed_fri, borrower, make_article, run):
    bank = open_mon_wed_fri
    make_article("A1")
    _lend(settings, bank, borrower, "A1")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-05T12:00"
    services.loan_return(bank=bank, code="A1")
    assert run("2026-12-12T10:00") == []
    assert run("2026-12-15T10:00") == []


def test_the_database_refuses_a_duplicate_reminder(settings, bank, borrower, make_article):
    make_article("A1")
    [loan] = _lend(settings, bank, borrower, "A1")
    Reminder.objects.create(loan=loan, kind="overdue", sequence=1, sent_at=clock.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(loan=loan, kind="overdue", sequence=1, sent_at=clock.now())


def test_two_overlapping_runs_send_one_message(
    settings, open_mon_wed_fri, borrower, make_article, run, django_capture_on_commit_callbacks
):
    bank = open_mon_wed_fri
    make_article("A1")
    _lend(settings, bank, borrower, "A1")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-12T10:00"
    now = clock.now()
    # Run A reads what is owed, then run B runs to the end before A records.
    owed_by_a = _due_reminders(bank, now.date())
    assert len(run("2026-12-12T10:00")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        a_sent = _record_and_send(
            bank=bank, borrower=borrower, dues=owed_by_a[borrower.pk], now=now, today=now.date()
        )
    assert a_sent is False
    assert len(messaging.outbox) == 1
    assert Reminder.objects.count() == 1


def test_the_file_backend_writes_one_file_per_message(
    settings, tmp_path, open_mon_wed_fri, borrower, make_article, django_capture_on_commit_callbacks
):
    settings.SAMMANHANG_SMS_BACKEND = "sammanhang.core.messaging.FileSmsBackend"
    settings.SAMMANHANG_SMS_FILE_PATH = tmp_path / "sms"
    make_article("A1")
    _lend(settings, open_mon_wed_fri, borrower, "A1")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-12T10:00"
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=clock.now()) == 1
    messaging.sms_send(to="+46700000000", text="Test")

    written = sorted((tmp_path / "sms").iterdir())
    assert len(written) == 2
    contents = sorted(path.read_text(encoding="utf-8") for path in written)
    assert contents[0] == "To: +46700000000\n\nTest\n"
    assert contents[1].startswith("To: +46701234567\n\nHej Alva Berg! Påminnelse från")
    assert messaging.outbox == []


def test_reminders_hold_no_personal_data_and_the_purge_still_works(
    settings, open_mon_wed_fri, borrower, make_article, run
):
    bank = open_mon_wed_fri
    make_article("A1")
    _lend(settings, bank, borrower, "A1")
    run("2026-12-12T10:00")
    run("2026-12-15T10:00")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-16T12:00"
    services.loan_return(bank=bank, code="A1")
    for reminder in Reminder.objects.values():
        values = " ".join(str(value) for value in reminder.values())
        assert "Alva" not in values
        assert "701234567" not in values

    settings.SAMMANHANG_FIXED_NOW = "2028-01-10T12:00"
    assert personal_data_purge(now=clock.now())["lending.borrowers"] == 1
    assert Reminder.objects.count() == 2
    assert Loan.objects.get().borrower is None
    assert run("2028-01-10T12:00") == []


def test_a_renewal_gives_one_new_due_soon_reminder(
    settings, open_mon_wed_fri, borrower, make_article, run
):
    bank = open_mon_wed_fri
    make_article("A1")
    _lend(settings, bank, borrower, "A1")
    assert len(run("2026-12-12T10:00")) == 1
    settings.SAMMANHANG_FIXED_NOW = "2026-12-14T12:00"
    loan = services.loan_renew(bank=bank, code="A1")
    days_before = (loan.due_on - date(2026, 12, 14)).days - bank.reminder_days
    assert days_before > 0
    assert run("2026-12-14T13:00") == []
    [sms] = run(f"{loan.due_on - timedelta(days=bank.reminder_days)}T10:00")
    assert "ska lämnas tillbaka senast" in sms.text
    assert Reminder.objects.filter(kind=Reminder.Kind.DUE_SOON).count() == 2


def test_the_job_is_registered():
    from sammanhang.core.periodic import registered_jobs

    assert "lending_reminders" in {job.name for job in registered_jobs()}


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_in_threads_send_one_message(settings, open_mon_wed_fri, make_article):
    bank = open_mon_wed_fri
    borrower = services.borrower_find_or_register(bank=bank, mobile="0701234567", name="Alva")
    make_article("A1")
    make_article("A2")
    _lend(settings, bank, borrower, "A1", "A2")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-12T10:00"
    now = clock.now()
    barrier = threading.Barrier(THREADS)
    counts: list[int] = []

    def job() -> None:
        try:
            barrier.wait()
            counts.append(reminders_send(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == [0] * (THREADS - 1) + [1]
    assert len(messaging.outbox) == 1
    assert Reminder.objects.count() == 2
