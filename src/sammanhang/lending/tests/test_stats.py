"""Statistics with known data: each figure, the edges of days, weeks and months, the purge."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sammanhang.core import clock
from sammanhang.core.services import personal_data_purge
from sammanhang.directory.models import Term
from sammanhang.lending import services, stats
from sammanhang.lending.models import Article, ArticleStatus, ArticleType, Bank

pytestmark = pytest.mark.django_db

START, END = date(2026, 11, 29), date(2026, 12, 2)  # Sunday to Wednesday
TODAY = date(2026, 12, 2)


def _term(code):
    return Term.objects.get(taxonomy="sammanhang-utrustning", code=code)


@pytest.fixture
def bikes(db):
    return ArticleType.objects.create(category=_term("cyklar"), name="Barncykel")


@pytest.fixture
def sledge(db):
    # Filed directly under the top category, which has no CO2 factor.
    return ArticleType.objects.create(category=_term("vinter"), name="Pulka")


def _lend(settings, moment, bank, borrower, codes, *, returned=True):
    settings.SAMMANHANG_FIXED_NOW = moment
    visit = services.visit_start()
    for code in codes:
        services.loan_check_out(actor=None, bank=bank, borrower=borrower, code=code, visit_id=visit)
    if returned:
        for code in codes:
            services.loan_return(bank=bank, code=code)


@pytest.fixture
def history(settings, bank, borrower, make_article, bikes, sledge):
    """Loans on both sides of a week's and a month's edge, visitors, donations, retirements
    and two overdue loans; see each test for the figures."""
    for code in ("A1", "A2", "A3", "O1", "O2"):
        make_article(code)
    make_article("B1", type=bikes, size="20")
    make_article("B2", type=bikes, size="24")
    make_article("G1", type=sledge, size="")
    bo = services.borrower_find_or_register(bank=bank, mobile="0702222222", name="Bo")
    cy = services.borrower_find_or_register(bank=bank, mobile="0703333333", name="Cy")
    # Open and overdue on TODAY: due 15 August (109 days) and 15 November (17 days).
    _lend(settings, "2026-08-01T12:00", bank, cy, ["O1"], returned=False)
    _lend(settings, "2026-11-01T12:00", bank, bo, ["O2"], returned=False)
    _lend(settings, "2026-11-28T12:00", bank, bo, ["A3"])  # the day before the period
    _lend(settings, "2026-11-29T23:30", bank, bo, ["B1"])  # Sunday, last of its week/month
    _lend(settings, "2026-11-30T00:10", bank, borrower, ["A1", "A2"])  # one visit, two loans
    _lend(settings, "2026-12-01T12:00", bank, borrower, ["B2"], returned=False)
    _lend(settings, "2026-12-02T12:00", bank, cy, ["G1"])
    _lend(settings, "2026-12-03T12:00", bank, cy, ["A3"])  # the day after
    for day, presses, undone in ((date(2026, 11, 29), 2, 0), (date(2026, 12, 1), 3, 1)):
        for _ in range(presses):
            services.visitor_count_add(bank=bank, day=day)
        for _ in range(undone):
            services.visitor_count_undo(bank=bank, day=day)
    services.visitor_count_add(bank=bank, day=date(2026, 12, 3))  # outside
    # Registered: two in the period (one on its first day just after midnight), one before.
    tz = timezone.get_current_timezone()
    Article.objects.filter(code__in=["A1", "B1"]).update(
        created_at=datetime(2026, 11, 29, 0, 5, tzinfo=tz)
    )
    Article.objects.filter(code="B2").update(created_at=datetime(2026, 12, 2, 23, 55, tzinfo=tz))
    Article.objects.exclude(code__in=["A1", "B1", "B2"]).update(
        created_at=datetime(2026, 11, 28, 23, 55, tzinfo=tz)
    )
    # Retired in the period: G1. Retired before it: A3's twin R1. Missing is not retired.
    make_article("R1")
    make_article("M1")
    Article.objects.filter(code__in=["R1", "M1"]).update(
        created_at=datetime(2026, 1, 1, 12, tzinfo=tz)
    )
    settings.SAMMANHANG_FIXED_NOW = "2026-11-20T12:00"
    services.article_status_set(
        actor=None, article=Article.objects.get(code="R1"), status="retired"
    )
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T18:00"
    services.article_status_set(
        actor=None, article=Article.objects.get(code="G1"), status="retired"
    )
    services.article_status_set(
        actor=None, article=Article.objects.get(code="M1"), status="missing"
    )
    return bank


def _rows(rows):
    return [(row.start, row.loans, row.visits, row.visitors) for row in rows]


def test_loans_visits_and_visitors_per_day(history):
    rows = stats.stats_by_period(bank=history, start=START, end=END, grouping="day")
    assert _rows(rows) == [
        (date(2026, 11, 29), 1, 1, 2),
        (date(2026, 11, 30), 2, 1, 0),
        (date(2026, 12, 1), 1, 1, 2),
        (date(2026, 12, 2), 1, 1, 0),
    ]


def test_a_week_starts_on_monday_and_counts_only_days_in_the_period(history):
    rows = stats.stats_by_period(bank=history, start=START, end=END, grouping="week")
    # Sunday 29 November is the last day of the week from Monday 23 November; the loan of
    # Saturday 28 November is in that week but not in the period.
    assert _rows(rows) == [(date(2026, 11, 23), 1, 1, 2), (date(2026, 11, 30), 4, 3, 2)]


def test_months_split_at_the_first(history):
    rows = stats.stats_by_period(bank=history, start=START, end=END, grouping="month")
    assert _rows(rows) == [(date(2026, 11, 1), 3, 2, 2), (date(2026, 12, 1), 2, 2, 2)]


def test_empty_periods_have_a_row_of_zeros(history):
    rows = stats.stats_by_period(
        bank=history, start=date(2026, 10, 1), end=date(2026, 12, 31), grouping="month"
    )
    assert _rows(rows) == [
        (date(2026, 10, 1), 0, 0, 0),
        (date(2026, 11, 1), 5, 4, 2),
        (date(2026, 12, 1), 3, 3, 3),
    ]


def test_loans_per_category_with_parent_and_co2(history):
    rows = stats.stats_by_category(bank=history, start=START, end=END)
    assert [(r.category, r.parent, r.loans, r.co2_kg_per_loan, r.co2_kg) for r in rows] == [
        ("Cyklar", "Cyklar och tillbehör", 2, Decimal("20"), Decimal("40")),
        ("Skridskor", "Vintersport", 2, Decimal("4"), Decimal("8")),
        # A top category without a factor counts zero.
        ("Vintersport", "", 1, None, Decimal("0")),
    ]


def test_summary_figures(history):
    summary = stats.stats_summary(bank=history, start=START, end=END, today=TODAY)
    assert summary == stats.Summary(
        loans=5,
        visits=4,
        unique_borrowers=3,
        visitors=4,
        registered=3,
        retired=1,
        overdue=2,
        never_returned=1,
        co2_kg=Decimal("48"),
    )


def test_never_returned_starts_after_90_days_overdue(history):
    # O1 was due 15 August: 90 days overdue on 13 November, more than 90 from the 14th.
    on = {
        day: stats.stats_summary(bank=history, start=START, end=END, today=day).never_returned
        for day in (date(2026, 11, 13), date(2026, 11, 14))
    }
    assert on == {date(2026, 11, 13): 0, date(2026, 11, 14): 1}


def test_stock_per_category_and_status(history):
    rows = {
        (r.parent, r.category): (r.by_status, r.in_stock, r.total)
        for r in stats.stats_stock(bank=history)
    }
    assert rows == {
        ("Cyklar och tillbehör", "Cyklar"): ({"available": 1, "on_loan": 1}, 2, 2),
        ("Vintersport", "Skridskor"): (
            {"available": 3, "on_loan": 2, "retired": 1, "missing": 1},
            5,
            7,
        ),
        ("", "Vintersport"): ({"retired": 1}, 0, 1),
    }


def test_national_figures_add_up_the_banks(history, make_organisation, skates):
    other = Bank.objects.create(
        organisation=make_organisation("Fritidsbanken Norr"), place=history.place
    )
    Article.objects.create(bank=other, type=skates, size="36", code="N1")
    someone = services.borrower_find_or_register(bank=other, mobile="0704444444", name="Di")
    services.loan_check_out(
        actor=None, bank=other, borrower=someone, code="N1", visit_id=services.visit_start()
    )
    Article.objects.filter(code="N1").update(status=ArticleStatus.AVAILABLE)
    from sammanhang.lending.models import Loan

    Loan.objects.filter(bank=other).update(out_on=date(2026, 12, 1), due_on=date(2026, 12, 20))
    services.visitor_count_add(bank=other, day=date(2026, 12, 1))

    national = stats.stats_summary(bank=None, start=START, end=END, today=TODAY)
    assert (national.loans, national.visits, national.unique_borrowers, national.visitors) == (
        6,
        5,
        4,
        5,
    )
    assert national.co2_kg == Decimal("52")
    rows = stats.stats_by_period(bank=None, start=START, end=END, grouping="month")
    assert _rows(rows) == [(date(2026, 11, 1), 3, 2, 2), (date(2026, 12, 1), 3, 3, 3)]


def test_per_bank_hides_one_to_four_borrowers(
    settings, bank, make_article, make_organisation, skates
):
    quiet = Bank.objects.create(organisation=make_organisation("Fritidsbanken Ö"), place=bank.place)
    busy_codes = [f"K{n}" for n in range(5)]
    for code in busy_codes:
        make_article(code)
    Article.objects.create(bank=quiet, type=skates, size="40", code="Q1")
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:00"
    for n, code in enumerate(busy_codes):
        person = services.borrower_find_or_register(bank=bank, mobile=f"070555000{n}", name="X")
        services.loan_check_out(
            actor=None, bank=bank, borrower=person, code=code, visit_id=services.visit_start()
        )
    one = services.borrower_find_or_register(bank=quiet, mobile="0705550009", name="Y")
    services.loan_check_out(
        actor=None, bank=quiet, borrower=one, code="Q1", visit_id=services.visit_start()
    )
    empty = Bank.objects.create(organisation=make_organisation("Fritidsbanken Ä"), place=bank.place)

    rows = {
        row.bank: (row.loans, row.visits, row.unique_borrowers, row.co2_kg)
        for row in stats.stats_per_bank(start=START, end=END)
    }
    assert rows == {
        bank: (5, 5, 5, Decimal("20")),
        quiet: (1, 1, None, Decimal("4")),
        empty: (0, 0, 0, Decimal("0")),
    }
    assert [stats.small_number_hidden(n) for n in (0, 1, 4, 5)] == [0, None, None, 5]


def test_the_purge_leaves_every_figure_as_it_was(settings, history):
    # Return what is still out, so every borrower can be purged a year later.
    settings.SAMMANHANG_FIXED_NOW = "2026-12-03T13:00"
    for code in ("O1", "O2", "B2"):
        services.loan_return(bank=history, code=code)

    def figures():
        return (
            stats.stats_summary(bank=history, start=START, end=END, today=TODAY),
            stats.stats_summary(bank=None, start=date(2026, 1, 1), end=END, today=TODAY),
            _rows(stats.stats_by_period(bank=history, start=START, end=END, grouping="week")),
            stats.stats_by_category(bank=history, start=START, end=END),
            [
                (r.loans, r.visits, r.unique_borrowers)
                for r in stats.stats_per_bank(start=START, end=END)
            ],
        )

    before = figures()
    settings.SAMMANHANG_FIXED_NOW = "2028-01-01T12:00"
    assert personal_data_purge(now=clock.now())["lending.borrowers"] == 3

    assert figures() == before
    assert before[0].unique_borrowers == 3


def test_every_status_change_records_when(settings, bank, borrower, make_article):
    article = make_article("W1")

    def changed_at():
        return Article.objects.get(pk=article.pk).status_changed_at

    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T10:00"
    visit = services.visit_start()
    loan = services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code="W1", visit_id=visit
    )
    assert changed_at() == clock.now()
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T10:05"
    services.loan_undo(actor=None, loan=loan, visit_id=visit)
    assert changed_at() == clock.now()
    services.loan_check_out(actor=None, bank=bank, borrower=borrower, code="W1", visit_id=visit)
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T10:00"
    services.loan_return(bank=bank, code="W1", to_repair=True)
    assert changed_at() == clock.now()
    settings.SAMMANHANG_FIXED_NOW = "2026-12-03T10:00"
    services.article_status_set(actor=None, article=article, status="retired")
    assert changed_at() == clock.now()


@pytest.mark.parametrize("grouping", ["day", "week", "month"])
def test_the_summary_from_the_periods_sums_is_the_summary_counted_directly(history, grouping):
    # The pages hand the per-period rows to the summary (no second pass over the loans);
    # loans, visits and visitors must come out the same as counted over the whole period.
    periods = stats.stats_by_period(bank=history, start=START, end=END, grouping=grouping)
    direct = stats.stats_summary(bank=history, start=START, end=END, today=TODAY)
    summed = stats.stats_summary(bank=history, start=START, end=END, today=TODAY, periods=periods)
    assert summed == direct
    assert sum(row.visits for row in periods) == direct.visits == 4
