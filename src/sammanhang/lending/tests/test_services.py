from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from sammanhang.core.models import AuditEvent
from sammanhang.directory.models import PlaceClosure
from sammanhang.lending import selectors, services
from sammanhang.lending.models import Article, Borrower, Hold, Loan
from sammanhang.lending.services import LendingError

pytestmark = pytest.mark.django_db

# A Tuesday; 14 days later is Tuesday 15 December.
NOW = "2026-12-01T12:00"


@pytest.fixture(autouse=True)
def _fixed_clock(settings):
    settings.SAMMANHANG_FIXED_NOW = NOW


def _lend(bank, borrower, code, **kwargs):
    kwargs.setdefault("visit_id", services.visit_start())
    return services.loan_check_out(actor=None, bank=bank, borrower=borrower, code=code, **kwargs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("(070) 123 45 67", "+46701234567"),
    ],
)
def test_mobile_numbers_are_stored_in_e164(raw, expected):
    assert services.mobile_normalise(raw) == expected


def test_text_that_is_not_a_phone_number_is_refused_in_swedish():
    with pytest.raises(LendingError) as error:
        services.mobile_normalise("hej")
    assert error.value.message == "Ange ett mobilnummer, till exempel 070-123 45 67."


def test_a_borrower_is_found_by_their_number_however_it_is_written(bank, borrower):
    assert services.borrower_find_or_register(bank=bank, mobile="+46701234567") == borrower
    assert Borrower.objects.count() == 1


def test_a_new_number_without_a_name_is_refused(bank):
    with pytest.raises(LendingError) as error:
        services.borrower_find_or_register(bank=bank, mobile="0709999999")
    assert error.value.message == (
        "Ingen låntagare har det här numret ännu. Skriv ett namn för att registrera hen."
    )


def test_due_date_is_loan_days_later_without_opening_hours(bank, borrower, make_article):
    make_article("A1")
    loan = _lend(bank, borrower, "A1")
    assert loan.due_on == date(2026, 12, 15)
    assert loan.out_on == date(2026, 12, 1)


def test_due_date_moves_to_the_next_open_day(open_mon_wed_fri, borrower, make_article):
    make_article("A1")
    loan = _lend(open_mon_wed_fri, borrower, "A1")
    assert loan.due_on == date(2026, 12, 16)  # Tuesday closed, Wednesday open


def test_due_date_passes_over_a_closed_day(open_mon_wed_fri, borrower, make_article):
    PlaceClosure.objects.create(
        place=open_mon_wed_fri.place, date=date(2026, 12, 16), reason="Stängt"
    )
    make_article("A1")
    assert _lend(open_mon_wed_fri, borrower, "A1").due_on == date(2026, 12, 18)


def test_check_out_marks_the_article_on_loan(bank, borrower, make_article):
    article = make_article("A1")
    loan = _lend(bank, borrower, " A1 ")
    article.refresh_from_db()
    assert article.status == Article.Status.ON_LOAN
    assert loan.borrower == borrower
    assert loan.borrower_pseudonym == services.borrower_pseudonym(borrower)
    assert list(selectors.borrower_open_loans(borrower=borrower)) == [loan]


def test_an_article_on_loan_cannot_be_lent_again(bank, borrower, make_article):
    make_article("A1")
    _lend(bank, borrower, "A1")
    with pytest.raises(LendingError) as error:
        _lend(bank, borrower, "A1")
    assert (
        error.value.message
        == "Artikel A1 är redan utlånad. Lämna tillbaka den innan den lånas ut igen."
    )
    assert Loan.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("in_repair", "Artikel A1 är på reparation och kan inte lånas ut."),
        ("retired", "Artikel A1 är utrangerad och kan inte lånas ut."),
        ("missing", "Artikel A1 är markerad som saknad. Lämna tillbaka den först."),
    ],
)
def test_an_unavailable_article_is_refused_with_its_reason(
    bank, borrower, make_article, status, message
):
    make_article("A1", status=status)
    with pytest.raises(LendingError) as error:
        _lend(bank, borrower, "A1")
    assert error.value.message == message


def test_an_unknown_code_is_refused(bank, borrower):
    with pytest.raises(LendingError) as error:
        _lend(bank, borrower, "X9")
    assert error.value.message == "Ingen artikel har ID-numret X9."


