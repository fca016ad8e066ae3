"""Statistics of a Fritidsbank, or of all banks together (national): reads only.

Every figure is one grouped query that works the same on SQLite and PostgreSQL (``Count``/
``Sum`` grouped by plain columns; days are summed into weeks and months in Python, see
``stats_by_period``); a bank of ``None`` means all banks.
Periods are inclusive local dates (``Loan.out_on`` is stored as the local date, so no time
zone arithmetic is needed).

Invariants:
- Borrowers are counted by ``Loan.borrower_pseudonym``, never by the borrower row, so every
  figure is the same after the retention rule has purged borrowers. The pseudonym is keyed by
  bank, so nationally someone who borrows at two banks counts twice.
- Nothing here returns a person: only counts. The national page additionally hides unique
  borrower counts from 1 to 4 per bank (:func:`small_number_hidden`).

Definitions (also in docs/lending.md, "Statistics"):
- *Loans*: articles lent in the period (one per article per check-out; renewals are not new
  loans; an undone scan is deleted and so never counted).
- *Visits*: distinct desk visits (``Loan.visit_id``) with at least one loan in the period.
- *Visitors*: the desk's anonymous "+1" counter.
- *Registered*: articles registered (donations) in the period; *retired*: articles whose
  status is retired and was set in the period (``Article.status_changed_at``); *sorted out*:
  donated things the desk turned away on arrival (``DonationSortedOut``). Donations
  *received* are registered plus sorted out; *scrapped* are sorted out plus retired.
- *Overdue*: loans open today whose due date has passed; *never returned*: overdue loans
  whose due date is more than ``NEVER_RETURNED_DAYS`` days ago.
- *CO2 saved*: loans times the category's ``co2_kg_per_loan`` (the parent category's when
  the category has none); an estimate, see ``co2_note``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils import timezone

from sammanhang.directory.models import Term
from sammanhang.lending.models import (
    Article,
    ArticleStatus,
    Bank,
    DonationSortedOut,
    Loan,
    VisitorCount,
)

Grouping = Literal["day", "week", "month"]
GROUPINGS: tuple[Grouping, ...] = ("day", "week", "month")
# An open loan this many days past its due date counts as never returned.
NEVER_RETURNED_DAYS = 90
# Counts of people below this are hidden on public pages ("fewer than 5").
SMALL_NUMBER = 5
# What the bank holds: lent out or in repair still belongs to the stock.
IN_STOCK = (ArticleStatus.AVAILABLE, ArticleStatus.ON_LOAN, ArticleStatus.IN_REPAIR)


@dataclass(frozen=True)
class PeriodRow:
    """One day, week or month: ``start`` is its first day (a Monday for weeks)."""

    start: date
    loans: int = 0
    visits: int = 0
    visitors: int = 0


@dataclass(frozen=True)
class CategoryRow:
    category: str
    parent: str
    loans: int
    co2_kg_per_loan: Decimal | None
    co2_kg: Decimal


@dataclass(frozen=True)
class StockRow:
    category: str
    parent: str
    by_status: dict[str, int]

    @property
    def columns(self) -> list[int]:
        """The counts in the order of ``ArticleStatus`` (a table's columns)."""
        return [self.by_status.get(status, 0) for status in ArticleStatus]

    @property
    def in_stock(self) -> int:
        return sum(self.by_status.get(status, 0) for status in IN_STOCK)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Summary:
    loans: int
    visits: int
    unique_borrowers: int
    visitors: int
    registered: int
    retired: int
    overdue: int
    never_returned: int
    co2_kg: Decimal
    sorted_out: int = 0

    @property
    def received(self) -> int:
        """Donated things that came in: registered as articles, or turned away at once."""
        return self.registered + self.sorted_out

    @property
    def scrapped(self) -> int:
        """Things that left the inventory for good: turned away at once, or retired later."""
        return self.sorted_out + self.retired


@dataclass(frozen=True)
class BankRow:
    """One bank's figures on the national page; ``unique_borrowers`` is ``None`` when hidden."""

    bank: Bank
    loans: int
    visits: int
    unique_borrowers: int | None
    visitors: int
    co2_kg: Decimal


@dataclass
class _Categories:
    """Equipment terms by id with their CO2 factor (the parent's when they have none)."""

    terms: dict[int, Term] = field(default_factory=dict)

    def names(self, term_id: int | None) -> tuple[str, str]:
        term = self.terms.get(term_id) if term_id is not None else None
        if term is None:
            return "", ""
        return term.name, term.parent.name if term.parent is not None else ""

    def factor(self, term_id: int | None) -> Decimal | None:
        term = self.terms.get(term_id) if term_id is not None else None
        if term is None:
            return None
        if term.co2_kg_per_loan is not None:
            return term.co2_kg_per_loan
        return term.parent.co2_kg_per_loan if term.parent is not None else None


def _categories(ids: Iterable[int | None]) -> _Categories:
    wanted = {pk for pk in ids if pk is not None}
    return _Categories(
        {term.pk: term for term in Term.objects.select_related("parent").filter(pk__in=wanted)}
    )


def _at[M: Model](queryset: QuerySet[M], bank: Bank | None) -> QuerySet[M]:
    return queryset if bank is None else queryset.filter(bank=bank)


def _loans(bank: Bank | None, start: date, end: date) -> QuerySet[Loan]:
    return _at(Loan.objects.filter(out_on__gte=start, out_on__lte=end), bank)


def period_start(day: date, grouping: Grouping) -> date:
    """The first day of the day, ISO week or month that ``day`` falls in."""
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    return day


def _next_period(day: date, grouping: Grouping) -> date:
    if grouping == "week":
        return day + timedelta(days=7)
    if grouping == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=1)


