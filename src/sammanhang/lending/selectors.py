"""Reads for the lending desk and for statistics.

Statistics count borrowers by ``Loan.borrower_pseudonym``, never by the borrower row, so the
counts stay the same after the retention rule has purged borrowers.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from sammanhang.lending.models import Article, ArticleType, Bank, Borrower, Loan


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