def test_the_item_limit_refuses_one_more(bank, borrower, make_article):
    bank.max_items = 2
    bank.save()
    for code in ("A1", "A2", "A3"):
        make_article(code)
    _lend(bank, borrower, "A1")
    _lend(bank, borrower, "A2")
    with pytest.raises(LendingError) as error:
        _lend(bank, borrower, "A3")
    assert error.value.message == (
        "Alva Berg har redan 2 saker utlånade och gränsen är 2. "
        "Personalen kan låna ut fler genom att ange ett skäl."
    )
    assert Article.objects.get(code="A3").status == Article.Status.AVAILABLE


def test_staff_may_exceed_the_limit_with_a_reason_and_it_is_audited(
    bank, borrower, make_article, make_user
):
    staff = make_user("desk")
    bank.max_items = 1
    bank.save()
    make_article("A1")
    make_article("A2")
    _lend(bank, borrower, "A1")
    loan = services.loan_check_out(
        actor=staff,
        bank=bank,
        borrower=borrower,
        code="A2",
        visit_id=services.visit_start(),
        override_reason="Familj med tre barn",
    )
    assert (loan.override_reason, loan.override_by) == ("Familj med tre barn", staff)
    event = AuditEvent.objects.get(action="loan.limit_overridden")
    assert (event.actor_id, event.object_id) == (staff.pk, str(loan.pk))


def test_a_reason_within_the_limit_is_not_stored(bank, borrower, make_article):
    make_article("A1")
    loan = _lend(bank, borrower, "A1", override_reason="onödigt")
    assert loan.override_reason == ""
    assert not AuditEvent.objects.filter(action="loan.limit_overridden").exists()


def test_return_makes_the_article_available(bank, borrower, make_article):
    make_article("A1")
    _lend(bank, borrower, "A1")
    loan = services.loan_return(bank=bank, code="A1", condition="worn")
    article = Article.objects.get(code="A1")
    assert (article.status, article.condition) == ("available", "worn")
    assert loan.returned_at is not None
    assert loan.condition_on_return == "worn"


def test_return_to_repair_keeps_the_article_from_lending(bank, borrower, make_article):
    make_article("A1")
    _lend(bank, borrower, "A1")
    services.loan_return(bank=bank, code="A1", condition="broken", to_repair=True)
    assert Article.objects.get(code="A1").status == Article.Status.IN_REPAIR
    with pytest.raises(LendingError):
        _lend(bank, borrower, "A1")


def test_returning_an_article_not_on_loan_is_refused(bank, make_article):
    make_article("A1")
    with pytest.raises(LendingError) as error:
        services.loan_return(bank=bank, code="A1")
    assert error.value.message == "Artikel A1 är inte utlånad."


def test_renew_gives_a_new_due_date_from_today(bank, borrower, make_article, settings):
    make_article("A1")
    _lend(bank, borrower, "A1")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-10T12:00"
    loan = services.loan_renew(bank=bank, code="A1")
    assert (loan.due_on, loan.renewed_count) == (date(2026, 12, 24), 1)


def test_renew_is_refused_when_someone_waits_for_it(bank, borrower, make_article, skates):
    make_article("A1")
    _lend(bank, borrower, "A1")
    other = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    services.hold_place(bank=bank, borrower=other, type=skates, size="38")
    with pytest.raises(LendingError) as error:
        services.loan_renew(bank=bank, code="A1")
    assert error.value.message == (
        "Någon har reserverat den här sortens artikel, så lånet kan inte förlängas. "
        "Lämna tillbaka den."
    )


def test_undo_in_the_same_visit_removes_the_loan(bank, borrower, make_article):
    make_article("A1")
    visit = services.visit_start()
    loan = _lend(bank, borrower, "A1", visit_id=visit)
    services.loan_undo(actor=None, loan=loan, visit_id=visit)
    assert not Loan.objects.exists()
    assert Article.objects.get(code="A1").status == Article.Status.AVAILABLE
    assert AuditEvent.objects.filter(action="loan.undone", object_id=str(loan.pk)).exists()


def test_undo_is_refused_in_another_visit_or_too_late(bank, borrower, make_article, settings):
    make_article("A1")
    visit = services.visit_start()
    loan = _lend(bank, borrower, "A1", visit_id=visit)
    message = "Lånet kan inte längre ångras. Ta emot artikeln som återlämnad i stället."
    with pytest.raises(LendingError) as error:
        services.loan_undo(actor=None, loan=loan, visit_id=services.visit_start())
    assert error.value.message == message
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:16"
    with pytest.raises(LendingError):
        services.loan_undo(actor=None, loan=loan, visit_id=visit)
    assert Loan.objects.count() == 1