def stats_by_period(
    *, bank: Bank | None, start: date, end: date, grouping: Grouping
) -> list[PeriodRow]:
    """Loans, visits and visitors per day, week or month from ``start`` to ``end``.

    Every period in the range has a row (zero when nothing happened); the first and last
    week or month count only the days inside the range. Two queries, whatever the length.
    """
    # Grouped by the day in the database (a plain column: no date function per row, which
    # SQLite runs in Python) and summed into weeks and months here, at most 366 rows a
    # year. Visits add up over days because a desk visit is within one day (the bank is
    # not open at midnight).
    loans: dict[date, tuple[int, int]] = {}
    for row in (
        _loans(bank, start, end)
        .values("out_on")
        .annotate(loans=Count("id"), visits=Count("visit_id", distinct=True))
        .order_by()
    ):
        key = period_start(row["out_on"], grouping)
        lent, visits = loans.get(key, (0, 0))
        loans[key] = (lent + row["loans"], visits + row["visits"])
    visitors: dict[date, int] = {}
    for counted in (
        _at(VisitorCount.objects.filter(day__gte=start, day__lte=end), bank)
        .values("day")
        .annotate(visitors=Sum("count"))
        .order_by()
    ):
        key = period_start(counted["day"], grouping)
        visitors[key] = visitors.get(key, 0) + (counted["visitors"] or 0)
    rows = []
    current = period_start(start, grouping)
    while current <= end:
        lent, visits = loans.get(current, (0, 0))
        rows.append(PeriodRow(current, lent, visits, visitors.get(current, 0)))
        current = _next_period(current, grouping)
    return rows


def stats_by_category(*, bank: Bank | None, start: date, end: date) -> list[CategoryRow]:
    """Loans per equipment category (the article type's term) with the estimated CO2 saved,
    the most lent first."""
    counts = list(
        _loans(bank, start, end)
        .values("article__type__category")
        .annotate(loans=Count("id"))
        .order_by()
    )
    categories = _categories(row["article__type__category"] for row in counts)
    rows = []
    for row in counts:
        term_id = row["article__type__category"]
        name, parent = categories.names(term_id)
        factor = categories.factor(term_id)
        co2 = factor * row["loans"] if factor is not None else Decimal(0)
        rows.append(CategoryRow(name, parent, row["loans"], factor, co2))
    return sorted(rows, key=lambda r: (-r.loans, r.parent, r.category))


