"""Reads that link activities to what the Fritidsbanks lend (the activity page's "Borrow
equipment" section).

An activity names the equipment it needs as terms of the equipment taxonomy
(``directory.Activity.equipment``); a bank's articles are filed under the same terms
(``ArticleType.category``). A needed term is matched by articles of that term and of the kinds
under it, so "Vintersport" is helped by the bank's skates. Only articles available or on loan
count: one in repair, retired or missing cannot be borrowed (the finder's filter,
``directory.selectors.LENDABLE_ARTICLE_STATUSES``, uses the same rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from sammanhang.directory.models import Activity
from sammanhang.directory.selectors import LENDABLE_ARTICLE_STATUSES
from sammanhang.lending.models import Article, ArticleStatus


@dataclass
class BankStock:
    """One bank's stock of a needed piece of equipment."""

    org_slug: str
    name: str
    available: int = 0
    lendable: int = 0  # available or on loan


@dataclass
class NeededEquipment:
    code: str
    name: str
    banks: list[BankStock] = field(default_factory=list)


def equipment_to_borrow_for_activity(activity: Activity) -> list[NeededEquipment]:
    """The equipment the activity needs, each with the banks that lend it (by name) and how
    many are available now, in two queries (the terms, if not prefetched, and the stock).

    A bank whose articles of a term are all lent out is listed with 0 available: they come
    back within the loan days.
    """
    terms = sorted(activity.equipment.all(), key=lambda term: (term.position, term.code))
    if not terms:
        return []
    ids = [term.pk for term in terms]
    rows = (
        Article.objects.filter(status__in=LENDABLE_ARTICLE_STATUSES)
        .filter(Q(type__category_id__in=ids) | Q(type__category__parent_id__in=ids))
        .values(
            "type__category_id",
            "type__category__parent_id",
            "bank__organisation__slug",
            "bank__organisation__name",
        )
        .annotate(
            available=Count("pk", filter=Q(status=ArticleStatus.AVAILABLE)),
            lendable=Count("pk"),
        )
        .order_by()
    )
    stock: dict[int, dict[str, BankStock]] = {pk: {} for pk in ids}
    for row in rows:
        for needed in (row["type__category_id"], row["type__category__parent_id"]):
            if needed not in stock:
                continue
            slug = row["bank__organisation__slug"]
            bank = stock[needed].setdefault(
                slug, BankStock(org_slug=slug, name=row["bank__organisation__name"])
            )
            bank.available += row["available"]
            bank.lendable += row["lendable"]
    return [
        NeededEquipment(
            code=term.code,
            name=term.name,
            banks=sorted(stock[term.pk].values(), key=lambda bank: (bank.name, bank.org_slug)),
        )
        for term in terms
    ]
