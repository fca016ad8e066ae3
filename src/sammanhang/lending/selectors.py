"""Reads for the lending desk, the public bank pages and statistics.

Statistics count borrowers by ``Loan.borrower_pseudonym``, never by the borrower row, so the
counts stay the same after the retention rule has purged borrowers.

The public inventory (``bank_inventory``) is one grouped query whatever the number of
articles: counts per article type and size, by status. It shows what is available now and
what is on loan (it comes back); articles in repair are left out, like retired and missing
ones, because nobody can say when they will be lendable and a borrower cannot act on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory.models import OpeningHours, Place, PlaceClosure
from sammanhang.directory.selectors import OpeningDay, next_opening, opening_days
from sammanhang.lending.models import (
    Article,
    ArticlePhoto,
    ArticleStatus,
    ArticleType,
    Bank,
    Borrower,
    Branch,
    Hold,
    HoldStatus,
    Loan,
)

# How far ahead the bank list looks for the next opening (a bank closed over the holidays
# still gets a date).
NEXT_OPEN_SEARCH_DAYS = 21


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


def article_photos(*, article: Article) -> QuerySet[ArticlePhoto]:
    """The article's photos, in the order they were added."""
    return ArticlePhoto.objects.filter(article=article)


def article_photo_at_bank(*, bank: Bank, article_id: int, photo_id: int) -> ArticlePhoto | None:
    """The photo of the bank's article, or ``None`` (another article's photo is not found)."""
    return (
        ArticlePhoto.objects.select_related("article__bank")
        .filter(pk=photo_id, article_id=article_id, article__bank=bank)
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
    """The types the bank has articles of (not retired): what can be reserved there.

    An ``EXISTS`` per type, not a join made distinct: the join read every article of the bank
    (70 ms at 100,000 articles, on every visit screen); each probe here stops at the first
    article found by the ``(bank, type, size, status)`` index.
    """
    lendable = Article.objects.filter(
        bank=bank,
        type=OuterRef("pk"),
        status__in=[ArticleStatus.AVAILABLE, ArticleStatus.ON_LOAN, ArticleStatus.IN_REPAIR],
    )
    return ArticleType.objects.filter(Exists(lendable)).order_by("name")


# --- public pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextOpening:
    """When a bank opens next (or is open now, until ``closes_at``)."""

    day: date
    opens_at: time
    closes_at: time
    is_today: bool
    is_open_now: bool


def _next_opening(days: list[OpeningDay], now: datetime) -> NextOpening | None:
    found = next_opening(days, now=now)
    if found is None:
        return None
    day, opens_at, closes_at = found
    is_today = day == now.date()
    return NextOpening(
        day=day,
        opens_at=opens_at,
        closes_at=closes_at,
        is_today=is_today,
        is_open_now=is_today and opens_at <= now.time(),
    )


@dataclass(frozen=True)
class PublicBank:
    """A bank as the public list shows it: when it opens next and how much can be borrowed."""

    bank: Bank
    next_open: NextOpening | None
    available: int


def bank_list_public() -> list[PublicBank]:
    """Every bank with its place and district, its next opening and its available articles.

    Three queries whatever the number of banks: the banks with their available-article
    count, then the opening hours and the coming closed days of all their places.
    """
    now = clock.now()
    today = now.date()
    last = today.toordinal() + NEXT_OPEN_SEARCH_DAYS - 1
    closures = PlaceClosure.objects.filter(date__gte=today, date__lte=date.fromordinal(last))
    banks = (
        Bank.objects.select_related(
            "organisation", "place", "place__district", "place__municipality"
        )
        .prefetch_related(
            Prefetch("place__opening_hours", queryset=OpeningHours.objects.all()),
            Prefetch("place__closures", queryset=closures),
        )
        # A subquery per bank, not a join grouped by every selected column: the join sorted
        # all articles of every bank (130 ms for one bank of 100,000 articles); the subquery
        # counts each bank's available articles from the (bank, type, size, status) index.
        .annotate(
            available_count=Coalesce(
                Subquery(
                    Article.objects.filter(bank=OuterRef("pk"), status=ArticleStatus.AVAILABLE)
                    .order_by()
                    .values("bank")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )
        )
        .order_by("organisation__name")
    )
    result = []
    for bank in banks:
        days = opening_days(
            list(bank.place.opening_hours.all()),
            list(bank.place.closures.all()),
            start=today,
            days=NEXT_OPEN_SEARCH_DAYS,
        )
        result.append(
            PublicBank(
                bank=bank,
                next_open=_next_opening(days, now),
                available=bank.available_count,
            )
        )
    return result


def bank_public_by_slug(org_slug: str) -> Bank | None:
    """The bank of the organisation with this slug, or ``None`` when it is not a bank."""
    return (
        Bank.objects.select_related(
            "organisation", "place", "place__district", "place__municipality"
        )
        .prefetch_related(
            Prefetch(
                "branches",
                queryset=Branch.objects.select_related("place").order_by("name"),
            )
        )
        .filter(organisation__slug=org_slug)
        .first()
    )


def bank_next_open(days: list[OpeningDay]) -> NextOpening | None:
    """The bank's next opening within ``days`` (``directory.selectors.place_opening_days``)."""
    return _next_opening(days, clock.now())


@dataclass
class SizeCount:
    size: str
    available: int
    on_loan: int


@dataclass
class TypeCount:
    type_id: int
    name: str
    sizes: list[SizeCount] = field(default_factory=list)
    # Set by ``bank_inventory_photos``: the latest photo of an article of this type.
    photo: ArticlePhoto | None = None

    @property
    def available(self) -> int:
        return sum(size.available for size in self.sizes)

    @property
    def on_loan(self) -> int:
        return sum(size.on_loan for size in self.sizes)


@dataclass
class CategoryCount:
    code: str
    name: str
    types: list[TypeCount] = field(default_factory=list)

    @property
    def available(self) -> int:
        return sum(kind.available for kind in self.types)


@dataclass
class Inventory:
    """The bank's inventory as shown: ``categories`` after the filters, ``category_choices``
    every category the bank has something in (for the filter), both in taxonomy order."""

    categories: list[CategoryCount]
    category_choices: list[tuple[str, str]]

    @property
    def available(self) -> int:
        return sum(category.available for category in self.categories)


def bank_inventory_photos(*, bank: Bank, inventory: Inventory) -> None:
    """Give each type shown in ``inventory`` the latest photo of any of the bank's articles of
    that type (``TypeCount.photo``), so a visitor sees what the thing looks like.

    One query whatever the number of types and photos (none when nothing is shown): the
    latest photo per type is picked in a grouped subquery. Kept apart from ``bank_inventory``,
    which stays one grouped query of counts.
    """
    kinds = {kind.type_id: kind for category in inventory.categories for kind in category.types}
    if not kinds:
        return
    latest = (
        ArticlePhoto.objects.filter(article__bank=bank, article__type_id__in=list(kinds))
        .values("article__type_id")
        .annotate(latest=Max("pk"))
        .values("latest")
    )
    photos = ArticlePhoto.objects.filter(pk__in=Subquery(latest)).annotate(
        type_id=F("article__type_id")
    )
    for photo in photos:
        kinds[photo.type_id].photo = photo


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?")
_LETTER_SIZES = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]


def size_sort_key(size: str) -> tuple[int, float, str]:
    """Sizes in the order people read them: numbers by value (38 before 120), then letter
    sizes from XS to XXL, then the rest alphabetically; no size last."""
    text = size.strip().lower()
    if not text:
        return (3, 0.0, "")
    number = _NUMBER.match(text)
    if number:
        return (0, float(number.group().replace(",", ".")), text)
    if text in _LETTER_SIZES:
        return (1, float(_LETTER_SIZES.index(text)), text)
    return (2, 0.0, text)


# The statuses the public sees; in repair, retired and missing are left out (module docstring).
_PUBLIC_STATUSES = (ArticleStatus.AVAILABLE, ArticleStatus.ON_LOAN)


def bank_inventory(*, bank: Bank, category: str = "", available_only: bool = False) -> Inventory:
    """What the bank has per category, article type and size: available now and on loan.

    ``category`` is a code of the equipment taxonomy, a leaf ("skridskor") or a parent
    ("vinter", which takes in its children); an unknown code shows nothing. With
    ``available_only``, only sizes with something available now. Two queries whatever the
    number of articles (none more when the bank has nothing): the counts grouped in the
    database, then the types shown; the filters apply to those few rows.
    """
    english = (get_language() or "sv").startswith("en")
    # Counted by (type, size) alone, from the (bank, type, size, status) index; the few types
    # are read after. Grouping by the types' and categories' text columns as well made the
    # database sort every article row (240 ms for a bank of 100,000 articles, 12 ms now).
    counts = list(
        Article.objects.filter(bank=bank, status__in=_PUBLIC_STATUSES)
        .values("type_id", "size")
        .annotate(
            available=Count("pk", filter=Q(status=ArticleStatus.AVAILABLE)),
            on_loan=Count("pk", filter=Q(status=ArticleStatus.ON_LOAN)),
        )
        .order_by()
    )
    kinds_by_id = (
        {
            kind.pk: kind
            for kind in ArticleType.objects.filter(
                pk__in={row["type_id"] for row in counts}
            ).select_related("category", "category__parent")
        }
        if counts
        else {}
    )
    rows: list[dict[str, Any]] = []
    for count_row in counts:
        kind_row = kinds_by_id[count_row["type_id"]]
        term = kind_row.category
        parent_term = term.parent
        rows.append(
            {
                **count_row,
                "type__name": kind_row.name,
                "type__category__code": term.code,
                "type__category__name_sv": term.name_sv,
                "type__category__name_en": term.name_en,
                "type__category__position": term.position,
                "type__category__parent__code": parent_term.code if parent_term else None,
                "type__category__parent__name_sv": parent_term.name_sv if parent_term else None,
                "type__category__parent__name_en": parent_term.name_en if parent_term else None,
                "type__category__parent__position": (parent_term.position if parent_term else None),
            }
        )
    categories: dict[str, CategoryCount] = {}
    # Sort key of each category: its parent's place in the taxonomy, then its own.
    order: dict[str, tuple[int, str, int, str]] = {}
    parents: dict[str, tuple[str, str, int] | None] = {}
    types: dict[int, TypeCount] = {}
    for row in rows:
        code = row["type__category__code"]
        if code not in categories:
            name = row["type__category__name_en"] if english else row["type__category__name_sv"]
            categories[code] = CategoryCount(code=code, name=name)
            position = row["type__category__position"]
            parent_code = row["type__category__parent__code"]
            if parent_code:
                parent_position = row["type__category__parent__position"]
                parent_name = (
                    row["type__category__parent__name_en"]
                    if english
                    else row["type__category__parent__name_sv"]
                )
                parents[code] = (parent_code, parent_name, parent_position)
                order[code] = (parent_position, parent_code, position, name)
            else:
                parents[code] = None
                order[code] = (position, code, -1, name)
        kind = types.get(row["type_id"])
        if kind is None:
            kind = types[row["type_id"]] = TypeCount(type_id=row["type_id"], name=row["type__name"])
            categories[code].types.append(kind)
        kind.sizes.append(
            SizeCount(size=row["size"], available=row["available"], on_loan=row["on_loan"])
        )
    ordered = sorted(categories.values(), key=lambda c: order[c.code])
    choices: list[tuple[str, str]] = []
    for category_count in ordered:
        parent = parents[category_count.code]
        if parent is None:
            choices.append((category_count.code, category_count.name))
            continue
        if not any(code == parent[0] for code, _label in choices):
            choices.append((parent[0], parent[1]))
        # Indented under the parent; screen readers skip the spaces.
        choices.append((category_count.code, "\u00a0\u00a0\u00a0" + category_count.name))
    shown = []
    for category_count in ordered:
        parent = parents[category_count.code]
        if category and category not in (category_count.code, parent and parent[0]):
            continue
        for kind in category_count.types:
            kind.sizes.sort(key=lambda size: size_sort_key(size.size))
            if available_only:
                kind.sizes = [size for size in kind.sizes if size.available]
        category_count.types = sorted(
            (kind for kind in category_count.types if kind.sizes), key=lambda k: k.name
        )
        if category_count.types:
            shown.append(category_count)
    return Inventory(categories=shown, category_choices=choices)


def places_for_bank(*, organisation: Organisation) -> QuerySet[Place]:
    """The organisation's own places, each with ``has_opening_hours`` (the settings page says
    which places have none yet: without them a loan is due plainly after the loan days)."""
    return (
        Place.objects.filter(owner=organisation)
        .annotate(has_opening_hours=Exists(OpeningHours.objects.filter(place=OuterRef("pk"))))
        .order_by("name")
    )


def bank_branches(*, bank: Bank) -> QuerySet[Branch]:
    return Branch.objects.filter(bank=bank).select_related("place").order_by("name")