def test_holds_queue_in_order_and_the_first_is_offered_a_returned_article(
    bank, borrower, make_article, skates
):
    make_article("A1")
    _lend(bank, borrower, "A1")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    cy = services.borrower_find_or_register(bank=bank, mobile="0703333333", name="Cy")
    first = services.hold_place(bank=bank, borrower=bo, type=skates, size="38")
    second = services.hold_place(bank=bank, borrower=cy, type=skates, size="38")
    assert (first.position, second.position) == (1, 2)
    services.loan_return(bank=bank, code="A1")
    first.refresh_from_db()
    assert first.status == Hold.Status.OFFERED
    assert first.offered_until == date(2026, 12, 8)
    # Kept for Bo: Cy cannot borrow it, Bo can, and the hold is fulfilled.
    with pytest.raises(LendingError) as error:
        _lend(bank, cy, "A1")
    assert error.value.message == "Artikel A1 är reserverad för en annan låntagare."
    _lend(bank, bo, "A1")
    first.refresh_from_db()
    assert first.status == Hold.Status.FULFILLED


def test_a_borrower_cannot_queue_twice_for_the_same_thing(bank, borrower, skates):
    services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    with pytest.raises(LendingError) as error:
        services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    assert (
        error.value.message == "Alva Berg har redan reserverat den här artikeltypen och storleken."
    )


