"""Reads for the lending desk and for statistics.

Statistics count borrowers by ``Loan.borrower_pseudonym``, never by the borrower row, so the
counts stay the same after the retention rule has purged borrowers.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sammanhang.lending.models import (
    Article,
    ArticleStatus,
    ArticleType,
    Bank,
    Borrower,
    Hold,
    HoldStatus,
    Loan,
)


def article_by_code(*, bank: Bank, code: str) -> Article | None:
    """The bank's article with this ID number (as scanned), or ``None``."""
    return (
        Article.objects.select_related("type", "type__category")
        .filter(bank=bank, code=code.strip())
        .first()
    )


def borrower_open_loans(*, borrower: Borrower) -> QuerySet[Loan]:
    """What the borrower has at home now, the soonest due first."""
    return (
        Loan.objects.filter(borrower=borrower, returned_at__isnull=True)
        .select_related("article", "article__type")
        .order_by("due_on", "out_at")
    )


def loan_unique_borrowers(*, bank: Bank, start: date, end: date) -> int:
    """How many different borrowers borrowed from ``start`` to ``end`` (inclusive)."""
    return (
        Loan.objects.filter(bank=bank, out_on__gte=start, out_on__lte=end)
        .values("borrower_pseudonym")
        .distinct()
        .count()
    )


def borrower_at_bank(*, bank: Bank, borrower_id: int) -> Borrower | None:
    """The bank's borrower with this id, or ``None`` (another bank's borrower is not found)."""
    return Borrower.objects.filter(bank=bank, pk=borrower_id).first()


def loan_open_for_borrower(*, borrower: Borrower, loan_id: int) -> Loan | None:
    """The borrower's open loan with this id, or ``None``."""
    return (
        Loan.objects.filter(borrower=borrower, pk=loan_id, returned_at__isnull=True)
        .select_related("article")
        .first()
    )


def loan_open_for_article(*, article: Article) -> Loan | None:
    """The article's open loan with its borrower, or ``None``."""
    return (
        Loan.objects.filter(article=article, returned_at__isnull=True)
        .select_related("borrower")
        .first()
    )


def article_list(
    *,
    bank: Bank,
    status: str = "",
    type: ArticleType | None = None,
    code: str = "",
) -> QuerySet[Article]:
    """The bank's articles, filtered by status and type; ``code`` matches part of the ID."""
    articles = Article.objects.filter(bank=bank).select_related("type").order_by("code")
    if status:
        articles = articles.filter(status=status)
    if type is not None:
        articles = articles.filter(type=type)
    if code.strip():
        articles = articles.filter(code__icontains=code.strip())
    return articles


def article_at_bank(*, bank: Bank, article_id: int) -> Article | None:
    """The bank's article with this id, or ``None`` (another bank's article is not found)."""
    return (
        Article.objects.select_related("type", "type__category")
        .filter(bank=bank, pk=article_id)
        .first()
    )


def articles_for_labels(*, bank: Bank, ids: list[int]) -> QuerySet[Article]:
    """The bank's articles with these ids, in code order, for printing labels."""
    return Article.objects.filter(bank=bank, pk__in=ids).select_related("type").order_by("code")


def _with_queue_place(holds: QuerySet[Hold]) -> QuerySet[Hold]:
    """Annotate ``queue_place``: 1 for the first waiting in its queue (positions have gaps
    once holds end, so the place is counted, not read)."""
    ahead = (
        Hold.objects.filter(
            bank_id=OuterRef("bank_id"),
            type_id=OuterRef("type_id"),
            size=OuterRef("size"),
            status=HoldStatus.WAITING,
            position__lte=OuterRef("position"),
        )
        .order_by()
        .values("bank_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return holds.annotate(queue_place=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))


def borrower_holds(*, borrower: Borrower) -> QuerySet[Hold]:
    """The borrower's reservations still going (waiting or offered), with ``queue_place``."""
    holds = (
        Hold.objects.filter(borrower=borrower, status__in=[HoldStatus.WAITING, HoldStatus.OFFERED])
        .select_related("type", "offered_article")
        .order_by("created_at", "pk")
    )
    return _with_queue_place(holds)


def hold_queues(*, bank: Bank) -> QuerySet[Hold]:
    """The bank's waiting reservations, queue by queue (type name, size), first in line first."""
    holds = (
        Hold.objects.filter(bank=bank, status=HoldStatus.WAITING)
        .select_related("type", "borrower")
        .order_by("type__name", "type_id", "size", "position")
    )
    return _with_queue_place(holds)


def holds_offered(*, bank: Bank) -> QuerySet[Hold]:
    """The articles kept on the shelf for a reservation, the last pick-up day soonest first."""
    return (
        Hold.objects.filter(bank=bank, status=HoldStatus.OFFERED)
        .select_related("type", "borrower", "offered_article")
        .order_by("offered_until", "offered_article__code")
    )


def hold_at_bank(*, bank: Bank, hold_id: int) -> Hold | None:
    """The bank's reservation with this id, or ``None``."""
    return Hold.objects.filter(bank=bank, pk=hold_id).select_related("borrower", "type").first()


def hold_queue_place(*, hold: Hold) -> int:
    """Where a waiting reservation stands in its queue (1 = next); 0 when not waiting."""
    annotated = _with_queue_place(Hold.objects.filter(pk=hold.pk)).first()
    place: int = getattr(annotated, "queue_place", 0)
    return place


def article_types_to_reserve(*, bank: Bank) -> QuerySet[ArticleType]:
    """The types the bank has articles of (not retired): what can be reserved there."""
    return (
        ArticleType.objects.filter(
            article__bank=bank,
            article__status__in=[
                ArticleStatus.AVAILABLE,
                ArticleStatus.ON_LOAN,
                ArticleStatus.IN_REPAIR,
            ],
        )
        .distinct()
        .order_by("name")
    )