def stats_stock(*, bank: Bank | None) -> list[StockRow]:
    """The articles now, per category and status (retired and missing included, so the
    table adds up to every article registered)."""
    grouped: dict[int | None, dict[str, int]] = defaultdict(dict)
    for row in (
        _at(Article.objects.all(), bank)
        .values("type__category", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        grouped[row["type__category"]][row["status"]] = row["n"]
    categories = _categories(grouped)
    rows = [StockRow(*categories.names(term_id), counts) for term_id, counts in grouped.items()]
    return sorted(rows, key=lambda r: (r.parent, r.category))


def stats_summary(
    *,
    bank: Bank | None,
    start: date,
    end: date,
    today: date,
    categories: list[CategoryRow] | None = None,
    periods: list[PeriodRow] | None = None,
) -> Summary:
    """The period's totals, and the loans overdue and never returned as of ``today``.

    ``categories`` is :func:`stats_by_category` for the same bank and period when the caller
    has it already (the CO2 total is their sum), saving its two queries; ``periods`` is
    :func:`stats_by_period`, whose sums give the loans, visits and visitors (counting a
    year's distinct visits over again took SQLite 0.7 s at 300,000 loans)."""
    if periods is None:
        loans = _loans(bank, start, end).aggregate(
            loans=Count("id"),
            visits=Count("visit_id", distinct=True),
            borrowers=Count("borrower_pseudonym", distinct=True),
        )
        visitors = _at(VisitorCount.objects.filter(day__gte=start, day__lte=end), bank).aggregate(
            n=Sum("count")
        )["n"]
    else:
        loans = _loans(bank, start, end).aggregate(
            borrowers=Count("borrower_pseudonym", distinct=True)
        )
        loans["loans"] = sum(row.loans for row in periods)
        loans["visits"] = sum(row.visits for row in periods)
        visitors = sum(row.visitors for row in periods)
    sorted_out = _at(
        DonationSortedOut.objects.filter(day__gte=start, day__lte=end), bank
    ).aggregate(n=Sum("items"))["n"]
    # Local days as a half-open range of moments, so the database can read the indexes on
    # created_at and on retired articles' status_changed_at (a date cast of the column
    # cannot use them and read every article).
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    registered = Q(created_at__gte=since, created_at__lt=until)
    retired = Q(
        status=ArticleStatus.RETIRED, status_changed_at__gte=since, status_changed_at__lt=until
    )
    articles = (
        _at(Article.objects.all(), bank)
        .filter(registered | retired)
        .aggregate(
            registered=Count("id", filter=registered),
            retired=Count("id", filter=retired),
        )
    )
    open_loans = _at(Loan.objects.filter(returned_at__isnull=True), bank)
    overdue = open_loans.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        never=Count("id", filter=Q(due_on__lt=today - timedelta(days=NEVER_RETURNED_DAYS))),
    )
    if categories is None:
        categories = stats_by_category(bank=bank, start=start, end=end)
    co2 = sum((row.co2_kg for row in categories), Decimal(0))
    return Summary(
        loans=loans["loans"],
        visits=loans["visits"],
        unique_borrowers=loans["borrowers"],
        visitors=visitors or 0,
        registered=articles["registered"],
        retired=articles["retired"],
        overdue=overdue["overdue"],
        never_returned=overdue["never"],
        co2_kg=co2,
        sorted_out=sorted_out or 0,
    )


def small_number_hidden(count: int) -> int | None:
    """``None`` for 1 to 4 (shown as "fewer than 5"): so few people at one bank could be
    recognised by someone who knows who was there. Zero and 5 or more are shown."""
    return None if 0 < count < SMALL_NUMBER else count


def stats_per_bank(*, start: date, end: date) -> list[BankRow]:
    """Each bank's figures for the national page, by bank name; borrowers 1–4 are hidden."""
    # Loans and visits per bank and day, summed here (a visit is within one day): counting
    # a year's distinct visits per bank in one pass took SQLite over a second at 300,000
    # loans. Borrowers are counted apart, distinct over the whole period.
    loans: dict[int, dict[str, int]] = defaultdict(
        lambda: {"loans": 0, "visits": 0, "borrowers": 0}
    )
    for day_row in (
        _loans(None, start, end)
        .values("bank", "out_on")
        .annotate(loans=Count("id"), visits=Count("visit_id", distinct=True))
        .order_by()
    ):
        loans[day_row["bank"]]["loans"] += day_row["loans"]
        loans[day_row["bank"]]["visits"] += day_row["visits"]
    for counted in (
        _loans(None, start, end)
        .values("bank")
        .annotate(borrowers=Count("borrower_pseudonym", distinct=True))
        .order_by()
    ):
        loans[counted["bank"]]["borrowers"] = counted["borrowers"]
    visitors = {
        row["bank"]: row["n"] or 0
        for row in VisitorCount.objects.filter(day__gte=start, day__lte=end)
        .values("bank")
        .annotate(n=Sum("count"))
        .order_by()
    }
    per_category = list(
        _loans(None, start, end)
        .values("bank", "article__type__category")
        .annotate(n=Count("id"))
        .order_by()
    )
    categories = _categories(row["article__type__category"] for row in per_category)
    co2: dict[int, Decimal] = defaultdict(Decimal)
    for row in per_category:
        factor = categories.factor(row["article__type__category"])
        if factor is not None:
            co2[row["bank"]] += factor * row["n"]
    rows = []
    for bank in Bank.objects.select_related("organisation").order_by("organisation__name"):
        lent = loans.get(bank.pk, {"loans": 0, "visits": 0, "borrowers": 0})
        rows.append(
            BankRow(
                bank=bank,
                loans=lent["loans"],
                visits=lent["visits"],
                unique_borrowers=small_number_hidden(lent["borrowers"]),
                visitors=visitors.get(bank.pk, 0),
                co2_kg=co2.get(bank.pk, Decimal(0)),
            )
        )
    return rows


def visitors_today(*, bank: Bank, today: date) -> int:
    """The desk's count of visitors today."""
    row = VisitorCount.objects.filter(bank=bank, day=today).first()
    return row.count if row is not None else 0


def inventory_rows(*, bank: Bank) -> Iterable[Article]:
    """The bank's articles for the national inventory, in code order, read in chunks."""
    return (
        Article.objects.filter(bank=bank)
        .select_related("type", "type__category", "type__category__parent")
        .order_by("code")
        .iterator(chunk_size=2000)
    )


def sorted_out_today(*, bank: Bank, today: date) -> int:
    """How many donated things the desk has turned away today."""
    row = DonationSortedOut.objects.filter(bank=bank, day=today).first()
    return row.items if row is not None else 0