def test_an_offer_not_picked_up_expires_and_passes_to_the_next(
    bank, borrower, make_article, skates
):
    make_article("A1")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    # Lent before the reservations: an article on the shelf would be offered at once.
    _lend(bank, bo, "A1")
    first = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    second = services.hold_place(bank=bank, borrower=bo, type=skates, size="38")
    services.loan_return(bank=bank, code="A1")
    first.refresh_from_db()
    assert first.status == Hold.Status.OFFERED
    assert services.hold_expire(today=date(2026, 12, 8)) == 0
    assert services.hold_expire(today=date(2026, 12, 9)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Hold.Status.EXPIRED
    assert second.status == Hold.Status.OFFERED
    assert second.offered_article == Article.objects.get(code="A1")
    assert services.hold_expire(today=date(2026, 12, 9)) == 0


def test_article_by_code_finds_a_scanned_code(bank, make_article):
    article = make_article("A1")
    assert selectors.article_by_code(bank=bank, code=" A1") == article
    assert selectors.article_by_code(bank=bank, code="A2") is None


def test_unique_borrowers_counts_pseudonyms(bank, borrower, make_article):
    make_article("A1")
    make_article("A2")
    _lend(bank, borrower, "A1")
    _lend(bank, borrower, "A2")
    day = timezone.make_aware(datetime(2026, 12, 1)).date()
    assert selectors.loan_unique_borrowers(bank=bank, start=day, end=day + timedelta(days=1)) == 1


def test_the_periodic_job_expires_offers(bank, borrower, make_article, skates):
    from datetime import time

    from sammanhang.core.periodic import registered_jobs

    make_article("A1")
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    services.hold_offer_next(article=Article.objects.get(code="A1"))
    job = next(job for job in registered_jobs() if job.name == "lending_holds_expire")
    moment = timezone.make_aware(datetime.combine(date(2026, 12, 9), time(8)))
    assert job.run(moment) == "1 reservations not picked up expired"
    hold.refresh_from_db()
    assert hold.status == Hold.Status.EXPIRED


def test_a_donation_registers_one_article_per_code(bank, skates, make_user):
    staff = make_user("desk")
    articles = services.articles_register(
        actor=staff, bank=bank, type=skates, codes=["D1", " D2 ", "", "D3"], size="40"
    )
    assert [a.code for a in articles] == ["D1", "D2", "D3"]
    assert {(a.size, a.status, a.donor) for a in articles} == {("40", "available", "")}
    assert AuditEvent.objects.filter(action="article.registered", actor_id=staff.pk).count() == 3


def test_a_donation_with_used_codes_registers_nothing(bank, skates, make_article):
    make_article("D1")
    with pytest.raises(LendingError) as error:
        services.articles_register(actor=None, bank=bank, type=skates, codes=["D1", "D2", "D2"])
    assert error.value.message == "De här ID-numren används redan: D1, D2."
    assert list(Article.objects.values_list("code", flat=True)) == ["D1"]


def test_an_empty_donation_is_refused(bank, skates):
    with pytest.raises(LendingError) as error:
        services.articles_register(actor=None, bank=bank, type=skates, codes=[" "])
    assert error.value.message == "Skanna eller skriv minst ett ID-nummer."


def test_a_repaired_article_is_available_and_offered_to_the_queue(
    bank, borrower, make_article, skates
):
    article = make_article("A1", status="in_repair")
    hold = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    services.article_status_set(actor=None, article=article, status="available")
    hold.refresh_from_db()
    assert (hold.status, hold.offered_article) == (Hold.Status.OFFERED, article)
    assert AuditEvent.objects.filter(action="article.status_changed").count() == 1


def test_an_offered_article_retired_puts_the_hold_back_first_in_line(
    bank, borrower, make_article, skates
):
    article = make_article("A1", status="in_repair")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    first = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    services.hold_place(bank=bank, borrower=bo, type=skates, size="38")
    services.article_status_set(actor=None, article=article, status="available")
    services.article_status_set(actor=None, article=article, status="retired")
    first.refresh_from_db()
    assert (first.status, first.position, first.offered_article) == (Hold.Status.WAITING, 1, None)
    make_article("A2")
    offered = services.hold_offer_next(article=Article.objects.get(code="A2"))
    assert offered == first


@pytest.mark.parametrize(
    ("start", "status", "message"),
    [
        ("on_loan", "retired", "Artikel A1 är utlånad. Ta emot den som återlämnad först."),
        ("available", "on_loan", "Låna ut artikeln i disken för att markera den som utlånad."),
    ],
)
def test_status_changes_that_belong_to_the_desk_are_refused(
    bank, make_article, start, status, message
):
    article = make_article("A1", status=start)
    with pytest.raises(LendingError) as error:
        services.article_status_set(actor=None, article=article, status=status)
    assert error.value.message == message


def test_due_date_respects_the_valid_period_of_opening_hours(bank, borrower, make_article):
    from datetime import time

    from sammanhang.directory.models import OpeningHours

    # Winter hours on Tuesdays end before the due date; Thursdays are open all year.
    OpeningHours.objects.create(
        place=bank.place,
        weekday=2,
        opens_at=time(10),
        closes_at=time(18),
        valid_to=date(2026, 12, 14),
    )
    OpeningHours.objects.create(place=bank.place, weekday=4, opens_at=time(10), closes_at=time(18))
    make_article("A1")
    assert _lend(bank, borrower, "A1").due_on == date(2026, 12, 17)


def test_cancelling_an_offered_hold_passes_the_article_on(bank, borrower, make_article, skates):
    make_article("A1")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    first = services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    second = services.hold_place(bank=bank, borrower=bo, type=skates, size="38")
    services.hold_offer_next(article=Article.objects.get(code="A1"))
    services.hold_cancel(hold=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Hold.Status.CANCELLED, Hold.Status.OFFERED)
    with pytest.raises(LendingError) as error:
        services.hold_cancel(hold=first)
    assert error.value.message == "Reservationen har redan avslutats."


def test_placing_a_hold_counts_as_activity_for_the_retention_period(
    bank, borrower, skates, settings
):
    settings.SAMMANHANG_FIXED_NOW = "2027-03-01T09:00"
    services.hold_place(bank=bank, borrower=borrower, type=skates, size="38")
    borrower.refresh_from_db()
    assert borrower.last_activity_at.date() == date(2027, 3, 1)


def test_a_borrower_of_another_bank_is_refused(bank, make_article, make_organisation):
    from sammanhang.lending.models import Bank

    other_org = make_organisation("Fritidsbanken Norr")
    other = Bank.objects.create(organisation=other_org, place=bank.place)
    stranger = services.borrower_find_or_register(bank=other, mobile="0704444444", name="Di")
    make_article("A1")
    with pytest.raises(LendingError) as error:
        _lend(bank, stranger, "A1")
    assert error.value.message == "Låntagaren är registrerad hos en annan bank."


def test_article_type_create_needs_a_name_and_an_equipment_category(bank, skates):
    from sammanhang.directory.models import Term
    from sammanhang.lending.models import ArticleType
    from sammanhang.lending.services import LendingError, article_type_create

    with pytest.raises(LendingError, match="Ge typen ett namn"):
        article_type_create(actor=None, bank=bank, category=skates.category, name="  ")
    other = Term.objects.exclude(taxonomy="sammanhang-utrustning").first()
    assert other is not None
    with pytest.raises(LendingError, match="Välj en kategori av utrustning."):
        article_type_create(actor=None, bank=bank, category=other, name="Boll")
    with pytest.raises(LendingError, match="Det finns redan en typ som heter HOCKEYSKRIDSKOR"):
        article_type_create(actor=None, bank=bank, category=skates.category, name="HOCKEYSKRIDSKOR")
    made = article_type_create(
        actor=None, bank=bank, category=skates.category, name=" Konståkningsskridskor "
    )
    assert made.name == "Konståkningsskridskor"
    assert ArticleType.objects.count() == 2
